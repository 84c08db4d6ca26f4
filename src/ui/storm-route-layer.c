#define G_LOG_DOMAIN "storm-route-layer"

#include "config.h"

#include <math.h>

#include "storm-map-util.h"
#include "storm-route-layer.h"

/* Crew routes on the map: one polyline per route in a colour of its own,
 * numbered stops once the map is zoomed in far enough for the numbers to
 * be read, and the depot. A selected route is drawn on top and the
 * others fade, so one crew's day stands out among hundreds of routes.
 *
 * Stops are projected once when set; a frame culls whole routes by their
 * bounding box and drops vertices closer than a pixel and a half to the
 * previous one, and strokes all unselected routes of one colour as a
 * single path. Clicks reach the layer only near a route. */

/* Numbers are drawn when a route's stops are at least this far apart on
 * average, in pixels. */
#define NUMBER_SPACING_PX 22.0
#define STOP_RADIUS_PX 9.0
#define SMALL_STOP_RADIUS_PX 3.5
#define SIMPLIFY_PX 1.5
#define CONTAINS_RADIUS_PX 5.0
#define PICK_RADIUS_PX 8.0

typedef struct
{
  char   *name;
  guint   first;
  guint   n_stops;
  double  x0, y0, x1, y1;  /* bounding box, normalized */
} Route;

struct _StormRouteLayer
{
  ShumateLayer parent_instance;

  GArray      *routes;     /* Route */
  double      *x;          /* every stop, normalized, route after route */
  double      *y;
  int          selected;

  gboolean     has_depot;
  double       depot_x;
  double       depot_y;
};

G_DEFINE_FINAL_TYPE (StormRouteLayer, storm_route_layer, SHUMATE_TYPE_LAYER)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ROUTE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Ten colours apart from each other and from the point statuses' hues
 * at full strength, readable on light map tiles. */
static const char *palette[] = {
  "#1a5fb4", "#c01c28", "#2ec27e", "#e66100", "#813d9c",
  "#986a44", "#0f8b8d", "#d4407a", "#8a8a00", "#3d3846",
};

static void
route_clear (gpointer data)
{
  Route *route = data;

  g_free (route->name);
}

static Route *
route_at (StormRouteLayer *self,
          guint            index)
{
  return &g_array_index (self->routes, Route, index);
}

static gboolean
route_visible (const Route *route,
               double       x0,
               double       y0,
               double       x1,
               double       y1)
{
  return route->n_stops > 0 && route->x1 >= x0 && route->x0 <= x1 && route->y1 >= y0 && route->y0 <= y1;
}

/* The route's polyline in layer pixels, without vertices too close to
 * the previous one to matter. */
static void
trace_route (StormRouteLayer     *self,
             const StormMapFrame *frame,
             cairo_t             *cr,
             const Route         *route)
{
  double last_x = 0, last_y = 0;

  for (guint i = 0; i < route->n_stops; i++)
    {
      double wx, wy;

      storm_map_frame_to_widget (frame, self->x[route->first + i], self->y[route->first + i], &wx, &wy);
      if (i == 0)
        cairo_move_to (cr, wx, wy);
      else if (i == route->n_stops - 1 || fabs (wx - last_x) + fabs (wy - last_y) >= SIMPLIFY_PX)
        cairo_line_to (cr, wx, wy);
      else
        continue;
      last_x = wx;
      last_y = wy;
    }
}

static double
route_spacing_px (const Route         *route,
                  const StormMapFrame *frame)
{
  double diagonal = hypot (route->x1 - route->x0, route->y1 - route->y0) * frame->map_size;

  return route->n_stops > 1 ? diagonal / (route->n_stops - 1) : G_MAXDOUBLE;
}

static void
draw_stops (StormRouteLayer     *self,
            const StormMapFrame *frame,
            cairo_t             *cr,
            PangoLayout         *layout,
            const Route         *route,
            const GdkRGBA       *color,
            gboolean             numbered)
{
  double radius = numbered ? STOP_RADIUS_PX : SMALL_STOP_RADIUS_PX;

  for (guint i = 0; i < route->n_stops; i++)
    {
      double wx, wy;

      storm_map_frame_to_widget (frame, self->x[route->first + i], self->y[route->first + i], &wx, &wy);
      if (wx < -radius || wy < -radius || wx > frame->width + radius || wy > frame->height + radius)
        continue;

      cairo_new_path (cr);
      cairo_arc (cr, wx, wy, radius, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, color);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 1, 1, 1, color->alpha);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);

      if (numbered)
        {
          char number[12];
          int text_w, text_h;

          g_snprintf (number, sizeof number, "%u", i + 1);
          pango_layout_set_text (layout, number, -1);
          pango_layout_get_pixel_size (layout, &text_w, &text_h);
          cairo_move_to (cr, wx - text_w / 2.0, wy - text_h / 2.0);
          cairo_set_source_rgba (cr, 1, 1, 1, color->alpha);
          pango_cairo_show_layout (cr, layout);
        }
    }
}

