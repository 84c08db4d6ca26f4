#define G_LOG_DOMAIN "storm-api-token"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "storm-api-token.h"
#include "storm-error.h"

#define TOKEN_BYTES 32
#define TOKEN_LENGTH (2 * TOKEN_BYTES)

char *
storm_api_token_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "stormops", "api-token", NULL);
}

static gboolean
is_token (const char *text)
{
  if (strlen (text) != TOKEN_LENGTH)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static char *
generate (GError **error)
{
  guint8 bytes[TOKEN_BYTES];
  gsize got = 0;
  GString *hex;

  while (got < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                       _("Cannot make an API token: the system gave no random numbers (%s)."),
                       g_strerror (saved));
          return NULL;
        }
      got += n;
    }
  hex = g_string_sized_new (TOKEN_LENGTH);
  for (gsize i = 0; i < sizeof bytes; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  memset (bytes, 0, sizeof bytes);
  return g_string_free (hex, FALSE);
}

static gboolean
save (const char  *path,
      const char  *token,
      GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = g_strconcat (token, "\n", NULL);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                   _("Cannot create the folder “%s” for the API token: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  /* Written to a temporary file created 0600, then renamed: never
   * readable by others, never half written. */
  if (!g_file_set_contents_full (path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                   _("Cannot save the API token to “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

char *
storm_api_token_load (const char  *path,
                      gboolean     create,
                      GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (create && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return storm_api_token_regenerate (path, error);
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                   _("Cannot read the API token “%s”: %s"), path, local_error->message);
      return NULL;
    }
  g_strstrip (contents);
  if (!is_token (contents))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("“%s” does not hold an API token (64 hex digits). Regenerate the token in Preferences."),
                   path);
      return NULL;
    }
  /* A token others can read is no secret. */
  if (g_stat (path, &st) == 0 && (st.st_mode & 0077) != 0)
    {
      g_warning ("The API token file %s was readable by others; restricting it to its owner", path);
      if (g_chmod (path, 0600) != 0)
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                       _("The API token file “%s” is readable by others and cannot be restricted. "
                         "Regenerate the token."), path);
          return NULL;
        }
    }
  return g_steal_pointer (&contents);
}

char *
storm_api_token_regenerate (const char  *path,
                            GError     **error)
{
  g_autofree char *token = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  token = generate (error);
  if (token == NULL || !save (path, token, error))
    return NULL;
  return g_steal_pointer (&token);
}

gboolean
storm_api_token_equal (const char *expected,
                       const char *given)
{
  gsize expected_len, given_len;
  guint8 diff;

  if (expected == NULL || given == NULL)
    return FALSE;
  expected_len = strlen (expected);
  given_len = strlen (given);
  /* The length of the expected token is public (always 64); only the
   * bytes are compared in constant time. */
  diff = expected_len != given_len;
  for (gsize i = 0; i < expected_len; i++)
    diff |= (guint8) expected[i] ^ (guint8) (i < given_len ? given[i] : 0);
  return diff == 0;
}
