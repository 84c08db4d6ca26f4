#define G_LOG_DOMAIN "storm-demo-dash"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-dash-private.h"
#include "storm-demo-dash.h"
#include "storm-error.h"
#include "storm-store-agent-jobs.h"
#include "storm-store-approvals.h"
#include "storm-store-leads.h"
#include "storm-store-runs.h"

#define DAY 86400
#define HOUR 3600
/* The person who approves in the demo. */
#define DEMO_OWNER "Dana Whitfield"

typedef struct {
  StormDb *db;
  gint64   now;
  GRand   *rand;
  gint64   packages[3];
} Demo;

static char *
at (Demo   *demo,
    gint64  ago)
{
  return _storm_dash_iso (demo->now - ago);
}

static const struct {
  const char *company;
  const char *contact;
  const char *source;
  const char *stage;     /* where the lead is now */
  int         age_days;  /* since it was created */
  int         quiet_days;/* since the last touch */
  double      value;
  int         package;   /* 0–2, -1 none */
} leads[] = {
  { "Lone Star Roofing", "Maria Ortega", "referral", "NEW", 2, 2, 2500, 0 },
  { "Trinity Exteriors", "Jake Moreno", "website", "NEW", 12, 12, 4800, 1 },
  { "Plano Storm Pros", "Alicia Chen", "cold email", "NEW", 4, 1, 1800, 0 },
  { "Arlington Roof & Gutter", "Sam Patel", "Facebook ad", "CONTACTED", 9, 9, 5200, 1 },
  { "Frisco Home Guard", "Lena Brooks", "website", "CONTACTED", 6, 2, 2200, 0 },
  { "Mesquite Restoration", "Carl Dunn", "referral", "CONTACTED", 20, 11, 18000, 2 },
  { "Denton Shingle Co.", "Rosa Vega", "trade show", "QUALIFIED", 15, 3, 6000, 1 },
  { "Irving Property Partners", "Tom Hale", "LinkedIn", "QUALIFIED", 24, 8, 32000, 2 },
  { "Garland Roofworks", "Priya Nair", "referral", "QUALIFIED", 11, 1, 2400, 0 },
  { "McKinney Storm Response", "Ben Foster", "website", "PROPOSAL_SENT", 28, 9, 5400, 1 },
  { "Grand Prairie HOA Services", "Grace Kim", "cold email", "PROPOSAL_SENT", 30, 12, 24000, 2 },
  { "Allen Exterior Group", "Luis Romero", "Facebook ad", "PROPOSAL_SENT", 19, 2, 4500, 1 },
  { "Rowlett Roofing Supply", "Nina Shah", "trade show", "PROPOSAL_SENT", 35, 14, 6200, 1 },
  { "Carrollton Hail Repair", "Omar Haddad", "referral", "PROPOSAL_SENT", 14, 3, 2100, 0 },
  { "Lewisville Restoration", "Kate Miller", "website", "APPROVED", 33, 1, 5600, 1 },
  { "Coppell Roof Masters", "Evan Wright", "referral", "APPROVED", 26, 4, 2300, 0 },
  { "Southlake Estates HOA", "Hannah Lee", "LinkedIn", "BUILDING", 52, 2, 36000, 2 },
  { "Richardson Roof Care", "Diego Alvarez", "referral", "BUILDING", 45, 5, 5800, 1 },
  { "Keller Storm Shield", "Olivia Grant", "website", "SHIPPED", 70, 6, 5200, 1 },
  { "Flower Mound Roofing", "Ryan Cole", "referral", "SHIPPED", 84, 13, 2400, 0 },
  { "Wylie Exteriors", "Sofia Reyes", "cold email", "LOST", 40, 21, 4900, 1 },
  { "Rockwall Roof Pros", "Adam Price", "Facebook ad", "LOST", 38, 25, 19000, 2 },
};

static const char * const path[] = {
  "NEW", "CONTACTED", "QUALIFIED", "PROPOSAL_SENT", "APPROVED", "BUILDING", "SHIPPED", NULL,
};

