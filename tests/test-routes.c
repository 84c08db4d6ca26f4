#include "config.h"

#include <math.h>
#include <string.h>

#include "storm-error.h"
#include "storm-import.h"
#include "storm-routes.h"
#include "storm-tour.h"
#include "routes-test-util.h"

#define N_PROPS 1200

static void
setup_storm (RoutesFixture *f,
             gconstpointer  data)
{
  routes_fixture_setup (f, data);
  routes_fixture_add_storm (f, N_PROPS);
}

static void
setup_policy (RoutesFixture *f,
              gconstpointer  data)
{
  setup_storm (f, data);
  routes_fixture_apply_policy (f);
}

static gint64
n_treat (RoutesFixture *f)
{
  return query_int (f->db,
                    "SELECT count (*) FROM policy_decisions_log d JOIN policy_executions e ON e.id = d.execution_id "
                    "WHERE e.storm_id = ?1 AND e.is_current = 1 AND d.decision = 'treat'", f->storm_id);
}

static void
plan (RoutesFixture        *f,
      StormRoutePlanParams *params,
      StormRoutePlanResult *result)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_routes_plan (f->db, f->storm_id, params, result, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The invariants of every plan: no door twice on the current routes, none
 * over the cap, stops numbered 1…n, and as planned (before manual moves)
 * the new routes' sizes within one door of each other. */
static void
check_current_routes (RoutesFixture *f,
                      guint          cap,
                      gboolean       balanced)
{
  g_autoptr(GPtrArray) routes = storm_routes_list (f->db, f->storm_id, FALSE, NULL);
  guint min_new = G_MAXUINT, max_new = 0;

  g_assert_nonnull (routes);
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) - count (DISTINCT s.property_id) FROM route_stops s "
                              "JOIN routes r ON r.id = s.route_id WHERE r.storm_id = ?1 AND r.is_current = 1",
                              f->storm_id), ==, 0);
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM (SELECT route_id, count (*) AS n, max (seq) AS m FROM route_stops "
                              "GROUP BY route_id HAVING n <> m)", 0), ==, 0);
  for (guint i = 0; i < routes->len; i++)
    {
      StormRoute *r = routes->pdata[i];

      g_assert_cmpuint (r->n_stops, <=, r->doors_cap);
      g_assert_cmpuint (r->n_stops, <=, cap);
      g_assert_cmpuint (r->n_stops, >, 0);
      if (!r->locked)
        {
          min_new = MIN (min_new, r->n_stops);
          max_new = MAX (max_new, r->n_stops);
        }
    }
  if (balanced && max_new > 0)
    g_assert_cmpuint (max_new - min_new, <=, 1);
}

#define assert_current_routes_valid(f, cap) check_current_routes ((f), (cap), TRUE)

