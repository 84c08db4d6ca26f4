#define G_LOG_DOMAIN "storm-store-policy"

#include "config.h"

#include <math.h>

#include "storm-store-policy.h"

#define EXECUTION_COLUMNS \
  "id, mode, threshold, rct_pct, universal_pct, created_at, actor, n_properties, n_treat, n_hold, " \
  "n_universal, n_rct, expected_conversions, predicted_lift, is_current"

void
storm_execution_free (StormExecution *execution)
{
  if (execution == NULL)
    return;
  g_free (execution->mode);
  g_free (execution->created_at);
  g_free (execution->actor);
  g_free (execution);
}

void
storm_decision_row_free (StormDecisionRow *row)
{
  g_free (row->ext_id);
  g_free (row->address);
  g_free (row->decision);
  g_free (row->reason);
  g_free (row);
}

static StormExecution *
execution_from_row (sqlite3_stmt *stmt)
{
  StormExecution *e = g_new0 (StormExecution, 1);

  e->id = sqlite3_column_int64 (stmt, 0);
  e->mode = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  e->threshold = sqlite3_column_double (stmt, 2);
  e->rct_pct = sqlite3_column_double (stmt, 3);
  e->universal_pct = sqlite3_column_double (stmt, 4);
  e->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  e->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  e->n_properties = sqlite3_column_int64 (stmt, 7);
  e->n_treat = sqlite3_column_int64 (stmt, 8);
  e->n_hold = sqlite3_column_int64 (stmt, 9);
  e->n_universal = sqlite3_column_int64 (stmt, 10);
  e->n_rct = sqlite3_column_int64 (stmt, 11);
  e->expected_conversions = sqlite3_column_double (stmt, 12);
  e->predicted_lift = sqlite3_column_type (stmt, 13) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 13);
  e->is_current = sqlite3_column_int (stmt, 14) != 0;
  return e;
}

GPtrArray *
storm_db_list_executions (StormDb  *db,
                          gint64    storm_id,
                          GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_execution_free);
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "SELECT " EXECUTION_COLUMNS " FROM policy_executions WHERE storm_id = ?1 ORDER BY id DESC",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, execution_from_row (stmt));
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

StormExecution *
storm_db_current_execution (StormDb  *db,
                            gint64    storm_id,
                            GError  **error)
{
  sqlite3_stmt *stmt;
  StormExecution *e = NULL;

  stmt = storm_db_cached (db,
                          "SELECT " EXECUTION_COLUMNS " FROM policy_executions WHERE storm_id = ?1 AND is_current = 1",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    e = execution_from_row (stmt);
  sqlite3_reset (stmt);
  return e;
}

GPtrArray *
storm_db_top_decisions (StormDb  *db,
                        gint64    execution_id,
                        guint     limit,
                        GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_decision_row_free);
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "SELECT d.property_id, p.ext_id, p.address, d.uplift, d.decision, d.reason "
                          "FROM policy_decisions_log d JOIN properties p ON p.id = d.property_id "
                          "WHERE d.execution_id = ?1 AND d.decision = 'treat' "
                          "ORDER BY d.uplift DESC, d.property_id LIMIT ?2",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, execution_id);
  sqlite3_bind_int (stmt, 2, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      StormDecisionRow *row = g_new0 (StormDecisionRow, 1);

      row->property_id = sqlite3_column_int64 (stmt, 0);
      row->ext_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->address = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->uplift = sqlite3_column_double (stmt, 3);
      row->decision = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      g_ptr_array_add (list, row);
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}
