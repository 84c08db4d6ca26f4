#define G_LOG_DOMAIN "storm-ops-health"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "storm-dash-private.h"
#include "storm-ops-health.h"
#include "storm-store-runs.h"

static void
item_free (gpointer data)
{
  StormOpsItem *item = data;

  g_free (item->title);
  g_free (item->detail);
  g_free (item->action);
  g_free (item->target);
  g_free (item);
}

static void
section_free (gpointer data)
{
  StormOpsSection *section = data;

  g_free (section->id);
  g_free (section->title);
  g_free (section->summary);
  g_ptr_array_unref (section->items);
  g_free (section);
}

void
storm_ops_health_free (StormOpsHealth *health)
{
  if (health == NULL)
    return;
  g_free (health->status_line);
  g_ptr_array_unref (health->sections);
  g_free (health);
}

static StormOpsSection *
add_section (StormOpsHealth *health,
             const char     *id,
             const char     *title)
{
  StormOpsSection *section = g_new0 (StormOpsSection, 1);

  section->id = g_strdup (id);
  section->title = g_strdup (title);
  section->items = g_ptr_array_new_with_free_func (item_free);
  g_ptr_array_add (health->sections, section);
  return section;
}

/* Takes @title and @detail. */
static void
add_item (StormOpsSection *section,
          StormOpsLevel    level,
          char            *title,
          char            *detail,
          const char      *action,
          char            *target)
{
  StormOpsItem *item = g_new0 (StormOpsItem, 1);

  item->level = level;
  item->title = title;
  item->detail = detail;
  item->action = g_strdup (action);
  item->target = target;
  g_ptr_array_add (section->items, item);
}

static const char *
col (sqlite3_stmt *stmt,
     int           i)
{
  return (const char *) sqlite3_column_text (stmt, i);
}

/* "3 d ago", "5 h ago", "just now" */
static char *
ago (gint64      now,
     const char *at)
{
  gint64 t = _storm_dash_parse_time (at);
  gint64 s;

  if (t == G_MININT64)
    return g_strdup (_("never"));
  s = now - t;
  if (s < 60)
    return g_strdup (_("just now"));
  if (s < 3600)
    return g_strdup_printf (_("%lld min ago"), (long long) (s / 60));
  if (s < 2 * 86400)
    return g_strdup_printf (_("%lld h ago"), (long long) (s / 3600));
  return g_strdup_printf (_("%lld d ago"), (long long) (s / 86400));
}

static gboolean
finish (StormDb       *db,
        sqlite3_stmt  *stmt,
        int            rc,
        GError       **error)
{
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "computing Ops health");
  return TRUE;
}

/* What the runs of one kind say: the last run, the last success, the
 * last failure. Read per kind through the (kind, status, started_at)
 * index, so the cost follows the number of kinds, not of runs. */
typedef struct {
  char   *kind;
  char   *last_status;
  char   *last_at;
  char   *last_error;
  gint64  last_id;
  gint64  last_ok;
  gint64  last_fail;
  char   *fail_error;
} KindState;

static void
kind_state_free (gpointer data)
{
  KindState *state = data;

  g_free (state->kind);
  g_free (state->last_status);
  g_free (state->last_at);
  g_free (state->last_error);
  g_free (state->fail_error);
  g_free (state);
}

