#define G_LOG_DOMAIN "storm-mbtiles-source"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "storm-error.h"
#include "storm-mbtiles-source.h"
#include "storm-store-db.h"

/* Raster tiles for the map from an MBTiles file (SQLite), so crews can
 * work without a network. The file is opened read-only and immutable: an
 * MBTiles file is a published asset, and immutable reads skip locking.
 * It is checked once when opened, so a broken file is refused with a
 * sentence rather than failing tile by tile; tiles are then read on
 * worker threads through one connection of their own, serialized by a
 * mutex (a blob read takes microseconds, decoding happens outside it).
 *
 * Rows are TMS: row 0 is the south edge, so row = 2^z − 1 − y.
 * Tiles deeper than the file's maximum zoom are cut from the deepest
 * ancestor and scaled up, so a regional file still shows land and water
 * under street-level points instead of an empty background. */

#define MAX_PROBE_ZOOM 30
/* Beyond this, one source pixel would cover more than a whole tile. */
#define MAX_OVERZOOM 16

struct _StormMbtilesSource
{
  ShumateDataSource parent_instance;

  char         *path;
  char         *name;
  char         *format;
  char         *attribution;
  guint         min_zoom;
  guint         max_zoom;
  guint         tile_size;
  gboolean      has_bounds;
  double        bounds[4];   /* west, south, east, north */

  /* Main thread only. */
  guint         n_pending;

  /* Worker state, under lock. */
  GMutex        lock;
  sqlite3      *db;
  sqlite3_stmt *tile_stmt;
  int           ancestor_key[3];  /* zoom, x, y of ancestor */
  GdkPixbuf    *ancestor;
};

static void initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StormMbtilesSource, storm_mbtiles_source, SHUMATE_TYPE_DATA_SOURCE,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, initable_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  int x;
  int y;
  int z;
} TileRequest;

static const char *tile_sql =
  "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3";

static gboolean
fail_invalid (GError     **error,
              const char  *path,
              const char  *reason)
{
  g_autofree char *display = g_filename_display_basename (path);

  g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
               _("“%s” is not a valid MBTiles file: %s"), display, reason);
  return FALSE;
}

static sqlite3 *
open_db (const char  *path,
         GError     **error)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *file_uri = NULL;
  g_autofree char *uri = NULL;
  sqlite3 *db = NULL;
  int rc;

  file_uri = g_filename_to_uri (absolute, NULL, error);
  if (file_uri == NULL)
    return NULL;
  uri = g_strconcat (file_uri, "?mode=ro&immutable=1", NULL);

  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      fail_invalid (error, path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, TRUE);
  return db;
}

static const char *
sniff_format (GBytes *bytes)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);

  if (len >= 8 && memcmp (d, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
    return "jpg";
  if (len >= 12 && memcmp (d, "RIFF", 4) == 0 && memcmp (d + 8, "WEBP", 4) == 0)
    return "webp";
  return NULL;
}

static gboolean
pixbuf_can_load (const char *format_name)
{
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *name = gdk_pixbuf_format_get_name (l->data);

      if (g_strcmp0 (name, format_name) == 0)
        return TRUE;
    }
  return FALSE;
}

static GdkPixbuf *
decode_tile (GBytes  *bytes,
             GError **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);

  return gdk_pixbuf_new_from_stream (stream, NULL, error);
}

static gboolean
parse_zoom (const char *text,
            guint      *zoom)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (g_strstrip ((char *) text), 10, 0, MAX_PROBE_ZOOM, &value, NULL))
    return FALSE;
  *zoom = value;
  return TRUE;
}

static gboolean
parse_bounds (const char *text,
              double      bounds[4])
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      char *end;

      bounds[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != '\0')
        return FALSE;
    }
  return bounds[0] >= -180 && bounds[2] <= 180 && bounds[0] < bounds[2]
         && bounds[1] >= -90 && bounds[3] <= 90 && bounds[1] < bounds[3];
}

/* MBTiles attribution is often HTML; the map's license label shows text. */
static char *
strip_markup (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean in_tag = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '<')
        in_tag = TRUE;
      else if (*p == '>')
        in_tag = FALSE;
      else if (!in_tag)
        g_string_append_c (out, *p);
    }
  g_strstrip (out->str);
  return g_string_free (out, FALSE);
}

/* Tile at zoom z, column x, XYZ row y, or NULL without error when the
 * file has none. Called with lock held. */
