#pragma once

#include <gio/gio.h>

#include "storm-stats.h"
#include "storm-store-db.h"

G_BEGIN_DECLS

typedef struct
{
  double band_lower;        /* uplift band [lower, lower + 0.05) */
  gint64 n_treat;
  gint64 x_treat;
  gint64 n_control;
  gint64 x_control;
  double predicted;         /* mean uplift score of the treated in the band */
  double actual;            /* treated rate - control rate, NAN without both */
} StormBandRow;

typedef struct
{
  double fraction;          /* share of the ranked population, 0–1 */
  gint64 k;
  double qini;              /* Q(k) = Y_T(k) - Y_C(k) N_T(k) / N_C(k) */
  double uplift_at_k;       /* rate_T(k) - rate_C(k), NAN when an arm is empty */
} StormQiniPoint;

typedef struct
{
  double cost_per_door;
  double value_per_conversion;
} StormReportOptions;

typedef struct
{
  gint64     storm_id;
  gint64     execution_id;     /* 0: no policy applied yet */
  char      *mode;
  double     threshold;
  gint64     n_treat, x_treat;
  gint64     n_rct, x_rct;
  gint64     n_universal, x_universal;
  gint64     n_control, x_control;  /* RCT + universal */
  gint64     n_outcomes;
  gboolean   has_lift;
  StormLift  lift;                 /* treated vs all control */
  gboolean   has_lift_rct;
  StormLift  lift_rct;             /* treated vs RCT control only */
  double     predicted_lift;
  double     prediction_error;     /* actual - predicted */
  double     incremental_conversions;
  double     cost;
  double     incremental_value;
  double     roi;                  /* (incremental value - cost) / cost */
  double     detectable_difference;
  GArray    *bands;                /* StormBandRow */
  GArray    *qini;                 /* StormQiniPoint, 11 points (0 %, 10 % … 100 %) */
  double     qini_coefficient;     /* area between Qini curve and the random line */
} StormReport;

void     storm_report_options_init (StormReportOptions       *options);
gboolean storm_report_compute      (StormDb                  *db,
                                    gint64                    storm_id,
                                    const StormReportOptions *options,
                                    StormReport              *report,
                                    GError                  **error);
void     storm_report_clear        (StormReport              *report);

/* Qini points over explicit samples, for the report and for tests:
 * @uplift scores, @treated flags, @converted flags, all of length @n. */
GArray  *storm_qini_curve          (const double             *uplift,
                                    const gboolean           *treated,
                                    const gboolean           *converted,
                                    gsize                     n,
                                    guint                     n_points,
                                    double                   *coefficient);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StormReport, storm_report_clear)

G_END_DECLS
