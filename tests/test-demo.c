#include "config.h"

#include <math.h>

#include "import-test-util.h"
#include "storm-demo.h"
#include "storm-store-storms.h"
#include "storm-zcta.h"

/* The storm of seed 24 (the default), whatever the number of homes. */
#define SEED24_HAIL 96
#define SEED24_WIND 13

static char *
gazetteer_path (void)
{
  return shared_data ("zcta", "Gaz_zcta_national.txt");
}

static gboolean
generate (StormDb       *db,
          gint64         n,
          guint64        seed,
          const char    *zcta_path,
          GCancellable  *cancellable,
          GError       **error)
{
  StormDemoOptions options = { .n_properties = n, .seed = seed, .zcta_path = zcta_path };

  return storm_demo_generate (db, &options, cancellable, NULL, error);
}

/* What the demo wrote, row by row in a fixed order (not the creation
 * time of the storm, nor the event log). */
static char *
demo_digest (StormDb *db)
{
  static const char * const queries[] = {
    "SELECT code, name, kind, start_at, end_at, region, notes, is_demo, seed FROM storms ORDER BY code",
    "SELECT id, at, kind, magnitude, unit, location, county, state, lat, lon, comments, source, source_ref, dedup_key "
    "FROM storm_reports ORDER BY id",
    "SELECT * FROM properties ORDER BY id",
    "SELECT * FROM storm_properties ORDER BY storm_id, property_id",
  };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, queries[i], NULL);
      int rc;

      g_assert_nonnull (stmt);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            const char *text = (const char *) sqlite3_column_text (stmt, c);

            g_checksum_update (sum, (const guchar *) (text != NULL ? text : "\x01NULL"), -1);
            g_checksum_update (sum, (const guchar *) "\x1f", 1);
          }
      g_assert_cmpint (rc, ==, SQLITE_DONE);
      g_checksum_update (sum, (const guchar *) "\x1e", 1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static StormDb *
open_second (DbFixture  *f,
             const char *name)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  StormDb *db = storm_db_open (path, &error);

  g_assert_no_error (error);
  return db;
}

static void
test_deterministic (DbFixture     *f,
                    gconstpointer  data)
{
  g_autofree char *zcta = gazetteer_path ();
  g_autoptr(StormDb) same = open_second (f, "same.db");
  g_autoptr(StormDb) other = open_second (f, "other.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  g_assert_true (generate (f->db, 3000, 24, zcta, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (generate (same, 3000, 24, zcta, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (generate (other, 3000, 25, zcta, NULL, &error));
  g_assert_no_error (error);

  a = demo_digest (f->db);
  b = demo_digest (same);
  c = demo_digest (other);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);

  /* another seed moves the storm itself, not only the homes */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_reports WHERE kind = 'hail'"), ==, SEED24_HAIL);
  g_assert_cmpint (query_int (other, "SELECT count (*) FROM storm_reports"), !=,
                   SEED24_HAIL + SEED24_WIND);
  g_assert_cmpint (query_int (other, "SELECT seed FROM storms"), ==, 25);
  storm_db_close (g_steal_pointer (&same));
  storm_db_close (g_steal_pointer (&other));
}

/* The defaults: 20,000 homes, seed 24, the ZIP centroids found through
 * STORMOPS_SHARED_DATA. */
