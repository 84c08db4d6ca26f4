#include "config.h"

#include <math.h>

#include "import-test-util.h"
#include "storm-import-private.h"

static gboolean
import (DbFixture          *f,
        const char         *path,
        const char         *storm,
        StormImportResult  *result,
        GError            **error)
{
  storm_import_result_init (result);
  return storm_import_properties (f->db, path, storm, result, NULL, NULL, error);
}

static void
test_dallas_csv (DbFixture     *f,
                 gconstpointer  data)
{
  g_autofree char *path = shared_data ("addresses", "dallas.csv");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *event = NULL;
  g_autofree char *expected_event = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, "DALLAS", &r, &error));
  g_assert_no_error (error);
  /* 35 lines: the header and 34 restaurants */
  g_assert_cmpint (r.n_rows, ==, 34);
  g_assert_cmpint (r.n_inserted, ==, 34);
  g_assert_cmpint (r.n_updated, ==, 0);
  g_assert_cmpint (r.n_duplicates, ==, 0);
  g_assert_cmpint (r.n_skipped, ==, 0);
  g_assert_cmpint (r.n_warnings, ==, 0);
  g_assert_true (r.storm_created);
  g_assert_cmpint (r.storm_id, ==, query_int (f->db, "SELECT id FROM storms WHERE code = 'DALLAS'"));
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties"), ==, 34);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties"), ==, 34);

  /* The file has no id column: the id is derived from the address and
   * position, and must never change, or re-imports would duplicate. */
  name = query_text (f->db, "SELECT ext_id FROM properties WHERE name = 'Cane Rosso'");
  g_assert_cmpstr (name, ==, "prop_31fbd7572a3603a4");
  g_clear_pointer (&name, g_free);

  /* HTML entities decoded: 7 names had &amp; */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties WHERE name LIKE '%&amp;%'"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties WHERE name LIKE '%&%'"), ==, 7);
  name = query_text (f->db, "SELECT name || '|' || address || '|' || city || '|' || state || '|' || zip "
                            "FROM properties WHERE address = '3707 Greenville Ave'");
  g_assert_cmpstr (name, ==, "Piggie Pies Pizza & Pasta|3707 Greenville Ave|Dallas|TX|75206");
  g_clear_pointer (&name, g_free);

  /* a quoted address with a comma, a UTF-8 apostrophe in the name */
  name = query_text (f->db, "SELECT name || '|' || address FROM properties WHERE zip = '75248' AND lat > 32.965");
  g_assert_cmpstr (name, ==, "Dough Bro’s Italian Kitchen|5181 Keller Springs Rd, Ste 101");
  g_assert_cmpfloat (query_double (f->db, "SELECT lat FROM properties WHERE name = 'Cane Rosso'"), ==, 32.782728);
  g_assert_cmpfloat (query_double (f->db, "SELECT lon FROM properties WHERE name = 'Cane Rosso'"), ==, -96.785576);
  /* no scores in the file */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties WHERE uplift IS NOT NULL "
                                     "OR base_rate IS NOT NULL OR hail_distance_km IS NOT NULL"), ==, 0);

  event = last_event (f->db);
  expected_event = g_strdup_printf ("import-properties|%s|ok|storm %" G_GINT64_FORMAT " (new): rows 34, inserted 34, "
                                    "updated 0, duplicates 0, skipped 0, warnings 0", path, r.storm_id);
  g_assert_cmpstr (event, ==, expected_event);
  storm_import_result_clear (&r);
}

static void
test_geojson_matches_csv (DbFixture     *f,
                          gconstpointer  data)
{
  g_autofree char *csv = shared_data ("addresses", "dallas.csv");
  g_autofree char *geojson = shared_data ("addresses", "dallas.geojson");
  g_autoptr(GError) error = NULL;
  g_autofree char *from_json = NULL;
  g_autofree char *from_both = NULL;
  StormImportResult r;

  g_assert_true (import (f, geojson, "DALLAS", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_rows, ==, 34);
  g_assert_cmpint (r.n_inserted, ==, 34);
  storm_import_result_clear (&r);
  from_json = db_digest (f->db);

  /* the same places: the CSV refreshes all 34, adds none */
  g_assert_true (import (f, csv, "DALLAS", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_rows, ==, 34);
  g_assert_cmpint (r.n_inserted, ==, 0);
  g_assert_cmpint (r.n_updated, ==, 34);
  g_assert_false (r.storm_created);
  storm_import_result_clear (&r);
  from_both = db_digest (f->db);
  g_assert_cmpstr (from_json, ==, from_both);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties"), ==, 34);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties WHERE name LIKE '%&amp;%'"), ==, 0);
}

