#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "storm-demo-cycle.h"
#include "storm-error.h"
#include "storm-report.h"
#include "storm-store-storms.h"

static gint64
query_int (StormDb    *db,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
digest (StormDb    *db,
        const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < sqlite3_column_count (stmt); c++)
      {
        const char *text = (const char *) sqlite3_column_text (stmt, c);
        g_checksum_update (sum, (const guchar *) (text ? text : "∅"), -1);
        g_checksum_update (sum, (const guchar *) "|", 1);
      }
  return g_strdup (g_checksum_get_string (sum));
}

static char *
make_db (const char *dir,
         const char *name,
         gboolean    demo)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(StormDb) db = storm_db_open (path, NULL);
  StormStormSpec spec = { .code = "DEMO", .name = "Demo", .is_demo = demo, .start_at = "2024-04-28T21:10:00Z" };

  storm_db_ensure_storm (db, &spec, NULL, NULL);
  g_assert_true (storm_db_exec (db,
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
    "INSERT INTO properties (id, ext_id, lat, lon) SELECT i, printf ('prop_%05d', i), 32.8, -96.8 FROM n;"
    "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate) "
    "SELECT 1, id, (id * 7919 % 4500) / 10000.0, 0.02 + (id * 104729 % 800) / 10000.0 FROM properties;"
    "PRAGMA wal_checkpoint (TRUNCATE);", NULL));
  return g_steal_pointer (&path);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      g_remove (child);
    }
  g_rmdir (dir);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (to, contents, len, NULL));
}

static void
test_cycle (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stormops-cycle-XXXXXX", NULL);
  g_autofree char *a_path = make_db (dir, "a.db", TRUE);
  g_autofree char *b_path = g_build_filename (dir, "b.db", NULL);
  g_autoptr(StormDb) a = NULL;
  g_autoptr(StormDb) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *da = NULL;
  g_autofree char *db_digest = NULL;
  StormReport report = { 0 };
  const char *touches_sql = "SELECT property_id, channel, at, result FROM touches ORDER BY id";
  const char *outcomes_sql = "SELECT property_id, converted, value, occurred_at FROM policy_outcomes ORDER BY id";

  /* two copies of one database (same control-group salt) play out alike */
  copy_file (a_path, b_path);
  a = storm_db_open (a_path, NULL);
  b = storm_db_open (b_path, NULL);
  g_assert_true (storm_demo_simulate_cycle (a, 1, 24, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (storm_demo_simulate_cycle (b, 1, 24, NULL, NULL, &error));
  da = digest (a, touches_sql);
  db_digest = digest (b, touches_sql);
  g_assert_cmpstr (da, ==, db_digest);
  g_clear_pointer (&da, g_free);
  g_clear_pointer (&db_digest, g_free);
  da = digest (a, outcomes_sql);
  db_digest = digest (b, outcomes_sql);
  g_assert_cmpstr (da, ==, db_digest);

  /* the axiom: nobody in a control group was contacted by the crews */
  g_assert_cmpint (query_int (a, "SELECT count (*) FROM touches t JOIN experiment_assignments ea "
                                 "ON ea.storm_id = t.storm_id AND ea.property_id = t.property_id "
                                 "WHERE ea.arm <> 'eligible' AND t.channel IN ('door_knock', 'call', 'sms', 'mailer')"), ==, 0);
  g_assert_cmpint (query_int (a, "SELECT count (*) FROM touches WHERE channel = 'door_knock'"), >, 1000);
  g_assert_cmpint (query_int (a, "SELECT count (*) FROM follow_ups"), >, 0);

  /* the treated convert at base + uplift, the controls at base: the
   * measured lift is positive and its interval clears zero */
  g_assert_true (storm_report_compute (a, 1, NULL, &report, &error));
  g_assert_true (report.has_lift);
  g_assert_cmpfloat (report.lift.lift, >, 0.1);
  g_assert_cmpfloat (report.lift.newcombe.lower, >, 0.0);
  g_assert_cmpfloat (fabs (report.prediction_error), <, 0.1);
  storm_report_clear (&report);
  g_clear_pointer (&a, storm_db_close);
  g_clear_pointer (&b, storm_db_close);
  remove_dir (dir);
}

static void
test_refuses_real_storm (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stormops-cycle-XXXXXX", NULL);
  g_autofree char *path = make_db (dir, "real.db", FALSE);
  g_autoptr(StormDb) db = storm_db_open (path, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (storm_demo_simulate_cycle (db, 1, 24, NULL, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM policy_executions"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM touches"), ==, 0);
  g_clear_pointer (&db, storm_db_close);
  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo-cycle/deterministic-and-measurable", test_cycle);
  g_test_add_func ("/demo-cycle/refuses-real-storm", test_refuses_real_storm);

  return g_test_run ();
}
