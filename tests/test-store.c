#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "storm-error.h"
#include "storm-property-list.h"
#include "storm-store.h"
#include "storm-store-properties.h"
#include "storm-store-storms.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("stormops-store-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "test.db", NULL);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      g_remove (child);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
query_int (StormDb    *db,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
file_digest (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static void
test_create_fresh (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = storm_db_open (f->path, &error);
  struct stat st;

  g_assert_no_error (error);
  g_assert_cmpint (storm_db_schema_version (db), ==, STORM_SCHEMA_VERSION);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, STORM_SCHEMA_VERSION);
  g_assert_cmpint (query_int (db, "PRAGMA application_id"), ==, STORM_APPLICATION_ID);
  g_assert_cmpint (query_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sqlite_master WHERE name = 'storm_properties'"), ==, 1);

  /* Addresses and outcomes: the file is its owner's alone. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_journal_wal (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(StormDb) db = storm_db_open (f->path, NULL);
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, "PRAGMA journal_mode", NULL);

  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
}

static void
test_reopen_keeps_data (Fixture       *f,
                        gconstpointer  data)
{
  StormStormSpec spec = { .code = "TX_TEST_1", .name = "Test storm", .kind = "hail" };
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 id;

  {
    g_autoptr(StormDb) db = storm_db_open (f->path, &error);
    g_assert_no_error (error);
    id = storm_db_ensure_storm (db, &spec, &created, &error);
    g_assert_no_error (error);
    g_assert_true (created);
    g_assert_cmpint (id, >, 0);
    /* ensure is idempotent */
    g_assert_cmpint (storm_db_ensure_storm (db, &spec, &created, &error), ==, id);
    g_assert_false (created);
  }
  {
    g_autoptr(StormDb) db = storm_db_open (f->path, &error);
    g_autoptr(StormStorm) storm = NULL;

    g_assert_no_error (error);
    storm = storm_db_get_storm (db, "TX_TEST_1", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (storm_storm_get_name (storm), ==, "Test storm");
    g_assert_cmpint (storm_db_count_storms (db), ==, 1);
  }
}

static void
test_refuse_newer (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d", STORM_SCHEMA_VERSION + 1);

  {
    g_autoptr(StormDb) db = storm_db_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_true (storm_db_exec (db, pragma, &error));
    /* leave a rollback-journal file so the digest covers all content */
    g_assert_true (storm_db_exec (db, "PRAGMA journal_mode = DELETE", &error));
  }
  before = file_digest (f->path);
  g_assert_null (storm_db_open (f->path, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer StormOps"));
  after = file_digest (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_refuse_text_file (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *text = "name,lat,lon\nfoo,1,2\n";

  g_assert_true (g_file_set_contents (f->path, text, -1, NULL));
  g_assert_null (storm_db_open (f->path, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_A_DATABASE);
  g_assert_true (g_file_get_contents (f->path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, text);
}

static void
test_refuse_foreign_sqlite (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *other = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  before = file_digest (f->path);

  g_assert_null (storm_db_open (f->path, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_A_DATABASE);
  g_assert_nonnull (strstr (error->message, "another program"));
  after = file_digest (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_refuse_corrupt (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize len = 0;

  {
    g_autoptr(StormDb) db = storm_db_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_true (storm_db_exec (db, "PRAGMA journal_mode = DELETE", &error));
  }
  /* Keep the SQLite header, garble the page size and the schema page. */
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 200);
  contents[16] = 0x7f;
  contents[17] = 0x01;
  memset (contents + 100, 0xAB, MIN (len - 100, 3000));
  g_assert_true (g_file_set_contents (f->path, contents, len, NULL));
  before = file_digest (f->path);

  g_assert_null (storm_db_open (f->path, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_A_DATABASE);
  after = file_digest (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_empty_existing_file (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;

  g_assert_true (g_file_set_contents (f->path, "", 0, NULL));
  db = storm_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (storm_db_schema_version (db), ==, STORM_SCHEMA_VERSION);
}

static void
test_foreign_keys_enforced (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(StormDb) db = storm_db_open (f->path, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (storm_db_exec (db, "INSERT INTO touches (storm_id, property_id, channel, at) VALUES (99, 99, 'sms', '2024-05-01')", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_DATABASE);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM touches"), ==, 0);
}

static void
test_settings_and_events (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(StormDb) db = storm_db_open (f->path, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_null (storm_db_get_setting (db, "salt"));
  g_assert_true (storm_db_set_setting (db, "salt", "abc", &error));
  g_assert_true (storm_db_set_setting (db, "salt", "def", &error));
  value = storm_db_get_setting (db, "salt");
  g_assert_cmpstr (value, ==, "def");

  g_assert_true (storm_db_log_event (db, "operator", "import-properties", "a.csv", "failed", 12, "line 3", &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM events WHERE status = 'failed' AND duration_ms = 12"), ==, 1);
  /* the event log refuses a status it does not know */
  g_assert_false (storm_db_log_event (db, "operator", "x", NULL, "weird", -1, NULL, &error));
}

/* Fills a storm with @n properties directly through SQL. */
static gint64
seed_storm (StormDb *db,
            int      n)
{
  StormStormSpec spec = { .code = "SEED", .name = "Seed storm" };
  g_autoptr(sqlite3_stmt) p = NULL;
  g_autoptr(sqlite3_stmt) sp = NULL;
  gint64 storm_id;

  storm_id = storm_db_ensure_storm (db, &spec, NULL, NULL);
  g_assert_true (storm_db_begin (db, NULL));
  p = storm_db_prepare (db, "INSERT INTO properties (ext_id, address, city, state, zip, lat, lon) "
                            "VALUES (?1, ?2, 'Dallas', 'TX', ?3, 32.8, -96.8)", NULL);
  sp = storm_db_prepare (db, "INSERT INTO storm_properties (storm_id, property_id, uplift) "
                             "VALUES (?1, last_insert_rowid (), 0.1)", NULL);
  for (int i = 1; i <= n; i++)
    {
      g_autofree char *ext = g_strdup_printf ("prop_%05d", i);
      g_autofree char *address = g_strdup_printf ("%d Elm St", i);
      const char *zip = i % 10 == 0 ? "75226" : "75201";

      sqlite3_bind_text (p, 1, ext, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (p, 2, address, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (p, 3, zip, -1, SQLITE_STATIC);
      g_assert_true (storm_db_step_done (db, p, NULL));
      sqlite3_bind_int64 (sp, 1, storm_id);
      g_assert_true (storm_db_step_done (db, sp, NULL));
    }
  g_assert_true (storm_db_commit (db, NULL));
  return storm_id;
}

static void
wait_loaded (StormPropertyList *list)
{
  while (storm_property_list_get_loading (list))
    g_main_context_iteration (NULL, TRUE);
}

static void
test_property_list_lazy (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormStore) store = storm_store_open (f->path, &error);
  g_autoptr(StormPropertyList) list = NULL;
  g_autoptr(StormProperty) item = NULL;
  gint64 storm_id;

  g_assert_no_error (error);
  storm_id = seed_storm (storm_store_get_db (store), 500);

  list = storm_property_list_new (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  storm_property_list_set_storm (list, storm_id);
  /* ids load on a worker: nothing is there until the main loop runs */
  g_assert_true (storm_property_list_get_loading (list));
  wait_loaded (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 500);

  item = g_list_model_get_item (G_LIST_MODEL (list), 41);
  g_assert_cmpstr (storm_property_get_info (item)->ext_id, ==, "prop_00042");
  g_assert_cmpfloat_with_epsilon (storm_property_get_info (item)->uplift, 0.1, 1e-9);
  g_assert_true (isnan (storm_property_get_info (item)->hail_max_in));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 500));

  /* search runs in SQL: ZIP prefix, id and address */
  storm_property_list_set_search (list, "75226");
  wait_loaded (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 50);
  storm_property_list_set_search (list, "prop_0012");
  wait_loaded (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10);
  storm_property_list_set_search (list, "499 Elm");
  wait_loaded (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  storm_property_list_set_search (list, "100%");
  wait_loaded (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  storm_property_list_set_search (list, "");
  wait_loaded (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 500);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static gboolean
add_row_job (StormDb        *db,
             gpointer        data,
             GCancellable   *cancellable,
             StormProgress  *progress,
             GError        **error)
{
  gint64 storm_id = *(gint64 *) data;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!storm_db_begin (db, error))
    return FALSE;
  stmt = storm_db_prepare (db, "INSERT INTO properties (ext_id, lat, lon) VALUES ('new_1', 33.0, -97.0)", error);
  if (stmt == NULL || !storm_db_step_done (db, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = storm_db_prepare (db, "INSERT INTO storm_properties (storm_id, property_id) VALUES (?1, last_insert_rowid ())", error);
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (!storm_db_step_done (db, stmt, error))
    return FALSE;
  storm_progress_report (progress, 1.0, "done");
  return storm_db_commit (db, error);
}

static gboolean
failing_job (StormDb        *db,
             gpointer        data,
             GCancellable   *cancellable,
             StormProgress  *progress,
             GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!storm_db_begin (db, error))
    return FALSE;
  stmt = storm_db_prepare (db, "INSERT INTO properties (ext_id, lat, lon) VALUES ('half_1', 33.0, -97.0)", error);
  g_assert_true (storm_db_step_done (db, stmt, error));
  g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, "line 2: broken");
  return FALSE;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;

  storm_store_run_finish (STORM_STORE (object), result, error);
  *(gboolean *) g_object_get_data (object, "done") = TRUE;
}

static void
progress_cb (double      fraction,
             const char *message,
             gpointer    user_data)
{
  *(double *) user_data = fraction;
}

static void
run_and_wait (StormStore        *store,
              StormStoreJobFunc  func,
              gpointer           data,
              StormProgress     *progress,
              GError           **error)
{
  const char *tables[] = { "properties", "storm_properties", NULL };
  gboolean done = FALSE;

  g_object_set_data (G_OBJECT (store), "done", &done);
  storm_store_run_async (store, tables, func, data, NULL, progress, NULL, run_done_cb, error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_run_async_notifies (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormStore) store = storm_store_open (f->path, &error);
  g_autoptr(StormPropertyList) list = storm_property_list_new (store);
  gint64 storm_id = seed_storm (storm_store_get_db (store), 3);
  guint changes = 0;
  double fraction = 0;

  storm_property_list_set_storm (list, storm_id);
  wait_loaded (list);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  run_and_wait (store, add_row_job, &storm_id,
                storm_progress_new (progress_cb, &fraction, NULL), &error);
  g_assert_no_error (error);
  /* the write on the worker announced itself; the open model refreshed */
  wait_loaded (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  g_assert_cmpuint (changes, >=, 1);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpfloat (fraction, ==, 1.0);
}

static void
test_run_async_rolls_back (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormStore) store = storm_store_open (f->path, &error);

  run_and_wait (store, failing_job, NULL, NULL, &error);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  /* the half-written row was rolled back */
  g_assert_cmpint (query_int (storm_store_get_db (store), "SELECT count(*) FROM properties"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/create-fresh", test_create_fresh);
  ADD ("/store/journal-wal", test_journal_wal);
  ADD ("/store/reopen-keeps-data", test_reopen_keeps_data);
  ADD ("/store/refuse-newer", test_refuse_newer);
  ADD ("/store/refuse-text-file", test_refuse_text_file);
  ADD ("/store/refuse-foreign-sqlite", test_refuse_foreign_sqlite);
  ADD ("/store/refuse-corrupt", test_refuse_corrupt);
  ADD ("/store/empty-existing-file", test_empty_existing_file);
  ADD ("/store/foreign-keys", test_foreign_keys_enforced);
  ADD ("/store/settings-and-events", test_settings_and_events);
  ADD ("/store/property-list-lazy", test_property_list_lazy);
  ADD ("/store/run-async-notifies", test_run_async_notifies);
  ADD ("/store/run-async-rolls-back", test_run_async_rolls_back);
#undef ADD

  return g_test_run ();
}
