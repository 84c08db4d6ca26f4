#define G_LOG_DOMAIN "storm-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storm-cli.h"
#include "storm-cli-cycle.h"
#include "storm-cli-dash.h"
#include "storm-cli-routes.h"
#include "storm-cli-serve.h"
#include "storm-demo.h"
#include "storm-error.h"
#include "storm-import.h"
#include "storm-store-info.h"
#include "storm-store-storms.h"

/* Exit statuses, as Unix tools use them. */
enum {
  STATUS_OK = 0,
  STATUS_FAILED = 1,
  STATUS_USAGE = 2,
};

/* Warnings of an import printed before the rest are only counted. */
#define MAX_PRINTED_WARNINGS 20
/* More would be a typo, and hours of writing. */
#define MAX_DEMO_PROPERTIES G_GINT64_CONSTANT (10000000)

typedef int (*CommandFunc) (int         argc,
                            char      **argv,
                            const char *default_db);

typedef struct
{
  const char  *name;
  const char  *synopsis;
  const char  *summary;
  CommandFunc  func;
} Command;

static int cmd_import_properties (int argc, char **argv, const char *default_db);
static int cmd_import_reports    (int argc, char **argv, const char *default_db);
static int cmd_demo              (int argc, char **argv, const char *default_db);
static int cmd_storms            (int argc, char **argv, const char *default_db);
static int cmd_info              (int argc, char **argv, const char *default_db);
static int cmd_stats             (int argc, char **argv, const char *default_db);
static int cmd_tsp               (int argc, char **argv, const char *default_db);

static const Command commands[] = {
  { "import-properties", N_("FILE --storm CODE"),
    N_("Import properties from CSV, JSON or GeoJSON into a storm"), cmd_import_properties },
  { "import-reports", N_("FILE"),
    N_("Import NOAA storm reports (SPC daily CSV or Storm Events CSV)"), cmd_import_reports },
  { "demo", "",
    N_("Create the Dallas–Fort Worth demo storm"), cmd_demo },
  { "storms", "",
    N_("List the storms in the database"), cmd_storms },
  { "info", "",
    N_("Show the database file, its schema version and its row counts"), cmd_info },
  { "policy", N_("preview|apply --storm CODE"),
    N_("Preview or apply a treatment policy"), storm_cli_policy },
  { "outcomes", N_("import FILE --storm CODE"),
    N_("Import outcomes (sales and no-sales) from CSV"), storm_cli_outcomes },
  { "touches", N_("import FILE --storm CODE"),
    N_("Import touches (knocks, calls, mailers) from CSV"), storm_cli_touches },
  { "report", N_("--storm CODE [--json]"),
    N_("Print a storm’s measurement report"), storm_cli_report },
  { "ops-health", N_("[--stale-days N] [--json]"),
    N_("What failed and what needs you today"), storm_cli_ops_health },
  { "ops", N_("[--stale-days N] [--json]"),
    N_("Same as ops-health"), storm_cli_ops_health },
  { "sales-leak", N_("[--days N] [--json]"),
    N_("Funnel by stage and the worst leak against the benchmarks"), storm_cli_sales_leak },
  { "leads", N_("import FILE.csv [--map …] [--stage-map …]"),
    N_("Import leads from another CRM’s CSV export"), storm_cli_leads },
  { "dash", N_("export|import FILE.json"),
    N_("Export or replace the dashboards’ data as JSON"), storm_cli_dash },
  { "agent-jobs", N_("approve|deploy ID [--as NAME]"),
    N_("Approve an agent job as a person, or mark it deployed"), storm_cli_agent_jobs },
  { "routes", N_("plan|list|export --storm CODE"),
    N_("Plan, list or export crew routes"), storm_cli_routes },
  { "serve", N_("[--address ADDRESS] [--port PORT]"),
    N_("Serve the HTTP API without a window"), storm_cli_serve },
  { "stats", N_("lift X1/N1 X2/N2"),
    N_("Lift between two rates, with confidence intervals"), cmd_stats },
  { "tsp", N_("FILE.tsp"),
    N_("Solve a TSPLIB instance with the route planner"), cmd_tsp },
};

static int
cmd_stats (int         argc,
           char      **argv,
           const char *default_db)
{
  return storm_cli_stats (argc, argv);
}

