#define G_LOG_DOMAIN "storm-hash"

#include "config.h"

#include <sqlite3.h>

#include "storm-hash.h"

/* FNV-1a over key, a separator and id, finished with the splitmix64
 * mixer for good high bits. Our own code, so it never changes under us. */
guint64
storm_hash_64 (const char *key,
               const char *id)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const guchar *p = (const guchar *) key; p != NULL && *p; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT (0x100000001b3);
  h = (h ^ 0x1f) * G_GUINT64_CONSTANT (0x100000001b3);
  for (const guchar *p = (const guchar *) id; p != NULL && *p; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT (0x100000001b3);

  h ^= h >> 30;
  h *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  h ^= h >> 27;
  h *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  h ^= h >> 31;
  return h;
}

double
storm_hash_unit (const char *key,
                 const char *id)
{
  return (storm_hash_64 (key, id) >> 11) * (1.0 / 9007199254740992.0);
}

static void
unit_func (sqlite3_context  *context,
           int               argc,
           sqlite3_value   **argv)
{
  const char *key = (const char *) sqlite3_value_text (argv[0]);
  const char *id = (const char *) sqlite3_value_text (argv[1]);

  if (key == NULL || id == NULL)
    {
      sqlite3_result_null (context);
      return;
    }
  sqlite3_result_double (context, storm_hash_unit (key, id));
}

int
storm_hash_register (struct sqlite3 *handle)
{
  return sqlite3_create_function (handle, "storm_unit", 2,
                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                  NULL, unit_func, NULL, NULL);
}
