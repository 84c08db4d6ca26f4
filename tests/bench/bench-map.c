/* The map with a million properties against libshumate's marker layer
 * with ten thousand: load time, then frame times while panning at
 * several zoom levels and while zooming.
 *
 * A frame is measured offscreen and synchronously: change the viewport,
 * lay the map out (markers are positioned in size_allocate), snapshot the
 * window and render the node tree to a texture with the window's own GSK
 * renderer. The frame clock's own frames (before-paint to after-paint,
 * presented on the X server) are measured too. Runs under Xvfb; set
 * GSK_RENDERER=cairo or ngl to choose the renderer. */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>

#include "storm-map-view.h"

#define N_POINTS 1000000
#define N_MARKERS 10000
#define N_FRAMES 30
#define WIDTH 1024
#define HEIGHT 768
#define CENTER_LAT 32.85
#define CENTER_LON -96.85

static const double zooms[] = { 8, 10, 12, 14, 16 };

typedef struct
{
  double median;
  double p95;
} Stats;

typedef struct
{
  GtkWindow    *window;
  StormMapView *view;
} Bench;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static Stats
stats_of (double *samples,
          guint   n)
{
  Stats stats;

  qsort (samples, n, sizeof (double), compare_double);
  stats.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  stats.p95 = samples[MIN (n - 1, (guint) ceil (0.95 * n) - 1)];
  return stats;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);

  while (frames < n)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, id);
}

/* One offscreen frame, in milliseconds: layout, snapshot, render. With
 * @png set, the frame is also saved there (not timed). */
static double
offscreen_frame (Bench      *b,
                 const char *png)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (b->window));
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (b->view));
  int height = gtk_widget_get_height (GTK_WIDGET (b->view));
  double start = now_ms (), elapsed;

  gtk_widget_allocate (GTK_WIDGET (b->view), width, height, -1, NULL);
  snapshot = gtk_snapshot_new ();
  gtk_widget_snapshot_child (GTK_WIDGET (b->window), GTK_WIDGET (b->view), snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert (node != NULL);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert (texture != NULL);
  elapsed = now_ms () - start;
  if (png != NULL)
    gdk_texture_save_to_png (texture, png);
  return elapsed;
}

typedef struct
{
  double before;
  double last;
  gboolean seen;
} ClockFrame;

static void
before_paint_cb (GdkFrameClock *clock,
                 ClockFrame    *frame)
{
  frame->before = now_ms ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                ClockFrame    *frame)
{
  frame->last = now_ms () - frame->before;
  frame->seen = TRUE;
}

/* One frame of the window's frame clock, before-paint to after-paint. */
static double
clock_frame (Bench *b)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (b->window));
  ClockFrame frame = { 0 };
  gulong before = g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &frame);
  gulong after = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &frame);

  gtk_widget_queue_draw (GTK_WIDGET (b->view));
  while (!frame.seen)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, before);
  g_signal_handler_disconnect (clock, after);
  return frame.last;
}

static void
set_view (Bench  *b,
          double  lat,
          double  lon,
          double  zoom)
{
  ShumateViewport *viewport = storm_map_view_get_viewport (b->view);

  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), lat, lon);
}

/* N_FRAMES pan steps around the storm's centre at @zoom, each a tenth
 * of the view's width. */
/* Where to save one frame per zoom level, if STORMOPS_SCREENSHOT_DIR is set. */
static char *
screenshot_path (const char *what,
                 double      zoom)
{
  const char *dir = g_getenv ("STORMOPS_SCREENSHOT_DIR");
  g_autofree char *name = NULL;

  if (dir == NULL)
    return NULL;
  name = g_strdup_printf ("bench-map-%s-zoom%02.0f.png", what, zoom);
  return g_build_filename (dir, name, NULL);
}

static void
pan_frames (Bench      *b,
            const char *what,
            double      zoom,
            Stats      *offscreen,
            Stats      *onscreen)
{
  double off[N_FRAMES], on[N_FRAMES];
  double degrees_per_px = 360.0 / (256.0 * exp2 (zoom));

  for (guint i = 0; i < N_FRAMES; i++)
    {
      double angle = 2 * G_PI * i / N_FRAMES;
      double r = 0.1 * WIDTH * degrees_per_px * (1 + i % 5);

      g_autofree char *png = i == 0 ? screenshot_path (what, zoom) : NULL;

      set_view (b, CENTER_LAT + 0.8 * r * sin (angle), CENTER_LON + r * cos (angle), zoom);
      off[i] = offscreen_frame (b, png);
      set_view (b, CENTER_LAT + 0.8 * r * sin (angle + 0.1), CENTER_LON + r * cos (angle + 0.1), zoom);
      on[i] = clock_frame (b);
    }
  *offscreen = stats_of (off, N_FRAMES);
  *onscreen = stats_of (on, N_FRAMES);
}

