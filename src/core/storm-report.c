#define G_LOG_DOMAIN "storm-report"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storm-error.h"
#include "storm-report.h"

#define BAND_WIDTH 0.05
#define N_BANDS 21

void
storm_report_options_init (StormReportOptions *options)
{
  options->cost_per_door = 12.0;
  options->value_per_conversion = 9500.0;
}

void
storm_report_clear (StormReport *report)
{
  g_clear_pointer (&report->mode, g_free);
  g_clear_pointer (&report->bands, g_array_unref);
  g_clear_pointer (&report->qini, g_array_unref);
}

typedef struct
{
  double   uplift;
  gboolean treated;
  gboolean converted;
} Sample;

static int
sample_desc (const void *a,
             const void *b)
{
  double x = ((const Sample *) a)->uplift;
  double y = ((const Sample *) b)->uplift;

  return (x < y) - (x > y);
}

static GArray *
qini_from_sorted (const Sample *samples,
                  gsize         n,
                  guint         n_points,
                  double       *coefficient)
{
  GArray *points = g_array_sized_new (FALSE, TRUE, sizeof (StormQiniPoint), n_points + 1);
  gint64 nt = 0, nc = 0, yt = 0, yc = 0;
  gint64 total_nt = 0, total_nc = 0, total_yt = 0, total_yc = 0;
  double area = 0, previous_q = 0, previous_f = 0, final_q;
  gsize i = 0;

  for (gsize j = 0; j < n; j++)
    {
      if (samples[j].treated)
        total_nt++, total_yt += samples[j].converted;
      else
        total_nc++, total_yc += samples[j].converted;
    }
  final_q = total_nc > 0 ? total_yt - (double) total_yc * total_nt / total_nc : 0;

  for (guint p = 0; p <= n_points; p++)
    {
      gsize k = (gsize) llround ((double) n * p / n_points);
      StormQiniPoint point = { 0 };

      for (; i < k; i++)
        {
          if (samples[i].treated)
            nt++, yt += samples[i].converted;
          else
            nc++, yc += samples[i].converted;
        }
      point.fraction = (double) p / n_points;
      point.k = k;
      point.qini = nc > 0 ? yt - (double) yc * nt / nc : (double) yt;
      point.uplift_at_k = (nt > 0 && nc > 0) ? (double) yt / nt - (double) yc / nc : NAN;
      /* trapezoid area of the curve above the straight line to Q(n) */
      area += (point.fraction - previous_f) *
              ((point.qini - final_q * point.fraction) + (previous_q - final_q * previous_f)) / 2;
      previous_q = point.qini;
      previous_f = point.fraction;
      g_array_append_val (points, point);
    }
  if (coefficient != NULL)
    *coefficient = area;
  return points;
}

GArray *
storm_qini_curve (const double   *uplift,
                  const gboolean *treated,
                  const gboolean *converted,
                  gsize           n,
                  guint           n_points,
                  double         *coefficient)
{
  g_autofree Sample *samples = g_new (Sample, MAX (n, 1));

  g_return_val_if_fail (n_points > 0, NULL);

  for (gsize i = 0; i < n; i++)
    samples[i] = (Sample) { uplift[i], treated[i] != FALSE, converted[i] != FALSE };
  /* Stable order among equal scores: qsort is not stable, so ties keep
   * whatever order; Q(k) at the listed points depends only on counts. */
  qsort (samples, n, sizeof (Sample), sample_desc);
  return qini_from_sorted (samples, n, n_points, coefficient);
}

static gboolean
load_execution (StormDb      *db,
                gint64        storm_id,
                StormReport  *report,
                GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = storm_db_prepare (db,
                           "SELECT id, mode, threshold, predicted_lift FROM policy_executions "
                           "WHERE storm_id = ?1 AND is_current = 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      report->execution_id = sqlite3_column_int64 (stmt, 0);
      report->mode = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      report->threshold = sqlite3_column_double (stmt, 2);
      report->predicted_lift = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 3);
    }
  return TRUE;
}

/* Converted property ids of the storm, as a set. */
static GHashTable *
load_conversions (StormDb      *db,
                  gint64        storm_id,
                  gint64       *n_outcomes,
                  GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  int rc;

  stmt = storm_db_prepare (db,
                           "SELECT property_id, converted FROM policy_outcomes WHERE storm_id = ?1 AND is_current = 1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  *n_outcomes = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      (*n_outcomes)++;
      if (sqlite3_column_int (stmt, 1))
        {
          gint64 *key = g_new (gint64, 1);
          *key = sqlite3_column_int64 (stmt, 0);
          g_hash_table_add (set, key);
        }
    }
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "reading outcomes");
      return NULL;
    }
  return g_steal_pointer (&set);
}