static int
cmd_tsp (int         argc,
         char      **argv,
         const char *default_db)
{
  return storm_cli_tsp (argc, argv);
}

static const Command *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* ---- messages ----------------------------------------------------------- */

static int
usage_error (const char *command,
             const char *message)
{
  g_printerr ("stormops: %s\n", message);
  if (command != NULL)
    g_printerr (_("Run “stormops %s --help” for its options.\n"), command);
  else
    g_printerr (_("Run “stormops help” for the list of commands.\n"));
  return STATUS_USAGE;
}

static int
failure (const GError *error)
{
  g_printerr ("stormops: %s\n", error->message);
  return STATUS_FAILED;
}

static void
print_commands (void)
{
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i].name));

  g_print (_("Usage:\n"
             "  stormops                     open the window\n"
             "  stormops COMMAND [OPTION…]   work without a display\n"
             "\n"
             "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-*s  %s\n", width, commands[i].name, _(commands[i].summary));
  g_print (_("\n"
             "Every command that uses a database takes --db PATH (default: $STORMOPS_DB, else the\n"
             "database set in Preferences, else stormops/stormops.db in the user’s data folder).\n"
             "Run “stormops COMMAND --help” for a command’s options, “stormops --help” for the\n"
             "window’s options and “stormops --version” for the version.\n"
             "Exit status: 0 success, 1 failure, 2 wrong usage.\n"));
}

/* A progress line on a terminal; nothing when stderr is a file or pipe,
 * so logs and scripts get only the result. */
static void
print_progress_cb (double      fraction,
                   const char *message,
                   gpointer    user_data)
{
  g_printerr ("\r\033[K%3.0f %% %s", fraction * 100, message != NULL ? message : "");
}

/* ---- running a job ------------------------------------------------------
 * The work runs on a thread of its own while this one waits in the main
 * context, so Ctrl+C cancels it cleanly (everything is rolled back and the
 * event log says so) and progress reaches the terminal as it happens. */

typedef gboolean (*JobFunc) (StormDb        *db,
                             gpointer        data,
                             GCancellable   *cancellable,
                             StormProgress  *progress,
                             GError        **error);

