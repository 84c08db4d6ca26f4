#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `stormops tsp FILE.tsp`: solves a TSPLIB instance with the route
 * planner's tour code; prints length, optimum (from --optimum or an
 * optimum.txt beside the file) and gap. argv[0] = "tsp". */
int storm_cli_tsp    (int         argc,
                      char      **argv);

/* `stormops routes plan|list|export`: argv[0] = "routes". Exit status
 * 0 ok, 1 failure, 2 usage. */
int storm_cli_routes (int         argc,
                      char      **argv,
                      const char *default_db);

G_END_DECLS
