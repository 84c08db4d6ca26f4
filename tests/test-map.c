/* The map widgets: the MBTiles data source on the real files in
 * ../shared/data/mbtiles (tile bytes against direct SQLite reads of the
 * TMS-flipped row, missing tiles, the broken file), and under Xvfb the
 * point layer's culling and picking against libshumate's own projection,
 * the route layer, fitting, the offline notice, and screenshots of the
 * map (test-map-*.png in the working directory, the build's tests/). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "storm-capture.h"
#include "storm-error.h"
#include "storm-map-util.h"
#include "storm-map-view.h"
#include "storm-mbtiles-source.h"
#include "storm-store-db.h"

#define WAIT_LIMIT_S 60

static guint n_logged;

static char *
mbtiles_path (const char *name)
{
  const char *shared = g_getenv ("STORMOPS_SHARED_DATA");

  g_assert_nonnull (shared);
  return g_build_filename (shared, "mbtiles", name, NULL);
}

/* Counts every message at "message" level or worse, so a test can show
 * that a map without network stays quiet. */
static GLogWriterOutput
count_log_writer (GLogLevelFlags   level,
                  const GLogField *fields,
                  gsize            n_fields,
                  gpointer         user_data)
{
  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE)) != 0)
    n_logged++;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* ---- MBTiles source -------------------------------------------------- */

typedef struct
{
  GBytes *bytes;
  GError *error;
  gboolean done;
  guint   n_received;
} Fetch;

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fetch *fetch = user_data;

  fetch->bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object), result, &fetch->error);
  fetch->done = TRUE;
}

static void
received_cb (ShumateDataSource *source,
             int                x,
             int                y,
             int                z,
             GBytes            *bytes,
             Fetch             *fetch)
{
  fetch->n_received++;
}

/* The tile at XYZ (z, x, y), or NULL with @error set. */
static GBytes *
fetch_tile (StormMbtilesSource  *source,
            int                  z,
            int                  x,
            int                  y,
            guint               *n_received,
            GError             **error)
{
  Fetch fetch = { 0 };
  gulong handler = g_signal_connect (source, "received-data", G_CALLBACK (received_cb), &fetch);

  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), x, y, z, NULL, fetch_cb, &fetch);
  g_assert_true (storm_mbtiles_source_get_busy (source));
  while (!fetch.done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (source, handler);
  g_assert_false (storm_mbtiles_source_get_busy (source));
  if (n_received != NULL)
    *n_received += fetch.n_received;
  if (fetch.error != NULL)
    g_propagate_error (error, fetch.error);
  return fetch.bytes;
}

/* Straight from SQLite: the blob at TMS row @row, or NULL. */
static GBytes *
direct_tile (const char *path,
             int         z,
             int         x,
             int         row)
{
  sqlite3 *db = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GBytes *bytes = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, z);
  sqlite3_bind_int (stmt, 2, x);
  sqlite3_bind_int (stmt, 3, row);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
  return bytes;
}

static void
assert_png (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
}

/* Every XYZ position of zoom levels 0..@max_zoom against SQLite. */
static void
check_all_tiles (StormMbtilesSource *source,
                 const char         *path,
                 int                 max_zoom,
                 guint              *n_found,
                 guint              *n_missing)
{
  guint n_received = 0;

  *n_found = *n_missing = 0;
  for (int z = 0; z <= max_zoom; z++)
    for (int x = 0; x < (1 << z); x++)
      for (int y = 0; y < (1 << z); y++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) bytes = fetch_tile (source, z, x, y, &n_received, &error);
          g_autoptr(GBytes) expected = direct_tile (path, z, x, (1 << z) - 1 - y);

          if (expected == NULL)
            {
              g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
              g_assert_null (bytes);
              (*n_missing)++;
              continue;
            }
          g_assert_no_error (error);
          assert_png (bytes);
          g_assert_true (g_bytes_equal (bytes, expected));
          (*n_found)++;
        }
  /* The raster renderer builds textures from received-data: once per tile. */
  g_assert_cmpuint (n_received, ==, *n_found);
}