typedef struct
{
  StormDb       *db;
  JobFunc        func;
  gpointer       data;
  GCancellable  *cancellable;
  StormProgress *progress;
  gboolean       ok;
  GError        *error;
  gint           done;
  int            signal;         /* that stopped it, or 0 */
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *job = data;

  job->ok = job->func (job->db, job->data, job->cancellable, job->progress, &job->error);
  g_atomic_int_set (&job->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
interrupt (Job *job,
           int  signal)
{
  g_printerr (_("\nstormops: stopping; nothing of this run will be kept…\n"));
  job->signal = signal;
  g_cancellable_cancel (job->cancellable);
}

static gboolean
sigint_cb (gpointer data)
{
  interrupt (data, SIGINT);
  return G_SOURCE_CONTINUE;
}

static gboolean
sigterm_cb (gpointer data)
{
  interrupt (data, SIGTERM);
  return G_SOURCE_CONTINUE;
}

/* Returns the exit status: 0, 1 with the error printed, or 128 plus the
 * signal that stopped the job, as shells expect. */
static int
run_job (StormDb   *db,
         JobFunc    func,
         gpointer   data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(StormProgress) progress = NULL;
  gboolean terminal = isatty (STDERR_FILENO);
  Job job = { .db = db, .func = func, .data = data, .cancellable = cancellable };
  guint sigint, sigterm;
  GThread *thread;

  if (terminal)
    progress = storm_progress_new (print_progress_cb, NULL, NULL);
  job.progress = progress;

  sigint = g_unix_signal_add (SIGINT, sigint_cb, &job);
  sigterm = g_unix_signal_add (SIGTERM, sigterm_cb, &job);
  thread = g_thread_new ("stormops-job", job_thread, &job);
  while (!g_atomic_int_get (&job.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  /* the last progress reports still queued */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (terminal)
    g_printerr ("\r\033[K");

  if (job.ok)
    return STATUS_OK;
  failure (job.error);
  g_error_free (job.error);
  return job.signal != 0 ? 128 + job.signal : STATUS_FAILED;
}

/* ---- options shared by the commands ------------------------------------- */

typedef struct
{
  const Command  *command;
  GOptionContext *context;
  gboolean        help;
  char           *db;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->context, g_option_context_free);
  g_clear_pointer (&options->db, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* A context for @command with its own @entries, --db and a --help that
 * prints and returns instead of exiting (the tests run commands in
 * process). */
static void
options_init (Options            *options,
              const char         *name,
              const GOptionEntry *entries,
              const char         *description)
{
  const GOptionEntry common[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options->db, N_("Database file"), N_("PATH") },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &options->help, N_("Show this help"), NULL },
    { NULL }
  };

  options->command = find_command (name);
  g_assert (options->command != NULL);
  options->context = g_option_context_new (options->command->synopsis[0] != '\0'
                                           ? _(options->command->synopsis) : NULL);
  g_option_context_set_summary (options->context, _(options->command->summary));
  if (description != NULL)
    g_option_context_set_description (options->context, description);
  g_option_context_set_help_enabled (options->context, FALSE);
  g_option_context_set_translation_domain (options->context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (options->context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (options->context, common, GETTEXT_PACKAGE);
}

/* Parses @argv (the command's name first); returns -1 to go on, else the
 * exit status: 0 after --help, 2 on a usage error. */
static int
options_parse (Options   *options,
               int       *argc,
               char    ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (options->context, argc, argv, &error))
    return usage_error (options->command->name, error->message);
  if (options->help)
    {
      g_autofree char *help = g_option_context_get_help (options->context, TRUE, NULL);

      g_print ("%s", help);
      return STATUS_OK;
    }
  return -1;
}

static const char *
options_db (Options    *options,
            const char *default_db)
{
  return options->db != NULL ? options->db : default_db;
}

static StormDb *
open_db (const char  *path,
         GError     **error)
{
  return storm_db_open (path, error);
}

/* A command's input file must be there before the database is opened
 * (and perhaps created) for it. */
static gboolean
check_input (const char  *path,
             GError     **error)
{
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_access (path, R_OK) == 0)
    return TRUE;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("%s: no such file"), path);
  else if (g_file_test (path, G_FILE_TEST_IS_DIR))
    g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("%s: is a folder, not a file"), path);
  else
    g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED, _("%s: cannot be read (permission denied)"), path);
  return FALSE;
}

static gboolean
is_iso_date (const char *text)
{
  int y, m, d;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  return g_date_valid_dmy (d, m, y);
}

static void
print_warnings (const StormImportResult *result)
{
  for (guint i = 0; result->warnings != NULL && i < result->warnings->len && i < MAX_PRINTED_WARNINGS; i++)
    g_printerr (_("stormops: warning: %s\n"), (const char *) result->warnings->pdata[i]);
  if (result->n_warnings > MAX_PRINTED_WARNINGS)
    g_printerr (_("stormops: %lld more warnings not shown\n"),
                (long long) (result->n_warnings - MAX_PRINTED_WARNINGS));
}

static void
print_result (const char              *code,
              const StormImportResult *result,
              gboolean                 reports)
{
  g_print (_("Storm        %s%s\n"), code, result->storm_created ? _(" (new)") : "");
  g_print (_("Rows read    %lld\n"), (long long) result->n_rows);
  g_print (_("Added        %lld\n"), (long long) result->n_inserted);
  if (!reports)
    g_print (_("Updated      %lld\n"), (long long) result->n_updated);
  g_print (_("Duplicates   %lld\n"), (long long) result->n_duplicates);
  if (reports)
    g_print (_("Filtered out %lld\n"), (long long) result->n_skipped);
  g_print (_("Warnings     %lld\n"), (long long) result->n_warnings);
}

/* The code of the storm a job wrote to, for the summary. */
static char *
storm_code_of (StormDb *db,
               gint64   storm_id)
{
  g_autoptr(GPtrArray) storms = storm_db_list_storms (db, NULL);

  for (guint i = 0; storms != NULL && i < storms->len; i++)
    if (storm_storm_get_id (storms->pdata[i]) == storm_id)
      return g_strdup (storm_storm_get_code (storms->pdata[i]));
  return g_strdup_printf ("#%" G_GINT64_FORMAT, storm_id);
}

/* ---- import-properties --------------------------------------------------- */

typedef struct
{
  const char        *path;
  const char        *storm;
  StormImportResult *result;
} PropertiesJob;