static int
path_index (const char *stage)
{
  for (int i = 0; path[i] != NULL; i++)
    if (g_str_equal (path[i], stage))
      return i;
  return -1;
}

static gboolean
send_proposal (Demo        *demo,
               gint64       lead,
               const char  *title,
               double       amount,
               gint64       sent_ago,
               const char  *outcome,
               gint64       outcome_ago,
               GError     **error)
{
  g_autofree char *created = at (demo, sent_ago + DAY);
  g_autofree char *approved = at (demo, sent_ago + 2 * HOUR);
  g_autofree char *sent = at (demo, sent_ago);
  g_autofree char *decided = outcome ? at (demo, outcome_ago) : NULL;
  gint64 proposal, approval;

  if ((proposal = storm_db_add_proposal (demo->db, lead, title, amount, created, error)) == 0 ||
      (approval = storm_db_request_approval (demo->db, STORM_APPROVAL_PROPOSAL_SEND, proposal, title, "Jordan (sales)",
                                             created, TRUE, error)) == 0 ||
      !storm_db_approve (demo->db, approval, DEMO_OWNER, approved, error) ||
      !storm_db_mark_proposal_sent (demo->db, proposal, sent, error))
    return FALSE;
  return outcome == NULL || storm_db_set_proposal_outcome (demo->db, proposal, outcome, decided, error);
}

