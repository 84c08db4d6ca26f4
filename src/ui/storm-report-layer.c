#define G_LOG_DOMAIN "storm-report-layer"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "storm-map-util.h"
#include "storm-report-layer.h"

/* Storm reports over the properties: hail as faint discs sized by stone
 * diameter, so the swath reads at a glance without hiding the dots; wind as orange
 * triangles sized by speed; tornadoes as red diamonds sized by rating.
 * A storm has hundreds to a few thousand reports, so each is drawn as a
 * path after culling to the view. Reports are sorted largest first when
 * set, so small markers stay visible on top of big ones. */

#define MAX_RADIUS_PX 22.0

typedef struct
{
  double x;
  double y;
  double radius;
  guint8 kind;
  double magnitude;
} Report;

struct _StormReportLayer
{
  ShumateLayer parent_instance;

  Report      *reports;
  gsize        n_reports;
  double       min_x, min_y, max_x, max_y;
};

G_DEFINE_FINAL_TYPE (StormReportLayer, storm_report_layer, SHUMATE_TYPE_LAYER)

static int
compare_radius_desc (const void *a,
                     const void *b)
{
  const Report *ra = a, *rb = b;

  return (ra->radius < rb->radius) - (ra->radius > rb->radius);
}

static void
hail_color (double   inches,
            GdkRGBA *color)
{
  /* Severe hail starts at an inch; two inches break most roofs. */
  if (!isfinite (inches) || inches < 1.0)
    gdk_rgba_parse (color, "#62a0ea");
  else if (inches < 2.0)
    gdk_rgba_parse (color, "#1c71d8");
  else
    gdk_rgba_parse (color, "#613583");
}

static void
draw_report (cairo_t      *cr,
             const Report *report,
             double        wx,
             double        wy)
{
  double r = report->radius;
  GdkRGBA color;

  cairo_new_path (cr);
  switch (report->kind)
    {
    case STORM_REPORT_HAIL:
      hail_color (report->magnitude, &color);
      cairo_arc (cr, wx, wy, r, 0, 2 * G_PI);
      break;

    case STORM_REPORT_WIND:
      gdk_rgba_parse (&color, "#e66100");
      cairo_move_to (cr, wx, wy - r);
      cairo_line_to (cr, wx + r * 0.866, wy + r * 0.5);
      cairo_line_to (cr, wx - r * 0.866, wy + r * 0.5);
      cairo_close_path (cr);
      break;

    case STORM_REPORT_TORNADO:
    default:
      gdk_rgba_parse (&color, "#c01c28");
      cairo_move_to (cr, wx, wy - r);
      cairo_line_to (cr, wx + r * 0.7, wy);
      cairo_line_to (cr, wx, wy + r);
      cairo_line_to (cr, wx - r * 0.7, wy);
      cairo_close_path (cr);
      break;
    }

  color.alpha = report->kind == STORM_REPORT_HAIL ? 0.18 : 0.75;
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_fill_preserve (cr);
  color.alpha = 0.9;
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

static void
storm_report_layer_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  StormReportLayer *self = STORM_REPORT_LAYER (widget);
  StormMapFrame frame;
  double x0, y0, x1, y1;
  cairo_t *cr;

  if (self->n_reports == 0 || !storm_map_frame_init (&frame, SHUMATE_LAYER (self)))
    return;

  storm_map_frame_get_extent (&frame, MAX_RADIUS_PX + 2, &x0, &y0, &x1, &y1);
  if (self->max_x < x0 || self->min_x > x1 || self->max_y < y0 || self->min_y > y1)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (gsize i = 0; i < self->n_reports; i++)
    {
      const Report *report = &self->reports[i];
      double wx, wy;

      if (report->x < x0 || report->x > x1 || report->y < y0 || report->y > y1)
        continue;
      storm_map_frame_to_widget (&frame, report->x, report->y, &wx, &wy);
      draw_report (cr, report, wx, wy);
    }
  cairo_destroy (cr);
}

static void
viewport_notify_cb (StormReportLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
storm_report_layer_constructed (GObject *object)
{
  StormReportLayer *self = STORM_REPORT_LAYER (object);

  G_OBJECT_CLASS (storm_report_layer_parent_class)->constructed (object);

  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (viewport_notify_cb), self, G_CONNECT_SWAPPED);
}

static void
storm_report_layer_finalize (GObject *object)
{
  StormReportLayer *self = STORM_REPORT_LAYER (object);

  g_free (self->reports);

  G_OBJECT_CLASS (storm_report_layer_parent_class)->finalize (object);
}

