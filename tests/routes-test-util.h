#pragma once

/* Shared by the route and route-export tests: a database in a fresh
 * temporary directory holding a storm of properties on a jittered grid
 * over north Dallas (three ZIP codes, uplift from a fixed formula), and
 * one-value queries. */

#include <glib/gstdio.h>
#include <math.h>

#include "storm-policy.h"
#include "storm-store-storms.h"

typedef struct
{
  char    *dir;
  char    *path;
  StormDb *db;
  gint64   storm_id;
} RoutesFixture;

static inline gint64
query_int (StormDb    *db,
           const char *sql,
           gint64      arg)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static inline char *
query_text (StormDb    *db,
            const char *sql,
            gint64      arg)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* @n properties "R00001"… in a 9 km square; a deterministic LCG jitters
 * them so no two share a position. */
static inline void
routes_fixture_add_storm (RoutesFixture *f,
                          int            n)
{
  StormStormSpec spec = { .code = "ROUTES_TEST", .name = "Routes test storm" };
  g_autoptr(sqlite3_stmt) p = NULL;
  g_autoptr(sqlite3_stmt) sp = NULL;
  g_autoptr(GError) error = NULL;
  int side = (int) ceil (sqrt (n));
  guint64 state = 12345;

  f->storm_id = storm_db_ensure_storm (f->db, &spec, NULL, &error);
  g_assert_no_error (error);
  p = storm_db_prepare (f->db,
                        "INSERT INTO properties (ext_id, address, city, state, zip, lat, lon) "
                        "VALUES (?1, ?2, 'Dallas', 'TX', ?3, ?4, ?5)", NULL);
  sp = storm_db_prepare (f->db,
                         "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate) "
                         "VALUES (?1, last_insert_rowid (), ?2, 0.05)", NULL);
  g_assert_true (storm_db_begin (f->db, NULL));
  for (int i = 0; i < n; i++)
    {
      g_autofree char *ext = g_strdup_printf ("R%05d", i + 1);
      g_autofree char *address = g_strdup_printf ("%d Elm St", 100 + i);
      int row = i / side, col = i % side;
      double jitter_lat, jitter_lon;

      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      jitter_lat = ((state >> 33) % 1000) / 1000.0 - 0.5;
      jitter_lon = ((state >> 13) % 1000) / 1000.0 - 0.5;
      sqlite3_bind_text (p, 1, ext, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (p, 2, address, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (p, 3, col < side / 3 ? "75201" : (col < 2 * side / 3 ? "75202" : "75203"), -1, SQLITE_STATIC);
      sqlite3_bind_double (p, 4, 32.80 + (row + 0.6 * jitter_lat) * 0.08 / side);
      sqlite3_bind_double (p, 5, -96.85 + (col + 0.6 * jitter_lon) * 0.095 / side);
      g_assert_true (storm_db_step_done (f->db, p, NULL));
      sqlite3_bind_int64 (sp, 1, f->storm_id);
      sqlite3_bind_double (sp, 2, ((i * 7919) % 3000) / 10000.0);
      g_assert_true (storm_db_step_done (f->db, sp, NULL));
    }
  g_assert_true (storm_db_commit (f->db, NULL));
}

static inline void
routes_fixture_apply_policy (RoutesFixture *f)
{
  StormPolicyParams params;
  g_autoptr(GError) error = NULL;

  /* The universal control hangs on the database's random salt: fix it,
   * so the treat doors, and the routes, are the same every run. */
  g_assert_true (storm_db_set_setting (f->db, "policy_salt", "0123456789abcdef0123456789abcdef", &error));
  g_assert_no_error (error);
  storm_policy_params_init (&params);
  g_assert_true (storm_policy_apply (f->db, f->storm_id, &params, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static inline void
routes_fixture_setup (RoutesFixture *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("stormops-routes-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "test.db", NULL);
  f->db = storm_db_open (f->path, &error);
  g_assert_no_error (error);
}

static inline void
routes_fixture_teardown (RoutesFixture *f,
                         gconstpointer  data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  storm_db_close (f->db);
  d = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);

      g_remove (child);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}