static GPtrArray *
load_kinds (StormDb         *db,
            StormOpsHealth  *health,
            GError         **error)
{
  g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (kind_state_free);
  g_autofree char *now = _storm_dash_iso (health->now + 1);
  sqlite3_stmt *stmt;
  int rc;

  stmt = storm_db_cached (db, "SELECT DISTINCT kind FROM runs ORDER BY kind", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KindState *state = g_new0 (KindState, 1);

      state->kind = g_strdup (col (stmt, 0));
      state->last_ok = state->last_fail = G_MININT64;
      g_ptr_array_add (kinds, state);
    }
  if (!finish (db, stmt, rc, error))
    return NULL;

  for (guint i = 0; i < kinds->len; i++)
    {
      KindState *state = g_ptr_array_index (kinds, i);

      stmt = storm_db_cached (db,
                              "SELECT id, status, started_at, error FROM runs "
                              "WHERE kind = ?1 AND started_at < ?2 ORDER BY started_at DESC, id DESC LIMIT 1",
                              error);
      if (stmt == NULL)
        return NULL;
      _storm_dash_bind_text (stmt, 1, state->kind);
      _storm_dash_bind_text (stmt, 2, now);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          state->last_id = sqlite3_column_int64 (stmt, 0);
          state->last_status = g_strdup (col (stmt, 1));
          state->last_at = g_strdup (col (stmt, 2));
          state->last_error = g_strdup (col (stmt, 3));
          rc = SQLITE_DONE;
        }
      if (!finish (db, stmt, rc, error))
        return NULL;

      for (int fail = 0; fail <= 1; fail++)
        {
          stmt = storm_db_cached (db,
                                  "SELECT coalesce (finished_at, started_at), error FROM runs "
                                  "WHERE kind = ?1 AND status = ?3 AND started_at < ?2 ORDER BY started_at DESC LIMIT 1",
                                  error);
          if (stmt == NULL)
            return NULL;
          _storm_dash_bind_text (stmt, 1, state->kind);
          _storm_dash_bind_text (stmt, 2, now);
          _storm_dash_bind_text (stmt, 3, fail ? "fail" : "success");
          if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              if (fail)
                {
                  state->last_fail = _storm_dash_parse_time (col (stmt, 0));
                  state->fail_error = g_strdup (col (stmt, 1));
                }
              else
                state->last_ok = _storm_dash_parse_time (col (stmt, 0));
              rc = SQLITE_DONE;
            }
          if (!finish (db, stmt, rc, error))
            return NULL;
        }
    }
  return g_steal_pointer (&kinds);
}

static int
kind_attention_first (gconstpointer a,
                      gconstpointer b)
{
  const KindState *x = *(KindState * const *) a;
  const KindState *y = *(KindState * const *) b;
  int ok_x = g_strcmp0 (x->last_status, "success") == 0;
  int ok_y = g_strcmp0 (y->last_status, "success") == 0;

  if (ok_x != ok_y)
    return ok_x - ok_y;
  return g_strcmp0 (x->kind, y->kind);
}

static gboolean
pipelines (StormDb         *db,
           StormOpsHealth  *health,
           GPtrArray       *kinds,
           GError         **error)
{
  StormOpsSection *section = add_section (health, "pipelines", _("Pipelines"));
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  guint n = 0;

  for (guint i = 0; i < kinds->len; i++)
    if (((KindState *) g_ptr_array_index (kinds, i))->last_status != NULL)
      g_ptr_array_add (order, g_ptr_array_index (kinds, i));
  g_ptr_array_sort (order, kind_attention_first);
  for (guint i = 0; i < order->len; i++)
    {
      KindState *k = g_ptr_array_index (order, i);
      const char *status = k->last_status;
      gboolean ok = g_strcmp0 (status, "success") == 0;
      g_autofree char *when = ago (health->now, k->last_at);

      n++;
      if (!ok)
        section->count++;
      add_item (section,
                ok ? STORM_OPS_OK : g_strcmp0 (status, "fail") == 0 ? STORM_OPS_ERROR : STORM_OPS_WARNING,
                g_strdup_printf (ok ? _("%s: last run succeeded")
                                 : g_strcmp0 (status, "fail") == 0 ? _("%s: last run failed")
                                 : g_strcmp0 (status, "partial") == 0 ? _("%s: last run partly failed")
                                 : _("%s: last run was cancelled"),
                                 k->kind),
                k->last_error && !ok ? g_strdup_printf ("%s — %s", when, k->last_error) : g_strdup (when),
                ok ? NULL : _("Open the run and retry it"),
                g_strdup_printf ("ops-health:run:%lld", (long long) k->last_id));
    }
  section->summary = n == 0 ? g_strdup (_("No runs recorded yet"))
                            : g_strdup_printf (ngettext ("%lld of %u pipelines did not succeed last time",
                                                         "%lld of %u pipelines did not succeed last time", n),
                                               (long long) section->count, n);
  return TRUE;
}

