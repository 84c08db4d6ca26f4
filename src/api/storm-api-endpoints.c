#define G_LOG_DOMAIN "storm-api-endpoints"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-api-server-private.h"
#include "storm-error.h"
#include "storm-outcomes.h"
#include "storm-report-json.h"
#include "storm-store-agent-jobs.h"
#include "storm-store-jobs.h"
#include "storm-store-leads.h"
#include "storm-store-runs.h"
#include "storm-store-storms.h"

static const char * const touch_channels[] = {
  "door_knock", "call", "sms", "mailer", "ads", "referral", NULL
};
static const char * const lead_touch_channels[] = {
  "email", "call", "sms", "meeting", "message", "other", NULL
};
static const char * const run_statuses[] = {
  "success", "partial", "fail", "cancelled", NULL
};
static const char * const job_results[] = {
  "success", "failure", "partial", NULL
};

static void
changed (StormApiRequest *request,
         const char      *table)
{
  g_ptr_array_add (request->changed, (gpointer) table);
}

static gboolean
check_choice (const char          *field,
              const char          *value,
              const char * const  *choices,
              GError             **error)
{
  g_autofree char *list = NULL;

  if (value == NULL || g_strv_contains (choices, value))
    return TRUE;
  list = g_strjoinv (", ", (char **) choices);
  g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
               _("The field “%s” must be one of: %s."), field, list);
  return FALSE;
}

static gint64
find_storm (StormDb     *db,
            const char  *code,
            GError     **error)
{
  gint64 id = storm_db_find_storm (db, code);

  if (id == 0)
    g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                 _("There is no storm “%s”."), code);
  return id;
}

/* The property @ext_id of storm @storm_id, as the CSV importers find it. */
static gint64
find_property (StormDb     *db,
               gint64       storm_id,
               const char  *storm_code,
               const char  *ext_id,
               GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;

  stmt = storm_db_cached (db,
                          "SELECT p.id, sp.storm_id IS NOT NULL FROM properties p "
                          "LEFT JOIN storm_properties sp ON sp.property_id = p.id AND sp.storm_id = ?2 "
                          "WHERE p.ext_id = ?1",
                          error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, ext_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, storm_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                 _("There is no property “%s”."), ext_id);
  else if (sqlite3_column_int (stmt, 1) == 0)
    g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                 _("The property “%s” is not in storm “%s”."), ext_id, storm_code);
  else
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

static gint64
parse_id (const char  *text,
          const char  *what,
          GError     **error)
{
  guint64 id = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("There is no %s “%s”."), what, text ? text : "");
      return 0;
    }
  return (gint64) id;
}

/* The actor of a write: "api", or "api:SOURCE" with the client's label. */
static char *
actor_of (JsonObject *body)
{
  const char *source = storm_api_body_get_string (body, "source");

  return source != NULL ? g_strconcat ("api:", source, NULL) : g_strdup ("api");
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

guint
_storm_api_post_outcome (StormApiRequest  *request,
                         JsonNode        **response,
                         GError          **error)
{
  static const char * const results[] = {
    [STORM_OUTCOME_UNCHANGED] = "unchanged",
    [STORM_OUTCOME_INSERTED] = "inserted",
    [STORM_OUTCOME_CORRECTED] = "corrected",
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *actor = actor_of (request->body);
  const char *code = storm_api_body_get_string (request->body, "storm");
  const char *ext_id = storm_api_body_get_string (request->body, "property");
  StormOutcomeChange change = STORM_OUTCOME_UNCHANGED;
  StormOutcome outcome = { 0 };
  gint64 storm_id;

  storm_id = find_storm (request->db, code, error);
  if (storm_id == 0)
    return 0;
  outcome.property_id = find_property (request->db, storm_id, code, ext_id, error);
  if (outcome.property_id == 0)
    return 0;
  outcome.converted = json_object_get_boolean_member (request->body, "converted");
  outcome.value = storm_api_body_get_double (request->body, "value", NAN);
  outcome.occurred_at = storm_api_body_get_string (request->body, "at");
  outcome.source = "api";
  outcome.actor = actor;
  if (!storm_outcome_record (request->db, storm_id, &outcome, &change, error))
    return 0;
  if (change != STORM_OUTCOME_UNCHANGED)
    changed (request, "policy_outcomes");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "storm");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "property");
  json_builder_add_string_value (builder, ext_id);
  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, results[change]);
  json_builder_end_object (builder);
  *response = json_builder_get_root (builder);
  return change == STORM_OUTCOME_UNCHANGED ? 200 : 201;
}