static void
test_reimport_idempotent (DbFixture     *f,
                          gconstpointer  data)
{
  g_autofree char *csv = shared_data ("addresses", "dallas.csv");
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  StormImportResult r;

  g_assert_true (import (f, csv, "DALLAS", &r, &error));
  storm_import_result_clear (&r);
  first = db_digest (f->db);
  g_assert_true (import (f, csv, "DALLAS", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_inserted, ==, 0);
  g_assert_cmpint (r.n_updated, ==, 34);
  storm_import_result_clear (&r);
  second = db_digest (f->db);
  g_assert_cmpstr (first, ==, second);

  /* the same properties in another storm: shared, attached twice */
  g_assert_true (import (f, csv, "OTHER", &r, &error));
  g_assert_cmpint (r.n_updated, ==, 34);
  g_assert_true (r.storm_created);
  storm_import_result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties"), ==, 34);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties"), ==, 68);
}

static void
test_aliases (DbFixture     *f,
              gconstpointer  data)
{
  g_autofree char *path = write_temp (f, "aliases.csv",
    "LONGITUDE,Postal Code,Street,Property_ID,Uplift Score,base_rate,Year-Built,roof_age,value,City,State,Latitude,notes\n"
    "-96.80,75201,100 Main St,P-1,0.25,0.08,1987,12,250000,Dallas,TX,32.78,ignored\n"
    " -96.81 , 75202 ,\"200 Elm St, Unit 4\",P-2,,,,,,Dallas,TX, 32.79 ,\n", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, "ALIAS", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_inserted, ==, 2);
  storm_import_result_clear (&r);

  row = query_text (f->db, "SELECT ext_id || '|' || address || '|' || zip || '|' || lat || '|' || lon || '|' || "
                           "year_built || '|' || roof_age || '|' || value FROM properties WHERE ext_id = 'P-1'");
  g_assert_cmpstr (row, ==, "P-1|100 Main St|75201|32.78|-96.8|1987|12|250000.0");
  g_clear_pointer (&row, g_free);
  row = query_text (f->db, "SELECT uplift || '|' || base_rate FROM storm_properties sp "
                           "JOIN properties p ON p.id = sp.property_id WHERE p.ext_id = 'P-1'");
  g_assert_cmpstr (row, ==, "0.25|0.08");
  g_clear_pointer (&row, g_free);
  /* blanks are NULL, spaces around values trimmed */
  row = query_text (f->db, "SELECT address || '|' || zip || '|' || lat || '|' || coalesce (year_built, 'null') "
                           "FROM properties WHERE ext_id = 'P-2'");
  g_assert_cmpstr (row, ==, "200 Elm St, Unit 4|75202|32.79|null");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties sp JOIN properties p "
                                     "ON p.id = sp.property_id WHERE p.ext_id = 'P-2' AND uplift IS NULL"), ==, 1);
}