static void
test_mbtiles_plain (void)
{
  g_autofree char *path = mbtiles_path ("plain_1.mbtiles");
  g_autoptr(GError) error = NULL;
  g_autoptr(StormMbtilesSource) source = storm_mbtiles_source_new (path, &error);
  g_autoptr(GBytes) north_west = NULL;
  double west, south, east, north;
  guint found, missing;

  g_assert_no_error (error);
  g_assert_cmpstr (storm_mbtiles_source_get_name (source), ==, "plain_1");
  /* No minzoom/maxzoom/format in its metadata: found from the tiles. */
  g_assert_cmpuint (storm_mbtiles_source_get_min_zoom (source), ==, 0);
  g_assert_cmpuint (storm_mbtiles_source_get_max_zoom (source), ==, 4);
  g_assert_cmpstr (storm_mbtiles_source_get_format (source), ==, "png");
  g_assert_cmpuint (storm_mbtiles_source_get_tile_size (source), ==, 256);
  g_assert_cmpstr (storm_mbtiles_source_get_attribution (source), ==, "");
  g_assert_true (storm_mbtiles_source_get_bounds (source, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, -180.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (south, -70.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (north, 85.0, 1e-6);

  /* XYZ row 0 at zoom 1 is TMS row 1: the 7414-byte tile, not 1626. */
  north_west = fetch_tile (source, 1, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (north_west), ==, 7414);

  check_all_tiles (source, path, 4, &found, &missing);
  g_assert_cmpuint (found, ==, 1 + 4 + 16 + 56 + 208);
  g_assert_cmpuint (missing, ==, 8 + 48);
}

static void
test_mbtiles_geography (void)
{
  g_autofree char *path = mbtiles_path ("geography-class-png.mbtiles");
  g_autoptr(GError) error = NULL;
  g_autoptr(StormMbtilesSource) source = storm_mbtiles_source_new (path, &error);
  g_autoptr(GBytes) tile = NULL;
  double west, south, east, north;
  guint found, missing;

  g_assert_no_error (error);
  g_assert_cmpstr (storm_mbtiles_source_get_name (source), ==, "Geography Class");
  g_assert_cmpuint (storm_mbtiles_source_get_min_zoom (source), ==, 0);
  g_assert_cmpuint (storm_mbtiles_source_get_max_zoom (source), ==, 1);
  g_assert_true (storm_mbtiles_source_get_bounds (source, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, -180.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (south, -85.0511, 1e-9);
  g_assert_cmpfloat_with_epsilon (east, 180.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (north, 85.0511, 1e-9);

  /* XYZ (1, 1, 0) is TMS column 1 row 1: 20156 bytes. */
  tile = fetch_tile (source, 1, 1, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (tile), ==, 20156);

  check_all_tiles (source, path, 1, &found, &missing);
  g_assert_cmpuint (found, ==, 5);
  g_assert_cmpuint (missing, ==, 0);
}

static void
test_mbtiles_one_tile (void)
{
  g_autofree char *path = mbtiles_path ("one_tile.mbtiles");
  g_autoptr(GError) error = NULL;
  g_autoptr(StormMbtilesSource) source = storm_mbtiles_source_new (path, &error);
  g_autoptr(GBytes) deeper = NULL;
  g_autoptr(GBytes) outside = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GInputStream) stream = NULL;
  guint found, missing;

  g_assert_no_error (error);
  g_assert_cmpstr (storm_mbtiles_source_get_name (source), ==, "shadowplay");
  g_assert_cmpuint (storm_mbtiles_source_get_max_zoom (source), ==, 1);

  /* Zoom 1 has one tile, TMS (0, 1): XYZ (0, 0). */
  check_all_tiles (source, path, 1, &found, &missing);
  g_assert_cmpuint (found, ==, 2);
  g_assert_cmpuint (missing, ==, 3);

  /* Zoom 2 is cut from the zoom-1 tile above it and scaled up. */
  deeper = fetch_tile (source, 2, 1, 1, NULL, &error);
  g_assert_no_error (error);
  assert_png (deeper);
  stream = g_memory_input_stream_new_from_bytes (deeper);
  pixbuf = gdk_pixbuf_new_from_stream (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 256);

  /* Under a missing zoom-1 tile there is nothing to scale. */
  outside = fetch_tile (source, 2, 2, 2, NULL, &error);
  g_assert_null (outside);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (fetch_tile (source, 1, 2, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_mbtiles_corrupt (void)
{
  g_autofree char *path = mbtiles_path ("corrupt.mbtiles");
  g_autoptr(GError) error = NULL;
  g_autoptr(StormMbtilesSource) source = storm_mbtiles_source_new (path, &error);

  g_assert_null (source);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“corrupt.mbtiles” is not a valid MBTiles file: "));
  g_assert_nonnull (strstr (error->message, "malformed"));
}

static void
test_mbtiles_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stormops-map-XXXXXX", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.mbtiles", NULL);
  g_autofree char *other = g_build_filename (dir, "other.mbtiles", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.mbtiles", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_null (storm_mbtiles_source_new (missing, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (text, "not a database, just text long enough to be read", -1, NULL));
  g_assert_null (storm_mbtiles_source_new (text, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“notes.mbtiles” is not a valid MBTiles file: "));
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE properties (id INTEGER)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_null (storm_mbtiles_source_new (other, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no “tiles” table"));

  g_remove (text);
  g_remove (other);
  g_rmdir (dir);
}

/* ---- Widgets under Xvfb ---------------------------------------------- */

typedef struct
{
  GtkWindow    *window;
  StormMapView *view;
} Fixture;

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Lets GTK lay out and paint @n frames. */
static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;

  while (frames < n)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
    }
  gtk_widget_remove_tick_callback (widget, id);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 600);
  f->view = storm_map_view_new ();
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  /* No network use unless a test asks for it. */
  storm_map_view_set_base_none (f->view);
  gtk_window_present (f->window);
  wait_frames (GTK_WIDGET (f->window), 3);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (storm_map_view_get_point_layer (f->view))), ==, 800);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (storm_map_view_get_point_layer (f->view))), ==, 600);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
}

static void
set_view (Fixture *f,
          double   lat,
          double   lon,
          double   zoom)
{
  ShumateViewport *viewport = storm_map_view_get_viewport (f->view);

  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), lat, lon);
}

/* A 100 × 100 lattice, 0.002° apart, from (32.70, -96.90): id 1000 + 100 i + j. */
#define LATTICE 100
#define LATTICE_STEP 0.002

static void
lattice (double *lat,
         double *lon,
         guint8 *status,
         gint64 *ids)
{
  for (int i = 0; i < LATTICE; i++)
    for (int j = 0; j < LATTICE; j++)
      {
        int k = i * LATTICE + j;

        lat[k] = 32.70 + i * LATTICE_STEP;
        lon[k] = -96.90 + j * LATTICE_STEP;
        status[k] = (i + j) % STORM_POINT_N_STATUS;
        ids[k] = 1000 + k;
      }
}

/* Points inside the layer by libshumate's own projection. */
static gsize
count_by_shumate (Fixture      *f,
                  const double *lat,
                  const double *lon,
                  gsize         n)
{
  GtkWidget *layer = GTK_WIDGET (storm_map_view_get_point_layer (f->view));
  ShumateViewport *viewport = storm_map_view_get_viewport (f->view);
  double width = gtk_widget_get_width (layer), height = gtk_widget_get_height (layer);
  gsize count = 0;

  for (gsize i = 0; i < n; i++)
    {
      double x, y;

      shumate_viewport_location_to_widget_coords (viewport, layer, lat[i], lon[i], &x, &y);
      if (x >= 0 && y >= 0 && x < width && y < height)
        count++;
    }
  return count;
}

static void
test_points_visible (Fixture       *f,
                     gconstpointer  data)
{
  StormPointLayer *layer = storm_map_view_get_point_layer (f->view);
  g_autofree double *lat = g_new (double, LATTICE * LATTICE);
  g_autofree double *lon = g_new (double, LATTICE * LATTICE);
  g_autofree guint8 *status = g_new (guint8, LATTICE * LATTICE);
  g_autofree gint64 *ids = g_new (gint64, LATTICE * LATTICE);
  /* expected -1: as many as libshumate's projection puts in view. */
  static const struct { double lat, lon, zoom; gssize expected; } views[] = {
    { 32.80, -96.80, 10, 10000 },
    { 40.00, -80.00, 10, 0 },
    { 32.80, -96.80, 14, -1 },
    { 32.75, -96.85, 15.5, -1 },
    { 32.8990, -96.7010, 17, -1 },
    /* Centred on the lattice's south-west corner point at zoom 16:
     * 0.002° of longitude is 93.2 px there and of latitude 110.8 px, so
     * the north-east quarter of the view holds columns 0..4 and rows
     * 0..2. */
    { 32.70, -96.90, 16, 15 },
  };
  double min_lat, min_lon, max_lat, max_lon;

  lattice (lat, lon, status, ids);
  storm_point_layer_set_points (layer, lat, lon, status, ids, LATTICE * LATTICE);
  g_assert_cmpuint (storm_point_layer_get_n_points (layer), ==, 10000);
  g_assert_true (storm_point_layer_get_bounds (layer, &min_lat, &min_lon, &max_lat, &max_lon));
  g_assert_cmpfloat_with_epsilon (min_lat, 32.70, 1e-9);
  g_assert_cmpfloat_with_epsilon (max_lat, 32.70 + 99 * LATTICE_STEP, 1e-9);
  g_assert_cmpfloat_with_epsilon (min_lon, -96.90, 1e-9);
  g_assert_cmpfloat_with_epsilon (max_lon, -96.90 + 99 * LATTICE_STEP, 1e-9);

  for (guint v = 0; v < G_N_ELEMENTS (views); v++)
    {
      gsize counted, expected;

      set_view (f, views[v].lat, views[v].lon, views[v].zoom);
      counted = storm_point_layer_count_visible (layer);
      expected = count_by_shumate (f, lat, lon, LATTICE * LATTICE);
      g_test_message ("view %u: %" G_GSIZE_FORMAT " visible", v, counted);
      g_assert_cmpuint (counted, ==, expected);
      if (views[v].expected >= 0)
        g_assert_cmpuint (counted, ==, (gsize) views[v].expected);
    }
}

static void
test_points_pick (Fixture       *f,
                  gconstpointer  data)
{
  StormPointLayer *layer = storm_map_view_get_point_layer (f->view);
  ShumateViewport *viewport = storm_map_view_get_viewport (f->view);
  g_autofree double *lat = g_new (double, LATTICE * LATTICE);
  g_autofree double *lon = g_new (double, LATTICE * LATTICE);
  g_autofree guint8 *status = g_new (guint8, LATTICE * LATTICE);
  g_autofree gint64 *ids = g_new (gint64, LATTICE * LATTICE);
  g_autofree char *png = g_build_filename (g_get_tmp_dir (), "stormops-test-map-pick.png", NULL);
  g_autoptr(GError) error = NULL;
  const int k = 37 * LATTICE + 42;
  double x, y;
  GtkWidget *picked;

  lattice (lat, lon, status, ids);
  storm_point_layer_set_points (layer, lat, lon, status, ids, LATTICE * LATTICE);
  set_view (f, lat[k], lon[k] + 0.0005, 17);
  shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (layer), lat[k], lon[k], &x, &y);

  g_assert_cmpint (storm_point_layer_pick (layer, x, y, 3), ==, 1000 + k);
  g_assert_cmpint (storm_point_layer_pick (layer, x + 2, y - 2, 4), ==, 1000 + k);
  /* Columns are 186.4 px apart at zoom 17: nothing a third of the way. */
  g_assert_cmpint (storm_point_layer_pick (layer, x + 60, y, 8), ==, -1);
  /* The neighbour to the east. */
  g_assert_cmpint (storm_point_layer_pick (layer, x + 186.4, y, 4), ==, 1000 + k + 1);

  /* After a frame, clicks over a dot go to the layer, elsewhere to the map. */
  wait_frames (GTK_WIDGET (f->window), 2);
  storm_capture_widget_png (GTK_WIDGET (f->window), png, &error);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_contains (GTK_WIDGET (layer), x, y));
  g_assert_false (gtk_widget_contains (GTK_WIDGET (layer), x + 60, y));
  picked = gtk_widget_pick (GTK_WIDGET (f->view), x, y, GTK_PICK_DEFAULT);
  g_assert_true (picked == GTK_WIDGET (layer));
  picked = gtk_widget_pick (GTK_WIDGET (f->view), x + 60, y, GTK_PICK_DEFAULT);
  g_assert_false (picked == GTK_WIDGET (layer));
  g_remove (png);
}

