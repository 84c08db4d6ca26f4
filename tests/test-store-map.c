/* What the Routes map reads: property statuses against the decision log,
 * outcomes and touches, reports, and the plan behind the current routes. */
#include "config.h"

#include <math.h>

#include "storm-routes.h"
#include "storm-store-map.h"
#include "routes-test-util.h"

#define N_PROPS 400

static void
count_status (const StormMapPoints *points,
              gint64                counts[5])
{
  for (guint s = 0; s < 5; s++)
    counts[s] = 0;
  for (gsize i = 0; i < points->n; i++)
    {
      g_assert_cmpuint (points->status[i], <, 5);
      counts[points->status[i]]++;
    }
}

static void
setup (RoutesFixture *f,
       gconstpointer  data)
{
  routes_fixture_setup (f, data);
  routes_fixture_add_storm (f, N_PROPS);
}

static void
test_no_policy (RoutesFixture *f,
                gconstpointer  data)
{
  g_autoptr(StormMapPoints) points = NULL;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_auto(StormMapPlan) plan = { 0 };
  StormRoutePlanParams params;
  g_autoptr(GError) error = NULL;
  gint64 counts[5];

  g_assert_true (storm_db_map_plan (f->db, f->storm_id, &plan, &error));
  g_assert_cmpint (plan.plan_id, ==, 0);

  points = storm_db_map_points (f->db, f->storm_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->n, ==, N_PROPS);
  count_status (points, counts);

  /* the control the planner leaves out is the map's control */
  storm_route_plan_params_init (&params);
  params.actor = "test";
  g_assert_true (storm_routes_plan (f->db, f->storm_id, &params, &result, NULL, NULL, &error));
  g_assert_true (result.all_properties);
  g_assert_cmpint (result.n_excluded_control, >, 0);
  g_assert_cmpint (counts[STORM_MAP_STATUS_CONTROL], ==, result.n_excluded_control);
  g_assert_cmpint (counts[STORM_MAP_STATUS_TREAT], ==, result.n_candidates);
  g_assert_cmpint (counts[STORM_MAP_STATUS_HOLD], ==, 0);

  g_assert_true (storm_db_map_plan (f->db, f->storm_id, &plan, &error));
  g_assert_cmpint (plan.plan_id, ==, result.plan_id);
  g_assert_true (plan.all_properties);
}

