#define G_LOG_DOMAIN "storm-map-util"

#include "config.h"

#include <math.h>

#include "storm-map-util.h"

/* The same clamp and formula as shumate_map_source_get_x/_y, so layer
 * points sit exactly on the tiles. */
void
storm_map_project (double  lat,
                   double  lon,
                   double *x,
                   double *y)
{
  double s;

  lat = CLAMP (lat, SHUMATE_MIN_LATITUDE, SHUMATE_MAX_LATITUDE);
  lon = CLAMP (lon, SHUMATE_MIN_LONGITUDE, SHUMATE_MAX_LONGITUDE);
  s = sin (lat * G_PI / 180.0);
  *x = (lon + 180.0) / 360.0;
  *y = 0.5 - log ((1.0 + s) / (1.0 - s)) / (4.0 * G_PI);
}

void
storm_map_unproject (double  x,
                     double  y,
                     double *lat,
                     double *lon)
{
  *lon = x * 360.0 - 180.0;
  *lat = atan (sinh (G_PI * (1.0 - 2.0 * y))) * 180.0 / G_PI;
}

/* FALSE while the layer has no size or its viewport no map source: there
 * is nothing to draw yet. */
gboolean
storm_map_frame_init (StormMapFrame *frame,
                      ShumateLayer  *layer)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (layer);
  ShumateMapSource *source = shumate_viewport_get_reference_map_source (viewport);

  frame->width = gtk_widget_get_width (GTK_WIDGET (layer));
  frame->height = gtk_widget_get_height (GTK_WIDGET (layer));
  if (source == NULL || frame->width <= 0 || frame->height <= 0)
    return FALSE;

  frame->zoom = shumate_viewport_get_zoom_level (viewport);
  frame->map_size = shumate_map_source_get_tile_size (source) * exp2 (frame->zoom);
  frame->rotation = shumate_viewport_get_rotation (viewport);
  frame->cos_r = cos (frame->rotation);
  frame->sin_r = sin (frame->rotation);
  storm_map_project (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                     shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                     &frame->cx, &frame->cy);
  return TRUE;
}

void
storm_map_frame_to_widget (const StormMapFrame *frame,
                           double               nx,
                           double               ny,
                           double              *x,
                           double              *y)
{
  double dx = (nx - frame->cx) * frame->map_size;
  double dy = (ny - frame->cy) * frame->map_size;

  *x = frame->cos_r * dx - frame->sin_r * dy + frame->width / 2.0;
  *y = frame->sin_r * dx + frame->cos_r * dy + frame->height / 2.0;
}

void
storm_map_frame_from_widget (const StormMapFrame *frame,
                             double               x,
                             double               y,
                             double              *nx,
                             double              *ny)
{
  double dx = x - frame->width / 2.0;
  double dy = y - frame->height / 2.0;

  *nx = frame->cx + (frame->cos_r * dx + frame->sin_r * dy) / frame->map_size;
  *ny = frame->cy + (-frame->sin_r * dx + frame->cos_r * dy) / frame->map_size;
}

/* The normalized rectangle that covers the layer, whatever the rotation,
 * grown by @margin_px on each side. */
void
storm_map_frame_get_extent (const StormMapFrame *frame,
                            double               margin_px,
                            double              *x0,
                            double              *y0,
                            double              *x1,
                            double              *y1)
{
  double half_w = (fabs (frame->cos_r) * frame->width + fabs (frame->sin_r) * frame->height) / 2.0 + margin_px;
  double half_h = (fabs (frame->sin_r) * frame->width + fabs (frame->cos_r) * frame->height) / 2.0 + margin_px;

  *x0 = frame->cx - half_w / frame->map_size;
  *x1 = frame->cx + half_w / frame->map_size;
  *y0 = frame->cy - half_h / frame->map_size;
  *y1 = frame->cy + half_h / frame->map_size;
}
