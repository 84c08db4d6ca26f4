#define G_LOG_DOMAIN "storm-outcomes"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-error.h"
#include "storm-outcomes.h"

static gboolean
same_value (sqlite3_stmt *stmt,
            int           col,
            double        value)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return isnan (value);
  return !isnan (value) && fabs (sqlite3_column_double (stmt, col) - value) < 0.005;
}

gboolean
storm_outcome_record (StormDb             *db,
                      gint64               storm_id,
                      const StormOutcome  *outcome,
                      StormOutcomeChange  *change,
                      GError             **error)
{
  sqlite3_stmt *current;
  sqlite3_stmt *retire;
  sqlite3_stmt *insert;
  gint64 supersedes = 0;

  g_return_val_if_fail (outcome != NULL, FALSE);

  if (!isnan (outcome->value) && outcome->value < 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("An outcome’s value cannot be negative."));
      return FALSE;
    }

  current = storm_db_cached (db,
                              "SELECT id, converted, value, occurred_at FROM policy_outcomes "
                              "WHERE storm_id = ?1 AND property_id = ?2 AND is_current = 1",
                              error);
  if (current == NULL)
    return FALSE;
  sqlite3_bind_int64 (current, 1, storm_id);
  sqlite3_bind_int64 (current, 2, outcome->property_id);
  if (sqlite3_step (current) == SQLITE_ROW)
    {
      const char *at = (const char *) sqlite3_column_text (current, 3);

      if ((sqlite3_column_int (current, 1) != 0) == (outcome->converted != FALSE) &&
          same_value (current, 2, outcome->value) &&
          (outcome->occurred_at == NULL || g_strcmp0 (at, outcome->occurred_at) == 0))
        {
          sqlite3_reset (current);
          if (change != NULL)
            *change = STORM_OUTCOME_UNCHANGED;
          return TRUE;
        }
      supersedes = sqlite3_column_int64 (current, 0);
    }
  sqlite3_reset (current);

  if (supersedes != 0)
    {
      retire = storm_db_cached (db, "UPDATE policy_outcomes SET is_current = 0 WHERE id = ?1", error);
      if (retire == NULL)
        return FALSE;
      sqlite3_bind_int64 (retire, 1, supersedes);
      if (!storm_db_step_done (db, retire, error))
        return FALSE;
    }

  insert = storm_db_cached (db,
                             "INSERT INTO policy_outcomes (storm_id, property_id, converted, value, occurred_at, "
                             "  source, actor, supersedes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                             error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (insert, 1, storm_id);
  sqlite3_bind_int64 (insert, 2, outcome->property_id);
  sqlite3_bind_int (insert, 3, outcome->converted ? 1 : 0);
  if (!isnan (outcome->value))
    sqlite3_bind_double (insert, 4, outcome->value);
  sqlite3_bind_text (insert, 5, outcome->occurred_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 6, outcome->source ? outcome->source : "manual", -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 7, outcome->actor, -1, SQLITE_STATIC);
  if (supersedes != 0)
    sqlite3_bind_int64 (insert, 8, supersedes);
  if (!storm_db_step_done (db, insert, error))
    return FALSE;

  if (change != NULL)
    *change = supersedes != 0 ? STORM_OUTCOME_CORRECTED : STORM_OUTCOME_INSERTED;
  return TRUE;
}

void
storm_outcome_row_free (StormOutcomeRow *row)
{
  g_free (row->occurred_at);
  g_free (row->source);
  g_free (row->actor);
  g_free (row->recorded_at);
  g_free (row);
}

GPtrArray *
storm_db_list_outcomes (StormDb  *db,
                        gint64    storm_id,
                        gint64    property_id,
                        GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_outcome_row_free);
  sqlite3_stmt *stmt;

  /* Walks the correction chain back from the current row, so both steps
   * are index lookups (the current-row index, then the primary key). */
  stmt = storm_db_cached (db,
                          "WITH RECURSIVE chain (id) AS ("
                          "  SELECT id FROM policy_outcomes WHERE storm_id = ?1 AND property_id = ?2 AND is_current = 1 "
                          "  UNION ALL "
                          "  SELECT o.supersedes FROM policy_outcomes o JOIN chain c ON o.id = c.id "
                          "  WHERE o.supersedes IS NOT NULL) "
                          "SELECT o.id, o.converted, o.value, o.occurred_at, o.source, o.actor, o.recorded_at, o.is_current "
                          "FROM chain c JOIN policy_outcomes o ON o.id = c.id ORDER BY o.id DESC",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      StormOutcomeRow *row = g_new0 (StormOutcomeRow, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->converted = sqlite3_column_int (stmt, 1) != 0;
      row->value = sqlite3_column_type (stmt, 2) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 2);
      row->occurred_at = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->source = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      row->recorded_at = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      row->is_current = sqlite3_column_int (stmt, 7) != 0;
      g_ptr_array_add (list, row);
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

gint64
storm_db_property_by_ext_id (StormDb    *db,
                             const char *ext_id)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, "SELECT id FROM properties WHERE ext_id = ?1", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, ext_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  return 0;
}