static gboolean
import_properties_job (StormDb        *db,
                       gpointer        data,
                       GCancellable   *cancellable,
                       StormProgress  *progress,
                       GError        **error)
{
  PropertiesJob *job = data;

  return storm_import_properties (db, job->path, job->storm, job->result, cancellable, progress, error);
}

static int
cmd_import_properties (int         argc,
                       char      **argv,
                       const char *default_db)
{
  g_auto(Options) options = { 0 };
  g_auto(StormImportResult) result = { 0 };
  g_autofree char *storm = NULL;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "storm", 's', 0, G_OPTION_ARG_STRING, &storm, N_("Storm the properties belong to (created if new)"), N_("CODE") },
    { NULL }
  };
  PropertiesJob job;
  int status;

  options_init (&options, "import-properties", entries,
                _("Columns are matched by their header: id, address, city, state, zip, lat, lon,\n"
                  "year_built, roof_age, value, uplift, base_rate (and common aliases such as\n"
                  "zipcode, latitude, lng). A property already in the database (same id) is\n"
                  "updated. The import is one transaction: on any error nothing is kept."));
  if ((status = options_parse (&options, &argc, &argv)) >= 0)
    return status;
  if (argc != 2)
    return usage_error (options.command->name, argc < 2 ? _("which file? Give one properties file.")
                                                        : _("give one properties file at a time"));
  if (storm == NULL || storm[0] == '\0')
    return usage_error (options.command->name, _("--storm CODE is needed: the storm the properties belong to"));

  if (!check_input (argv[1], &error) ||
      (db = open_db (options_db (&options, default_db), &error)) == NULL)
    return failure (error);

  storm_import_result_init (&result);
  job = (PropertiesJob) { .path = argv[1], .storm = storm, .result = &result };
  if ((status = run_job (db, import_properties_job, &job)) != STATUS_OK)
    return status;
  print_warnings (&result);
  print_result (storm, &result, FALSE);
  return STATUS_OK;
}

/* ---- import-reports ------------------------------------------------------ */

typedef struct
{
  const char              *path;
  const char              *storm;
  const StormReportFilter *filter;
  StormImportResult       *result;
} ReportsJob;

static gboolean
import_reports_job (StormDb        *db,
                    gpointer        data,
                    GCancellable   *cancellable,
                    StormProgress  *progress,
                    GError        **error)
{
  ReportsJob *job = data;

  return storm_import_reports (db, job->path, job->storm, job->filter, job->result, cancellable, progress, error);
}

static int
cmd_import_reports (int         argc,
                    char      **argv,
                    const char *default_db)
{
  g_auto(Options) options = { 0 };
  g_auto(StormImportResult) result = { 0 };
  g_autofree char *storm = NULL;
  g_autofree char *state = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *date = NULL;
  g_autofree char *code = NULL;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "storm", 's', 0, G_OPTION_ARG_STRING, &storm, N_("Storm to add the reports to (default: one named after the file)"), N_("CODE") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, N_("Keep only the reports of this state (two-letter code)"), N_("ST") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Keep only the reports from this UTC date on"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Keep only the reports up to this UTC date"), N_("YYYY-MM-DD") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Report day of an SPC daily file, whose rows have only a time"), N_("YYYY-MM-DD") },
    { NULL }
  };
  const char *dates[3];
  StormReportFilter filter = { 0 };
  ReportsJob job;
  int status;

  options_init (&options, "import-reports", entries,
                _("Reads the Storm Prediction Center’s daily CSV (hail, wind, tornado or the combined\n"
                  "file) and the NCEI Storm Events details CSV. A report already in the storm is\n"
                  "counted as a duplicate and not added again. An SPC day runs from 12:00 to 11:59 UTC."));
  if ((status = options_parse (&options, &argc, &argv)) >= 0)
    return status;
  if (argc != 2)
    return usage_error (options.command->name, argc < 2 ? _("which file? Give one storm reports file.")
                                                        : _("give one storm reports file at a time"));
  dates[0] = from;
  dates[1] = to;
  dates[2] = date;
  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    if (dates[i] != NULL && !is_iso_date (dates[i]))
      {
        g_autofree char *message = g_strdup_printf (_("“%s” is not a date; write dates as YYYY-MM-DD"), dates[i]);

        return usage_error (options.command->name, message);
      }
  if (from != NULL && to != NULL && strcmp (from, to) > 0)
    return usage_error (options.command->name, _("--from is after --to"));

  if (!check_input (argv[1], &error) ||
      (db = open_db (options_db (&options, default_db), &error)) == NULL)
    return failure (error);

  filter = (StormReportFilter) { .state = state, .from = from, .to = to, .date = date };
  storm_import_result_init (&result);
  job = (ReportsJob) { .path = argv[1], .storm = storm, .filter = &filter, .result = &result };
  if ((status = run_job (db, import_reports_job, &job)) != STATUS_OK)
    return status;
  code = storm != NULL ? g_strdup (storm) : storm_code_of (db, result.storm_id);
  print_warnings (&result);
  print_result (code, &result, TRUE);
  return STATUS_OK;
}

