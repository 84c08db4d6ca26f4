/* The command line, run in this process (its output caught through
 * GLib's print handlers) and, for the exit statuses main() returns, as
 * the built stormops binary. */
#include "config.h"

#include <json-glib/json-glib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "import-test-util.h"
#include "storm-cli.h"

static GString *out;
static GString *err;

static void
print_out (const char *text)
{
  g_string_append (out, text);
}

static void
print_err (const char *text)
{
  g_string_append (err, text);
}

/* Runs `stormops ARGS…` (NULL-terminated) and returns its exit status;
 * what it printed is in `out` and `err`. */
static int
run (const char *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  GPrintFunc old_out, old_err;
  va_list ap;
  int status;

  g_string_truncate (out, 0);
  g_string_truncate (err, 0);
  g_ptr_array_add (args, (char *) "stormops");
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  old_out = g_set_print_handler (print_out);
  old_err = g_set_printerr_handler (print_err);
  status = storm_cli_run ((int) args->len - 1, (char **) args->pdata);
  g_set_print_handler (old_out);
  g_set_printerr_handler (old_err);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", status, out->str, err->str);
  return status;
}

static gboolean
handles (const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (char *) "stormops");
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return storm_cli_handles ((int) args->len - 1, (char **) args->pdata);
}

static gint64
count_in (const char *path,
          const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = storm_db_open (path, &error);

  g_assert_no_error (error);
  return query_int (db, sql);
}

static void
test_handles (void)
{
  /* the window: no arguments, the window's own options, files */
  g_assert_false (storm_cli_handles (1, (char *[]) { (char *) "stormops", NULL }));
  g_assert_false (handles ("--page", "ops-health", NULL));
  g_assert_false (handles ("--db", "x.db", NULL));
  g_assert_false (handles ("--help", NULL));
  g_assert_false (handles ("--gapplication-service", NULL));
  g_assert_false (handles ("no-such-command", NULL));
  /* the commands */
  g_assert_true (handles ("demo", NULL));
  g_assert_true (handles ("import-properties", "f.csv", "--storm", "X", NULL));
  g_assert_true (handles ("import-reports", "f.csv", NULL));
  g_assert_true (handles ("storms", NULL));
  g_assert_true (handles ("info", NULL));
  g_assert_true (handles ("routes", "list", NULL));
  g_assert_true (handles ("policy", "preview", NULL));
  g_assert_true (handles ("stats", "lift", "1/2", "1/3", NULL));
  g_assert_true (handles ("tsp", "a.tsp", NULL));
  g_assert_true (handles ("help", NULL));
  g_assert_true (handles ("--version", NULL));
  g_assert_true (handles ("--help-commands", NULL));
  g_assert_true (handles ("--db", "x.db", "storms", NULL));
  g_assert_true (handles ("--db=x.db", "info", NULL));
}

static void
test_version_and_help (void)
{
  g_assert_cmpint (run ("--version", NULL), ==, 0);
  g_assert_cmpstr (out->str, ==, "stormops " PACKAGE_VERSION "\n");

  g_assert_cmpint (run ("help", NULL), ==, 0);
  for (const char *const *c = (const char *const[]) { "import-properties", "import-reports", "demo", "storms", "info",
                                                       "policy", "routes", "report", NULL }; *c != NULL; c++)
    g_assert_nonnull (strstr (out->str, *c));
  g_assert_cmpstr (err->str, ==, "");

  g_assert_cmpint (run ("demo", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out->str, "Usage:\n  stormops demo [OPTION…]\n"));
  g_assert_nonnull (strstr (out->str, "--properties=N"));
  g_assert_nonnull (strstr (out->str, "--seed=N"));
  g_assert_nonnull (strstr (out->str, "--db=PATH"));

  g_assert_cmpint (run ("help", "import-reports", NULL), ==, 0);
  g_assert_nonnull (strstr (out->str, "Usage:\n  stormops import-reports [OPTION…] FILE\n"));
  g_assert_nonnull (strstr (out->str, "--state=ST"));
  g_assert_nonnull (strstr (out->str, "--from=YYYY-MM-DD"));

  g_assert_cmpint (run ("import-properties", "-h", NULL), ==, 0);
  g_assert_nonnull (strstr (out->str, "--storm=CODE"));
  g_assert_cmpint (run ("storms", "--help", NULL), ==, 0);
  g_assert_cmpint (run ("info", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out->str, "schema version"));
}