/* 200,000 points, dense in the middle like a big storm's: the quadtree's
 * counts and picks against a brute force over libshumate's projection,
 * at every zoom and with the map rotated. */
static void
test_points_dense (Fixture       *f,
                   gconstpointer  data)
{
  const gsize n = 200000;
  StormPointLayer *layer = storm_map_view_get_point_layer (f->view);
  ShumateViewport *viewport = storm_map_view_get_viewport (f->view);
  g_autofree double *lat = g_new (double, n);
  g_autofree double *lon = g_new (double, n);
  g_autofree guint8 *status = g_new (guint8, n);
  g_autofree gint64 *ids = g_new (gint64, n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  static const struct { double lat, lon, zoom, rotation; } views[] = {
    { 32.85, -96.85, 6, 0 },
    { 32.85, -96.85, 9, 0 },
    { 32.80, -96.90, 11.5, 0 },
    { 32.86, -96.84, 13, 0 },
    { 32.85, -96.85, 15, 0 },
    { 33.30, -96.20, 12, 0 },
    { 32.85, -96.85, 12, 0.6 },
  };

  for (gsize i = 0; i < n; i++)
    {
      double r = 0.2 * sqrt (-2.0 * log (g_rand_double_range (rand, 1e-12, 1.0)));
      double a = g_rand_double_range (rand, 0, 2 * G_PI);

      lat[i] = 32.85 + 0.8 * r * sin (a);
      lon[i] = -96.85 + r * cos (a);
      status[i] = g_rand_int_range (rand, 0, STORM_POINT_N_STATUS);
      ids[i] = 5000000 + (gint64) i;
    }
  /* A few duplicates: several units at one address. */
  for (gsize i = 0; i < 100; i++)
    {
      lat[n - 1 - i] = lat[i];
      lon[n - 1 - i] = lon[i];
    }
  storm_point_layer_set_points (layer, lat, lon, status, ids, n);
  g_assert_cmpuint (storm_point_layer_get_n_points (layer), ==, n);

  for (guint v = 0; v < G_N_ELEMENTS (views); v++)
    {
      GtkWidget *widget = GTK_WIDGET (layer);
      gsize expected;

      set_view (f, views[v].lat, views[v].lon, views[v].zoom);
      shumate_viewport_set_rotation (viewport, views[v].rotation);
      expected = count_by_shumate (f, lat, lon, n);
      g_test_message ("dense view %u: %" G_GSIZE_FORMAT " visible", v, expected);
      g_assert_cmpuint (storm_point_layer_count_visible (layer), ==, expected);

      /* Picks at a few pixels: the nearest point within 6 px, if any. */
      for (int k = 0; k < 8; k++)
        {
          double px = 40 + (k * 173) % 720, py = 30 + (k * 131) % 540;
          double best = 6.0 * 6.0;
          gint64 want = -1;

          for (gsize i = 0; i < n; i++)
            {
              double x, y, d2;

              shumate_viewport_location_to_widget_coords (viewport, widget, lat[i], lon[i], &x, &y);
              d2 = (x - px) * (x - px) + (y - py) * (y - py);
              if (d2 < best - 1e-9)
                {
                  best = d2;
                  want = ids[i];
                }
            }
          if (want >= 0)
            {
              gint64 got = storm_point_layer_pick (layer, px, py, 6.0);
              double gx, gy, wx, wy;

              g_assert_cmpint (got, >=, 0);
              /* Ties between equidistant points may go either way. */
              shumate_viewport_location_to_widget_coords (viewport, widget, lat[got - 5000000], lon[got - 5000000], &gx, &gy);
              shumate_viewport_location_to_widget_coords (viewport, widget, lat[want - 5000000], lon[want - 5000000], &wx, &wy);
              g_assert_cmpfloat_with_epsilon (hypot (gx - px, gy - py), hypot (wx - px, wy - py), 1e-6);
            }
          else
            g_assert_cmpint (storm_point_layer_pick (layer, px, py, 6.0), ==, -1);
        }
    }
  shumate_viewport_set_rotation (viewport, 0);
}

/* Three routes east to west across the lattice area, the depot south. */
static void
add_routes (StormMapView *view)
{
  static const double lat_a[] = { 32.72, 32.73, 32.74, 32.75 };
  static const double lon_a[] = { -96.89, -96.87, -96.85, -96.83 };
  static const double lat_b[] = { 32.76, 32.77, 32.78 };
  static const double lon_b[] = { -96.89, -96.86, -96.83 };
  static const double lat_c[] = { 32.80, 32.80, 32.82, 32.82, 32.84 };
  static const double lon_c[] = { -96.88, -96.86, -96.86, -96.84, -96.84 };
  const StormRouteLine routes[] = {
    { "Route 1", lat_a, lon_a, G_N_ELEMENTS (lat_a) },
    { "Route 2", lat_b, lon_b, G_N_ELEMENTS (lat_b) },
    { "Route 3", lat_c, lon_c, G_N_ELEMENTS (lat_c) },
  };
  StormRouteLayer *layer = storm_map_view_get_route_layer (view);

  storm_route_layer_set_routes (layer, routes, G_N_ELEMENTS (routes));
  storm_route_layer_set_depot (layer, 32.69, -96.86);
}

static void
test_routes (Fixture       *f,
             gconstpointer  data)
{
  StormRouteLayer *layer = storm_map_view_get_route_layer (f->view);
  ShumateViewport *viewport = storm_map_view_get_viewport (f->view);
  double min_lat, min_lon, max_lat, max_lon, x0, y0, x1, y1;

  add_routes (f->view);
  g_assert_cmpuint (storm_route_layer_get_n_routes (layer), ==, 3);
  g_assert_cmpstr (storm_route_layer_get_route_name (layer, 1), ==, "Route 2");

  g_assert_true (storm_route_layer_get_route_bounds (layer, 2, &min_lat, &min_lon, &max_lat, &max_lon));
  g_assert_cmpfloat_with_epsilon (min_lat, 32.80, 1e-9);
  g_assert_cmpfloat_with_epsilon (max_lat, 32.84, 1e-9);
  g_assert_cmpfloat_with_epsilon (min_lon, -96.88, 1e-9);
  g_assert_cmpfloat_with_epsilon (max_lon, -96.84, 1e-9);
  /* All routes and the depot. */
  g_assert_true (storm_route_layer_get_route_bounds (layer, -1, &min_lat, &min_lon, &max_lat, &max_lon));
  g_assert_cmpfloat_with_epsilon (min_lat, 32.69, 1e-9);

  /* Pick by distance to a segment: the middle of route 2's first leg. */
  set_view (f, 32.77, -96.86, 14);
  shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (layer), 32.76, -96.89, &x0, &y0);
  shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (layer), 32.77, -96.86, &x1, &y1);
  g_assert_cmpint (storm_route_layer_pick (layer, (x0 + x1) / 2, (y0 + y1) / 2 + 3, 5), ==, 1);
  g_assert_cmpint (storm_route_layer_pick (layer, (x0 + x1) / 2, (y0 + y1) / 2 + 30, 5), ==, -1);
  g_assert_true (gtk_widget_contains (GTK_WIDGET (layer), (x0 + x1) / 2, (y0 + y1) / 2));

  /* Selecting fits the view to the route: every stop of route 3 shows. */
  storm_map_view_select_route (f->view, 2);
  g_assert_cmpint (storm_route_layer_get_selected (layer), ==, 2);
  wait_frames (GTK_WIDGET (f->window), 2);
  for (int i = 0; i < 2; i++)
    {
      double x, y;

      shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (layer),
                                                  i == 0 ? 32.80 : 32.84, i == 0 ? -96.88 : -96.84, &x, &y);
      g_assert_cmpfloat (x, >=, 0);
      g_assert_cmpfloat (x, <=, 800);
      g_assert_cmpfloat (y, >=, 0);
      g_assert_cmpfloat (y, <=, 600);
    }
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (viewport), >, 12);

  /* New routes clear the selection. */
  add_routes (f->view);
  g_assert_cmpint (storm_route_layer_get_selected (layer), ==, -1);
}