static void
test_json_array (DbFixture     *f,
                 gconstpointer  data)
{
  g_autofree char *path = write_temp (f, "props.json",
    "[{\"property_id\": \"J1\", \"address\": \"1 A St\", \"zipcode\": 75201, \"latitude\": 32.5, "
    "  \"longitude\": \"-96.5\", \"uplift\": 0.1, \"extra\": {\"nested\": true}},\n"
    " {\"property_id\": \"J2\", \"address\": \"2 B St\", \"lat\": 33, \"lng\": -97, \"year_built\": null}]", -1);
  g_autofree char *bad = write_temp (f, "bad.json",
    "[{\"id\": \"J3\", \"lat\": 32.5, \"lon\": -96.5},\n {\"id\": \"J4\", \"lat\": true, \"lon\": -96.5}]", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, "JSON", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_rows, ==, 2);
  g_assert_cmpint (r.n_inserted, ==, 2);
  storm_import_result_clear (&r);
  row = query_text (f->db, "SELECT group_concat (ext_id || ':' || coalesce (zip, '') || ':' || lat || ':' || lon, ' ') "
                           "FROM (SELECT * FROM properties ORDER BY ext_id)");
  g_assert_cmpstr (row, ==, "J1:75201:32.5:-96.5 J2::33.0:-97.0");

  /* a GeoJSON feature's own id */
  {
    g_autofree char *features = write_temp (f, "ids.geojson",
      "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"id\": 77, "
      "\"geometry\": {\"type\": \"Point\", \"coordinates\": [-96.6, 32.6]}, \"properties\": null}]}", -1);

    g_assert_true (import (f, features, "JSON", &r, &error));
    g_assert_no_error (error);
    storm_import_result_clear (&r);
    g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties WHERE ext_id = '77' AND lat = 32.6"), ==, 1);
  }

  g_assert_false (import (f, bad, "JSON", &r, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "bad.json: item 2: field “lat”: expected a number or text, not true or false");
  storm_import_result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties"), ==, 3);
}

static void
test_refresh_keeps_blanks (DbFixture     *f,
                           gconstpointer  data)
{
  g_autofree char *first = write_temp (f, "first.csv",
    "id,address,lat,lon,year_built,value,uplift\nK1,1 A St,32.5,-96.5,1990,100000,0.3\n", -1);
  g_autofree char *second = write_temp (f, "second.csv",
    "id,address,lat,lon,year_built,value,uplift\nK1,,32.6,-96.6,,120000,\nK2,2 B St,32.7,-96.7,,,\n", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  StormImportResult r;

  g_assert_true (import (f, first, "KEEP", &r, &error));
  storm_import_result_clear (&r);
  g_assert_true (import (f, second, "KEEP", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_inserted, ==, 1);
  g_assert_cmpint (r.n_updated, ==, 1);
  storm_import_result_clear (&r);
  row = query_text (f->db, "SELECT p.address || '|' || p.lat || '|' || p.year_built || '|' || p.value || '|' || sp.uplift "
                           "FROM properties p JOIN storm_properties sp ON sp.property_id = p.id WHERE p.ext_id = 'K1'");
  g_assert_cmpstr (row, ==, "1 A St|32.6|1990|120000.0|0.3");
}

static void
test_city_state_zip (DbFixture     *f,
                     gconstpointer  data)
{
  g_autofree char *path = write_temp (f, "csz.csv",
    "id,address,city_state_zip,lat,lon\n"
    "C1,1 A St,\"Fort Worth, TX 76102-1234\",32.75,-97.33\n"
    "C2,2 B St,Plano tx 75024,33.02,-96.70\n"
    "C3,3 C St,\"Arlington, TX\",32.73,-97.11\n"
    "C4,4 D St,Somewhere Else,32.70,-97.00\n", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, "CSZ", &r, &error));
  g_assert_no_error (error);
  rows = query_text (f->db, "SELECT group_concat (ext_id || ':' || coalesce (city, '-') || ':' || coalesce (state, '-') "
                            "|| ':' || coalesce (zip, '-'), ' / ') FROM (SELECT * FROM properties ORDER BY ext_id)");
  g_assert_cmpstr (rows, ==, "C1:Fort Worth:TX:76102-1234 / C2:Plano:TX:75024 / C3:Arlington:TX:- / C4:Somewhere Else:-:-");
  g_assert_cmpint (r.n_warnings, ==, 1);
  g_assert_cmpuint (r.warnings->len, ==, 1);
  g_assert_cmpstr (r.warnings->pdata[0], ==, "csz.csv:5: field “city_state_zip”: no state or ZIP in “Somewhere Else”; kept as the city");
  storm_import_result_clear (&r);
}

static void
test_bom (DbFixture     *f,
          gconstpointer  data)
{
  g_autofree char *path = bad_data ("bom.csv");
  g_autoptr(GError) error = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, "BOM", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_inserted, ==, 3);
  storm_import_result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties WHERE ext_id IN ('b1', 'b2', 'b3')"), ==, 3);
}

static void
test_crlf_quoted_newline (DbFixture     *f,
                          gconstpointer  data)
{
  g_autofree char *path = write_temp (f, "crlf-ok.csv",
    "id,address,lat,lon\r\nq1,\"1 A St\r\nSuite 5\",32.5,-96.5\r\nq2,2 B St,32.6,-96.6\r\n", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, "CRLF", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_inserted, ==, 2);
  storm_import_result_clear (&r);
  address = query_text (f->db, "SELECT address FROM properties WHERE ext_id = 'q1'");
  g_assert_cmpstr (address, ==, "1 A St\r\nSuite 5");
}

static void
test_megabyte_line (DbFixture     *f,
                    gconstpointer  data)
{
  GString *contents = g_string_new ("id,name,address,lat,lon\nBIG,\"");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  StormImportResult r;

  for (guint i = 0; i < 1024 * 1024; i++)
    g_string_append_c (contents, i % 100 == 99 ? ',' : 'x');
  g_string_append (contents, "\",1 A St,32.5,-96.5\n");
  path = write_temp (f, "long-line.csv", contents->str, contents->len);
  g_string_free (contents, TRUE);

  g_assert_true (import (f, path, "LONG", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_inserted, ==, 1);
  storm_import_result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT length (name) FROM properties WHERE ext_id = 'BIG'"), ==, 1024 * 1024);
}

static void
test_cancel (DbFixture     *f,
             gconstpointer  data)
{
  g_autofree char *path = shared_data ("addresses", "dallas.csv");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = db_digest (f->db);
  g_autofree char *after = NULL;
  g_autofree char *event = NULL;
  g_autofree char *expected = NULL;
  StormImportResult r;

  g_cancellable_cancel (cancellable);
  storm_import_result_init (&r);
  g_assert_false (storm_import_properties (f->db, path, "CANCEL", &r, cancellable, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "The import was cancelled; nothing was kept.");
  storm_import_result_clear (&r);
  after = db_digest (f->db);
  g_assert_cmpstr (before, ==, after);
  event = last_event (f->db);
  expected = g_strdup_printf ("import-properties|%s|cancelled|The import was cancelled; nothing was kept.", path);
  g_assert_cmpstr (event, ==, expected);
}

static char *
bulk_file (DbFixture  *f,
           const char *name,
           guint       n,
           const char *last_line)
{
  GString *s = g_string_new ("id,address,city,state,zip,lat,lon,year_built,roof_age,value,uplift,base_rate\n");
  char *path;

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (s, "bulk_%06u,%u Commerce St,Dallas,TX,%05u,%.6f,%.6f,%u,%u,%u,%.4f,%.4f\n",
                            i, 100 + i % 9000, 75000 + i % 400, 32.5 + (i % 1000) / 1000.0,
                            -97.2 + (i % 997) / 997.0, 1950 + i % 70, i % 30, 80000 + i % 800000,
                            (i % 500) / 1000.0 - 0.1, (i % 200) / 1000.0);
  if (last_line != NULL)
    g_string_append (s, last_line);
  path = write_temp (f, name, s->str, s->len);
  g_string_free (s, TRUE);
  return path;
}

/* Big enough (over 4 MB) that the secondary indexes are rebuilt at the end
 * instead of updated row by row. */
static void
test_bulk (DbFixture     *f,
           gconstpointer  data)
{
  g_autofree char *dallas = shared_data ("addresses", "dallas.csv");
  g_autofree char *path = bulk_file (f, "bulk.csv", 60000, NULL);
  g_autofree char *bad = bulk_file (f, "bulk-bad.csv", 60000, "bulk_000007,7 Elm St,Dallas,TX,75001,32.6,-96.9,,,,,\n");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  StormImportResult r;

  g_assert_true (import (f, dallas, "BULK", &r, &error));
  storm_import_result_clear (&r);
  /* a secondary index on properties (the schema has none today) is
   * dropped for the bulk load and rebuilt at its end */
  g_assert_true (storm_db_exec (f->db, "CREATE INDEX test_city ON properties (city)", NULL));
  g_assert_true (import (f, path, "BULK", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_rows, ==, 60000);
  g_assert_cmpint (r.n_inserted, ==, 60000);
  storm_import_result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties"), ==, 60034);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties"), ==, 60034);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM sqlite_master WHERE name = 'test_city'"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM properties WHERE zip = '75123'"), ==, 150);
  row = query_text (f->db, "SELECT p.zip || '|' || p.year_built || '|' || sp.uplift || '|' || sp.base_rate "
                           "FROM properties p JOIN storm_properties sp ON sp.property_id = p.id "
                           "WHERE p.ext_id = 'bulk_012345'");
  g_assert_cmpstr (row, ==, "75345|1975|0.245|0.145");

  /* a duplicate on the last line of another big file: nothing of it kept,
   * the dropped index back */
  before = db_digest (f->db);
  g_assert_false (import (f, bad, "BULK2", &r, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "bulk-bad.csv:60002: field “id”: “bulk_000007” is a duplicate: the same id is on line 8");
  storm_import_result_clear (&r);
  after = db_digest (f->db);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM sqlite_master WHERE name = 'test_city'"), ==, 1);
}

static void
test_exposure_after_import (DbFixture     *f,
                            gconstpointer  data)
{
  g_autofree char *reports = write_temp (f, "hail.csv",
    "Time,Size,Location,County,State,Lat,Lon,Comments\n"
    "2100,175,DOWNTOWN DALLAS,DALLAS,TX,32.78,-96.80,(FWD)\n", -1);
  g_autofree char *dallas = shared_data ("addresses", "dallas.csv");
  g_autoptr(GError) error = NULL;
  StormImportResult r;

  storm_import_result_init (&r);
  g_assert_true (storm_import_reports (f->db, reports, "HAIL", NULL, &r, NULL, NULL, &error));
  g_assert_no_error (error);
  storm_import_result_clear (&r);
  g_assert_true (import (f, dallas, "HAIL", &r, &error));
  storm_import_result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties WHERE hail_distance_km IS NOT NULL "
                                     "AND nearest_report_id IS NOT NULL"), ==, 34);
  /* Cane Rosso is 1.38 km from the report (haversine, R = 6371.0088 km); within the 5 km radius */
  g_assert_cmpfloat_with_epsilon (query_double (f->db, "SELECT hail_distance_km FROM storm_properties sp "
                                                       "JOIN properties p ON p.id = sp.property_id "
                                                       "WHERE p.name = 'Cane Rosso'"), 1.382147, 0.000001);
  g_assert_cmpfloat (query_double (f->db, "SELECT hail_max_in FROM storm_properties sp "
                                          "JOIN properties p ON p.id = sp.property_id WHERE p.name = 'Cane Rosso'"), ==, 1.75);
  /* far north Dallas is beyond 5 km: a distance, but no hail size */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties WHERE hail_max_in IS NULL"), ==,
                   query_int (f->db, "SELECT count(*) FROM storm_properties WHERE hail_distance_km > 5"));
}

