#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "storm-csv.h"
#include "storm-error.h"
#include "storm-route-export.h"
#include "storm-routes.h"
#include "routes-test-util.h"

#define N_PROPS 400
#define TRICKY_ADDRESS "12 O’Brien Ct, Apt \"B\" & <2>"
#define TRICKY_NOTE "Dog in yard, \"beware\" & <gate>\nRing twice"

typedef struct
{
  RoutesFixture f;
  gint64        tricky;      /* property with the awkward address and notes */
  guint         n_routes;
  gint64        n_stops;
} ExportFixture;

static void
export_setup (ExportFixture *x,
              gconstpointer  data)
{
  RoutesFixture *f = &x->f;
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  routes_fixture_setup (f, data);
  routes_fixture_add_storm (f, N_PROPS);
  routes_fixture_apply_policy (f);
  x->tricky = query_int (f->db,
                         "SELECT min (d.property_id) FROM policy_decisions_log d JOIN policy_executions e "
                         "ON e.id = d.execution_id WHERE e.is_current = 1 AND d.decision = 'treat'", 0);
  stmt = storm_db_prepare (f->db, "UPDATE properties SET address = ?2 WHERE id = ?1", NULL);
  sqlite3_bind_int64 (stmt, 1, x->tricky);
  sqlite3_bind_text (stmt, 2, TRICKY_ADDRESS, -1, SQLITE_STATIC);
  g_assert_true (storm_db_step_done (f->db, stmt, NULL));
  g_clear_pointer (&stmt, sqlite3_finalize);
  /* Two notes: the export shows the later one. */
  stmt = storm_db_prepare (f->db,
                           "INSERT INTO property_notes (storm_id, property_id, body, created_at) VALUES (?1, ?2, ?3, ?4)", NULL);
  sqlite3_bind_int64 (stmt, 1, f->storm_id);
  sqlite3_bind_int64 (stmt, 2, x->tricky);
  sqlite3_bind_text (stmt, 3, "old note", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, "2024-05-01T10:00:00Z", -1, SQLITE_STATIC);
  g_assert_true (storm_db_step_done (f->db, stmt, NULL));
  sqlite3_bind_text (stmt, 3, TRICKY_NOTE, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, "2024-05-02T10:00:00Z", -1, SQLITE_STATIC);
  g_assert_true (storm_db_step_done (f->db, stmt, NULL));

  storm_route_plan_params_init (&params);
  params.has_depot = TRUE;
  params.depot_lat = 32.78;
  params.depot_lon = -96.80;
  params.doors_cap = 30;
  g_assert_true (storm_routes_plan (f->db, f->storm_id, &params, &result, NULL, NULL, &error));
  g_assert_no_error (error);
  x->n_routes = result.n_routes;
  x->n_stops = result.n_routed;
  g_assert_cmpuint (x->n_routes, >, 2);
}

static void
export_teardown (ExportFixture *x,
                 gconstpointer  data)
{
  routes_fixture_teardown (&x->f, data);
}