static void
test_fit (Fixture       *f,
          gconstpointer  data)
{
  StormMapView *view = storm_map_view_new ();
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  ShumateViewport *viewport = storm_map_view_get_viewport (view);
  double x, y;

  /* Fitting before the map has a size waits for the size. */
  storm_map_view_set_base_none (view);
  storm_map_view_fit_bounds (view, 32.60, -97.40, 33.10, -96.50);
  gtk_window_set_default_size (window, 640, 480);
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  wait_frames (GTK_WIDGET (window), 3);

  shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (storm_map_view_get_map (view)), 32.60, -97.40, &x, &y);
  g_assert_cmpfloat (x, >=, 39.0);
  g_assert_cmpfloat (y, <=, 480 - 39.0);
  shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (storm_map_view_get_map (view)), 33.10, -96.50, &x, &y);
  g_assert_cmpfloat (x, <=, 640 - 39.0);
  g_assert_cmpfloat (y, >=, 39.0);
  /* One side touches its margin: the box is as large as it can be. */
  g_assert_cmpfloat (fabs (x - (640 - 40.0)), <, 1.0);

  gtk_window_destroy (window);
}

/* 10,000 properties around Dallas, drawn from a fixed sequence: denser
 * in the middle, statuses in the proportions of a worked storm. */
