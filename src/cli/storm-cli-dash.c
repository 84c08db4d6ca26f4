#define G_LOG_DOMAIN "storm-cli-dash"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "storm-cli-dash.h"
#include "storm-dash-json.h"
#include "storm-error.h"
#include "storm-import-leads.h"
#include "storm-ops-health.h"
#include "storm-sales-leak.h"
#include "storm-store-agent-jobs.h"

#define DEFAULT_STALE_DAYS 7

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_printerr ("stormops: %s\n", message);
  g_printerr (_("Add --help for the options.\n"));
  return 2;
}

static int
fail (const GError *error)
{
  g_printerr ("stormops: %s\n", error->message);
  return 1;
}

static GOptionContext *
parse (int           *argc,
       char        ***argv,
       const char    *parameters,
       const char    *summary,
       GOptionEntry  *entries,
       GError       **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, error))
    return NULL;
  return g_steal_pointer (&context);
}

int
storm_cli_ops_health (int         argc,
                      char      **argv,
                      const char *default_db)
{
  g_autofree char *db_path = NULL;
  int stale_days = DEFAULT_STALE_DAYS;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "stale-days", 0, 0, G_OPTION_ARG_INT, &stale_days, N_("Days without a touch before a lead is stale (default 7)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(StormOpsHealth) health = NULL;
  g_autofree char *text = NULL;

  context = parse (&argc, &argv, "",
                   _("What failed and what needs you today: pipelines, failed runs, stale leads,\n"
                     "stuck proposals, the approval queue, integrations and StormOps itself."),
                   entries, &error);
  if (context == NULL)
    return usage_error (NULL, error->message);
  if (argc != 1)
    return usage_error (context, _("usage: stormops ops-health [--stale-days N] [--json]"));
  if (stale_days < 1)
    return usage_error (context, _("--stale-days must be at least 1"));

  if ((db = storm_db_open (db_path ? db_path : default_db, &error)) == NULL ||
      (health = storm_ops_health_compute (db, g_get_real_time () / G_USEC_PER_SEC, stale_days, &error)) == NULL)
    return fail (error);
  text = json ? storm_ops_health_to_json (health) : storm_ops_health_to_text (health);
  g_print ("%s%s", text, json ? "\n" : "");
  return 0;
}

int
storm_cli_sales_leak (int         argc,
                      char      **argv,
                      const char *default_db)
{
  g_autofree char *db_path = NULL;
  int days = 30;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("Length of the period, ending now (default 30)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(StormSalesLeak) leak = NULL;
  g_autofree char *text = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  context = parse (&argc, &argv, "",
                   _("Per stage: leads now, entered in the period, conversion, days in stage,\n"
                     "stuck and lost; the constraint is the worst leak against the benchmarks."),
                   entries, &error);
  if (context == NULL)
    return usage_error (NULL, error->message);
  if (argc != 1)
    return usage_error (context, _("usage: stormops sales-leak [--days N] [--json]"));
  if (days < 1)
    return usage_error (context, _("--days must be at least 1"));

  if ((db = storm_db_open (db_path ? db_path : default_db, &error)) == NULL ||
      (leak = storm_sales_leak_compute (db, now - (gint64) days * 86400, now + 1, now, &error)) == NULL)
    return fail (error);
  text = json ? storm_sales_leak_to_json (leak) : storm_sales_leak_to_text (leak);
  g_print ("%s%s", text, json ? "\n" : "");
  return 0;
}

int
storm_cli_dash (int         argc,
                char      **argv,
                const char *default_db)
{
  g_autofree char *db_path = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  const char *action;

  context = parse (&argc, &argv, _("export|import FILE.json"),
                   _("Export every dashboard table (leads, runs, approvals, results, packages,\n"
                     "agent jobs…) to JSON, or replace them from such a file in one transaction."),
                   entries, &error);
  if (context == NULL)
    return usage_error (NULL, error->message);
  action = argc > 1 ? argv[1] : NULL;
  if (argc != 3 || (g_strcmp0 (action, "export") != 0 && g_strcmp0 (action, "import") != 0))
    return usage_error (context, _("usage: stormops dash export|import FILE.json"));

  if ((db = storm_db_open (db_path ? db_path : default_db, &error)) == NULL)
    return fail (error);
  if (g_str_equal (action, "export"))
    {
      if (!storm_dash_export_file (db, argv[2], &error))
        return fail (error);
      g_print (_("Dashboards written to %s\n"), argv[2]);
    }
  else
    {
      if (!storm_dash_import_file (db, argv[2], &error))
        return fail (error);
      g_print (_("Dashboards replaced from %s\n"), argv[2]);
    }
  return 0;
}

int
storm_cli_leads (int         argc,
                 char      **argv,
                 const char *default_db)
{
  g_autofree char *db_path = NULL;
  g_autofree char *map = NULL;
  g_autofree char *stage_map = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "map", 0, 0, G_OPTION_ARG_STRING, &map,
      N_("Columns by field: name, company, contact, source, stage, value, owner, created, closed"), N_("FIELD=COLUMN,…") },
    { "stage-map", 0, 0, G_OPTION_ARG_STRING, &stage_map, N_("The CRM's stage names as ours"), N_("THEIRS=OURS,…") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(StormLeadMapping) mapping = storm_lead_mapping_new ();
  gint64 n;

  context = parse (&argc, &argv, _("import FILE.csv"),
                   _("Import leads from another CRM’s CSV export. Columns are found by their usual\n"
                     "names or named with --map; stage names that differ from ours are mapped\n"
                     "with --stage-map. Each lead gets its stage history from its dates."),
                   entries, &error);
  if (context == NULL)
    return usage_error (NULL, error->message);
  if (argc != 3 || g_strcmp0 (argv[1], "import") != 0)
    return usage_error (context, _("usage: stormops leads import FILE.csv [--map FIELD=COLUMN,…] [--stage-map THEIRS=OURS,…]"));
  if ((map != NULL && !storm_lead_mapping_set_columns (mapping, map, &error)) ||
      (stage_map != NULL && !storm_lead_mapping_set_stages (mapping, stage_map, &error)))
    return usage_error (context, error->message);

  if ((db = storm_db_open (db_path ? db_path : default_db, &error)) == NULL ||
      (n = storm_import_leads_csv (db, argv[2], mapping, &error)) < 0)
    return fail (error);
  g_print (ngettext ("%lld lead imported from %s\n", "%lld leads imported from %s\n", n), (long long) n, argv[2]);
  return 0;
}

static const char * const job_results[] = { "success", "failure", "partial", NULL };

/* stormops agent-jobs add: records a job with its risk classified from
 * the files it touched by the rules as they are now, and asks a person
 * to approve deploying it. */
static int
add_agent_job (GOptionContext *context,
               const char     *db_path,
               char           *task,
               const char     *files,
               const char     *result,
               int             tests_passed,
               int             tests_failed,
               const char     *branch,
               const char     *build_task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(GPtrArray) clean = g_ptr_array_new_with_free_func (g_free);
  StormAgentJobSpec spec = { 0 };
  gint64 id;

  if (task == NULL || *g_strstrip (task) == '\0')
    return usage_error (context, _("--task: say what the agent was asked to do"));
  if (files == NULL)
    return usage_error (context, _("--files: list the files the job touched, separated by commas"));
  if (result != NULL && !g_strv_contains (job_results, result))
    return usage_error (context, _("--result: use success, failure or partial"));
  if (tests_passed < 0 || tests_failed < 0)
    return usage_error (context, _("--tests-passed and --tests-failed: counts of 0 or more"));
  paths = g_strsplit (files, ",", -1);
  for (guint i = 0; paths[i] != NULL; i++)
    if (*g_strstrip (paths[i]) != '\0')
      g_ptr_array_add (clean, g_strdup (paths[i]));
  if (clean->len == 0)
    return usage_error (context, _("--files: list the files the job touched, separated by commas"));
  g_ptr_array_add (clean, NULL);

  spec.task = task;
  spec.files = (const char * const *) clean->pdata;
  spec.result = result;
  spec.tests_passed = tests_passed;
  spec.tests_failed = tests_failed;
  spec.branch = branch;
  spec.build_task = build_task;
  if ((db = storm_db_open (db_path, &error)) == NULL || !storm_db_begin (db, &error))
    return fail (error);
  if ((id = storm_db_add_agent_job (db, &spec, &error)) == 0 || !storm_db_commit (db, &error))
    {
      storm_db_rollback (db);
      return fail (error);
    }
  /* What was stored, not a second classification. */
  if ((stmt = storm_db_prepare (db, "SELECT risk_level, risk_category, risk_reason FROM agent_jobs WHERE id = ?1",
                                &error)) == NULL)
    return fail (error);
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 1;
  g_print (_("Agent job %lld: %s risk, %s (%s); waits for a person to approve deploying it\n"), (long long) id,
           (const char *) sqlite3_column_text (stmt, 0), (const char *) sqlite3_column_text (stmt, 1),
           (const char *) sqlite3_column_text (stmt, 2));
  return 0;
}

int
storm_cli_agent_jobs (int         argc,
                      char      **argv,
                      const char *default_db)
{
  g_autofree char *db_path = NULL;
  g_autofree char *person = NULL;
  g_autofree char *task = NULL;
  g_autofree char *files = NULL;
  g_autofree char *result = NULL;
  g_autofree char *branch = NULL;
  g_autofree char *build_task = NULL;
  int tests_passed = 0;
  int tests_failed = 0;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &person, N_("Who approves (default: your name)"), N_("NAME") },
    { "task", 0, 0, G_OPTION_ARG_STRING, &task, N_("add: what the agent was asked to do"), N_("TEXT") },
    { "files", 0, 0, G_OPTION_ARG_STRING, &files, N_("add: the files it touched"), N_("PATH,…") },
    { "result", 0, 0, G_OPTION_ARG_STRING, &result, N_("add: success, failure or partial"), N_("RESULT") },
    { "tests-passed", 0, 0, G_OPTION_ARG_INT, &tests_passed, N_("add: tests that passed"), N_("N") },
    { "tests-failed", 0, 0, G_OPTION_ARG_INT, &tests_failed, N_("add: tests that failed"), N_("N") },
    { "branch", 0, 0, G_OPTION_ARG_STRING, &branch, N_("add: the branch it wrote to"), N_("BRANCH") },
    { "build-task", 0, 0, G_OPTION_ARG_STRING, &build_task, N_("add: the build task it belongs to"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  const char *action;
  gint64 id;
  char *end = NULL;

  context = parse (&argc, &argv, _("add|approve|deploy [ID]"),
                   _("Record an agent job (its change risk classified from the files it touched),\n"
                     "approve its deployment as a person, or mark it deployed; deploying is\n"
                     "refused until a person approved it."),
                   entries, &error);
  if (context == NULL)
    return usage_error (NULL, error->message);
  action = argc > 1 ? argv[1] : NULL;
  if (argc == 2 && g_strcmp0 (action, "add") == 0)
    return add_agent_job (context, db_path ? db_path : default_db, task, files, result, tests_passed, tests_failed,
                          branch, build_task);
  if (argc != 3 || (g_strcmp0 (action, "approve") != 0 && g_strcmp0 (action, "deploy") != 0))
    return usage_error (context, _("usage: stormops agent-jobs add --task TEXT --files PATH,… [--result RESULT] "
                                        "[--tests-passed N] [--tests-failed N] [--branch BRANCH]\n"
                                        "       stormops agent-jobs approve|deploy ID [--as NAME]"));
  id = g_ascii_strtoll (argv[2], &end, 10);
  if (end == argv[2] || *end != '\0' || id <= 0)
    return usage_error (context, _("ID must be the number of an agent job"));

  if ((db = storm_db_open (db_path ? db_path : default_db, &error)) == NULL)
    return fail (error);
  if (g_str_equal (action, "approve"))
    {
      const char *who = person ? person : g_get_real_name ();

      if (!storm_db_approve_agent_job (db, id, who, NULL, &error))
        return fail (error);
      g_print (_("Agent job %lld approved by %s\n"), (long long) id, who);
    }
  else
    {
      if (!storm_db_deploy_agent_job (db, id, NULL, &error))
        return fail (error);
      g_print (_("Agent job %lld marked deployed\n"), (long long) id);
    }
  return 0;
}
