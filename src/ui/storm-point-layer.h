#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

/* What the map says about a property, one colour each. */
typedef enum {
  STORM_POINT_STATUS_TREAT,
  STORM_POINT_STATUS_HOLD,
  STORM_POINT_STATUS_CONTROL,
  STORM_POINT_STATUS_CONVERTED,
  STORM_POINT_STATUS_VISITED,
  STORM_POINT_N_STATUS
} StormPointStatus;

#define STORM_TYPE_POINT_LAYER (storm_point_layer_get_type ())

G_DECLARE_FINAL_TYPE (StormPointLayer, storm_point_layer, STORM, POINT_LAYER, ShumateLayer)

StormPointLayer *storm_point_layer_new           (ShumateViewport  *viewport);
void             storm_point_layer_set_points    (StormPointLayer  *self,
                                                  const double     *lat,
                                                  const double     *lon,
                                                  const guint8     *status,
                                                  const gint64     *ids,
                                                  gsize             n_points);
gsize            storm_point_layer_get_n_points  (StormPointLayer  *self);
gboolean         storm_point_layer_get_bounds    (StormPointLayer  *self,
                                                  double           *min_lat,
                                                  double           *min_lon,
                                                  double           *max_lat,
                                                  double           *max_lon);
gsize            storm_point_layer_count_visible (StormPointLayer  *self);
gint64           storm_point_layer_pick          (StormPointLayer  *self,
                                                  double            x,
                                                  double            y,
                                                  double            radius_px);
void             storm_point_status_get_color    (StormPointStatus  status,
                                                  GdkRGBA          *color);
const char      *storm_point_status_get_label    (StormPointStatus  status);

G_END_DECLS
