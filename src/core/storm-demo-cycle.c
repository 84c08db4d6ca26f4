#define G_LOG_DOMAIN "storm-demo-cycle"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-demo-cycle.h"
#include "storm-error.h"
#include "storm-outcomes.h"
#include "storm-policy.h"
#include "storm-store-jobs.h"

/* splitmix64: small, fast, and ours, so the demo never changes under a
 * GLib update. */
static guint64
next_u64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static double
next_unit (guint64 *state)
{
  return (next_u64 (state) >> 11) * (1.0 / 9007199254740992.0);
}

static char *
day_time (GDateTime *start,
          int        day,
          int        minute_of_day)
{
  g_autoptr(GDateTime) t = g_date_time_add_full (start, 0, 0, day, 0, minute_of_day, 0);

  return g_date_time_format (t, "%Y-%m-%dT%H:%M:00Z");
}

static char *
day_date (GDateTime *start,
          int        day)
{
  g_autoptr(GDateTime) t = g_date_time_add_days (start, day);

  return g_date_time_format (t, "%Y-%m-%d");
}

typedef struct
{
  gint64  property_id;
  char    reason;    /* 'u', 'r', 'a' (above), 'b' (below) */
  double  uplift;
  double  base;
} Row;

static gboolean
simulate (StormDb       *db,
          gint64         storm_id,
          GDateTime     *start,
          GArray        *rows,
          guint64       *rng,
          GCancellable  *cancellable,
          StormProgress *progress,
          GError       **error)
{
  static const char * const knock_results[] = { "no_answer", "not_interested", "callback", "inspection_booked" };
  static const double knock_weights[] = { 0.38, 0.27, 0.12, 0.23 };

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);
      gboolean treated = row->reason == 'a';
      double p = CLAMP ((isnan (row->base) ? 0.03 : row->base) + (treated && !isnan (row->uplift) ? row->uplift : 0), 0, 0.95);
      gboolean converted = next_unit (rng) < p;
      int day = 1 + (int) (next_unit (rng) * 6);

      if (treated && next_unit (rng) < 0.88)
        {
          double r = next_unit (rng), acc = 0;
          const char *result = knock_results[0];
          g_autofree char *at = day_time (start, day, 15 * 60 + (int) (next_unit (rng) * 300));

          for (guint k = 0; k < G_N_ELEMENTS (knock_results); k++)
            if (r < (acc += knock_weights[k]))
              {
                result = knock_results[k];
                break;
              }
          if (converted)
            result = "inspection_booked";
          if (!storm_db_add_touch (db, storm_id, row->property_id, "door_knock", at, result, "demo", "demo", NULL, error))
            return FALSE;
          if (g_str_equal (result, "callback"))
            {
              g_autofree char *due = day_date (start, day + 3);

              if (!storm_db_schedule_follow_up (db, storm_id, row->property_id, due, "call",
                                                _("Owner asked for a call back"), error))
                return FALSE;
            }
          if (converted && next_unit (rng) < 0.5)
            {
              g_autofree char *call = day_time (start, day + 1, 10 * 60 + (int) (next_unit (rng) * 240));

              if (!storm_db_add_touch (db, storm_id, row->property_id, "call", call, "callback", "demo", "demo", NULL, error))
                return FALSE;
            }
        }
      else if (row->reason == 'b' && next_unit (rng) < 0.3)
        {
          g_autofree char *at = day_time (start, 2, 9 * 60);

          if (!storm_db_add_touch (db, storm_id, row->property_id, "mailer", at, NULL, "demo", "demo", NULL, error))
            return FALSE;
        }
      if (converted && !treated)
        {
          /* Controls and held properties still convert now and then, by
           * their own means: a neighbour's referral or an ad. */
          g_autofree char *at = day_time (start, day, 12 * 60);

          if (!storm_db_add_touch (db, storm_id, row->property_id, next_unit (rng) < 0.6 ? "referral" : "ads",
                                   at, NULL, "demo", "demo", NULL, error))
            return FALSE;
        }

      if (converted || next_unit (rng) < 0.55)
        {
          g_autofree char *when = day_date (start, day + 2);
          StormOutcome outcome = {
            .property_id = row->property_id,
            .converted = converted,
            .value = converted ? 6000 + floor (next_unit (rng) * 120) * 100 : NAN,
            .occurred_at = when,
            .source = "demo",
            .actor = "demo",
          };

          if (!storm_outcome_record (db, storm_id, &outcome, NULL, error))
            return FALSE;
        }

      if (i % 2048 == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          storm_progress_report (progress, 0.5 + 0.5 * i / rows->len, _("Playing a week of field work"));
        }
    }
  return TRUE;
}