/* A dark house on a white disc: the crews' start and end. */
static void
draw_depot (StormRouteLayer     *self,
            const StormMapFrame *frame,
            cairo_t             *cr)
{
  double wx, wy;

  storm_map_frame_to_widget (frame, self->depot_x, self->depot_y, &wx, &wy);
  if (wx < -20 || wy < -20 || wx > frame->width + 20 || wy > frame->height + 20)
    return;

  cairo_new_path (cr);
  cairo_arc (cr, wx, wy, 12, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.14, 0.12, 0.19);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);

  cairo_move_to (cr, wx - 7, wy - 0.5);
  cairo_line_to (cr, wx, wy - 7);
  cairo_line_to (cr, wx + 7, wy - 0.5);
  cairo_line_to (cr, wx + 5, wy - 0.5);
  cairo_line_to (cr, wx + 5, wy + 6);
  cairo_line_to (cr, wx - 5, wy + 6);
  cairo_line_to (cr, wx - 5, wy - 0.5);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
storm_route_layer_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  StormRouteLayer *self = STORM_ROUTE_LAYER (widget);
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *font;
  StormMapFrame frame;
  double x0, y0, x1, y1;
  gboolean dimmed;
  cairo_t *cr;

  if ((self->routes->len == 0 && !self->has_depot) || !storm_map_frame_init (&frame, SHUMATE_LAYER (self)))
    return;

  storm_map_frame_get_extent (&frame, STOP_RADIUS_PX + 4, &x0, &y0, &x1, &y1);
  dimmed = self->selected >= 0;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  layout = gtk_widget_create_pango_layout (widget, NULL);
  font = pango_font_description_new ();
  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (font, 9 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  /* Unselected routes, one path per colour. */
  for (guint p = 0; p < G_N_ELEMENTS (palette); p++)
    {
      GdkRGBA color;
      gboolean any = FALSE;

      for (guint r = p; r < self->routes->len; r += G_N_ELEMENTS (palette))
        {
          const Route *route = route_at (self, r);

          if ((int) r == self->selected || !route_visible (route, x0, y0, x1, y1))
            continue;
          trace_route (self, &frame, cr, route);
          any = TRUE;
        }
      if (!any)
        continue;
      storm_route_color (p, &color);
      color.alpha = dimmed ? 0.35 : 0.85;
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_line_width (cr, frame.zoom < 12 ? 2.0 : 3.0);
      cairo_stroke (cr);
    }

  for (guint r = 0; r < self->routes->len; r++)
    {
      const Route *route = route_at (self, r);
      GdkRGBA color;

      if ((int) r == self->selected || !route_visible (route, x0, y0, x1, y1)
          || route_spacing_px (route, &frame) < NUMBER_SPACING_PX)
        continue;
      storm_route_color (r, &color);
      color.alpha = dimmed ? 0.45 : 1.0;
      draw_stops (self, &frame, cr, layout, route, &color, TRUE);
    }

  if (self->selected >= 0)
    {
      const Route *route = route_at (self, self->selected);
      GdkRGBA color;

      storm_route_color (self->selected, &color);
      trace_route (self, &frame, cr, route);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
      cairo_set_line_width (cr, 8);
      cairo_stroke_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_line_width (cr, 4.5);
      cairo_stroke (cr);
      draw_stops (self, &frame, cr, layout, route, &color,
                  route_spacing_px (route, &frame) >= NUMBER_SPACING_PX);
    }

  if (self->has_depot)
    draw_depot (self, &frame, cr);

  cairo_destroy (cr);
}

static gboolean
storm_route_layer_contains (GtkWidget *widget,
                            double     x,
                            double     y)
{
  return storm_route_layer_pick (STORM_ROUTE_LAYER (widget), x, y, CONTAINS_RADIUS_PX) >= 0;
}

static void
click_released_cb (StormRouteLayer *self,
                   int              n_press,
                   double           x,
                   double           y,
                   GtkGestureClick *gesture)
{
  int index;

  if (n_press != 1)
    return;
  index = storm_route_layer_pick (self, x, y, PICK_RADIUS_PX);
  if (index >= 0)
    g_signal_emit (self, signals[ROUTE_ACTIVATED], 0, index);
}

static void
viewport_notify_cb (StormRouteLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
storm_route_layer_constructed (GObject *object)
{
  StormRouteLayer *self = STORM_ROUTE_LAYER (object);

  G_OBJECT_CLASS (storm_route_layer_parent_class)->constructed (object);

  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (viewport_notify_cb), self, G_CONNECT_SWAPPED);
}