static gboolean
failed_runs (StormDb         *db,
             StormOpsHealth  *health,
             GError         **error)
{
  StormOpsSection *section = add_section (health, "failed-runs", _("Failed runs"));
  g_autofree char *day = _storm_dash_iso (health->now - 86400);
  g_autofree char *week = _storm_dash_iso (health->now - 7 * 86400);
  g_autofree char *now = _storm_dash_iso (health->now + 1);
  sqlite3_stmt *stmt;
  guint listed = 0;
  int rc;

  stmt = storm_db_cached (db,
                          "SELECT id, kind, started_at, error, started_at >= ?1 FROM runs "
                          "WHERE status = 'fail' AND started_at >= ?2 AND started_at < ?3 "
                          "ORDER BY started_at DESC",
                          error);
  if (stmt == NULL)
    return FALSE;
  _storm_dash_bind_text (stmt, 1, day);
  _storm_dash_bind_text (stmt, 2, week);
  _storm_dash_bind_text (stmt, 3, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean recent = sqlite3_column_int (stmt, 4);

      health->failed_7d++;
      if (recent)
        health->failed_24h++;
      if (listed++ < STORM_OPS_MAX_ROWS)
        add_item (section, recent ? STORM_OPS_ERROR : STORM_OPS_WARNING,
                  g_strdup_printf (_("%s failed"), col (stmt, 1)),
                  g_strdup_printf ("%s%s%s", col (stmt, 2), col (stmt, 3) ? " — " : "", col (stmt, 3) ? col (stmt, 3) : ""),
                  _("Read the error and run it again"),
                  g_strdup_printf ("ops-health:run:%lld", (long long) sqlite3_column_int64 (stmt, 0)));
    }
  if (!finish (db, stmt, rc, error))
    return FALSE;
  section->count = health->failed_24h;
  section->summary = g_strdup_printf (_("%lld in the last 24 h, %lld in the last 7 days"),
                                      (long long) health->failed_24h, (long long) health->failed_7d);
  return TRUE;
}

static gboolean
stale_leads (StormDb         *db,
             StormOpsHealth  *health,
             GError         **error)
{
  StormOpsSection *section = add_section (health, "stale-leads", _("Stale leads"));
  g_autofree char *cutoff = _storm_dash_iso (health->now - (gint64) health->stale_days * 86400);
  sqlite3_stmt *stmt;
  int rc;

  /* The count is complete, the rows behind it are the oldest few. */
  stmt = storm_db_cached (db,
                          "SELECT count (*) FROM leads l JOIN lead_stages s ON s.code = l.stage "
                          "WHERE s.kind = 'open' AND coalesce (l.last_contact_at, l.created_at) < ?1",
                          error);
  if (stmt == NULL)
    return FALSE;
  _storm_dash_bind_text (stmt, 1, cutoff);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      section->count = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_DONE;
    }
  if (!finish (db, stmt, rc, error))
    return FALSE;

  stmt = storm_db_cached (db,
                          "SELECT l.id, l.title, l.company, l.stage, coalesce (l.last_contact_at, l.created_at), "
                          "       l.last_contact_at IS NULL "
                          "FROM leads l JOIN lead_stages s ON s.code = l.stage "
                          "WHERE s.kind = 'open' AND coalesce (l.last_contact_at, l.created_at) < ?1 "
                          "ORDER BY coalesce (l.last_contact_at, l.created_at), l.id LIMIT ?2",
                          error);
  if (stmt == NULL)
    return FALSE;
  _storm_dash_bind_text (stmt, 1, cutoff);
  sqlite3_bind_int (stmt, 2, STORM_OPS_MAX_ROWS);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *when = ago (health->now, col (stmt, 4));

      add_item (section, STORM_OPS_WARNING,
                col (stmt, 2) ? g_strdup_printf ("%s — %s", col (stmt, 1), col (stmt, 2)) : g_strdup (col (stmt, 1)),
                sqlite3_column_int (stmt, 5)
                  ? g_strdup_printf (_("%s, never touched, created %s"), col (stmt, 3), when)
                  : g_strdup_printf (_("%s, last touch %s"), col (stmt, 3), when),
                _("Contact them and log the touch"),
                g_strdup_printf ("sales-leak:lead:%lld", (long long) sqlite3_column_int64 (stmt, 0)));
    }
  if (!finish (db, stmt, rc, error))
    return FALSE;
  section->summary = g_strdup_printf (ngettext ("%lld open lead without a touch in more than %d days",
                                                "%lld open leads without a touch in more than %d days",
                                                section->count),
                                      (long long) section->count, health->stale_days);
  return TRUE;
}