gboolean
storm_report_compute (StormDb                  *db,
                      gint64                    storm_id,
                      const StormReportOptions *options,
                      StormReport              *report,
                      GError                  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) conversions = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  StormBandRow bands[N_BANDS] = { 0 };
  double band_uplift_sum[N_BANDS] = { 0 };
  StormReportOptions defaults;
  int rc;

  g_return_val_if_fail (report != NULL, FALSE);

  memset (report, 0, sizeof *report);
  report->storm_id = storm_id;
  report->predicted_lift = NAN;
  report->prediction_error = NAN;
  report->roi = NAN;
  report->detectable_difference = NAN;
  report->bands = g_array_new (FALSE, TRUE, sizeof (StormBandRow));
  if (options == NULL)
    {
      storm_report_options_init (&defaults);
      options = &defaults;
    }

  if (!load_execution (db, storm_id, report, error))
    return FALSE;
  if (report->execution_id == 0)
    {
      report->qini = g_array_new (FALSE, TRUE, sizeof (StormQiniPoint));
      return TRUE;
    }

  conversions = load_conversions (db, storm_id, &report->n_outcomes, error);
  if (conversions == NULL)
    return FALSE;

  stmt = storm_db_prepare (db,
                           "SELECT property_id, decision, reason, uplift, uplift_band FROM policy_decisions_log "
                           "WHERE execution_id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, report->execution_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 property_id = sqlite3_column_int64 (stmt, 0);
      const char *decision = (const char *) sqlite3_column_text (stmt, 1);
      const char *reason = (const char *) sqlite3_column_text (stmt, 2);
      gboolean has_uplift = sqlite3_column_type (stmt, 3) != SQLITE_NULL;
      double uplift = sqlite3_column_double (stmt, 3);
      gboolean converted = g_hash_table_contains (conversions, &property_id);
      gboolean treated = decision[0] == 't';
      gboolean control = reason[0] == 'u' || reason[0] == 'r';
      /* The band the decision log recorded, so the calibration table and
       * the evidence rows behind it always agree. */
      int band = has_uplift ? CLAMP (sqlite3_column_int (stmt, 4), 0, N_BANDS - 1) : -1;

      if (treated)
        {
          report->n_treat++;
          report->x_treat += converted;
        }
      else if (reason[0] == 'u')
        {
          report->n_universal++;
          report->x_universal += converted;
        }
      else if (reason[0] == 'r')
        {
          report->n_rct++;
          report->x_rct += converted;
        }
      if (!treated && !control)
        continue;
      if (band >= 0)
        {
          if (treated)
            {
              bands[band].n_treat++;
              bands[band].x_treat += converted;
              band_uplift_sum[band] += uplift;
            }
          else
            {
              bands[band].n_control++;
              bands[band].x_control += converted;
            }
          g_array_append_val (samples, ((Sample) { uplift, treated, converted }));
        }
    }
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "reading decisions");

  report->n_control = report->n_rct + report->n_universal;
  report->x_control = report->x_rct + report->x_universal;
  report->has_lift = storm_stats_lift (report->x_treat, report->n_treat,
                                       report->x_control, report->n_control, &report->lift);
  report->has_lift_rct = storm_stats_lift (report->x_treat, report->n_treat,
                                           report->x_rct, report->n_rct, &report->lift_rct);
  if (report->has_lift)
    {
      report->prediction_error = report->lift.lift - report->predicted_lift;
      report->incremental_conversions = report->lift.lift * report->n_treat;
      report->detectable_difference =
        storm_stats_detectable_difference (report->lift.p2 > 0 ? report->lift.p2 : 0.5 / report->n_control,
                                           report->n_treat, report->n_control);
    }
  report->cost = options->cost_per_door * report->n_treat;
  report->incremental_value = report->incremental_conversions * options->value_per_conversion;
  if (report->cost > 0 && report->has_lift)
    report->roi = (report->incremental_value - report->cost) / report->cost;

  for (int b = 0; b < N_BANDS; b++)
    {
      StormBandRow *row = &bands[b];

      if (row->n_treat == 0 && row->n_control == 0)
        continue;
      row->band_lower = b * BAND_WIDTH;
      row->predicted = row->n_treat > 0 ? band_uplift_sum[b] / row->n_treat : NAN;
      row->actual = (row->n_treat > 0 && row->n_control > 0)
                    ? (double) row->x_treat / row->n_treat - (double) row->x_control / row->n_control
                    : NAN;
      g_array_append_val (report->bands, *row);
    }

  /* an empty array has no data, and qsort () wants a pointer anyway */
  if (samples->len > 0)
    qsort (samples->data, samples->len, sizeof (Sample), sample_desc);
  report->qini = qini_from_sorted ((const Sample *) samples->data, samples->len, 10, &report->qini_coefficient);
  return TRUE;
}
