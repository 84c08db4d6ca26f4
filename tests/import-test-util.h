#pragma once

/* Helpers shared by the importer and exposure tests: a database in a
 * fresh temporary directory, one-value queries, paths to the real data
 * and the bad-input corpus, and a digest of every table to prove that a
 * failed import left the database as it was. */

#include <glib/gstdio.h>
#include <string.h>

#include "storm-error.h"
#include "storm-import.h"

typedef struct
{
  char    *dir;
  char    *path;
  StormDb *db;
} DbFixture;

static inline void
db_fixture_setup (DbFixture     *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("stormops-import-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "test.db", NULL);
  f->db = storm_db_open (f->path, &error);
  g_assert_no_error (error);
}

static inline void
db_fixture_teardown (DbFixture     *f,
                     gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  storm_db_close (f->db);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);
      g_remove (child);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static inline gint64
query_int (StormDb    *db,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static inline double
query_double (StormDb    *db,
              const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_double (stmt, 0);
}

/* NULL when the value is NULL. */
static inline char *
query_text (StormDb    *db,
            const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static inline char *
shared_data (const char *folder,
             const char *name)
{
  const char *root = g_getenv ("STORMOPS_SHARED_DATA");

  g_assert_nonnull (root);
  return g_build_filename (root, folder, name, NULL);
}

static inline char *
bad_data (const char *name)
{
  const char *root = g_getenv ("STORMOPS_TEST_DATA");

  g_assert_nonnull (root);
  return g_build_filename (root, "bad", name, NULL);
}

static inline char *
write_temp (DbFixture  *f,
            const char *name,
            const char *contents,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
  return path;
}

/* Every row of every table but the event log (events and the runs derived
 * from them), in a stable order, hashed; and the number of rows of each. */
static inline char *
db_digest (StormDb *db)
{
  g_autoptr(sqlite3_stmt) tables = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GString) counts = g_string_new (NULL);

  tables = storm_db_prepare (db,
                             "SELECT name FROM sqlite_master WHERE type = 'table' "
                             "AND name NOT LIKE 'sqlite_%' AND name NOT IN ('events', 'runs') ORDER BY name",
                             NULL);
  g_assert_nonnull (tables);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (tables, 0);
      /* a name read from the schema itself */
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1, 2", table);
      g_autoptr(sqlite3_stmt) rows = storm_db_prepare (db, sql, NULL);
      gint64 n = 0;

      g_assert_nonnull (rows);
      while (sqlite3_step (rows) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (rows); c++)
            {
              const char *v = (const char *) sqlite3_column_text (rows, c);

              g_checksum_update (sum, (const guchar *) (v ? v : "\x01NULL"), -1);
              g_checksum_update (sum, (const guchar *) "\x1f", 1);
            }
          n++;
        }
      g_string_append_printf (counts, "%s=%" G_GINT64_FORMAT " ", table, n);
    }
  g_string_append (counts, g_checksum_get_string (sum));
  return g_strdup (counts->str);
}

/* The last event: "action|subject|status|detail". */
static inline char *
last_event (StormDb *db)
{
  return query_text (db, "SELECT action || '|' || subject || '|' || status || '|' || coalesce (detail, '') "
                         "FROM events ORDER BY id DESC LIMIT 1");
}
