#define G_LOG_DOMAIN "storm-api-idempotency"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-api-idempotency.h"
#include "storm-error.h"

gboolean
storm_api_idempotency_lookup (StormDb     *db,
                              const char  *key,
                              const char  *request_hash,
                              gboolean    *found,
                              guint       *status,
                              char       **response,
                              GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (request_hash != NULL, FALSE);

  *found = FALSE;
  stmt = storm_db_cached (db,
                          "SELECT request_hash, status, response FROM api_idempotency_keys WHERE key = ?1",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), request_hash) != 0)
        {
          sqlite3_reset (stmt);
          g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED,
                       _("The Idempotency-Key “%s” was already used for a different request. "
                         "Use a new key for a new request."), key);
          return FALSE;
        }
      *found = TRUE;
      *status = sqlite3_column_int (stmt, 1);
      *response = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
storm_api_idempotency_store (StormDb     *db,
                             const char  *key,
                             const char  *request_hash,
                             guint        status,
                             const char  *response,
                             GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "INSERT INTO api_idempotency_keys (key, request_hash, status, response) "
                          "VALUES (?1, ?2, ?3, ?4)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, request_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, status);
  sqlite3_bind_text (stmt, 4, response, -1, SQLITE_STATIC);
  return storm_db_step_done (db, stmt, error);
}

gint64
storm_api_idempotency_prune (StormDb  *db,
                             guint     days,
                             GError  **error)
{
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "DELETE FROM api_idempotency_keys "
                          "WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ?1 || ' days')",
                          error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int (stmt, 1, days);
  if (!storm_db_step_done (db, stmt, error))
    return -1;
  return sqlite3_changes (storm_db_handle (db));
}