static GBytes *
read_tile_locked (StormMbtilesSource  *self,
                  int                  z,
                  int                  x,
                  int                  y,
                  GError             **error)
{
  GBytes *bytes = NULL;
  int rc;

  if (self->db == NULL)
    {
      self->db = open_db (self->path, error);
      if (self->db == NULL)
        return NULL;
    }
  if (self->tile_stmt == NULL
      && sqlite3_prepare_v2 (self->db, tile_sql, -1, &self->tile_stmt, NULL) != SQLITE_OK)
    {
      fail_invalid (error, self->path, sqlite3_errmsg (self->db));
      return NULL;
    }

  sqlite3_bind_int (self->tile_stmt, 1, z);
  sqlite3_bind_int (self->tile_stmt, 2, x);
  sqlite3_bind_int (self->tile_stmt, 3, (1 << z) - 1 - y);
  rc = sqlite3_step (self->tile_stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (self->tile_stmt, 0),
                         sqlite3_column_bytes (self->tile_stmt, 0));
  else if (rc != SQLITE_DONE)
    {
      g_autofree char *display = g_filename_display_basename (self->path);

      g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                   _("Cannot read map tile %d/%d/%d from “%s”: %s"),
                   z, x, y, display, sqlite3_errmsg (self->db));
    }
  sqlite3_reset (self->tile_stmt);
  sqlite3_clear_bindings (self->tile_stmt);
  return bytes;
}

static GBytes *
read_tile (StormMbtilesSource  *self,
           int                  z,
           int                  x,
           int                  y,
           GError             **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes = read_tile_locked (self, z, x, y, &local_error);

  if (bytes == NULL && local_error == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "No map tile %d/%d/%d in the MBTiles file", z, x, y);
  else if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return bytes;
}

static GdkPixbuf *
get_ancestor (StormMbtilesSource  *self,
              int                  z,
              int                  x,
              int                  y,
              GError             **error)
{
  g_autoptr(GBytes) bytes = NULL;
  GdkPixbuf *pixbuf;

  g_mutex_lock (&self->lock);
  if (self->ancestor != NULL
      && self->ancestor_key[0] == z && self->ancestor_key[1] == x && self->ancestor_key[2] == y)
    {
      pixbuf = g_object_ref (self->ancestor);
      g_mutex_unlock (&self->lock);
      return pixbuf;
    }
  g_mutex_unlock (&self->lock);

  bytes = read_tile (self, z, x, y, error);
  if (bytes == NULL)
    return NULL;
  pixbuf = decode_tile (bytes, error);
  if (pixbuf == NULL)
    return NULL;

  g_mutex_lock (&self->lock);
  g_set_object (&self->ancestor, pixbuf);
  self->ancestor_key[0] = z;
  self->ancestor_key[1] = x;
  self->ancestor_key[2] = y;
  g_mutex_unlock (&self->lock);
  return pixbuf;
}

/* A tile below the file's deepest level: the matching part of the
 * deepest ancestor, scaled up and encoded again for the renderer. */
static GBytes *
overzoom_tile (StormMbtilesSource  *self,
               int                  z,
               int                  x,
               int                  y,
               GError             **error)
{
  int depth = z - (int) self->max_zoom;
  int ax = x >> depth;
  int ay = y >> depth;
  g_autoptr(GdkPixbuf) ancestor = NULL;
  g_autoptr(GdkPixbuf) tile = NULL;
  gchar *buffer = NULL;
  gsize length = 0;
  char *keys[] = { (char *) "compression", NULL };
  char *values[] = { (char *) "1", NULL };
  double span, scale;

  if (depth > MAX_OVERZOOM)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "No map tile %d/%d/%d: too deep below the MBTiles file's zoom levels", z, x, y);
      return NULL;
    }
  ancestor = get_ancestor (self, self->max_zoom, ax, ay, error);
  if (ancestor == NULL)
    return NULL;

  span = (double) gdk_pixbuf_get_width (ancestor) / (1 << depth);
  scale = self->tile_size / span;
  tile = gdk_pixbuf_new (GDK_COLORSPACE_RGB, gdk_pixbuf_get_has_alpha (ancestor), 8,
                         self->tile_size, self->tile_size);
  gdk_pixbuf_scale (ancestor, tile, 0, 0, self->tile_size, self->tile_size,
                    -(x - (ax << depth)) * span * scale,
                    -(y - (ay << depth)) * span * scale,
                    scale, scale, GDK_INTERP_BILINEAR);
  /* Low compression: the renderer decodes it right away. */
  if (!gdk_pixbuf_save_to_bufferv (tile, &buffer, &length, "png", keys, values, error))
    return NULL;
  return g_bytes_new_take (buffer, length);
}