/* N_FRAMES steps of a zoom from 8 to 16 over the storm's centre. */
static void
zoom_frames (Bench *b,
             Stats *offscreen,
             Stats *onscreen)
{
  double off[N_FRAMES], on[N_FRAMES];

  for (guint i = 0; i < N_FRAMES; i++)
    {
      double zoom = 8.0 + 8.0 * i / (N_FRAMES - 1);

      set_view (b, CENTER_LAT, CENTER_LON, zoom);
      off[i] = offscreen_frame (b, NULL);
      set_view (b, CENTER_LAT, CENTER_LON, zoom + 0.05);
      on[i] = clock_frame (b);
    }
  *offscreen = stats_of (off, N_FRAMES);
  *onscreen = stats_of (on, N_FRAMES);
}

/* Properties of a large storm: most within 30 km of the centre, a long
 * tail; statuses in the proportions of a worked storm. */
static void
storm_points (gsize   n,
              double *lat,
              double *lon,
              guint8 *status,
              gint64 *ids)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240524);

  for (gsize i = 0; i < n; i++)
    {
      double r = 0.25 * sqrt (-2.0 * log (g_rand_double_range (rand, 1e-12, 1.0)));
      double a = g_rand_double_range (rand, 0, 2 * G_PI);
      int roll = g_rand_int_range (rand, 0, 100);

      lat[i] = CENTER_LAT + 0.8 * r * sin (a);
      lon[i] = CENTER_LON + r * cos (a);
      status[i] = roll < 55 ? STORM_POINT_STATUS_TREAT
                : roll < 70 ? STORM_POINT_STATUS_HOLD
                : roll < 80 ? STORM_POINT_STATUS_CONTROL
                : roll < 88 ? STORM_POINT_STATUS_CONVERTED
                : STORM_POINT_STATUS_VISITED;
      ids[i] = (gint64) i + 1;
    }
}

static Bench *
bench_new (void)
{
  Bench *b = g_new0 (Bench, 1);

  b->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (b->window, WIDTH, HEIGHT);
  b->view = storm_map_view_new ();
  /* The layers' cost, not the network's: no tiles. */
  storm_map_view_set_base_none (b->view);
  gtk_window_set_child (b->window, GTK_WIDGET (b->view));
  gtk_window_present (b->window);
  wait_frames (GTK_WIDGET (b->window), 3);
  set_view (b, CENTER_LAT, CENTER_LON, 10);
  wait_frames (GTK_WIDGET (b->window), 2);
  return b;
}

