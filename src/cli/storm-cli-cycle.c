#define G_LOG_DOMAIN "storm-cli-cycle"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "storm-cli-cycle.h"
#include "storm-error.h"
#include "storm-import-outcomes.h"
#include "storm-policy.h"
#include "storm-report-json.h"
#include "storm-store-storms.h"

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

static StormDb *
open_db (const char  *path,
         GError     **error)
{
  return storm_db_open (path, error);
}

static gboolean
parse_fraction (const char *text,
                gint64     *x,
                gint64     *n)
{
  char *end = NULL;

  *x = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '/')
    return FALSE;
  text = end + 1;
  *n = g_ascii_strtoll (text, &end, 10);
  return end != text && *end == '\0' && *n > 0 && *x >= 0 && *x <= *n;
}

static void
print_lift_text (const StormLift *lift)
{
  g_print (_("Treatment rate     %.4f\n"), lift->p1);
  g_print (_("Control rate       %.4f\n"), lift->p2);
  g_print (_("Lift               %+.4f\n"), lift->lift);
  if (isfinite (lift->relative_lift))
    g_print (_("Relative lift      %+.1f %%\n"), lift->relative_lift * 100);
  g_print (_("Wald 95 %%          [%.4f, %.4f]\n"), lift->wald.lower, lift->wald.upper);
  g_print (_("Newcombe 95 %%      [%.4f, %.4f]\n"), lift->newcombe.lower, lift->newcombe.upper);
  g_print (_("Pooled z           %.4f (p = %.4g)\n"), lift->z, lift->p_value);
}

int
storm_cli_stats (int    argc,
                 char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("lift X1/N1 X2/N2"));
  g_autoptr(GError) error = NULL;
  gint64 x1, n1, x2, n2;
  StormLift lift;

  g_option_context_set_summary (context,
                                _("The analyst’s calculator: treatment x/n against control x/n gives the lift,\n"
                                  "its Wald and Newcombe (hybrid score) 95 % intervals and the pooled z-test."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc != 4 || !g_str_equal (argv[1], "lift"))
    return usage_error (context, _("usage: stormops stats lift X1/N1 X2/N2 [--json]"));
  if (!parse_fraction (argv[2], &x1, &n1) || !parse_fraction (argv[3], &x2, &n2))
    return usage_error (context, _("counts must look like 56/70: successes, a slash, and a total above zero"));

  storm_stats_lift (x1, n1, x2, n2, &lift);
  if (json)
    {
      g_autoptr(JsonNode) node = storm_lift_to_json (&lift);
      g_autofree char *text = storm_json_to_string (node, TRUE);

      g_print ("%s\n", text);
    }
  else
    print_lift_text (&lift);
  return 0;
}

static void
print_summary (const StormPolicySummary *s,
               gboolean                  applied)
{
  if (applied)
    g_print (_("Execution          %lld\n"), (long long) s->execution_id);
  g_print (_("Threshold          %.2f\n"), s->threshold);
  g_print (_("Properties         %lld\n"), (long long) s->n_properties);
  g_print (_("Treat              %lld\n"), (long long) s->n_treat);
  g_print (_("Hold (below)       %lld\n"), (long long) s->n_hold);
  g_print (_("Universal control  %lld\n"), (long long) s->n_universal);
  g_print (_("RCT control        %lld\n"), (long long) s->n_rct);
  g_print (_("Expected conv.     %.1f\n"), s->expected_conversions);
  if (isfinite (s->predicted_lift))
    g_print (_("Predicted lift     %.4f\n"), s->predicted_lift);
  if (s->routes_needed > 0)
    g_print (_("Routes needed      %lld\n"), (long long) s->routes_needed);
}