/* ---- demo ----------------------------------------------------------------- */

static gboolean
demo_job (StormDb        *db,
          gpointer        data,
          GCancellable   *cancellable,
          StormProgress  *progress,
          GError        **error)
{
  return storm_demo_generate (db, data, cancellable, progress, error);
}

static int
cmd_demo (int         argc,
          char      **argv,
          const char *default_db)
{
  g_auto(Options) options = { 0 };
  gint64 n_properties = STORM_DEMO_DEFAULT_PROPERTIES, seed = STORM_DEMO_DEFAULT_SEED;
  g_autofree char *zcta = NULL;
  g_autofree char *title = NULL;
  gboolean no_field_work = FALSE;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(StormStorm) storm = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "properties", 'n', 0, G_OPTION_ARG_INT64, &n_properties, N_("Number of properties (default 20000)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed: the same seed makes the same storm (default 24)"), N_("N") },
    { "zcta", 0, 0, G_OPTION_ARG_FILENAME, &zcta, N_("Census ZCTA gazetteer for the ZIP centroids (default: the copy built in)"), N_("FILE") },
    { "no-field-work", 0, 0, G_OPTION_ARG_NONE, &no_field_work, N_("Only the storm: no policy and no simulated week of knocks and outcomes"), NULL },
    { NULL }
  };
  StormDemoOptions demo;
  gint64 started;
  int status;

  options_init (&options, "demo", entries,
                _("Writes the demo storm DFW_STORM_24 in one transaction: a hail swath across\n"
                  "Dallas–Fort Worth with its storm reports, and properties around real ZIP code\n"
                  "centroids with uplift scores, base rates and hail exposure. Then, in a second\n"
                  "transaction, a simulated week of field work: the moderate policy applied, door\n"
                  "knocks, outcomes and follow-ups (controls are never contacted). It is made once\n"
                  "per database and is marked as demo data everywhere it is shown."));
  if ((status = options_parse (&options, &argc, &argv)) >= 0)
    return status;
  if (argc != 1)
    return usage_error (options.command->name, _("demo takes no file; see --properties and --seed"));
  if (n_properties < 1 || n_properties > MAX_DEMO_PROPERTIES)
    return usage_error (options.command->name, _("--properties must be between 1 and 10000000"));
  if (seed < 0)
    return usage_error (options.command->name, _("--seed cannot be negative"));
  if (zcta != NULL && !check_input (zcta, &error))
    return failure (error);

  if ((db = open_db (options_db (&options, default_db), &error)) == NULL)
    return failure (error);
  demo = (StormDemoOptions) {
    .n_properties = n_properties,
    .seed = (guint64) seed,
    .zcta_path = zcta,
    .field_work = !no_field_work,
  };
  started = g_get_monotonic_time ();
  if ((status = run_job (db, demo_job, &demo)) != STATUS_OK)
    return status;

  storm = storm_db_get_storm (db, STORM_DEMO_CODE, &error);
  if (storm == NULL)
    return failure (error);
  title = storm_storm_dup_title (storm);
  g_print (_("Storm        %s — %s\n"), storm_storm_get_code (storm), title);
  g_print (_("Properties   %lld\n"), (long long) storm_storm_get_n_properties (storm));
  g_print (_("Reports      %lld\n"), (long long) storm_storm_get_n_reports (storm));
  g_print (_("Seed         %lld\n"), (long long) seed);
  g_print (_("Time         %.2f s\n"), (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  return STATUS_OK;
}

/* ---- storms --------------------------------------------------------------- */

static void
print_cell (const char *text,
            int         width,
            gboolean    right)
{
  int pad = width - (int) g_utf8_strlen (text, -1);

  if (right)
    g_print ("%*s%s", MAX (pad, 0), "", text);
  else
    g_print ("%s%*s", text, MAX (pad, 0), "");
}

static int
cmd_storms (int         argc,
            char      **argv,
            const char *default_db)
{
  g_auto(Options) options = { 0 };
  g_autoptr(StormDb) db = NULL;
  g_autoptr(GPtrArray) storms = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GError) error = NULL;
  const char *path;
  const char *headers[6] = { N_("CODE"), N_("NAME"), N_("KIND"), N_("START"), N_("REPORTS"), N_("PROPERTIES") };
  int widths[6];
  int status;

  options_init (&options, "storms", NULL, NULL);
  if ((status = options_parse (&options, &argc, &argv)) >= 0)
    return status;
  if (argc != 1)
    return usage_error (options.command->name, _("storms takes no argument"));

  path = options_db (&options, default_db);
  /* looking must not create a database */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_print (_("No storms: there is no database at %s yet.\n"), path);
      return STATUS_OK;
    }
  if ((db = open_db (path, &error)) == NULL ||
      (storms = storm_db_list_storms (db, &error)) == NULL)
    return failure (error);
  if (storms->len == 0)
    {
      g_print (_("No storms yet. Make the demo with “stormops demo” or import reports with “stormops import-reports”.\n"));
      return STATUS_OK;
    }

  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    widths[c] = (int) g_utf8_strlen (_(headers[c]), -1);
  for (guint i = 0; i < storms->len; i++)
    {
      StormStorm *storm = storms->pdata[i];
      const char *start = storm_storm_get_start_at (storm);
      char **row = g_new0 (char *, G_N_ELEMENTS (headers) + 1);

      row[0] = g_strdup (storm_storm_get_code (storm));
      row[1] = storm_storm_dup_title (storm);
      row[2] = g_strdup (storm_storm_get_kind (storm));
      row[3] = g_strdup (start != NULL ? start : "—");
      row[4] = g_strdup_printf ("%" G_GINT64_FORMAT, storm_storm_get_n_reports (storm));
      row[5] = g_strdup_printf ("%" G_GINT64_FORMAT, storm_storm_get_n_properties (storm));
      for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
        widths[c] = MAX (widths[c], (int) g_utf8_strlen (row[c], -1));
      g_ptr_array_add (rows, row);
    }

  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    {
      print_cell (_(headers[c]), widths[c], c >= 4);
      g_print (c + 1 < G_N_ELEMENTS (headers) ? "  " : "\n");
    }
  for (guint i = 0; i < rows->len; i++)
    {
      char **row = rows->pdata[i];

      for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
        {
          print_cell (row[c], widths[c], c >= 4);
          g_print (c + 1 < G_N_ELEMENTS (headers) ? "  " : "\n");
        }
    }
  return STATUS_OK;
}