static gboolean
stuck_proposals (StormDb         *db,
                 StormOpsHealth  *health,
                 GError         **error)
{
  StormOpsSection *section = add_section (health, "stuck-proposals", _("Stuck proposals"));
  g_autofree char *cutoff = _storm_dash_iso (health->now - STORM_OPS_STUCK_PROPOSAL_DAYS * 86400);
  sqlite3_stmt *stmt;
  int rc;

  stmt = storm_db_cached (db,
                          "SELECT count (*) FROM proposals "
                          "WHERE outcome IS NULL AND sent_at IS NOT NULL AND sent_at < ?1",
                          error);
  if (stmt == NULL)
    return FALSE;
  _storm_dash_bind_text (stmt, 1, cutoff);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      section->count = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_DONE;
    }
  if (!finish (db, stmt, rc, error))
    return FALSE;

  stmt = storm_db_cached (db,
                          "SELECT p.id, coalesce (p.title, l.title), l.company, p.sent_at, l.id "
                          "FROM proposals p JOIN leads l ON l.id = p.lead_id "
                          "WHERE p.outcome IS NULL AND p.sent_at IS NOT NULL AND p.sent_at < ?1 "
                          "ORDER BY p.sent_at, p.id LIMIT ?2",
                          error);
  if (stmt == NULL)
    return FALSE;
  _storm_dash_bind_text (stmt, 1, cutoff);
  sqlite3_bind_int (stmt, 2, STORM_OPS_MAX_ROWS);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *when = ago (health->now, col (stmt, 3));

      add_item (section, STORM_OPS_WARNING,
                col (stmt, 2) ? g_strdup_printf ("%s — %s", col (stmt, 1), col (stmt, 2)) : g_strdup (col (stmt, 1)),
                g_strdup_printf (_("sent %s, no answer"), when),
                _("Follow up, or record the outcome"),
                g_strdup_printf ("sales-leak:lead:%lld", (long long) sqlite3_column_int64 (stmt, 4)));
    }
  if (!finish (db, stmt, rc, error))
    return FALSE;
  section->summary = g_strdup_printf (ngettext ("%lld proposal sent more than %d days ago without an outcome",
                                                "%lld proposals sent more than %d days ago without an outcome",
                                                section->count),
                                      (long long) section->count, STORM_OPS_STUCK_PROPOSAL_DAYS);
  return TRUE;
}

static gboolean
approvals (StormDb         *db,
           StormOpsHealth  *health,
           GError         **error)
{
  StormOpsSection *section = add_section (health, "approvals", _("Approval queue"));
  sqlite3_stmt *stmt;
  int rc;

  stmt = storm_db_cached (db,
                          "SELECT id, kind, subject_id, summary, requested_at, requested_by FROM approvals "
                          "WHERE approved_at IS NULL AND rejected = 0 ORDER BY requested_at, id",
                          error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = col (stmt, 1);
      gint64 subject = sqlite3_column_int64 (stmt, 2);
      g_autofree char *when = ago (health->now, col (stmt, 4));
      const char *what;
      char *target;

      if (section->count++ >= STORM_OPS_MAX_ROWS)
        continue;
      if (g_strcmp0 (kind, "agent_deploy") == 0)
        {
          what = _("Agent job waits to be deployed");
          target = g_strdup_printf ("agent-jobs:agent-job:%lld", (long long) subject);
        }
      else if (g_strcmp0 (kind, "proposal_send") == 0)
        {
          what = _("Proposal waits to be sent");
          target = g_strdup_printf ("sales-leak:proposal:%lld", (long long) subject);
        }
      else
        {
          what = _("Follow-up waits to be sent");
          target = g_strdup_printf ("sales-leak:touch:%lld", (long long) subject);
        }
      add_item (section, STORM_OPS_WARNING,
                g_strdup (col (stmt, 3) ? col (stmt, 3) : what),
                g_strdup_printf (_("%s, requested %s"), what, when),
                _("Review and approve or reject"),
                target);
      ((StormOpsItem *) g_ptr_array_index (section->items, section->items->len - 1))->approval_id =
        sqlite3_column_int64 (stmt, 0);
    }
  if (!finish (db, stmt, rc, error))
    return FALSE;
  section->summary = g_strdup_printf (ngettext ("%lld decision waits for you", "%lld decisions wait for you",
                                                section->count),
                                      (long long) section->count);
  return TRUE;
}

