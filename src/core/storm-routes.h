#pragma once

#include <gio/gio.h>

#include "storm-progress.h"
#include "storm-store-db.h"

G_BEGIN_DECLS

/* Crew routes of a storm: capacitated clustering of its treat doors,
 * each route ordered by the tour code, persisted with history.
 *
 * A route with a depot is a round trip (depot → doors → depot: the first
 * stop's leg starts at the depot and the return leg counts in total_km);
 * without a depot it is the shortest open path through its doors. */

#define STORM_ROUTES_DEFAULT_DOORS_CAP 50
#define STORM_ROUTES_DEFAULT_PACE_KMH 4.0
#define STORM_ROUTES_DEFAULT_MINUTES_PER_DOOR 4.0

/* Planning defaults of one storm (table route_settings). */
typedef struct
{
  gboolean has_depot;
  double   depot_lat;
  double   depot_lon;
  guint    doors_cap;
  double   pace_kmh;          /* travel speed for the time estimate */
  double   minutes_per_door;
} StormRouteSettings;

gboolean storm_routes_get_settings (StormDb                  *db,
                                    gint64                    storm_id,
                                    StormRouteSettings       *settings,
                                    GError                  **error);
gboolean storm_routes_set_settings (StormDb                  *db,
                                    gint64                    storm_id,
                                    const StormRouteSettings *settings,
                                    GError                  **error);

typedef struct
{
  guint               doors_cap;         /* hard cap per route; 0 = the storm's setting */
  guint               n_crews;           /* routes to build; 0 = as many as the cap needs */
  const char * const *zips;              /* only these ZIP codes; NULL = all */
  gboolean            has_depot;         /* FALSE = the storm's depot, if it has one */
  double              depot_lat;
  double              depot_lon;
  double              pace_kmh;          /* 0 = the storm's setting */
  double              minutes_per_door;  /* < 0 = the storm's setting */
  guint64             seed;
  guint               threads;           /* 0 = one per processor */
  const char         *actor;
} StormRoutePlanParams;

typedef enum {
  STORM_ROUTE_UNASSIGNED_NO_LOCATION,    /* no usable coordinates (0, 0) */
  STORM_ROUTE_UNASSIGNED_OVER_CAPACITY,  /* more doors than n_crews × doors_cap */
} StormRouteUnassignedReason;

typedef struct
{
  gint64                     property_id;
  StormRouteUnassignedReason reason;
} StormRouteUnassigned;

/* Start from { 0 } (or a cleared result); free with
 * storm_route_plan_result_clear() or g_auto(). */
typedef struct
{
  gint64   plan_id;
  gint64   execution_id;        /* the policy execution whose treat doors were routed; 0 if none */
  gboolean all_properties;      /* no policy yet: every property of the storm but the universal control */
  gint64   n_excluded_control;  /* universal control held out when all_properties */
  gint64   n_candidates;        /* doors to route (after the ZIP filter) */
  gint64   n_on_locked;         /* of those, already on a kept locked route */
  gint64   n_routed;            /* placed on the new routes */
  guint    n_routes;            /* new routes */
  guint    n_locked_routes;     /* locked routes kept as they were */
  double   total_km;            /* of the new routes */
  GArray  *unassigned;          /* StormRouteUnassigned, by property id */
} StormRoutePlanResult;

void        storm_route_plan_params_init        (StormRoutePlanParams       *params);
void        storm_route_plan_result_clear       (StormRoutePlanResult       *result);
const char *storm_route_unassigned_reason_to_string (StormRouteUnassignedReason reason);

/* Builds the storm's routes in one transaction: the treat doors of its
 * current policy execution (never control or held-out doors; with no
 * execution, every property but the universal control, flagged in the
 * result), minus the doors of locked current routes, which are kept.
 * The other current routes become history (is_current = 0). Doors are
 * split by recursive coordinate bisection into compact routes of equal
 * size (within one door of each other) never above the
 * cap, and each route is ordered by storm_tour_solve_geo(). With
 * n_crews, that many routes are built (one per door at most) and the
 * doors beyond n_crews × cap, lowest uplift first, are reported
 * unassigned.
 * Deterministic for a given seed. */
