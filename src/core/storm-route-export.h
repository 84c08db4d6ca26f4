#pragma once

#include <gio/gio.h>

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Route exports for crews' phones and GIS:
 *  - CSV: route, seq, property_id, address, city, zip, lat, lon, uplift,
 *    decision, notes (the latest note of the door), RFC 4180 quoting;
 *  - GPX 1.1: a <rte> per route, its stops as <rtept> with a name, the
 *    depot as a <wpt>;
 *  - GeoJSON: a FeatureCollection with each stop as a Point (route, seq,
 *    id, address, …) and each route as a LineString (depot included for
 *    round trips). */
typedef enum {
  STORM_ROUTE_EXPORT_CSV,
  STORM_ROUTE_EXPORT_GPX,
  STORM_ROUTE_EXPORT_GEOJSON,
} StormRouteExportFormat;

gboolean    storm_route_export_format_from_string (const char             *text,
                                                   StormRouteExportFormat *format);
/* "csv", "gpx" or "geojson". */
const char *storm_route_export_format_extension   (StormRouteExportFormat  format);

/* Writes routes of @storm_id to @out: the @n_routes of @route_ids, or
 * every current route when @route_ids is NULL. */
gboolean    storm_route_export                    (StormDb                *db,
                                                   gint64                  storm_id,
                                                   const gint64           *route_ids,
                                                   guint                   n_routes,
                                                   StormRouteExportFormat  format,
                                                   GOutputStream          *out,
                                                   GCancellable           *cancellable,
                                                   GError                **error);
/* The same into @path, replaced whole or not at all. */
gboolean    storm_route_export_to_path            (StormDb                *db,
                                                   gint64                  storm_id,
                                                   const gint64           *route_ids,
                                                   guint                   n_routes,
                                                   StormRouteExportFormat  format,
                                                   const char             *path,
                                                   GCancellable           *cancellable,
                                                   GError                **error);

G_END_DECLS