guint
_storm_api_post_touch (StormApiRequest  *request,
                       JsonNode        **response,
                       GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *actor = actor_of (request->body);
  const char *code = storm_api_body_get_string (request->body, "storm");
  const char *ext_id = storm_api_body_get_string (request->body, "property");
  const char *channel = storm_api_body_get_string (request->body, "channel");
  gboolean added = FALSE;
  gint64 storm_id, property_id;

  if (!check_choice ("channel", channel, touch_channels, error))
    return 0;
  storm_id = find_storm (request->db, code, error);
  if (storm_id == 0)
    return 0;
  property_id = find_property (request->db, storm_id, code, ext_id, error);
  if (property_id == 0)
    return 0;
  if (!storm_db_add_touch (request->db, storm_id, property_id, channel,
                           storm_api_body_get_string (request->body, "at"),
                           storm_api_body_get_string (request->body, "result"),
                           "api", actor, &added, error))
    return 0;
  if (added)
    changed (request, "touches");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "storm");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "property");
  json_builder_add_string_value (builder, ext_id);
  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, added ? "inserted" : "unchanged");
  json_builder_end_object (builder);
  *response = json_builder_get_root (builder);
  return added ? 201 : 200;
}

guint
_storm_api_get_storms (StormApiRequest  *request,
                       JsonNode        **response,
                       GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) storms = storm_db_list_storms (request->db, error);

  if (storms == NULL)
    return 0;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "storms");
  json_builder_begin_array (builder);
  for (guint i = 0; i < storms->len; i++)
    {
      StormStorm *storm = g_ptr_array_index (storms, i);

      json_builder_begin_object (builder);
      add_string_or_null (builder, "code", storm_storm_get_code (storm));
      add_string_or_null (builder, "name", storm_storm_get_name (storm));
      add_string_or_null (builder, "kind", storm_storm_get_kind (storm));
      add_string_or_null (builder, "start_at", storm_storm_get_start_at (storm));
      add_string_or_null (builder, "end_at", storm_storm_get_end_at (storm));
      add_string_or_null (builder, "region", storm_storm_get_region (storm));
      json_builder_set_member_name (builder, "is_demo");
      json_builder_add_boolean_value (builder, storm_storm_get_is_demo (storm));
      json_builder_set_member_name (builder, "properties");
      json_builder_add_int_value (builder, storm_storm_get_n_properties (storm));
      json_builder_set_member_name (builder, "reports");
      json_builder_add_int_value (builder, storm_storm_get_n_reports (storm));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  *response = json_builder_get_root (builder);
  return 200;
}

JsonNode *
_storm_api_compute_report (StormDb     *db,
                           const char  *storm_code,
                           GError     **error)
{
  g_auto(StormReport) report = { 0 };
  StormReportOptions options;
  gint64 storm_id;

  storm_id = find_storm (db, storm_code, error);
  if (storm_id == 0)
    return NULL;
  storm_report_options_init (&options);
  if (!storm_report_compute (db, storm_id, &options, &report, error))
    return NULL;
  return storm_report_to_json (&report, storm_code);
}

guint
_storm_api_get_health (StormApiRequest  *request,
                       JsonNode        **response,
                       GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, storm_db_schema_version (request->db));
  json_builder_set_member_name (builder, "uptime_s");
  json_builder_add_int_value (builder, _storm_api_server_get_uptime_s (request->server));
  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, storm_api_server_get_n_requests (request->server));
  json_builder_set_member_name (builder, "unauthorized");
  json_builder_add_int_value (builder, storm_api_server_get_n_unauthorized (request->server));
  json_builder_end_object (builder);
  *response = json_builder_get_root (builder);
  return 200;
}

static JsonNode *
id_response (const char *name,
             gint64      id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, id);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

guint
_storm_api_post_run (StormApiRequest  *request,
                     JsonNode        **response,
                     GError          **error)
{
  JsonObject *body = request->body;
  StormRunSpec spec = {
    .kind = storm_api_body_get_string (body, "kind"),
    .subject = storm_api_body_get_string (body, "subject"),
    .started_at = storm_api_body_get_string (body, "started_at"),
    .finished_at = storm_api_body_get_string (body, "finished_at"),
    .status = storm_api_body_get_string (body, "status"),
    .steps_total = storm_api_body_has (body, "steps_total") ? (int) json_object_get_int_member (body, "steps_total") : -1,
    .steps_done = storm_api_body_has (body, "steps_done") ? (int) json_object_get_int_member (body, "steps_done") : -1,
    .duration_ms = -1,
    .error = storm_api_body_get_string (body, "error"),
  };
  gint64 id;

  if (!check_choice ("status", spec.status, run_statuses, error))
    return 0;
  id = storm_db_add_run (request->db, &spec, error);
  if (id == 0)
    return 0;
  changed (request, "runs");
  *response = id_response ("id", id);
  return 201;
}

