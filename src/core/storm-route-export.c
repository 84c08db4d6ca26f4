#define G_LOG_DOMAIN "storm-route-export"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "storm-error.h"
#include "storm-route-export.h"
#include "storm-routes.h"

static const char * const format_names[] = { "csv", "gpx", "geojson" };

gboolean
storm_route_export_format_from_string (const char             *text,
                                       StormRouteExportFormat *format)
{
  g_return_val_if_fail (format != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (text != NULL && g_ascii_strcasecmp (text, format_names[i]) == 0)
      {
        *format = i;
        return TRUE;
      }
  return FALSE;
}

const char *
storm_route_export_format_extension (StormRouteExportFormat format)
{
  g_return_val_if_fail (format <= STORM_ROUTE_EXPORT_GEOJSON, NULL);

  return format_names[format];
}

/* One stop with what the exports show of its door. */
typedef struct
{
  guint   seq;
  char   *ext_id;
  char   *address;
  char   *city;
  char   *zip;
  double  lat;
  double  lon;
  double  uplift;      /* NAN when unscored */
  char   *decision;    /* NULL without a policy */
  char   *note;        /* the latest note, or NULL */
} Stop;

static void
stop_free (gpointer data)
{
  Stop *stop = data;

  g_free (stop->ext_id);
  g_free (stop->address);
  g_free (stop->city);
  g_free (stop->zip);
  g_free (stop->decision);
  g_free (stop->note);
  g_free (stop);
}

typedef struct
{
  char      *storm_name;
  GPtrArray *routes;   /* StormRoute */
  GPtrArray *stops;    /* GPtrArray of Stop, one per route */
} Export;

static void
export_clear (Export *e)
{
  g_clear_pointer (&e->storm_name, g_free);
  g_clear_pointer (&e->routes, g_ptr_array_unref);
  g_clear_pointer (&e->stops, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Export, export_clear)

static char *
dup_text (sqlite3_stmt *stmt,
          int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gboolean
load_export (StormDb       *db,
             gint64         storm_id,
             const gint64  *route_ids,
             guint          n_routes,
             Export        *e,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(sqlite3_stmt) storm = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 current_execution = storm_db_count_rows (db,
                                                  "SELECT coalesce ((SELECT id FROM policy_executions "
                                                  "WHERE storm_id = ?1 AND is_current = 1), 0)", storm_id);

  storm = storm_db_prepare (db, "SELECT name FROM storms WHERE id = ?1", error);
  if (storm == NULL)
    return FALSE;
  sqlite3_bind_int64 (storm, 1, storm_id);
  if (sqlite3_step (storm) != SQLITE_ROW)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, storm_id);

      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("Storm %s does not exist."), id_text);
      return FALSE;
    }
  e->storm_name = dup_text (storm, 0);

  if (route_ids == NULL)
    {
      e->routes = storm_routes_list (db, storm_id, FALSE, error);
      if (e->routes == NULL)
        return FALSE;
    }
  else
    {
      e->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_route_free);
      for (guint i = 0; i < n_routes; i++)
        {
          StormRoute *route = storm_routes_get (db, route_ids[i], error);

          if (route == NULL)
            return FALSE;
          g_ptr_array_add (e->routes, route);
          if (route->storm_id != storm_id)
            {
              g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                           _("“%s” is a route of another storm."), route->name);
              return FALSE;
            }
        }
    }

  /* A door's decision is the one its route was planned from. */
  stmt = storm_db_prepare (db,
                           "SELECT s.seq, p.ext_id, p.address, p.city, p.zip, p.lat, p.lon, sp.uplift, "
                           "  (SELECT d.decision FROM policy_decisions_log d "
                           "   WHERE d.execution_id = ?2 AND d.property_id = s.property_id), "
                           "  (SELECT n.body FROM property_notes n "
                           "   WHERE n.property_id = s.property_id AND (n.storm_id = ?3 OR n.storm_id IS NULL) "
                           "   ORDER BY coalesce (n.updated_at, n.created_at) DESC, n.id DESC LIMIT 1) "
                           "FROM route_stops s JOIN properties p ON p.id = s.property_id "
                           "LEFT JOIN storm_properties sp ON sp.storm_id = ?3 AND sp.property_id = s.property_id "
                           "WHERE s.route_id = ?1 ORDER BY s.seq",
                           error);
  if (stmt == NULL)
    return FALSE;
  e->stops = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint r = 0; r < e->routes->len; r++)
    {
      StormRoute *route = e->routes->pdata[r];
      GPtrArray *stops = g_ptr_array_new_with_free_func (stop_free);
      int rc;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_ptr_array_add (e->stops, stops);
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, route->id);
      sqlite3_bind_int64 (stmt, 2, route->execution_id != 0 ? route->execution_id : current_execution);
      sqlite3_bind_int64 (stmt, 3, storm_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          Stop *stop = g_new0 (Stop, 1);

          stop->seq = (guint) sqlite3_column_int64 (stmt, 0);
          stop->ext_id = dup_text (stmt, 1);
          stop->address = dup_text (stmt, 2);
          stop->city = dup_text (stmt, 3);
          stop->zip = dup_text (stmt, 4);
          stop->lat = sqlite3_column_double (stmt, 5);
          stop->lon = sqlite3_column_double (stmt, 6);
          stop->uplift = sqlite3_column_type (stmt, 7) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 7);
          stop->decision = dup_text (stmt, 8);
          stop->note = dup_text (stmt, 9);
          g_ptr_array_add (stops, stop);
        }
      if (rc != SQLITE_DONE)
        return storm_db_fail (db, error, "reading the stops to export");
    }
  return TRUE;
}