static void
dallas_points (gsize   n,
               double *lat,
               double *lon,
               guint8 *status,
               gint64 *ids)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240524);

  for (gsize i = 0; i < n; i++)
    {
      double r = 0.25 * sqrt (-2.0 * log (g_rand_double_range (rand, 1e-9, 1.0)));
      double a = g_rand_double_range (rand, 0, 2 * G_PI);
      int roll = g_rand_int_range (rand, 0, 100);

      lat[i] = 32.85 + 0.6 * r * sin (a);
      lon[i] = -96.85 + r * cos (a);
      status[i] = roll < 55 ? STORM_POINT_STATUS_TREAT
                : roll < 70 ? STORM_POINT_STATUS_HOLD
                : roll < 80 ? STORM_POINT_STATUS_CONTROL
                : roll < 88 ? STORM_POINT_STATUS_CONVERTED
                : STORM_POINT_STATUS_VISITED;
      ids[i] = (gint64) i + 1;
    }
}

static void
add_dallas (StormMapView *view)
{
  const gsize n = 10000;
  g_autofree double *lat = g_new (double, n);
  g_autofree double *lon = g_new (double, n);
  g_autofree guint8 *status = g_new (guint8, n);
  g_autofree gint64 *ids = g_new (gint64, n);
  static const double report_lat[] = { 32.95, 32.90, 32.86, 32.82, 32.78, 32.74, 32.70, 32.88, 32.80 };
  static const double report_lon[] = { -97.10, -97.00, -96.92, -96.84, -96.76, -96.68, -96.60, -96.70, -97.05 };
  static const guint8 report_kind[] = { 0, 0, 0, 0, 0, 0, 0, 1, 2 };
  static const double report_mag[] = { 1.0, 1.75, 2.5, 2.75, 1.5, 1.0, 0.75, 60, 1 };

  dallas_points (n, lat, lon, status, ids);
  storm_point_layer_set_points (storm_map_view_get_point_layer (view), lat, lon, status, ids, n);
  storm_report_layer_set_reports (storm_map_view_get_report_layer (view), report_lat, report_lon,
                                  report_kind, report_mag, G_N_ELEMENTS (report_lat));
}