static void
test_moved_property (DbFixture     *f,
                     gconstpointer  data)
{
  g_autofree char *hail = write_temp (f, "hail.csv",
    "Time,Size,Location,County,State,Lat,Lon,Comments\n2100,175,DOWNTOWN,DALLAS,TX,32.78,-96.80,(FWD)\n", -1);
  g_autofree char *first = write_temp (f, "first.csv", "id,address,lat,lon\nM1,1 A St,32.78,-96.79\n", -1);
  g_autofree char *moved = write_temp (f, "moved.csv", "id,address,lat,lon\nM1,1 A St,32.90,-96.80\n", -1);
  const char *storms[] = { "STORM_A", "STORM_B" };
  g_autoptr(GError) error = NULL;
  StormImportResult r;

  for (guint i = 0; i < G_N_ELEMENTS (storms); i++)
    {
      storm_import_result_init (&r);
      g_assert_true (storm_import_reports (f->db, hail, storms[i], NULL, &r, NULL, NULL, &error));
      storm_import_result_clear (&r);
      g_assert_true (import (f, first, storms[i], &r, &error));
      g_assert_no_error (error);
      storm_import_result_clear (&r);
    }
  /* computed as the property joined each storm: 0.93 km, within 5 km */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties WHERE hail_max_in = 1.75 "
                                     "AND abs (hail_distance_km - 0.934879) < 1e-6"), ==, 2);

  /* corrected in storm A's file: 13.3 km from the hail, in both storms */
  g_assert_true (import (f, moved, "STORM_A", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_updated, ==, 1);
  storm_import_result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties WHERE hail_max_in IS NULL "
                                     "AND abs (hail_distance_km - 13.343410) < 1e-6"), ==, 2);
}