static void
test_no_policy (RoutesFixture *f,
                gconstpointer  data)
{
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autofree char *salt = storm_db_get_setting (f->db, "policy_salt");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 universal;

  storm_route_plan_params_init (&params);
  plan (f, &params, &result);
  g_assert_true (result.all_properties);
  g_assert_cmpint (result.execution_id, ==, 0);

  /* The universal control group, by the same hash as the policy engine. */
  stmt = storm_db_prepare (f->db,
                           "SELECT count (*) FROM properties WHERE storm_unit (?1, ext_id) < 0.05", NULL);
  sqlite3_bind_text (stmt, 1, salt, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  universal = sqlite3_column_int64 (stmt, 0);
  g_assert_cmpint (universal, >, 0);
  g_assert_cmpint (result.n_excluded_control, ==, universal);
  g_assert_cmpint (result.n_candidates, ==, N_PROPS - universal);
  g_assert_cmpint (result.n_routed, ==, N_PROPS - universal);
  g_assert_cmpuint (result.unassigned->len, ==, 0);
  g_assert_cmpuint (result.n_routes, ==, (N_PROPS - universal + 49) / 50);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_stops", 0), ==, N_PROPS - universal);
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = storm_db_prepare (f->db,
                           "SELECT count (*) FROM route_stops s JOIN properties p ON p.id = s.property_id "
                           "WHERE storm_unit (?1, p.ext_id) < 0.05", NULL);
  sqlite3_bind_text (stmt, 1, salt, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT all_properties FROM route_plans WHERE id = ?1", result.plan_id), ==, 1);
  assert_current_routes_valid (f, 50);
}

static void
test_treat_only (RoutesFixture *f,
                 gconstpointer  data)
{
  const guint caps[] = { 50, 7, 1000 };
  gint64 treat = n_treat (f);

  g_assert_cmpint (treat, >, 300);
  for (guint c = 0; c < G_N_ELEMENTS (caps); c++)
    {
      StormRoutePlanParams params;
      g_auto(StormRoutePlanResult) result = { 0 };

      storm_route_plan_params_init (&params);
      params.doors_cap = caps[c];
      plan (f, &params, &result);
      g_assert_false (result.all_properties);
      g_assert_cmpint (result.execution_id, >, 0);
      g_assert_cmpint (result.n_candidates, ==, treat);
      g_assert_cmpint (result.n_routed, ==, treat);
      g_assert_cmpuint (result.unassigned->len, ==, 0);
      g_assert_cmpuint (result.n_routes, ==, (treat + caps[c] - 1) / caps[c]);

      /* Every treat door exactly once, and nothing else. */
      g_assert_cmpint (query_int (f->db,
                                  "SELECT count (*) FROM route_stops s JOIN routes r ON r.id = s.route_id "
                                  "WHERE r.is_current = 1 AND r.storm_id = ?1", f->storm_id), ==, treat);
      g_assert_cmpint (query_int (f->db,
                                  "SELECT count (*) FROM route_stops s JOIN routes r ON r.id = s.route_id "
                                  "JOIN policy_decisions_log d ON d.execution_id = r.execution_id AND d.property_id = s.property_id "
                                  "WHERE r.is_current = 1 AND r.storm_id = ?1 AND d.decision = 'treat'", f->storm_id), ==, treat);
      /* No control or held-out door on any route, past or current. */
      g_assert_cmpint (query_int (f->db,
                                  "SELECT count (*) FROM route_stops s JOIN policy_decisions_log d ON d.property_id = s.property_id "
                                  "JOIN policy_executions e ON e.id = d.execution_id AND e.is_current = 1 "
                                  "WHERE d.decision <> 'treat'", 0), ==, 0);
      g_assert_cmpint (query_int (f->db,
                                  "SELECT count (*) FROM route_stops s JOIN experiment_assignments a ON a.property_id = s.property_id "
                                  "WHERE a.arm <> 'eligible'", 0), ==, 0);
      g_assert_cmpint (query_int (f->db,
                                  "SELECT max (n) FROM (SELECT count (*) AS n FROM route_stops s "
                                  "JOIN routes r ON r.id = s.route_id WHERE r.is_current = 1 GROUP BY s.route_id)", 0),
                       <=, caps[c]);
      assert_current_routes_valid (f, caps[c]);
    }
  /* Three plans: the first two are history now, with their stops. */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_plans WHERE storm_id = ?1", f->storm_id), ==, 3);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_stops", 0), ==, 3 * treat);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE action = 'routes-plan' AND status = 'ok'", 0), ==, 3);
}

