#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The operator dashboards on the command line. argv[0] is the command.
 * Exit status 0 ok, 1 failure or refusal, 2 usage. */

/* `stormops ops-health [--stale-days N]` (also `stormops ops`). */
int storm_cli_ops_health (int         argc,
                          char      **argv,
                          const char *default_db);
/* `stormops sales-leak [--days N]` */
int storm_cli_sales_leak (int         argc,
                          char      **argv,
                          const char *default_db);
/* `stormops dash export|import FILE.json` */
int storm_cli_dash       (int         argc,
                          char      **argv,
                          const char *default_db);
/* `stormops leads import FILE.csv [--map F=COL,…] [--stage-map THEIRS=OURS,…]` */
int storm_cli_leads      (int         argc,
                          char      **argv,
                          const char *default_db);
/* `stormops agent-jobs approve|deploy ID [--as NAME]` */
int storm_cli_agent_jobs (int         argc,
                          char      **argv,
                          const char *default_db);

G_END_DECLS
