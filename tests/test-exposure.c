#include "config.h"

#include <math.h>

#include "import-test-util.h"
#include "storm-store-storms.h"

static gint64
add_storm (DbFixture  *f,
           const char *code)
{
  StormStormSpec spec = { .code = code, .name = code };
  g_autoptr(GError) error = NULL;
  gint64 id = storm_db_ensure_storm (f->db, &spec, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
add_property (DbFixture  *f,
              gint64      storm_id,
              const char *ext_id,
              double      lat,
              double      lon)
{
  g_autoptr(sqlite3_stmt) insert = storm_db_prepare (f->db,
                                                     "INSERT INTO properties (ext_id, lat, lon) VALUES (?1, ?2, ?3)",
                                                     NULL);
  g_autoptr(sqlite3_stmt) attach = storm_db_prepare (f->db,
                                                     "INSERT INTO storm_properties (storm_id, property_id) VALUES (?1, ?2)",
                                                     NULL);
  gint64 id;

  sqlite3_bind_text (insert, 1, ext_id, -1, SQLITE_STATIC);
  sqlite3_bind_double (insert, 2, lat);
  sqlite3_bind_double (insert, 3, lon);
  g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
  id = sqlite3_last_insert_rowid (storm_db_handle (f->db));
  sqlite3_bind_int64 (attach, 1, storm_id);
  sqlite3_bind_int64 (attach, 2, id);
  g_assert_cmpint (sqlite3_step (attach), ==, SQLITE_DONE);
  return id;
}

/* NAN size: unknown; NAN lat: no position. */
static gint64
add_report (DbFixture  *f,
            gint64      storm_id,
            const char *kind,
            double      lat,
            double      lon,
            double      size)
{
  g_autoptr(sqlite3_stmt) insert = storm_db_prepare (f->db,
                                                     "INSERT INTO storm_reports (storm_id, kind, lat, lon, magnitude, "
                                                     "                           unit, source, dedup_key) "
                                                     "VALUES (?1, ?2, ?3, ?4, ?5, 'in', 'test', "
                                                     "        (SELECT count(*) FROM storm_reports))",
                                                     NULL);

  sqlite3_bind_int64 (insert, 1, storm_id);
  sqlite3_bind_text (insert, 2, kind, -1, SQLITE_STATIC);
  if (!isnan (lat))
    {
      sqlite3_bind_double (insert, 3, lat);
      sqlite3_bind_double (insert, 4, lon);
    }
  if (!isnan (size))
    sqlite3_bind_double (insert, 5, size);
  g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
  return sqlite3_last_insert_rowid (storm_db_handle (f->db));
}

typedef struct
{
  double distance;     /* NAN: NULL */
  double max_in;
  gint64 nearest;
} Stored;

static Stored
stored (DbFixture *f,
        gint64     storm_id,
        gint64     property_id)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (f->db,
                                                   "SELECT hail_distance_km, hail_max_in, nearest_report_id "
                                                   "FROM storm_properties WHERE storm_id = ?1 AND property_id = ?2",
                                                   NULL);
  Stored s;

  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  s.distance = sqlite3_column_type (stmt, 0) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 0);
  s.max_in = sqlite3_column_type (stmt, 1) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 1);
  s.nearest = sqlite3_column_int64 (stmt, 2);
  return s;
}