/* Wrong usage: status 2, a message on stderr, nothing written. */
static void
test_usage_errors (DbFixture     *f,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "usage.db", NULL);
  g_autofree char *csv = shared_data ("addresses", "dallas.csv");

  g_assert_cmpint (run ("frobnicate", NULL), ==, 2);
  g_assert_cmpstr (err->str, ==, "stormops: “frobnicate” is not a command\n"
                                 "Run “stormops help” for the list of commands.\n");
  g_assert_cmpstr (out->str, ==, "");
  g_assert_cmpint (run (NULL), ==, 2);
  g_assert_cmpint (run ("help", "frobnicate", NULL), ==, 2);

  g_assert_cmpint (run ("demo", "--properties", "0", "--db", db, NULL), ==, 2);
  g_assert_cmpstr (err->str, ==, "stormops: --properties must be between 1 and 10000000\n"
                                 "Run “stormops demo --help” for its options.\n");
  g_assert_cmpint (run ("demo", "--properties", "many", "--db", db, NULL), ==, 2);
  g_assert_true (g_str_has_prefix (err->str, "stormops: Cannot parse integer value “many” for --properties\n"));
  g_assert_cmpint (run ("demo", "--seed", "-1", "--db", db, NULL), ==, 2);
  g_assert_cmpint (run ("demo", "extra", "--db", db, NULL), ==, 2);
  g_assert_cmpint (run ("demo", "--frobnicate", "--db", db, NULL), ==, 2);
  g_assert_cmpstr (err->str, ==, "stormops: Unknown option --frobnicate\n"
                                 "Run “stormops demo --help” for its options.\n");

  g_assert_cmpint (run ("import-properties", "--storm", "X", "--db", db, NULL), ==, 2);
  g_assert_cmpstr (err->str, ==, "stormops: which file? Give one properties file.\n"
                                 "Run “stormops import-properties --help” for its options.\n");
  g_assert_cmpint (run ("import-properties", csv, "--db", db, NULL), ==, 2);
  g_assert_cmpstr (err->str, ==, "stormops: --storm CODE is needed: the storm the properties belong to\n"
                                 "Run “stormops import-properties --help” for its options.\n");
  g_assert_cmpint (run ("import-properties", csv, csv, "--storm", "X", "--db", db, NULL), ==, 2);

  g_assert_cmpint (run ("import-reports", "--db", db, NULL), ==, 2);
  g_assert_cmpint (run ("import-reports", csv, "--from", "2024-02-30", "--db", db, NULL), ==, 2);
  g_assert_cmpstr (err->str, ==, "stormops: “2024-02-30” is not a date; write dates as YYYY-MM-DD\n"
                                 "Run “stormops import-reports --help” for its options.\n");
  g_assert_cmpint (run ("import-reports", csv, "--from", "2024-05-02", "--to", "2024-05-01", "--db", db, NULL), ==, 2);
  g_assert_cmpint (run ("storms", "extra", "--db", db, NULL), ==, 2);
  g_assert_cmpint (run ("info", "extra", "--db", db, NULL), ==, 2);

  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