static gboolean
integrations (StormDb         *db,
              StormOpsHealth  *health,
              GPtrArray       *kinds,
              GError         **error)
{
  StormOpsSection *section = add_section (health, "integrations", _("Integrations"));
  sqlite3_stmt *stmt;
  guint n = 0;
  int rc;

  stmt = storm_db_cached (db,
                          "SELECT id, name, run_kind, last_ok_at, last_error_at, last_error, expected_interval_s "
                          "FROM integrations ORDER BY name",
                          error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *pattern = col (stmt, 2);
      gint64 last_ok = _storm_dash_parse_time (col (stmt, 3));
      gint64 last_error = _storm_dash_parse_time (col (stmt, 4));
      g_autofree char *error_text = g_strdup (col (stmt, 5));
      gint64 interval = sqlite3_column_int64 (stmt, 6);
      g_autofree char *ok_text = NULL;
      g_autofree char *ok_iso = NULL;
      StormIntegrationHealth state;

      for (guint i = 0; pattern != NULL && i < kinds->len; i++)
        {
          KindState *k = g_ptr_array_index (kinds, i);

          if (!g_pattern_match_simple (pattern, k->kind))
            continue;
          last_ok = MAX (last_ok, k->last_ok);
          if (k->last_fail > last_error)
            {
              last_error = k->last_fail;
              g_free (error_text);
              error_text = g_strdup (k->fail_error);
            }
        }
      n++;
      state = storm_integration_health (last_ok, last_error, interval, health->now);
      ok_iso = last_ok != G_MININT64 ? _storm_dash_iso (last_ok) : NULL;
      ok_text = ago (health->now, ok_iso);
      switch (state)
        {
        case STORM_INTEGRATION_UNKNOWN:
          add_item (section, STORM_OPS_INFO, g_strdup (col (stmt, 1)), g_strdup (_("No report yet")), NULL,
                    g_strdup_printf ("ops-health:integration:%lld", (long long) sqlite3_column_int64 (stmt, 0)));
          break;
        case STORM_INTEGRATION_OK:
          add_item (section, STORM_OPS_OK, g_strdup (col (stmt, 1)),
                    g_strdup_printf (_("Working, last success %s"), ok_text), NULL,
                    g_strdup_printf ("ops-health:integration:%lld", (long long) sqlite3_column_int64 (stmt, 0)));
          break;
        case STORM_INTEGRATION_STALE:
          section->count++;
          add_item (section, STORM_OPS_WARNING, g_strdup (col (stmt, 1)),
                    g_strdup_printf (_("Silent: last success %s, expected every %lld h"), ok_text,
                                     (long long) MAX (1, interval / 3600)),
                    _("Check that it still runs"),
                    g_strdup_printf ("ops-health:integration:%lld", (long long) sqlite3_column_int64 (stmt, 0)));
          break;
        case STORM_INTEGRATION_FAILING:
          section->count++;
          add_item (section, STORM_OPS_ERROR, g_strdup (col (stmt, 1)),
                    g_strdup_printf (_("Failing: %s"), error_text ? error_text : _("last report is an error")),
                    _("Fix the error and run it again"),
                    g_strdup_printf ("ops-health:integration:%lld", (long long) sqlite3_column_int64 (stmt, 0)));
          break;
        default:
          g_assert_not_reached ();
        }
    }
  if (!finish (db, stmt, rc, error))
    return FALSE;
  section->summary = g_strdup_printf (_("%lld of %u need attention"), (long long) section->count, n);
  return TRUE;
}

