#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The storm-cycle subcommands: policy, outcomes, touches, report, stats.
 * Each takes argv with argv[0] = the subcommand and returns an exit
 * status (0 ok, 1 failure, 2 usage). */
int storm_cli_policy   (int    argc,
                        char **argv,
                        const char *default_db);
int storm_cli_outcomes (int    argc,
                        char **argv,
                        const char *default_db);
int storm_cli_touches  (int    argc,
                        char **argv,
                        const char *default_db);
int storm_cli_report   (int    argc,
                        char **argv,
                        const char *default_db);
int storm_cli_stats    (int    argc,
                        char **argv);

G_END_DECLS
