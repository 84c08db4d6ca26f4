#define G_LOG_DOMAIN "storm-store-storms"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-error.h"
#include "storm-store-storms.h"

#define STORM_COLUMNS \
  "s.id, s.code, s.name, s.kind, s.start_at, s.end_at, s.region, s.notes, s.is_demo, s.seed, " \
  "(SELECT count(*) FROM storm_properties sp WHERE sp.storm_id = s.id), " \
  "(SELECT count(*) FROM storm_reports r WHERE r.storm_id = s.id)"

static StormStorm *
storm_from_row (sqlite3_stmt *stmt)
{
  StormStormSpec spec = {
    .code = (const char *) sqlite3_column_text (stmt, 1),
    .name = (const char *) sqlite3_column_text (stmt, 2),
    .kind = (const char *) sqlite3_column_text (stmt, 3),
    .start_at = (const char *) sqlite3_column_text (stmt, 4),
    .end_at = (const char *) sqlite3_column_text (stmt, 5),
    .region = (const char *) sqlite3_column_text (stmt, 6),
    .notes = (const char *) sqlite3_column_text (stmt, 7),
    .is_demo = sqlite3_column_int (stmt, 8),
    .seed = sqlite3_column_int64 (stmt, 9),
  };

  return storm_storm_new (sqlite3_column_int64 (stmt, 0), &spec,
                          sqlite3_column_int64 (stmt, 10),
                          sqlite3_column_int64 (stmt, 11));
}

gint64
storm_db_find_storm (StormDb    *db,
                     const char *code)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = storm_db_prepare (db, "SELECT id FROM storms WHERE code = ?1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  return 0;
}

gint64
storm_db_ensure_storm (StormDb               *db,
                       const StormStormSpec  *spec,
                       gboolean              *created,
                       GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 id;

  g_return_val_if_fail (spec != NULL && spec->code != NULL, 0);

  if (created != NULL)
    *created = FALSE;
  id = storm_db_find_storm (db, spec->code);
  if (id != 0)
    return id;

  stmt = storm_db_prepare (db,
                           "INSERT INTO storms (code, name, kind, start_at, end_at, region, notes, is_demo, seed) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, spec->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, spec->name ? spec->name : spec->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, spec->kind ? spec->kind : "hail", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, spec->start_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, spec->end_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, spec->region, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, spec->notes, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 8, spec->is_demo ? 1 : 0);
  sqlite3_bind_int64 (stmt, 9, spec->seed);
  if (!storm_db_step_done (db, stmt, error))
    return 0;
  if (created != NULL)
    *created = TRUE;
  return sqlite3_last_insert_rowid (storm_db_handle (db));
}

/* After reports were added: the storm spans all its reports, and its kind
 * says which kinds it holds. */
gboolean
storm_db_widen_storm (StormDb  *db,
                      gint64    storm_id,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = storm_db_prepare (db,
                           "UPDATE storms SET "
                           " start_at = coalesce ((SELECT min (at) FROM storm_reports WHERE storm_id = ?1), start_at),"
                           " end_at = coalesce ((SELECT max (at) FROM storm_reports WHERE storm_id = ?1), end_at),"
                           " kind = coalesce ((SELECT CASE WHEN count (DISTINCT kind) > 1 THEN 'mixed' ELSE min (kind) END"
                           "                   FROM storm_reports WHERE storm_id = ?1 HAVING count (*) > 0), kind)"
                           " WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  return storm_db_step_done (db, stmt, error);
}

StormStorm *
storm_db_get_storm (StormDb     *db,
                    const char  *code,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = storm_db_prepare (db, "SELECT " STORM_COLUMNS " FROM storms s WHERE s.code = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return storm_from_row (stmt);
  g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
               _("There is no storm “%s”. List the storms with “stormops storms”."), code);
  return NULL;
}

GPtrArray *
storm_db_list_storms (StormDb  *db,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) storms = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  stmt = storm_db_prepare (db,
                           "SELECT " STORM_COLUMNS " FROM storms s "
                           "ORDER BY coalesce (s.start_at, s.created_at) DESC, s.id DESC",
                           error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (storms, storm_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "listing storms");
      return NULL;
    }
  return g_steal_pointer (&storms);
}

gint64
storm_db_count_storms (StormDb *db)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, "SELECT count(*) FROM storms", NULL);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  return 0;
}