static void
test_unassigned (RoutesFixture *f,
                 gconstpointer  data)
{
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 treat = n_treat (f);
  gint64 lost = query_int (f->db,
                           "SELECT min (d.property_id) FROM policy_decisions_log d JOIN policy_executions e ON e.id = d.execution_id "
                           "WHERE e.is_current = 1 AND d.decision = 'treat'", 0);
  g_autofree char *sql = g_strdup_printf ("UPDATE properties SET lat = 0, lon = 0 WHERE id = %" G_GINT64_FORMAT, lost);
  double min_routed, max_over = -1;
  guint n_no_location = 0, n_over = 0;

  g_assert_true (storm_db_exec (f->db, sql, &error));
  storm_route_plan_params_init (&params);
  params.n_crews = 3;
  params.doors_cap = 10;
  plan (f, &params, &result);

  g_assert_cmpuint (result.n_routes, ==, 3);
  g_assert_cmpint (result.n_routed, ==, 30);
  g_assert_cmpuint (result.unassigned->len, ==, treat - 30);
  for (guint i = 0; i < result.unassigned->len; i++)
    {
      StormRouteUnassigned *u = &g_array_index (result.unassigned, StormRouteUnassigned, i);

      if (u->reason == STORM_ROUTE_UNASSIGNED_NO_LOCATION)
        {
          g_assert_cmpint (u->property_id, ==, lost);
          n_no_location++;
        }
      else
        {
          g_assert_cmpint (u->reason, ==, STORM_ROUTE_UNASSIGNED_OVER_CAPACITY);
          n_over++;
        }
      if (i > 0)
        g_assert_cmpint (u->property_id, >, g_array_index (result.unassigned, StormRouteUnassigned, i - 1).property_id);
    }
  g_assert_cmpuint (n_no_location, ==, 1);
  g_assert_cmpuint (n_over, ==, treat - 31);
  /* Routed + unassigned = every treat door: none dropped silently. */
  g_assert_cmpint (result.n_routed + result.unassigned->len, ==, treat);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_unassigned WHERE plan_id = ?1", result.plan_id), ==, treat - 30);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_unassigned WHERE reason = 'no_location'", 0), ==, 1);

  /* The crews get the most valuable doors. */
  {
    g_autoptr(sqlite3_stmt) routed = storm_db_prepare (f->db,
      "SELECT min (sp.uplift) FROM route_stops s JOIN storm_properties sp ON sp.property_id = s.property_id", NULL);
    g_autoptr(sqlite3_stmt) over = storm_db_prepare (f->db,
      "SELECT max (sp.uplift) FROM route_unassigned u JOIN storm_properties sp ON sp.property_id = u.property_id "
      "WHERE u.reason = 'over_capacity'", NULL);

    g_assert_cmpint (sqlite3_step (routed), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_step (over), ==, SQLITE_ROW);
    min_routed = sqlite3_column_double (routed, 0);
    max_over = sqlite3_column_double (over, 0);
    g_assert_cmpfloat (min_routed, >=, max_over);
  }
  assert_current_routes_valid (f, 10);
}

static void
test_zip_filter (RoutesFixture *f,
                 gconstpointer  data)
{
  const char * const zips[] = { "75201", "75203", NULL };
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  gint64 expected = query_int (f->db,
                               "SELECT count (*) FROM policy_decisions_log d JOIN policy_executions e ON e.id = d.execution_id "
                               "JOIN properties p ON p.id = d.property_id "
                               "WHERE e.is_current = 1 AND d.decision = 'treat' AND p.zip IN ('75201', '75203')", 0);

  storm_route_plan_params_init (&params);
  params.zips = zips;
  plan (f, &params, &result);
  g_assert_cmpint (result.n_routed, ==, expected);
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM route_stops s JOIN properties p ON p.id = s.property_id "
                              "WHERE p.zip NOT IN ('75201', '75203')", 0), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_plans WHERE zips = '75201,75203'", 0), ==, 1);
}

static char *
plan_signature (RoutesFixture *f,
                gint64         plan_id)
{
  /* Route order, stop order and doors of a plan, route ids aside. */
  return query_text (f->db,
                     "SELECT group_concat (r.name || ':' || s.seq || ':' || s.property_id, ',') FROM "
                     "(SELECT * FROM route_stops ORDER BY route_id, seq) s JOIN routes r ON r.id = s.route_id "
                     "WHERE r.plan_id = ?1", plan_id);
}

static void
test_deterministic (RoutesFixture *f,
                    gconstpointer  data)
{
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) a = { 0 };
  g_auto(StormRoutePlanResult) b = { 0 };
  g_auto(StormRoutePlanResult) c = { 0 };
  g_autofree char *sig_a = NULL;
  g_autofree char *sig_b = NULL;
  g_autofree char *sig_c = NULL;

  storm_route_plan_params_init (&params);
  params.seed = 99;
  params.threads = 2;
  plan (f, &params, &a);
  params.threads = 1;
  plan (f, &params, &b);
  sig_a = plan_signature (f, a.plan_id);
  sig_b = plan_signature (f, b.plan_id);
  g_assert_cmpstr (sig_a, ==, sig_b);
  g_assert_cmpfloat (a.total_km, ==, b.total_km);

  /* Another seed orders some routes differently but keeps the clusters. */
  params.seed = 100;
  plan (f, &params, &c);
  sig_c = plan_signature (f, c.plan_id);
  g_assert_cmpuint (strlen (sig_c), >, 0);
  g_assert_cmpint (c.n_routed, ==, a.n_routed);
  assert_current_routes_valid (f, 50);
}

