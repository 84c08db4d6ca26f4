#pragma once

#include <adwaita.h>
#include <shumate/shumate.h>

#include "storm-point-layer.h"
#include "storm-report-layer.h"
#include "storm-route-layer.h"

G_BEGIN_DECLS

/* Where the base map comes from. */
typedef enum {
  STORM_MAP_BASE_ONLINE,
  STORM_MAP_BASE_MBTILES,
  STORM_MAP_BASE_NONE,
} StormMapBase;

#define STORM_TYPE_MAP_BASE (storm_map_base_get_type ())
GType storm_map_base_get_type (void) G_GNUC_CONST;

#define STORM_TYPE_MAP_VIEW (storm_map_view_get_type ())

G_DECLARE_FINAL_TYPE (StormMapView, storm_map_view, STORM, MAP_VIEW, GtkWidget)

StormMapView     *storm_map_view_new                (void);
StormMapBase      storm_map_view_get_base           (StormMapView *self);
void              storm_map_view_set_base_online    (StormMapView *self);
void              storm_map_view_set_base_none      (StormMapView *self);
gboolean          storm_map_view_set_mbtiles        (StormMapView *self,
                                                     const char   *path,
                                                     GError      **error);
const char       *storm_map_view_get_mbtiles_path   (StormMapView *self);
gboolean          storm_map_view_get_offline        (StormMapView *self);
ShumateSimpleMap *storm_map_view_get_map            (StormMapView *self);
ShumateViewport  *storm_map_view_get_viewport       (StormMapView *self);
StormPointLayer  *storm_map_view_get_point_layer    (StormMapView *self);
StormRouteLayer  *storm_map_view_get_route_layer    (StormMapView *self);
StormReportLayer *storm_map_view_get_report_layer   (StormMapView *self);
void              storm_map_view_fit_bounds         (StormMapView *self,
                                                     double        min_lat,
                                                     double        min_lon,
                                                     double        max_lat,
                                                     double        max_lon);
gboolean          storm_map_view_fit_all            (StormMapView *self);
gboolean          storm_map_view_fit_route          (StormMapView *self,
                                                     int           index);
void              storm_map_view_select_route       (StormMapView *self,
                                                     int           index);
void              storm_map_view_location_to_widget (StormMapView *self,
                                                     double        lat,
                                                     double        lon,
                                                     double       *x,
                                                     double       *y);

G_END_DECLS
