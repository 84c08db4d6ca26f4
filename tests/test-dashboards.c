#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "storm-dash-json.h"
#include "storm-dash-private.h"
#include "storm-demo-dash.h"
#include "storm-error.h"
#include "storm-import-leads.h"
#include "storm-ops-health.h"
#include "storm-sales-leak.h"
#include "storm-store-agent-jobs.h"
#include "storm-store-approvals.h"
#include "storm-store-leads.h"
#include "storm-store-runs.h"

/* Every time in these tests is relative to this fixed "now". */
#define NOW_ISO "2026-06-15T12:00:00Z"

typedef struct
{
  char    *dir;
  StormDb *db;
  gint64   now;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("stormops-dash-XXXXXX", NULL);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->db = storm_db_open (path, &error);
  g_assert_no_error (error);
  f->now = _storm_dash_parse_time (NOW_ISO);
  g_assert_cmpint (f->now, ==, 1781524800);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "test.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  storm_db_close (f->db);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* now - @seconds, as the store writes it */
static char *
before (Fixture *f,
        gint64   seconds)
{
  return _storm_dash_iso (f->now - seconds);
}

#define DAY 86400

static char *
query_text (StormDb    *db,
            const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static gint64
add_lead (Fixture    *f,
          const char *title,
          const char *stage,
          gint64      created_ago)
{
  g_autofree char *created = before (f, created_ago);
  StormLeadSpec spec = { .title = title, .stage = stage, .value = -1, .created_at = created };
  g_autoptr(GError) error = NULL;
  gint64 id = storm_db_add_lead (f->db, &spec, "test", &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
touch (Fixture *f,
       gint64   lead,
       gint64   ago)
{
  g_autofree char *at = before (f, ago);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (storm_db_add_lead_touch (f->db, lead, "call", at, NULL, &error), >, 0);
  g_assert_no_error (error);
}

/* ---- stage history ------------------------------------------------------ */

static void
test_stage_history (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *three = before (f, 3 * DAY);
  g_autofree char *text = NULL;
  gint64 lead = add_lead (f, "Acme roof", NULL, 10 * DAY);

  /* the first stage, entered when the lead was made */
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM lead_stage_history WHERE lead_id = ?1", lead), ==, 1);
  text = query_text (f->db, "SELECT to_stage || '|' || at FROM lead_stage_history");
  g_assert_cmpstr (text, ==, "NEW|2026-06-05T12:00:00Z");
  g_clear_pointer (&text, g_free);

  g_assert_true (storm_db_set_lead_stage (f->db, lead, "CONTACTED", three, "ana", &error));
  g_assert_no_error (error);
  /* the same stage again is no change */
  g_assert_true (storm_db_set_lead_stage (f->db, lead, "CONTACTED", NULL, "ana", &error));
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM lead_stage_history", 0), ==, 2);

  /* a stage change by plain SQL (another tool, the API) is history too */
  g_assert_true (storm_db_exec (f->db, "UPDATE leads SET stage = 'QUALIFIED'", &error));
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM lead_stage_history", 0), ==, 3);
  text = query_text (f->db, "SELECT group_concat (coalesce (from_stage, '-') || '>' || to_stage || '@' || "
                            "coalesce (actor, '?'), ' ') FROM (SELECT * FROM lead_stage_history ORDER BY id)");
  g_assert_cmpstr (text, ==, "->NEW@test NEW>CONTACTED@ana CONTACTED>QUALIFIED@?");
  g_clear_pointer (&text, g_free);
  /* stage_entered_at follows the history */
  text = query_text (f->db, "SELECT stage_entered_at = (SELECT max (at) FROM lead_stage_history) FROM leads");
  g_assert_cmpstr (text, ==, "1");
  g_clear_pointer (&text, g_free);

  g_assert_false (storm_db_set_lead_stage (f->db, lead, "WON_MAYBE", NULL, "ana", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“WON_MAYBE”"));
}

/* ---- approval gates ------------------------------------------------------ */

static gint64
add_job (Fixture            *f,
         const char * const *files)
{
  StormAgentJobSpec spec = { .task = "Refactor", .files = files, .result = "success", .created_at = NULL };
  g_autoptr(GError) error = NULL;
  gint64 id = storm_db_add_agent_job (f->db, &spec, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_risk_rules (Fixture       *f,
                 gconstpointer  data)
{
  static const struct {
    const char *files[3];
    const char *level;
    const char *category;
  } cases[] = {
    { { "src/auth/login.c", NULL }, "high", "auth/security" },
    { { "config/secrets.json", NULL }, "high", "auth/security" },
    { { "app/billing/invoice.py", NULL }, "high", "money-sensitive" },
    { { "src/ui/window.ui", "src/ui/style.css", NULL }, "low", "ui-only" },
    { { "src/ui/window.ui", "src/core/leads.c", NULL }, "medium", "feature-logic" },
    { { "meson.build", NULL }, "medium", "infra" },
    { { ".ci/build.yml", NULL }, "high", "infra" },
    { { "README.md", "src/payments/refund.c", NULL }, "high", "money-sensitive" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StormRisk) risk = storm_db_classify_change (f->db, cases[i].files, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (risk->level, ==, cases[i].level);
      g_assert_cmpstr (risk->category, ==, cases[i].category);
      g_assert_nonnull (risk->reason);
    }

  /* the rules are data: an edited rule changes the answer */
  {
    const char *files[] = { "src/ui/window.ui", NULL };
    g_autoptr(StormRisk) risk = NULL;

    g_assert_true (storm_db_exec (f->db, "UPDATE risk_rules SET level = 'high', category = 'ui-review' WHERE pattern = '*.ui'", NULL));
    risk = storm_db_classify_change (f->db, files, NULL);
    g_assert_cmpstr (risk->level, ==, "high");
    g_assert_cmpstr (risk->reason, ==, "src/ui/window.ui matches *.ui");
  }
}

static void
test_deploy_gate (Fixture       *f,
                  gconstpointer  data)
{
  const char *auth[] = { "src/auth/session.c", NULL };
  const char *ui[] = { "src/ui/window.ui", NULL };
  g_autoptr(GError) error = NULL;
  gint64 high = add_job (f, auth);
  gint64 low = add_job (f, ui);
  gint64 approval;
  g_autofree char *text = NULL;

  /* each job waits in the approval queue */
  g_assert_cmpint (storm_db_count_pending_approvals (f->db), ==, 2);

  /* through the store API */
  g_assert_false (storm_db_deploy_agent_job (f->db, high, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "approval"));
  g_clear_error (&error);
  /* low risk too: nothing is deployed by itself */
  g_assert_false (storm_db_deploy_agent_job (f->db, low, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  /* through plain SQL, as any other writer would */
  g_assert_false (storm_db_exec (f->db, "UPDATE agent_jobs SET deployed_at = '2026-06-15T12:00:00Z'", NULL));
  g_assert_false (storm_db_exec (f->db,
                                 "INSERT INTO agent_jobs (id, task, deployed_at) VALUES (99, 'sneaky', '2026-06-15T12:00:00Z')",
                                 NULL));
  /* typing the approval into the job is not an approval */
  g_assert_false (storm_db_exec (f->db,
                                 "UPDATE agent_jobs SET approved_by = 'Ana Ruiz', approved_at = '2026-06-15T11:00:00Z'",
                                 NULL));
  /* an approval must name a person */
  g_assert_false (storm_db_approve_agent_job (f->db, high, "agent", NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (storm_db_approve_agent_job (f->db, high, "  ", NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM agent_jobs WHERE deployed_at IS NOT NULL "
                                               "OR approved_at IS NOT NULL", 0), ==, 0);

  g_assert_true (storm_db_approve_agent_job (f->db, high, "Ana Ruiz", "2026-06-15T11:00:00Z", &error));
  g_assert_no_error (error);
  text = query_text (f->db, "SELECT approved_by || '|' || approved_at FROM agent_jobs WHERE id = 1");
  g_assert_cmpstr (text, ==, "Ana Ruiz|2026-06-15T11:00:00Z");
  /* deployed before it was approved: refused */
  g_assert_false (storm_db_deploy_agent_job (f->db, high, "2026-06-15T10:59:59Z", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_true (storm_db_deploy_agent_job (f->db, high, "2026-06-15T11:30:00Z", &error));
  g_assert_no_error (error);
  g_assert_cmpint (storm_db_count_pending_approvals (f->db), ==, 1);

  /* a decision is history */
  approval = storm_db_count_rows (f->db, "SELECT id FROM approvals WHERE subject_id = ?1", high);
  g_assert_false (storm_db_approve (f->db, approval, "Bob Lee", NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  /* a rejected job stays undeployable */
  approval = storm_db_count_rows (f->db, "SELECT id FROM approvals WHERE subject_id = ?1", low);
  g_assert_true (storm_db_reject (f->db, approval, "touches too much", &error));
  g_assert_no_error (error);
  g_assert_false (storm_db_deploy_agent_job (f->db, low, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
}

static void
test_send_gate (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 lead = add_lead (f, "Bluebonnet HOA", "QUALIFIED", 20 * DAY);
  gint64 proposal = storm_db_add_proposal (f->db, lead, "Roof program", 42000, NULL, &error);
  gint64 approval;

  g_assert_no_error (error);
  g_assert_false (storm_db_mark_proposal_sent (f->db, proposal, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (storm_db_exec (f->db, "UPDATE proposals SET sent_at = '2026-06-15T12:00:00Z'", NULL));

  /* requested is not approved */
  approval = storm_db_request_approval (f->db, STORM_APPROVAL_PROPOSAL_SEND, proposal, "Send it", "ana",
                                        NULL, FALSE, &error);
  g_assert_cmpint (approval, >, 0);
  g_assert_false (storm_db_mark_proposal_sent (f->db, proposal, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);
  /* an approval of another proposal does not count */
  g_assert_true (storm_db_exec (f->db, "INSERT INTO approvals (kind, subject_id, approved_by, approved_at) "
                                       "VALUES ('proposal_send', 77, 'Ana Ruiz', '2026-01-01T00:00:00Z')", NULL));
  g_assert_false (storm_db_mark_proposal_sent (f->db, proposal, NULL, &error));
  g_clear_error (&error);

  g_assert_true (storm_db_approve (f->db, approval, "Ana Ruiz", "2026-06-14T09:00:00Z", &error));
  g_assert_no_error (error);
  g_assert_true (storm_db_mark_proposal_sent (f->db, proposal, "2026-06-14T10:00:00Z", &error));
  g_assert_no_error (error);
}

/* ---- runs and integrations ---------------------------------------------- */

static void
test_events_become_runs (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (storm_db_log_event (f->db, "operator", "import-properties", "homes.csv", "failed", 1500,
                                     "line 3: no latitude", &error));
  g_assert_true (storm_db_log_event (f->db, "operator", "policy-apply", "DFW", "ok", 250, "done", &error));
  g_assert_true (storm_db_log_event (f->db, "operator", "import-reports", "x.csv", "cancelled", -1, NULL, &error));
  g_assert_no_error (error);
  text = query_text (f->db, "SELECT group_concat (kind || '|' || source || '|' || status || '|' || coalesce (error, '-') || '|' "
                            "|| coalesce (duration_ms, '-'), ' ') FROM (SELECT * FROM runs ORDER BY id)");
  g_assert_cmpstr (text, ==, "import-properties|app|fail|line 3: no latitude|1500 policy-apply|app|success|-|250 "
                             "import-reports|app|cancelled|-|-");
  g_clear_pointer (&text, g_free);
  /* started = finished - duration */
  text = query_text (f->db, "SELECT round ((julianday (finished_at) - julianday (started_at)) * 86400000) FROM runs WHERE id = 1");
  g_assert_cmpstr (text, ==, "1500.0");
}

static void
test_integration_health (void)
{
  const gint64 now = 1000000;

  g_assert_cmpint (storm_integration_health (G_MININT64, G_MININT64, 3600, now), ==, STORM_INTEGRATION_UNKNOWN);
  g_assert_cmpint (storm_integration_health (now - 3600, G_MININT64, 3600, now), ==, STORM_INTEGRATION_OK);
  g_assert_cmpint (storm_integration_health (now - 3601, G_MININT64, 3600, now), ==, STORM_INTEGRATION_STALE);
  g_assert_cmpint (storm_integration_health (now - 99999, G_MININT64, 0, now), ==, STORM_INTEGRATION_OK);
  g_assert_cmpint (storm_integration_health (now - 10, now - 5, 3600, now), ==, STORM_INTEGRATION_FAILING);
  g_assert_cmpint (storm_integration_health (now - 5, now - 10, 3600, now), ==, STORM_INTEGRATION_OK);
  g_assert_cmpint (storm_integration_health (G_MININT64, now - 10, 0, now), ==, STORM_INTEGRATION_FAILING);
}

/* ---- Ops health on a hand-built week ------------------------------------ */

static void
add_run (Fixture    *f,
         const char *kind,
         const char *status,
         gint64      ago,
         const char *error_text)
{
  g_autofree char *at = before (f, ago);
  StormRunSpec spec = { .kind = kind, .status = status, .started_at = at, .finished_at = at,
                        .steps_total = -1, .steps_done = -1, .duration_ms = -1, .error = error_text };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (storm_db_add_run (f->db, &spec, &error), >, 0);
  g_assert_no_error (error);
}

static void
app_event (Fixture    *f,
           const char *action,
           const char *status,
           gint64      ago,
           gint64      duration_ms,
           const char *detail)
{
  g_autofree char *at = before (f, ago);
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (f->db,
                                                   "INSERT INTO events (at, actor, action, status, duration_ms, detail) "
                                                   "VALUES (?1, 'operator', ?2, ?3, ?4, ?5)", NULL);

  sqlite3_bind_text (stmt, 1, at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, duration_ms);
  sqlite3_bind_text (stmt, 5, detail, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
}

static void
send_proposal (Fixture *f,
               gint64   lead,
               gint64   sent_ago,
               const char *outcome)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *approved = before (f, sent_ago + 60);
  g_autofree char *sent = before (f, sent_ago);
  gint64 proposal = storm_db_add_proposal (f->db, lead, NULL, 1000, NULL, &error);
  gint64 approval = storm_db_request_approval (f->db, STORM_APPROVAL_PROPOSAL_SEND, proposal, NULL, NULL, approved,
                                               FALSE, &error);

  g_assert_true (storm_db_approve (f->db, approval, "Ana Ruiz", approved, &error));
  g_assert_true (storm_db_mark_proposal_sent (f->db, proposal, sent, &error));
  if (outcome != NULL)
    g_assert_true (storm_db_set_proposal_outcome (f->db, proposal, outcome, NULL, &error));
  g_assert_no_error (error);
}

static void
build_week (Fixture *f)
{
  const char *files[] = { "src/auth/token.c", NULL };
  g_autoptr(GError) error = NULL;
  gint64 l1, l2, l3, l4, l6, p4;

  /* stale by touch, N = 7: more than 7 days without one */
  l1 = add_lead (f, "Never touched", "NEW", 10 * DAY);             /* stale */
  l2 = add_lead (f, "Touched 7 d ago", "CONTACTED", 20 * DAY);     /* exactly 7 d: not stale */
  touch (f, l2, 7 * DAY);
  l3 = add_lead (f, "Touched 7 d 1 s ago", "QUALIFIED", 20 * DAY); /* stale */
  touch (f, l3, 7 * DAY + 1);
  touch (f, l3, 9 * DAY);                                           /* an older touch changes nothing */
  l4 = add_lead (f, "Shipped long ago", "SHIPPED", 60 * DAY);      /* not open */
  touch (f, l4, 30 * DAY);
  add_lead (f, "Lost", "LOST", 60 * DAY);                          /* not open */
  l6 = add_lead (f, "Fresh", "PROPOSAL_SENT", 30 * DAY);
  touch (f, l6, 1 * DAY);
  add_lead (f, "Created 6 d ago", "NEW", 6 * DAY);                 /* not stale */
  (void) l1;

  /* stuck: sent more than 5 days ago, no outcome */
  send_proposal (f, l6, 6 * DAY, NULL);       /* stuck */
  send_proposal (f, l6, 5 * DAY, NULL);       /* exactly 5 d: not stuck */
  send_proposal (f, l6, 10 * DAY, "won");     /* answered */
  p4 = storm_db_add_proposal (f->db, l6, "Draft", 500, NULL, &error); /* not sent */
  storm_db_request_approval (f->db, STORM_APPROVAL_PROPOSAL_SEND, p4, "Send the draft", "ana", NULL, FALSE, &error);
  add_job (f, files);

  /* pipelines */
  add_run (f, "lead-sync", "success", 2 * 3600, NULL);
  add_run (f, "lead-sync", "fail", 1 * 3600, "timeout after 30 s");
  add_run (f, "invoice-export", "success", 3 * 3600, NULL);
  add_run (f, "proposal-render", "fail", 3 * DAY, "template missing");
  add_run (f, "proposal-render", "fail", 8 * DAY, "older than a week");
  app_event (f, "import-properties", "failed", 2 * 3600, 900, "homes.csv line 4: no latitude");
  app_event (f, "routes-plan", "ok", 5 * 3600, 15000, NULL);
  /* in the future of "now": not counted */
  add_run (f, "lead-sync", "fail", -DAY, "from tomorrow");
  g_assert_no_error (error);

  g_assert_cmpint (storm_db_add_integration (f->db, "CRM sync", "lead-sync", 3600, FALSE, &error), >, 0);
  g_assert_cmpint (storm_db_add_integration (f->db, "Invoices", "invoice-export", 3600, FALSE, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_ops_health (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormOpsHealth) health = NULL;
  const StormOpsSection *section;
  g_autofree char *text = NULL;

  build_week (f);
  health = storm_ops_health_compute (f->db, f->now, 7, &error);
  g_assert_no_error (error);

  section = storm_ops_health_section (health, "stale-leads");
  g_assert_cmpint (section->count, ==, 2);
  g_assert_cmpstr (((StormOpsItem *) section->items->pdata[0])->title, ==, "Never touched");
  g_assert_cmpstr (((StormOpsItem *) section->items->pdata[1])->title, ==, "Touched 7 d 1 s ago");
  g_assert_cmpstr (((StormOpsItem *) section->items->pdata[0])->target, ==, "sales-leak:lead:1");
  g_assert_nonnull (((StormOpsItem *) section->items->pdata[0])->action);

  section = storm_ops_health_section (health, "stuck-proposals");
  g_assert_cmpint (section->count, ==, 1);
  g_assert_cmpstr (((StormOpsItem *) section->items->pdata[0])->detail, ==, "sent 6 d ago, no answer");

  /* the draft's send and the agent job's deploy */
  section = storm_ops_health_section (health, "approvals");
  g_assert_cmpint (section->count, ==, 2);
  g_assert_cmpstr (((StormOpsItem *) section->items->pdata[1])->target, ==, "agent-jobs:agent-job:1");

  /* last run per pipeline (a run after "now" is not seen): lead-sync,
   * proposal-render and import-properties failed */
  section = storm_ops_health_section (health, "pipelines");
  g_assert_cmpint (section->count, ==, 3);
  g_assert_cmpuint (section->items->len, ==, 5);

  g_assert_cmpint (health->failed_24h, ==, 2);
  g_assert_cmpint (health->failed_7d, ==, 3);

  /* CRM sync failing, invoices silent for 3 h of an hourly schedule,
   * property import failing; route planner fine; the rest never ran */
  section = storm_ops_health_section (health, "integrations");
  g_assert_cmpint (section->count, ==, 3);
  text = g_strdup_printf ("%s|%s", ((StormOpsItem *) section->items->pdata[0])->title,
                          ((StormOpsItem *) section->items->pdata[0])->detail);
  g_assert_cmpstr (text, ==, "CRM sync|Failing: timeout after 30 s");
  g_clear_pointer (&text, g_free);

  section = storm_ops_health_section (health, "app");
  g_assert_cmpint (section->count, ==, 1);
  g_assert_cmpuint (section->items->len, ==, 2);
  g_assert_cmpstr (((StormOpsItem *) section->items->pdata[1])->title, ==, "Slow: routes-plan took 15.0 s");

  g_assert_cmpint (health->n_attention, ==, 2 + 1 + 2 + 3 + 3 + 1);
  g_assert_cmpstr (health->status_line, ==, "12 things need you today");

  /* a longer stale window: only the lead untouched for 10 days */
  g_clear_pointer (&health, storm_ops_health_free);
  health = storm_ops_health_compute (f->db, f->now, 9, &error);
  g_assert_cmpint (storm_ops_health_section (health, "stale-leads")->count, ==, 1);
}

static void
test_ops_health_empty (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormOpsHealth) health = storm_ops_health_compute (f->db, f->now, 7, &error);

  g_assert_no_error (error);
  g_assert_cmpint (health->n_attention, ==, 0);
  g_assert_cmpstr (health->status_line, ==, "Nothing needs you today");
  g_assert_cmpuint (health->sections->len, ==, 7);
}

/* ---- Sales leak ----------------------------------------------------------- */

static void
move (Fixture    *f,
      gint64      lead,
      const char *stage,
      gint64      ago)
{
  g_autofree char *at = before (f, ago);
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_db_set_lead_stage (f->db, lead, stage, at, "test", &error));
  g_assert_no_error (error);
}

/* Period: the last 30 days. Ten leads enter PROPOSAL_SENT in it: two
 * move on (2 and 4 days), three are lost (6, 7, 8 days), four sit there
 * for 10 days, one for 3. In the previous period two leads went through
 * it in 2 and 3 days. */
static void
test_sales_leak (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormSalesLeak) leak = NULL;
  const StormLeakStage *s;
  const StormLeak *constraint;
  gint64 ids[12];

  for (guint i = 0; i < 10; i++)
    ids[i] = add_lead (f, "Lead", "NEW", 25 * DAY);
  for (guint i = 0; i < 5; i++)
    move (f, ids[i], "PROPOSAL_SENT", 20 * DAY);
  for (guint i = 5; i < 9; i++)
    move (f, ids[i], "PROPOSAL_SENT", 10 * DAY);
  move (f, ids[9], "PROPOSAL_SENT", 3 * DAY);
  move (f, ids[0], "APPROVED", 18 * DAY);
  move (f, ids[1], "APPROVED", 16 * DAY);
  move (f, ids[2], "LOST", 14 * DAY);
  move (f, ids[3], "LOST", 13 * DAY);
  move (f, ids[4], "LOST", 12 * DAY);
  ids[10] = add_lead (f, "Earlier", "NEW", 55 * DAY);
  ids[11] = add_lead (f, "Earlier", "NEW", 55 * DAY);
  move (f, ids[10], "PROPOSAL_SENT", 50 * DAY);
  move (f, ids[11], "PROPOSAL_SENT", 50 * DAY);
  move (f, ids[10], "APPROVED", 48 * DAY);
  move (f, ids[11], "APPROVED", 47 * DAY);

  leak = storm_sales_leak_compute (f->db, f->now - 30 * DAY, f->now, f->now, &error);
  g_assert_no_error (error);

  s = storm_sales_leak_stage (leak, "PROPOSAL_SENT");
  g_assert_cmpint (s->count, ==, 5);
  g_assert_cmpint (s->entered, ==, 10);
  g_assert_cmpint (s->advanced, ==, 2);
  g_assert_cmpfloat_with_epsilon (s->conversion, 0.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->median_days, 7.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->p90_days, 10.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->prev_median_days, 2.5, 1e-9);
  g_assert_cmpint (s->stuck, ==, 4);
  g_assert_cmpint (s->lost, ==, 3);

  s = storm_sales_leak_stage (leak, "NEW");
  g_assert_cmpint (s->entered, ==, 10);
  g_assert_cmpint (s->advanced, ==, 10);
  g_assert_cmpfloat_with_epsilon (s->median_days, 10.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->prev_median_days, 5.0, 1e-9);
  g_assert_cmpint (s->lost, ==, 0);

  /* two approved in the period, two before it: all past 5 days */
  s = storm_sales_leak_stage (leak, "APPROVED");
  g_assert_cmpint (s->count, ==, 4);
  g_assert_cmpint (s->entered, ==, 2);
  g_assert_cmpint (s->stuck, ==, 4);

  /* the constraint is the proposal stage, with its evidence */
  constraint = storm_sales_leak_constraint (leak);
  g_assert_cmpstr (constraint->stage, ==, "PROPOSAL_SENT");
  g_assert_cmpuint (constraint->evidence->len, ==, 3);
  g_assert_cmpstr (constraint->evidence->pdata[0], ==, "conversion 20 % vs benchmark 35 % in Proposal sent (2 of 10 moved on)");
  g_assert_cmpstr (constraint->evidence->pdata[1], ==, "4 leads stuck > 7 d in Proposal sent");
  g_assert_cmpstr (constraint->evidence->pdata[2], ==, "median cycle 2.5 d → 7.5 d vs previous period in Proposal sent");
  g_assert_cmpfloat_with_epsilon (constraint->score, 0.15 / 0.35 * 10 + 4 + 10, 1e-9);
  g_assert_cmpuint (leak->leaks->len, ==, 3);
  g_assert_cmpstr (((StormLeak *) leak->leaks->pdata[1])->stage, ==, "NEW");
  g_assert_cmpstr (((StormLeak *) leak->leaks->pdata[2])->stage, ==, "APPROVED");

  /* benchmarks are data: lowered below the conversion, that leak goes */
  g_assert_true (storm_db_exec (f->db, "UPDATE lead_stages SET benchmark_conversion = 0.1, benchmark_days = NULL "
                                       "WHERE code = 'PROPOSAL_SENT'", NULL));
  g_clear_pointer (&leak, storm_sales_leak_free);
  leak = storm_sales_leak_compute (f->db, f->now - 30 * DAY, f->now, f->now, &error);
  constraint = storm_sales_leak_constraint (leak);
  g_assert_cmpstr (constraint->stage, ==, "PROPOSAL_SENT");
  g_assert_cmpuint (constraint->evidence->len, ==, 1);
  g_assert_cmpint (storm_sales_leak_stage (leak, "PROPOSAL_SENT")->stuck, ==, 0);
}

static void
test_quantile (void)
{
  double v[] = { 10, 2, 7, 4 };
  double one[] = { 3 };

  g_assert_cmpfloat (storm_quantile (v, 4, 0.5), ==, 5.5);
  g_assert_cmpfloat (storm_quantile (v, 4, 0.0), ==, 2);
  g_assert_cmpfloat (storm_quantile (v, 4, 1.0), ==, 10);
  g_assert_cmpfloat_with_epsilon (storm_quantile (v, 4, 0.9), 7 + 0.7 * 3, 1e-12);
  g_assert_cmpfloat (storm_quantile (one, 1, 0.9), ==, 3);
  g_assert_true (isnan (storm_quantile (NULL, 0, 0.5)));
}

/* ---- demo, JSON ----------------------------------------------------------- */

/* Every dashboard table, row by row, in a stable order. */
static char *
dash_digest (StormDb *db)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GString) counts = g_string_new (NULL);
  const char * const *tables = storm_dash_tables ();

  for (guint t = 0; tables[t] != NULL; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY 1, 2", tables[t]);
      g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);
      gint64 n = 0;

      g_assert_nonnull (stmt);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, c);

              /* a run's event stays behind: it belongs to its database */
              if (g_str_equal (sqlite3_column_name (stmt, c), "event_id"))
                continue;
              g_checksum_update (sum, (const guchar *) (text ? text : "\x01"), -1);
              g_checksum_update (sum, (const guchar *) "|", 1);
            }
          n++;
        }
      g_string_append_printf (counts, "%s=%" G_GINT64_FORMAT " ", tables[t], n);
    }
  g_string_append (counts, g_checksum_get_string (sum));
  return g_string_free (g_steal_pointer (&counts), FALSE);
}

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormOpsHealth) health = NULL;
  g_autoptr(StormSalesLeak) leak = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *path = g_build_filename (f->dir, "again.db", NULL);
  g_autoptr(StormDb) other = NULL;

  g_assert_true (storm_demo_dash_generate (f->db, f->now, 24, &error));
  g_assert_no_error (error);
  first = dash_digest (f->db);

  /* made once */
  g_assert_false (storm_demo_dash_generate (f->db, f->now, 24, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_REFUSED);
  g_clear_error (&error);

  /* deterministic: the same seed and time give the same rows */
  other = storm_db_open (path, &error);
  g_assert_true (storm_demo_dash_generate (other, f->now, 24, &error));
  again = dash_digest (other);
  g_assert_cmpstr (first, ==, again);

  /* every row is the demo's */
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM leads WHERE is_demo = 0", 0), ==, 0);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM runs WHERE is_demo = 0", 0), ==, 0);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM agent_jobs WHERE is_demo = 0", 0), ==, 0);

  /* leads in every stage, each with history from its creation */
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (DISTINCT stage) FROM leads", 0), ==, 8);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM leads l WHERE NOT EXISTS "
                                               "(SELECT 1 FROM lead_stage_history h WHERE h.lead_id = l.id AND h.from_stage IS NULL "
                                               " AND h.at = l.created_at)", 0), ==, 0);
  /* agent jobs of every risk level; deployed ones approved before */
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (DISTINCT risk_level) FROM agent_jobs", 0), ==, 3);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM agent_jobs WHERE deployed_at IS NOT NULL", 0), ==, 2);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM agent_jobs WHERE deployed_at < approved_at", 0), ==, 0);

  /* every dashboard has something to say */
  health = storm_ops_health_compute (f->db, f->now, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpint (storm_ops_health_section (health, "pipelines")->count, ==, 1);
  g_assert_cmpint (storm_ops_health_section (health, "stale-leads")->count, ==, 6);
  g_assert_cmpint (storm_ops_health_section (health, "stuck-proposals")->count, ==, 5);
  g_assert_cmpint (storm_ops_health_section (health, "approvals")->count, ==, 4);
  g_assert_cmpint (storm_ops_health_section (health, "integrations")->count, ==, 2);
  g_assert_cmpint (health->failed_24h, ==, 2);
  leak = storm_sales_leak_compute (f->db, f->now - 30 * DAY, f->now + 1, f->now, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (storm_sales_leak_constraint (leak)->stage, ==, "PROPOSAL_SENT");
}

static void
test_json_round_trip (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_build_filename (f->dir, "dash.json", NULL);
  g_autofree char *path = g_build_filename (f->dir, "copy.db", NULL);
  g_autoptr(StormDb) copy = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (storm_demo_dash_generate (f->db, f->now, 24, &error));
  /* stages and rules edited: they travel too */
  g_assert_true (storm_db_exec (f->db, "UPDATE lead_stages SET benchmark_conversion = 0.4 WHERE code = 'QUALIFIED';"
                                       "INSERT INTO risk_rules (position, pattern, category, level) "
                                       "VALUES (50, '*.sql', 'data', 'high')", &error));
  g_assert_true (storm_dash_export_file (f->db, json, &error));
  g_assert_no_error (error);
  before = dash_digest (f->db);

  /* into a fresh database, and back over the same one */
  copy = storm_db_open (path, &error);
  g_assert_true (storm_dash_import_file (copy, json, &error));
  g_assert_no_error (error);
  after = dash_digest (copy);
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&after, g_free);
  g_assert_true (storm_dash_import_file (f->db, json, &error));
  g_assert_no_error (error);
  after = dash_digest (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
assert_import_fails (Fixture    *f,
                     const char *text,
                     int         code,
                     const char *message)
{
  g_autofree char *path = g_build_filename (f->dir, "bad.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = dash_digest (f->db);
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_false (storm_dash_import_file (f->db, path, &error));
  g_assert_error (error, STORM_ERROR, code);
  if (!g_str_has_prefix (error->message, message))
    g_error ("“%s” does not start with “%s”", error->message, message);
  after = dash_digest (f->db);
  g_assert_cmpstr (before, ==, after);
  g_remove (path);
}

#define HEAD "{\"format\": \"stormops-dashboards\", \"version\": 1, \"tables\": "

static void
test_json_errors (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_true (storm_demo_dash_generate (f->db, f->now, 24, NULL));

  assert_import_fails (f, "{\"format\": \"stormops-dashboards\", ", STORM_ERROR_PARSE, "bad.json: ");
  assert_import_fails (f, "{\"format\": \"csv\", \"version\": 1, \"tables\": {}}", STORM_ERROR_PARSE,
                       "bad.json: format: this is not a StormOps dashboards file");
  assert_import_fails (f, HEAD "{\"lead\": []}}", STORM_ERROR_PARSE, "bad.json: tables: unknown table “lead”");
  assert_import_fails (f, HEAD "{\"leads\": [{\"id\": 1, \"title\": \"A\"}, {\"id\": 2, \"titel\": \"B\"}]}}",
                       STORM_ERROR_PARSE, "bad.json: tables.leads[1]: unknown field “titel”");
  assert_import_fails (f, HEAD "{\"leads\": [{\"id\": 1, \"title\": {\"x\": 1}}]}}",
                       STORM_ERROR_PARSE, "bad.json: tables.leads[0]: field “title” must be");
  assert_import_fails (f, HEAD "{\"leads\": [{\"id\": 1, \"title\": \"A\", \"value\": -5}]}}",
                       STORM_ERROR_INVALID, "bad.json: tables.leads[0]: ");
  assert_import_fails (f, HEAD "{\"leads\": [{\"id\": 1, \"title\": \"A\", \"stage\": \"WON\"}]}}",
                       STORM_ERROR_INVALID, "bad.json: tables.leads[0]: ");
  /* the gates hold for JSON too: deployed without an approval */
  assert_import_fails (f, HEAD "{\"agent_jobs\": [{\"id\": 1, \"task\": \"x\", \"deployed_at\": \"2026-06-15T12:00:00Z\"}]}}",
                       STORM_ERROR_REFUSED, "bad.json: tables.agent_jobs[0]: This agent job has no recorded human approval");
  /* … or approved by the app itself */
  assert_import_fails (f, HEAD "{\"approvals\": [{\"id\": 1, \"kind\": \"agent_deploy\", \"subject_id\": 1, "
                          "\"approved_by\": \"system\", \"approved_at\": \"2026-06-15T11:00:00Z\"}], "
                          "\"agent_jobs\": [{\"id\": 1, \"task\": \"x\", \"deployed_at\": \"2026-06-15T12:00:00Z\"}]}}",
                       STORM_ERROR_REFUSED, "bad.json: tables.approvals[0]: An approval must name the person");
  assert_import_fails (f, HEAD "{\"leads\": [{\"id\": 1, \"title\": \"A\"}], \"proposals\": "
                          "[{\"id\": 1, \"lead_id\": 1, \"sent_at\": \"2026-06-15T12:00:00Z\"}]}}",
                       STORM_ERROR_REFUSED, "bad.json: tables.proposals[0]: This proposal has no recorded human approval");
}

/* ---- CSV leads from another CRM ----------------------------------------- */

#define HUBSPOT_STAGES "Appointment scheduled=CONTACTED,Qualified to buy=QUALIFIED,Presentation scheduled=QUALIFIED," \
                       "Decision maker bought-in=QUALIFIED,Contract sent=PROPOSAL_SENT,Closed won=APPROVED,Closed lost=LOST"

static char *
test_data (const char *name)
{
  return g_build_filename (g_getenv ("STORMOPS_TEST_DATA"), name, NULL);
}

static void
test_import_leads (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = test_data ("crm-deals.csv");
  g_autoptr(StormLeadMapping) mapping = storm_lead_mapping_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* the CRM's own stage names are not ours: refused, naming the line */
  g_assert_cmpint (storm_import_leads_csv (f->db, path, NULL, &error), ==, -1);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "crm-deals.csv, line 2, field “Deal Stage”: “Appointment scheduled” is not one "
                                       "of our stages; map it, e.g. --stage-map 'Appointment scheduled=QUALIFIED'");
  g_clear_error (&error);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM leads", 0), ==, 0);

  g_assert_true (storm_lead_mapping_set_stages (mapping, HUBSPOT_STAGES, &error));
  g_assert_cmpint (storm_import_leads_csv (f->db, path, mapping, &error), ==, 8);
  g_assert_no_error (error);

  text = query_text (f->db, "SELECT group_concat (stage || '=' || n, ' ') FROM "
                            "(SELECT stage, count (*) AS n FROM leads GROUP BY stage ORDER BY stage)");
  g_assert_cmpstr (text, ==, "APPROVED=2 CONTACTED=1 LOST=1 PROPOSAL_SENT=1 QUALIFIED=3");
  g_clear_pointer (&text, g_free);
  /* quoted name with a comma, amount with $ and thousands */
  text = query_text (f->db, "SELECT title || '|' || company || '|' || value || '|' || owner || '|' || source "
                            "FROM leads WHERE company LIKE 'Irving%'");
  g_assert_cmpstr (text, ==, "CRM build — Irving, phase 1|Irving Property Partners|32000.0|Dana Whitfield|Referrals");
  g_clear_pointer (&text, g_free);
  /* history: created in NEW, won at the close date */
  text = query_text (f->db, "SELECT group_concat (to_stage || '@' || at, ' ') FROM (SELECT h.* FROM lead_stage_history h "
                            "JOIN leads l ON l.id = h.lead_id WHERE l.company = 'Keller Storm Shield' ORDER BY h.id)");
  g_assert_cmpstr (text, ==, "NEW@2024-01-15T08:30:00Z APPROVED@2024-02-02T12:00:00Z");
  g_clear_pointer (&text, g_free);
  /* US dates; an open lead moves at its creation */
  text = query_text (f->db, "SELECT group_concat (to_stage || '@' || at, ' ') FROM (SELECT h.* FROM lead_stage_history h "
                            "JOIN leads l ON l.id = h.lead_id WHERE l.company = 'Plano Storm Pros' ORDER BY h.id)");
  g_assert_cmpstr (text, ==, "NEW@2024-03-06T13:20:00Z QUALIFIED@2024-03-06T13:20:00Z");
}

static void
assert_leads_refused (Fixture          *f,
                      const char       *csv,
                      StormLeadMapping *mapping,
                      const char       *message)
{
  g_autofree char *path = g_build_filename (f->dir, "crm-bad.csv", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, csv, -1, NULL));
  g_assert_cmpint (storm_import_leads_csv (f->db, path, mapping, &error), ==, -1);
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM leads", 0), ==, 0);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM lead_stage_history", 0), ==, 0);
  g_remove (path);
}

static void
test_import_leads_errors (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(StormLeadMapping) mapping = storm_lead_mapping_new ();
  g_autoptr(GError) error = NULL;

  assert_leads_refused (f, "Name,Stage,Value\nA,NEW,100\nB,NEW,12 apples\n", NULL,
                        "crm-bad.csv, line 3, field “Value”: not an amount");
  assert_leads_refused (f, "Name,Stage,Created\nA,NEW,2024-01-01\nB,NEW,yesterday\n", NULL,
                        "crm-bad.csv, line 3, field “Created”: not a date (use 2024-03-05 or 03/05/2024)");
  assert_leads_refused (f, "Name,Stage,Created,Closed\nA,LOST,2024-02-01,2024-01-01\n", NULL,
                        "crm-bad.csv, line 2, field “Closed”: closed before it was created");
  assert_leads_refused (f, "Stage,Value\nNEW,1\n", NULL,
                        "crm-bad.csv has no name or company column; name one with --map name=COLUMN");

  /* the columns named by a mapping */
  g_assert_true (storm_lead_mapping_set_columns (mapping, "name=Opportunity,stage=Phase", &error));
  g_assert_true (storm_lead_mapping_set_stages (mapping, "Won=SHIPPD", &error));
  assert_leads_refused (f, "Opportunity,Phase\nA,Won\n", mapping,
                        "crm-bad.csv, line 2, field “Phase”: the stage map sends “Won” to “SHIPPD”, which is not one of our stages");
  g_assert_false (storm_lead_mapping_set_columns (mapping, "colour=Paint", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (storm_lead_mapping_set_stages (mapping, "Won", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/dashboards/stage-history", test_stage_history);
  ADD ("/dashboards/risk-rules", test_risk_rules);
  ADD ("/dashboards/deploy-gate", test_deploy_gate);
  ADD ("/dashboards/send-gate", test_send_gate);
  ADD ("/dashboards/events-become-runs", test_events_become_runs);
  g_test_add_func ("/dashboards/integration-health", test_integration_health);
  ADD ("/dashboards/ops-health", test_ops_health);
  ADD ("/dashboards/ops-health-empty", test_ops_health_empty);
  ADD ("/dashboards/sales-leak", test_sales_leak);
  g_test_add_func ("/dashboards/quantile", test_quantile);
  ADD ("/dashboards/demo", test_demo);
  ADD ("/dashboards/json-round-trip", test_json_round_trip);
  ADD ("/dashboards/json-errors", test_json_errors);
  ADD ("/dashboards/import-leads", test_import_leads);
  ADD ("/dashboards/import-leads-errors", test_import_leads_errors);
#undef ADD

  return g_test_run ();
}