/* Failures: status 1, the reason on stderr, nothing kept. */
static void
test_failures (DbFixture     *f,
               gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "fail.db", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.csv", NULL);
  g_autofree char *bad = bad_data ("non-numeric-lat.csv");
  g_autofree char *expected = NULL;
  g_autofree char *not_db = write_temp (f, "notes.txt", "these are not the droids\n", -1);

  g_assert_cmpint (run ("import-properties", missing, "--storm", "X", "--db", db, NULL), ==, 1);
  expected = g_strdup_printf ("stormops: %s: no such file\n", missing);
  g_assert_cmpstr (err->str, ==, expected);
  g_clear_pointer (&expected, g_free);
  g_assert_cmpint (run ("import-reports", missing, "--db", db, NULL), ==, 1);
  g_assert_cmpint (run ("import-properties", f->dir, "--storm", "X", "--db", db, NULL), ==, 1);
  expected = g_strdup_printf ("stormops: %s: is a folder, not a file\n", f->dir);
  g_assert_cmpstr (err->str, ==, expected);
  g_clear_pointer (&expected, g_free);
  /* the database is made only for work that can start */
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run ("import-properties", bad, "--storm", "BAD", "--db", db, NULL), ==, 1);
  g_assert_cmpstr (err->str, ==, "stormops: non-numeric-lat.csv:3: field “Latitude”: “thirty-two” is not a number\n");
  g_assert_cmpstr (out->str, ==, "");
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM properties"), ==, 0);
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM storms"), ==, 0);

  g_assert_cmpint (run ("storms", "--db", not_db, NULL), ==, 1);
  expected = g_strdup_printf ("stormops: “%s” is not a StormOps database (it is not an SQLite file). "
                              "Choose another file; this one was left untouched.\n", not_db);
  g_assert_cmpstr (err->str, ==, expected);
  g_assert_cmpint (run ("import-reports", bad, "--state", "Atlantis", "--db", db, NULL), ==, 1);
  g_assert_cmpstr (err->str, ==, "stormops: “Atlantis” is not a US state; give its two-letter code, such as TX\n");
}

static void
test_import_properties (DbFixture     *f,
                        gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "props.db", NULL);
  g_autofree char *csv = shared_data ("addresses", "dallas.csv");
  g_autofree char *geojson = shared_data ("addresses", "dallas.geojson");

  g_assert_cmpint (run ("import-properties", csv, "--storm", "DALLAS", "--db", db, NULL), ==, 0);
  g_assert_cmpstr (out->str, ==,
                   "Storm        DALLAS (new)\n"
                   "Rows read    34\n"
                   "Added        34\n"
                   "Updated      0\n"
                   "Duplicates   0\n"
                   "Warnings     0\n");
  g_assert_cmpstr (err->str, ==, "");
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM properties"), ==, 34);
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM storm_properties sp JOIN storms s ON s.id = sp.storm_id "
                                 "WHERE s.code = 'DALLAS'"), ==, 34);

  /* the same places from GeoJSON refresh them: same ids, nothing added */
  g_assert_cmpint (run ("import-properties", geojson, "--storm", "DALLAS", "--db", db, NULL), ==, 0);
  g_assert_nonnull (strstr (out->str, "Storm        DALLAS\n"));
  g_assert_nonnull (strstr (out->str, "Added        0\n"));
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM properties"), ==, 34);
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM events WHERE action = 'import-properties' AND status = 'ok'"), ==, 2);
}

static void
test_import_reports (DbFixture     *f,
                     gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "reports.db", NULL);
  g_autofree char *spc = shared_data ("spc-storm-reports", "20_hail.csv");
  g_autofree char *events = shared_data ("storm-events", "StormEvents_details_2019_Texas.csv");

  /* 99 hail reports of 2013-05-20, 20 of them in Texas */
  g_assert_cmpint (run ("import-reports", spc, "--state", "TX", "--date", "2013-05-20", "--db", db, NULL), ==, 0);
  g_assert_cmpstr (out->str, ==,
                   "Storm        SPC_20_HAIL (new)\n"
                   "Rows read    99\n"
                   "Added        20\n"
                   "Duplicates   0\n"
                   "Filtered out 79\n"
                   "Warnings     0\n");
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM storm_reports WHERE state = 'TX' AND kind = 'hail' "
                                 "AND at LIKE '2013-05-2_T%'"), ==, 20);
  /* again: all duplicates */
  g_assert_cmpint (run ("import-reports", spc, "--state", "TX", "--date", "2013-05-20", "--db", db, NULL), ==, 0);
  g_assert_nonnull (strstr (out->str, "Duplicates   20\n"));
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM storm_reports"), ==, 20);

  /* NOAA Storm Events of February 2019 into a storm of our own; its 71
   * warnings are listed up to 20, the rest counted */
  g_assert_cmpint (run ("import-reports", events, "--storm", "TX_FEB_19", "--from", "2019-02-01", "--to", "2019-02-28",
                        "--db", db, NULL), ==, 0);
  g_assert_cmpstr (out->str, ==,
                   "Storm        TX_FEB_19 (new)\n"
                   "Rows read    539\n"
                   "Added        85\n"
                   "Duplicates   0\n"
                   "Filtered out 454\n"
                   "Warnings     71\n");
  g_assert_true (g_str_has_prefix (err->str, "stormops: warning: StormEvents_details_2019_Texas.csv:"));
  {
    g_auto(GStrv) lines = g_strsplit (err->str, "\n", -1);

    g_assert_cmpint (g_strv_length (lines), ==, 22);
    g_assert_cmpstr (lines[20], ==, "stormops: 51 more warnings not shown");
  }
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM storm_reports r JOIN storms s ON s.id = r.storm_id "
                                 "WHERE s.code = 'TX_FEB_19'"), ==, 85);
}