static void
bench_free (Bench *b)
{
  gtk_window_destroy (b->window);
  g_free (b);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree double *lat = g_new (double, N_POINTS);
  g_autofree double *lon = g_new (double, N_POINTS);
  g_autofree guint8 *status = g_new (guint8, N_POINTS);
  g_autofree gint64 *ids = g_new (gint64, N_POINTS);
  Stats points_off[G_N_ELEMENTS (zooms) + 1], points_on[G_N_ELEMENTS (zooms) + 1];
  Stats markers_off[G_N_ELEMENTS (zooms) + 1], markers_on[G_N_ELEMENTS (zooms) + 1];
  gsize visible[G_N_ELEMENTS (zooms)];
  double t0, set_ms, first_ms, add_ms, marker_first_ms;
  ShumateMarkerLayer *markers;
  StormPointLayer *points;
  const char *renderer;
  Bench *b;

  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (!gtk_init_check ())
    {
      g_print ("no display: run with build-aux/stormops-dev bench, which uses Xvfb\n");
      return 77;
    }
  adw_init ();

  storm_points (N_POINTS, lat, lon, status, ids);

  /* StormPointLayer, a million points. */
  b = bench_new ();
  renderer = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (b->window)));
  points = storm_map_view_get_point_layer (b->view);
  t0 = now_ms ();
  storm_point_layer_set_points (points, lat, lon, status, ids, N_POINTS);
  set_ms = now_ms () - t0;
  first_ms = offscreen_frame (b, NULL);
  g_assert (storm_point_layer_get_n_points (points) == N_POINTS);

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      set_view (b, CENTER_LAT, CENTER_LON, zooms[z]);
      wait_frames (GTK_WIDGET (b->window), 1);
      visible[z] = storm_point_layer_count_visible (points);
      pan_frames (b, "points", zooms[z], &points_off[z], &points_on[z]);
    }
  zoom_frames (b, &points_off[G_N_ELEMENTS (zooms)], &points_on[G_N_ELEMENTS (zooms)]);
  bench_free (b);

  /* libshumate's marker layer, ten thousand image markers. */
  b = bench_new ();
  t0 = now_ms ();
  markers = shumate_marker_layer_new (storm_map_view_get_viewport (b->view));
  for (guint i = 0; i < N_MARKERS; i++)
    {
      ShumateMarker *marker = shumate_marker_new ();
      GtkWidget *image = gtk_image_new_from_icon_name ("media-record-symbolic");

      gtk_image_set_pixel_size (GTK_IMAGE (image), 8);
      shumate_marker_set_child (marker, image);
      shumate_location_set_location (SHUMATE_LOCATION (marker), lat[i], lon[i]);
      shumate_marker_layer_add_marker (markers, marker);
    }
  shumate_simple_map_add_overlay_layer (storm_map_view_get_map (b->view), SHUMATE_LAYER (markers));
  add_ms = now_ms () - t0;
  marker_first_ms = offscreen_frame (b, NULL);

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    pan_frames (b, "markers", zooms[z], &markers_off[z], &markers_on[z]);
  zoom_frames (b, &markers_off[G_N_ELEMENTS (zooms)], &markers_on[G_N_ELEMENTS (zooms)]);
  bench_free (b);

  g_print ("Map benchmark: %d×%d window, renderer %s (GSK_RENDERER=%s), %d frames per row\n",
           WIDTH, HEIGHT, renderer, g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default", N_FRAMES);
  g_print ("\nLoad                                      set/add ms   first frame ms   total ms   target\n");
  g_print ("StormPointLayer, %7d points            %10.1f   %14.1f   %8.1f   ≤ 1000 ms: %s\n",
           N_POINTS, set_ms, first_ms, set_ms + first_ms, set_ms + first_ms <= 1000 ? "met" : "MISSED");
  g_print ("ShumateMarkerLayer, %6d markers         %10.1f   %14.1f   %8.1f\n",
           N_MARKERS, add_ms, marker_first_ms, add_ms + marker_first_ms);
  g_print ("Ratio markers(10k)/points(1M)                                        %8.1f×\n",
           (add_ms + marker_first_ms) / (set_ms + first_ms));

  g_print ("\nFrames, ms (offscreen = layout + snapshot + render_texture; on screen = frame clock before-paint → after-paint)\n");
  g_print ("step            visible pts | points 1M offscreen   on screen | markers 10k offscreen   on screen | ratio (offscreen median)\n");
  g_print ("                            |     median   p95   median   p95 |      median   p95   median   p95 | markers/points\n");
  for (guint z = 0; z <= G_N_ELEMENTS (zooms); z++)
    {
      g_autofree char *label = z < G_N_ELEMENTS (zooms) ? g_strdup_printf ("pan, zoom %2.0f", zooms[z])
                                                          : g_strdup ("zoom 8 → 16");
      g_autofree char *count = z < G_N_ELEMENTS (zooms) ? g_strdup_printf ("%" G_GSIZE_FORMAT, visible[z])
                                                          : g_strdup ("");

      g_print ("%-15s %11s | %10.2f %5.2f %8.2f %5.2f | %11.2f %5.2f %8.2f %5.2f | %6.1f×\n",
               label, count,
               points_off[z].median, points_off[z].p95, points_on[z].median, points_on[z].p95,
               markers_off[z].median, markers_off[z].p95, markers_on[z].median, markers_on[z].p95,
               markers_off[z].median / points_off[z].median);
    }
  {
    double worst = 0;

    for (guint z = 0; z <= G_N_ELEMENTS (zooms); z++)
      worst = MAX (worst, points_off[z].p95);
    g_print ("\nTarget: a frame ≤ 16 ms with 1M points; worst p95 offscreen %.2f ms: %s\n",
             worst, worst <= 16 ? "met" : "MISSED");
  }
  return 0;
}