static gboolean
add_leads (Demo     *demo,
           gint64   *ids,
           GError  **error)
{
  static const char * const channels[] = { "call", "email", "meeting", "sms" };
  static const char * const owners[] = { "Jordan", "Dana" };

  for (guint i = 0; i < G_N_ELEMENTS (leads); i++)
    {
      static const char * const programs[] = {
        N_("Storm-response page"), N_("Hail lead program"), N_("CRM and crew routing"),
      };
      const char *title = _(programs[MAX (0, leads[i].package)]);
      g_autofree char *created = at (demo, (gint64) leads[i].age_days * DAY);
      gboolean lost = g_str_equal (leads[i].stage, "LOST");
      /* a lost lead died in CONTACTED or after its proposal */
      int last = lost ? (i % 2 == 0 ? 3 : 1) : path_index (leads[i].stage);
      gint64 span = (gint64) (leads[i].age_days - 1) * DAY;
      StormLeadSpec spec = {
        .title = title,
        .company = leads[i].company,
        .contact = leads[i].contact,
        .source = leads[i].source,
        .stage = "NEW",
        .value = leads[i].value,
        .offer_type = leads[i].package == 0 ? "fast_cash_dfy" : leads[i].package == 1 ? "productized" : "premium_custom",
        .package_id = leads[i].package >= 0 ? demo->packages[leads[i].package] : 0,
        .owner = owners[i % 2],
        .created_at = created,
        .is_demo = TRUE,
      };
      gint64 id = storm_db_add_lead (demo->db, &spec, "demo", error);
      gint64 stage_ago = 0;

      if (id == 0)
        return FALSE;
      ids[i] = id;
      g_assert (last >= 0);

      /* the stage changes spread over the lead's life, proposals slower */
      for (int s = 1; s <= last + (lost ? 1 : 0); s++)
        {
          const char *stage = s <= last ? path[s] : "LOST";
          g_autofree char *when = NULL;
          g_autofree char *touched = NULL;

          stage_ago = (gint64) leads[i].age_days * DAY - span * s / (last + 2) - g_rand_int_range (demo->rand, 0, 6) * HOUR;
          when = at (demo, stage_ago);
          if (!storm_db_set_lead_stage (demo->db, id, stage, when, owners[i % 2], error))
            return FALSE;
          /* no touch after the lead went quiet */
          if (stage_ago + HOUR < (gint64) leads[i].quiet_days * DAY)
            continue;
          touched = at (demo, stage_ago + HOUR);
          if (storm_db_add_lead_touch (demo->db, id, channels[(i + s) % 4], touched, NULL, error) == 0)
            return FALSE;
        }

      /* the last touch sets how stale the lead is */
      {
        g_autofree char *touched = at (demo, (gint64) leads[i].quiet_days * DAY + g_rand_int_range (demo->rand, 1, 5) * HOUR);
        static const char * const notes[] = {
          N_("Left a voicemail about the hail on their street"),
          N_("Sent the before/after case study"),
          N_("Walked through pricing with the owner"),
          N_("Asked for the insurance adjuster's contact"),
        };

        if (leads[i].quiet_days < leads[i].age_days &&
            storm_db_add_lead_touch (demo->db, id, channels[i % 4], touched, _(notes[i % 4]), error) == 0)
          return FALSE;
      }

      if (last >= 3)
        {
          gint64 sent_ago = 0;
          const char *outcome = NULL;
          gint64 outcome_ago = 0;
          g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (demo->db,
                                                           "SELECT CAST ((julianday (?2) - julianday (at)) * 86400 AS INTEGER) "
                                                           "FROM lead_stage_history WHERE lead_id = ?1 AND to_stage = 'PROPOSAL_SENT'",
                                                           error);
          g_autofree char *now = at (demo, 0);

          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, id);
          sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            sent_ago = sqlite3_column_int64 (stmt, 0);
          if (last >= 4)
            {
              outcome = "won";
              outcome_ago = MAX (0, sent_ago - 2 * DAY);
            }
          else if (lost)
            {
              outcome = "lost";
              outcome_ago = MAX (0, sent_ago - 4 * DAY);
            }
          if (!send_proposal (demo, id, title, leads[i].value, MAX (HOUR, sent_ago - HOUR), outcome, outcome_ago, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_packages (Demo     *demo,
              GError  **error)
{
  static const struct {
    const char *name, *promise, *scope, *exclusions, *ideal, *steps, *revisions, *upgrades;
    int turnaround;
    double min, max;
  } packages[] = {
    { N_("Storm-response landing page"),
      N_("A page that books inspections within 48 hours of a hail storm"),
      N_("One page, call tracking number, inspection booking form, hail map embed"),
      N_("Paid ads, copy in more than one language"),
      N_("Roofers with 1–5 crews and no site that converts"),
      N_("Kickoff call; draft in 2 days; review; launch"),
      N_("Two rounds within a week of launch"),
      N_("Spanish version; ad campaign setup"),
      5, 1500, 2500 },
    { N_("Hail lead program"),
      N_("20+ booked inspections a month in storm season"),
      N_("Storm alerts, targeted door lists, SMS follow-up, weekly report"),
      N_("Crew management, insurance paperwork"),
      N_("Roofers with 3+ crews ready to knock within a day of a storm"),
      N_("Setup week; first storm run; weekly review"),
      N_("Monthly adjustments"),
      N_("Crew routing; CRM integration"),
      7, 3000, 6000 },
    { N_("Custom CRM and crew routing"),
      N_("Every door, knock and claim in one place, routes planned overnight"),
      N_("CRM set-up, data migration, routing, training"),
      N_("Hardware, phone plans"),
      N_("Restoration companies with 10+ crews or an HOA portfolio"),
      N_("Discovery; data audit; build in sprints; training; hand-over"),
      N_("Change requests priced per sprint"),
      N_("Claims portal; adjuster scheduling"),
      45, 15000, 40000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (packages); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (demo->db,
                                                       "INSERT INTO service_packages (name, promise, scope, exclusions, ideal_client, "
                                                       "  delivery_steps, turnaround_days, revision_policy, price_min, price_max, "
                                                       "  custom_upgrades, created_at, is_demo) "
                                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1)",
                                                       error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, _(packages[i].name), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, _(packages[i].promise), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, _(packages[i].scope), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, _(packages[i].exclusions), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, _(packages[i].ideal), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, _(packages[i].steps), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 7, packages[i].turnaround);
      sqlite3_bind_text (stmt, 8, _(packages[i].revisions), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double (stmt, 9, packages[i].min);
      sqlite3_bind_double (stmt, 10, packages[i].max);
      sqlite3_bind_text (stmt, 11, _(packages[i].upgrades), -1, SQLITE_TRANSIENT);
      /* on the demo's clock, like every other row, so a demo is the same
       * whenever it is made for the same time */
      {
        g_autofree char *created = at (demo, 0);

        sqlite3_bind_text (stmt, 12, created, -1, SQLITE_TRANSIENT);
      }
      if (!_storm_dash_step (demo->db, stmt, "adding a demo package", error))
        return FALSE;
      demo->packages[i] = sqlite3_last_insert_rowid (storm_db_handle (demo->db));
    }
  return TRUE;
}

/* Two weeks of four external pipelines: the CRM sync hourly and failing
 * since its token expired, the call-tracking import with a partial run,
 * the invoice export silent for three days, the proposal renderer fine. */
static gboolean
add_runs (Demo     *demo,
          GError  **error)
{
  static const struct {
    const char *integration;
    const char *kind;
    gint64      interval;
  } pipelines[] = {
    { N_("CRM sync"), "crm-sync", HOUR },
    { N_("Call tracking"), "call-tracking-import", DAY },
    { N_("Invoice export"), "invoice-export", DAY },
    { N_("Proposal renderer"), "proposal-pdf", DAY },
  };

  for (guint p = 0; p < G_N_ELEMENTS (pipelines); p++)
    {
      gint64 interval = pipelines[p].interval;

      if (storm_db_add_integration (demo->db, _(pipelines[p].integration), pipelines[p].kind, interval, TRUE, error) == 0)
        return FALSE;
      /* on schedule: the last run half an interval ago */
      for (gint64 ago = 14 * DAY - interval / 2; ago > 0; ago -= interval)
        {
          g_autofree char *started = NULL;
          g_autofree char *finished = NULL;
          gint64 duration = g_rand_int_range (demo->rand, 2000, p == 0 ? 40000 : 9000);
          StormRunSpec spec = {
            .kind = pipelines[p].kind,
            .status = "success",
            .steps_total = 4,
            .steps_done = 4,
            .duration_ms = duration,
            .is_demo = TRUE,
          };

          if (p == 2 && ago < 3 * DAY)
            break;
          if (p == 0 && ago <= 2 * HOUR)
            {
              spec.status = "fail";
              spec.steps_done = 1;
              spec.error = _("401 Unauthorized from the CRM API: the access token expired");
            }
          else if (p == 1 && ago > 2 * DAY && ago <= 3 * DAY)
            {
              spec.status = "partial";
              spec.steps_done = 3;
              spec.error = _("12 calls without a caller number were skipped");
            }
          else if (p == 3 && ago > 5 * DAY && ago <= 6 * DAY)
            {
              spec.status = "fail";
              spec.steps_done = 2;
              spec.error = _("Template “hail-program-v3” is missing a price table");
            }
          started = at (demo, ago);
          finished = _storm_dash_iso (demo->now - ago + duration / 1000);
          spec.started_at = started;
          spec.finished_at = finished;
          if (storm_db_add_run (demo->db, &spec, error) == 0)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
exec_bound (Demo        *demo,
            const char  *sql,
            gint64       a,
            const char  *b,
            const char  *c,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (demo->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a);
  _storm_dash_bind_text (stmt, 2, b);
  _storm_dash_bind_text (stmt, 3, c);
  return _storm_dash_step (demo->db, stmt, "adding demo data", error);
}

/* Results for the won leads: booked inspections a week, weekly entries. */
static gboolean
add_results (Demo          *demo,
             const gint64  *ids,
             GError       **error)
{
  static const struct {
    int lead;
    double baseline, goal;
    const char *worked, *failed, *next;
    const char *confidence;
  } results[] = {
    { 14, 4, 12, N_("SMS follow-up within an hour"), N_("Door hangers"), N_("Add a second crew's zip codes"), "medium" },
    { 15, 2, 8, N_("Hail map on the landing page"), NULL, N_("Launch the page"), "low" },
    { 16, 6, 20, N_("Routing by uplift"), N_("Cold calls to the HOA board"), N_("Train the board liaison"), "medium" },
    { 17, 5, 15, N_("Weekly storm report"), N_("Postcards"), N_("Review the second storm run"), "medium" },
    { 18, 3, 12, N_("Booking form with photos"), N_("Generic stock photos"), N_("Ask for a testimonial"), "high" },
    { 19, 2, 6, N_("Call tracking number"), NULL, N_("Offer the hail lead program"), "high" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (demo->db,
                                                       "INSERT INTO client_results (lead_id, target, metric, unit, baseline, goal, "
                                                       "  current, interventions, what_worked, what_failed, proof, confidence, next_action) "
                                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?7, ?8, ?9, ?10, ?11, ?12)",
                                                       error);
      gint64 result;
      int weeks;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ids[results[i].lead]);
      sqlite3_bind_text (stmt, 2, _("Booked inspections per week"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, "booked_inspections", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, _("per week"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double (stmt, 5, results[i].baseline);
      sqlite3_bind_double (stmt, 6, results[i].goal);
      sqlite3_bind_text (stmt, 7, _("Landing page, storm alerts, SMS follow-up"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 8, _(results[i].worked), -1, SQLITE_TRANSIENT);
      if (results[i].failed != NULL)
        sqlite3_bind_text (stmt, 9, _(results[i].failed), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 10, "https://example.com/proof/booking-report.pdf", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 11, results[i].confidence, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 12, _(results[i].next), -1, SQLITE_TRANSIENT);
      if (!_storm_dash_step (demo->db, stmt, "adding a demo result", error))
        return FALSE;
      result = sqlite3_last_insert_rowid (storm_db_handle (demo->db));

      weeks = 2 + (int) (i % 4);
      for (int w = weeks; w >= 1; w--)
        {
          g_autofree char *when = at (demo, (gint64) w * 7 * DAY - DAY);
          g_autofree char *value = g_strdup_printf ("%.0f", results[i].baseline +
                                                    (results[i].goal - results[i].baseline) * (weeks - w + 1) / (weeks + 2) +
                                                    g_rand_int_range (demo->rand, -1, 2));

          if (!exec_bound (demo, "INSERT INTO client_result_entries (result_id, at, value) VALUES (?1, ?2, CAST (?3 AS REAL))",
                           result, when, value, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_assets_and_offers (Demo          *demo,
                       const gint64  *ids,
                       GError       **error)
{
  static const struct {
    int lead;
    const char *name, *kind, *stored, *confidence, *productize;
    int reusability, age_days;
    const char *why_not;
  } assets[] = {
    { 18, N_("Storm landing page template"), "template", "git: templates/storm-page", "high", "yes", 5, 20, NULL },
    { 19, N_("Inspection booking form"), "component", "git: components/booking", "high", "yes", 4, 12, NULL },
    { 16, N_("HOA board pitch deck"), "sales_script", "Drive: Sales/HOA", "medium", "maybe", 3, 9, NULL },
    { 17, N_("Weekly storm report"), "workflow", "n8n: storm-report", "medium", "yes", 4, 4, NULL },
    { 14, N_("Adjuster call checklist"), "checklist", "Notion: Playbooks", "low", "maybe", 2, 2, NULL },
    { 15, N_("Custom hail map overlay"), "component", NULL, NULL, "no", 1, 1, N_("Built for one client's brand; not worth generalising yet") },
  };
  static const struct {
    int lead;
    const char *rung;
    int package, repeatability;
    const char *why, *upgrade;
  } ladder[] = {
    { 0, "fast_cash_dfy", 0, 5, N_("Needs bookings before the next storm"), N_("Hail lead program after the first season") },
    { 6, "productized", 1, 4, N_("Three crews idle between storms"), N_("CRM and routing at 8+ crews") },
    { 7, "premium_custom", 2, 2, N_("Portfolio of 40 HOA properties"), NULL },
    { 9, "productized", 1, 4, N_("Already runs door knocking"), N_("Custom routing") },
    { 16, "premium_custom", 2, 2, N_("Board wants one system of record"), NULL },
  };
  static const struct {
    int lead;
    const char *requested, *range, *flags, *asking, *need, *reset;
  } expectations[] = {
    { 7, N_("100 signed roofs in a month"), N_("25–40 signed roofs in a storm month"), N_("no crew capacity; expects guaranteed claims"),
      "over", N_("A way to see which HOA properties were hit"), N_("Guarantee the process and the reporting, not insurance outcomes") },
    { 10, N_("A new website"), N_("A landing page and follow-up first"), N_("slow decisions by committee"),
      "under", N_("Booked inspections after each storm"), N_("Start with one storm page and measure bookings") },
    { 12, N_("Leads in 24 hours"), N_("First bookings within a week"), NULL,
      "fair", N_("Alerts and a door list the morning after"), NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (assets); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (demo->db,
                                                       "INSERT INTO reusable_assets (lead_id, project, name, extracted, not_extracted_reason, "
                                                       "  kind, stored_at, reuse_confidence, reusability, can_productize, created_at, is_demo) "
                                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1)",
                                                       error);
      g_autofree char *created = at (demo, (gint64) assets[i].age_days * DAY);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ids[assets[i].lead]);
      sqlite3_bind_text (stmt, 2, leads[assets[i].lead].company, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, _(assets[i].name), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 4, assets[i].why_not == NULL);
      if (assets[i].why_not != NULL)
        sqlite3_bind_text (stmt, 5, _(assets[i].why_not), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, assets[i].kind, -1, SQLITE_STATIC);
      _storm_dash_bind_text (stmt, 7, assets[i].stored);
      _storm_dash_bind_text (stmt, 8, assets[i].confidence);
      sqlite3_bind_int (stmt, 9, assets[i].reusability);
      sqlite3_bind_text (stmt, 10, assets[i].productize, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 11, created, -1, SQLITE_TRANSIENT);
      if (!_storm_dash_step (demo->db, stmt, "adding a demo asset", error))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (ladder); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (demo->db,
                                                       "INSERT INTO offer_ladder (lead_id, rung, package_id, why, upgrade_path, repeatability) "
                                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                                       error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ids[ladder[i].lead]);
      sqlite3_bind_text (stmt, 2, ladder[i].rung, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, demo->packages[ladder[i].package]);
      sqlite3_bind_text (stmt, 4, _(ladder[i].why), -1, SQLITE_TRANSIENT);
      if (ladder[i].upgrade != NULL)
        sqlite3_bind_text (stmt, 5, _(ladder[i].upgrade), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 6, ladder[i].repeatability);
      if (!_storm_dash_step (demo->db, stmt, "adding a demo offer", error))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (expectations); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (demo->db,
                                                       "INSERT INTO expectation_snapshots (lead_id, taken_at, requested_outcome, "
                                                       "  realistic_range, risk_flags, asking, actual_need, reset_script) "
                                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                                       error);
      g_autofree char *taken = at (demo, 3 * DAY);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ids[expectations[i].lead]);
      sqlite3_bind_text (stmt, 2, taken, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, _(expectations[i].requested), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, _(expectations[i].range), -1, SQLITE_TRANSIENT);
      if (expectations[i].flags != NULL)
        sqlite3_bind_text (stmt, 5, _(expectations[i].flags), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, expectations[i].asking, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, _(expectations[i].need), -1, SQLITE_TRANSIENT);
      if (expectations[i].reset != NULL)
        sqlite3_bind_text (stmt, 8, _(expectations[i].reset), -1, SQLITE_TRANSIENT);
      if (!_storm_dash_step (demo->db, stmt, "adding a demo expectation", error))
        return FALSE;
    }
  return TRUE;
}

/* Agent jobs of mixed risk: deployed after approval, approved and
 * waiting, and waiting for a person. */
static gboolean
add_agent_jobs (Demo          *demo,
                const gint64  *ids,
                GError       **error)
{
  static const char * const ui_files[] = { "site/templates/storm-page.ui", "site/static/storm.css", NULL };
  static const char * const auth_files[] = { "crm/auth/token_refresh.py", "crm/sync/client.py", NULL };
  static const char * const billing_files[] = { "portal/billing/invoice_export.py", "portal/tests/test_invoice.py", NULL };
  static const char * const build_files[] = { "meson.build", "src/routes/planner.c", NULL };
  static const char * const logic_files[] = { "src/leads/scoring.c", "src/leads/scoring.h", NULL };
  static const char * const docs_files[] = { "docs/playbooks/adjuster-call.md", NULL };
  static const struct {
    const char *task, *build_task, *branch;
    const char * const *files;
    const char *result;
    int passed, failed, age_hours, lead;
    int approved_after_h;  /* -1: not approved */
    int deployed_after_h;  /* -1: not deployed */
  } jobs[] = {
    { N_("Tighten the storm page layout on phones"), "WEB-112", "agent/storm-page-mobile", ui_files, "success", 48, 0, 120, 18, 2, 4 },
    { N_("Refresh the CRM token before it expires"), "CRM-41", "agent/crm-token-refresh", auth_files, "success", 31, 0, 5, -1, -1, -1 },
    { N_("Export invoices with the new tax field"), "BILL-9", "agent/invoice-tax", billing_files, "partial", 22, 2, 30, 16, 6, -1 },
    { N_("Build the route planner with LTO"), "OPS-77", "agent/lto", build_files, "success", 120, 0, 72, -1, 3, 5 },
    { N_("Score leads by roof age"), "LEAD-18", "agent/roof-age-score", logic_files, "failure", 40, 7, 26, 7, -1, -1 },
    { N_("Write the adjuster call playbook"), "DOC-3", "agent/adjuster-playbook", docs_files, "success", 0, 0, 50, 14, 1, -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_autofree char *created = at (demo, (gint64) jobs[i].age_hours * HOUR);
      StormAgentJobSpec spec = {
        .task = _(jobs[i].task),
        .build_task = jobs[i].build_task,
        .lead_id = jobs[i].lead >= 0 ? ids[jobs[i].lead] : 0,
        .branch = jobs[i].branch,
        .files = jobs[i].files,
        .result = jobs[i].result,
        .tests_passed = jobs[i].passed,
        .tests_failed = jobs[i].failed,
        .created_at = created,
        .is_demo = TRUE,
      };
      gint64 job = storm_db_add_agent_job (demo->db, &spec, error);

      if (job == 0)
        return FALSE;
      if (jobs[i].approved_after_h >= 0)
        {
          g_autofree char *approved = at (demo, (gint64) (jobs[i].age_hours - jobs[i].approved_after_h) * HOUR);

          if (!storm_db_approve_agent_job (demo->db, job, DEMO_OWNER, approved, error))
            return FALSE;
        }
      if (jobs[i].deployed_after_h >= 0)
        {
          g_autofree char *deployed = at (demo, (gint64) (jobs[i].age_hours - jobs[i].deployed_after_h) * HOUR);

          if (!storm_db_deploy_agent_job (demo->db, job, deployed, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_starters_and_queue (Demo          *demo,
                        const gint64  *ids,
                        GError       **error)
{
  static const struct {
    const char *name, *niche, *stack, *status, *results, *modules;
    int leads[3];
  } starters[] = {
    { N_("Storm page starter"), N_("Residential roofers"), "Astro + Netlify forms", "proven",
      N_("3 clients, 2–4× booked inspections"), N_("hail map, booking form, call tracking"), { 18, 19, 15 } },
    { N_("HOA portal starter"), N_("HOA managers"), "Django + PostGIS", "tested",
      N_("1 client in build"), N_("property list, claim tracker"), { 16, -1, -1 } },
    { N_("Crew routing starter"), N_("Restoration companies"), "StormOps + n8n", "draft",
      NULL, N_("door lists, route sheets"), { -1, -1, -1 } },
  };
  g_autofree char *requested = at (demo, 20 * HOUR);
  gint64 touch;

  for (guint i = 0; i < G_N_ELEMENTS (starters); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (demo->db,
                                                       "INSERT INTO template_starters (name, niche, stack, status, results, "
                                                       "  reusable_modules, is_demo) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
                                                       error);
      gint64 starter;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, _(starters[i].name), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, _(starters[i].niche), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, starters[i].stack, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, starters[i].status, -1, SQLITE_STATIC);
      if (starters[i].results != NULL)
        sqlite3_bind_text (stmt, 5, _(starters[i].results), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, _(starters[i].modules), -1, SQLITE_TRANSIENT);
      if (!_storm_dash_step (demo->db, stmt, "adding a demo starter", error))
        return FALSE;
      starter = sqlite3_last_insert_rowid (storm_db_handle (demo->db));
      for (guint l = 0; l < 3 && starters[i].leads[l] >= 0; l++)
        {
          g_autoptr(sqlite3_stmt) link = storm_db_prepare (demo->db,
                                                           "INSERT INTO template_starter_leads (starter_id, lead_id) VALUES (?1, ?2)",
                                                           error);
          if (link == NULL)
            return FALSE;
          sqlite3_bind_int64 (link, 1, starter);
          sqlite3_bind_int64 (link, 2, ids[starters[i].leads[l]]);
          if (!_storm_dash_step (demo->db, link, "linking a demo starter", error))
            return FALSE;
        }
    }

  /* a follow-up drafted for a quiet lead and a proposal drafted for a
   * qualified one wait for a person */
  touch = storm_db_add_lead_touch (demo->db, ids[5], "email", requested, _("Draft: checking in after last week's hail"), error);
  if (touch == 0 ||
      storm_db_request_approval (demo->db, STORM_APPROVAL_FOLLOW_UP_SEND, touch,
                                 _("Follow-up email to Mesquite Restoration"), "Jordan (sales)", requested, TRUE, error) == 0)
    return FALSE;
  {
    g_autofree char *drafted = at (demo, 6 * HOUR);
    gint64 proposal = storm_db_add_proposal (demo->db, ids[7], _("HOA portfolio program"), 32000, drafted, error);

    if (proposal == 0 ||
        storm_db_request_approval (demo->db, STORM_APPROVAL_PROPOSAL_SEND, proposal,
                                   _("Send the HOA portfolio proposal to Irving Property Partners"), "Jordan (sales)",
                                   drafted, TRUE, error) == 0)
      return FALSE;
  }
  return TRUE;
}

gboolean
storm_demo_dash_generate (StormDb  *db,
                          gint64    now,
                          guint64   seed,
                          GError  **error)
{
  gint64 ids[G_N_ELEMENTS (leads)];
  Demo demo = { .db = db, .now = now };
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);

  if (storm_db_count_rows (db, "SELECT count (*) FROM leads WHERE is_demo = 1", 0) > 0)
    {
      g_set_error_literal (error, STORM_ERROR, STORM_ERROR_REFUSED,
                           _("The demo leads are already in this database; they are made only once."));
      return FALSE;
    }
  if (!storm_db_begin (db, error))
    return FALSE;
  demo.rand = g_rand_new_with_seed ((guint32) seed);
  ok = add_packages (&demo, error) &&
       add_leads (&demo, ids, error) &&
       add_runs (&demo, error) &&
       add_results (&demo, ids, error) &&
       add_assets_and_offers (&demo, ids, error) &&
       add_agent_jobs (&demo, ids, error) &&
       add_starters_and_queue (&demo, ids, error) &&
       storm_db_commit (db, error);
  g_rand_free (demo.rand);
  if (!ok)
    storm_db_rollback (db);
  return ok;
}
