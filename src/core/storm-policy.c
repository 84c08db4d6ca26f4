#define G_LOG_DOMAIN "storm-policy"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storm-error.h"
#include "storm-policy.h"

/* The arm of a property: the stored assignment when the storm's experiment
 * has one, else what the hashes give (universal first, then RCT). */
#define ARM_EXPR \
  "coalesce (ea.arm, CASE WHEN storm_unit (?2, p.ext_id) < ?3 THEN 'universal_control' " \
  "                       WHEN storm_unit (?4, p.ext_id) < ?5 THEN 'rct_control' " \
  "                       ELSE 'eligible' END)"

#define ARM_FROM \
  "FROM storm_properties sp " \
  "JOIN properties p ON p.id = sp.property_id " \
  "LEFT JOIN experiment_assignments ea ON ea.storm_id = sp.storm_id AND ea.property_id = sp.property_id " \
  "WHERE sp.storm_id = ?1"

static const char * const mode_names[] = { "aggressive", "moderate", "conservative", "custom" };

double
storm_policy_mode_threshold (StormPolicyMode mode)
{
  switch (mode)
    {
    case STORM_POLICY_AGGRESSIVE:
      return 0.10;
    case STORM_POLICY_MODERATE:
      return 0.15;
    case STORM_POLICY_CONSERVATIVE:
      return 0.20;
    case STORM_POLICY_CUSTOM:
    default:
      return NAN;
    }
}

const char *
storm_policy_mode_to_string (StormPolicyMode mode)
{
  g_return_val_if_fail (mode <= STORM_POLICY_CUSTOM, NULL);

  return mode_names[mode];
}

gboolean
storm_policy_mode_from_string (const char      *text,
                               StormPolicyMode *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (text, mode_names[i]) == 0)
      {
        *mode = i;
        return TRUE;
      }
  return FALSE;
}

void
storm_policy_params_init (StormPolicyParams *params)
{
  params->mode = STORM_POLICY_MODERATE;
  params->threshold = storm_policy_mode_threshold (STORM_POLICY_MODERATE);
  params->rct_pct = STORM_POLICY_DEFAULT_RCT_PCT;
  params->actor = "operator";
}

typedef struct
{
  char   *salt;
  char   *rct_key;
  double  universal_pct;
  gint64  seed;
} ArmKeys;

static void
arm_keys_clear (ArmKeys *keys)
{
  g_free (keys->salt);
  g_free (keys->rct_key);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ArmKeys, arm_keys_clear)

static gboolean
load_arm_keys (StormDb  *db,
               gint64    storm_id,
               ArmKeys  *keys,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *pct = NULL;

  keys->salt = storm_db_get_setting (db, "policy_salt");
  pct = storm_db_get_setting (db, "universal_control_pct");
  keys->universal_pct = pct ? g_ascii_strtod (pct, NULL) : STORM_POLICY_DEFAULT_UNIVERSAL_PCT;
  if (keys->salt == NULL)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                   _("The database has no control-group salt; it may have been edited by hand."));
      return FALSE;
    }

  stmt = storm_db_prepare (db, "SELECT code, seed FROM storms WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, storm_id);

      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("Storm %s does not exist."), id_text);
      return FALSE;
    }
  keys->seed = sqlite3_column_int64 (stmt, 1);
  /* The storm's code is part of the key, so two storms with the default
   * seed still draw independent holdouts. */
  keys->rct_key = g_strdup_printf ("rct:%s:%" G_GINT64_FORMAT,
                                   (const char *) sqlite3_column_text (stmt, 0), keys->seed);
  return TRUE;
}

static void
bind_arm_keys (sqlite3_stmt  *stmt,
               gint64         storm_id,
               const ArmKeys *keys,
               double         rct_pct)
{
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_text (stmt, 2, keys->salt, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 3, keys->universal_pct);
  sqlite3_bind_text (stmt, 4, keys->rct_key, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 5, rct_pct);
}

static int
cancel_cb (void *data)
{
  return g_cancellable_is_cancelled (data) ? 1 : 0;
}

typedef struct
{
  gint64 n_properties;
  gint64 n_treat;
  gint64 n_hold;
  gint64 n_universal;
  gint64 n_rct;
  double sum_uplift;
  double expected_conversions;
} Tally;

/* storm_tally(decision, arm, uplift, base_rate) returns @decision and
 * counts it on the way, so the decision log and its summary come from one
 * INSERT … SELECT instead of a second pass over a million rows. */