static void
storm_report_layer_class_init (StormReportLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = storm_report_layer_constructed;
  object_class->finalize = storm_report_layer_finalize;

  widget_class->snapshot = storm_report_layer_snapshot;
}

static void
storm_report_layer_init (StormReportLayer *self)
{
}

StormReportLayer *
storm_report_layer_new (ShumateViewport *viewport)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  return g_object_new (STORM_TYPE_REPORT_LAYER, "viewport", viewport, NULL);
}

/**
 * storm_report_layer_marker_radius:
 * @kind: a #StormReportKind
 * @magnitude: hail diameter in inches, wind speed in knots, tornado
 *   rating (EF or F scale), or NaN when unknown
 *
 * Returns: the marker's radius in pixels
 */
double
storm_report_layer_marker_radius (StormReportKind kind,
                                  double          magnitude)
{
  switch (kind)
    {
    case STORM_REPORT_HAIL:
      return isfinite (magnitude) ? CLAMP (3.0 + 4.5 * magnitude, 4.0, MAX_RADIUS_PX) : 6.0;

    case STORM_REPORT_WIND:
      return isfinite (magnitude) ? CLAMP (5.0 + (magnitude - 50.0) / 6.0, 5.0, 12.0) : 7.0;

    case STORM_REPORT_TORNADO:
    default:
      return isfinite (magnitude) ? CLAMP (8.0 + 2.0 * magnitude, 8.0, 18.0) : 9.0;
    }
}

/**
 * storm_report_layer_set_reports:
 * @self: a #StormReportLayer
 * @lat: (array length=n_reports): latitudes
 * @lon: (array length=n_reports): longitudes
 * @kind: (array length=n_reports): a #StormReportKind for each report
 * @magnitude: (array length=n_reports): see storm_report_layer_marker_radius()
 * @n_reports: number of reports
 *
 * Replaces the reports; reports without finite coordinates are left out.
 */
void
storm_report_layer_set_reports (StormReportLayer *self,
                                const double     *lat,
                                const double     *lon,
                                const guint8     *kind,
                                const double     *magnitude,
                                gsize             n_reports)
{
  g_return_if_fail (STORM_IS_REPORT_LAYER (self));
  g_return_if_fail (n_reports == 0 || (lat != NULL && lon != NULL && kind != NULL && magnitude != NULL));

  for (gsize i = 0; i < n_reports; i++)
    g_return_if_fail (kind[i] < STORM_REPORT_N_KINDS);

  g_free (self->reports);
  self->reports = g_new (Report, MAX (n_reports, 1));
  self->n_reports = 0;
  self->min_x = self->min_y = G_MAXDOUBLE;
  self->max_x = self->max_y = -G_MAXDOUBLE;
  for (gsize i = 0; i < n_reports; i++)
    {
      Report *report = &self->reports[self->n_reports];

      if (!isfinite (lat[i]) || !isfinite (lon[i]))
        continue;
      storm_map_project (lat[i], lon[i], &report->x, &report->y);
      report->kind = kind[i];
      report->magnitude = magnitude[i];
      report->radius = storm_report_layer_marker_radius (kind[i], magnitude[i]);
      self->min_x = MIN (self->min_x, report->x);
      self->min_y = MIN (self->min_y, report->y);
      self->max_x = MAX (self->max_x, report->x);
      self->max_y = MAX (self->max_y, report->y);
      self->n_reports++;
    }
  qsort (self->reports, self->n_reports, sizeof (Report), compare_radius_desc);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gsize
storm_report_layer_get_n_reports (StormReportLayer *self)
{
  g_return_val_if_fail (STORM_IS_REPORT_LAYER (self), 0);

  return self->n_reports;
}

gboolean
storm_report_layer_get_bounds (StormReportLayer *self,
                               double           *min_lat,
                               double           *min_lon,
                               double           *max_lat,
                               double           *max_lon)
{
  double lat, lon;

  g_return_val_if_fail (STORM_IS_REPORT_LAYER (self), FALSE);

  if (self->n_reports == 0)
    return FALSE;
  storm_map_unproject (self->min_x, self->max_y, &lat, &lon);
  if (min_lat != NULL)
    *min_lat = lat;
  if (min_lon != NULL)
    *min_lon = lon;
  storm_map_unproject (self->max_x, self->min_y, &lat, &lon);
  if (max_lat != NULL)
    *max_lat = lat;
  if (max_lon != NULL)
    *max_lon = lon;
  return TRUE;
}