static void
test_numbers (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (24);
  double v = 0;

  /* the fast decimal path must give exactly what strtod gives */
  for (guint i = 0; i < 200000; i++)
    {
      char text[64];
      double expected;
      int decimals = g_rand_int_range (rand, 0, 9);
      double x = g_rand_double_range (rand, -200.0, 200.0);

      if (i % 3 == 0)
        x *= 1e6;
      g_snprintf (text, sizeof text, "%.*f", decimals, x);
      expected = g_ascii_strtod (text, NULL);
      g_assert_true (_storm_parse_double (text, &v));
      g_assert_cmpmem (&v, sizeof v, &expected, sizeof expected);
    }
  g_assert_true (_storm_parse_double (" -96.785576 ", &v));
  g_assert_cmpfloat (v, ==, -96.785576);
  g_assert_true (_storm_parse_double ("1.5e3", &v));
  g_assert_cmpfloat (v, ==, 1500.0);
  g_assert_true (_storm_parse_double ("12345678901234567890.5", &v));
  g_assert_cmpfloat (v, ==, 12345678901234567890.5);
  g_assert_true (_storm_parse_double (".5", &v));
  g_assert_cmpfloat (v, ==, 0.5);
  g_assert_false (_storm_parse_double ("", &v));
  g_assert_false (_storm_parse_double ("abc", &v));
  g_assert_false (_storm_parse_double ("nan", &v));
  g_assert_false (_storm_parse_double ("-inf", &v));
  g_assert_false (_storm_parse_double ("0x1A", &v));
  g_assert_false (_storm_parse_double ("1e400", &v));
  g_assert_false (_storm_parse_double ("32.7.1", &v));
  g_assert_false (_storm_parse_double ("1 2", &v));
  g_assert_false (_storm_parse_double ("-", &v));
}

