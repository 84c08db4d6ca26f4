/* Routes benchmark: a storm with N treat doors (default 100,000) spread
 * over Dallas–Fort Worth in neighbourhood clusters, a quarter as many
 * held and control doors beside them, planned into routes of 50 from a
 * depot. Reports the planning time (target ≤ 5 s on 2 cores) and the
 * peak memory of the planning step (VmHWM after a reset; target
 * ≤ 500 MB), and compares the total distance with the plain baseline of
 * cutting a Hilbert-curve order of the doors into chunks of 50, each
 * ordered by the same tour code.
 *
 * Usage: bench-routes [N] [--threads T] [--no-depot] */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "storm-routes.h"
#include "storm-store-storms.h"
#include "storm-tour.h"

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static long
status_kb (const char *field)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  line = strstr (text, field);
  return line ? strtol (line + strlen (field) + 1, NULL, 10) : -1;
}

/* Linux: writing 5 to clear_refs resets VmHWM to the current RSS, so the
 * planner's own peak can be read afterwards. */
static gboolean
reset_peak (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (f == NULL)
    return FALSE;
  ok = fputs ("5", f) >= 0;
  return fclose (f) == 0 && ok;
}

static guint64
hilbert_d (guint32 x,
           guint32 y,
           guint   order)
{
  guint64 d = 0;

  for (guint32 s = 1u << (order - 1); s > 0; s >>= 1)
    {
      guint32 rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;

      d += (guint64) s * s * ((3 * rx) ^ ry);
      if (ry == 0)
        {
          if (rx == 1)
            {
              x = s - 1 - x;
              y = s - 1 - y;
            }
          {
            guint32 t = x;
            x = y;
            y = t;
          }
        }
    }
  return d;
}

typedef struct
{
  guint64 key;
  double  lat;
  double  lon;
} Keyed;

static int
keyed_cmp (const void *a, const void *b)
{
  const Keyed *ka = a, *kb = b;

  return ka->key < kb->key ? -1 : (ka->key > kb->key ? 1 : 0);
}

