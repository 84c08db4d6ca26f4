#define G_LOG_DOMAIN "storm-store-map"

#include "config.h"

#include <math.h>

#include "storm-error.h"
#include "storm-store-map.h"

/* ?2 the current execution (0 = none); without one, ?3 the salt and ?4
 * the share of the universal control, as the route planner computes it. */
#define POINTS_SQL \
  "SELECT p.id, p.lat, p.lon, " \
  "  CASE WHEN o.converted = 1 THEN 3 " \
  "       WHEN d.reason IN ('universal_control', 'rct_control') THEN 2 " \
  "       WHEN ?2 = 0 AND coalesce (ea.arm, CASE WHEN storm_unit (?3, p.ext_id) < ?4 " \
  "                                         THEN 'universal_control' ELSE 'eligible' END) = 'universal_control' THEN 2 " \
  "       WHEN EXISTS (SELECT 1 FROM touches t WHERE t.storm_id = sp.storm_id AND t.property_id = p.id) THEN 4 " \
  "       WHEN d.decision = 'hold' THEN 1 " \
  "       ELSE 0 END " \
  "FROM storm_properties sp JOIN properties p ON p.id = sp.property_id " \
  "LEFT JOIN policy_decisions_log d ON d.execution_id = ?2 AND d.property_id = p.id " \
  "LEFT JOIN policy_outcomes o ON o.storm_id = sp.storm_id AND o.property_id = p.id AND o.is_current = 1 " \
  "LEFT JOIN experiment_assignments ea ON ea.storm_id = sp.storm_id AND ea.property_id = p.id " \
  "WHERE sp.storm_id = ?1 AND p.lat IS NOT NULL AND p.lon IS NOT NULL AND NOT (p.lat = 0 AND p.lon = 0) " \
  "ORDER BY p.id"

void
storm_map_points_free (StormMapPoints *points)
{
  if (points == NULL)
    return;
  g_free (points->lat);
  g_free (points->lon);
  g_free (points->status);
  g_free (points->ids);
  g_free (points);
}

void
storm_map_reports_free (StormMapReports *reports)
{
  if (reports == NULL)
    return;
  g_free (reports->lat);
  g_free (reports->lon);
  g_free (reports->kind);
  g_free (reports->magnitude);
  g_free (reports);
}

void
storm_map_plan_clear (StormMapPlan *plan)
{
  g_clear_pointer (&plan->created_at, g_free);
  plan->plan_id = 0;
  plan->all_properties = FALSE;
  plan->n_unassigned = 0;
}

static gint64
current_execution (StormDb  *db,
                   gint64    storm_id)
{
  return MAX (0, storm_db_count_rows (db, "SELECT coalesce (max (id), 0) FROM policy_executions "
                                          "WHERE storm_id = ?1 AND is_current = 1", storm_id));
}

StormMapPoints *
storm_db_map_points (StormDb       *db,
                     gint64         storm_id,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(StormMapPoints) points = g_new0 (StormMapPoints, 1);
  g_autofree char *salt = storm_db_get_setting (db, "policy_salt");
  g_autofree char *pct = storm_db_get_setting (db, "universal_control_pct");
  sqlite3_stmt *stmt;
  gint64 n = storm_db_count_rows (db, "SELECT count (*) FROM storm_properties WHERE storm_id = ?1", storm_id);
  gsize i = 0;
  int rc;

  if (n < 0)
    {
      storm_db_fail (db, error, "counting the storm’s properties");
      return NULL;
    }
  stmt = storm_db_cached (db, POINTS_SQL, error);
  if (stmt == NULL)
    return NULL;
  points->lat = g_new (double, MAX (n, 1));
  points->lon = g_new (double, MAX (n, 1));
  points->status = g_new (guint8, MAX (n, 1));
  points->ids = g_new (gint64, MAX (n, 1));
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, current_execution (db, storm_id));
  sqlite3_bind_text (stmt, 3, salt ? salt : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 4, pct ? g_ascii_strtod (pct, NULL) : 0.05);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && i < (gsize) n)
    {
      if ((i & 0xfff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      points->ids[i] = sqlite3_column_int64 (stmt, 0);
      points->lat[i] = sqlite3_column_double (stmt, 1);
      points->lon[i] = sqlite3_column_double (stmt, 2);
      points->status[i] = (guint8) sqlite3_column_int (stmt, 3);
      i++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      storm_db_fail (db, error, "reading the storm’s properties for the map");
      return NULL;
    }
  points->n = i;
  return g_steal_pointer (&points);
}

StormMapReports *
storm_db_map_reports (StormDb  *db,
                      gint64    storm_id,
                      GError  **error)
{
  g_autoptr(StormMapReports) reports = g_new0 (StormMapReports, 1);
  g_autoptr(GArray) lat = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) lon = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) kind = g_array_new (FALSE, FALSE, sizeof (guint8));
  g_autoptr(GArray) magnitude = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3_stmt *stmt;
  int rc;

  stmt = storm_db_cached (db,
                          "SELECT lat, lon, CASE kind WHEN 'hail' THEN 0 WHEN 'wind' THEN 1 ELSE 2 END, magnitude "
                          "FROM storm_reports WHERE storm_id = ?1 AND lat IS NOT NULL AND lon IS NOT NULL ORDER BY id",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      double la = sqlite3_column_double (stmt, 0), lo = sqlite3_column_double (stmt, 1);
      guint8 k = (guint8) sqlite3_column_int (stmt, 2);
      double m = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 3);

      g_array_append_val (lat, la);
      g_array_append_val (lon, lo);
      g_array_append_val (kind, k);
      g_array_append_val (magnitude, m);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "reading the storm’s reports for the map");
      return NULL;
    }
  reports->n = lat->len;
  reports->lat = (double *) (void *) g_array_free (g_steal_pointer (&lat), FALSE);
  reports->lon = (double *) (void *) g_array_free (g_steal_pointer (&lon), FALSE);
  reports->kind = (guint8 *) g_array_free (g_steal_pointer (&kind), FALSE);
  reports->magnitude = (double *) (void *) g_array_free (g_steal_pointer (&magnitude), FALSE);
  return g_steal_pointer (&reports);
}

gboolean
storm_db_map_plan (StormDb       *db,
                   gint64         storm_id,
                   StormMapPlan  *plan,
                   GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  storm_map_plan_clear (plan);
  stmt = storm_db_cached (db,
                          "SELECT id, all_properties, n_unassigned, created_at FROM route_plans "
                          "WHERE id = (SELECT max (plan_id) FROM routes WHERE storm_id = ?1 AND is_current = 1)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      plan->plan_id = sqlite3_column_int64 (stmt, 0);
      plan->all_properties = sqlite3_column_int (stmt, 1) != 0;
      plan->n_unassigned = sqlite3_column_int64 (stmt, 2);
      plan->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return storm_db_fail (db, error, "reading the storm’s route plan");
  return TRUE;
}