static JsonNode *
agent_job_json (StormDb  *db,
                gint64    id,
                GError  **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3_stmt *stmt;
  static const char * const columns[] = {
    "task", "risk_level", "risk_category", "risk_reason", "approved_by", "approved_at", "deployed_at"
  };

  stmt = storm_db_cached (db,
                          "SELECT task, risk_level, risk_category, risk_reason, approved_by, approved_at, deployed_at "
                          "FROM agent_jobs WHERE id = ?1",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("There is no agent job %lld."), (long long) id);
      return NULL;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    add_string_or_null (builder, columns[i], (const char *) sqlite3_column_text (stmt, i));
  json_builder_end_object (builder);
  sqlite3_reset (stmt);
  return json_builder_get_root (builder);
}

guint
_storm_api_post_agent_job (StormApiRequest  *request,
                           JsonNode        **response,
                           GError          **error)
{
  JsonObject *body = request->body;
  JsonArray *array = storm_api_body_has (body, "files") ? json_object_get_array_member (body, "files") : NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  StormAgentJobSpec spec = {
    .task = storm_api_body_get_string (body, "task"),
    .build_task = storm_api_body_get_string (body, "build_task"),
    .branch = storm_api_body_get_string (body, "branch"),
    .result = storm_api_body_get_string (body, "result"),
    .tests_passed = storm_api_body_has (body, "tests_passed") ? (int) json_object_get_int_member (body, "tests_passed") : 0,
    .tests_failed = storm_api_body_has (body, "tests_failed") ? (int) json_object_get_int_member (body, "tests_failed") : 0,
  };
  gint64 id;

  if (!check_choice ("result", spec.result, job_results, error))
    return 0;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    g_ptr_array_add (files, (gpointer) json_array_get_string_element (array, i));
  g_ptr_array_add (files, NULL);
  spec.files = (const char * const *) files->pdata;

  id = storm_db_add_agent_job (request->db, &spec, error);
  if (id == 0)
    return 0;
  changed (request, "agent_jobs");
  changed (request, "approvals");
  *response = agent_job_json (request->db, id, error);
  return *response != NULL ? 201 : 0;
}

/* Approval first, then deployment, in the request's one transaction:
 * the store's triggers refuse a deployment without a person's approval
 * and an approval in the name of the app or an automation. */
guint
_storm_api_patch_agent_job (StormApiRequest  *request,
                            JsonNode        **response,
                            GError          **error)
{
  g_autoptr(JsonNode) current = NULL;
  JsonObject *body = request->body;
  const char *person = storm_api_body_get_string (body, "approved_by");
  JsonObject *job;
  gint64 id;

  id = parse_id (request->arg, _("agent job"), error);
  if (id == 0)
    return 0;
  current = agent_job_json (request->db, id, error);
  if (current == NULL)
    return 0;
  job = json_node_get_object (current);

  if (person != NULL && !storm_db_approve_agent_job (request->db, id, person, NULL, error))
    return 0;
  if (storm_api_body_has (body, "deployed"))
    {
      if (!json_object_get_boolean_member (body, "deployed"))
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                       _("A deployment is history: “deployed” can only be set to true."));
          return 0;
        }
      if (json_object_get_null_member (job, "deployed_at") &&
          !storm_db_deploy_agent_job (request->db, id, NULL, error))
        return 0;
    }

  changed (request, "agent_jobs");
  changed (request, "approvals");
  *response = agent_job_json (request->db, id, error);
  return *response != NULL ? 200 : 0;
}

guint
_storm_api_post_lead_touch (StormApiRequest  *request,
                            JsonNode        **response,
                            GError          **error)
{
  JsonObject *body = request->body;
  const char *channel = storm_api_body_get_string (body, "channel");
  gint64 lead_id, id;

  lead_id = parse_id (request->arg, _("lead"), error);
  if (lead_id == 0)
    return 0;
  if (storm_db_count_rows (request->db, "SELECT count (*) FROM leads WHERE id = ?1", lead_id) != 1)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("There is no lead %lld."), (long long) lead_id);
      return 0;
    }
  if (!check_choice ("channel", channel, lead_touch_channels, error))
    return 0;
  id = storm_db_add_lead_touch (request->db, lead_id, channel, storm_api_body_get_string (body, "at"),
                                storm_api_body_get_string (body, "note"), error);
  if (id == 0)
    return 0;
  changed (request, "lead_touches");
  changed (request, "leads");
  *response = id_response ("id", id);
  return 201;
}