static void
test_entities (void)
{
  g_autoptr(GString) scratch = g_string_new (NULL);

  g_assert_cmpstr (_storm_decode_entities ("Pizza &amp; Pasta", scratch), ==, "Pizza & Pasta");
  g_assert_cmpstr (_storm_decode_entities ("&lt;b&gt; &quot;x&quot; &#39;y&apos; &#x2019;&#8217;", scratch), ==,
                   "<b> \"x\" 'y' ’’");
  g_assert_cmpstr (_storm_decode_entities ("A&nbsp;B", scratch), ==, "A B");
  /* not entities: kept as written */
  g_assert_cmpstr (_storm_decode_entities ("AT&T & Sons &bogus; &#0; &#xZZ;", scratch), ==,
                   "AT&T & Sons &bogus; &#0; &#xZZ;");
}

typedef struct
{
  const char *file;
  const char *message;
} BadCase;

/* Each file of tests/data/bad/ that must be refused, with the exact
 * message: file, line, field and what was expected. */
static const BadCase bad_cases[] = {
  { "empty.csv", "empty.csv: the file is empty; it needs a header line and one line per property" },
  { "header-only.csv", "header-only.csv: there is a header but no properties below it" },
  { "crlf.csv", "crlf.csv:5: field “lat”: “abc” is not a number" },
  { "cr.csv", "cr.csv:4: field “lat”: “abc” is not a number" },
  { "embedded-newlines.csv", "embedded-newlines.csv:5: field “lon”: “-96.7x” is not a number" },
  { "unbalanced-quote.csv", "unbalanced-quote.csv:3: a quoted field starts here but its closing quote is missing" },
  { "invalid-utf8.csv", "invalid-utf8.csv:3: field “address”: not valid UTF-8 text; save the file with UTF-8 encoding" },
  { "nul-byte.csv", "nul-byte.csv:3: the file contains a NUL byte, so it is not a CSV text file" },
  { "lat-out-of-range.csv", "lat-out-of-range.csv:3: field “lat”: “123.4” is out of range (expected -90 to 90)" },
  { "lon-out-of-range.csv", "lon-out-of-range.csv:2: field “lon”: “-196.80” is out of range (expected -180 to 180)" },
  { "swapped.csv", "swapped.csv:3: fields “lat” and “lon”: -96.81, 32.79 look swapped (latitude must be between -90 and 90); "
                   "check which column holds which" },
  { "zero-zero.csv", "zero-zero.csv:2: fields “lat” and “lon”: 0, 0 is not a position (it is off the coast of Africa); "
                     "give real coordinates" },
  { "duplicate-ids.csv", "duplicate-ids.csv:5: field “id”: “d2” is a duplicate: the same id is on line 3" },
  { "duplicate-rows.csv", "duplicate-rows.csv:4: the same property (address and position) is on line 2; remove one of them" },
  { "huge-numbers.csv", "huge-numbers.csv:3: field “year_built”: “99999999999999999999” is out of range (expected 1000 to 2100)" },
  { "non-numeric-lat.csv", "non-numeric-lat.csv:3: field “Latitude”: “thirty-two” is not a number" },
  { "missing-column.csv", "missing-column.csv:1: the header has no column “lat” (accepted names: lat, latitude)" },
  { "too-many-fields.csv", "too-many-fields.csv:3: 8 fields, but the header has 7; quote fields that contain commas" },
  { "bad-geometry.geojson", "bad-geometry.geojson: feature 2: field “geometry”: expected a Point with coordinates" },
  { "not-json.json", "not-json.json:2:26: Parse error: unexpected number `32.790', expected character `,' "
                     "(the file is not valid JSON)" },
  /* found by the fuzzer: json-glib quotes the bytes it stopped at, here not
   * UTF-8, so the message shows them as U+FFFD */
  { "invalid-utf8-string.geojson", "invalid-utf8-string.geojson:1:5419: Parse error: invalid string constant "
                                   "\"Campisi\xEF\xBF\xBD, 32.796424]}, \", expected valid string constant "
                                   "(the file is not valid JSON)" },
};

