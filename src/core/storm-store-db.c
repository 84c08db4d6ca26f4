#define G_LOG_DOMAIN "storm-store-db"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "storm-error.h"
#include "storm-hash.h"
#include "storm-store-db.h"
#include "storm-store-schema.h"

struct _StormDb
{
  sqlite3 *handle;
  char       *path;
  int         schema_version;
  GHashTable *cache;
};

static gboolean
check_header (const char  *path,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) local_error = NULL;
  char header[16] = { 0 };
  gsize n = 0;

  in = g_file_read (file, NULL, &local_error);
  if (in == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                   _("Cannot read “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), header, sizeof header, &n, NULL, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                   _("Cannot read “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  if (n == 0)
    return TRUE;
  if (n < sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_A_DATABASE,
                   _("“%s” is not a StormOps database (it is not an SQLite file). "
                     "Choose another file; this one was left untouched."), path);
      return FALSE;
    }
  return TRUE;
}

/* A new database holds addresses and outcomes: readable by its owner only. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  fd = g_open (path, O_CREAT | O_EXCL | O_WRONLY, 0600);
  if (fd < 0 && errno != EEXIST)
    {
      int saved = errno;
      g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                   _("Cannot create the database “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (fd >= 0)
    g_close (fd, NULL);
  return TRUE;
}

gboolean
storm_db_fail (StormDb     *db,
               GError     **error,
               const char  *what)
{
  int code = sqlite3_extended_errcode (db->handle);
  int primary = code & 0xff;

  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
    g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_A_DATABASE,
                 _("“%s” is damaged or not a StormOps database (%s). "
                   "Restore it from a backup or choose another file."),
                 db->path, sqlite3_errmsg (db->handle));
  else if (primary == SQLITE_FULL)
    g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                 _("The disk holding “%s” is full. Free some space and try again."), db->path);
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                 _("The database is busy with another operation. Try again in a moment."));
  else if (primary == SQLITE_READONLY || primary == SQLITE_PERM || primary == SQLITE_CANTOPEN)
    g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                 _("Cannot write to “%s”. Check that the file and its folder are writable."), db->path);
  else
    g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                 _("Database error while %s: %s"), what, sqlite3_errmsg (db->handle));
  return FALSE;
}

gboolean
storm_db_exec (StormDb     *db,
               const char  *sql,
               GError     **error)
{
  if (sqlite3_exec (db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
    return storm_db_fail (db, error, sql);
  return TRUE;
}

sqlite3_stmt *
storm_db_prepare (StormDb     *db,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      storm_db_fail (db, error, "preparing a statement");
      return NULL;
    }
  return stmt;
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

sqlite3_stmt *
storm_db_cached (StormDb     *db,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->cache, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  stmt = storm_db_prepare (db, sql, error);
  if (stmt != NULL)
    g_hash_table_insert (db->cache, (gpointer) sql, stmt);
  return stmt;
}

gboolean
storm_db_step_done (StormDb       *db,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return storm_db_fail (db, error, "writing");
  return TRUE;
}

gint64
storm_db_count_rows (StormDb    *db,
                     const char *sql,
                     gint64      arg)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  if (stmt == NULL)
    return -1;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
storm_db_begin (StormDb  *db,
                GError  **error)
{
  return storm_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
storm_db_commit (StormDb  *db,
                 GError  **error)
{
  return storm_db_exec (db, "COMMIT", error);
}

void
storm_db_rollback (StormDb *db)
{
  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

static gint64
pragma_int (StormDb    *db,
            const char *sql,
            gboolean   *ok)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 value = 0;

  *ok = FALSE;
  if (sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      value = sqlite3_column_int64 (stmt, 0);
      *ok = TRUE;
    }
  return value;
}

static gboolean
check_identity (StormDb  *db,
                GError  **error)
{
  gboolean ok;
  gint64 tables, app_id, version;

  tables = pragma_int (db, "SELECT count(*) FROM sqlite_master", &ok);
  if (!ok)
    return storm_db_fail (db, error, "reading the schema");
  app_id = pragma_int (db, "PRAGMA application_id", &ok);
  if (!ok)
    return storm_db_fail (db, error, "reading the schema");
  version = pragma_int (db, "PRAGMA user_version", &ok);
  if (!ok)
    return storm_db_fail (db, error, "reading the schema");

  if (tables == 0 && version == 0 && app_id == 0)
    {
      db->schema_version = 0;
      return TRUE;
    }
  if (app_id != STORM_APPLICATION_ID)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_A_DATABASE,
                   _("“%s” is an SQLite file of another program, not a StormOps database. "
                     "Choose another file; this one was left untouched."), db->path);
      return FALSE;
    }
  if (version > STORM_SCHEMA_VERSION)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NEWER_SCHEMA,
                   _("“%s” was written by a newer StormOps (schema %d; this version knows up to %d). "
                     "Update StormOps to open it; the file was left untouched."),
                   db->path, (int) version, STORM_SCHEMA_VERSION);
      return FALSE;
    }
  db->schema_version = (int) version;
  return TRUE;
}

static gboolean
migrate (StormDb  *db,
         GError  **error)
{
  g_autofree char *set_version = NULL;
  g_autofree char *set_app = NULL;

  if (db->schema_version == STORM_SCHEMA_VERSION)
    return TRUE;

  if (!storm_db_begin (db, error))
    return FALSE;
  for (int v = db->schema_version + 1; v <= STORM_SCHEMA_VERSION; v++)
    {
      const char *sql = storm_schema_migration (v);

      g_assert (sql != NULL);
      if (sqlite3_exec (db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
        {
          g_autofree char *what = g_strdup_printf ("applying migration %d", v);
          storm_db_fail (db, error, what);
          storm_db_rollback (db);
          return FALSE;
        }
    }
  set_version = g_strdup_printf ("PRAGMA user_version = %d", STORM_SCHEMA_VERSION);
  set_app = g_strdup_printf ("PRAGMA application_id = %d", STORM_APPLICATION_ID);
  if (!storm_db_exec (db, set_version, error) ||
      !storm_db_exec (db, set_app, error) ||
      !storm_db_commit (db, error))
    {
      storm_db_rollback (db);
      return FALSE;
    }
  db->schema_version = STORM_SCHEMA_VERSION;
  return TRUE;
}

StormDb *
storm_db_open (const char  *path,
               GError     **error)
{
  g_autoptr(StormDb) db = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!check_header (path, error))
    return NULL;
  if (!create_private_file (path, error))
    return NULL;

  db = g_new0 (StormDb, 1);
  db->path = g_strdup (path);
  db->cache = g_hash_table_new_full (NULL, NULL, NULL, finalize_stmt);
  if (sqlite3_open_v2 (path, &db->handle,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      storm_db_fail (db, error, "opening");
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_busy_timeout (db->handle, 10000);
  storm_hash_register (db->handle);

  if (!check_identity (db, error))
    return NULL;

  if (!storm_db_exec (db,
                      "PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = NORMAL;"
                      "PRAGMA foreign_keys = ON;"
                      "PRAGMA temp_store = MEMORY;"
                      "PRAGMA cache_size = -65536;",
                      error))
    return NULL;

  if (!migrate (db, error))
    return NULL;

  return g_steal_pointer (&db);
}

void
storm_db_close (StormDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->cache, g_hash_table_unref);
  if (db->handle != NULL)
    sqlite3_close_v2 (db->handle);
  g_free (db->path);
  g_free (db);
}

sqlite3 *
storm_db_handle (StormDb *db)
{
  return db->handle;
}

const char *
storm_db_path (StormDb *db)
{
  return db->path;
}

int
storm_db_schema_version (StormDb *db)
{
  return db->schema_version;
}

char *
storm_db_get_setting (StormDb    *db,
                      const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db->handle, "SELECT value FROM settings WHERE key = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return NULL;
}

gboolean
storm_db_set_setting (StormDb     *db,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = storm_db_prepare (db,
                           "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return storm_db_step_done (db, stmt, error);
}

gboolean
storm_db_log_event (StormDb     *db,
                    const char  *actor,
                    const char  *action,
                    const char  *subject,
                    const char  *status,
                    gint64       duration_ms,
                    const char  *detail,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = storm_db_prepare (db,
                           "INSERT INTO events (actor, action, subject, status, duration_ms, detail) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, status ? status : "ok", -1, SQLITE_STATIC);
  if (duration_ms >= 0)
    sqlite3_bind_int64 (stmt, 5, duration_ms);
  sqlite3_bind_text (stmt, 6, detail, -1, SQLITE_STATIC);
  return storm_db_step_done (db, stmt, error);
}
