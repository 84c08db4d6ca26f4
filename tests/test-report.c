#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "storm-error.h"
#include "storm-outcomes.h"
#include "storm-report.h"
#include "storm-report-json.h"
#include "storm-store-storms.h"

typedef struct
{
  char    *dir;
  StormDb *db;
  gint64   storm_id;
} Fixture;

static gint64
query_int (StormDb    *db,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  StormStormSpec spec = { .code = "REPORT", .name = "Report storm" };
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("stormops-report-XXXXXX", NULL);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->db = storm_db_open (path, NULL);
  g_assert_nonnull (f->db);
  f->storm_id = storm_db_ensure_storm (f->db, &spec, NULL, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  storm_db_close (f->db);
  d = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);
      g_remove (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* A hand-made execution: @n properties with the given reason each, uplift
 * from @uplift(i), and the first @x of each group converted. */
typedef struct
{
  const char *reason;
  int         n;
  int         x;
  double      uplift;
} Group;

static void
build_execution (Fixture     *f,
                 const Group *groups,
                 guint        n_groups,
                 double       predicted_lift)
{
  g_autoptr(sqlite3_stmt) p = storm_db_prepare (f->db, "INSERT INTO properties (ext_id, lat, lon) VALUES (?1, 32.8, -96.8)", NULL);
  g_autoptr(sqlite3_stmt) sp = storm_db_prepare (f->db, "INSERT INTO storm_properties (storm_id, property_id, uplift) VALUES (?1, ?2, ?3)", NULL);
  g_autoptr(sqlite3_stmt) d = storm_db_prepare (f->db,
    "INSERT INTO policy_decisions_log (execution_id, property_id, decision, reason, uplift, uplift_band) "
    "VALUES (1, ?1, ?2, ?3, ?4, CAST (?4 * 20 AS INTEGER))", NULL);
  g_autoptr(sqlite3_stmt) e = storm_db_prepare (f->db,
    "INSERT INTO policy_executions (id, storm_id, mode, threshold, universal_pct, rct_pct, seed, actor, predicted_lift) "
    "VALUES (1, ?1, 'moderate', 0.15, 0.05, 0.1, 0, 'test', ?2)", NULL);
  int serial = 0;

  sqlite3_bind_int64 (e, 1, f->storm_id);
  sqlite3_bind_double (e, 2, predicted_lift);
  g_assert_true (storm_db_step_done (f->db, e, NULL));
  for (guint g = 0; g < n_groups; g++)
    for (int i = 0; i < groups[g].n; i++)
      {
        g_autofree char *ext = g_strdup_printf ("p%04d", ++serial);
        gint64 id;
        StormOutcome outcome = { .converted = i < groups[g].x, .value = NAN, .source = "manual" };

        sqlite3_bind_text (p, 1, ext, -1, SQLITE_TRANSIENT);
        g_assert_true (storm_db_step_done (f->db, p, NULL));
        id = sqlite3_last_insert_rowid (storm_db_handle (f->db));
        sqlite3_bind_int64 (sp, 1, f->storm_id);
        sqlite3_bind_int64 (sp, 2, id);
        sqlite3_bind_double (sp, 3, groups[g].uplift);
        g_assert_true (storm_db_step_done (f->db, sp, NULL));
        sqlite3_bind_int64 (d, 1, id);
        sqlite3_bind_text (d, 2, g_str_equal (groups[g].reason, "above_threshold") ? "treat" : "hold", -1, SQLITE_STATIC);
        sqlite3_bind_text (d, 3, groups[g].reason, -1, SQLITE_STATIC);
        sqlite3_bind_double (d, 4, groups[g].uplift);
        g_assert_true (storm_db_step_done (f->db, d, NULL));
        /* every other non-converted one has an explicit "no" outcome */
        if (outcome.converted || i % 2 == 0)
          {
            outcome.property_id = id;
            g_assert_true (storm_outcome_record (f->db, f->storm_id, &outcome, NULL, NULL));
          }
      }
}

static void
test_report_lift (Fixture       *f,
                  gconstpointer  data)
{
  const Group groups[] = {
    { "above_threshold", 70, 56, 0.22 },
    { "rct_control", 40, 24, 0.18 },
    { "universal_control", 40, 24, 0.12 },
    { "below_threshold", 30, 3, 0.05 },
  };
  g_auto(StormReport) report = { 0 };
  StormReportOptions options = { .cost_per_door = 10, .value_per_conversion = 1000 };
  g_autoptr(GError) error = NULL;

  build_execution (f, groups, G_N_ELEMENTS (groups), 0.25);
  g_assert_true (storm_report_compute (f->db, f->storm_id, &options, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_treat, ==, 70);
  g_assert_cmpint (report.x_treat, ==, 56);
  g_assert_cmpint (report.n_control, ==, 80);
  g_assert_cmpint (report.x_control, ==, 48);
  g_assert_cmpint (report.n_rct, ==, 40);
  g_assert_cmpint (report.x_universal, ==, 24);
  g_assert_true (report.has_lift);
  /* the published vector: 56/70 vs 48/80 */
  g_assert_cmpfloat_with_epsilon (report.lift.lift, 0.2000, 0.00005);
  g_assert_cmpfloat_with_epsilon (report.lift.newcombe.lower, 0.0524, 0.00005);
  g_assert_cmpfloat_with_epsilon (report.lift.newcombe.upper, 0.3339, 0.00005);
  g_assert_cmpfloat_with_epsilon (report.lift.wald.lower, 0.0575, 0.00005);
  g_assert_cmpfloat_with_epsilon (report.prediction_error, 0.2 - 0.25, 1e-9);
  /* 0.2 × 70 = 14 extra conversions × 1000 against 700 of doors */
  g_assert_cmpfloat_with_epsilon (report.incremental_conversions, 14.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (report.cost, 700.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (report.roi, (14000.0 - 700.0) / 700.0, 1e-9);
  /* converted ones plus every even-numbered "no": 56+7, 2×(24+8), 3+13 */
  g_assert_cmpint (report.n_outcomes, ==, 63 + 64 + 16);
  g_assert_false (isnan (report.detectable_difference));

  /* bands: treated at 0.22 → band 4; controls at 0.18 (band 3) and 0.12 (band 2) */
  g_assert_cmpuint (report.bands->len, ==, 3);
  g_assert_cmpfloat_with_epsilon (g_array_index (report.bands, StormBandRow, 2).band_lower, 0.20, 1e-9);
  g_assert_cmpint (g_array_index (report.bands, StormBandRow, 2).n_treat, ==, 70);
  g_assert_cmpfloat_with_epsilon (g_array_index (report.bands, StormBandRow, 2).predicted, 0.22, 1e-9);
  g_assert_true (isnan (g_array_index (report.bands, StormBandRow, 2).actual));
  g_assert_cmpuint (report.qini->len, ==, 11);

  /* the machine-readable form carries the same numbers */
  {
    g_autoptr(JsonNode) node = storm_report_to_json (&report, "REPORT");
    JsonObject *root = json_node_get_object (node);
    JsonObject *lift = json_object_get_object_member (root, "lift");
    JsonArray *newcombe = json_object_get_array_member (lift, "newcombe_95");
    JsonObject *arms = json_object_get_object_member (root, "arms");
    g_autofree char *text = storm_json_to_string (node, FALSE);

    g_assert_cmpstr (json_object_get_string_member (root, "storm"), ==, "REPORT");
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (lift, "lift"), 0.2, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_array_get_double_element (newcombe, 0), 0.0524, 0.00005);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (arms, "control"), "n"), ==, 80);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "calibration")), ==, 3);
    /* a band without controls has no actual lift: null, not NaN */
    g_assert_nonnull (strstr (text, "\"actual\":null"));
  }
}

