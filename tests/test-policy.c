#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "storm-error.h"
#include "storm-hash.h"
#include "storm-policy.h"
#include "storm-store-policy.h"
#include "storm-store-storms.h"

#define N_PROPS 20000

typedef struct
{
  char    *dir;
  char    *path;
  StormDb *db;
  gint64   storm_id;
} Fixture;

static gint64
query_int (StormDb    *db,
           const char *sql,
           gint64      arg)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
add_storm (StormDb    *db,
           const char *code)
{
  StormStormSpec spec = { .code = code, .name = code };

  return storm_db_ensure_storm (db, &spec, NULL, NULL);
}

/* Properties prop_00001…, uplift spread over 0–0.3 by a fixed formula, a
 * few without a score. */
static void
add_properties (StormDb *db,
                gint64   storm_id,
                int      n)
{
  g_autoptr(sqlite3_stmt) p = storm_db_prepare (db, "INSERT OR IGNORE INTO properties (ext_id, lat, lon) VALUES (?1, 32.8, -96.8)", NULL);
  g_autoptr(sqlite3_stmt) sp = storm_db_prepare (db,
    "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate) "
    "SELECT ?1, id, ?2, 0.05 FROM properties WHERE ext_id = ?3", NULL);

  g_assert_true (storm_db_begin (db, NULL));
  for (int i = 1; i <= n; i++)
    {
      g_autofree char *ext = g_strdup_printf ("prop_%05d", i);

      sqlite3_bind_text (p, 1, ext, -1, SQLITE_TRANSIENT);
      g_assert_true (storm_db_step_done (db, p, NULL));
      sqlite3_bind_int64 (sp, 1, storm_id);
      if (i % 97 == 0)
        sqlite3_bind_null (sp, 2);
      else
        sqlite3_bind_double (sp, 2, (i * 7919 % 3000) / 10000.0);
      sqlite3_bind_text (sp, 3, ext, -1, SQLITE_TRANSIENT);
      g_assert_true (storm_db_step_done (db, sp, NULL));
    }
  g_assert_true (storm_db_commit (db, NULL));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("stormops-policy-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "test.db", NULL);
  f->db = storm_db_open (f->path, NULL);
  g_assert_nonnull (f->db);
  f->storm_id = add_storm (f->db, "TEST_A");
  add_properties (f->db, f->storm_id, N_PROPS);
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
  g_free (f->path);
  g_free (f->dir);
}

static void
apply_mode (Fixture            *f,
            gint64              storm_id,
            StormPolicyMode     mode,
            StormPolicySummary *summary)
{
  StormPolicyParams params;
  g_autoptr(GError) error = NULL;

  storm_policy_params_init (&params);
  params.mode = mode;
  g_assert_true (storm_policy_apply (f->db, storm_id, &params, summary, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_hash_stable (void)
{
  /* Fixed values (checked by an independent implementation): a change
   * here would move every control group in every existing database. */
  g_assert_cmpuint (storm_hash_64 ("salt", "prop_00001"), ==, G_GUINT64_CONSTANT (0x46a67b9e514350ca));
  g_assert_cmpfloat_with_epsilon (storm_hash_unit ("salt", "prop_00001"), 0.2759778272168323, 1e-15);
  g_assert_cmpuint (storm_hash_64 ("salt", "prop_00001"), ==, storm_hash_64 ("salt", "prop_00001"));
  g_assert_cmpuint (storm_hash_64 ("salt", "prop_00001"), !=, storm_hash_64 ("salt", "prop_00002"));
  g_assert_cmpuint (storm_hash_64 ("ab", "c"), !=, storm_hash_64 ("a", "bc"));
  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_strdup_printf ("%d", i);
      double u = storm_hash_unit ("k", id);
      g_assert_cmpfloat (u, >=, 0.0);
      g_assert_cmpfloat (u, <, 1.0);
    }
}

static void
test_arm_proportions (Fixture       *f,
                      gconstpointer  data)
{
  StormPolicySummary s;
  double sigma_u = sqrt (N_PROPS * 0.05 * 0.95);
  double remainder, sigma_r;

  apply_mode (f, f->storm_id, STORM_POLICY_MODERATE, &s);
  g_assert_cmpint (s.n_properties, ==, N_PROPS);
  g_assert_cmpint (s.n_treat + s.n_hold + s.n_universal + s.n_rct, ==, N_PROPS);
  /* within four standard deviations of the binomial expectation */
  g_assert_cmpfloat (fabs (s.n_universal - N_PROPS * 0.05), <, 4 * sigma_u);
  remainder = N_PROPS - s.n_universal;
  sigma_r = sqrt (remainder * 0.10 * 0.90);
  g_assert_cmpfloat (fabs (s.n_rct - remainder * 0.10), <, 4 * sigma_r);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_decisions_log WHERE execution_id = ?1", s.execution_id),
                   ==, N_PROPS);
}

static void
test_decision_order (Fixture       *f,
                     gconstpointer  data)
{
  StormPolicySummary s;

  apply_mode (f, f->storm_id, STORM_POLICY_MODERATE, &s);
  /* controls are held whatever their uplift; only eligible rows are treated */
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM policy_decisions_log d "
                              "JOIN experiment_assignments ea ON ea.property_id = d.property_id AND ea.storm_id = 1 "
                              "WHERE d.execution_id = ?1 AND ea.arm <> 'eligible' AND d.decision = 'treat'",
                              s.execution_id), ==, 0);
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM policy_decisions_log WHERE execution_id = ?1 "
                              "AND reason = 'universal_control' AND uplift >= 0.15", s.execution_id), >, 0);
  /* the threshold decides the rest, independently recomputed */
  g_assert_cmpint (s.n_treat, ==,
                   query_int (f->db,
                              "SELECT count (*) FROM experiment_assignments ea "
                              "JOIN storm_properties sp USING (storm_id, property_id) "
                              "WHERE ea.storm_id = ?1 AND ea.arm = 'eligible' AND sp.uplift >= 0.15", f->storm_id));
  /* unscored properties are never treated */
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM policy_decisions_log WHERE execution_id = ?1 "
                              "AND uplift IS NULL AND decision = 'treat'", s.execution_id), ==, 0);
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM policy_decisions_log WHERE execution_id = ?1 "
                              "AND reason = 'above_threshold' AND uplift < 0.15", s.execution_id), ==, 0);
}

