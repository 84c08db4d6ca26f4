/* libFuzzer target for one importer, chosen at build time by
 * FUZZ_IMPORTER (see meson.build): properties CSV or JSON, SPC or Storm
 * Events reports, outcomes or touches. The importers read a path, so each
 * input is written to a file on a private temporary folder. Each runs
 * against the same database, holding one storm with three properties:
 * a failed import keeps nothing but its line in the event log, which is
 * cleared; after one that succeeded the database is put back from a
 * copy, so a crash never depends on what earlier inputs left. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "storm-import.h"
#include "storm-import-outcomes.h"
#include "storm-store-storms.h"

enum {
  FUZZ_PROPERTIES_CSV,
  FUZZ_PROPERTIES_JSON,
  FUZZ_SPC_CSV,
  FUZZ_STORM_EVENTS_CSV,
  FUZZ_OUTCOMES_CSV,
  FUZZ_TOUCHES_CSV,
};

#ifndef FUZZ_IMPORTER
#error "FUZZ_IMPORTER must name the importer under test"
#endif

static char *input_path;
static char *db_path;
static char *template_db;
static gsize template_len;
static char *work_dir;
static StormDb *db;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Without the fsync () of g_file_set_contents (): a file is written for
 * every input. */
static void
write_file (const char   *path,
            const guint8 *data,
            size_t        size)
{
  FILE *f = fopen (path, "wb");

  if (f == NULL || (size > 0 && fwrite (data, 1, size, f) != size) || fclose (f) != 0)
    abort ();
}

static void
remove_db (void)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

  g_remove (db_path);
  g_remove (wal);
  g_remove (shm);
}

static void
make_template (void)
{
  StormStormSpec spec = { .code = "FUZZ", .name = "Fuzz storm" };
  g_autoptr(GError) error = NULL;
  StormDb *seed;

  remove_db ();
  seed = storm_db_open (db_path, &error);
  g_assert_no_error (error);
  storm_db_ensure_storm (seed, &spec, NULL, &error);
  g_assert_no_error (error);
  storm_db_exec (seed,
                 "INSERT INTO properties (id, ext_id, lat, lon) VALUES "
                 "  (1, 'p1', 32.8, -96.8), (2, 'p2', 32.81, -96.79), (3, 'p3', 32.79, -96.81);"
                 "INSERT INTO storm_properties (storm_id, property_id) VALUES (1, 1), (1, 2), (1, 3);"
                 "INSERT INTO storm_reports (storm_id, kind, magnitude, unit, lat, lon, source, dedup_key) "
                 "  VALUES (1, 'hail', 1.75, 'in', 32.8, -96.8, 'spc', 'seed');",
                 &error);
  g_assert_no_error (error);
  storm_db_close (seed);
  g_file_get_contents (db_path, &template_db, &template_len, &error);
  g_assert_no_error (error);
}

static void
cleanup (void)
{
  g_autofree char *input = g_steal_pointer (&input_path);

  g_clear_pointer (&db, storm_db_close);
  remove_db ();
  g_remove (input);
  g_rmdir (work_dir);
}

/* The database as the template has it. */
static void
restore_db (void)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&db, storm_db_close);
  remove_db ();
  write_file (db_path, (const guint8 *) template_db, template_len);
  db = storm_db_open (db_path, &error);
  g_assert_no_error (error);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  const char *ext = FUZZ_IMPORTER == FUZZ_PROPERTIES_JSON ? "json" : "csv";
  g_autofree char *name = g_strdup_printf ("input.%s", ext);
  g_autoptr(GError) error = NULL;
  char *dir;

  /* Plain malloc for the leak checker, and no GIO modules (gvfs) loaded
   * behind the importers' backs. */
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  g_setenv ("GIO_MODULE_DIR", "/nonexistent", TRUE);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  /* in memory when the system has a tmpfs there */
  if (g_getenv ("TMPDIR") == NULL && g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR))
    g_setenv ("TMPDIR", "/dev/shm", TRUE);
  dir = g_dir_make_tmp ("stormops-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  input_path = g_build_filename (dir, name, NULL);
  db_path = g_build_filename (dir, "fuzz.db", NULL);
  make_template ();
  work_dir = dir;
  atexit (cleanup);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_auto(StormImportResult) result;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  storm_import_result_init (&result);
  write_file (input_path, data, size);
  if (db == NULL)
    restore_db ();

  switch (FUZZ_IMPORTER)
    {
    case FUZZ_PROPERTIES_CSV:
    case FUZZ_PROPERTIES_JSON:
      ok = storm_import_properties (db, input_path, "FUZZ", &result, NULL, NULL, &error);
      break;
    case FUZZ_SPC_CSV:
    case FUZZ_STORM_EVENTS_CSV:
      ok = storm_import_reports (db, input_path, "FUZZ", NULL, &result, NULL, NULL, &error);
      break;
    case FUZZ_OUTCOMES_CSV:
      ok = storm_import_outcomes (db, input_path, "FUZZ", &result, NULL, NULL, &error);
      break;
    case FUZZ_TOUCHES_CSV:
      ok = storm_import_touches (db, input_path, "FUZZ", &result, NULL, NULL, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  /* The contract every importer keeps: an error when it fails, none when
   * it succeeds, and a message that is valid UTF-8 whatever the input. */
  if (ok)
    g_assert_no_error (error);
  else
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  for (guint i = 0; result.warnings != NULL && i < result.warnings->len; i++)
    g_assert_true (g_utf8_validate (g_ptr_array_index (result.warnings, i), -1, NULL));

  if (ok)
    restore_db ();
  else if (!storm_db_exec (db, "DELETE FROM events", NULL))
    abort ();
  return 0;
}