static gboolean
app_health (StormDb         *db,
            StormOpsHealth  *health,
            GError         **error)
{
  StormOpsSection *section = add_section (health, "app", _("StormOps itself"));
  g_autofree char *week = _storm_dash_iso (health->now - 7 * 86400);
  g_autofree char *now = _storm_dash_iso (health->now + 1);
  gint64 n_imports = 0, n_api = 0, n_db = 0, n_slow = 0;
  sqlite3_stmt *stmt;
  int rc;

  stmt = storm_db_cached (db,
                          "SELECT id, kind, started_at, status, duration_ms, error, "
                          "       kind GLOB 'import-*' AND status = 'fail', "
                          "       kind GLOB 'api-*' AND status = 'fail', "
                          "       status = 'fail' AND error LIKE '%database%', "
                          "       coalesce (duration_ms, 0) >= ?3 "
                          "FROM runs WHERE source = 'app' AND started_at >= ?1 AND started_at < ?2 "
                          "AND (status = 'fail' OR coalesce (duration_ms, 0) >= ?3) "
                          "ORDER BY started_at DESC",
                          error);
  if (stmt == NULL)
    return FALSE;
  _storm_dash_bind_text (stmt, 1, week);
  _storm_dash_bind_text (stmt, 2, now);
  sqlite3_bind_int (stmt, 3, STORM_OPS_SLOW_MS);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean is_import = sqlite3_column_int (stmt, 6);
      gboolean is_api = sqlite3_column_int (stmt, 7);
      gboolean is_db = sqlite3_column_int (stmt, 8);
      gboolean is_slow = sqlite3_column_int (stmt, 9);
      g_autofree char *when = ago (health->now, col (stmt, 2));
      char *target = g_strdup_printf ("ops-health:run:%lld", (long long) sqlite3_column_int64 (stmt, 0));

      n_imports += is_import;
      n_api += is_api;
      n_db += is_db;
      n_slow += is_slow && !(is_import || is_api || is_db);
      if (section->items->len >= STORM_OPS_MAX_ROWS)
        {
          g_free (target);
          continue;
        }
      if (is_import || is_api || is_db)
        add_item (section, STORM_OPS_ERROR,
                  g_strdup_printf (is_db ? _("Database error in %s") : is_api ? _("API error in %s") : _("Import failed: %s"),
                                   col (stmt, 1)),
                  g_strdup_printf ("%s — %s", when, col (stmt, 5) ? col (stmt, 5) : _("no detail")),
                  is_import ? _("Fix the file and import it again") : _("Read the error"),
                  target);
      else if (is_slow)
        add_item (section, STORM_OPS_INFO,
                  g_strdup_printf (_("Slow: %s took %.1f s"), col (stmt, 1), sqlite3_column_int64 (stmt, 4) / 1000.0),
                  g_strdup (when), NULL, target);
      else
        g_free (target);
    }
  if (!finish (db, stmt, rc, error))
    return FALSE;
  section->count = n_imports + n_api + n_db;
  section->summary = g_strdup_printf (_("Last 7 days: %lld failed imports, %lld API errors, %lld database errors, %lld slow operations"),
                                      (long long) n_imports, (long long) n_api, (long long) n_db, (long long) n_slow);
  return TRUE;
}

