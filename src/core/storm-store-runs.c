#define G_LOG_DOMAIN "storm-store-runs"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-dash-private.h"
#include "storm-error.h"
#include "storm-store-runs.h"

gint64
storm_db_add_run (StormDb             *db,
                  const StormRunSpec  *spec,
                  GError             **error)
{
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, 0);
  g_return_val_if_fail (spec != NULL && spec->kind != NULL && spec->status != NULL, 0);

  if (spec->started_at == NULL)
    now = _storm_dash_iso (g_get_real_time () / G_USEC_PER_SEC);
  stmt = storm_db_cached (db,
                          "INSERT INTO runs (kind, source, subject, started_at, finished_at, status, steps_total, "
                          "                  steps_done, duration_ms, error, is_demo) "
                          "VALUES (?1, 'external', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                          error);
  if (stmt == NULL)
    return 0;
  _storm_dash_bind_text (stmt, 1, spec->kind);
  _storm_dash_bind_text (stmt, 2, spec->subject);
  _storm_dash_bind_text (stmt, 3, spec->started_at ? spec->started_at : now);
  _storm_dash_bind_text (stmt, 4, spec->finished_at);
  _storm_dash_bind_text (stmt, 5, spec->status);
  if (spec->steps_total >= 0)
    sqlite3_bind_int (stmt, 6, spec->steps_total);
  if (spec->steps_done >= 0)
    sqlite3_bind_int (stmt, 7, spec->steps_done);
  if (spec->duration_ms >= 0)
    sqlite3_bind_int64 (stmt, 8, spec->duration_ms);
  _storm_dash_bind_text (stmt, 9, spec->error);
  sqlite3_bind_int (stmt, 10, spec->is_demo ? 1 : 0);
  if (!_storm_dash_step (db, stmt, "recording a run", error))
    return 0;
  return sqlite3_last_insert_rowid (storm_db_handle (db));
}

gint64
storm_db_add_integration (StormDb     *db,
                          const char  *name,
                          const char  *run_kind,
                          gint64       expected_interval_s,
                          gboolean     is_demo,
                          GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  stmt = storm_db_cached (db,
                          "INSERT INTO integrations (name, run_kind, expected_interval_s, is_demo) "
                          "VALUES (?1, ?2, ?3, ?4)",
                          error);
  if (stmt == NULL)
    return 0;
  _storm_dash_bind_text (stmt, 1, name);
  _storm_dash_bind_text (stmt, 2, run_kind);
  if (expected_interval_s > 0)
    sqlite3_bind_int64 (stmt, 3, expected_interval_s);
  sqlite3_bind_int (stmt, 4, is_demo ? 1 : 0);
  if (!_storm_dash_step (db, stmt, "adding an integration", error))
    return 0;
  return sqlite3_last_insert_rowid (storm_db_handle (db));
}

gboolean
storm_db_report_integration (StormDb     *db,
                             const char  *name,
                             const char  *at,
                             const char  *error_text,
                             GError     **error)
{
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (at == NULL)
    now = _storm_dash_iso (g_get_real_time () / G_USEC_PER_SEC);
  if (error_text == NULL)
    stmt = storm_db_cached (db, "UPDATE integrations SET last_ok_at = ?2 WHERE name = ?1", error);
  else
    stmt = storm_db_cached (db, "UPDATE integrations SET last_error_at = ?2, last_error = ?3 WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _storm_dash_bind_text (stmt, 1, name);
  _storm_dash_bind_text (stmt, 2, at ? at : now);
  if (error_text != NULL)
    _storm_dash_bind_text (stmt, 3, error_text);
  if (!_storm_dash_step (db, stmt, "recording an integration's state", error))
    return FALSE;
  if (sqlite3_changes (storm_db_handle (db)) == 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("There is no integration named “%s”."), name);
      return FALSE;
    }
  return TRUE;
}

StormIntegrationHealth
storm_integration_health (gint64 last_ok,
                          gint64 last_error,
                          gint64 expected_interval_s,
                          gint64 now)
{
  if (last_ok == G_MININT64 && last_error == G_MININT64)
    return STORM_INTEGRATION_UNKNOWN;
  if (last_error != G_MININT64 && (last_ok == G_MININT64 || last_error >= last_ok))
    return STORM_INTEGRATION_FAILING;
  if (expected_interval_s > 0 && now - last_ok > expected_interval_s)
    return STORM_INTEGRATION_STALE;
  return STORM_INTEGRATION_OK;
}