static void
tally_func (sqlite3_context  *context,
            int               argc,
            sqlite3_value   **argv)
{
  Tally *tally = sqlite3_user_data (context);
  const char *decision = (const char *) sqlite3_value_text (argv[0]);
  const char *arm = (const char *) sqlite3_value_text (argv[1]);

  tally->n_properties++;
  if (decision != NULL && decision[0] == 't')
    {
      double uplift = sqlite3_value_double (argv[2]);

      tally->n_treat++;
      tally->sum_uplift += uplift;
      tally->expected_conversions += uplift + sqlite3_value_double (argv[3]);
    }
  else if (arm != NULL && arm[0] == 'u')
    tally->n_universal++;
  else if (arm != NULL && arm[0] == 'r')
    tally->n_rct++;
  else
    tally->n_hold++;
  sqlite3_result_value (context, argv[0]);
}

static gboolean
apply_in_transaction (StormDb                 *db,
                      gint64                   storm_id,
                      const StormPolicyParams *params,
                      double                   threshold,
                      const ArmKeys           *keys,
                      StormPolicySummary      *summary,
                      StormProgress           *progress,
                      GError                 **error)
{
  g_autoptr(sqlite3_stmt) assign = NULL;
  g_autoptr(sqlite3_stmt) execution = NULL;
  g_autoptr(sqlite3_stmt) retire = NULL;
  g_autoptr(sqlite3_stmt) decide = NULL;
  g_autoptr(sqlite3_stmt) counts = NULL;
  Tally tally = { 0 };
  gint64 execution_id;

  storm_progress_report (progress, 0.05, _("Assigning control groups"));
  /* Arms are drawn once per property and kept; on a re-apply they all
   * exist already and this scan is skipped. */
  if (storm_db_count_rows (db, "SELECT count (*) FROM experiment_assignments WHERE storm_id = ?1", storm_id) !=
      storm_db_count_rows (db, "SELECT count (*) FROM storm_properties WHERE storm_id = ?1", storm_id))
    {
      assign = storm_db_prepare (db,
                                 "INSERT OR IGNORE INTO experiment_assignments (storm_id, property_id, arm) "
                                 "SELECT ?1, sp.property_id, " ARM_EXPR " " ARM_FROM,
                                 error);
      if (assign == NULL)
        return FALSE;
      bind_arm_keys (assign, storm_id, keys, params->rct_pct);
      if (!storm_db_step_done (db, assign, error))
        return FALSE;
    }

  retire = storm_db_prepare (db, "UPDATE policy_executions SET is_current = 0 WHERE storm_id = ?1 AND is_current = 1", error);
  if (retire == NULL)
    return FALSE;
  sqlite3_bind_int64 (retire, 1, storm_id);
  if (!storm_db_step_done (db, retire, error))
    return FALSE;

  execution = storm_db_prepare (db,
                                "INSERT INTO policy_executions (storm_id, mode, threshold, universal_pct, rct_pct, seed, actor) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                error);
  if (execution == NULL)
    return FALSE;
  sqlite3_bind_int64 (execution, 1, storm_id);
  sqlite3_bind_text (execution, 2, storm_policy_mode_to_string (params->mode), -1, SQLITE_STATIC);
  sqlite3_bind_double (execution, 3, threshold);
  sqlite3_bind_double (execution, 4, keys->universal_pct);
  sqlite3_bind_double (execution, 5, params->rct_pct);
  sqlite3_bind_int64 (execution, 6, keys->seed);
  sqlite3_bind_text (execution, 7, params->actor ? params->actor : "operator", -1, SQLITE_STATIC);
  if (!storm_db_step_done (db, execution, error))
    return FALSE;
  execution_id = sqlite3_last_insert_rowid (storm_db_handle (db));

  storm_progress_report (progress, 0.3, _("Recording decisions"));
  if (sqlite3_create_function (storm_db_handle (db), "storm_tally", 4, SQLITE_UTF8, &tally,
                               tally_func, NULL, NULL) != SQLITE_OK)
    return storm_db_fail (db, error, "preparing the decision log");
  decide = storm_db_prepare (db,
                             "INSERT INTO policy_decisions_log (execution_id, property_id, decision, reason, uplift, uplift_band) "
                             "SELECT ?1, ea.property_id, "
                             "  storm_tally (CASE WHEN ea.arm = 'eligible' AND sp.uplift >= ?2 THEN 'treat' ELSE 'hold' END, "
                             "               ea.arm, sp.uplift, sp.base_rate), "
                             "  CASE WHEN ea.arm <> 'eligible' THEN ea.arm "
                             "       WHEN sp.uplift >= ?2 THEN 'above_threshold' ELSE 'below_threshold' END, "
                             "  sp.uplift, CAST (sp.uplift * 20 AS INTEGER) "
                             "FROM experiment_assignments ea "
                             "JOIN storm_properties sp ON sp.storm_id = ea.storm_id AND sp.property_id = ea.property_id "
                             "WHERE ea.storm_id = ?3",
                             error);
  if (decide == NULL)
    return FALSE;
  sqlite3_bind_int64 (decide, 1, execution_id);
  sqlite3_bind_double (decide, 2, threshold);
  sqlite3_bind_int64 (decide, 3, storm_id);
  if (!storm_db_step_done (db, decide, error))
    return FALSE;

  g_clear_pointer (&decide, sqlite3_finalize);
  sqlite3_create_function (storm_db_handle (db), "storm_tally", 4, SQLITE_UTF8, NULL, NULL, NULL, NULL);

  summary->execution_id = execution_id;
  summary->threshold = threshold;
  summary->n_properties = tally.n_properties;
  summary->n_treat = tally.n_treat;
  summary->n_hold = tally.n_hold;
  summary->n_universal = tally.n_universal;
  summary->n_rct = tally.n_rct;
  summary->expected_conversions = tally.expected_conversions;
  summary->predicted_lift = tally.n_treat > 0 ? tally.sum_uplift / tally.n_treat : NAN;
  summary->routes_needed = 0;

  counts = storm_db_prepare (db,
                             "UPDATE policy_executions SET n_properties = ?2, n_treat = ?3, n_hold = ?4, "
                             "  n_universal = ?5, n_rct = ?6, expected_conversions = ?7, predicted_lift = ?8 "
                             "WHERE id = ?1",
                             error);
  if (counts == NULL)
    return FALSE;
  sqlite3_bind_int64 (counts, 1, execution_id);
  sqlite3_bind_int64 (counts, 2, summary->n_properties);
  sqlite3_bind_int64 (counts, 3, summary->n_treat);
  sqlite3_bind_int64 (counts, 4, summary->n_hold);
  sqlite3_bind_int64 (counts, 5, summary->n_universal);
  sqlite3_bind_int64 (counts, 6, summary->n_rct);
  sqlite3_bind_double (counts, 7, summary->expected_conversions);
  if (!isnan (summary->predicted_lift))
    sqlite3_bind_double (counts, 8, summary->predicted_lift);
  return storm_db_step_done (db, counts, error);
}

gboolean
storm_policy_apply (StormDb                 *db,
                    gint64                   storm_id,
                    const StormPolicyParams *params,
                    StormPolicySummary      *summary,
                    GCancellable            *cancellable,
                    StormProgress           *progress,
                    GError                 **error)
{
  g_auto(ArmKeys) keys = { 0 };
  g_autofree char *detail = NULL;
  g_autofree char *subject = NULL;
  gint64 started = g_get_monotonic_time ();
  StormPolicySummary local = { 0 };
  double threshold;
  gboolean ok;

  g_return_val_if_fail (params != NULL, FALSE);

  threshold = params->mode == STORM_POLICY_CUSTOM ? params->threshold
                                                  : storm_policy_mode_threshold (params->mode);
  if (!(threshold >= 0.0 && threshold <= 1.0))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("The uplift threshold must be between 0 and 1."));
      return FALSE;
    }
  if (!(params->rct_pct >= 0.0 && params->rct_pct < 1.0))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("The control share must be at least 0 and below 100 %%."));
      return FALSE;
    }
  if (summary == NULL)
    summary = &local;

  if (!storm_db_begin (db, error))
    return FALSE;
  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 100000, cancel_cb, cancellable);
  ok = load_arm_keys (db, storm_id, &keys, error) &&
       apply_in_transaction (db, storm_id, params, threshold, &keys, summary, progress, error);
  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 0, NULL, NULL);

  subject = g_strdup_printf ("storm:%" G_GINT64_FORMAT, storm_id);
  if (ok && !g_cancellable_is_cancelled (cancellable))
    {
      detail = g_strdup_printf ("execution %" G_GINT64_FORMAT ": %s threshold %.2f; treat %" G_GINT64_FORMAT
                                ", hold %" G_GINT64_FORMAT ", universal control %" G_GINT64_FORMAT
                                ", RCT control %" G_GINT64_FORMAT,
                                summary->execution_id, storm_policy_mode_to_string (params->mode), threshold,
                                summary->n_treat, summary->n_hold, summary->n_universal, summary->n_rct);
      ok = storm_db_log_event (db, params->actor ? params->actor : "operator", "policy-apply", subject, "ok",
                               (g_get_monotonic_time () - started) / 1000, detail, error) &&
           storm_db_commit (db, error);
      if (ok)
        {
          storm_progress_report (progress, 1.0, _("Policy applied"));
          return TRUE;
        }
    }

  storm_db_rollback (db);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (error);
      g_set_error (error, STORM_ERROR, STORM_ERROR_CANCELLED, _("Applying the policy was cancelled; nothing was changed."));
    }
  storm_db_log_event (db, params->actor ? params->actor : "operator", "policy-apply", subject,
                      g_cancellable_is_cancelled (cancellable) ? "cancelled" : "failed",
                      (g_get_monotonic_time () - started) / 1000,
                      error && *error ? (*error)->message : NULL, NULL);
  return FALSE;
}