static void
save_screenshot (Fixture    *f,
                 const char *name)
{
  g_autoptr(GError) error = NULL;
  const char *dir = g_getenv ("STORMOPS_SCREENSHOT_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : ".", name, NULL);

  wait_frames (GTK_WIDGET (f->window), 2);
  storm_capture_widget_png (GTK_WIDGET (f->window), path, &error);
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);
}

static void
test_screenshot_points (Fixture       *f,
                        gconstpointer  data)
{
  add_dallas (f->view);
  add_routes (f->view);
  g_assert_true (storm_map_view_fit_all (f->view));
  save_screenshot (f, "test-map-points.png");

  storm_map_view_select_route (f->view, 2);
  save_screenshot (f, "test-map-route.png");
}

/* Until the MBTiles source has read every tile the map asked for. */
static void
wait_tiles (Fixture *f)
{
  StormMbtilesSource *source = NULL;
  ShumateMapSource *renderer = shumate_simple_map_get_map_source (storm_map_view_get_map (f->view));

  g_object_get (renderer, "data-source", &source, NULL);
  do
    wait_frames (GTK_WIDGET (f->window), 3);
  while (storm_mbtiles_source_get_busy (source));
  g_object_unref (source);
}

static guint32
pixel_at (GdkTexture *texture,
          int         x,
          int         y)
{
  int width = gdk_texture_get_width (texture);
  g_autofree guint32 *data = g_new (guint32, (gsize) width * gdk_texture_get_height (texture));

  gdk_texture_download (texture, (guchar *) data, width * 4);
  return data[(gsize) y * width + x] & 0xffffff;
}