gboolean    storm_routes_plan                   (StormDb                    *db,
                                                 gint64                      storm_id,
                                                 const StormRoutePlanParams *params,
                                                 StormRoutePlanResult       *result,
                                                 GCancellable               *cancellable,
                                                 StormProgress              *progress,
                                                 GError                    **error);

typedef struct
{
  gint64   id;
  gint64   storm_id;
  gint64   plan_id;
  gint64   execution_id;
  char    *name;
  char    *crew;              /* NULL when unassigned */
  char    *crew_language;     /* "en" or "es" */
  char    *created_at;
  guint    doors_cap;
  guint    n_stops;
  double   total_km;
  double   est_minutes;
  double   pace_kmh;
  double   minutes_per_door;
  gboolean has_depot;
  double   depot_lat;
  double   depot_lon;
  gboolean locked;
  gboolean is_current;
} StormRoute;

typedef struct
{
  guint   seq;                /* 1-based visiting order */
  gint64  property_id;
  char   *ext_id;
  char   *address;
  char   *city;
  char   *zip;
  double  lat;
  double  lon;
  double  leg_km;             /* from the previous stop, or the depot */
} StormRouteStop;

void        storm_route_free        (StormRoute     *route);
void        storm_route_stop_free   (StormRouteStop *stop);

/* Current routes (with history: all, current first), by id. */
GPtrArray  *storm_routes_list       (StormDb  *db,
                                     gint64    storm_id,
                                     gboolean  include_history,
                                     GError  **error);
StormRoute *storm_routes_get        (StormDb  *db,
                                     gint64    route_id,
                                     GError  **error);
/* StormRouteStop, in visiting order. */
GPtrArray  *storm_routes_get_stops  (StormDb  *db,
                                     gint64    route_id,
                                     GError  **error);
/* The current route holding @property_id, or 0; @seq (optional) its stop. */
gint64      storm_routes_find_stop  (StormDb  *db,
                                     gint64    storm_id,
                                     gint64    property_id,
                                     guint    *seq,
                                     GError  **error);

/* Manual edits. Each runs in one transaction, recomputes the legs,
 * distance and time of the routes it changes, logs an event, and refuses
 * (STORM_ERROR_REFUSED, with a sentence saying why) edits to locked or
 * past routes and moves into a full route. */
gboolean    storm_routes_move_stop  (StormDb     *db,
                                     gint64       route_id,
                                     guint        seq,
                                     gint64       target_route_id,
                                     guint        target_seq,     /* 0 = where it adds the least distance */
                                     GError     **error);
gboolean    storm_routes_reorder    (StormDb     *db,
                                     gint64       route_id,
                                     guint        from_seq,
                                     guint        to_seq,
                                     GError     **error);
/* Re-orders one route with the tour code. */
gboolean    storm_routes_optimize   (StormDb     *db,
                                     gint64       route_id,
                                     guint64      seed,
                                     GError     **error);
gboolean    storm_routes_set_locked (StormDb     *db,
                                     gint64       route_id,
                                     gboolean     locked,
                                     GError     **error);
gboolean    storm_routes_rename     (StormDb     *db,
                                     gint64       route_id,
                                     const char  *name,
                                     GError     **error);
/* @crew NULL or "" clears it; @language "en" or "es" (NULL keeps it). */
gboolean    storm_routes_set_crew   (StormDb     *db,
                                     gint64       route_id,
                                     const char  *crew,
                                     const char  *language,
                                     GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormRoute, storm_route_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormRouteStop, storm_route_stop_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StormRoutePlanResult, storm_route_plan_result_clear)

G_END_DECLS