static void
storm_route_layer_finalize (GObject *object)
{
  StormRouteLayer *self = STORM_ROUTE_LAYER (object);

  g_clear_pointer (&self->routes, g_array_unref);
  g_free (self->x);
  g_free (self->y);

  G_OBJECT_CLASS (storm_route_layer_parent_class)->finalize (object);
}

static void
storm_route_layer_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StormRouteLayer *self = STORM_ROUTE_LAYER (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_route_layer_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  StormRouteLayer *self = STORM_ROUTE_LAYER (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      storm_route_layer_select (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_route_layer_class_init (StormRouteLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = storm_route_layer_constructed;
  object_class->finalize = storm_route_layer_finalize;
  object_class->get_property = storm_route_layer_get_property;
  object_class->set_property = storm_route_layer_set_property;

  widget_class->snapshot = storm_route_layer_snapshot;
  widget_class->contains = storm_route_layer_contains;

  /**
   * StormRouteLayer:selected:
   *
   * Index of the highlighted route, or -1.
   */
  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StormRouteLayer::route-activated:
   * @self: the layer
   * @index: the route's index
   *
   * A route was clicked.
   */
  signals[ROUTE_ACTIVATED] =
    g_signal_new ("route-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
storm_route_layer_init (StormRouteLayer *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->routes = g_array_new (FALSE, TRUE, sizeof (Route));
  g_array_set_clear_func (self->routes, route_clear);
  self->selected = -1;

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (click_released_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
}

StormRouteLayer *
storm_route_layer_new (ShumateViewport *viewport)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  return g_object_new (STORM_TYPE_ROUTE_LAYER, "viewport", viewport, NULL);
}

/**
 * storm_route_layer_set_routes:
 * @self: a #StormRouteLayer
 * @routes: (array length=n_routes): the routes, copied
 * @n_routes: number of routes
 *
 * Replaces the routes; route i takes colour i of the palette (see
 * storm_route_color()). The selection is cleared.
 */
void
storm_route_layer_set_routes (StormRouteLayer      *self,
                              const StormRouteLine *routes,
                              guint                 n_routes)
{
  gsize total = 0, at = 0;

  g_return_if_fail (STORM_IS_ROUTE_LAYER (self));
  g_return_if_fail (n_routes == 0 || routes != NULL);

  for (guint r = 0; r < n_routes; r++)
    {
      g_return_if_fail (routes[r].n_stops == 0 || (routes[r].lat != NULL && routes[r].lon != NULL));
      total += routes[r].n_stops;
    }

  g_array_set_size (self->routes, 0);
  g_free (self->x);
  g_free (self->y);
  self->x = g_new (double, MAX (total, 1));
  self->y = g_new (double, MAX (total, 1));

  for (guint r = 0; r < n_routes; r++)
    {
      Route route = { g_strdup (routes[r].name), at, 0, G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };

      for (guint i = 0; i < routes[r].n_stops; i++)
        {
          double x, y;

          if (!isfinite (routes[r].lat[i]) || !isfinite (routes[r].lon[i]))
            continue;
          storm_map_project (routes[r].lat[i], routes[r].lon[i], &x, &y);
          self->x[at] = x;
          self->y[at] = y;
          route.x0 = MIN (route.x0, x);
          route.y0 = MIN (route.y0, y);
          route.x1 = MAX (route.x1, x);
          route.y1 = MAX (route.y1, y);
          route.n_stops++;
          at++;
        }
      g_array_append_val (self->routes, route);
    }

  if (self->selected != -1)
    {
      self->selected = -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
storm_route_layer_get_n_routes (StormRouteLayer *self)
{
  g_return_val_if_fail (STORM_IS_ROUTE_LAYER (self), 0);

  return self->routes->len;
}

const char *
storm_route_layer_get_route_name (StormRouteLayer *self,
                                  guint            index)
{
  g_return_val_if_fail (STORM_IS_ROUTE_LAYER (self), NULL);
  g_return_val_if_fail (index < self->routes->len, NULL);

  return route_at (self, index)->name;
}

void
storm_route_layer_set_depot (StormRouteLayer *self,
                             double           lat,
                             double           lon)
{
  g_return_if_fail (STORM_IS_ROUTE_LAYER (self));
  g_return_if_fail (isfinite (lat) && isfinite (lon));

  self->has_depot = TRUE;
  storm_map_project (lat, lon, &self->depot_x, &self->depot_y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
storm_route_layer_clear_depot (StormRouteLayer *self)
{
  g_return_if_fail (STORM_IS_ROUTE_LAYER (self));

  if (!self->has_depot)
    return;
  self->has_depot = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
storm_route_layer_get_selected (StormRouteLayer *self)
{
  g_return_val_if_fail (STORM_IS_ROUTE_LAYER (self), -1);

  return self->selected;
}

/* @index -1 selects nothing. */
void
storm_route_layer_select (StormRouteLayer *self,
                          int              index)
{
  g_return_if_fail (STORM_IS_ROUTE_LAYER (self));
  g_return_if_fail (index >= -1 && index < (int) self->routes->len);

  if (self->selected == index)
    return;
  self->selected = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static double
segment_distance2 (double px,
                   double py,
                   double ax,
                   double ay,
                   double bx,
                   double by)
{
  double dx = bx - ax, dy = by - ay;
  double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? CLAMP (((px - ax) * dx + (py - ay) * dy) / length2, 0, 1) : 0;
  double cx = ax + t * dx - px, cy = ay + t * dy - py;

  return cx * cx + cy * cy;
}

/**
 * storm_route_layer_pick:
 * @self: a #StormRouteLayer
 * @x: layer x coordinate
 * @y: layer y coordinate
 * @radius_px: how far from the route's line the point may be
 *
 * Finds the route whose line passes nearest to (@x, @y); the selected
 * route wins where it is drawn over others.
 *
 * Returns: the route's index, or -1 when none is within @radius_px
 */
int
storm_route_layer_pick (StormRouteLayer *self,
                        double           x,
                        double           y,
                        double           radius_px)
{
  StormMapFrame frame;
  double nx, ny, radius, best_d2;
  int best = -1;

  g_return_val_if_fail (STORM_IS_ROUTE_LAYER (self), -1);

  if (self->routes->len == 0 || !storm_map_frame_init (&frame, SHUMATE_LAYER (self)))
    return -1;
  storm_map_frame_from_widget (&frame, x, y, &nx, &ny);
  radius = radius_px / frame.map_size;
  best_d2 = radius * radius;

  if (self->selected >= 0)
    {
      const Route *route = route_at (self, self->selected);

      for (guint i = 0; i < route->n_stops; i++)
        {
          guint a = route->first + i, b = route->first + MIN (i + 1, route->n_stops - 1);

          if (segment_distance2 (nx, ny, self->x[a], self->y[a], self->x[b], self->y[b]) <= best_d2)
            return self->selected;
        }
    }

  for (guint r = 0; r < self->routes->len; r++)
    {
      const Route *route = route_at (self, r);

      if (!route_visible (route, nx - radius, ny - radius, nx + radius, ny + radius))
        continue;
      for (guint i = 0; i < route->n_stops; i++)
        {
          guint a = route->first + i, b = route->first + MIN (i + 1, route->n_stops - 1);
          double d2 = segment_distance2 (nx, ny, self->x[a], self->y[a], self->x[b], self->y[b]);

          if (d2 <= best_d2)
            {
              best_d2 = d2;
              best = r;
            }
        }
    }
  return best;
}

/**
 * storm_route_layer_get_route_bounds:
 * @self: a #StormRouteLayer
 * @index: a route, or -1 for all routes and the depot
 *
 * Returns: FALSE when there is nothing to bound
 */
gboolean
storm_route_layer_get_route_bounds (StormRouteLayer *self,
                                    int              index,
                                    double          *min_lat,
                                    double          *min_lon,
                                    double          *max_lat,
                                    double          *max_lon)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  double lat, lon;

  g_return_val_if_fail (STORM_IS_ROUTE_LAYER (self), FALSE);
  g_return_val_if_fail (index >= -1 && index < (int) self->routes->len, FALSE);

  for (guint r = 0; r < self->routes->len; r++)
    {
      const Route *route = route_at (self, r);

      if ((index >= 0 && (int) r != index) || route->n_stops == 0)
        continue;
      x0 = MIN (x0, route->x0);
      y0 = MIN (y0, route->y0);
      x1 = MAX (x1, route->x1);
      y1 = MAX (y1, route->y1);
    }
  if (index < 0 && self->has_depot)
    {
      x0 = MIN (x0, self->depot_x);
      y0 = MIN (y0, self->depot_y);
      x1 = MAX (x1, self->depot_x);
      y1 = MAX (y1, self->depot_y);
    }
  if (x0 > x1)
    return FALSE;

  storm_map_unproject (x0, y1, &lat, &lon);
  if (min_lat != NULL)
    *min_lat = lat;
  if (min_lon != NULL)
    *min_lon = lon;
  storm_map_unproject (x1, y0, &lat, &lon);
  if (max_lat != NULL)
    *max_lat = lat;
  if (max_lon != NULL)
    *max_lon = lon;
  return TRUE;
}

/* Colour of route @index, the same on the map and in a route list. */
void
storm_route_color (guint    index,
                   GdkRGBA *color)
{
  g_return_if_fail (color != NULL);

  gdk_rgba_parse (color, palette[index % G_N_ELEMENTS (palette)]);
}