static void
read_tile_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  StormMbtilesSource *self = source_object;
  TileRequest *request = task_data;
  GError *error = NULL;
  GBytes *bytes = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (request->z < 0 || request->z > MAX_PROBE_ZOOM
      || request->x < 0 || request->x >= (1 << request->z)
      || request->y < 0 || request->y >= (1 << request->z)
      || request->z < (int) self->min_zoom)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "No map tile %d/%d/%d in the MBTiles file", request->z, request->x, request->y);
  else if (request->z > (int) self->max_zoom)
    bytes = overzoom_tile (self, request->z, request->x, request->y, &error);
  else
    bytes = read_tile (self, request->z, request->x, request->y, &error);

  if (bytes != NULL)
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_error (task, error);
}

static void
set_pending (StormMbtilesSource *self,
             int                 delta)
{
  gboolean was_busy = self->n_pending > 0;

  self->n_pending += delta;
  if (was_busy != (self->n_pending > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
read_tile_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  StormMbtilesSource *self = STORM_MBTILES_SOURCE (object);
  g_autoptr(GTask) outer = user_data;
  TileRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  set_pending (self, -1);
  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (bytes == NULL)
    {
      g_task_return_error (outer, error);
      return;
    }
  /* ShumateRasterRenderer builds the tile's texture from this signal. */
  g_signal_emit_by_name (self, "received-data", request->x, request->y, request->z, bytes);
  g_task_return_pointer (outer, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

static void
storm_mbtiles_source_get_tile_data_async (ShumateDataSource   *source,
                                          int                  x,
                                          int                  y,
                                          int                  zoom_level,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  StormMbtilesSource *self = STORM_MBTILES_SOURCE (source);
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  TileRequest *request;

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, storm_mbtiles_source_get_tile_data_async);

  request = g_new (TileRequest, 1);
  request->x = x;
  request->y = y;
  request->z = zoom_level;

  inner = g_task_new (self, cancellable, read_tile_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, read_tile_thread);
  g_task_set_task_data (inner, request, g_free);
  set_pending (self, +1);
  g_task_run_in_thread (inner, read_tile_thread);
}

static gboolean
read_metadata (StormMbtilesSource  *self,
               sqlite3             *db,
               GHashTable          *metadata,
               GError             **error)
{
  g_autoptr(sqlite3_stmt) exists = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE name = 'metadata'", -1, &exists, NULL) != SQLITE_OK)
    return fail_invalid (error, self->path, sqlite3_errmsg (db));
  /* The specification requires it, but files without it still hold
   * usable tiles; zoom levels and format are then found from the tiles. */
  if (sqlite3_step (exists) != SQLITE_ROW)
    return TRUE;

  if (sqlite3_prepare_v2 (db, "SELECT name, value FROM metadata", -1, &stmt, NULL) != SQLITE_OK)
    return fail_invalid (error, self->path, sqlite3_errmsg (db));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *value = (const char *) sqlite3_column_text (stmt, 1);

      if (name != NULL && value != NULL)
        g_hash_table_insert (metadata, g_strdup (name), g_strdup (value));
    }
  if (rc != SQLITE_DONE)
    return fail_invalid (error, self->path, sqlite3_errmsg (db));
  return TRUE;
}

/* Zoom levels from the tiles themselves: one indexed lookup per level. */
static gboolean
probe_zoom_levels (StormMbtilesSource  *self,
                   sqlite3             *db,
                   GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int lowest = -1, highest = -1;

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM tiles WHERE zoom_level = ?1 LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
    return fail_invalid (error, self->path, sqlite3_errmsg (db));
  for (int z = 0; z <= MAX_PROBE_ZOOM; z++)
    {
      int rc;

      sqlite3_bind_int (stmt, 1, z);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (lowest < 0)
            lowest = z;
          highest = z;
        }
      else if (rc != SQLITE_DONE)
        return fail_invalid (error, self->path, sqlite3_errmsg (db));
      sqlite3_reset (stmt);
    }
  if (lowest < 0)
    return fail_invalid (error, self->path, _("it contains no tiles"));
  self->min_zoom = lowest;
  self->max_zoom = highest;
  return TRUE;
}

/* One tile of the top level: proves the tiles are images this system
 * can decode, and gives their size. */
static gboolean
check_sample_tile (StormMbtilesSource  *self,
                   sqlite3             *db,
                   GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *format;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT tile_data FROM tiles WHERE zoom_level = ?1 LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
    return fail_invalid (error, self->path, sqlite3_errmsg (db));
  sqlite3_bind_int (stmt, 1, self->min_zoom);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return fail_invalid (error, self->path, _("it has no tiles at its minimum zoom level"));
  if (rc != SQLITE_ROW)
    return fail_invalid (error, self->path, sqlite3_errmsg (db));
  bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));

  format = sniff_format (bytes);
  if (format == NULL)
    return fail_invalid (error, self->path,
                         _("its tiles are not PNG or JPEG images (vector tiles cannot be shown)"));
  if (g_str_equal (format, "webp") && !pixbuf_can_load ("webp"))
    return fail_invalid (error, self->path,
                         _("its tiles are WebP images, which this system cannot decode"));

  pixbuf = decode_tile (bytes, &local_error);
  if (pixbuf == NULL)
    return fail_invalid (error, self->path, local_error->message);
  if (gdk_pixbuf_get_width (pixbuf) != gdk_pixbuf_get_height (pixbuf)
      || gdk_pixbuf_get_width (pixbuf) < 64)
    return fail_invalid (error, self->path, _("its tiles are not square images"));

  g_free (self->format);
  self->format = g_strdup (format);
  self->tile_size = gdk_pixbuf_get_width (pixbuf);
  return TRUE;
}

