#pragma once

#include <gio/gio.h>

#include "storm-route-sheet.h"
#include "storm-store-db.h"

G_BEGIN_DECLS

/* Route sheets from the store: one StormSheetRoute per route, with the
 * storm's name, the route's crew and language, today's date, distance,
 * time, depot, and each stop's address, id and next best action (in the
 * crew's language where the rule's words are translated). */

/* StormSheetRoute of the @n_routes of @route_ids, or of every current
 * route of @storm_id when @route_ids is NULL, in that order. A route that
 * is not the storm's is refused. */
GPtrArray *storm_route_sheets_build     (StormDb       *db,
                                         gint64         storm_id,
                                         const gint64  *route_ids,
                                         guint          n_routes,
                                         const char    *today,
                                         GError       **error);

/* The same routes drawn into one PDF at @path. */
gboolean   storm_route_sheets_write_pdf (StormDb       *db,
                                         gint64         storm_id,
                                         const gint64  *route_ids,
                                         guint          n_routes,
                                         StormPaper     paper,
                                         const char    *path,
                                         int           *n_pages,
                                         GError       **error);

gboolean   storm_paper_from_string      (const char    *text,
                                         StormPaper    *paper);

G_END_DECLS
