/* Ops health and the sales leak on an operator's large database:
 * 100,000 leads, 1,000,000 stage-history rows, 100,000 runs, 20,000
 * proposals. Prints the median of 5 computations of each beside the
 * baseline, the bare SQL pass over the same rows (a count of the history
 * and a GROUP BY of the runs), and their ratio. The budget is
 * 200 ms each; the benchmark fails above it.
 *
 * Usage: bench-dashboards [N_LEADS [DB]]; with DB the database is
 * written there and kept, to look at query plans. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "storm-dash-private.h"
#include "storm-ops-health.h"
#include "storm-sales-leak.h"

#define BUDGET_MS 200.0
#define REPEATS 5

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

typedef gboolean (*Work) (StormDb *db, gint64 now, gpointer data);

static double
median_ms (StormDb  *db,
           gint64    now,
           Work      work,
           gpointer  data)
{
  double ms[REPEATS];

  for (int i = 0; i < REPEATS; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!work (db, now, data))
        g_error ("computation failed");
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (ms, REPEATS, sizeof (double), compare_double);
  return ms[REPEATS / 2];
}

static gboolean
ops_health (StormDb  *db,
            gint64    now,
            gpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormOpsHealth) health = storm_ops_health_compute (db, now, 7, &error);

  return health != NULL && health->n_attention > 0;
}

static gboolean
sales_leak (StormDb  *db,
            gint64    now,
            gpointer  data)
{
  int days = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(StormSalesLeak) leak = storm_sales_leak_compute (db, now - (gint64) days * 86400, now + 1, now, &error);

  return leak != NULL && leak->stages->len == 8;
}

static gboolean
baseline (StormDb  *db,
          gint64    now,
          gpointer  data)
{
  return storm_db_count_rows (db, "SELECT count (*) FROM lead_stage_history WHERE at >= '2000'", 0) > 0 &&
         storm_db_count_rows (db, "SELECT count (*) FROM (SELECT kind, max (started_at) FROM runs GROUP BY kind)", 0) > 0;
}

int
main (int    argc,
      char **argv)
{
  gint64 n_leads = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = g_dir_make_tmp ("stormops-bench-dash-XXXXXX", NULL);
  g_autofree char *path = argc > 2 ? g_strdup (argv[2]) : g_build_filename (dir, "bench.db", NULL);
  g_autofree char *now_iso = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  gint64 now = 1781524800; /* 2026-06-15T12:00:00Z */
  gint64 start;
  double base, ops, leak30, leak365;
  gboolean ok;

  db = storm_db_open (path, &error);
  check (db != NULL, error);
  now_iso = _storm_dash_iso (now);

  start = g_get_monotonic_time ();
  check (storm_db_begin (db, &error), error);
  /* Each lead walks the seven stages and, one in eight, is lost; ten
   * history rows on average (with back-and-forth moves), spread over a
   * year before "now". */
  sql = g_strdup_printf (
    "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %lld) "
    "INSERT INTO leads (id, title, stage, value, created_at, stage_entered_at, last_contact_at) "
    "SELECT i, 'Lead ' || i, "
    "  CASE i %% 8 WHEN 0 THEN 'NEW' WHEN 1 THEN 'CONTACTED' WHEN 2 THEN 'QUALIFIED' WHEN 3 THEN 'PROPOSAL_SENT' "
    "    WHEN 4 THEN 'APPROVED' WHEN 5 THEN 'BUILDING' WHEN 6 THEN 'SHIPPED' ELSE 'LOST' END, "
    "  1000 + i %% 5000, "
    "  strftime ('%%Y-%%m-%%dT%%H:%%M:%%SZ', '%s', printf ('-%%d minutes', (i * 7919) %% 525600)), "
    "  strftime ('%%Y-%%m-%%dT%%H:%%M:%%SZ', '%s', printf ('-%%d minutes', (i * 7919) %% 525600 / 3)), "
    "  strftime ('%%Y-%%m-%%dT%%H:%%M:%%SZ', '%s', printf ('-%%d minutes', (i * 104729) %% 43200)) "
    "FROM n;"
    "WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9) "
    "INSERT INTO lead_stage_history (lead_id, from_stage, to_stage, at) "
    "SELECT l.id, NULL, "
    "  CASE (n.i + l.id) %% 8 WHEN 0 THEN 'NEW' WHEN 1 THEN 'CONTACTED' WHEN 2 THEN 'QUALIFIED' "
    "    WHEN 3 THEN 'PROPOSAL_SENT' WHEN 4 THEN 'APPROVED' WHEN 5 THEN 'BUILDING' WHEN 6 THEN 'SHIPPED' ELSE 'LOST' END, "
    "  strftime ('%%Y-%%m-%%dT%%H:%%M:%%SZ', l.created_at, printf ('+%%d hours', n.i * 19)) "
    "FROM leads l, n;"
    "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
    "INSERT INTO runs (kind, source, started_at, finished_at, status, duration_ms, error) "
    "SELECT 'pipeline-' || (i %% 12), 'external', "
    "  strftime ('%%Y-%%m-%%dT%%H:%%M:%%SZ', '%s', printf ('-%%d minutes', i * 13 %% 129600)), "
    "  strftime ('%%Y-%%m-%%dT%%H:%%M:%%SZ', '%s', printf ('-%%d minutes', i * 13 %% 129600 - 1)), "
    "  CASE WHEN i %% 20 = 0 THEN 'fail' WHEN i %% 33 = 0 THEN 'partial' ELSE 'success' END, "
    "  i %% 20000, CASE WHEN i %% 20 = 0 THEN 'timeout' END "
    "FROM n;"
    "INSERT INTO integrations (name, run_kind, expected_interval_s) "
    "SELECT 'Pipeline ' || k, 'pipeline-' || k, 3600 FROM (SELECT DISTINCT (rowid %% 12) AS k FROM runs LIMIT 12);"
    "INSERT INTO approvals (id, kind, subject_id, approved_by, approved_at) "
    "SELECT id, 'proposal_send', id, 'Bench Person', '2000-01-01T00:00:00Z' FROM leads WHERE id %% 5 = 0;"
    "INSERT INTO proposals (id, lead_id, created_at, sent_at) "
    "SELECT id, id, created_at, created_at FROM leads WHERE id %% 5 = 0;",
    (long long) n_leads, now_iso, now_iso, now_iso, now_iso, now_iso);
  ok = storm_db_exec (db, sql, &error);
  check (ok, error);
  check (storm_db_commit (db, &error), error);
  check (storm_db_exec (db, "ANALYZE", &error), error);
  printf ("setup: %lld leads, %lld history rows, %lld runs, %lld proposals in %.1f s\n",
          (long long) storm_db_count_rows (db, "SELECT count (*) FROM leads", 0),
          (long long) storm_db_count_rows (db, "SELECT count (*) FROM lead_stage_history", 0),
          (long long) storm_db_count_rows (db, "SELECT count (*) FROM runs", 0),
          (long long) storm_db_count_rows (db, "SELECT count (*) FROM proposals", 0),
          (g_get_monotonic_time () - start) / 1e6);

  base = median_ms (db, now, baseline, NULL);
  ops = median_ms (db, now, ops_health, NULL);
  leak30 = median_ms (db, now, sales_leak, GINT_TO_POINTER (30));
  leak365 = median_ms (db, now, sales_leak, GINT_TO_POINTER (365));
  printf ("%-28s %10s %10s %8s\n", "median of 5", "ms", "baseline", "ratio");
  printf ("%-28s %10.1f %10.1f %7.1fx\n", "ops health", ops, base, ops / base);
  printf ("%-28s %10.1f %10.1f %7.1fx\n", "sales leak, 30 days", leak30, base, leak30 / base);
  printf ("%-28s %10.1f %10.1f %7.1fx\n", "sales leak, 365 days", leak365, base, leak365 / base);

  storm_db_close (g_steal_pointer (&db));
  if (argc > 2)
    g_rmdir (dir);
  else
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (path);
    g_remove (wal);
    g_remove (shm);
    g_rmdir (dir);
  }
  if (ops > BUDGET_MS || leak30 > BUDGET_MS)
    {
      printf ("over the %.0f ms budget\n", BUDGET_MS);
      return 1;
    }
  return 0;
}