static void
test_defaults (DbFixture     *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormStorm) storm = NULL;
  g_autofree char *text = NULL;

  g_assert_true (storm_demo_generate (f->db, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  storm = storm_db_get_storm (f->db, STORM_DEMO_CODE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (storm_storm_get_code (storm), ==, "DFW_STORM_24");
  g_assert_cmpstr (storm_storm_get_name (storm), ==, "Dallas–Fort Worth hail, 2024-04-28");
  g_assert_cmpstr (storm_storm_get_region (storm), ==, "Dallas–Fort Worth, TX");
  g_assert_true (storm_storm_get_is_demo (storm));
  /* hail and wind reports: a storm of more than one kind */
  g_assert_cmpstr (storm_storm_get_kind (storm), ==, "mixed");
  g_assert_cmpint (storm_storm_get_n_properties (storm), ==, STORM_DEMO_DEFAULT_PROPERTIES);
  g_assert_cmpint (storm_storm_get_n_reports (storm), ==, SEED24_HAIL + SEED24_WIND);
  g_assert_cmpint (query_int (f->db, "SELECT seed FROM storms"), ==, STORM_DEMO_DEFAULT_SEED);
  text = storm_storm_dup_title (storm);
  g_assert_cmpstr (text, ==, "Dallas–Fort Worth hail, 2024-04-28 (demo)");
  g_clear_pointer (&text, g_free);

  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM properties"), ==, 20000);
  g_assert_cmpint (query_int (f->db, "SELECT count (DISTINCT ext_id) FROM properties"), ==, 20000);
  text = query_text (f->db, "SELECT min (ext_id) || ' ' || max (ext_id) FROM properties");
  g_assert_cmpstr (text, ==, "prop_00001 prop_20000");
  g_clear_pointer (&text, g_free);

  /* the event log says who made it and what */
  text = last_event (f->db);
  g_assert_true (g_str_has_prefix (text, "demo|DFW_STORM_24|ok|20000 properties around 186 ZIP codes, 96 hail and 13 wind reports, seed 24"));
  g_clear_pointer (&text, g_free);
  text = query_text (f->db, "SELECT actor FROM events ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (text, ==, "operator");
  g_clear_pointer (&text, g_free);

  /* its scattered doors are timed at driving speed, 50 to a route */
  text = query_text (f->db, "SELECT doors_cap || ' ' || pace_kmh || ' ' || minutes_per_door || ' ' || "
                            "coalesce (depot_lat, 'none') FROM route_settings");
  g_assert_cmpstr (text, ==, "50 30.0 4.0 none");
  /* without field work asked for, no policy was applied */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_executions"), ==, 0);
}

static void
test_reports (DbFixture     *f,
              gconstpointer  data)
{
  g_autofree char *zcta = gazetteer_path ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (generate (f->db, 2000, 24, zcta, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_reports WHERE kind = 'hail'"), ==, SEED24_HAIL);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_reports WHERE kind = 'wind'"), ==, SEED24_WIND);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_reports WHERE kind = 'hail' AND unit = 'in' "
                                     "AND magnitude IN (0.75, 0.88, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 2.75)"), ==, SEED24_HAIL);
  g_assert_cmpfloat (query_double (f->db, "SELECT max (magnitude) FROM storm_reports WHERE kind = 'hail'"), ==, 2.75);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_reports WHERE kind = 'wind' AND unit = 'kt' "
                                     "AND magnitude BETWEEN 50 AND 70"), ==, SEED24_WIND);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_reports WHERE state = 'TX' AND source = 'demo' "
                                     "AND county IN ('Dallas', 'Tarrant', 'Collin', 'Denton', 'Wise')"), ==, SEED24_HAIL + SEED24_WIND);

  /* within a few hours of one afternoon, in order */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_reports WHERE at GLOB '2024-04-28T[12][0-9]:[0-5][0-9]:00Z'"),
                   ==, SEED24_HAIL + SEED24_WIND);
  g_assert_cmpint (query_int (f->db, "SELECT (julianday (max (at)) - julianday (min (at))) * 24 * 60 FROM storm_reports"),
                   <, 4 * 60);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_reports a JOIN storm_reports b ON b.id = a.id + 1 "
                                     "WHERE b.at < a.at"), ==, 0);
  text = query_text (f->db, "SELECT min (at) || ' ' || max (at) FROM storm_reports");
  g_assert_cmpstr (text, ==, "2024-04-28T19:56:00Z 2024-04-28T23:03:00Z");
  g_clear_pointer (&text, g_free);
  text = query_text (f->db, "SELECT start_at || ' ' || end_at FROM storms");
  g_assert_cmpstr (text, ==, "2024-04-28T19:56:00Z 2024-04-28T23:03:00Z");
  g_clear_pointer (&text, g_free);

  /* a swath from southwest to northeast: the first hail falls south-west
   * of the last */
  g_assert_cmpint (query_int (f->db, "SELECT (SELECT lat FROM storm_reports WHERE kind = 'hail' ORDER BY at LIMIT 1) < "
                                     "       (SELECT lat FROM storm_reports WHERE kind = 'hail' ORDER BY at DESC LIMIT 1) AND "
                                     "       (SELECT lon FROM storm_reports WHERE kind = 'hail' ORDER BY at LIMIT 1) < "
                                     "       (SELECT lon FROM storm_reports WHERE kind = 'hail' ORDER BY at DESC LIMIT 1)"), ==, 1);
  /* the largest hail fell in the middle of the track, not at its ends */
  g_assert_cmpfloat (query_double (f->db, "SELECT avg (magnitude) FROM (SELECT magnitude FROM storm_reports "
                                          "WHERE kind = 'hail' ORDER BY at LIMIT 15)"), <,
                     query_double (f->db, "SELECT avg (magnitude) FROM storm_reports WHERE kind = 'hail'"));

  text = query_text (f->db, "SELECT location || '|' || comments FROM storm_reports ORDER BY id LIMIT 1");
  g_assert_cmpstr (text, ==, "5 WSW Crowley|Ping pong ball size hail reported by the public. (FWD)");
}

