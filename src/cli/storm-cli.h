#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when argv[1] names a subcommand that runs without a display. */
gboolean storm_cli_handles (int    argc,
                            char **argv);
/* Runs that subcommand; returns the process exit status. */
int      storm_cli_run     (int    argc,
                            char **argv);

G_END_DECLS
