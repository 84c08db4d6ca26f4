#define G_LOG_DOMAIN "storm-store-approvals"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-dash-private.h"
#include "storm-error.h"
#include "storm-store-approvals.h"

gint64
storm_db_request_approval (StormDb     *db,
                           const char  *kind,
                           gint64       subject_id,
                           const char  *summary,
                           const char  *requested_by,
                           const char  *requested_at,
                           gboolean     is_demo,
                           GError     **error)
{
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, 0);
  g_return_val_if_fail (kind != NULL, 0);

  stmt = storm_db_cached (db,
                          "SELECT id FROM approvals WHERE kind = ?1 AND subject_id = ?2 "
                          "AND approved_at IS NULL AND rejected = 0 ORDER BY id LIMIT 1",
                          error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, subject_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      sqlite3_reset (stmt);
      return id;
    }
  sqlite3_reset (stmt);

  if (requested_at == NULL)
    now = _storm_dash_iso (g_get_real_time () / G_USEC_PER_SEC);
  stmt = storm_db_cached (db,
                          "INSERT INTO approvals (kind, subject_id, summary, requested_by, requested_at, is_demo) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, subject_id);
  _storm_dash_bind_text (stmt, 3, summary);
  _storm_dash_bind_text (stmt, 4, requested_by);
  _storm_dash_bind_text (stmt, 5, requested_at ? requested_at : now);
  sqlite3_bind_int (stmt, 6, is_demo ? 1 : 0);
  if (!_storm_dash_step (db, stmt, "requesting an approval", error))
    return 0;
  return sqlite3_last_insert_rowid (storm_db_handle (db));
}

static gboolean
decide (StormDb     *db,
        gint64       approval_id,
        const char  *sql,
        const char  *text,
        const char  *at,
        GError     **error)
{
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;

  if (storm_db_count_rows (db, "SELECT count (*) FROM approvals WHERE id = ?1", approval_id) != 1)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("There is no approval %lld."), (long long) approval_id);
      return FALSE;
    }
  if (at == NULL)
    now = _storm_dash_iso (g_get_real_time () / G_USEC_PER_SEC);
  stmt = storm_db_cached (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, approval_id);
  _storm_dash_bind_text (stmt, 2, text);
  _storm_dash_bind_text (stmt, 3, at ? at : now);
  return _storm_dash_step (db, stmt, "recording a decision", error);
}

gboolean
storm_db_approve (StormDb     *db,
                  gint64       approval_id,
                  const char  *person,
                  const char  *at,
                  GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);

  if (person == NULL)
    person = "";
  return decide (db, approval_id,
                 "UPDATE approvals SET approved_by = ?2, approved_at = ?3 WHERE id = ?1",
                 person, at, error);
}

gboolean
storm_db_reject (StormDb     *db,
                 gint64       approval_id,
                 const char  *note,
                 GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);

  /* ?3 is unused: a rejection has no time of its own in the table. */
  return decide (db, approval_id,
                 "UPDATE approvals SET rejected = 1, decided_note = ?2 WHERE id = ?1 AND ?3 IS NOT NULL",
                 note, NULL, error);
}

gint64
storm_db_count_pending_approvals (StormDb *db)
{
  return storm_db_count_rows (db, "SELECT count (*) FROM approvals WHERE approved_at IS NULL AND rejected = 0", 0);
}