static GdkTexture *
load_png (const char *path)
{
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = gdk_texture_new_from_filename (path, &error);

  g_assert_no_error (error);
  return texture;
}

static void
test_screenshot_mbtiles (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = mbtiles_path ("plain_1.mbtiles");
  g_autofree char *corrupt = mbtiles_path ("corrupt.mbtiles");
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  const char *dir = g_getenv ("STORMOPS_SCREENSHOT_DIR");
  g_autofree char *world = g_build_filename (dir != NULL ? dir : ".", "test-map-mbtiles.png", NULL);

  add_dallas (f->view);
  g_assert_true (storm_map_view_set_mbtiles (f->view, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (storm_map_view_get_base (f->view), ==, STORM_MAP_BASE_MBTILES);
  g_assert_cmpstr (storm_map_view_get_mbtiles_path (f->view), ==, path);

  /* North America at zoom 3: tiles everywhere, the points a blob. */
  set_view (f, 40.0, -96.0, 3);
  wait_tiles (f);
  save_screenshot (f, "test-map-mbtiles.png");
  /* The top-left corner, far from any point, is a tile, not the plain
   * background (#eeece6) the map shows without tiles. */
  shot = load_png (world);
  g_assert_cmpuint (pixel_at (shot, 20, 60), !=, 0xeeece6);

  /* Dallas at street level, below the file's zoom 4: scaled-up tiles. */
  storm_map_view_fit_all (f->view);
  wait_tiles (f);
  save_screenshot (f, "test-map-mbtiles-dallas.png");

  /* A broken file is refused; the map keeps its tiles. */
  g_assert_false (storm_map_view_set_mbtiles (f->view, corrupt, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_assert_cmpint (storm_map_view_get_base (f->view), ==, STORM_MAP_BASE_MBTILES);
  g_assert_cmpstr (storm_map_view_get_mbtiles_path (f->view), ==, path);
}

/* OpenStreetMap without a network (this machine has none): one notice,
 * no log line per tile, points still drawn. */
static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;
  guint logged_before = n_logged;
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  GList *addresses = g_resolver_lookup_by_name (resolver, "tile.openstreetmap.org", NULL, NULL);

  if (addresses != NULL)
    {
      g_resolver_free_addresses (addresses);
      g_test_skip ("the tile server is reachable: this test needs a machine without network");
      return;
    }
  add_dallas (f->view);
  storm_map_view_fit_all (f->view);
  storm_map_view_set_base_online (f->view);
  while (!storm_map_view_get_offline (f->view))
    {
      wait_frames (GTK_WIDGET (f->window), 1);
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
    }
  /* Pan and zoom through a few dozen tiles while offline. */
  for (int step = 0; step < 10; step++)
    {
      set_view (f, 32.85 + step * 0.05, -96.85 - step * 0.08, 9 + step % 4);
      wait_frames (GTK_WIDGET (f->window), 2);
    }
  save_screenshot (f, "test-map-offline.png");
  g_assert_true (storm_map_view_get_offline (f->view));
  g_assert_cmpuint (n_logged, ==, logged_before);

  /* Choosing no tiles hides the notice. */
  storm_map_view_set_base_none (f->view);
  g_assert_false (storm_map_view_get_offline (f->view));
}

static void
test_no_display (void)
{
  g_test_skip ("no display: run the suite with build-aux/stormops-dev test, which uses Xvfb");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;

  /* No accessibility bus under Xvfb; its absence is not what is tested. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* libshumate's tile cache goes to a private, empty folder. */
  cache = g_dir_make_tmp ("stormops-map-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (count_log_writer, NULL, NULL);

  g_test_add_func ("/map/mbtiles/plain", test_mbtiles_plain);
  g_test_add_func ("/map/mbtiles/geography", test_mbtiles_geography);
  g_test_add_func ("/map/mbtiles/one-tile", test_mbtiles_one_tile);
  g_test_add_func ("/map/mbtiles/corrupt", test_mbtiles_corrupt);
  g_test_add_func ("/map/mbtiles/refused", test_mbtiles_refused);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/map/display", test_no_display);
      return g_test_run ();
    }
  adw_init ();

  g_test_add ("/map/points/visible", Fixture, NULL, fixture_set_up, test_points_visible, fixture_tear_down);
  g_test_add ("/map/points/pick", Fixture, NULL, fixture_set_up, test_points_pick, fixture_tear_down);
  g_test_add ("/map/points/dense", Fixture, NULL, fixture_set_up, test_points_dense, fixture_tear_down);
  g_test_add ("/map/routes", Fixture, NULL, fixture_set_up, test_routes, fixture_tear_down);
  g_test_add ("/map/fit", Fixture, NULL, NULL, test_fit, NULL);
  g_test_add ("/map/screenshot/points", Fixture, NULL, fixture_set_up, test_screenshot_points, fixture_tear_down);
  g_test_add ("/map/screenshot/mbtiles", Fixture, NULL, fixture_set_up, test_screenshot_mbtiles, fixture_tear_down);
  g_test_add ("/map/offline", Fixture, NULL, fixture_set_up, test_offline, fixture_tear_down);

  return g_test_run ();
}