static void
test_modes_thresholds (Fixture       *f,
                       gconstpointer  data)
{
  StormPolicySummary aggressive, moderate, conservative, custom;
  StormPolicyParams params;

  g_assert_cmpfloat (storm_policy_mode_threshold (STORM_POLICY_AGGRESSIVE), ==, 0.10);
  g_assert_cmpfloat (storm_policy_mode_threshold (STORM_POLICY_MODERATE), ==, 0.15);
  g_assert_cmpfloat (storm_policy_mode_threshold (STORM_POLICY_CONSERVATIVE), ==, 0.20);
  apply_mode (f, f->storm_id, STORM_POLICY_AGGRESSIVE, &aggressive);
  apply_mode (f, f->storm_id, STORM_POLICY_MODERATE, &moderate);
  apply_mode (f, f->storm_id, STORM_POLICY_CONSERVATIVE, &conservative);
  g_assert_cmpint (aggressive.n_treat, >, moderate.n_treat);
  g_assert_cmpint (moderate.n_treat, >, conservative.n_treat);
  /* controls are the same people whatever the threshold */
  g_assert_cmpint (aggressive.n_universal, ==, conservative.n_universal);
  g_assert_cmpint (aggressive.n_rct, ==, conservative.n_rct);

  storm_policy_params_init (&params);
  params.mode = STORM_POLICY_CUSTOM;
  params.threshold = 0.15;
  g_assert_true (storm_policy_apply (f->db, f->storm_id, &params, &custom, NULL, NULL, NULL));
  g_assert_cmpint (custom.n_treat, ==, moderate.n_treat);
}