static void
test_policy_outcomes_touches (RoutesFixture *f,
                              gconstpointer  data)
{
  g_autoptr(StormMapPoints) points = NULL;
  g_autoptr(GError) error = NULL;
  gint64 counts[5], converted_id, touched_id, held_id;
  guint status_of[3] = { 99, 99, 99 };

  routes_fixture_apply_policy (f);
  converted_id = query_int (f->db, "SELECT d.property_id FROM policy_decisions_log d JOIN policy_executions e "
                                   "ON e.id = d.execution_id WHERE e.storm_id = ?1 AND d.decision = 'treat' "
                                   "ORDER BY d.property_id LIMIT 1", f->storm_id);
  touched_id = query_int (f->db, "SELECT d.property_id FROM policy_decisions_log d JOIN policy_executions e "
                                 "ON e.id = d.execution_id WHERE e.storm_id = ?1 AND d.decision = 'treat' "
                                 "ORDER BY d.property_id DESC LIMIT 1", f->storm_id);
  held_id = query_int (f->db, "SELECT d.property_id FROM policy_decisions_log d JOIN policy_executions e "
                              "ON e.id = d.execution_id WHERE e.storm_id = ?1 AND d.reason = 'rct_control' "
                              "ORDER BY d.property_id LIMIT 1", f->storm_id);
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO policy_outcomes (storm_id, property_id, converted, source) "
                                            "VALUES (%lld, %lld, 1, 'manual');"
                                            "INSERT INTO touches (storm_id, property_id, channel, at, result) "
                                            "VALUES (%lld, %lld, 'door_knock', '2024-04-29T10:00:00Z', 'no_answer');",
                                            (long long) f->storm_id, (long long) converted_id,
                                            (long long) f->storm_id, (long long) touched_id);
    g_assert_true (storm_db_exec (f->db, sql, &error));
    g_assert_no_error (error);
  }

  points = storm_db_map_points (f->db, f->storm_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->n, ==, N_PROPS);
  count_status (points, counts);
  g_assert_cmpint (counts[STORM_MAP_STATUS_CONVERTED], ==, 1);
  g_assert_cmpint (counts[STORM_MAP_STATUS_VISITED], ==, 1);
  g_assert_cmpint (counts[STORM_MAP_STATUS_TREAT] + 2, ==,
                   query_int (f->db, "SELECT n_treat FROM policy_executions WHERE storm_id = ?1 AND is_current = 1",
                              f->storm_id));
  g_assert_cmpint (counts[STORM_MAP_STATUS_CONTROL], ==,
                   query_int (f->db, "SELECT n_universal + n_rct FROM policy_executions WHERE storm_id = ?1 "
                                     "AND is_current = 1", f->storm_id));
  g_assert_cmpint (counts[STORM_MAP_STATUS_HOLD], ==,
                   query_int (f->db, "SELECT count (*) FROM policy_decisions_log d JOIN policy_executions e "
                                     "ON e.id = d.execution_id WHERE e.storm_id = ?1 AND d.reason = 'below_threshold'",
                              f->storm_id));
  for (gsize i = 0; i < points->n; i++)
    {
      if (points->ids[i] == converted_id)
        status_of[0] = points->status[i];
      else if (points->ids[i] == touched_id)
        status_of[1] = points->status[i];
      else if (points->ids[i] == held_id)
        status_of[2] = points->status[i];
    }
  g_assert_cmpuint (status_of[0], ==, STORM_MAP_STATUS_CONVERTED);
  g_assert_cmpuint (status_of[1], ==, STORM_MAP_STATUS_VISITED);
  g_assert_cmpuint (status_of[2], ==, STORM_MAP_STATUS_CONTROL);
}

/* The SPC reports of a real day, sized by their magnitude. */
static void
test_reports (RoutesFixture *f,
              gconstpointer  data)
{
  g_autoptr(StormMapReports) reports = NULL;
  g_autoptr(GError) error = NULL;
  gint64 located;

  g_assert_true (storm_db_exec (f->db,
                                "INSERT INTO storm_reports (storm_id, kind, magnitude, lat, lon, source, dedup_key) VALUES "
                                "(1, 'hail', 1.75, 32.81, -96.80, 'test', 'a'),"
                                "(1, 'wind', NULL, 32.82, -96.81, 'test', 'b'),"
                                "(1, 'tornado', NULL, NULL, NULL, 'test', 'c')", &error));
  g_assert_no_error (error);
  located = query_int (f->db, "SELECT count (*) FROM storm_reports WHERE storm_id = ?1 AND lat IS NOT NULL",
                       f->storm_id);
  reports = storm_db_map_reports (f->db, f->storm_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reports->n, ==, located);
  g_assert_cmpuint (reports->n, ==, 2);
  g_assert_cmpuint (reports->kind[0], ==, 0);
  g_assert_cmpfloat (reports->magnitude[0], ==, 1.75);
  g_assert_cmpuint (reports->kind[1], ==, 1);
  g_assert_true (isnan (reports->magnitude[1]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store-map/no-policy", RoutesFixture, NULL, setup, test_no_policy, routes_fixture_teardown);
  g_test_add ("/store-map/policy-outcomes-touches", RoutesFixture, NULL, setup, test_policy_outcomes_touches,
              routes_fixture_teardown);
  g_test_add ("/store-map/reports", RoutesFixture, NULL, setup, test_reports, routes_fixture_teardown);

  return g_test_run ();
}