static gint64
route_by_name (RoutesFixture *f,
               const char    *name)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (f->db,
    "SELECT id FROM routes WHERE storm_id = ?1 AND is_current = 1 AND name = ?2", NULL);

  sqlite3_bind_int64 (stmt, 1, f->storm_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
test_locked_kept (RoutesFixture *f,
                  gconstpointer  data)
{
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) first = { 0 };
  g_auto(StormRoutePlanResult) second = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routes = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 locked_id, treat = n_treat (f), locked_stops;

  storm_route_plan_params_init (&params);
  plan (f, &params, &first);
  locked_id = route_by_name (f, "Route 2");
  g_assert_true (storm_routes_set_crew (f->db, locked_id, "Ana", "es", &error));
  g_assert_true (storm_routes_set_locked (f->db, locked_id, TRUE, &error));
  g_assert_no_error (error);
  locked_stops = query_int (f->db, "SELECT count (*) FROM route_stops WHERE route_id = ?1", locked_id);
  before = query_text (f->db, "SELECT group_concat (property_id || '@' || seq) FROM route_stops WHERE route_id = ?1", locked_id);

  params.seed = 7;
  plan (f, &params, &second);
  g_assert_cmpuint (second.n_locked_routes, ==, 1);
  g_assert_cmpint (second.n_on_locked, ==, locked_stops);
  g_assert_cmpint (second.n_candidates, ==, treat);
  g_assert_cmpint (second.n_routed, ==, treat - locked_stops);

  /* The locked route is untouched and still current. */
  after = query_text (f->db, "SELECT group_concat (property_id || '@' || seq) FROM route_stops WHERE route_id = ?1", locked_id);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (query_int (f->db, "SELECT is_current FROM routes WHERE id = ?1", locked_id), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT locked FROM routes WHERE id = ?1", locked_id), ==, 1);
  /* The other routes of the first plan are history, their stops kept. */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM routes WHERE plan_id = ?1 AND is_current = 1", first.plan_id), ==, 1);
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM route_stops s JOIN routes r ON r.id = s.route_id WHERE r.plan_id = ?1",
                              first.plan_id), ==, treat);
  /* Current routes: the locked one plus the new ones, every treat door once. */
  g_assert_cmpint (query_int (f->db,
                              "SELECT count (*) FROM route_stops s JOIN routes r ON r.id = s.route_id "
                              "WHERE r.storm_id = ?1 AND r.is_current = 1", f->storm_id), ==, treat);
  /* New names do not reuse the locked route's. */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM routes WHERE is_current = 1 AND name = 'Route 2'", 0), ==, 1);
  routes = storm_routes_list (f->db, f->storm_id, FALSE, &error);
  g_assert_cmpuint (routes->len, ==, second.n_routes + 1);
  for (guint i = 0; i < routes->len; i++)
    {
      StormRoute *r = routes->pdata[i];

      if (r->id == locked_id)
        {
          g_assert_cmpstr (r->crew, ==, "Ana");
          g_assert_cmpstr (r->crew_language, ==, "es");
        }
    }
  assert_current_routes_valid (f, 50);
}

static void
assert_route_measures (RoutesFixture *f,
                       gint64         route_id)
{
  g_autoptr(StormRoute) route = storm_routes_get (f->db, route_id, NULL);
  g_autoptr(GPtrArray) stops = storm_routes_get_stops (f->db, route_id, NULL);
  double sum = 0;

  for (guint i = 0; i < stops->len; i++)
    {
      StormRouteStop *s = stops->pdata[i];
      double expected;

      g_assert_cmpuint (s->seq, ==, i + 1);
      if (i > 0)
        expected = storm_tour_haversine_km (((StormRouteStop *) stops->pdata[i - 1])->lat,
                                            ((StormRouteStop *) stops->pdata[i - 1])->lon, s->lat, s->lon);
      else
        expected = route->has_depot ? storm_tour_haversine_km (route->depot_lat, route->depot_lon, s->lat, s->lon) : 0;
      g_assert_cmpfloat_with_epsilon (s->leg_km, expected, 1e-9);
      sum += s->leg_km;
    }
  if (route->has_depot && stops->len > 0)
    sum += storm_tour_haversine_km (((StormRouteStop *) stops->pdata[stops->len - 1])->lat,
                                    ((StormRouteStop *) stops->pdata[stops->len - 1])->lon,
                                    route->depot_lat, route->depot_lon);
  g_assert_cmpfloat_with_epsilon (route->total_km, sum, 1e-6);
  g_assert_cmpfloat_with_epsilon (route->est_minutes,
                                  route->total_km / route->pace_kmh * 60 + stops->len * route->minutes_per_door, 1e-6);
}