static void
test_history_on_reapply (Fixture       *f,
                         gconstpointer  data)
{
  StormPolicySummary first, second;

  apply_mode (f, f->storm_id, STORM_POLICY_MODERATE, &first);
  apply_mode (f, f->storm_id, STORM_POLICY_CONSERVATIVE, &second);
  g_assert_cmpint (second.execution_id, >, first.execution_id);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_executions WHERE storm_id = ?1", f->storm_id), ==, 2);
  g_assert_cmpint (query_int (f->db, "SELECT id FROM policy_executions WHERE storm_id = ?1 AND is_current = 1", f->storm_id),
                   ==, second.execution_id);
  /* the earlier decision log is kept whole for comparison */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_decisions_log WHERE execution_id = ?1", first.execution_id),
                   ==, N_PROPS);
  g_assert_cmpint (query_int (f->db, "SELECT n_treat FROM policy_executions WHERE id = ?1", first.execution_id),
                   ==, first.n_treat);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE action = 'policy-apply' AND status = 'ok' AND ?1",
                              1), ==, 2);

  /* the read side the Target phase shows */
  {
    g_autoptr(GPtrArray) history = storm_db_list_executions (f->db, f->storm_id, NULL);
    g_autoptr(GPtrArray) top = storm_db_top_decisions (f->db, second.execution_id, 20, NULL);
    StormExecution *current = storm_db_current_execution (f->db, f->storm_id, NULL);
    StormExecution *newest = history->pdata[0];

    g_assert_cmpuint (history->len, ==, 2);
    g_assert_cmpint (newest->id, ==, second.execution_id);
    g_assert_true (newest->is_current);
    g_assert_false (((StormExecution *) history->pdata[1])->is_current);
    g_assert_cmpstr (newest->mode, ==, "conservative");
    g_assert_cmpint (newest->n_treat, ==, second.n_treat);
    g_assert_cmpint (current->id, ==, second.execution_id);
    storm_execution_free (current);

    g_assert_cmpuint (top->len, ==, 20);
    for (guint i = 1; i < top->len; i++)
      g_assert_cmpfloat (((StormDecisionRow *) top->pdata[i - 1])->uplift, >=, ((StormDecisionRow *) top->pdata[i])->uplift);
    g_assert_cmpstr (((StormDecisionRow *) top->pdata[0])->reason, ==, "above_threshold");
  }
}

static void
test_deterministic_same_seed (Fixture       *f,
                              gconstpointer  data)
{
  StormPolicySummary s;
  g_autoptr(GError) error = NULL;

  apply_mode (f, f->storm_id, STORM_POLICY_MODERATE, &s);
  /* throw the stored experiment away; the hashes must draw the same arms */
  g_assert_true (storm_db_exec (f->db,
                                "CREATE TEMP TABLE before AS SELECT property_id, arm FROM experiment_assignments;"
                                "DELETE FROM experiment_assignments;", &error));
  apply_mode (f, f->storm_id, STORM_POLICY_MODERATE, &s);
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM before b JOIN experiment_assignments ea USING (property_id) "
                              "WHERE b.arm = ea.arm AND ?1", 1), ==, N_PROPS);
}

static void
test_universal_stable_across_storms (Fixture       *f,
                                     gconstpointer  data)
{
  StormPolicySummary a, b;
  gint64 other = add_storm (f->db, "TEST_B");

  add_properties (f->db, other, N_PROPS);
  apply_mode (f, f->storm_id, STORM_POLICY_MODERATE, &a);
  apply_mode (f, other, STORM_POLICY_MODERATE, &b);
  g_assert_cmpint (a.n_universal, ==, b.n_universal);
  /* the same properties, not just the same number */
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM experiment_assignments x JOIN experiment_assignments y "
                              "ON x.property_id = y.property_id AND x.storm_id = ?1 AND y.storm_id = 2 "
                              "WHERE (x.arm = 'universal_control') <> (y.arm = 'universal_control')", f->storm_id), ==, 0);
  /* but each storm draws its own RCT holdout */
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM experiment_assignments x JOIN experiment_assignments y "
                              "ON x.property_id = y.property_id AND x.storm_id = ?1 AND y.storm_id = 2 "
                              "WHERE x.arm = 'rct_control' AND y.arm = 'rct_control'", f->storm_id), <, a.n_rct / 2);
}