gboolean
storm_demo_simulate_cycle (StormDb        *db,
                           gint64          storm_id,
                           guint64         seed,
                           GCancellable   *cancellable,
                           StormProgress  *progress,
                           GError        **error)
{
  g_autoptr(sqlite3_stmt) storm = NULL;
  g_autoptr(sqlite3_stmt) decisions = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  g_autoptr(GDateTime) start = NULL;
  StormPolicyParams params;
  StormPolicySummary summary;
  guint64 rng = seed ^ G_GUINT64_CONSTANT (0x5354524d4359434c);
  const char *start_at;

  storm = storm_db_prepare (db, "SELECT is_demo, coalesce (start_at, '2024-04-28T20:00:00Z') FROM storms WHERE id = ?1", error);
  if (storm == NULL)
    return FALSE;
  sqlite3_bind_int64 (storm, 1, storm_id);
  if (sqlite3_step (storm) != SQLITE_ROW || sqlite3_column_int (storm, 0) == 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED,
                   _("Only demo storms get simulated field work; real storms get real outcomes."));
      return FALSE;
    }
  start_at = (const char *) sqlite3_column_text (storm, 1);
  start = g_date_time_new_from_iso8601 (start_at, NULL);
  if (start == NULL)
    start = g_date_time_new_utc (2024, 4, 28, 20, 0, 0);
  {
    /* field work starts the morning after the storm */
    g_autoptr(GDateTime) midnight = g_date_time_new_utc (g_date_time_get_year (start), g_date_time_get_month (start),
                                                         g_date_time_get_day_of_month (start), 0, 0, 0);
    g_date_time_unref (start);
    start = g_steal_pointer (&midnight);
  }

  storm_policy_params_init (&params);
  params.actor = "demo";
  if (!storm_policy_apply (db, storm_id, &params, &summary, cancellable, NULL, error))
    return FALSE;
  storm_progress_report (progress, 0.5, _("Policy applied"));

  decisions = storm_db_prepare (db,
                                "SELECT d.property_id, d.reason, d.uplift, sp.base_rate "
                                "FROM policy_decisions_log d "
                                "JOIN storm_properties sp ON sp.storm_id = ?2 AND sp.property_id = d.property_id "
                                "WHERE d.execution_id = ?1 ORDER BY d.property_id",
                                error);
  if (decisions == NULL)
    return FALSE;
  sqlite3_bind_int64 (decisions, 1, summary.execution_id);
  sqlite3_bind_int64 (decisions, 2, storm_id);
  while (sqlite3_step (decisions) == SQLITE_ROW)
    {
      const char *reason = (const char *) sqlite3_column_text (decisions, 1);
      Row row = {
        .property_id = sqlite3_column_int64 (decisions, 0),
        .reason = reason[0] == 'a' ? 'a' : reason[0] == 'b' ? 'b' : reason[0],
        .uplift = sqlite3_column_type (decisions, 2) == SQLITE_NULL ? NAN : sqlite3_column_double (decisions, 2),
        .base = sqlite3_column_type (decisions, 3) == SQLITE_NULL ? NAN : sqlite3_column_double (decisions, 3),
      };
      g_array_append_val (rows, row);
    }

  if (!storm_db_begin (db, error))
    return FALSE;
  if (!simulate (db, storm_id, start, rows, &rng, cancellable, progress, error))
    {
      storm_db_rollback (db);
      return FALSE;
    }
  if (!storm_db_log_event (db, "demo", "demo-field-work", NULL, "ok", -1, NULL, error) ||
      !storm_db_commit (db, error))
    {
      storm_db_rollback (db);
      return FALSE;
    }
  storm_progress_report (progress, 1.0, NULL);
  return TRUE;
}
