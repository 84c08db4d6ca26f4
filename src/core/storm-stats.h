#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Two-sided 95 % normal quantile. */
#define STORM_Z95 1.959963984540054

typedef struct
{
  double lower;
  double upper;
} StormInterval;

/* Treatment x1/n1 against control x2/n2. */
typedef struct
{
  double        p1;
  double        p2;
  double        lift;          /* p1 - p2 */
  double        relative_lift; /* lift / p2, NAN when p2 = 0 */
  StormInterval wald;
  StormInterval newcombe;      /* hybrid score (Newcombe 1998, method 10) */
  double        z;             /* pooled two-proportion z statistic */
  double        p_value;       /* two-sided, from z */
} StormLift;

StormInterval storm_stats_wilson (gint64      x,
                                  gint64      n,
                                  double      z);
gboolean      storm_stats_lift   (gint64      x1,
                                  gint64      n1,
                                  gint64      x2,
                                  gint64      n2,
                                  StormLift  *out);
/* Smallest absolute difference a two-sided 5 % test with 80 % power can
 * detect with these arm sizes around base rate @p. */
double        storm_stats_detectable_difference (double p,
                                                 gint64 n1,
                                                 gint64 n2);

G_END_DECLS