static void
append_number (GString    *out,
               const char *format,
               double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isfinite (value))
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, format, value));
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static gboolean
write_string (GOutputStream  *out,
              GString        *text,
              GCancellable   *cancellable,
              GError        **error)
{
  gboolean ok = g_output_stream_write_all (out, text->str, text->len, NULL, cancellable, error);

  g_string_truncate (text, 0);
  return ok;
}

static gboolean
write_csv (const Export   *e,
           GOutputStream  *out,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(GString) text = g_string_new ("route,seq,property_id,address,city,zip,lat,lon,uplift,decision,notes\r\n");

  for (guint r = 0; r < e->routes->len; r++)
    {
      StormRoute *route = e->routes->pdata[r];
      GPtrArray *stops = e->stops->pdata[r];

      for (guint i = 0; i < stops->len; i++)
        {
          Stop *stop = stops->pdata[i];

          append_csv_field (text, route->name);
          g_string_append_printf (text, ",%u,", stop->seq);
          append_csv_field (text, stop->ext_id);
          g_string_append_c (text, ',');
          append_csv_field (text, stop->address);
          g_string_append_c (text, ',');
          append_csv_field (text, stop->city);
          g_string_append_c (text, ',');
          append_csv_field (text, stop->zip);
          g_string_append_c (text, ',');
          append_number (text, "%.6f", stop->lat);
          g_string_append_c (text, ',');
          append_number (text, "%.6f", stop->lon);
          g_string_append_c (text, ',');
          append_number (text, "%.4f", stop->uplift);
          g_string_append_c (text, ',');
          append_csv_field (text, stop->decision);
          g_string_append_c (text, ',');
          append_csv_field (text, stop->note);
          g_string_append (text, "\r\n");
        }
      if (!write_string (out, text, cancellable, error))
        return FALSE;
    }
  return write_string (out, text, cancellable, error);
}

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text ? text : "", -1);

  g_string_append (out, escaped);
}

static void
append_lat_lon (GString *out,
                double   lat,
                double   lon)
{
  g_string_append (out, " lat=\"");
  append_number (out, "%.7f", lat);
  g_string_append (out, "\" lon=\"");
  append_number (out, "%.7f", lon);
  g_string_append (out, "\"");
}

