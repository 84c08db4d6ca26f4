#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

/* One route as the layer receives it: its stops in visiting order. */
typedef struct
{
  const char   *name;
  const double *lat;
  const double *lon;
  guint         n_stops;
} StormRouteLine;

#define STORM_TYPE_ROUTE_LAYER (storm_route_layer_get_type ())

G_DECLARE_FINAL_TYPE (StormRouteLayer, storm_route_layer, STORM, ROUTE_LAYER, ShumateLayer)

StormRouteLayer *storm_route_layer_new              (ShumateViewport      *viewport);
void             storm_route_layer_set_routes       (StormRouteLayer      *self,
                                                     const StormRouteLine *routes,
                                                     guint                 n_routes);
guint            storm_route_layer_get_n_routes     (StormRouteLayer      *self);
const char      *storm_route_layer_get_route_name   (StormRouteLayer      *self,
                                                     guint                 index);
void             storm_route_layer_set_depot        (StormRouteLayer      *self,
                                                     double                lat,
                                                     double                lon);
void             storm_route_layer_clear_depot      (StormRouteLayer      *self);
int              storm_route_layer_get_selected     (StormRouteLayer      *self);
void             storm_route_layer_select           (StormRouteLayer      *self,
                                                     int                   index);
int              storm_route_layer_pick             (StormRouteLayer      *self,
                                                     double                x,
                                                     double                y,
                                                     double                radius_px);
gboolean         storm_route_layer_get_route_bounds (StormRouteLayer      *self,
                                                     int                   index,
                                                     double               *min_lat,
                                                     double               *min_lon,
                                                     double               *max_lat,
                                                     double               *max_lon);
void             storm_route_color                  (guint                 index,
                                                     GdkRGBA              *color);

G_END_DECLS
