#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The API's bearer token: 32 random bytes as 64 hex digits, kept in a
 * file only its owner can read (not in the database, which is shared
 * and backed up). */

/* g_get_user_config_dir()/stormops/api-token */
char     *storm_api_token_default_path (void);
/* Reads the token at @path; when there is none and @create, makes one. */
char     *storm_api_token_load         (const char  *path,
                                        gboolean     create,
                                        GError     **error);
/* Replaces the token at @path with a new one and returns it; requests
 * with the old token are refused from then on. */
char     *storm_api_token_regenerate   (const char  *path,
                                        GError     **error);
/* Compares in time independent of where @given differs from @expected. */
gboolean  storm_api_token_equal        (const char  *expected,
                                        const char  *given);

G_END_DECLS