static void
test_storms_and_info (DbFixture     *f,
                      gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "list.db", NULL);
  g_autofree char *spc = shared_data ("spc-storm-reports", "today_torn.csv");
  g_autofree char *expected = NULL;
  g_auto(GStrv) lines = NULL;

  /* looking creates nothing */
  g_assert_cmpint (run ("storms", "--db", db, NULL), ==, 0);
  expected = g_strdup_printf ("No storms: there is no database at %s yet.\n", db);
  g_assert_cmpstr (out->str, ==, expected);
  g_clear_pointer (&expected, g_free);
  g_assert_cmpint (run ("info", "--db", db, NULL), ==, 0);
  g_assert_nonnull (strstr (out->str, "not created yet"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run ("demo", "--properties", "300", "--seed", "5", "--db", db, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out->str, "Storm        DFW_STORM_24 — Dallas–Fort Worth hail, 2024-04-28 (demo)\n"
                                             "Properties   300\n"));
  g_assert_nonnull (strstr (out->str, "Seed         5\n"));
  g_assert_cmpint (run ("demo", "--db", db, NULL), ==, 1);
  g_assert_cmpstr (err->str, ==, "stormops: The demo storm DFW_STORM_24 is already in this database; it is made only once.\n");
  g_assert_cmpint (run ("import-reports", spc, "--db", db, NULL), ==, 0);

  g_assert_cmpint (run ("storms", "--db", db, NULL), ==, 0);
  lines = g_strsplit (out->str, "\n", -1);
  g_assert_cmpint (g_strv_length (lines), ==, 4);
  /* newest first; a storm without dates sorts by when it was added */
  g_assert_cmpstr (lines[0], ==, "CODE            NAME                                       KIND     START                 REPORTS  PROPERTIES");
  g_assert_cmpstr (lines[1], ==, "SPC_TODAY_TORN  today_torn.csv                             tornado  —                          13           0");
  g_assert_cmpstr (lines[2], ==, "DFW_STORM_24    Dallas–Fort Worth hail, 2024-04-28 (demo)  mixed    2024-04-28T20:10:00Z      114         300");
  g_assert_cmpstr (lines[3], ==, "");
  g_clear_pointer (&lines, g_strfreev);

  g_assert_cmpint (run ("info", "--db", db, NULL), ==, 0);
  expected = g_strdup_printf ("Database         %s\n"
                              "Schema version   %d (this StormOps writes %d)\n",
                              db, STORM_SCHEMA_VERSION, STORM_SCHEMA_VERSION);
  g_assert_true (g_str_has_prefix (out->str, expected));
  g_assert_nonnull (strstr (out->str, "\nFile size        "));
  /* Counts are right-aligned after the longest table name. */
  g_assert_true (g_regex_match_simple ("\n  properties +300\n", out->str, 0, 0));
  g_assert_true (g_regex_match_simple ("\n  storms +2\n", out->str, 0, 0));
  /* the demo, its policy and field work, the refused second demo, the
   * report import */
  g_assert_true (g_regex_match_simple ("\n  events +5\n", out->str, 0, 0));
  /* The demo's week of field work applied the policy once. */
  g_assert_true (g_regex_match_simple ("\n  policy_executions +1\n", out->str, 0, 0));
}