typedef struct
{
  double lat;
  double lon;
} Centroid;

/* Every ZCTA of the national gazetteer, read here without the code
 * under test. */
static GHashTable *
read_gazetteer (void)
{
  g_autofree char *path = gazetteer_path ();
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *zips = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);
      Centroid *c;

      if (g_strv_length (fields) < 7 || fields[0][0] == '\0')
        continue;
      c = g_new (Centroid, 1);
      c->lon = g_ascii_strtod (fields[5], NULL);
      c->lat = g_ascii_strtod (fields[6], NULL);
      g_hash_table_insert (zips, g_strdup (fields[0]), c);
    }
  /* 33,120 rows: the header and a blank last line aside */
  g_assert_cmpint (g_hash_table_size (zips), ==, 33120);
  return zips;
}

static void
test_homes (DbFixture     *f,
            gconstpointer  data)
{
  g_autofree char *zcta = gazetteer_path ();
  g_autoptr(GHashTable) zips = read_gazetteer ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 n_zips = 0;

  g_assert_true (generate (f->db, 5000, 24, zcta, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM properties"), ==, 5000);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_properties"), ==, 5000);
  text = query_text (f->db, "SELECT min (ext_id) || ' ' || max (ext_id) FROM properties");
  g_assert_cmpstr (text, ==, "prop_00001 prop_05000");
  g_clear_pointer (&text, g_free);

  /* inside the Dallas–Fort Worth box, on real ZIPs, near their centroids */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM properties WHERE lat BETWEEN 32.55 AND 33.25 "
                                     "AND lon BETWEEN -97.55 AND -96.50"), ==, 5000);
  stmt = storm_db_prepare (f->db, "SELECT zip, avg (lat), avg (lon) FROM properties GROUP BY zip ORDER BY zip", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *zip = (const char *) sqlite3_column_text (stmt, 0);
      const Centroid *c = g_hash_table_lookup (zips, zip);

      g_assert_nonnull (c);
      g_assert_true (g_str_has_prefix (zip, "75") || g_str_has_prefix (zip, "76"));
      /* the homes of a ZIP gather around its centroid */
      g_assert_cmpfloat (fabs (sqlite3_column_double (stmt, 1) - c->lat), <, 0.06);
      g_assert_cmpfloat (fabs (sqlite3_column_double (stmt, 2) - c->lon), <, 0.07);
      n_zips++;
    }
  /* 189 ZCTAs in the box; three are a campus or an office block */
  g_assert_cmpint (n_zips, ==, 186);

  /* addresses: a number, a street and its type */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM properties WHERE address GLOB '[1-9][0-9]* [A-Z]* *'"), ==, 5000);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM properties WHERE state = 'TX'"), ==, 5000);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM properties WHERE zip GLOB '75[23]*' AND city <> 'Dallas'"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM properties WHERE zip GLOB '761*' AND city NOT IN "
                                     "('Fort Worth', 'Watauga', 'North Richland Hills')"), ==, 0);
  text = query_text (f->db, "SELECT city FROM properties WHERE zip = '75024' LIMIT 1");
  g_assert_cmpstr (text, ==, "Plano");
  g_clear_pointer (&text, g_free);
  text = query_text (f->db, "SELECT ext_id || '|' || address || '|' || city || '|' || zip FROM properties WHERE id = 1");
  g_assert_cmpstr (text, ==, "prop_00001|4202 Rustic Ln|Addison|75001");
  g_clear_pointer (&text, g_free);

  /* attributes in range */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM properties WHERE year_built BETWEEN 1955 AND 2022 "
                                     "AND roof_age BETWEEN 1 AND max (1, 2024 - year_built) AND value > 0"), ==, 5000);

  /* uplift 0–0.45, skewed low; base rates 1–12 % */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_properties WHERE uplift BETWEEN 0 AND 0.45 "
                                     "AND base_rate BETWEEN 0.01 AND 0.12"), ==, 5000);
  g_assert_cmpfloat (query_double (f->db, "SELECT avg (uplift < 0.15) FROM storm_properties"), >, 0.75);
  g_assert_cmpfloat (query_double (f->db, "SELECT max (uplift) FROM storm_properties"), >, 0.35);

  /* hail exposure for every home; uplift follows it and the roof's age */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_properties WHERE hail_distance_km >= 0 "
                                     "AND nearest_report_id IN (SELECT id FROM storm_reports WHERE kind = 'hail')"), ==, 5000);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storm_properties WHERE hail_max_in IS NOT NULL"), >, 1000);
  g_assert_cmpfloat (query_double (f->db, "SELECT avg (uplift) FROM storm_properties WHERE hail_max_in >= 2.0"), >,
                     2 * query_double (f->db, "SELECT avg (uplift) FROM storm_properties WHERE hail_max_in IS NULL"));
  g_assert_cmpfloat (query_double (f->db, "SELECT avg (uplift) FROM storm_properties sp JOIN properties p ON p.id = sp.property_id "
                                          "WHERE hail_max_in IS NULL AND roof_age >= 15"), >,
                     query_double (f->db, "SELECT avg (uplift) FROM storm_properties sp JOIN properties p ON p.id = sp.property_id "
                                          "WHERE hail_max_in IS NULL AND roof_age <= 5"));
}