static void
test_universal_survives_reimport (Fixture       *f,
                                  gconstpointer  data)
{
  StormPolicySummary a, b;
  g_autoptr(GError) error = NULL;
  gint64 again;

  apply_mode (f, f->storm_id, STORM_POLICY_MODERATE, &a);
  g_assert_true (storm_db_exec (f->db,
                                "CREATE TEMP TABLE universal AS SELECT p.ext_id FROM experiment_assignments ea "
                                "JOIN properties p ON p.id = ea.property_id WHERE ea.arm = 'universal_control';"
                                "DELETE FROM storms; DELETE FROM properties;", &error));
  g_assert_no_error (error);
  again = add_storm (f->db, "TEST_A2");
  add_properties (f->db, again, N_PROPS);
  apply_mode (f, again, STORM_POLICY_MODERATE, &b);
  g_assert_cmpint (b.n_universal, ==, a.n_universal);
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM universal u JOIN properties p ON p.ext_id = u.ext_id "
                              "JOIN experiment_assignments ea ON ea.property_id = p.id "
                              "WHERE ea.arm = 'universal_control' AND ?1", 1), ==, a.n_universal);
}

static void
test_preview_matches_apply (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(StormPolicyPreview) preview = NULL;
  g_autoptr(GError) error = NULL;
  const StormPolicyMode modes[] = { STORM_POLICY_AGGRESSIVE, STORM_POLICY_MODERATE, STORM_POLICY_CONSERVATIVE };

  preview = storm_policy_preview_load (f->db, f->storm_id, STORM_POLICY_DEFAULT_RCT_PCT, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      StormPolicySummary predicted, applied;

      storm_policy_preview_evaluate (preview, storm_policy_mode_threshold (modes[i]), 50, &predicted);
      apply_mode (f, f->storm_id, modes[i], &applied);
      g_assert_cmpint (predicted.n_treat, ==, applied.n_treat);
      g_assert_cmpint (predicted.n_hold, ==, applied.n_hold);
      g_assert_cmpint (predicted.n_universal, ==, applied.n_universal);
      g_assert_cmpint (predicted.n_rct, ==, applied.n_rct);
      g_assert_cmpfloat_with_epsilon (predicted.expected_conversions, applied.expected_conversions, 1e-6);
      g_assert_cmpfloat_with_epsilon (predicted.predicted_lift, applied.predicted_lift, 1e-9);
      g_assert_cmpint (predicted.routes_needed, ==, (applied.n_treat + 49) / 50);
    }
}

static void
test_invalid_threshold_writes_nothing (Fixture       *f,
                                       gconstpointer  data)
{
  StormPolicyParams params;
  g_autoptr(GError) error = NULL;

  storm_policy_params_init (&params);
  params.mode = STORM_POLICY_CUSTOM;
  params.threshold = 1.5;
  g_assert_false (storm_policy_apply (f->db, f->storm_id, &params, NULL, NULL, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_executions WHERE ?1", 1), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM experiment_assignments WHERE ?1", 1), ==, 0);
}

static void
test_cancel_writes_nothing (Fixture       *f,
                            gconstpointer  data)
{
  StormPolicyParams params;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  storm_policy_params_init (&params);
  g_cancellable_cancel (cancellable);
  g_assert_false (storm_policy_apply (f->db, f->storm_id, &params, NULL, cancellable, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_CANCELLED);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_executions WHERE ?1", 1), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_decisions_log WHERE ?1", 1), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE action = 'policy-apply' AND status = 'cancelled' AND ?1", 1), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/policy/hash-stable", test_hash_stable);
#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/policy/arm-proportions", test_arm_proportions);
  ADD ("/policy/decision-order", test_decision_order);
  ADD ("/policy/modes-thresholds", test_modes_thresholds);
  ADD ("/policy/history-on-reapply", test_history_on_reapply);
  ADD ("/policy/deterministic-same-seed", test_deterministic_same_seed);
  ADD ("/policy/universal-stable-across-storms", test_universal_stable_across_storms);
  ADD ("/policy/universal-survives-reimport", test_universal_survives_reimport);
  ADD ("/policy/preview-matches-apply", test_preview_matches_apply);
  ADD ("/policy/invalid-threshold-writes-nothing", test_invalid_threshold_writes_nothing);
  ADD ("/policy/cancel-writes-nothing", test_cancel_writes_nothing);
#undef ADD

  return g_test_run ();
}
