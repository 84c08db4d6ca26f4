/* Policy benchmark, side by side in one run:
 *  - storm_policy_apply on a 1,000,000-property storm (full decision log)
 *    against the sqlite3 CLI running a bare INSERT … SELECT that produces
 *    the same rows into an identical table (target ≤ 1.5×);
 *  - scenario preview per threshold change (target ≤ 50 ms);
 *  - measurement report with 100,000 outcomes (target ≤ 0.5 s).
 * Usage: bench-policy [N_PROPERTIES] (default 1000000). */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>

#include "storm-policy.h"
#include "storm-report.h"
#include "storm-store-storms.h"

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

int
main (int argc, char *argv[])
{
  gint64 n = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 1000000;
  g_autofree char *dir = g_dir_make_tmp ("stormops-bench-policy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr(StormDb) db = NULL;
  g_autoptr(StormPolicyPreview) preview = NULL;
  g_auto(StormReport) report = { 0 };
  StormStormSpec spec = { .code = "BENCH", .name = "Bench storm" };
  StormPolicyParams params;
  StormPolicySummary summary;
  GError *error = NULL;
  g_autofree char *fill = NULL;
  g_autofree char *cli = NULL;
  g_autofree char *cli_out = NULL;
  double t0, apply_s, reapply_s, baseline_s, baseline_first_s, load_s, report_s, worst_eval = 0, total_eval = 0;
  int status = 0;
  gint64 storm_id;

  db = storm_db_open (path, &error);
  check (db != NULL, error);
  storm_id = storm_db_ensure_storm (db, &spec, NULL, &error);
  fill = g_strdup_printf (
    "BEGIN;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %" G_GINT64_FORMAT ") "
    "INSERT INTO properties (id, ext_id, address, lat, lon) "
    "SELECT i, printf ('prop_%%07d', i), i || ' Elm St', 32.5 + (i %% 1000) / 2000.0, -97.2 + (i / 1000) / 2000.0 FROM n;"
    "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate) "
    "SELECT %" G_GINT64_FORMAT ", id, (abs (random ()) %% 4500) / 10000.0, 0.01 + (abs (random ()) %% 1100) / 10000.0 FROM properties;"
    "COMMIT;", n, storm_id);
  t0 = now_s ();
  check (storm_db_exec (db, fill, &error), error);
  g_print ("setup: %" G_GINT64_FORMAT " properties in %.2f s\n", n, now_s () - t0);

  storm_policy_params_init (&params);
  t0 = now_s ();
  check (storm_policy_apply (db, storm_id, &params, &summary, NULL, NULL, &error), error);
  apply_s = now_s () - t0;
  t0 = now_s ();
  check (storm_policy_apply (db, storm_id, &params, &summary, NULL, NULL, &error), error);
  reapply_s = now_s () - t0;
  check (storm_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", &error), error);

  /* Baseline: the sqlite3 CLI writes the same rows with a bare INSERT … SELECT
   * from the stored arms into a table shaped like the decision log. */
  cli = g_strdup_printf (
    "sqlite3 '%s' \"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
    "CREATE TABLE baseline_log (execution_id INTEGER NOT NULL, property_id INTEGER NOT NULL, decision TEXT NOT NULL,"
    " reason TEXT NOT NULL, uplift REAL, uplift_band INTEGER, PRIMARY KEY (execution_id, property_id)) WITHOUT ROWID;"
    "INSERT INTO baseline_log SELECT 99, ea.property_id,"
    " CASE WHEN ea.arm = 'eligible' AND sp.uplift >= 0.15 THEN 'treat' ELSE 'hold' END,"
    " CASE WHEN ea.arm <> 'eligible' THEN ea.arm WHEN sp.uplift >= 0.15 THEN 'above_threshold' ELSE 'below_threshold' END,"
    " sp.uplift, CAST (sp.uplift * 20 AS INTEGER)"
    " FROM experiment_assignments ea JOIN storm_properties sp ON sp.storm_id = ea.storm_id AND sp.property_id = ea.property_id"
    " WHERE ea.storm_id = %" G_GINT64_FORMAT ";\"", path, storm_id);
  t0 = now_s ();
  if (!g_spawn_command_line_sync (cli, &cli_out, NULL, &status, &error) || status != 0)
    g_error ("sqlite3 CLI failed: %s", error ? error->message : cli_out);
  baseline_s = now_s () - t0;

  /* A first apply also writes every property's arm: the CLI baseline for
   * it writes the same arm rows too, then the decision rows. */
  g_clear_pointer (&cli, g_free);
  g_clear_pointer (&cli_out, g_free);
  cli = g_strdup_printf (
    "sqlite3 '%s' \"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; BEGIN;"
    "CREATE TABLE baseline_arms (storm_id INTEGER NOT NULL, property_id INTEGER NOT NULL, arm TEXT NOT NULL,"
    " PRIMARY KEY (storm_id, property_id)) WITHOUT ROWID;"
    "INSERT INTO baseline_arms SELECT storm_id, property_id, arm FROM experiment_assignments WHERE storm_id = %" G_GINT64_FORMAT ";"
    "INSERT INTO baseline_log SELECT 98, ea.property_id,"
    " CASE WHEN ea.arm = 'eligible' AND sp.uplift >= 0.15 THEN 'treat' ELSE 'hold' END,"
    " CASE WHEN ea.arm <> 'eligible' THEN ea.arm WHEN sp.uplift >= 0.15 THEN 'above_threshold' ELSE 'below_threshold' END,"
    " sp.uplift, CAST (sp.uplift * 20 AS INTEGER)"
    " FROM baseline_arms ea JOIN storm_properties sp ON sp.storm_id = ea.storm_id AND sp.property_id = ea.property_id"
    " WHERE ea.storm_id = %" G_GINT64_FORMAT "; COMMIT;\"", path, storm_id, storm_id);
  t0 = now_s ();
  if (!g_spawn_command_line_sync (cli, &cli_out, NULL, &status, &error) || status != 0)
    g_error ("sqlite3 CLI failed: %s", error ? error->message : cli_out);
  baseline_first_s = now_s () - t0;

  t0 = now_s ();
  preview = storm_policy_preview_load (db, storm_id, STORM_POLICY_DEFAULT_RCT_PCT, NULL, &error);
  check (preview != NULL, error);
  load_s = now_s () - t0;
  for (int i = 0; i <= 100; i++)
    {
      double e0 = now_s (), dt;
      StormPolicySummary s;

      storm_policy_preview_evaluate (preview, i / 200.0, 50, &s);
      dt = now_s () - e0;
      total_eval += dt;
      worst_eval = MAX (worst_eval, dt);
    }

  /* 100,000 outcomes, a tenth of them conversions. */
  check (storm_db_exec (db,
                        "INSERT INTO policy_outcomes (storm_id, property_id, converted, source) "
                        "SELECT 1, property_id, (property_id % 10) = 0, 'demo' FROM storm_properties "
                        "WHERE property_id % 10 < 1 OR property_id % 100 < 1 LIMIT 100000", &error), error);
  t0 = now_s ();
  check (storm_report_compute (db, storm_id, NULL, &report, &error), error);
  report_s = now_s () - t0;

  g_print ("\n%-46s %10s %10s %8s %8s\n", "measure", "StormOps", "baseline", "ratio", "target");
  g_print ("%-46s %9.3fs %9.3fs %7.2fx %8s\n", "apply policy, first (arms + decision log)", apply_s, baseline_first_s, apply_s / baseline_first_s, "-");
  g_print ("%-46s %9.3fs %9.3fs %7.2fx %8s\n", "apply policy, re-apply (full decision log)", reapply_s, baseline_s, reapply_s / baseline_s, "<=1.5x");
  g_print ("%-46s %9.3fs\n", "scenario preview: one-time load", load_s);
  g_print ("%-46s %8.4fms %10s %8s %8s\n", "scenario preview: worst threshold change", worst_eval * 1000, "", "", "<=50ms");
  g_print ("%-46s %8.4fms\n", "scenario preview: mean threshold change", total_eval * 1000 / 101);
  g_print ("%-46s %9.3fs %10s %8s %8s\n", "measurement report (100,000 outcomes)", report_s, "", "", "<=0.5s");
  g_print ("treat %" G_GINT64_FORMAT ", hold %" G_GINT64_FORMAT ", universal %" G_GINT64_FORMAT ", rct %" G_GINT64_FORMAT ", outcomes %" G_GINT64_FORMAT "\n",
           summary.n_treat, summary.n_hold, summary.n_universal, summary.n_rct, report.n_outcomes);

  g_clear_pointer (&db, storm_db_close);
  if (g_getenv ("STORMOPS_BENCH_KEEP") != NULL)
    {
      g_print ("database kept at %s\n", path);
      return 0;
    }
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *f = g_strconcat (path, suffixes[i], NULL);
        g_remove (f);
      }
    g_rmdir (dir);
  }
  return 0;
}
