#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* stormops serve: the HTTP API without a window, until SIGINT or
 * SIGTERM. Returns an exit status (0 ok, 1 failure, 2 usage). */
int storm_cli_serve (int          argc,
                     char       **argv,
                     const char  *default_db);

G_END_DECLS