struct _StormPolicyPreview
{
  gint64  n_universal;
  gint64  n_rct;
  gint64  n_eligible;
  gint64  n_scored;        /* eligible with an uplift score */
  double *uplift;          /* eligible scores, descending */
  double *sum_uplift;      /* prefix sums over the first k */
  double *sum_base;
};

typedef struct
{
  double uplift;
  double base;
} Scored;

static int
scored_desc (const void *a,
             const void *b)
{
  double x = ((const Scored *) a)->uplift;
  double y = ((const Scored *) b)->uplift;

  return (x < y) - (x > y);
}

StormPolicyPreview *
storm_policy_preview_load (StormDb       *db,
                           gint64         storm_id,
                           double         rct_pct,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_auto(ArmKeys) keys = { 0 };
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) scored = g_array_new (FALSE, FALSE, sizeof (Scored));
  StormPolicyPreview *self;
  int rc;

  if (!load_arm_keys (db, storm_id, &keys, error))
    return NULL;
  stmt = storm_db_prepare (db, "SELECT " ARM_EXPR ", sp.uplift, sp.base_rate " ARM_FROM, error);
  if (stmt == NULL)
    return NULL;
  bind_arm_keys (stmt, storm_id, &keys, rct_pct);

  self = g_new0 (StormPolicyPreview, 1);
  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 100000, cancel_cb, cancellable);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *arm = (const char *) sqlite3_column_text (stmt, 0);

      if (arm[0] == 'u')
        self->n_universal++;
      else if (arm[0] == 'r')
        self->n_rct++;
      else
        {
          self->n_eligible++;
          if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
            {
              Scored s = { sqlite3_column_double (stmt, 1), sqlite3_column_double (stmt, 2) };
              g_array_append_val (scored, s);
            }
        }
    }
  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 0, NULL, NULL);
  if (rc != SQLITE_DONE)
    {
      storm_policy_preview_free (self);
      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        storm_db_fail (db, error, "reading the storm");
      return NULL;
    }

  /* an empty array has no data, and qsort () wants a pointer anyway */
  if (scored->len > 0)
    qsort (scored->data, scored->len, sizeof (Scored), scored_desc);
  self->n_scored = scored->len;
  self->uplift = g_new (double, scored->len + 1);
  self->sum_uplift = g_new0 (double, scored->len + 1);
  self->sum_base = g_new0 (double, scored->len + 1);
  for (guint i = 0; i < scored->len; i++)
    {
      const Scored *s = &g_array_index (scored, Scored, i);

      self->uplift[i] = s->uplift;
      self->sum_uplift[i + 1] = self->sum_uplift[i] + s->uplift;
      self->sum_base[i + 1] = self->sum_base[i] + s->base;
    }
  return self;
}

