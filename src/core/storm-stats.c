#define G_LOG_DOMAIN "storm-stats"

#include "config.h"

#include <math.h>

#include "storm-stats.h"

#define Z_POWER80 0.8416212335729143

/* Wilson score interval; well-behaved at 0 and at n. */
StormInterval
storm_stats_wilson (gint64 x,
                    gint64 n,
                    double z)
{
  StormInterval ci = { NAN, NAN };
  double p, z2, denom, centre, half;

  if (n <= 0 || x < 0 || x > n)
    return ci;
  p = (double) x / n;
  z2 = z * z;
  denom = 1.0 + z2 / n;
  centre = (p + z2 / (2.0 * n)) / denom;
  half = z * sqrt (p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
  ci.lower = x == 0 ? 0.0 : MAX (0.0, centre - half);
  ci.upper = x == n ? 1.0 : MIN (1.0, centre + half);
  return ci;
}

gboolean
storm_stats_lift (gint64     x1,
                  gint64     n1,
                  gint64     x2,
                  gint64     n2,
                  StormLift *out)
{
  StormInterval w1, w2;
  double se, pooled;

  g_return_val_if_fail (out != NULL, FALSE);

  if (n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2)
    return FALSE;

  out->p1 = (double) x1 / n1;
  out->p2 = (double) x2 / n2;
  out->lift = out->p1 - out->p2;
  out->relative_lift = out->p2 > 0 ? out->lift / out->p2 : NAN;

  se = sqrt (out->p1 * (1 - out->p1) / n1 + out->p2 * (1 - out->p2) / n2);
  out->wald.lower = out->lift - STORM_Z95 * se;
  out->wald.upper = out->lift + STORM_Z95 * se;

  w1 = storm_stats_wilson (x1, n1, STORM_Z95);
  w2 = storm_stats_wilson (x2, n2, STORM_Z95);
  out->newcombe.lower = out->lift - sqrt ((out->p1 - w1.lower) * (out->p1 - w1.lower) +
                                          (w2.upper - out->p2) * (w2.upper - out->p2));
  out->newcombe.upper = out->lift + sqrt ((w1.upper - out->p1) * (w1.upper - out->p1) +
                                          (out->p2 - w2.lower) * (out->p2 - w2.lower));

  pooled = (double) (x1 + x2) / (n1 + n2);
  se = sqrt (pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
  if (se > 0)
    {
      out->z = out->lift / se;
      out->p_value = erfc (fabs (out->z) / G_SQRT2);
    }
  else
    {
      /* Both arms all-or-nothing alike: no evidence of a difference. */
      out->z = 0;
      out->p_value = 1.0;
    }
  return TRUE;
}

double
storm_stats_detectable_difference (double p,
                                   gint64 n1,
                                   gint64 n2)
{
  if (n1 <= 0 || n2 <= 0 || p <= 0 || p >= 1)
    return NAN;
  return (STORM_Z95 + Z_POWER80) * sqrt (p * (1 - p) * (1.0 / n1 + 1.0 / n2));
}
