/* HTTP API load and abuse benchmark: 10,000 outcome requests (default)
 * from 8 concurrent clients against a server on 127.0.0.1, with 10 %
 * retried Idempotency-Keys and 5 % malformed, unknown-field or
 * unauthorized requests. Fails unless every request got the status it
 * must get, the database holds exactly one outcome and one key per
 * distinct request and the server still answers. Prints latency p50/p99
 * and throughput beside the baseline: the same outcomes written by
 * direct core calls, one durable transaction each, as the server does
 * but without HTTP, JSON, authentication or the request log.
 *
 * Usage: bench-api [N_REQUESTS] [N_CLIENTS] */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../api-test-util.h"
#include "storm-api-idempotency.h"
#include "storm-api-server.h"
#include "storm-api-token.h"
#include "storm-demo.h"
#include "storm-outcomes.h"
#include "storm-store-storms.h"

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

static gint64
query_int (StormDb    *db,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("query failed: %s", sql);
  return sqlite3_column_int64 (stmt, 0);
}

/* A database in @dir with the demo storm of @n properties, and the ext
 * ids of its properties in order. */
static StormStore *
make_store (const char *dir,
            const char *name,
            gint64      n,
            GPtrArray  *ext_ids)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  StormDemoOptions options = { .n_properties = n, .seed = 24 };
  StormStore *store = storm_store_open (path, &error);

  check (store != NULL, error);
  check (storm_demo_generate (storm_store_get_db (store), &options, NULL, NULL, &error), error);
  stmt = storm_db_prepare (storm_store_get_db (store), "SELECT ext_id FROM properties ORDER BY id", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ext_ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  g_ptr_array_add (ext_ids, NULL);
  return store;
}