static gboolean
write_gpx (const Export   *e,
           GOutputStream  *out,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  StormRoute *with_depot = NULL;

  g_string_append (text,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<gpx version=\"1.1\" creator=\"StormOps\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
                   "  <metadata>\n    <name>");
  append_escaped (text, e->storm_name);
  g_string_append_printf (text, "</name>\n    <time>%s</time>\n  </metadata>\n", time);

  for (guint r = 0; r < e->routes->len && with_depot == NULL; r++)
    if (((StormRoute *) e->routes->pdata[r])->has_depot)
      with_depot = e->routes->pdata[r];
  if (with_depot != NULL)
    {
      g_string_append (text, "  <wpt");
      append_lat_lon (text, with_depot->depot_lat, with_depot->depot_lon);
      g_string_append (text, ">\n    <name>");
      append_escaped (text, _("Depot"));
      g_string_append (text, "</name>\n  </wpt>\n");
    }

  for (guint r = 0; r < e->routes->len; r++)
    {
      StormRoute *route = e->routes->pdata[r];
      GPtrArray *stops = e->stops->pdata[r];
      g_autofree char *desc = NULL;

      desc = route->crew != NULL
        ? g_strdup_printf (_("%s · %u doors · %.1f km · crew %s"), e->storm_name, stops->len, route->total_km, route->crew)
        : g_strdup_printf (_("%s · %u doors · %.1f km"), e->storm_name, stops->len, route->total_km);
      g_string_append (text, "  <rte>\n    <name>");
      append_escaped (text, route->name);
      g_string_append (text, "</name>\n    <desc>");
      append_escaped (text, desc);
      g_string_append_printf (text, "</desc>\n    <number>%u</number>\n", r + 1);
      for (guint i = 0; i < stops->len; i++)
        {
          Stop *stop = stops->pdata[i];
          g_autofree char *name = g_strdup_printf ("%u. %s", stop->seq, stop->address ? stop->address : "");

          g_string_append (text, "    <rtept");
          append_lat_lon (text, stop->lat, stop->lon);
          g_string_append (text, ">\n      <name>");
          append_escaped (text, name);
          g_string_append (text, "</name>\n      <desc>");
          append_escaped (text, stop->ext_id);
          g_string_append (text, "</desc>\n    </rtept>\n");
        }
      g_string_append (text, "  </rte>\n");
      if (!write_string (out, text, cancellable, error))
        return FALSE;
    }
  g_string_append (text, "</gpx>\n");
  return write_string (out, text, cancellable, error);
}

static void
add_position (JsonBuilder *b,
              double       lat,
              double       lon)
{
  json_builder_begin_array (b);
  json_builder_add_double_value (b, lon);
  json_builder_add_double_value (b, lat);
  json_builder_end_array (b);
}

