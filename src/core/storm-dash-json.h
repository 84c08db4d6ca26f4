#pragma once

#include <json-glib/json-glib.h>

#include "storm-store-db.h"

G_BEGIN_DECLS

/* JSON export and import of every dashboard table (migration 4):
 * { "format": "stormops-dashboards", "version": 1,
 *   "tables": { "leads": [ { "id": 1, "title": …, … }, … ], … } }
 * Import replaces the dashboard data in one transaction: a table missing
 * from the file is emptied, except lead_stages and risk_rules, which keep
 * their rows unless the file has them. Every gate of the store holds: a
 * deployed agent job or a sent proposal needs its approval in the file. */

#define STORM_DASH_JSON_FORMAT "stormops-dashboards"

/* The dashboard tables, in the order they are written and read. */
const char * const *storm_dash_tables      (void);

JsonNode           *storm_dash_export      (StormDb     *db,
                                            GError     **error);
gboolean            storm_dash_export_file (StormDb     *db,
                                            const char  *path,
                                            GError     **error);
/* @name names the input in messages (a file name). */
gboolean            storm_dash_import      (StormDb     *db,
                                            JsonNode    *root,
                                            const char  *name,
                                            GError     **error);
gboolean            storm_dash_import_file (StormDb     *db,
                                            const char  *path,
                                            GError     **error);

G_END_DECLS