static gboolean
storm_mbtiles_source_initable_init (GInitable     *initable,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  StormMbtilesSource *self = STORM_MBTILES_SOURCE (initable);
  g_autoptr(GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *value;
  sqlite3 *db;
  gboolean ok = FALSE;
  int rc;

  if (self->path == NULL || !g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *display = g_filename_display_name (self->path != NULL ? self->path : "");

      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("The map tiles file “%s” does not exist. Choose another MBTiles file."), display);
      return FALSE;
    }

  db = open_db (self->path, error);
  if (db == NULL)
    return FALSE;

  /* The first read of the schema is where a damaged file shows. */
  if (sqlite3_prepare_v2 (db, "SELECT type FROM sqlite_master WHERE name = 'tiles'", -1, &stmt, NULL) != SQLITE_OK)
    {
      fail_invalid (error, self->path, sqlite3_errmsg (db));
      goto out;
    }
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fail_invalid (error, self->path, sqlite3_errmsg (db));
      goto out;
    }
  /* Most real files make "tiles" a view over map and images tables. */
  if (rc != SQLITE_ROW
      || (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "table") != 0
          && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "view") != 0))
    {
      fail_invalid (error, self->path, _("it has no “tiles” table"));
      goto out;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (sqlite3_prepare_v2 (db, tile_sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      fail_invalid (error, self->path, sqlite3_errmsg (db));
      goto out;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!read_metadata (self, db, metadata, error))
    goto out;

  value = g_hash_table_lookup (metadata, "format");
  if (value != NULL && g_ascii_strcasecmp (value, "pbf") == 0)
    {
      fail_invalid (error, self->path, _("it holds vector tiles; only raster (PNG or JPEG) tiles can be shown"));
      goto out;
    }

  if (!parse_zoom (g_hash_table_lookup (metadata, "minzoom"), &self->min_zoom)
      || !parse_zoom (g_hash_table_lookup (metadata, "maxzoom"), &self->max_zoom)
      || self->min_zoom > self->max_zoom)
    {
      if (!probe_zoom_levels (self, db, error))
        goto out;
    }

  if (!check_sample_tile (self, db, error))
    goto out;

  self->has_bounds = parse_bounds (g_hash_table_lookup (metadata, "bounds"), self->bounds);

  value = g_hash_table_lookup (metadata, "name");
  self->name = value != NULL && *value != '\0' ? g_strdup (value) : g_filename_display_basename (self->path);
  value = g_hash_table_lookup (metadata, "attribution");
  self->attribution = strip_markup (value != NULL ? value : "");
  ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
  return ok;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = storm_mbtiles_source_initable_init;
}

static void
storm_mbtiles_source_finalize (GObject *object)
{
  StormMbtilesSource *self = STORM_MBTILES_SOURCE (object);

  g_clear_pointer (&self->tile_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_object (&self->ancestor);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self->name);
  g_free (self->format);
  g_free (self->attribution);

  G_OBJECT_CLASS (storm_mbtiles_source_parent_class)->finalize (object);
}

static void
storm_mbtiles_source_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StormMbtilesSource *self = STORM_MBTILES_SOURCE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->n_pending > 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_mbtiles_source_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  StormMbtilesSource *self = STORM_MBTILES_SOURCE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_mbtiles_source_class_init (StormMbtilesSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->finalize = storm_mbtiles_source_finalize;
  object_class->get_property = storm_mbtiles_source_get_property;
  object_class->set_property = storm_mbtiles_source_set_property;

  source_class->get_tile_data_async = storm_mbtiles_source_get_tile_data_async;

  /**
   * StormMbtilesSource:path:
   *
   * The MBTiles file, opened read-only.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * StormMbtilesSource:busy:
   *
   * Whether tile reads are under way.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
storm_mbtiles_source_init (StormMbtilesSource *self)
{
  g_mutex_init (&self->lock);
  self->tile_size = 256;
}

/**
 * storm_mbtiles_source_new:
 * @path: an MBTiles file
 * @error: return location for a #GError
 *
 * Opens @path and checks that it is a raster MBTiles file this system
 * can show: a damaged or foreign file fails here with
 * %STORM_ERROR_INVALID and a sentence naming the file.
 *
 * Returns: (transfer full) (nullable): the data source
 */
StormMbtilesSource *
storm_mbtiles_source_new (const char  *path,
                          GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_initable_new (STORM_TYPE_MBTILES_SOURCE, NULL, error, "path", path, NULL);
}

const char *
storm_mbtiles_source_get_path (StormMbtilesSource *self)
{
  g_return_val_if_fail (STORM_IS_MBTILES_SOURCE (self), NULL);

  return self->path;
}

const char *
storm_mbtiles_source_get_name (StormMbtilesSource *self)
{
  g_return_val_if_fail (STORM_IS_MBTILES_SOURCE (self), NULL);

  return self->name;
}

/* "png", "jpg" or "webp", from the tiles' own bytes. */
const char *
storm_mbtiles_source_get_format (StormMbtilesSource *self)
{
  g_return_val_if_fail (STORM_IS_MBTILES_SOURCE (self), NULL);

  return self->format;
}

/* Plain text; empty when the file names no source. */
const char *
storm_mbtiles_source_get_attribution (StormMbtilesSource *self)
{
  g_return_val_if_fail (STORM_IS_MBTILES_SOURCE (self), NULL);

  return self->attribution;
}

guint
storm_mbtiles_source_get_min_zoom (StormMbtilesSource *self)
{
  g_return_val_if_fail (STORM_IS_MBTILES_SOURCE (self), 0);

  return self->min_zoom;
}

guint
storm_mbtiles_source_get_max_zoom (StormMbtilesSource *self)
{
  g_return_val_if_fail (STORM_IS_MBTILES_SOURCE (self), 0);

  return self->max_zoom;
}

guint
storm_mbtiles_source_get_tile_size (StormMbtilesSource *self)
{
  g_return_val_if_fail (STORM_IS_MBTILES_SOURCE (self), 0);

  return self->tile_size;
}

/* The area the file covers, from its metadata; FALSE when not stated. */
gboolean
storm_mbtiles_source_get_bounds (StormMbtilesSource *self,
                                 double             *west,
                                 double             *south,
                                 double             *east,
                                 double             *north)
{
  g_return_val_if_fail (STORM_IS_MBTILES_SOURCE (self), FALSE);

  if (!self->has_bounds)
    return FALSE;
  if (west != NULL)
    *west = self->bounds[0];
  if (south != NULL)
    *south = self->bounds[1];
  if (east != NULL)
    *east = self->bounds[2];
  if (north != NULL)
    *north = self->bounds[3];
  return TRUE;
}

gboolean
storm_mbtiles_source_get_busy (StormMbtilesSource *self)
{
  g_return_val_if_fail (STORM_IS_MBTILES_SOURCE (self), FALSE);

  return self->n_pending > 0;
}