static void
test_depot (RoutesFixture *f,
            gconstpointer  data)
{
  StormRouteSettings settings;
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routes = NULL;

  g_assert_true (storm_routes_get_settings (f->db, f->storm_id, &settings, &error));
  g_assert_false (settings.has_depot);
  g_assert_cmpuint (settings.doors_cap, ==, 50);
  settings.has_depot = TRUE;
  settings.depot_lat = 32.7767;
  settings.depot_lon = -96.7970;
  settings.doors_cap = 40;
  settings.pace_kmh = 5;
  settings.minutes_per_door = 3;
  g_assert_true (storm_routes_set_settings (f->db, f->storm_id, &settings, &error));
  settings.pace_kmh = 0;
  g_assert_false (storm_routes_set_settings (f->db, f->storm_id, &settings, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_clear_error (&error);

  storm_route_plan_params_init (&params);
  plan (f, &params, &result);
  routes = storm_routes_list (f->db, f->storm_id, FALSE, &error);
  g_assert_cmpuint (routes->len, ==, (n_treat (f) + 39) / 40);
  for (guint i = 0; i < routes->len; i++)
    {
      StormRoute *r = routes->pdata[i];

      g_assert_true (r->has_depot);
      g_assert_cmpfloat (r->depot_lat, ==, 32.7767);
      g_assert_cmpuint (r->doors_cap, ==, 40);
      g_assert_cmpfloat (r->pace_kmh, ==, 5);
      g_assert_cmpfloat (r->minutes_per_door, ==, 3);
      assert_route_measures (f, r->id);
    }
  assert_current_routes_valid (f, 40);
}

static void
test_edits (RoutesFixture *f,
            gconstpointer  data)
{
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) first = { 0 };
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(StormRoute) r1 = NULL;
  g_autoptr(StormRoute) r2 = NULL;
  gint64 a, b, c, moved, old_route;
  guint seq = 0, n_a, n_b;

  /* A plan that becomes history, then one with room in its routes. */
  storm_route_plan_params_init (&params);
  plan (f, &params, &first);
  old_route = query_int (f->db, "SELECT min (id) FROM routes WHERE plan_id = ?1", first.plan_id);
  params.doors_cap = 60;
  params.has_depot = TRUE;
  params.depot_lat = 32.84;
  params.depot_lon = -96.80;
  plan (f, &params, &result);
  a = route_by_name (f, "Route 1");
  b = route_by_name (f, "Route 2");
  c = route_by_name (f, "Route 3");
  n_a = query_int (f->db, "SELECT count (*) FROM route_stops WHERE route_id = ?1", a);
  n_b = query_int (f->db, "SELECT count (*) FROM route_stops WHERE route_id = ?1", b);
  g_assert_cmpuint (n_b, <, 60);

  /* Move stop 3 of A into B where it costs least. */
  moved = query_int (f->db, "SELECT property_id FROM route_stops WHERE route_id = ?1 AND seq = 3", a);
  g_assert_true (storm_routes_move_stop (f->db, a, 3, b, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (storm_routes_find_stop (f->db, f->storm_id, moved, &seq, &error), ==, b);
  g_assert_cmpuint (seq, >=, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_stops WHERE route_id = ?1", a), ==, n_a - 1);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_stops WHERE route_id = ?1", b), ==, n_b + 1);
  assert_route_measures (f, a);
  assert_route_measures (f, b);

  /* And back, to a given place: stop 1 of A. */
  g_assert_true (storm_routes_move_stop (f->db, b, seq, a, 1, &error));
  g_assert_cmpint (query_int (f->db, "SELECT property_id FROM route_stops WHERE route_id = ?1 AND seq = 1", a), ==, moved);
  assert_route_measures (f, a);

  /* Reorder within a route. */
  g_assert_true (storm_routes_reorder (f->db, a, 1, 5, &error));
  g_assert_cmpint (query_int (f->db, "SELECT property_id FROM route_stops WHERE route_id = ?1 AND seq = 5", a), ==, moved);
  assert_route_measures (f, a);
  g_assert_false (storm_routes_reorder (f->db, a, 1, 999, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_clear_error (&error);

  /* The tour code puts the moved door back in a good place. */
  {
    g_autoptr(StormRoute) before = storm_routes_get (f->db, a, NULL);
    g_autoptr(StormRoute) after = NULL;

    g_assert_true (storm_routes_optimize (f->db, a, 1, &error));
    after = storm_routes_get (f->db, a, NULL);
    g_assert_cmpfloat (after->total_km, <, before->total_km);
    assert_route_measures (f, a);
  }

  /* A full route refuses a door, with a sentence saying why. */
  g_assert_true (storm_db_exec (f->db, "UPDATE routes SET doors_cap = (SELECT count (*) FROM route_stops WHERE route_id = routes.id)", NULL));
  g_assert_false (storm_routes_move_stop (f->db, a, 1, c, 0, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "is full"));
  g_clear_error (&error);
  g_assert_true (storm_db_exec (f->db, "UPDATE routes SET doors_cap = 60", NULL));

  /* Locked routes refuse doors in and out, and re-ordering. */
  g_assert_true (storm_routes_set_locked (f->db, c, TRUE, &error));
  g_assert_false (storm_routes_move_stop (f->db, a, 1, c, 0, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);
  g_assert_false (storm_routes_move_stop (f->db, c, 1, a, 0, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (storm_routes_reorder (f->db, c, 1, 2, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  /* A locked route still takes a new name and crew. */
  g_assert_true (storm_routes_rename (f->db, c, "  North loop ", &error));
  g_assert_true (storm_routes_set_crew (f->db, c, "Team B", "en", &error));
  g_assert_no_error (error);
  r1 = storm_routes_get (f->db, c, &error);
  g_assert_cmpstr (r1->name, ==, "North loop");
  g_assert_cmpstr (r1->crew, ==, "Team B");
  g_assert_true (r1->locked);
  g_assert_true (storm_routes_set_locked (f->db, c, FALSE, &error));
  g_assert_true (storm_routes_move_stop (f->db, a, 1, c, 0, &error));
  g_assert_no_error (error);

  g_assert_false (storm_routes_rename (f->db, c, "   ", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (storm_routes_set_crew (f->db, c, "Team C", "fr", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (storm_routes_set_crew (f->db, c, "", NULL, &error));
  r2 = storm_routes_get (f->db, c, &error);
  g_assert_null (r2->crew);
  g_assert_cmpstr (r2->crew_language, ==, "en");

  /* Routes of an earlier plan are history: read-only. */
  g_assert_false (storm_routes_move_stop (f->db, old_route, 1, a, 0, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (storm_routes_rename (f->db, old_route, "x", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_null (storm_routes_get (f->db, 999999, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE action LIKE 'route-%' AND status = 'ok'", 0), >=, 10);
  /* Moves unbalance the routes: the cap still holds. */
  check_current_routes (f, 60, FALSE);
}

/* The cap and the lock hold in the store itself, whatever writes. */
static void
test_store_enforces (RoutesFixture *f,
                     gconstpointer  data)
{
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *insert = NULL;
  gint64 full, spare;

  storm_route_plan_params_init (&params);
  params.doors_cap = 5;
  plan (f, &params, &result);
  full = query_int (f->db, "SELECT route_id FROM route_stops GROUP BY route_id HAVING count (*) = 5 LIMIT 1", 0);
  spare = query_int (f->db, "SELECT max (property_id) FROM route_stops", 0);
  insert = g_strdup_printf ("INSERT INTO route_stops (route_id, seq, property_id) VALUES (%" G_GINT64_FORMAT ", 6, %" G_GINT64_FORMAT ")",
                            full, spare);
  g_assert_false (storm_db_exec (f->db, insert, &error));
  g_assert_nonnull (strstr (error->message, "doors cap"));
  g_clear_error (&error);

  g_assert_true (storm_db_exec (f->db, "UPDATE routes SET doors_cap = 6", NULL));
  g_assert_true (storm_routes_set_locked (f->db, full, TRUE, NULL));
  g_assert_false (storm_db_exec (f->db, insert, &error));
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);

  /* Deleting the storm takes its routes, locked or not. */
  g_assert_true (storm_db_exec (f->db, "DELETE FROM storms", &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM routes", 0), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_stops", 0), ==, 0);
}

static void
test_empty_and_missing (RoutesFixture *f,
                        gconstpointer  data)
{
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  const char * const nowhere[] = { "00000", NULL };

  storm_route_plan_params_init (&params);
  params.zips = nowhere;
  plan (f, &params, &result);
  g_assert_cmpuint (result.n_routes, ==, 0);
  g_assert_cmpint (result.n_routed, ==, 0);

  g_assert_false (storm_routes_plan (f->db, 4242, &params, NULL, NULL, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  params.zips = NULL;
  params.has_depot = TRUE;
  params.depot_lat = 123;
  params.depot_lon = 0;
  g_assert_false (storm_routes_plan (f->db, f->storm_id, &params, NULL, NULL, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE action = 'routes-plan' AND status = 'failed'", 0), ==, 2);
}

static void
test_cancel (RoutesFixture *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (storm_routes_plan (f->db, f->storm_id, NULL, NULL, cancellable, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_CANCELLED);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM routes", 0), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM route_plans", 0), ==, 0);
}

/* The 34 real Dallas addresses of the shared data, imported as they are
 * (no policy yet): every one routed but the universal control, in routes
 * of at most 5. */
static void
test_dallas_addresses (RoutesFixture *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_getenv ("STORMOPS_SHARED_DATA"), "addresses", "dallas.csv", NULL);
  g_auto(StormImportResult) import = { 0 };
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 storm_id, n_props;

  storm_import_result_init (&import);
  g_assert_true (storm_import_properties (f->db, path, "DALLAS_ADDR", &import, NULL, NULL, &error));
  g_assert_no_error (error);
  storm_id = import.storm_id;
  n_props = query_int (f->db, "SELECT count (*) FROM storm_properties WHERE storm_id = ?1", storm_id);
  g_assert_cmpint (n_props, ==, 34);

  storm_route_plan_params_init (&params);
  params.doors_cap = 5;
  g_assert_true (storm_routes_plan (f->db, storm_id, &params, &result, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (result.all_properties);
  g_assert_cmpint (result.n_routed + result.n_excluded_control + result.unassigned->len, ==, 34);
  g_assert_cmpuint (result.n_routes, ==, (result.n_routed + 4) / 5);
  g_assert_cmpint (query_int (f->db, "SELECT max (n) FROM (SELECT count (*) AS n FROM route_stops GROUP BY route_id)", 0), <=, 5);
  g_assert_cmpfloat (result.total_km, >, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, setup, func) \
  g_test_add (name, RoutesFixture, NULL, setup, func, routes_fixture_teardown)
  ADD ("/routes/no-policy", setup_storm, test_no_policy);
  ADD ("/routes/treat-only", setup_policy, test_treat_only);
  ADD ("/routes/unassigned", setup_policy, test_unassigned);
  ADD ("/routes/zip-filter", setup_policy, test_zip_filter);
  ADD ("/routes/deterministic", setup_policy, test_deterministic);
  ADD ("/routes/locked-kept", setup_policy, test_locked_kept);
  ADD ("/routes/depot", setup_policy, test_depot);
  ADD ("/routes/edits", setup_policy, test_edits);
  ADD ("/routes/store-enforces", setup_policy, test_store_enforces);
  ADD ("/routes/empty-and-missing", setup_policy, test_empty_and_missing);
  ADD ("/routes/cancel", setup_policy, test_cancel);
  ADD ("/routes/dallas-addresses", routes_fixture_setup, test_dallas_addresses);
#undef ADD

  return g_test_run ();
}
