#include "config.h"

#include <math.h>

#include "storm-stats.h"

#define EPS 0.00005

typedef struct
{
  gint64 x1, n1, x2, n2;
  double newcombe_lower, newcombe_upper;
} Vector;

/* Newcombe (1998), Stat Med 17:873–890, Table II, method 10 (hybrid score,
 * no continuity correction), cases (a)–(h). */
static const Vector newcombe_table2[] = {
  { 56, 70, 48, 80, 0.0524, 0.3339 },
  { 9, 10, 3, 10, 0.1705, 0.8090 },
  { 6, 7, 2, 7, 0.0582, 0.8062 },
  { 5, 56, 0, 29, -0.0381, 0.1926 },
  { 0, 10, 0, 20, -0.1611, 0.2775 },
  { 0, 10, 0, 10, -0.2775, 0.2775 },
  { 10, 10, 0, 20, 0.6791, 1.0000 },
  { 10, 10, 0, 10, 0.6075, 1.0000 },
};

static void
test_newcombe_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (newcombe_table2); i++)
    {
      const Vector *v = &newcombe_table2[i];
      StormLift lift;

      g_test_message ("case %u: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " vs %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                      i, v->x1, v->n1, v->x2, v->n2);
      g_assert_true (storm_stats_lift (v->x1, v->n1, v->x2, v->n2, &lift));
      g_assert_cmpfloat_with_epsilon (lift.newcombe.lower, v->newcombe_lower, EPS);
      g_assert_cmpfloat_with_epsilon (lift.newcombe.upper, v->newcombe_upper, EPS);
    }
}

static void
test_issue_vectors (void)
{
  StormLift lift;

  g_assert_true (storm_stats_lift (56, 70, 48, 80, &lift));
  g_assert_cmpfloat_with_epsilon (lift.lift, 0.2000, EPS);
  g_assert_cmpfloat_with_epsilon (lift.wald.lower, 0.0575, EPS);
  g_assert_cmpfloat_with_epsilon (lift.wald.upper, 0.3425, EPS);

  g_assert_true (storm_stats_lift (9, 10, 3, 10, &lift));
  g_assert_cmpfloat_with_epsilon (lift.wald.lower, 0.2605, EPS);
  g_assert_cmpfloat_with_epsilon (lift.wald.upper, 0.9395, EPS);
}

static void
test_wilson (void)
{
  /* Newcombe (1998b) single-proportion examples, Wilson without correction. */
  StormInterval ci = storm_stats_wilson (81, 263, STORM_Z95);

  g_assert_cmpfloat_with_epsilon (ci.lower, 0.2553, EPS);
  g_assert_cmpfloat_with_epsilon (ci.upper, 0.3662, EPS);
  ci = storm_stats_wilson (0, 20, STORM_Z95);
  g_assert_cmpfloat (ci.lower, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (ci.upper, 0.1611, EPS);
  ci = storm_stats_wilson (15, 148, STORM_Z95);
  g_assert_cmpfloat_with_epsilon (ci.lower, 0.0624, EPS);
  g_assert_cmpfloat_with_epsilon (ci.upper, 0.1605, EPS);
}

static void
test_pooled_z (void)
{
  StormLift lift;

  /* 56/70 vs 48/80: pooled p = 104/150, z = 0.2 / sqrt(p(1-p)(1/70+1/80)) */
  g_assert_true (storm_stats_lift (56, 70, 48, 80, &lift));
  g_assert_cmpfloat_with_epsilon (lift.z, 2.6502, 0.0005);
  g_assert_cmpfloat_with_epsilon (lift.p_value, 0.0080, 0.0005);
  g_assert_cmpfloat_with_epsilon (lift.relative_lift, 0.3333, EPS);

  /* identical arms: no difference, p = 1 */
  g_assert_true (storm_stats_lift (0, 10, 0, 10, &lift));
  g_assert_cmpfloat (lift.p_value, ==, 1.0);
  g_assert_true (isnan (lift.relative_lift));
}

static void
test_invalid (void)
{
  StormLift lift;

  g_assert_false (storm_stats_lift (1, 0, 1, 10, &lift));
  g_assert_false (storm_stats_lift (11, 10, 1, 10, &lift));
  g_assert_false (storm_stats_lift (-1, 10, 1, 10, &lift));
  g_assert_true (isnan (storm_stats_wilson (3, 0, STORM_Z95).lower));
}

static void
test_detectable (void)
{
  /* 10 % base rate, 1,000 per arm: (1.96 + 0.8416) * sqrt(0.09 * 0.002) */
  g_assert_cmpfloat_with_epsilon (storm_stats_detectable_difference (0.1, 1000, 1000), 0.03759, 0.00005);
  g_assert_true (isnan (storm_stats_detectable_difference (0.1, 0, 1000)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/newcombe-table-ii", test_newcombe_table);
  g_test_add_func ("/stats/issue-vectors", test_issue_vectors);
  g_test_add_func ("/stats/wilson", test_wilson);
  g_test_add_func ("/stats/pooled-z", test_pooled_z);
  g_test_add_func ("/stats/invalid", test_invalid);
  g_test_add_func ("/stats/detectable-difference", test_detectable);

  return g_test_run ();
}