void
storm_policy_preview_evaluate (StormPolicyPreview *self,
                               double              threshold,
                               gint64              doors_per_route,
                               StormPolicySummary *summary)
{
  gint64 lo = 0, hi;

  g_return_if_fail (self != NULL && summary != NULL);

  /* Number of scores >= threshold in a descending array. */
  hi = self->n_scored;
  while (lo < hi)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (self->uplift[mid] >= threshold)
        lo = mid + 1;
      else
        hi = mid;
    }

  memset (summary, 0, sizeof *summary);
  summary->threshold = threshold;
  summary->n_properties = self->n_universal + self->n_rct + self->n_eligible;
  summary->n_universal = self->n_universal;
  summary->n_rct = self->n_rct;
  summary->n_treat = lo;
  summary->n_hold = self->n_eligible - lo;
  summary->expected_conversions = self->sum_uplift[lo] + self->sum_base[lo];
  summary->predicted_lift = lo > 0 ? self->sum_uplift[lo] / lo : NAN;
  summary->routes_needed = doors_per_route > 0 ? (lo + doors_per_route - 1) / doors_per_route : 0;
}

void
storm_policy_preview_free (StormPolicyPreview *self)
{
  if (self == NULL)
    return;
  g_free (self->uplift);
  g_free (self->sum_uplift);
  g_free (self->sum_base);
  g_free (self);
}