static void
test_known_distances (DbFixture     *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 storm = add_storm (f, "KNOWN");
  gint64 a = add_report (f, storm, "hail", 32.78, -96.80, 1.75);
  gint64 b = add_report (f, storm, "hail", 32.90, -96.80, 2.5);
  gint64 c = add_report (f, storm, "hail", 33.5, -97.5, NAN);
  gint64 p1 = add_property (f, storm, "p1", 32.78, -96.79);
  gint64 p2 = add_property (f, storm, "p2", 32.86, -96.80);
  gint64 p3 = add_property (f, storm, "p3", 33.5, -97.49);
  gint64 p4 = add_property (f, storm, "p4", -33.87, 151.21);
  Stored s;

  /* not hail, or nowhere: never the nearest */
  add_report (f, storm, "wind", 32.78, -96.79, 60);
  add_report (f, storm, "hail", NAN, NAN, 4.0);

  g_assert_true (storm_exposure_compute (f->db, storm, STORM_EXPOSURE_RADIUS_KM, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Distances from a separate haversine (Python, R = 6371.0088 km). */
  s = stored (f, storm, p1);
  g_assert_cmpint (s.nearest, ==, a);
  g_assert_cmpfloat_with_epsilon (s.distance, 0.934878913, 1e-8);
  g_assert_cmpfloat (s.max_in, ==, 1.75);

  /* 8.9 km from A, 4.4 km from B: only B is within 5 km */
  s = stored (f, storm, p2);
  g_assert_cmpint (s.nearest, ==, b);
  g_assert_cmpfloat_with_epsilon (s.distance, 4.447803209, 1e-8);
  g_assert_cmpfloat (s.max_in, ==, 2.5);

  /* the nearest stone has no size: a distance, no largest size */
  s = stored (f, storm, p3);
  g_assert_cmpint (s.nearest, ==, c);
  g_assert_cmpfloat_with_epsilon (s.distance, 0.927240009, 1e-8);
  g_assert_true (isnan (s.max_in));

  /* the other side of the world */
  s = stored (f, storm, p4);
  g_assert_cmpint (s.nearest, ==, c);
  g_assert_cmpfloat_with_epsilon (s.distance, 13786.670300138, 1e-6);
  g_assert_true (isnan (s.max_in));

  /* a larger radius takes in A for p2 too, B still the largest */
  g_assert_true (storm_exposure_compute (f->db, storm, 10.0, NULL, NULL, &error));
  s = stored (f, storm, p2);
  g_assert_cmpfloat (s.max_in, ==, 2.5);
  s = stored (f, storm, p1);
  g_assert_cmpfloat (s.max_in, ==, 1.75);
}

static double
haversine (double lat1,
           double lon1,
           double lat2,
           double lon2)
{
  double r = G_PI / 180.0;
  double a = pow (sin ((lat2 - lat1) * r / 2), 2) + cos (lat1 * r) * cos (lat2 * r) * pow (sin ((lon2 - lon1) * r / 2), 2);

  return 2 * 6371.0088 * asin (sqrt (a));
}

/* The spatial index against a plain scan of every report, on points all
 * over the globe (poles, the antimeridian) and dense clusters. */
static void
test_brute_force (DbFixture     *f,
                  gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2024);
  g_autoptr(GArray) reports = g_array_new (FALSE, FALSE, sizeof (double) * 4);
  g_autoptr(GArray) properties = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  g_autoptr(GError) error = NULL;
  gint64 storm = add_storm (f, "RANDOM");
  const double radius = 25.0;

  g_assert_true (storm_db_begin (f->db, NULL));
  for (guint i = 0; i < 400; i++)
    {
      double r[4];
      gboolean cluster = i % 2 == 0;

      r[0] = cluster ? g_rand_double_range (rand, 32.0, 33.5) : g_rand_double_range (rand, -89.9, 89.9);
      r[1] = cluster ? g_rand_double_range (rand, -97.5, -96.0) : g_rand_double_range (rand, -180.0, 180.0);
      r[2] = i % 7 == 0 ? NAN : g_rand_int_range (rand, 75, 450) / 100.0;
      r[3] = add_report (f, storm, "hail", r[0], r[1], r[2]);
      g_array_append_val (reports, r);
    }
  for (guint i = 0; i < 3000; i++)
    {
      double p[3];
      g_autofree char *ext_id = g_strdup_printf ("r%u", i);
      gboolean cluster = i % 3 != 0;

      p[0] = cluster ? g_rand_double_range (rand, 31.8, 33.7) : g_rand_double_range (rand, -90.0, 90.0);
      p[1] = cluster ? g_rand_double_range (rand, -97.7, -95.8) : g_rand_double_range (rand, -180.0, 180.0);
      if (i == 1)
        p[1] = 179.99;
      if (i == 2)
        p[0] = 89.999;
      p[2] = add_property (f, storm, ext_id, p[0], p[1]);
      g_array_append_val (properties, p);
    }
  g_assert_true (storm_exposure_compute (f->db, storm, radius, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (storm_db_commit (f->db, NULL));

  for (guint i = 0; i < properties->len; i++)
    {
      const double *p = &g_array_index (properties, double, i * 3);
      double best = G_MAXDOUBLE, max_in = NAN;
      gint64 best_id = 0;
      Stored s = stored (f, storm, (gint64) p[2]);

      for (guint j = 0; j < reports->len; j++)
        {
          const double *r = &g_array_index (reports, double, j * 4);
          double d = haversine (p[0], p[1], r[0], r[1]);

          if (d < best)
            {
              best = d;
              best_id = (gint64) r[3];
            }
          if (d <= radius && !isnan (r[2]) && (isnan (max_in) || r[2] > max_in))
            max_in = r[2];
        }
      g_assert_cmpint (s.nearest, ==, best_id);
      g_assert_cmpfloat_with_epsilon (s.distance, best, 1e-6);
      if (isnan (max_in))
        g_assert_true (isnan (s.max_in));
      else
        g_assert_cmpfloat (s.max_in, ==, max_in);
    }
  /* the clusters overlap: many properties have hail within the radius */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties WHERE hail_max_in IS NOT NULL"), >, 1000);
}

static void
test_no_hail_clears (DbFixture     *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 storm = add_storm (f, "CLEAR");
  gint64 p = add_property (f, storm, "p", 32.78, -96.79);
  gint64 r = add_report (f, storm, "hail", 32.78, -96.80, 1.0);
  Stored s;

  g_assert_true (storm_exposure_compute (f->db, storm, 5.0, NULL, NULL, &error));
  s = stored (f, storm, p);
  g_assert_cmpint (s.nearest, ==, r);

  g_assert_true (storm_db_exec (f->db, "DELETE FROM storm_reports", &error));
  g_assert_true (storm_exposure_compute (f->db, storm, 5.0, NULL, NULL, &error));
  g_assert_no_error (error);
  s = stored (f, storm, p);
  g_assert_true (isnan (s.distance));
  g_assert_true (isnan (s.max_in));
  g_assert_cmpint (s.nearest, ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties WHERE nearest_report_id IS NULL"), ==, 1);
}

static void
test_other_storms_untouched (DbFixture     *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 one = add_storm (f, "ONE");
  gint64 two = add_storm (f, "TWO");
  gint64 p = add_property (f, one, "p", 32.78, -96.79);
  Stored s;

  {
    g_autoptr(sqlite3_stmt) attach = storm_db_prepare (f->db, "INSERT INTO storm_properties (storm_id, property_id) "
                                                              "VALUES (?1, ?2)", NULL);

    sqlite3_bind_int64 (attach, 1, two);
    sqlite3_bind_int64 (attach, 2, p);
    g_assert_cmpint (sqlite3_step (attach), ==, SQLITE_DONE);
  }
  add_report (f, two, "hail", 32.78, -96.80, 1.0);
  g_assert_true (storm_exposure_compute (f->db, one, 5.0, NULL, NULL, &error));
  g_assert_no_error (error);
  s = stored (f, one, p);
  g_assert_true (isnan (s.distance));
  s = stored (f, two, p);
  g_assert_true (isnan (s.distance));
  g_assert_true (storm_exposure_compute (f->db, two, 5.0, NULL, NULL, &error));
  s = stored (f, two, p);
  g_assert_false (isnan (s.distance));
}

static void
test_transactions (DbFixture     *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 storm = add_storm (f, "TX");
  gint64 p = add_property (f, storm, "p", 32.78, -96.79);
  Stored s;

  add_report (f, storm, "hail", 32.78, -96.80, 1.0);

  /* inside the caller's transaction: rolled back with it */
  g_assert_true (storm_db_begin (f->db, &error));
  g_assert_true (storm_exposure_compute (f->db, storm, 5.0, NULL, NULL, &error));
  g_assert_false (sqlite3_get_autocommit (storm_db_handle (f->db)));
  storm_db_rollback (f->db);
  s = stored (f, storm, p);
  g_assert_true (isnan (s.distance));

  /* on its own: committed */
  g_assert_true (storm_exposure_compute (f->db, storm, 5.0, NULL, NULL, &error));
  g_assert_true (sqlite3_get_autocommit (storm_db_handle (f->db)));
  s = stored (f, storm, p);
  g_assert_false (isnan (s.distance));
}

static void
test_cancel (DbFixture     *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 storm = add_storm (f, "CANCEL");
  gint64 p = add_property (f, storm, "p", 32.78, -96.79);
  Stored s;

  add_report (f, storm, "hail", 32.78, -96.80, 1.0);
  g_cancellable_cancel (cancellable);
  g_assert_false (storm_exposure_compute (f->db, storm, 5.0, cancellable, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_CANCELLED);
  g_assert_true (sqlite3_get_autocommit (storm_db_handle (f->db)));
  s = stored (f, storm, p);
  g_assert_true (isnan (s.distance));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/exposure/" name, DbFixture, NULL, db_fixture_setup, func, db_fixture_teardown)
  ADD ("known-distances", test_known_distances);
  ADD ("brute-force", test_brute_force);
  ADD ("no-hail-clears", test_no_hail_clears);
  ADD ("other-storms-untouched", test_other_storms_untouched);
  ADD ("transactions", test_transactions);
  ADD ("cancel", test_cancel);
#undef ADD

  return g_test_run ();
}
