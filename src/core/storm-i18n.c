#define G_LOG_DOMAIN "storm-i18n"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "storm-i18n.h"

static GHashTable *locales;   /* language → locale_t, or NULL when missing */
G_LOCK_DEFINE_STATIC (locales);

static locale_t
locale_for (const char *language)
{
  static const char * const regions[][3] = {
    { "es", "es_ES.UTF-8", "es_MX.UTF-8" },
    { "en", "en_US.UTF-8", "C.UTF-8" },
  };
  gpointer found;
  locale_t loc = (locale_t) 0;

  G_LOCK (locales);
  if (locales == NULL)
    locales = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_lookup_extended (locales, language, NULL, &found))
    {
      G_UNLOCK (locales);
      return (locale_t) found;
    }
  for (guint i = 0; i < G_N_ELEMENTS (regions) && loc == (locale_t) 0; i++)
    if (g_str_equal (regions[i][0], language))
      for (guint j = 1; j < 3 && loc == (locale_t) 0; j++)
        loc = newlocale (LC_MESSAGES_MASK | LC_CTYPE_MASK, regions[i][j], (locale_t) 0);
  g_hash_table_insert (locales, g_strdup (language), (gpointer) loc);
  G_UNLOCK (locales);
  return loc;
}

gboolean
storm_language_available (const char *language)
{
  return g_strcmp0 (language, "en") == 0 || locale_for (language) != (locale_t) 0;
}

const char *
storm_gettext_for (const char *language,
                   const char *msgid)
{
  locale_t loc, previous;
  const char *text;

  g_return_val_if_fail (msgid != NULL, NULL);

  /* Source strings are English. */
  if (language == NULL)
    return _(msgid);
  if (g_str_equal (language, "en"))
    return msgid;
  loc = locale_for (language);
  if (loc == (locale_t) 0)
    return _(msgid);
  previous = uselocale (loc);
  text = dgettext (GETTEXT_PACKAGE, msgid);
  uselocale (previous);
  return text;
}
