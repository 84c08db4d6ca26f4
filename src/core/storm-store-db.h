#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* One SQLite connection. The main thread owns one through StormStore;
 * every worker thread opens its own. Not thread-safe by itself. */
typedef struct _StormDb StormDb;

/* Latest schema version this build knows. */
#define STORM_SCHEMA_VERSION 5
/* PRAGMA application_id of a StormOps database: "STOR". */
#define STORM_APPLICATION_ID 0x53544F52

StormDb      *storm_db_open          (const char    *path,
                                      GError       **error);
void          storm_db_close         (StormDb       *db);
sqlite3      *storm_db_handle        (StormDb       *db);
const char   *storm_db_path          (StormDb       *db);
int           storm_db_schema_version (StormDb      *db);

gboolean      storm_db_exec          (StormDb       *db,
                                      const char    *sql,
                                      GError       **error);
sqlite3_stmt *storm_db_prepare       (StormDb       *db,
                                      const char    *sql,
                                      GError       **error);
/* A prepared statement kept for the life of the connection, keyed by
 * the address of @sql (pass a string literal). Do not finalize it; it is
 * reset and its bindings cleared before it is returned. */
sqlite3_stmt *storm_db_cached        (StormDb       *db,
                                      const char    *sql,
                                      GError       **error);
gboolean      storm_db_step_done     (StormDb       *db,
                                      sqlite3_stmt  *stmt,
                                      GError       **error);
/* First column of the first row of @sql with ?1 bound to @arg; -1 on error. */
gint64        storm_db_count_rows    (StormDb       *db,
                                      const char    *sql,
                                      gint64         arg);
gboolean      storm_db_begin         (StormDb       *db,
                                      GError       **error);
gboolean      storm_db_commit        (StormDb       *db,
                                      GError       **error);
void          storm_db_rollback      (StormDb       *db);
gboolean      storm_db_fail          (StormDb       *db,
                                      GError       **error,
                                      const char    *what);

/* Settings table (key/value kept inside the database). */
char         *storm_db_get_setting   (StormDb       *db,
                                      const char    *key);
gboolean      storm_db_set_setting   (StormDb       *db,
                                      const char    *key,
                                      const char    *value,
                                      GError       **error);

/* Event log: who did what, when, with what result; feeds Ops health. */
gboolean      storm_db_log_event     (StormDb       *db,
                                      const char    *actor,
                                      const char    *action,
                                      const char    *subject,
                                      const char    *status,
                                      gint64         duration_ms,
                                      const char    *detail,
                                      GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormDb, storm_db_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