/* Without --db: $STORMOPS_DB; a --db before the command works too. */
static void
test_default_database (DbFixture     *f,
                       gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "env.db", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *csv = shared_data ("addresses", "dallas.csv");
  g_autofree char *old = g_strdup (g_getenv ("STORMOPS_DB"));

  g_setenv ("STORMOPS_DB", db, TRUE);
  g_assert_cmpint (run ("import-properties", csv, "--storm", "ENV", NULL), ==, 0);
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM properties"), ==, 34);
  g_assert_cmpint (run ("info", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out->str, "Database         "));
  g_assert_nonnull (strstr (out->str, db));

  g_assert_cmpint (run ("--db", other, "import-properties", csv, "--storm", "OTHER", NULL), ==, 0);
  g_assert_cmpint (count_in (other, "SELECT count (*) FROM storms WHERE code = 'OTHER'"), ==, 1);
  g_assert_cmpint (count_in (db, "SELECT count (*) FROM storms WHERE code = 'OTHER'"), ==, 0);
  g_assert_cmpint (run ("--db", other, "storms", NULL), ==, 0);
  g_assert_nonnull (strstr (out->str, "\nOTHER "));

  if (old != NULL)
    g_setenv ("STORMOPS_DB", old, TRUE);
  else
    g_unsetenv ("STORMOPS_DB");
}

/* Route sheets as PDF: where they went, as many pages as the file has. */
static void
test_routes_pdf (DbFixture     *f,
                 gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "routes.db", NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "sheets.pdf", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *info = NULL;
  g_autofree char *cmd = NULL;
  int n_pages = 0, n_doors = 0, status = 0;
  const char *pages;

  g_assert_cmpint (run ("demo", "--properties", "300", "--db", db, NULL), ==, 0);
  g_assert_cmpint (run ("routes", "export", "--storm", "DFW_STORM_24", "--format", "pdf", "--output", pdf,
                        "--db", db, NULL), ==, 1);
  g_assert_cmpstr (err->str, ==, "stormops: There are no routes to print. Plan routes first.\n");
  g_assert_cmpint (run ("routes", "plan", "--storm", "DFW_STORM_24", "--cap", "10", "--db", db, NULL), ==, 0);
  g_assert_true (sscanf (strstr (out->str, "Doors to route"), "Doors to route %d", &n_doors) == 1);
  g_assert_cmpint (run ("routes", "export", "--storm", "DFW_STORM_24", "--format", "pdf", "--paper", "legal",
                        "--output", pdf, "--db", db, NULL), ==, 2);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run ("routes", "export", "--storm", "DFW_STORM_24", "--format", "pdf", "--paper", "a4",
                        "--output", pdf, "--db", db, NULL), ==, 0);
  g_assert_true (sscanf (out->str, "Wrote %d pages", &n_pages) == 1);
  expected = g_strdup_printf ("Wrote %d pages of route sheets to %s\n", n_pages, pdf);
  g_assert_cmpstr (out->str, ==, expected);
  /* one route per page at least, ten doors a route */
  g_assert_cmpint (n_doors, >, 10);
  g_assert_cmpint (n_pages, >=, (n_doors + 9) / 10);

  cmd = g_strdup_printf ("pdfinfo '%s'", pdf);
  g_assert_true (g_spawn_command_line_sync (cmd, &info, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  pages = strstr (info, "Pages:");
  g_assert_nonnull (pages);
  g_assert_cmpint (atoi (pages + 6), ==, n_pages);
  g_assert_nonnull (strstr (info, "(A4)"));
}

static int
spawn (const char * const *args,
       char              **out_text,
       char              **err_text)
{
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_DEFAULT, NULL, NULL, out_text, err_text, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

/* main() hands these to the command line and returns its status. */
static void
test_binary (DbFixture     *f,
             gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "bin.db", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.csv", NULL);
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;

  g_assert_cmpint (spawn ((const char *[]) { STORMOPS_BINARY, "--version", NULL }, &o, &e), ==, 0);
  g_assert_cmpstr (o, ==, "stormops " PACKAGE_VERSION "\n");
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);
  g_assert_cmpint (spawn ((const char *[]) { STORMOPS_BINARY, "demo", "--properties", "x", "--db", db, NULL }, &o, &e), ==, 2);
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);
  g_assert_cmpint (spawn ((const char *[]) { STORMOPS_BINARY, "import-properties", missing, "--storm", "X", "--db", db, NULL },
                          &o, &e), ==, 1);
  g_assert_true (g_str_has_suffix (e, "missing.csv: no such file\n"));
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);
  g_assert_cmpint (spawn ((const char *[]) { STORMOPS_BINARY, "demo", "--properties", "50", "--db", db, NULL }, &o, &e), ==, 0);
  /* not a terminal: no progress, only the result */
  g_assert_cmpstr (e, ==, "");
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);
  g_assert_cmpint (spawn ((const char *[]) { STORMOPS_BINARY, "storms", "--db", db, NULL }, &o, &e), ==, 0);
  g_assert_nonnull (strstr (o, "DFW_STORM_24"));
}