static GBytes *
export_bytes (ExportFixture          *x,
              StormRouteExportFormat  format,
              const gint64           *route_ids,
              guint                   n_routes)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_route_export (x->f.db, x->f.storm_id, route_ids, n_routes, format, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_csv (ExportFixture *x,
          gconstpointer  data)
{
  g_autoptr(GBytes) bytes = export_bytes (x, STORM_ROUTE_EXPORT_CSV, NULL, 0);
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(StormCsv) csv = storm_csv_new_for_stream (in, "routes.csv", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) check = NULL;
  const char *header[] = { "route", "seq", "property_id", "address", "city", "zip", "lat", "lon", "uplift", "decision", "notes" };
  gint64 rows = 0;
  gboolean saw_tricky = FALSE;

  g_assert_true (storm_csv_next (csv, NULL, &error));
  g_assert_cmpuint (storm_csv_get_n_fields (csv), ==, G_N_ELEMENTS (header));
  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    g_assert_cmpstr (storm_csv_get_field (csv, i), ==, header[i]);

  check = storm_db_prepare (x->f.db,
                            "SELECT r.name, s.seq, p.ext_id, p.address, p.zip, p.lat, p.lon, sp.uplift "
                            "FROM route_stops s JOIN routes r ON r.id = s.route_id JOIN properties p ON p.id = s.property_id "
                            "JOIN storm_properties sp ON sp.property_id = p.id "
                            "WHERE r.is_current = 1 ORDER BY r.id, s.seq", NULL);
  while (storm_csv_next (csv, NULL, &error))
    {
      g_assert_cmpuint (storm_csv_get_n_fields (csv), ==, G_N_ELEMENTS (header));
      g_assert_cmpint (sqlite3_step (check), ==, SQLITE_ROW);
      g_assert_cmpstr (storm_csv_get_field (csv, 0), ==, (const char *) sqlite3_column_text (check, 0));
      g_assert_cmpint (g_ascii_strtoll (storm_csv_get_field (csv, 1), NULL, 10), ==, sqlite3_column_int64 (check, 1));
      g_assert_cmpstr (storm_csv_get_field (csv, 2), ==, (const char *) sqlite3_column_text (check, 2));
      g_assert_cmpstr (storm_csv_get_field (csv, 3), ==, (const char *) sqlite3_column_text (check, 3));
      g_assert_cmpstr (storm_csv_get_field (csv, 4), ==, "Dallas");
      g_assert_cmpstr (storm_csv_get_field (csv, 5), ==, (const char *) sqlite3_column_text (check, 4));
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (storm_csv_get_field (csv, 6), NULL), sqlite3_column_double (check, 5), 1e-6);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (storm_csv_get_field (csv, 7), NULL), sqlite3_column_double (check, 6), 1e-6);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (storm_csv_get_field (csv, 8), NULL), sqlite3_column_double (check, 7), 1e-4);
      g_assert_cmpstr (storm_csv_get_field (csv, 9), ==, "treat");
      if (g_str_equal (storm_csv_get_field (csv, 3), TRICKY_ADDRESS))
        {
          saw_tricky = TRUE;
          g_assert_cmpstr (storm_csv_get_field (csv, 10), ==, TRICKY_NOTE);
        }
      else
        g_assert_cmpstr (storm_csv_get_field (csv, 10), ==, "");
      rows++;
    }
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (check), ==, SQLITE_DONE);
  g_assert_cmpint (rows, ==, x->n_stops);
  g_assert_true (saw_tricky);
}

/* A small check of the GPX with GMarkup: structure, counts, attributes
 * and text come back as written. */
typedef struct
{
  GString   *text;
  GPtrArray *stack;
  guint      n_rte;
  guint      n_rtept;
  guint      n_wpt;
  GArray    *rtept_per_rte;
  gboolean   saw_tricky;
  gboolean   root_ok;
  double     last_lat;
  double     last_lon;
} GpxCheck;

static const char *
attr (const char **names,
      const char **values,
      const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static void
gpx_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              data,
           GError              **error)
{
  GpxCheck *c = data;

  if (c->stack->len == 0)
    c->root_ok = g_str_equal (element, "gpx") &&
                 g_strcmp0 (attr (names, values, "version"), "1.1") == 0 &&
                 g_strcmp0 (attr (names, values, "xmlns"), "http://www.topografix.com/GPX/1/1") == 0;
  if (g_str_equal (element, "rte"))
    {
      guint zero = 0;

      c->n_rte++;
      g_array_append_val (c->rtept_per_rte, zero);
    }
  else if (g_str_equal (element, "rtept") || g_str_equal (element, "wpt"))
    {
      const char *lat = attr (names, values, "lat"), *lon = attr (names, values, "lon");

      g_assert_nonnull (lat);
      g_assert_nonnull (lon);
      c->last_lat = g_ascii_strtod (lat, NULL);
      c->last_lon = g_ascii_strtod (lon, NULL);
      g_assert_cmpfloat (c->last_lat, >, 32.7);
      g_assert_cmpfloat (c->last_lat, <, 32.9);
      g_assert_cmpfloat (c->last_lon, >, -96.9);
      g_assert_cmpfloat (c->last_lon, <, -96.7);
      if (g_str_equal (element, "wpt"))
        c->n_wpt++;
      else
        {
          c->n_rtept++;
          g_array_index (c->rtept_per_rte, guint, c->rtept_per_rte->len - 1)++;
        }
    }
  g_ptr_array_add (c->stack, g_strdup (element));
  g_string_truncate (c->text, 0);
}

