#pragma once

#include <gio/gio.h>

#include "storm-progress.h"
#include "storm-store-db.h"

G_BEGIN_DECLS

typedef enum {
  STORM_POLICY_AGGRESSIVE,
  STORM_POLICY_MODERATE,
  STORM_POLICY_CONSERVATIVE,
  STORM_POLICY_CUSTOM,
} StormPolicyMode;

#define STORM_POLICY_DEFAULT_UNIVERSAL_PCT 0.05
#define STORM_POLICY_DEFAULT_RCT_PCT 0.10

typedef struct
{
  StormPolicyMode mode;
  double          threshold;      /* used with STORM_POLICY_CUSTOM */
  double          rct_pct;        /* share of the non-universal remainder held out */
  const char     *actor;
} StormPolicyParams;

/* What a policy does (or would do) to one storm. */
typedef struct
{
  gint64 execution_id;
  double threshold;
  gint64 n_properties;
  gint64 n_treat;
  gint64 n_hold;            /* below threshold */
  gint64 n_universal;
  gint64 n_rct;
  double expected_conversions;  /* sum of base rate + uplift over treated */
  double predicted_lift;        /* mean uplift over treated */
  gint64 routes_needed;         /* at doors_per_route; 0 when not asked */
} StormPolicySummary;

double      storm_policy_mode_threshold   (StormPolicyMode  mode);
const char *storm_policy_mode_to_string   (StormPolicyMode  mode);
gboolean    storm_policy_mode_from_string (const char      *text,
                                           StormPolicyMode *mode);
void        storm_policy_params_init      (StormPolicyParams *params);

/* Decides treat/hold for every property of the storm in one transaction:
 * universal control, then RCT holdout, then the uplift threshold; records
 * a new current execution and its full decision log. */
gboolean    storm_policy_apply            (StormDb                 *db,
                                           gint64                   storm_id,
                                           const StormPolicyParams *params,
                                           StormPolicySummary      *summary,
                                           GCancellable            *cancellable,
                                           StormProgress           *progress,
                                           GError                 **error);

/* Scenario preview: loads the storm once (arms computed, eligible uplifts
 * sorted, prefix sums), then answers any threshold in O(log n). */
typedef struct _StormPolicyPreview StormPolicyPreview;

StormPolicyPreview *storm_policy_preview_load     (StormDb            *db,
                                                   gint64              storm_id,
                                                   double              rct_pct,
                                                   GCancellable       *cancellable,
                                                   GError            **error);
void                storm_policy_preview_evaluate (StormPolicyPreview *self,
                                                   double              threshold,
                                                   gint64              doors_per_route,
                                                   StormPolicySummary *summary);
void                storm_policy_preview_free     (StormPolicyPreview *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormPolicyPreview, storm_policy_preview_free)

G_END_DECLS