int
storm_cli_policy (int         argc,
                  char      **argv,
                  const char *default_db)
{
  g_autofree char *db_path = NULL;
  g_autofree char *storm = NULL;
  g_autofree char *mode_text = NULL;
  double threshold = NAN, rct = STORM_POLICY_DEFAULT_RCT_PCT * 100;
  int doors = 50;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "storm", 0, 0, G_OPTION_ARG_STRING, &storm, N_("Storm code"), N_("CODE") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode_text, N_("aggressive, moderate (default) or conservative"), N_("MODE") },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold, N_("Custom uplift threshold, 0–1"), N_("X") },
    { "control", 0, 0, G_OPTION_ARG_DOUBLE, &rct, N_("RCT holdout, percent of the non-universal remainder (default 10)"), N_("PCT") },
    { "doors-per-route", 0, 0, G_OPTION_ARG_INT, &doors, N_("Doors per route for the crew estimate (default 50)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("preview|apply --storm CODE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  StormPolicyParams params;
  StormPolicySummary summary;
  gint64 storm_id;
  gboolean apply;

  g_option_context_set_summary (context,
                                _("Decide which doors to knock: universal control, then the storm’s random\n"
                                  "holdout, then the uplift threshold. “preview” shows the counts, “apply”\n"
                                  "records the decisions as the storm’s current policy."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc != 2 || (!g_str_equal (argv[1], "preview") && !g_str_equal (argv[1], "apply")))
    return usage_error (context, _("usage: stormops policy preview|apply --storm CODE [--mode MODE | --threshold X]"));
  if (storm == NULL)
    return usage_error (context, _("--storm CODE is required"));
  apply = g_str_equal (argv[1], "apply");

  storm_policy_params_init (&params);
  params.rct_pct = rct / 100.0;
  params.actor = "cli";
  if (mode_text != NULL && !storm_policy_mode_from_string (mode_text, &params.mode))
    return usage_error (context, _("--mode must be aggressive, moderate or conservative"));
  if (!isnan (threshold))
    {
      if (mode_text != NULL)
        return usage_error (context, _("give either --mode or --threshold, not both"));
      params.mode = STORM_POLICY_CUSTOM;
      params.threshold = threshold;
    }
  params.threshold = params.mode == STORM_POLICY_CUSTOM ? params.threshold : storm_policy_mode_threshold (params.mode);

  db = open_db (db_path ? db_path : default_db, &error);
  if (db == NULL)
    return fail (error);
  storm_id = storm_db_find_storm (db, storm);
  if (storm_id == 0)
    {
      g_set_error (&error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("There is no storm “%s”. List the storms with “stormops storms”."), storm);
      return fail (error);
    }

  if (apply)
    {
      if (!storm_policy_apply (db, storm_id, &params, &summary, NULL, NULL, &error))
        return fail (error);
      summary.routes_needed = doors > 0 ? (summary.n_treat + doors - 1) / doors : 0;
      print_summary (&summary, TRUE);
    }
  else
    {
      g_autoptr(StormPolicyPreview) preview = storm_policy_preview_load (db, storm_id, params.rct_pct, NULL, &error);

      if (preview == NULL)
        return fail (error);
      if (!(params.threshold >= 0 && params.threshold <= 1))
        return usage_error (context, _("the threshold must be between 0 and 1"));
      storm_policy_preview_evaluate (preview, params.threshold, doors, &summary);
      print_summary (&summary, FALSE);
    }
  return 0;
}

static int
import_cycle_csv (int         argc,
                  char      **argv,
                  const char *default_db,
                  gboolean    outcomes)
{
  g_autofree char *db_path = NULL;
  g_autofree char *storm = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "storm", 0, 0, G_OPTION_ARG_STRING, &storm, N_("Storm code"), N_("CODE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("import FILE --storm CODE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  StormImportResult result;
  gboolean ok;

  g_option_context_set_summary (context, outcomes
    ? _("Import outcomes from CSV (property_id, converted, value, date). Idempotent; a changed\n"
        "outcome is recorded as a correction and the earlier one is kept as history.")
    : _("Import touches from CSV (property_id, channel, at, result)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc != 3 || !g_str_equal (argv[1], "import"))
    return usage_error (context, outcomes ? _("usage: stormops outcomes import FILE --storm CODE")
                                          : _("usage: stormops touches import FILE --storm CODE"));
  if (storm == NULL)
    return usage_error (context, _("--storm CODE is required"));

  db = open_db (db_path ? db_path : default_db, &error);
  if (db == NULL)
    return fail (error);
  storm_import_result_init (&result);
  ok = outcomes ? storm_import_outcomes (db, argv[2], storm, &result, NULL, NULL, &error)
                : storm_import_touches (db, argv[2], storm, &result, NULL, NULL, &error);
  if (ok)
    g_print (_("%lld rows: %lld new, %lld corrected, %lld unchanged\n"),
             (long long) result.n_rows, (long long) result.n_inserted, (long long) result.n_updated,
             (long long) result.n_duplicates);
  storm_import_result_clear (&result);
  return ok ? 0 : fail (error);
}

int
storm_cli_outcomes (int         argc,
                    char      **argv,
                    const char *default_db)
{
  return import_cycle_csv (argc, argv, default_db, TRUE);
}

int
storm_cli_touches (int         argc,
                   char      **argv,
                   const char *default_db)
{
  return import_cycle_csv (argc, argv, default_db, FALSE);
}

static void
print_arm (const char *label,
           gint64      x,
           gint64      n)
{
  g_autofree char *rate = n > 0 ? g_strdup_printf ("%.4f", (double) x / n) : g_strdup ("–");

  g_print ("%-20s %8" G_GINT64_FORMAT " / %-8" G_GINT64_FORMAT " %s\n", label, x, n, rate);
}

int
storm_cli_report (int         argc,
                  char      **argv,
                  const char *default_db)
{
  g_autofree char *db_path = NULL;
  g_autofree char *storm = NULL;
  gboolean json = FALSE;
  StormReportOptions options;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "storm", 0, 0, G_OPTION_ARG_STRING, &storm, N_("Storm code"), N_("CODE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "cost-per-door", 0, 0, G_OPTION_ARG_DOUBLE, &options.cost_per_door, N_("Cost of one door (default 12)"), N_("X") },
    { "value-per-conversion", 0, 0, G_OPTION_ARG_DOUBLE, &options.value_per_conversion, N_("Value of one conversion (default 9500)"), N_("X") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  g_auto(StormReport) report = { 0 };
  gint64 storm_id;

  storm_report_options_init (&options);
  context = g_option_context_new (_("--storm CODE"));
  g_option_context_set_summary (context,
                                _("Measured lift of the storm’s current policy against its control groups,\n"
                                  "with 95 % intervals, calibration by uplift band, Qini and ROI."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (storm == NULL || argc != 1)
    return usage_error (context, _("usage: stormops report --storm CODE [--json]"));

  db = open_db (db_path ? db_path : default_db, &error);
  if (db == NULL)
    return fail (error);
  storm_id = storm_db_find_storm (db, storm);
  if (storm_id == 0)
    {
      g_set_error (&error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("There is no storm “%s”. List the storms with “stormops storms”."), storm);
      return fail (error);
    }
  if (!storm_report_compute (db, storm_id, &options, &report, &error))
    return fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = storm_report_to_json (&report, storm);
      g_autofree char *text = storm_json_to_string (node, TRUE);

      g_print ("%s\n", text);
      return 0;
    }
  if (report.execution_id == 0)
    {
      g_print (_("No policy has been applied to %s yet: run “stormops policy apply --storm %s”.\n"), storm, storm);
      return 0;
    }
  g_print (_("Storm %s, execution %lld (%s, threshold %.2f), %lld outcomes\n\n"),
           storm, (long long) report.execution_id, report.mode, report.threshold, (long long) report.n_outcomes);
  print_arm (_("Treatment"), report.x_treat, report.n_treat);
  print_arm (_("Control (all)"), report.x_control, report.n_control);
  print_arm (_("  RCT control"), report.x_rct, report.n_rct);
  print_arm (_("  Universal control"), report.x_universal, report.n_universal);
  g_print ("\n");
  if (report.has_lift)
    {
      print_lift_text (&report.lift);
      g_print (_("Predicted lift     %.4f (error %+.4f)\n"), report.predicted_lift, report.prediction_error);
      g_print (_("Detectable diff.   %.4f (5 %% two-sided, 80 %% power)\n"), report.detectable_difference);
      g_print (_("ROI                %.2f (cost %.0f, incremental value %.0f)\n"),
               report.roi, report.cost, report.incremental_value);
      g_print (_("Qini coefficient   %.4f\n"), report.qini_coefficient);
    }
  else
    g_print (_("Not enough data for a lift yet: both arms need properties.\n"));
  return 0;
}
