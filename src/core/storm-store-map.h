#pragma once

#include <gio/gio.h>

#include "storm-store-db.h"

G_BEGIN_DECLS

/* What the Routes map draws of a storm, read in bulk on a worker. */

/* A property's status on the map, in the order of the point layer's
 * colours (StormPointStatus). */
typedef enum {
  STORM_MAP_STATUS_TREAT,
  STORM_MAP_STATUS_HOLD,
  STORM_MAP_STATUS_CONTROL,
  STORM_MAP_STATUS_CONVERTED,
  STORM_MAP_STATUS_VISITED,
} StormMapStatus;

typedef struct
{
  gsize   n;
  double *lat;
  double *lon;
  guint8 *status;   /* StormMapStatus */
  gint64 *ids;      /* property ids */
} StormMapPoints;

typedef struct
{
  gsize   n;
  double *lat;
  double *lon;
  guint8 *kind;      /* 0 hail, 1 wind, 2 tornado (StormReportKind) */
  double *magnitude; /* NAN when unknown */
} StormMapReports;

/* The plan that made the storm's current routes. */
typedef struct
{
  gint64   plan_id;          /* 0 when the storm has no current route */
  gboolean all_properties;   /* planned with no policy: all but the universal control */
  gint64   n_unassigned;
  char    *created_at;
} StormMapPlan;

/* Every located property of @storm_id with its status: converted (current
 * outcome), else control (held out by the current execution, or with no
 * execution the universal control the planner also leaves out), else
 * visited (any touch), else hold, else treat. */
StormMapPoints  *storm_db_map_points      (StormDb          *db,
                                           gint64            storm_id,
                                           GCancellable     *cancellable,
                                           GError          **error);
/* The storm's reports with a location. */
StormMapReports *storm_db_map_reports     (StormDb          *db,
                                           gint64            storm_id,
                                           GError          **error);
gboolean         storm_db_map_plan        (StormDb          *db,
                                           gint64            storm_id,
                                           StormMapPlan     *plan,
                                           GError          **error);

void             storm_map_points_free    (StormMapPoints   *points);
void             storm_map_reports_free   (StormMapReports  *reports);
void             storm_map_plan_clear     (StormMapPlan     *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormMapPoints, storm_map_points_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormMapReports, storm_map_reports_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StormMapPlan, storm_map_plan_clear)

G_END_DECLS