/* The operator dashboards: Ops health, the sales leak, the deploy gate
 * from the command line, JSON export and import. */
static void
test_dashboards (DbFixture     *f,
                 gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "dash.db", NULL);
  g_autofree char *json = g_build_filename (f->dir, "dash.json", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.json", NULL);
  g_autofree char *expected = NULL;

  g_assert_cmpint (run ("demo", "--properties", "300", "--db", db, NULL), ==, 0);

  g_assert_cmpint (run ("ops-health", "--db", db, NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^[0-9]+ things need you today\n", out->str, 0, 0));
  g_assert_nonnull (strstr (out->str, "\nStuck proposals (5) — 5 proposals sent more than 5 days ago without an outcome\n"));
  g_assert_nonnull (strstr (out->str, "[FAIL] CRM sync: Failing: 401 Unauthorized"));
  g_assert_cmpint (run ("ops-health", "--stale-days", "0", "--db", db, NULL), ==, 2);

  g_assert_cmpint (run ("ops-health", "--json", "--db", db, NULL), ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *root;
    JsonArray *sections;

    g_assert_true (json_parser_load_from_data (parser, out->str, -1, NULL));
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_object_get_int_member (root, "failed_runs_24h"), ==, 2);
    sections = json_object_get_array_member (root, "sections");
    g_assert_cmpuint (json_array_get_length (sections), ==, 7);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sections, 3), "id"), ==,
                     "stuck-proposals");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sections, 3), "count"), ==, 5);
  }

  g_assert_cmpint (run ("sales-leak", "--db", db, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out->str, "Constraint: PROPOSAL_SENT\n"));
  g_assert_cmpint (run ("sales-leak", "--json", "--days", "30", "--db", db, NULL), ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *root;

    g_assert_true (json_parser_load_from_data (parser, out->str, -1, NULL));
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "stages")), ==, 8);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                       json_object_get_array_member (root, "leaks"), 0), "stage"), ==, "PROPOSAL_SENT");
  }

  /* job 2 touches auth code and waits for a person */
  g_assert_cmpint (run ("agent-jobs", "deploy", "2", "--db", db, NULL), ==, 1);
  g_assert_cmpstr (err->str, ==, "stormops: This agent job has no recorded human approval, so it cannot be marked "
                                 "deployed. Approve it first.\n");
  g_assert_cmpint (run ("agent-jobs", "approve", "2", "--as", "system", "--db", db, NULL), ==, 1);
  g_assert_cmpint (run ("agent-jobs", "approve", "2", "--as", "Ana Ruiz", "--db", db, NULL), ==, 0);
  g_assert_cmpstr (out->str, ==, "Agent job 2 approved by Ana Ruiz\n");
  g_assert_cmpint (run ("agent-jobs", "deploy", "2", "--db", db, NULL), ==, 0);
  g_assert_cmpint (run ("agent-jobs", "deploy", "x", "--db", db, NULL), ==, 2);

  /* add: classified by the risk rules, stored with the job, waiting for a person */
  g_assert_cmpint (run ("agent-jobs", "add", "--task", "Fix the login form", "--files", "src/auth/login.c, src/ui/login.ui",
                        "--result", "success", "--tests-passed", "12", "--tests-failed", "1", "--branch", "fix/login",
                        "--db", db, NULL), ==, 0);
  g_assert_cmpstr (out->str, ==, "Agent job 7: high risk, auth/security (src/auth/login.c matches */auth/*); "
                                 "waits for a person to approve deploying it\n");
  g_assert_cmpint (run ("agent-jobs", "add", "--task", "Restyle", "--files", "src/ui/a.ui,data/style.css", "--db", db, NULL),
                   ==, 0);
  g_assert_true (g_str_has_prefix (out->str, "Agent job 8: low risk, ui-only ("));
  g_assert_cmpint (run ("agent-jobs", "add", "--task", "x", "--files", "a.c", "--result", "maybe", "--db", db, NULL), ==, 2);
  g_assert_true (g_str_has_prefix (err->str, "stormops: --result: use success, failure or partial\n"));
  g_assert_cmpint (run ("agent-jobs", "add", "--task", "x", "--files", " , ", "--db", db, NULL), ==, 2);
  g_assert_cmpint (run ("agent-jobs", "deploy", "7", "--db", db, NULL), ==, 1);
  {
    g_autoptr(StormDb) check = storm_db_open (db, NULL);

    g_assert_cmpint (storm_db_count_rows (check, "SELECT count (*) FROM agent_jobs WHERE id = 7 AND branch = 'fix/login' "
                                                 "AND tests_passed = 12 AND tests_failed = 1 AND result = 'success' "
                                                 "AND files_touched = 'src/auth/login.c' || char (10) || 'src/ui/login.ui' "
                                                 "AND deployed_at IS NULL", 0), ==, 1);
    g_assert_cmpint (storm_db_count_rows (check, "SELECT count (*) FROM agent_jobs", 0), ==, 8);
  }

  g_assert_cmpint (run ("dash", "export", json, "--db", db, NULL), ==, 0);
  g_assert_true (g_file_test (json, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run ("dash", "import", json, "--db", db, NULL), ==, 0);
  g_assert_true (g_file_set_contents (bad, "{\"format\": \"stormops-dashboards\", \"version\": 1, "
                                           "\"tables\": {\"leads\": [{\"titel\": \"x\"}]}}", -1, NULL));
  g_assert_cmpint (run ("dash", "import", bad, "--db", db, NULL), ==, 1);
  g_assert_cmpstr (err->str, ==, "stormops: bad.json: tables.leads[0]: unknown field “titel”\n");
  g_assert_cmpint (run ("dash", "frobnicate", json, "--db", db, NULL), ==, 2);

  /* leads from another CRM, its stage names mapped */
  {
    g_autofree char *crm = g_build_filename (g_getenv ("STORMOPS_TEST_DATA"), "crm-deals.csv", NULL);

    g_assert_cmpint (run ("leads", "import", crm, "--db", db, NULL), ==, 1);
    g_assert_true (g_str_has_prefix (err->str, "stormops: crm-deals.csv, line 2, field “Deal Stage”: "));
    g_assert_cmpint (run ("leads", "import", crm, "--map", "colour=Paint", "--db", db, NULL), ==, 2);
    g_assert_cmpint (run ("leads", "import", crm, "--db", db, "--stage-map",
                          "Appointment scheduled=CONTACTED,Qualified to buy=QUALIFIED,Presentation scheduled=QUALIFIED,"
                          "Decision maker bought-in=QUALIFIED,Contract sent=PROPOSAL_SENT,Closed won=APPROVED,"
                          "Closed lost=LOST", NULL), ==, 0);
    expected = g_strdup_printf ("8 leads imported from %s\n", crm);
    g_assert_cmpstr (out->str, ==, expected);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  out = g_string_new (NULL);
  err = g_string_new (NULL);
  /* the commands' own database default must never be the user's */
  g_unsetenv ("STORMOPS_DB");

#define ADD(path, func) g_test_add (path, DbFixture, NULL, db_fixture_setup, func, db_fixture_teardown)
  g_test_add_func ("/cli/handles", test_handles);
  g_test_add_func ("/cli/version-and-help", test_version_and_help);
  ADD ("/cli/usage-errors", test_usage_errors);
  ADD ("/cli/failures", test_failures);
  ADD ("/cli/import-properties", test_import_properties);
  ADD ("/cli/import-reports", test_import_reports);
  ADD ("/cli/storms-and-info", test_storms_and_info);
  ADD ("/cli/default-database", test_default_database);
  ADD ("/cli/routes-pdf", test_routes_pdf);
  ADD ("/cli/binary", test_binary);
  ADD ("/cli/dashboards", test_dashboards);
#undef ADD

  return g_test_run ();
}
