#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Read side of the policy tables, for the Target phase. */

typedef struct
{
  gint64  id;
  char   *mode;
  double  threshold;
  double  rct_pct;
  double  universal_pct;
  char   *created_at;
  char   *actor;
  gint64  n_properties;
  gint64  n_treat;
  gint64  n_hold;
  gint64  n_universal;
  gint64  n_rct;
  double  expected_conversions;
  double  predicted_lift;
  gboolean is_current;
} StormExecution;

typedef struct
{
  gint64  property_id;
  char   *ext_id;
  char   *address;
  double  uplift;
  char   *decision;
  char   *reason;
} StormDecisionRow;

void       storm_execution_free       (StormExecution   *execution);
void       storm_decision_row_free    (StormDecisionRow *row);

/* Newest first. */
GPtrArray *storm_db_list_executions   (StormDb  *db,
                                       gint64    storm_id,
                                       GError  **error);
/* The storm's current execution, or NULL (error unset) when there is none. */
StormExecution *storm_db_current_execution (StormDb  *db,
                                            gint64    storm_id,
                                            GError  **error);
/* Treated properties of an execution, highest uplift first. */
GPtrArray *storm_db_top_decisions     (StormDb  *db,
                                       gint64    execution_id,
                                       guint     limit,
                                       GError  **error);

G_END_DECLS