static void
add_string_member (JsonBuilder *b,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static gboolean
write_geojson (const Export   *e,
               GOutputStream  *out,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "FeatureCollection");
  add_string_member (b, "name", e->storm_name);
  json_builder_set_member_name (b, "features");
  json_builder_begin_array (b);
  for (guint r = 0; r < e->routes->len; r++)
    {
      StormRoute *route = e->routes->pdata[r];
      GPtrArray *stops = e->stops->pdata[r];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "Feature");
      json_builder_set_member_name (b, "geometry");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "LineString");
      json_builder_set_member_name (b, "coordinates");
      json_builder_begin_array (b);
      if (route->has_depot)
        add_position (b, route->depot_lat, route->depot_lon);
      for (guint i = 0; i < stops->len; i++)
        add_position (b, ((Stop *) stops->pdata[i])->lat, ((Stop *) stops->pdata[i])->lon);
      if (route->has_depot)
        add_position (b, route->depot_lat, route->depot_lon);
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "properties");
      json_builder_begin_object (b);
      add_string_member (b, "kind", "route");
      add_string_member (b, "route", route->name);
      json_builder_set_member_name (b, "route_id");
      json_builder_add_int_value (b, route->id);
      add_string_member (b, "crew", route->crew);
      json_builder_set_member_name (b, "doors");
      json_builder_add_int_value (b, stops->len);
      json_builder_set_member_name (b, "km");
      json_builder_add_double_value (b, route->total_km);
      json_builder_set_member_name (b, "minutes");
      json_builder_add_double_value (b, route->est_minutes);
      json_builder_set_member_name (b, "locked");
      json_builder_add_boolean_value (b, route->locked);
      json_builder_end_object (b);
      json_builder_end_object (b);

      for (guint i = 0; i < stops->len; i++)
        {
          Stop *stop = stops->pdata[i];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "type");
          json_builder_add_string_value (b, "Feature");
          json_builder_set_member_name (b, "geometry");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "type");
          json_builder_add_string_value (b, "Point");
          json_builder_set_member_name (b, "coordinates");
          add_position (b, stop->lat, stop->lon);
          json_builder_end_object (b);
          json_builder_set_member_name (b, "properties");
          json_builder_begin_object (b);
          add_string_member (b, "kind", "stop");
          add_string_member (b, "route", route->name);
          json_builder_set_member_name (b, "route_id");
          json_builder_add_int_value (b, route->id);
          json_builder_set_member_name (b, "seq");
          json_builder_add_int_value (b, stop->seq);
          add_string_member (b, "id", stop->ext_id);
          add_string_member (b, "address", stop->address);
          add_string_member (b, "city", stop->city);
          add_string_member (b, "zip", stop->zip);
          json_builder_set_member_name (b, "uplift");
          if (isfinite (stop->uplift))
            json_builder_add_double_value (b, stop->uplift);
          else
            json_builder_add_null_value (b);
          add_string_member (b, "decision", stop->decision);
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  return json_generator_to_stream (generator, out, cancellable, error);
}

gboolean
storm_route_export (StormDb                *db,
                    gint64                  storm_id,
                    const gint64           *route_ids,
                    guint                   n_routes,
                    StormRouteExportFormat  format,
                    GOutputStream          *out,
                    GCancellable           *cancellable,
                    GError                **error)
{
  g_auto(Export) e = { 0 };

  g_return_val_if_fail (db != NULL && G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (format <= STORM_ROUTE_EXPORT_GEOJSON, FALSE);

  if (!load_export (db, storm_id, route_ids, n_routes, &e, cancellable, error))
    return FALSE;
  switch (format)
    {
    case STORM_ROUTE_EXPORT_CSV:
      return write_csv (&e, out, cancellable, error);
    case STORM_ROUTE_EXPORT_GPX:
      return write_gpx (&e, out, cancellable, error);
    case STORM_ROUTE_EXPORT_GEOJSON:
    default:
      return write_geojson (&e, out, cancellable, error);
    }
}

gboolean
storm_route_export_to_path (StormDb                *db,
                            gint64                  storm_id,
                            const gint64           *route_ids,
                            guint                   n_routes,
                            StormRouteExportFormat  format,
                            const char             *path,
                            GCancellable           *cancellable,
                            GError                **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GOutputStream) memory = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  /* Built in memory first (a few megabytes for the largest storm): a
   * failed query leaves no file behind, and an existing file is only
   * replaced once the new one is written whole. */
  memory = g_memory_output_stream_new_resizable ();
  if (!storm_route_export (db, storm_id, route_ids, n_routes, format, memory, cancellable, error) ||
      !g_output_stream_close (memory, cancellable, error))
    return FALSE;
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
  file = g_file_new_for_path (path);
  if (!g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, FALSE,
                                G_FILE_CREATE_NONE, NULL, cancellable, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                   _("Cannot write “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