/* ---- info ----------------------------------------------------------------- */

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

static int
cmd_info (int         argc,
          char      **argv,
          const char *default_db)
{
  g_auto(Options) options = { 0 };
  g_autoptr(StormDb) db = NULL;
  g_autoptr(GArray) counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *size = NULL;
  const char *path;
  gint64 wal_size;
  int width = 0;
  int status;

  options_init (&options, "info", NULL, NULL);
  if ((status = options_parse (&options, &argc, &argv)) >= 0)
    return status;
  if (argc != 1)
    return usage_error (options.command->name, _("info takes no argument"));

  path = options_db (&options, default_db);
  g_print (_("Database         %s\n"), path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_print (_("                 not created yet: “stormops demo” or an import creates it\n"));
      g_print (_("Schema version   this StormOps writes %d\n"), STORM_SCHEMA_VERSION);
      return STATUS_OK;
    }
  if ((db = open_db (path, &error)) == NULL ||
      (counts = storm_db_count_tables (db, &error)) == NULL)
    return failure (error);

  g_print (_("Schema version   %d (this StormOps writes %d)\n"), storm_db_schema_version (db), STORM_SCHEMA_VERSION);
  size = g_format_size (MAX (file_size (path), 0));
  wal = g_strconcat (path, "-wal", NULL);
  wal_size = file_size (wal);
  if (wal_size > 0)
    {
      g_autofree char *wal_text = g_format_size (wal_size);

      g_print (_("File size        %s (and %s of write-ahead log)\n"), size, wal_text);
    }
  else
    g_print (_("File size        %s\n"), size);

  g_print (_("Rows per table\n"));
  for (guint i = 0; i < counts->len; i++)
    width = MAX (width, (int) strlen (g_array_index (counts, StormTableCount, i).table));
  for (guint i = 0; i < counts->len; i++)
    {
      const StormTableCount *count = &g_array_index (counts, StormTableCount, i);

      g_print ("  %-*s %12" G_GINT64_FORMAT "\n", width, count->table, count->rows);
    }
  return STATUS_OK;
}