/* The demo computes exposure on the way in; the reference computation
 * must find nothing to change. */
static void
test_exposure_matches (DbFixture     *f,
                       gconstpointer  data)
{
  g_autofree char *zcta = gazetteer_path ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (generate (f->db, 3000, 7, zcta, NULL, &error));
  g_assert_no_error (error);
  before = demo_digest (f->db);
  g_assert_true (storm_exposure_compute (f->db, storm_db_find_storm (f->db, STORM_DEMO_CODE),
                                         STORM_EXPOSURE_RADIUS_KM, NULL, NULL, &error));
  g_assert_no_error (error);
  after = demo_digest (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_refuses_second (DbFixture     *f,
                     gconstpointer  data)
{
  g_autofree char *zcta = gazetteer_path ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *event = NULL;

  g_assert_true (generate (f->db, 500, 24, zcta, NULL, &error));
  g_assert_no_error (error);
  before = db_digest (f->db);
  g_assert_false (generate (f->db, 500, 99, zcta, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "The demo storm DFW_STORM_24 is already in this database; it is made only once.");
  after = db_digest (f->db);
  g_assert_cmpstr (before, ==, after);
  event = last_event (f->db);
  g_assert_cmpstr (event, ==, "demo|DFW_STORM_24|failed|The demo storm DFW_STORM_24 is already in this database; it is made only once.");
}

/* Homes with the demo's ids imported before: refused, nothing added. */
static void
test_refuses_taken_ids (DbFixture     *f,
                        gconstpointer  data)
{
  g_autofree char *zcta = gazetteer_path ();
  g_autofree char *csv = write_temp (f, "taken.csv", "id,address,lat,lon\nprop_00042,1 Elm St,32.8,-96.8\n", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (storm_import_properties (f->db, csv, "MINE", NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  before = db_digest (f->db);
  g_assert_false (generate (f->db, 100, 24, zcta, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "“prop_00042”"));
  after = db_digest (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
cancel_at_once_cb (double      fraction,
                   const char *message,
                   gpointer    user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancelled (DbFixture     *f,
                gconstpointer  data)
{
  g_autofree char *zcta = gazetteer_path ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(StormProgress) progress = NULL;
  StormDemoOptions options = { .n_properties = 20000, .seed = 24, .zcta_path = zcta };
  g_autoptr(GError) error = NULL;
  g_autofree char *before = db_digest (f->db);
  g_autofree char *after = NULL;
  g_autofree char *event = NULL;

  /* The first progress report (always delivered, here on this thread)
   * cancels: the storm and its reports are written by then, the homes
   * not yet. */
  progress = storm_progress_new (cancel_at_once_cb, g_object_ref (cancellable), g_object_unref);
  g_assert_false (storm_demo_generate (f->db, &options, cancellable, progress, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_CANCELLED);
  after = db_digest (f->db);
  g_assert_cmpstr (before, ==, after);
  event = last_event (f->db);
  g_assert_cmpstr (event, ==, "demo|DFW_STORM_24|cancelled|Creating the demo storm was cancelled; nothing was kept.");

  /* and it can be made afterwards */
  g_clear_error (&error);
  g_assert_true (generate (f->db, 100, 24, zcta, NULL, &error));
  g_assert_no_error (error);
}

static void
test_missing_gazetteer (DbFixture     *f,
                        gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "nowhere.txt", NULL);
  g_autofree char *not_zcta = write_temp (f, "other.txt", "a\tb\r\n1\t2\r\n", -1);
  g_autofree char *no_dfw = write_temp (f, "alaska.txt",
                                        "GEOID\tALAND\tAWATER\tALAND_SQMI\tAWATER_SQMI\tINTPTLONG\tINTPTLAT\r\n"
                                        "99929\t5598556684\t637412657\t2161.615\t246.106\t-131.606832\t56.413828\r\n", -1);
  g_autoptr(GError) error = NULL;

  g_assert_false (generate (f->db, 100, 24, missing, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (generate (f->db, 100, 24, not_zcta, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "other.txt:1: there is no column “GEOID”; this is not a Census ZCTA gazetteer file");
  g_clear_error (&error);
  g_assert_false (generate (f->db, 100, 24, no_dfw, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM storms"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE status = 'failed'"), ==, 3);
}

static void
test_zcta_parse (void)
{
  /* columns in another order, CRLF, a blank row of tabs at the end */
  static const char text[] =
    "INTPTLAT\tGEOID\tINTPTLONG\tALAND_SQMI\r\n"
    "32.960047\t75001\t-96.838522\t3.835\r\n"
    "18.180555\t00601\t-66.749961\t64.348\r\n"
    "32.787742\t75201\t-96.79939\t1.445\r\n"
    "\t\t\t\r\n";
  const char *bad_number = "GEOID\tALAND_SQMI\tINTPTLONG\tINTPTLAT\n75001\t3.8\t-96.8\t32.9\n75002\t1\t-96.6\tabc\n";
  const char *bad_zip = "GEOID\tALAND_SQMI\tINTPTLONG\tINTPTLAT\n7500\t3.8\t-96.8\t32.9\n";
  const StormZctaFilter *dfw = storm_zcta_dfw_filter ();
  g_autoptr(GArray) zctas = NULL;
  g_autoptr(GError) error = NULL;
  const StormZcta *z;

  zctas = storm_zcta_parse (text, sizeof text - 1, "t.txt", dfw, &error);
  g_assert_no_error (error);
  g_assert_cmpint (zctas->len, ==, 2);
  z = &g_array_index (zctas, StormZcta, 0);
  g_assert_cmpstr (z->zip, ==, "75001");
  g_assert_cmpfloat (z->lat, ==, 32.960047);
  g_assert_cmpfloat (z->lon, ==, -96.838522);
  g_assert_cmpfloat (z->land_sqmi, ==, 3.835);
  g_assert_cmpstr (g_array_index (zctas, StormZcta, 1).zip, ==, "75201");
  g_clear_pointer (&zctas, g_array_unref);

  zctas = storm_zcta_parse (bad_number, strlen (bad_number), "bad.txt", dfw, &error);
  g_assert_null (zctas);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "bad.txt:3: field “INTPTLAT”: “abc” is not a number");
  g_clear_error (&error);

  zctas = storm_zcta_parse (bad_zip, strlen (bad_zip), "zip.txt", dfw, &error);
  g_assert_null (zctas);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "zip.txt:2: field “GEOID”: “7500” is not a five-digit ZIP code");
  g_clear_error (&error);

  zctas = storm_zcta_parse ("", 0, "empty.txt", dfw, &error);
  g_assert_null (zctas);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);

  g_assert_cmpstr (storm_zcta_dfw_city ("75204"), ==, "Dallas");
  g_assert_cmpstr (storm_zcta_dfw_city ("76104"), ==, "Fort Worth");
  g_assert_cmpstr (storm_zcta_dfw_city ("76012"), ==, "Arlington");
  g_assert_cmpstr (storm_zcta_dfw_county ("75070"), ==, "Collin");
  g_assert_cmpstr (storm_zcta_dfw_county ("76201"), ==, "Denton");
}

/* The extract built into StormOps holds exactly the rows the national
 * gazetteer gives for the area, so an installed app makes the same demo. */
static void
test_bundled_extract (DbFixture     *f,
                      gconstpointer  data)
{
  g_autofree char *zcta = gazetteer_path ();
  g_autofree char *shared = g_strdup (g_getenv ("STORMOPS_SHARED_DATA"));
  g_autofree char *source = NULL;
  g_autoptr(GArray) national = NULL;
  g_autoptr(GArray) bundled = NULL;
  g_autoptr(StormDb) other = open_second (f, "bundled.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  national = storm_zcta_load_dfw (zcta, &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (source, ==, zcta);
  g_clear_pointer (&source, g_free);
  g_assert_cmpint (national->len, ==, 189);

  g_unsetenv ("STORMOPS_SHARED_DATA");
  bundled = storm_zcta_load_dfw (NULL, &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (source, ==, "resource:///io/github/stormops/StormOps/core/dfw-zcta.tsv");
  g_assert_cmpint (bundled->len, ==, national->len);
  for (guint i = 0; i < national->len; i++)
    {
      const StormZcta *n = &g_array_index (national, StormZcta, i);
      const StormZcta *b = &g_array_index (bundled, StormZcta, i);

      g_assert_cmpstr (n->zip, ==, b->zip);
      g_assert_cmpfloat (n->lat, ==, b->lat);
      g_assert_cmpfloat (n->lon, ==, b->lon);
      g_assert_cmpfloat (n->land_sqmi, ==, b->land_sqmi);
    }

  g_assert_true (generate (other, 1000, 24, NULL, NULL, &error));
  g_setenv ("STORMOPS_SHARED_DATA", shared, TRUE);
  g_assert_no_error (error);
  g_assert_true (generate (f->db, 1000, 24, zcta, NULL, &error));
  g_assert_no_error (error);
  a = demo_digest (f->db);
  b = demo_digest (other);
  g_assert_cmpstr (a, ==, b);
  storm_db_close (g_steal_pointer (&other));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, DbFixture, NULL, db_fixture_setup, func, db_fixture_teardown)
  ADD ("/demo/deterministic", test_deterministic);
  ADD ("/demo/defaults", test_defaults);
  ADD ("/demo/reports", test_reports);
  ADD ("/demo/homes", test_homes);
  ADD ("/demo/exposure-matches", test_exposure_matches);
  ADD ("/demo/refuses-second", test_refuses_second);
  ADD ("/demo/refuses-taken-ids", test_refuses_taken_ids);
  ADD ("/demo/cancelled", test_cancelled);
  ADD ("/demo/missing-gazetteer", test_missing_gazetteer);
  ADD ("/demo/bundled-extract", test_bundled_extract);
#undef ADD
  g_test_add_func ("/demo/zcta-parse", test_zcta_parse);

  return g_test_run ();
}