/* A property exactly on a band edge lands in the band the decision log
 * recorded: 0.15 is band 3 (0.15–0.20), though 0.15 / 0.05 rounds to 2. */
static void
test_report_band_edge (Fixture       *f,
                       gconstpointer  data)
{
  const Group groups[] = {
    { "above_threshold", 10, 5, 0.15 },
    { "rct_control", 10, 2, 0.15 },
  };
  g_auto(StormReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  const StormBandRow *row;

  build_execution (f, groups, G_N_ELEMENTS (groups), 0.15);
  g_assert_true (storm_report_compute (f->db, f->storm_id, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.bands->len, ==, 1);
  row = &g_array_index (report.bands, StormBandRow, 0);
  g_assert_cmpfloat_with_epsilon (row->band_lower, 0.15, 1e-9);
  g_assert_cmpint (row->n_treat, ==, 10);
  g_assert_cmpint (row->n_control, ==, 10);
}

static void
test_report_without_policy (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(StormReport) report = { 0 };

  g_assert_true (storm_report_compute (f->db, f->storm_id, NULL, &report, NULL));
  g_assert_cmpint (report.execution_id, ==, 0);
  g_assert_false (report.has_lift);
  g_assert_cmpuint (report.bands->len, ==, 0);
}

static void
test_qini_hand_case (void)
{
  const double uplift[] = { 0.9, 0.8, 0.7, 0.6, 0.5, 0.4 };
  const gboolean treated[] = { TRUE, FALSE, TRUE, FALSE, TRUE, FALSE };
  const gboolean converted[] = { TRUE, FALSE, TRUE, TRUE, FALSE, FALSE };
  g_autoptr(GArray) curve = NULL;
  double coefficient = 0;

  /* given out of order: the curve ranks by score itself */
  const double shuffled_uplift[] = { 0.5, 0.9, 0.6, 0.8, 0.4, 0.7 };
  const gboolean shuffled_treated[] = { TRUE, TRUE, FALSE, FALSE, FALSE, TRUE };
  const gboolean shuffled_converted[] = { FALSE, TRUE, TRUE, FALSE, FALSE, TRUE };

  curve = storm_qini_curve (uplift, treated, converted, 6, 2, &coefficient);
  g_assert_cmpuint (curve->len, ==, 3);
  /* k = 3: T(1) C(0) T(1) → Q = 2 − 0·2/1 = 2; uplift = 1 − 0 */
  g_assert_cmpint (g_array_index (curve, StormQiniPoint, 1).k, ==, 3);
  g_assert_cmpfloat_with_epsilon (g_array_index (curve, StormQiniPoint, 1).qini, 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (g_array_index (curve, StormQiniPoint, 1).uplift_at_k, 1.0, 1e-12);
  /* k = 6: Y_T = 2, N_T = 3, Y_C = 1, N_C = 3 → Q = 2 − 1 = 1; uplift = 2/3 − 1/3 */
  g_assert_cmpfloat_with_epsilon (g_array_index (curve, StormQiniPoint, 2).qini, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (g_array_index (curve, StormQiniPoint, 2).uplift_at_k, 1.0 / 3, 1e-12);
  g_assert_cmpfloat (g_array_index (curve, StormQiniPoint, 0).qini, ==, 0.0);
  /* area above the random line: two triangles of 0.5 × 1.5 / 2 */
  g_assert_cmpfloat_with_epsilon (coefficient, 0.75, 1e-12);
  g_clear_pointer (&curve, g_array_unref);

  curve = storm_qini_curve (shuffled_uplift, shuffled_treated, shuffled_converted, 6, 2, &coefficient);
  g_assert_cmpfloat_with_epsilon (g_array_index (curve, StormQiniPoint, 1).qini, 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (coefficient, 0.75, 1e-12);
}

static void
test_qini_unequal_arms (void)
{
  /* Q(k) scales control conversions by N_T/N_C: 4 treated (3 converted)
   * against 2 controls (1 converted) → 3 − 1·4/2 = 1. */
  const double uplift[] = { 0.6, 0.5, 0.4, 0.3, 0.2, 0.1 };
  const gboolean treated[] = { TRUE, TRUE, FALSE, TRUE, FALSE, TRUE };
  const gboolean converted[] = { TRUE, TRUE, TRUE, FALSE, FALSE, TRUE };
  g_autoptr(GArray) curve = storm_qini_curve (uplift, treated, converted, 6, 1, NULL);

  g_assert_cmpfloat_with_epsilon (g_array_index (curve, StormQiniPoint, 1).qini, 1.0, 1e-12);
}

static void
test_outcome_idempotent_and_history (Fixture       *f,
                                     gconstpointer  data)
{
  StormOutcome outcome = { .converted = FALSE, .value = NAN, .source = "manual", .occurred_at = "2024-05-01" };
  StormOutcomeChange change;
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_db_exec (f->db, "INSERT INTO properties (id, ext_id, lat, lon) VALUES (7, 'p7', 32.8, -96.8)", NULL));
  outcome.property_id = 7;
  g_assert_true (storm_outcome_record (f->db, f->storm_id, &outcome, &change, &error));
  g_assert_cmpint (change, ==, STORM_OUTCOME_INSERTED);
  g_assert_true (storm_outcome_record (f->db, f->storm_id, &outcome, &change, &error));
  g_assert_cmpint (change, ==, STORM_OUTCOME_UNCHANGED);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 1);

  /* a correction keeps the first as history */
  outcome.converted = TRUE;
  outcome.value = 12500;
  g_assert_true (storm_outcome_record (f->db, f->storm_id, &outcome, &change, &error));
  g_assert_cmpint (change, ==, STORM_OUTCOME_CORRECTED);
  g_assert_true (storm_outcome_record (f->db, f->storm_id, &outcome, &change, &error));
  g_assert_cmpint (change, ==, STORM_OUTCOME_UNCHANGED);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 2);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes WHERE is_current = 1 AND converted = 1 "
                                     "AND supersedes IS NOT NULL"), ==, 1);

  /* the store itself refuses a silent overwrite or a deletion */
  g_assert_false (storm_db_exec (f->db, "UPDATE policy_outcomes SET converted = 0", &error));
  g_clear_error (&error);
  g_assert_false (storm_db_exec (f->db, "DELETE FROM policy_outcomes", &error));
  g_clear_error (&error);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 2);

  outcome.value = -5;
  g_assert_false (storm_outcome_record (f->db, f->storm_id, &outcome, &change, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
}

static void
test_storm_delete_cascades_outcomes (Fixture       *f,
                                     gconstpointer  data)
{
  StormOutcome outcome = { .property_id = 7, .converted = TRUE, .value = NAN, .source = "manual" };
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_db_exec (f->db, "INSERT INTO properties (id, ext_id, lat, lon) VALUES (7, 'p7', 32.8, -96.8)", NULL));
  g_assert_true (storm_outcome_record (f->db, f->storm_id, &outcome, NULL, NULL));
  /* deleting a whole storm is the one way its outcomes go */
  g_assert_true (storm_db_exec (f->db, "DELETE FROM storms", &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report/qini-hand-case", test_qini_hand_case);
  g_test_add_func ("/report/qini-unequal-arms", test_qini_unequal_arms);
#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/report/lift-from-store", test_report_lift);
  ADD ("/report/band-edge", test_report_band_edge);
  ADD ("/report/without-policy", test_report_without_policy);
  ADD ("/outcomes/idempotent-and-history", test_outcome_idempotent_and_history);
  ADD ("/outcomes/storm-delete-cascades", test_storm_delete_cascades_outcomes);
#undef ADD

  return g_test_run ();
}
