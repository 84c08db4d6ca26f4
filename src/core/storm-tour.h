#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How the distance between two nodes is measured. The TSPLIB metrics
 * follow TSPLIB95 exactly (integer lengths), so tour lengths compare with
 * the published optima. */
typedef enum {
  STORM_TOUR_EUCLIDEAN,   /* sqrt (dx² + dy²), unrounded: kilometres for routes */
  STORM_TOUR_EUC_2D,      /* nint (sqrt (dx² + dy²)) */
  STORM_TOUR_CEIL_2D,     /* ceil (sqrt (dx² + dy²)) */
  STORM_TOUR_ATT,         /* pseudo-Euclidean of att48/att532 */
  STORM_TOUR_GEO,         /* TSPLIB GEO: x = latitude, y = longitude as DDD.MM */
  STORM_TOUR_MATRIX,      /* explicit n × n weights */
} StormTourMetric;

typedef struct
{
  StormTourMetric metric;
  guint           n;
  const double   *x;       /* n coordinates, all metrics but MATRIX */
  const double   *y;
  const gint32   *matrix;  /* n × n, row-major, STORM_TOUR_MATRIX only */
} StormTourInput;

typedef struct
{
  guint64  seed;          /* the same seed and budget give the same tour */
  guint    neighbours;    /* candidate list length per node */
  guint64  max_kicks;     /* perturbation rounds; 0 = the default for n */
  double   time_limit;    /* seconds for the whole solve; 0 = no limit */
  gboolean open;          /* a Hamiltonian path with free ends, not a cycle */
  guint    threads;       /* independent searches run side by side, best kept */
} StormTourOptions;

typedef struct
{
  double  length;
  double  greedy_length;       /* after the greedy-edge construction */
  double  local_opt_length;    /* after the first 2-opt + Or-opt descent */
  guint64 kicks;               /* perturbation rounds run (all searches) */
  double  seconds;
  gboolean time_limited;       /* the time limit, not the kick budget, ended it */
} StormTourStats;

void     storm_tour_options_init    (StormTourOptions     *options);
/* Kick budget used when options->max_kicks is 0. */
guint64  storm_tour_default_kicks   (guint                 n);

double   storm_tour_distance        (const StormTourInput *input,
                                     guint                 i,
                                     guint                 j);
/* Length of @tour (n node indices); a closed cycle unless @open. */
double   storm_tour_length          (const StormTourInput *input,
                                     const guint          *tour,
                                     gboolean              open);
gboolean storm_tour_is_permutation  (const guint          *tour,
                                     guint                 n);

/* Greedy-edge construction, then 2-opt, Or-opt and Lin–Kernighan-style
 * chains (sequential 3-opt and deeper) over neighbour lists (nearest and
 * per-quadrant) with a queue of active nodes (don't-look bits) to a local
 * optimum; then iterated local search: double-bridge kicks (random,
 * spatially close, or tour-local), local repair, undone unless no worse;
 * `threads` searches with derived seeds, the best kept.
 * Fills @tour with a permutation of 0…n-1 (a closed tour starts at node
 * 0; an open path at one of its ends) and returns its length.
 * Deterministic for a given seed unless the time limit ends the search
 * before the kick budget. */
double   storm_tour_solve           (const StormTourInput   *input,
                                     const StormTourOptions *options,
                                     guint                  *tour,
                                     StormTourStats         *stats);

/* Great-circle distance in kilometres (haversine, mean Earth radius). */
double   storm_tour_haversine_km    (double                 lat1,
                                     double                 lon1,
                                     double                 lat2,
                                     double                 lon2);

/* Orders geographic points for a crew. The points are projected to a
 * plane in kilometres (equirectangular around their mean latitude: under
 * 0.1 % error across a storm) and solved there; the legs are then
 * measured on the sphere.
 *
 * With @depot ≥ 0 the route is a round trip: @order starts at the depot
 * and the return leg is part of the total. With @depot < 0 it is the
 * shortest open path through the points, ends free.
 * @leg_km (optional, n) receives the haversine distance from the previous
 * point of @order (0 for the first). Returns the total in kilometres. */
double   storm_tour_solve_geo       (const double          *lat,
                                     const double          *lon,
                                     guint                  n,
                                     int                    depot,
                                     guint64                seed,
                                     guint64                max_kicks,
                                     guint                 *order,
                                     double                *leg_km);

G_END_DECLS