/* ---- dispatch ------------------------------------------------------------- */

/* The database the commands use without --db: $STORMOPS_DB, else the one
 * the window uses (its database-path setting, when the schema is
 * installed), else the default file in the user's data folder. */
static char *
default_database (void)
{
  const char *env = g_getenv ("STORMOPS_DB");
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "database-path"))
    {
      g_autoptr(GSettings) settings = g_settings_new_full (schema, NULL, NULL);
      g_autofree char *path = g_settings_get_string (settings, "database-path");

      if (path[0] != '\0')
        return g_steal_pointer (&path);
    }
  return g_build_filename (g_get_user_data_dir (), "stormops", "stormops.db", NULL);
}

/* Where the command name is in @argv: after an optional leading
 * --db PATH, so `stormops --db FILE storms` works too; -1 if none. */
static int
command_position (int    argc,
                  char **argv)
{
  int i = 1;

  if (i < argc && g_str_equal (argv[i], "--db"))
    i += 2;
  else if (i < argc && g_str_has_prefix (argv[i], "--db="))
    i += 1;
  return i < argc ? i : -1;
}

gboolean
storm_cli_handles (int    argc,
                   char **argv)
{
  int i = command_position (argc, argv);

  if (i < 0)
    return FALSE;
  if (i == 1 && (g_str_equal (argv[1], "--version") || g_str_equal (argv[1], "--help-commands")))
    return TRUE;
  return g_str_equal (argv[i], "help") || find_command (argv[i]) != NULL;
}

int
storm_cli_run (int    argc,
               char **argv)
{
  g_autofree char *default_db = NULL;
  g_autofree char *prgname = NULL;
  g_autoptr(GPtrArray) args = NULL;
  g_autofree char **shallow = NULL;
  const Command *command;
  int i = command_position (argc, argv);

  if (i < 0)
    return usage_error (NULL, _("no command given"));
  if (i == 1 && g_str_equal (argv[1], "--version"))
    {
      g_print ("stormops %s\n", PACKAGE_VERSION);
      return STATUS_OK;
    }
  if (i == 1 && g_str_equal (argv[1], "--help-commands"))
    {
      print_commands ();
      return STATUS_OK;
    }
  if (g_str_equal (argv[i], "help"))
    {
      if (i + 1 >= argc)
        {
          print_commands ();
          return STATUS_OK;
        }
      if (find_command (argv[i + 1]) == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a command"), argv[i + 1]);

          return usage_error (NULL, message);
        }
      {
        char *help_argv[] = { argv[0], argv[i + 1], (char *) "--help", NULL };

        return storm_cli_run (3, help_argv);
      }
    }

  command = find_command (argv[i]);
  if (command == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a command"), argv[i]);

      return usage_error (NULL, message);
    }

  /* The command sees its own name first and a leading --db after it. */
  args = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (args, g_strdup (command->name));
  for (int j = 1; j < i; j++)
    g_ptr_array_add (args, g_strdup (argv[j]));
  for (int j = i + 1; j < argc; j++)
    g_ptr_array_add (args, g_strdup (argv[j]));
  g_ptr_array_add (args, NULL);
  /* option parsing reorders the array it gets: hand out a copy of the
   * pointers and free the strings through the original */
  shallow = g_memdup2 (args->pdata, args->len * sizeof (char *));

  /* "Usage: stormops demo [OPTION…]" in every command's --help */
  prgname = g_strconcat ("stormops ", command->name, NULL);
  g_set_prgname (prgname);

  default_db = default_database ();
  return command->func ((int) args->len - 1, shallow, default_db);
}