static int
compare_us (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The floor: each outcome and its key in one transaction with a full
 * sync, straight through the core functions. */
static void
baseline (StormDb             *db,
          const char * const  *ext_ids,
          guint                n,
          double              *p50_ms,
          double              *p99_ms,
          double              *per_s)
{
  g_autofree gint64 *lat = g_new (gint64, n);
  gint64 storm_id = storm_db_find_storm (db, STORM_DEMO_CODE);
  gint64 t_start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("base-%u", i);
      g_autofree char *at = g_strdup_printf ("2024-05-%02uT15:00:00Z", 1 + i % 28);
      gint64 t0 = g_get_monotonic_time ();
      StormOutcome outcome = {
        .property_id = storm_db_property_by_ext_id (db, ext_ids[i]),
        .converted = i % 3 == 0,
        .value = i % 3 == 0 ? 8000 + i % 5000 : 0,
        .occurred_at = at,
        .source = "api",
        .actor = "api:baseline",
      };

      check (storm_db_exec (db, "PRAGMA synchronous = FULL", &error), error);
      check (storm_db_begin (db, &error), error);
      check (storm_outcome_record (db, storm_id, &outcome, NULL, &error), error);
      check (storm_api_idempotency_store (db, key, "hash", 201, "{}", &error), error);
      check (storm_db_commit (db, &error), error);
      check (storm_db_exec (db, "PRAGMA synchronous = NORMAL", &error), error);
      lat[i] = g_get_monotonic_time () - t0;
    }
  *per_s = n / ((g_get_monotonic_time () - t_start) / 1e6);
  qsort (lat, n, sizeof *lat, compare_us);
  *p50_ms = lat[(guint) (0.50 * (n - 1) + 0.5)] / 1000.0;
  *p99_ms = lat[(guint) (0.99 * (n - 1) + 0.5)] / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  guint n_requests = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint n_clients = argc > 2 ? (guint) atoi (argv[2]) : 8;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stormops-bench-api-XXXXXX", &error);
  g_autofree char *token_path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GPtrArray) ext_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) base_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StormStore) store = NULL;
  g_autoptr(StormStore) base_store = NULL;
  g_autoptr(StormApiServer) server = NULL;
  LoadRun run = { 0 };
  guint n_replayed = 0, wrong;
  gint64 n_outcomes, n_keys, n_distinct;
  double b50, b99, bps, p50, p99, rps;
  gboolean healthy;

  check (dir != NULL, error);
  /* Properties enough for every distinct request (90 % of them) and one. */
  store = make_store (dir, "api.db", n_requests, ext_ids);
  token_path = g_build_filename (dir, "api-token", NULL);
  token = storm_api_token_load (token_path, TRUE, &error);
  check (token != NULL, error);
  server = storm_api_server_new (store, token);
  check (storm_api_server_start (server, "127.0.0.1", 0, &error), error);
  base = g_strdup_printf ("http://127.0.0.1:%u/api/v1", storm_api_server_get_port (server));

  run.base_url = base;
  run.token = token;
  run.storm = STORM_DEMO_CODE;
  run.ext_ids = (const char * const *) ext_ids->pdata;
  run.n_requests = n_requests;
  run.n_clients = n_clients;
  load_plan (&run);
  if (run.n_good + 1 > ext_ids->len - 1)
    g_error ("not enough properties");
  load_run (&run);

  wrong = load_n_wrong (&run);
  for (guint i = 0; i < run.n_requests; i++)
    n_replayed += run.requests[i].replayed;
  n_outcomes = query_int (storm_store_get_db (store), "SELECT count (*) FROM policy_outcomes WHERE source = 'api'");
  n_distinct = query_int (storm_store_get_db (store),
                          "SELECT count (DISTINCT property_id) FROM policy_outcomes WHERE source = 'api'");
  n_keys = query_int (storm_store_get_db (store), "SELECT count (*) FROM api_idempotency_keys");
  p50 = load_latency_ms (&run, 0.50);
  p99 = load_latency_ms (&run, 0.99);
  rps = run.n_requests / run.elapsed_s;
  healthy = load_health (&run) == 200;

  base_store = make_store (dir, "baseline.db", run.n_good, base_ids);
  baseline (storm_store_get_db (base_store), (const char * const *) base_ids->pdata, run.n_good, &b50, &b99, &bps);

  g_print ("HTTP API load: %u requests from %u clients in %.2f s\n", run.n_requests, run.n_clients, run.elapsed_s);
  g_print ("  distinct %u, retried keys %u (replayed %u), bad %u (unauthorized %u)\n",
           run.n_good, run.n_duplicates, n_replayed, run.n_bad, run.n_unauthorized);
  g_print ("  wrong statuses %u; outcomes %lld (distinct properties %lld), keys %lld; server up: %s; "
           "unauthorized counted %llu\n",
           wrong, (long long) n_outcomes, (long long) n_distinct, (long long) n_keys, healthy ? "yes" : "no",
           (unsigned long long) storm_api_server_get_n_unauthorized (server));
  g_print ("\n%-34s %10s %10s %12s\n", "", "p50 ms", "p99 ms", "per second");
  g_print ("%-34s %10.2f %10.2f %12.0f\n", "API (HTTP, all requests)", p50, p99, rps);
  g_print ("%-34s %10.2f %10.2f %12.0f\n", "baseline (direct durable writes)", b50, b99, bps);
  g_print ("%-34s %10.2f %10.2f %12.2f\n", "ratio API / baseline", p50 / b50, p99 / b99, rps / bps);

  g_free (run.requests);
  storm_api_server_stop (server);
  if (wrong != 0 || n_outcomes != run.n_good || n_distinct != run.n_good || n_keys != run.n_good ||
      n_replayed != run.n_duplicates || !healthy ||
      storm_api_server_get_n_unauthorized (server) != run.n_unauthorized)
    {
      g_printerr ("FAILED: the database or the statuses are not what the requests must give\n");
      return 1;
    }
  g_clear_object (&server);
  g_clear_object (&store);
  g_clear_object (&base_store);
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
  return 0;
}
