#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "storm-error.h"
#include "storm-import-outcomes.h"
#include "storm-store-storms.h"

typedef struct
{
  char    *dir;
  StormDb *db;
} Fixture;

static char *
data_path (const char *name)
{
  return g_build_filename (g_getenv ("STORMOPS_TEST_DATA"), "outcomes", name, NULL);
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

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  StormStormSpec spec = { .code = "OUT", .name = "Outcomes storm" };
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("stormops-outcomes-XXXXXX", NULL);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->db = storm_db_open (path, NULL);
  storm_db_ensure_storm (f->db, &spec, NULL, NULL);
  g_assert_true (storm_db_exec (f->db,
    "INSERT INTO properties (id, ext_id, lat, lon) VALUES (1, 'p1', 32.8, -96.8), (2, 'p2', 32.8, -96.8), "
    "  (3, 'p3', 32.8, -96.8), (9, 'p9', 32.8, -96.8);"
    "INSERT INTO storm_properties (storm_id, property_id) VALUES (1, 1), (1, 2), (1, 3);", NULL));
}

static void
fixture_teardown (Fixture       *f,
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
  g_free (f->dir);
}

static gboolean
import (Fixture            *f,
        const char         *name,
        StormImportResult  *result,
        GError            **error)
{
  g_autofree char *path = data_path (name);

  storm_import_result_init (result);
  return storm_import_outcomes (f->db, path, "OUT", result, NULL, NULL, error);
}

static void
test_import_and_idempotency (Fixture       *f,
                             gconstpointer  data)
{
  g_auto(StormImportResult) result = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (import (f, "good.csv", &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.n_rows, ==, 3);
  g_assert_cmpint (result.n_inserted, ==, 3);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes WHERE converted = 1"), ==, 2);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes WHERE source = 'csv' AND value = 9800.5"), ==, 1);
  storm_import_result_clear (&result);

  /* the same file again changes nothing */
  g_assert_true (import (f, "good.csv", &result, &error));
  g_assert_cmpint (result.n_inserted, ==, 0);
  g_assert_cmpint (result.n_duplicates, ==, 3);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 3);
  storm_import_result_clear (&result);

  /* p1 corrected to "no": a new current row, the old one kept */
  g_assert_true (import (f, "correction.csv", &result, &error));
  g_assert_cmpint (result.n_updated, ==, 1);
  g_assert_cmpint (result.n_duplicates, ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 4);
  g_assert_cmpint (query_int (f->db, "SELECT converted FROM policy_outcomes WHERE property_id = 1 AND is_current = 1"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE action = 'import-outcomes' AND status = 'ok'"), ==, 3);
}

typedef struct
{
  const char *file;
  const char *message;
} BadCase;

static const BadCase bad_cases[] = {
  { "bad-value.csv", "bad-value.csv:4: field “value”: “9,800” is not an amount of zero or more" },
  { "unknown-property.csv", "unknown-property.csv:3: field “property_id”: “p9” is not a property of this storm" },
  { "bad-bool.csv", "bad-bool.csv:2: field “converted”: “maybe” is not yes/no or 1/0" },
  { "bad-date.csv", "bad-date.csv:2: field “date”: “2024-13-03” is not a date like 2024-05-01 or 2024-05-01T18:30:00Z" },
  { "no-converted.csv", "no-converted.csv:1: the header has no “converted” column" },
  { "negative-value.csv", "negative-value.csv:3: field “value”: “-300” is not an amount of zero or more" },
  { "huge-value.csv", "huge-value.csv:3: field “value”: “1e400” is not an amount of zero or more" },
  { "empty-property.csv", "empty-property.csv:3: field “property_id”: is empty" },
  { "invalid-utf8.csv", "invalid-utf8.csv:3: field “converted”: not valid UTF-8 text; save the file with UTF-8 encoding" },
  { "unbalanced-quote.csv", "unbalanced-quote.csv:2: a quoted field starts here but its closing quote is missing" },
};

static void
test_bad_files_write_nothing (Fixture       *f,
                              gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_auto(StormImportResult) result = { 0 };
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad_cases[i].file);
      g_assert_false (import (f, bad_cases[i].file, &result, &error));
      g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
      g_assert_true (g_str_has_suffix (error->message, bad_cases[i].message));
      g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 0);
    }
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE action = 'import-outcomes' AND status = 'failed'"),
                   ==, G_N_ELEMENTS (bad_cases));
}

static void
test_touches (Fixture       *f,
              gconstpointer  data)
{
  g_auto(StormImportResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *good = data_path ("touches.csv");
  g_autofree char *bad = data_path ("touches-bad-channel.csv");
  g_autofree char *bad_date = data_path ("touches-bad-date.csv");

  storm_import_result_init (&result);
  g_assert_true (storm_import_touches (f->db, good, "OUT", &result, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.n_inserted, ==, 3);
  g_assert_cmpint (result.n_duplicates, ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM touches WHERE result IS NULL"), ==, 1);
  storm_import_result_clear (&result);

  storm_import_result_init (&result);
  g_assert_false (storm_import_touches (f->db, bad, "OUT", &result, NULL, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "touches-bad-channel.csv:3: field “channel”"));
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM touches"), ==, 3);

  /* the field as the file's header calls it */
  g_clear_error (&error);
  g_assert_false (storm_import_touches (f->db, bad_date, "OUT", &result, NULL, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_true (g_str_has_suffix (error->message, "touches-bad-date.csv:3: field “at”: “yesterday” is not a date "
                                                   "like 2024-05-01 or 2024-05-01T18:30:00Z"));
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM touches"), ==, 3);

  g_clear_error (&error);
  g_assert_false (storm_import_touches (f->db, good, "NO_SUCH_STORM", &result, NULL, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/import-outcomes/import-and-idempotency", test_import_and_idempotency);
  ADD ("/import-outcomes/bad-files-write-nothing", test_bad_files_write_nothing);
  ADD ("/import-outcomes/touches", test_touches);
#undef ADD

  return g_test_run ();
}
