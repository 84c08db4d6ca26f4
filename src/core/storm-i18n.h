#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @msgid translated into @language ("en", "es", …) whatever the
 * program's own locale, for documents made for someone else (a Spanish-
 * speaking crew's route sheet). Falls back to the program's language
 * when the system lacks a locale for @language. */
const char *storm_gettext_for        (const char *language,
                                      const char *msgid);
gboolean    storm_language_available (const char *language);

G_END_DECLS
