#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Sales leak: per stage of the funnel, how many leads entered in a
 * period, how many moved on, how long they stayed, where they were lost;
 * leaks against the editable per-stage benchmarks, and the constraint,
 * the worst leak, with its evidence. Computed from lead_stage_history. */

typedef struct {
  char   *code;
  char   *name;
  char   *kind;                 /* open, won, lost */
  gint64  count;                /* leads in the stage now */
  gint64  entered;              /* entries in the period */
  gint64  advanced;             /* of those, later reached a later stage that is not lost */
  double  conversion;           /* advanced / entered; NAN without entries */
  double  median_days;          /* time in stage of the period's entries; NAN without */
  double  p90_days;
  double  prev_median_days;     /* the same for the previous period of equal length */
  gint64  stuck;                /* leads in the stage now for longer than benchmark_days */
  gint64  lost;                 /* moves from this stage to a lost stage in the period */
  double  benchmark_conversion; /* NAN: none */
  double  benchmark_days;       /* NAN: none */
} StormLeakStage;

typedef struct {
  char      *stage;
  double     score;
  GPtrArray *evidence;  /* char *, one sentence each */
  GPtrArray *actions;   /* char * */
} StormLeak;

typedef struct {
  gint64     from;
  gint64     to;
  gint64     now;
  GPtrArray *stages;      /* StormLeakStage, in funnel order */
  GPtrArray *leaks;       /* StormLeak, worst first */
} StormSalesLeak;

/* Fewer entries than this make no conversion leak: too little evidence. */
#define STORM_LEAK_MIN_ENTRIES 3

/* Over the period [@from, @to) (seconds since the epoch), at @now. */
StormSalesLeak       *storm_sales_leak_compute    (StormDb         *db,
                                                   gint64           from,
                                                   gint64           to,
                                                   gint64           now,
                                                   GError         **error);
void                  storm_sales_leak_free       (StormSalesLeak  *leak);
const StormLeakStage *storm_sales_leak_stage      (StormSalesLeak  *leak,
                                                   const char      *code);
/* The worst leak, or NULL when nothing leaks. */
const StormLeak      *storm_sales_leak_constraint (StormSalesLeak  *leak);
char                 *storm_sales_leak_to_text    (StormSalesLeak  *leak);
/* JSON: the period, the stages (numbers; null where undefined) and the
 * leaks worst first, the first being the constraint. */
char                 *storm_sales_leak_to_json    (StormSalesLeak  *leak);

/* The @q quantile (0–1) of @values, sorted in place; NAN when empty.
 * Linear interpolation between closest ranks. */
double                storm_quantile              (double          *values,
                                                   guint            n,
                                                   double           q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormSalesLeak, storm_sales_leak_free)

G_END_DECLS