StormOpsHealth *
storm_ops_health_compute (StormDb  *db,
                          gint64    now,
                          int       stale_days,
                          GError  **error)
{
  g_autoptr(StormOpsHealth) health = g_new0 (StormOpsHealth, 1);
  g_autoptr(GPtrArray) kinds = NULL;
  static const char * const attention[] = {
    "pipelines", "stale-leads", "stuck-proposals", "approvals", "integrations", "app",
  };

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (stale_days > 0, NULL);

  health->now = now;
  health->stale_days = stale_days;
  health->sections = g_ptr_array_new_with_free_func (section_free);
  if ((kinds = load_kinds (db, health, error)) == NULL ||
      !pipelines (db, health, kinds, error) ||
      !failed_runs (db, health, error) ||
      !stale_leads (db, health, error) ||
      !stuck_proposals (db, health, error) ||
      !approvals (db, health, error) ||
      !integrations (db, health, kinds, error) ||
      !app_health (db, health, error))
    return NULL;

  /* Failed runs are the evidence behind pipelines and app health; they
   * are not counted twice. */
  for (guint i = 0; i < G_N_ELEMENTS (attention); i++)
    health->n_attention += storm_ops_health_section (health, attention[i])->count;
  if (health->n_attention == 0)
    health->status_line = g_strdup (_("Nothing needs you today"));
  else
    health->status_line = g_strdup_printf (ngettext ("%lld thing needs you today", "%lld things need you today",
                                                     health->n_attention),
                                           (long long) health->n_attention);
  return g_steal_pointer (&health);
}

const StormOpsSection *
storm_ops_health_section (StormOpsHealth *health,
                          const char     *id)
{
  for (guint i = 0; i < health->sections->len; i++)
    {
      StormOpsSection *section = g_ptr_array_index (health->sections, i);

      if (g_strcmp0 (section->id, id) == 0)
        return section;
    }
  return NULL;
}

char *
storm_ops_health_to_text (StormOpsHealth *health)
{
  GString *out = g_string_new (health->status_line);
  static const char * const marks[] = { "ok", "info", "warn", "FAIL" };

  g_string_append_c (out, '\n');
  for (guint i = 0; i < health->sections->len; i++)
    {
      StormOpsSection *section = g_ptr_array_index (health->sections, i);

      g_string_append_printf (out, "\n%s (%lld) — %s\n", section->title, (long long) section->count, section->summary);
      for (guint j = 0; j < section->items->len; j++)
        {
          StormOpsItem *item = g_ptr_array_index (section->items, j);

          g_string_append_printf (out, "  [%s] %s: %s", marks[item->level], item->title, item->detail);
          if (item->action != NULL)
            g_string_append_printf (out, " → %s", item->action);
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (out, FALSE);
}

char *
storm_ops_health_to_json (StormOpsHealth *health)
{
  static const char * const levels[] = { "ok", "info", "warning", "error" };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *now = _storm_dash_iso (health->now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "computed_at");
  json_builder_add_string_value (builder, now);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, health->status_line);
  json_builder_set_member_name (builder, "need_attention");
  json_builder_add_int_value (builder, health->n_attention);
  json_builder_set_member_name (builder, "stale_days");
  json_builder_add_int_value (builder, health->stale_days);
  json_builder_set_member_name (builder, "failed_runs_24h");
  json_builder_add_int_value (builder, health->failed_24h);
  json_builder_set_member_name (builder, "failed_runs_7d");
  json_builder_add_int_value (builder, health->failed_7d);
  json_builder_set_member_name (builder, "sections");
  json_builder_begin_array (builder);
  for (guint i = 0; i < health->sections->len; i++)
    {
      StormOpsSection *section = g_ptr_array_index (health->sections, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, section->id);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, section->title);
      json_builder_set_member_name (builder, "summary");
      json_builder_add_string_value (builder, section->summary);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, section->count);
      json_builder_set_member_name (builder, "items");
      json_builder_begin_array (builder);
      for (guint j = 0; j < section->items->len; j++)
        {
          StormOpsItem *item = g_ptr_array_index (section->items, j);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "level");
          json_builder_add_string_value (builder, levels[item->level]);
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, item->title);
          json_builder_set_member_name (builder, "detail");
          json_builder_add_string_value (builder, item->detail);
          json_builder_set_member_name (builder, "action");
          if (item->action != NULL)
            json_builder_add_string_value (builder, item->action);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "target");
          json_builder_add_string_value (builder, item->target);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