static void
test_bad_input (DbFixture     *f,
                gconstpointer  data)
{
  const BadCase *bad = data;
  g_autofree char *dallas = shared_data ("addresses", "dallas.csv");
  g_autofree char *path = bad_data (bad->file);
  g_autofree char *before = NULL;
  StormImportResult r;
  gint64 events;

  /* something to leave untouched */
  g_assert_true (import (f, dallas, "BASE", &r, NULL));
  storm_import_result_clear (&r);
  before = db_digest (f->db);
  events = query_int (f->db, "SELECT count(*) FROM events");

  /* into a new storm and into the existing one */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      g_autofree char *event = NULL;
      g_autofree char *expected = NULL;

      g_assert_false (import (f, path, i == 0 ? "NEW_STORM" : "BASE", &r, &error));
      g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, bad->message);
      g_assert_cmpint (r.storm_id, ==, 0);
      storm_import_result_clear (&r);

      after = db_digest (f->db);
      g_assert_cmpstr (before, ==, after);
      g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM events"), ==, events + i + 1);
      event = last_event (f->db);
      expected = g_strdup_printf ("import-properties|%s|failed|%s", path, bad->message);
      g_assert_cmpstr (event, ==, expected);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/import-properties/" name, DbFixture, NULL, db_fixture_setup, func, db_fixture_teardown)
  ADD ("dallas-csv", test_dallas_csv);
  ADD ("geojson-matches-csv", test_geojson_matches_csv);
  ADD ("reimport-idempotent", test_reimport_idempotent);
  ADD ("aliases", test_aliases);
  ADD ("json-array", test_json_array);
  ADD ("refresh-keeps-blanks", test_refresh_keeps_blanks);
  ADD ("city-state-zip", test_city_state_zip);
  ADD ("bom", test_bom);
  ADD ("crlf-quoted-newline", test_crlf_quoted_newline);
  ADD ("megabyte-line", test_megabyte_line);
  ADD ("cancel", test_cancel);
  ADD ("bulk", test_bulk);
  ADD ("exposure-after-import", test_exposure_after_import);
  ADD ("moved-property", test_moved_property);
#undef ADD
  g_test_add_func ("/import-properties/numbers", test_numbers);
  g_test_add_func ("/import-properties/entities", test_entities);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/import-properties/bad/%s", bad_cases[i].file);

      g_test_add (name, DbFixture, &bad_cases[i], db_fixture_setup, test_bad_input, db_fixture_teardown);
    }

  return g_test_run ();
}
