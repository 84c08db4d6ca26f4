#pragma once

#include <glib.h>

#include "storm-tour.h"

G_BEGIN_DECLS

/* A symmetric TSP instance in TSPLIB95 format: EUC_2D, CEIL_2D, ATT, GEO
 * (NODE_COORD_SECTION) and EXPLICIT (EDGE_WEIGHT_SECTION in any of the
 * matrix layouts). Accepts what real files do: `KEY: value` and
 * `KEY : value`, indented and blank lines, tabs, scientific notation,
 * CRLF, a missing EOF. Errors name the file and line. */
typedef struct
{
  char            *name;
  char            *comment;
  guint            dimension;
  StormTourMetric  metric;
  double          *x;            /* coordinates or display data; NULL if none */
  double          *y;
  gint32          *weights;      /* EXPLICIT: dimension × dimension */
  gboolean         has_fixed_edges;  /* FIXED_EDGES_SECTION read but not enforced */
} StormTsplib;

/* Largest EXPLICIT instance accepted (its full matrix is kept). */
#define STORM_TSPLIB_MAX_EXPLICIT 12000

StormTsplib *storm_tsplib_load      (const char        *path,
                                     GError           **error);
/* @filename is what errors call the text. */
StormTsplib *storm_tsplib_parse     (const char        *text,
                                     gsize              length,
                                     const char        *filename,
                                     GError           **error);
void         storm_tsplib_free      (StormTsplib       *self);
void         storm_tsplib_get_input (const StormTsplib *self,
                                     StormTourInput    *input);

/* A .tour file (TOUR_SECTION, ended by -1 or EOF): 0-based nodes. */
typedef struct
{
  char  *name;
  guint  dimension;
  guint  n;
  guint *nodes;
} StormTsplibTour;

StormTsplibTour *storm_tsplib_tour_load  (const char      *path,
                                          GError         **error);
StormTsplibTour *storm_tsplib_tour_parse (const char      *text,
                                          gsize            length,
                                          const char      *filename,
                                          GError         **error);
void             storm_tsplib_tour_free  (StormTsplibTour *self);

/* The proven optimum of instance @name from the `optimum.txt` next to
 * @tsp_path (lines `name value` or `name : value`). */
gboolean     storm_tsplib_lookup_optimum (const char *tsp_path,
                                          const char *name,
                                          gint64     *optimum);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormTsplib, storm_tsplib_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormTsplibTour, storm_tsplib_tour_free)

G_END_DECLS