static void
gpx_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              data,
         GError              **error)
{
  GpxCheck *c = data;
  const char *parent = c->stack->len >= 2 ? c->stack->pdata[c->stack->len - 2] : "";

  if (g_str_equal (element, "name") && g_str_equal (parent, "rtept"))
    {
      /* "seq. address" */
      g_assert_nonnull (strstr (c->text->str, ". "));
      if (g_str_has_suffix (c->text->str, ". " TRICKY_ADDRESS))
        c->saw_tricky = TRUE;
    }
  g_ptr_array_remove_index (c->stack, c->stack->len - 1);
}

static void
gpx_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 len,
          gpointer              data,
          GError              **error)
{
  GpxCheck *c = data;

  g_string_append_len (c->text, text, len);
}

static void
test_gpx (ExportFixture *x,
          gconstpointer  data)
{
  g_autoptr(GBytes) bytes = export_bytes (x, STORM_ROUTE_EXPORT_GPX, NULL, 0);
  GMarkupParser parser = { gpx_start, gpx_end, gpx_text, NULL, NULL };
  GpxCheck c = { 0 };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routes = storm_routes_list (x->f.db, x->f.storm_id, FALSE, NULL);
  gsize size;
  const char *text = g_bytes_get_data (bytes, &size);

  g_assert_true (g_str_has_prefix (text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  c.text = g_string_new (NULL);
  c.stack = g_ptr_array_new_with_free_func (g_free);
  c.rtept_per_rte = g_array_new (FALSE, FALSE, sizeof (guint));
  context = g_markup_parse_context_new (&parser, 0, &c, NULL);
  g_assert_true (g_markup_parse_context_parse (context, text, size, &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);

  g_assert_true (c.root_ok);
  g_assert_cmpuint (c.n_wpt, ==, 1);
  g_assert_cmpuint (c.n_rte, ==, x->n_routes);
  g_assert_cmpint (c.n_rtept, ==, x->n_stops);
  for (guint i = 0; i < routes->len; i++)
    g_assert_cmpuint (g_array_index (c.rtept_per_rte, guint, i), ==, ((StormRoute *) routes->pdata[i])->n_stops);
  g_assert_true (c.saw_tricky);
  /* The raw text has the markup escaped. */
  g_assert_nonnull (strstr (text, "O’Brien Ct, Apt &quot;B&quot; &amp; &lt;2&gt;"));

  g_string_free (c.text, TRUE);
  g_ptr_array_unref (c.stack);
  g_array_unref (c.rtept_per_rte);
}

static void
test_geojson (ExportFixture *x,
              gconstpointer  data)
{
  g_autoptr(GBytes) bytes = export_bytes (x, STORM_ROUTE_EXPORT_GEOJSON, NULL, 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routes = storm_routes_list (x->f.db, x->f.storm_id, FALSE, NULL);
  JsonObject *root;
  JsonArray *features;
  guint n_lines = 0, n_points = 0;
  gboolean saw_tricky = FALSE;
  gsize size;
  const char *text = g_bytes_get_data (bytes, &size);

  g_assert_true (json_parser_load_from_data (parser, text, size, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "type"), ==, "FeatureCollection");
  features = json_object_get_array_member (root, "features");
  g_assert_cmpuint (json_array_get_length (features), ==, x->n_routes + x->n_stops);

  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *feature = json_array_get_object_element (features, i);
      JsonObject *geometry = json_object_get_object_member (feature, "geometry");
      JsonObject *props = json_object_get_object_member (feature, "properties");
      JsonArray *coords = json_object_get_array_member (geometry, "coordinates");
      const char *type = json_object_get_string_member (geometry, "type");

      g_assert_cmpstr (json_object_get_string_member (feature, "type"), ==, "Feature");
      if (g_str_equal (type, "LineString"))
        {
          StormRoute *route = routes->pdata[n_lines];
          JsonArray *first = json_array_get_array_element (coords, 0);

          g_assert_cmpstr (json_object_get_string_member (props, "route"), ==, route->name);
          g_assert_cmpint (json_object_get_int_member (props, "route_id"), ==, route->id);
          g_assert_cmpint (json_object_get_int_member (props, "doors"), ==, route->n_stops);
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (props, "km"), route->total_km, 1e-9);
          /* Depot, the stops, depot again; positions are [lon, lat]. */
          g_assert_cmpuint (json_array_get_length (coords), ==, route->n_stops + 2);
          g_assert_cmpfloat (json_array_get_double_element (first, 0), ==, -96.80);
          g_assert_cmpfloat (json_array_get_double_element (first, 1), ==, 32.78);
          n_lines++;
        }
      else
        {
          g_assert_cmpstr (type, ==, "Point");
          g_assert_cmpuint (json_array_get_length (coords), ==, 2);
          g_assert_cmpfloat (json_array_get_double_element (coords, 0), <, -96.7);
          g_assert_cmpfloat (json_array_get_double_element (coords, 1), >, 32.7);
          g_assert_cmpstr (json_object_get_string_member (props, "kind"), ==, "stop");
          g_assert_cmpint (json_object_get_int_member (props, "seq"), >=, 1);
          g_assert_true (g_str_has_prefix (json_object_get_string_member (props, "id"), "R"));
          g_assert_cmpstr (json_object_get_string_member (props, "route"), ==, ((StormRoute *) routes->pdata[n_lines - 1])->name);
          if (g_str_equal (json_object_get_string_member (props, "address"), TRICKY_ADDRESS))
            saw_tricky = TRUE;
          n_points++;
        }
    }
  g_assert_cmpuint (n_lines, ==, x->n_routes);
  g_assert_cmpint (n_points, ==, x->n_stops);
  g_assert_true (saw_tricky);
}

static void
test_selection_and_file (ExportFixture *x,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = storm_routes_list (x->f.db, x->f.storm_id, FALSE, NULL);
  StormRoute *second = routes->pdata[1];
  gint64 ids[] = { second->id };
  g_autoptr(GBytes) bytes = export_bytes (x, STORM_ROUTE_EXPORT_CSV, ids, 1);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_autofree char *path = g_build_filename (x->f.dir, "routes.geojson", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  StormRouteExportFormat format;
  gint64 missing[] = { 987654 };

  /* Header, one line per stop, and the empty string after the last CRLF. */
  g_assert_cmpuint (g_strv_length (lines), ==, second->n_stops + 2);
  for (guint i = 1; i <= second->n_stops; i++)
    g_assert_true (g_str_has_prefix (lines[i], second->name));

  g_assert_true (storm_route_export_format_from_string ("GeoJSON", &format));
  g_assert_cmpint (format, ==, STORM_ROUTE_EXPORT_GEOJSON);
  g_assert_cmpstr (storm_route_export_format_extension (format), ==, "geojson");
  g_assert_false (storm_route_export_format_from_string ("kml", &format));
  g_assert_true (storm_route_export_to_path (x->f.db, x->f.storm_id, NULL, 0, format, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "{"));

  /* A missing route is an error and leaves the file as it was. */
  g_assert_false (storm_route_export_to_path (x->f.db, x->f.storm_id, missing, 1, STORM_ROUTE_EXPORT_CSV, path, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "{"));
}

static void
test_no_routes (ExportFixture *x,
                gconstpointer  data)
{
  StormStormSpec spec = { .code = "EMPTY", .name = "Empty storm" };
  gint64 empty = storm_db_ensure_storm (x->f.db, &spec, NULL, NULL);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (storm_route_export (x->f.db, empty, NULL, 0, STORM_ROUTE_EXPORT_GEOJSON, out, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                                        "features")), ==, 0);

  /* A route of another storm is refused. */
  {
    g_autoptr(GPtrArray) routes = storm_routes_list (x->f.db, x->f.storm_id, FALSE, NULL);
    gint64 ids[] = { ((StormRoute *) routes->pdata[0])->id };
    g_autoptr(GOutputStream) other = g_memory_output_stream_new_resizable ();

    g_assert_false (storm_route_export (x->f.db, empty, ids, 1, STORM_ROUTE_EXPORT_GPX, other, NULL, &error));
    g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, ExportFixture, NULL, export_setup, func, export_teardown)
  ADD ("/route-export/csv", test_csv);
  ADD ("/route-export/gpx", test_gpx);
  ADD ("/route-export/geojson", test_geojson);
  ADD ("/route-export/selection-and-file", test_selection_and_file);
  ADD ("/route-export/no-routes", test_no_routes);
#undef ADD

  return g_test_run ();
}
