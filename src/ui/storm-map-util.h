#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

/* The map layers keep their data in normalized Web Mercator
 * coordinates: x and y from 0 to 1, (0, 0) at the north-west corner,
 * the projection libshumate draws tiles in. A frame maps them to the
 * pixels of one layer for one viewport state. */
typedef struct
{
  double cx;        /* viewport centre, normalized */
  double cy;
  double map_size;  /* logical pixels per normalized unit */
  double width;     /* layer size, logical pixels */
  double height;
  double rotation;  /* radians, clockwise */
  double cos_r;
  double sin_r;
  double zoom;
} StormMapFrame;

void     storm_map_project            (double               lat,
                                       double               lon,
                                       double              *x,
                                       double              *y);
void     storm_map_unproject          (double               x,
                                       double               y,
                                       double              *lat,
                                       double              *lon);
gboolean storm_map_frame_init         (StormMapFrame       *frame,
                                       ShumateLayer        *layer);
void     storm_map_frame_to_widget    (const StormMapFrame *frame,
                                       double               nx,
                                       double               ny,
                                       double              *x,
                                       double              *y);
void     storm_map_frame_from_widget  (const StormMapFrame *frame,
                                       double               x,
                                       double               y,
                                       double              *nx,
                                       double              *ny);
void     storm_map_frame_get_extent   (const StormMapFrame *frame,
                                       double               margin_px,
                                       double              *x0,
                                       double              *y0,
                                       double              *x1,
                                       double              *y1);

G_END_DECLS