int
main (int argc, char *argv[])
{
  int threads = 0;
  gboolean no_depot = FALSE;
  GOptionEntry entries[] = {
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Planner threads (default: one per processor)", "T" },
    { "no-depot", 0, 0, G_OPTION_ARG_NONE, &no_depot, "Open routes, no depot", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[N]");
  g_autofree char *dir = g_dir_make_tmp ("stormops-bench-routes-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr(StormDb) db = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (2024);
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(sqlite3_stmt) prop = NULL;
  g_autoptr(sqlite3_stmt) sp = NULL;
  g_autoptr(sqlite3_stmt) decision = NULL;
  g_autoptr(sqlite3_stmt) doors = NULL;
  g_autoptr(GArray) keyed = g_array_new (FALSE, FALSE, sizeof (Keyed));
  g_auto(StormRoutePlanResult) result = { 0 };
  StormStormSpec spec = { .code = "BENCH_ROUTES", .name = "Routes bench storm" };
  StormRoutePlanParams params;
  GError *error = NULL;
  struct rusage usage;
  gint64 n, n_all, storm_id, execution_id;
  double t0, plan_s, replan_s, base_km = 0, min_lat = 32.55, max_lat = 33.25, min_lon = -97.55, max_lon = -96.55;
  long rss_before, hwm_plan;
  guint max_stops = 0, min_stops = G_MAXUINT;
  gboolean peak_reset;
  const guint n_hoods = 600;
  double hood_lat[600], hood_lon[600];

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  n = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 100000;
  n_all = n + n / 4;

  db = storm_db_open (path, &error);
  check (db != NULL, error);
  storm_id = storm_db_ensure_storm (db, &spec, NULL, &error);
  check (storm_id > 0, error);

  /* Neighbourhoods across the metro area; houses scattered around them. */
  for (guint h = 0; h < n_hoods; h++)
    {
      hood_lat[h] = g_rand_double_range (rand, min_lat, max_lat);
      hood_lon[h] = g_rand_double_range (rand, min_lon, max_lon);
    }
  t0 = now_s ();
  check (storm_db_begin (db, &error), error);
  check (storm_db_exec (db,
                        "INSERT INTO policy_executions (storm_id, mode, threshold, universal_pct, rct_pct, seed, actor) "
                        "VALUES (1, 'moderate', 0.15, 0.05, 0.10, 0, 'bench')", &error), error);
  execution_id = sqlite3_last_insert_rowid (storm_db_handle (db));
  prop = storm_db_prepare (db, "INSERT INTO properties (id, ext_id, address, city, zip, lat, lon) VALUES (?1, ?2, ?3, 'Dallas', '75201', ?4, ?5)", &error);
  sp = storm_db_prepare (db, "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate) VALUES (?1, ?2, ?3, 0.05)", &error);
  decision = storm_db_prepare (db,
                               "INSERT INTO policy_decisions_log (execution_id, property_id, decision, reason, uplift) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)", &error);
  check (prop != NULL && sp != NULL && decision != NULL, error);
  for (gint64 i = 1; i <= n_all; i++)
    {
      guint h = g_rand_int_range (rand, 0, n_hoods);
      double lat = CLAMP (hood_lat[h] + g_rand_double_range (rand, -1, 1) * 0.012, min_lat, max_lat);
      double lon = CLAMP (hood_lon[h] + g_rand_double_range (rand, -1, 1) * 0.014, min_lon, max_lon);
      double uplift = g_rand_double_range (rand, 0, 0.4);
      /* Every fifth door is held out (control or below threshold). */
      gboolean treat = (i % 5) != 0;
      g_autofree char *ext = g_strdup_printf ("B%07" G_GINT64_FORMAT, i);
      g_autofree char *address = g_strdup_printf ("%" G_GINT64_FORMAT " Elm St", i);

      sqlite3_bind_int64 (prop, 1, i);
      sqlite3_bind_text (prop, 2, ext, -1, SQLITE_STATIC);
      sqlite3_bind_text (prop, 3, address, -1, SQLITE_STATIC);
      sqlite3_bind_double (prop, 4, lat);
      sqlite3_bind_double (prop, 5, lon);
      check (storm_db_step_done (db, prop, &error), error);
      sqlite3_bind_int64 (sp, 1, storm_id);
      sqlite3_bind_int64 (sp, 2, i);
      sqlite3_bind_double (sp, 3, uplift);
      check (storm_db_step_done (db, sp, &error), error);
      sqlite3_bind_int64 (decision, 1, execution_id);
      sqlite3_bind_int64 (decision, 2, i);
      sqlite3_bind_text (decision, 3, treat ? "treat" : "hold", -1, SQLITE_STATIC);
      sqlite3_bind_text (decision, 4, treat ? "above_threshold" : (i % 10 == 0 ? "rct_control" : "below_threshold"), -1, SQLITE_STATIC);
      sqlite3_bind_double (decision, 5, uplift);
      check (storm_db_step_done (db, decision, &error), error);
    }
  check (storm_db_commit (db, &error), error);
  g_print ("setup: %" G_GINT64_FORMAT " properties (%" G_GINT64_FORMAT " treat) in %.2f s\n",
           n_all, storm_db_count_rows (db, "SELECT count (*) FROM policy_decisions_log WHERE decision = 'treat' AND execution_id = ?1", execution_id),
           now_s () - t0);

  storm_route_plan_params_init (&params);
  params.threads = threads;
  params.actor = "bench";
  if (!no_depot)
    {
      params.has_depot = TRUE;
      params.depot_lat = 32.7767;
      params.depot_lon = -96.7970;
    }

  rss_before = status_kb ("VmRSS:");
  peak_reset = reset_peak ();
  t0 = now_s ();
  check (storm_routes_plan (db, storm_id, &params, &result, NULL, NULL, &error), error);
  plan_s = now_s () - t0;
  hwm_plan = status_kb ("VmHWM:");
  getrusage (RUSAGE_SELF, &usage);

  routes = storm_routes_list (db, storm_id, FALSE, &error);
  check (routes != NULL, error);
  for (guint i = 0; i < routes->len; i++)
    {
      StormRoute *r = routes->pdata[i];

      max_stops = MAX (max_stops, r->n_stops);
      min_stops = MIN (min_stops, r->n_stops);
    }

  /* Re-planning: the first plan's routes become history. */
  t0 = now_s ();
  check (storm_routes_plan (db, storm_id, &params, NULL, NULL, NULL, &error), error);
  replan_s = now_s () - t0;

  /* Baseline: Hilbert order cut into chunks of the same cap. */
  doors = storm_db_prepare (db,
                            "SELECT p.lat, p.lon FROM policy_decisions_log d JOIN properties p ON p.id = d.property_id "
                            "WHERE d.execution_id = ?1 AND d.decision = 'treat'", &error);
  check (doors != NULL, error);
  sqlite3_bind_int64 (doors, 1, execution_id);
  while (sqlite3_step (doors) == SQLITE_ROW)
    {
      Keyed k;

      k.lat = sqlite3_column_double (doors, 0);
      k.lon = sqlite3_column_double (doors, 1);
      k.key = hilbert_d ((guint32) ((k.lon - min_lon) / (max_lon - min_lon) * 65535),
                         (guint32) ((k.lat - min_lat) / (max_lat - min_lat) * 65535), 16);
      g_array_append_val (keyed, k);
    }
  qsort (keyed->data, keyed->len, sizeof (Keyed), keyed_cmp);
  t0 = now_s ();
  for (guint first = 0; first < keyed->len; first += STORM_ROUTES_DEFAULT_DOORS_CAP)
    {
      guint m = MIN (STORM_ROUTES_DEFAULT_DOORS_CAP, keyed->len - first) + (no_depot ? 0 : 1);
      g_autofree double *lat = g_new (double, m);
      g_autofree double *lon = g_new (double, m);
      g_autofree guint *order = g_new (guint, m);
      guint off = no_depot ? 0 : 1;

      if (!no_depot)
        {
          lat[0] = params.depot_lat;
          lon[0] = params.depot_lon;
        }
      for (guint i = off; i < m; i++)
        {
          lat[i] = g_array_index (keyed, Keyed, first + i - off).lat;
          lon[i] = g_array_index (keyed, Keyed, first + i - off).lon;
        }
      base_km += storm_tour_solve_geo (lat, lon, m, no_depot ? -1 : 0, 1, MAX (100, 2 * m), order, NULL);
    }

  g_print ("\n%-44s %12s %10s\n", "measure", "value", "target");
  g_print ("%-44s %11.3fs %10s\n", "plan 100k-door storm (first plan)", plan_s, "<=5s");
  g_print ("%-44s %11.3fs %10s\n", "re-plan (previous routes to history)", replan_s, "<=5s");
  if (peak_reset && hwm_plan > 0)
    g_print ("%-44s %10.1fMB %10s\n", "peak memory while planning (VmHWM)", hwm_plan / 1024.0, "<=500MB");
  g_print ("%-44s %10.1fMB\n", "resident before planning (VmRSS)", rss_before / 1024.0);
  g_print ("%-44s %10.1fMB\n", "process peak incl. setup (ru_maxrss)", usage.ru_maxrss / 1024.0);
  g_print ("%-44s %12u\n", "routes", result.n_routes);
  g_print ("%-44s %12" G_GINT64_FORMAT "\n", "doors routed", result.n_routed);
  g_print ("%-44s %12u\n", "doors unassigned", result.unassigned->len);
  g_print ("%-44s %7u - %u %10s\n", "doors per route (min - max)", min_stops, max_stops, "<=50");
  g_print ("%-44s %11.1fkm\n", "total distance (bisection + tour)", result.total_km);
  g_print ("%-44s %11.1fkm (%.1f s)\n", "baseline: Hilbert chunks + tour", base_km, now_s () - t0);
  g_print ("%-44s %11.1f%%\n", "saving against the baseline", 100.0 * (base_km - result.total_km) / base_km);
  g_print ("%-44s %11.2fkm\n", "mean per route", result.total_km / MAX (result.n_routes, 1));

  g_clear_pointer (&routes, g_ptr_array_unref);
  g_clear_pointer (&prop, sqlite3_finalize);
  g_clear_pointer (&sp, sqlite3_finalize);
  g_clear_pointer (&decision, sqlite3_finalize);
  g_clear_pointer (&doors, sqlite3_finalize);
  g_clear_pointer (&db, storm_db_close);
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
