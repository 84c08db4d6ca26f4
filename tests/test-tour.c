#include "config.h"

#include <math.h>
#include <string.h>

#include "storm-tour.h"
#include "storm-tsplib.h"

static const char * const instances[] = { "eil51", "berlin52", "kroA100", "ch150", "a280" };

static StormTsplib *
load_shared (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".tsp", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("STORMOPS_SHARED_DATA"), "tsplib", file, NULL);
  g_autoptr(GError) error = NULL;
  StormTsplib *tsp = storm_tsplib_load (path, &error);

  g_assert_no_error (error);
  return tsp;
}

static gint64
optimum_of (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".tsp", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("STORMOPS_SHARED_DATA"), "tsplib", file, NULL);
  gint64 optimum = 0;

  g_assert_true (storm_tsplib_lookup_optimum (path, name, &optimum));
  return optimum;
}

/* Quality target on the five real instances, with the default kick
 * budget and no time limit (so the result does not depend on the
 * machine): each within 4 % of the proven optimum, 2 % on average. */
static void
test_gaps (void)
{
  double sum = 0;

  for (guint i = 0; i < G_N_ELEMENTS (instances); i++)
    {
      g_autoptr(StormTsplib) tsp = load_shared (instances[i]);
      g_autofree guint *tour = g_new (guint, tsp->dimension);
      StormTourInput input;
      StormTourOptions options;
      StormTourStats stats;
      gint64 optimum = optimum_of (instances[i]);
      double length, gap;

      storm_tsplib_get_input (tsp, &input);
      storm_tour_options_init (&options);
      options.seed = 1;
      length = storm_tour_solve (&input, &options, tour, &stats);
      g_assert_true (storm_tour_is_permutation (tour, tsp->dimension));
      g_assert_cmpuint (tour[0], ==, 0);
      g_assert_cmpfloat (length, ==, storm_tour_length (&input, tour, FALSE));
      g_assert_cmpfloat (length, ==, stats.length);
      g_assert_cmpfloat (stats.local_opt_length, <=, stats.greedy_length);
      g_assert_cmpfloat (length, <=, stats.local_opt_length);
      g_assert_cmpfloat (length, >=, optimum);
      g_assert_false (stats.time_limited);
      gap = 100.0 * (length - optimum) / optimum;
      g_test_message ("%s: %.0f, optimum %" G_GINT64_FORMAT ", gap %.2f %%", instances[i], length, optimum, gap);
      g_assert_cmpfloat (gap, <=, 4.0);
      sum += gap;
    }
  g_assert_cmpfloat (sum / G_N_ELEMENTS (instances), <=, 2.0);
}

static void
test_deterministic (void)
{
  g_autoptr(StormTsplib) tsp = load_shared ("kroA100");
  g_autofree guint *a = g_new (guint, tsp->dimension);
  g_autofree guint *b = g_new (guint, tsp->dimension);
  g_autofree guint *c = g_new (guint, tsp->dimension);
  StormTourInput input;
  StormTourOptions options;

  storm_tsplib_get_input (tsp, &input);
  storm_tour_options_init (&options);
  options.seed = 42;
  options.max_kicks = 300;
  options.threads = 2;
  storm_tour_solve (&input, &options, a, NULL);
  storm_tour_solve (&input, &options, b, NULL);
  g_assert_cmpmem (a, sizeof (guint) * tsp->dimension, b, sizeof (guint) * tsp->dimension);

  /* Another seed: another search, still a valid tour. */
  options.seed = 43;
  storm_tour_solve (&input, &options, c, NULL);
  g_assert_true (storm_tour_is_permutation (c, tsp->dimension));
}

static void
test_explicit_matrix (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("STORMOPS_TEST_DATA"), "tsplib", "lower4.tsp", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StormTsplib) tsp = storm_tsplib_load (path, &error);
  guint tour[4];
  StormTourInput input;

  g_assert_no_error (error);
  storm_tsplib_get_input (tsp, &input);
  g_assert_cmpfloat (storm_tour_solve (&input, NULL, tour, NULL), ==, 18);
  g_assert_true (storm_tour_is_permutation (tour, 4));
}

/* Points on a line, shuffled: the best cycle runs out and back, the best
 * path just out. */
static void
test_line_open_and_closed (void)
{
  const guint n = 100;
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new0 (double, n);
  g_autofree guint *tour = g_new (guint, n);
  StormTourInput input = { STORM_TOUR_EUCLIDEAN, n, x, y, NULL };
  StormTourOptions options;

  for (guint i = 0; i < n; i++)
    x[i] = (i * 37) % n;
  storm_tour_options_init (&options);
  g_assert_cmpfloat_with_epsilon (storm_tour_solve (&input, &options, tour, NULL), 2.0 * (n - 1), 1e-9);
  g_assert_true (storm_tour_is_permutation (tour, n));

  options.open = TRUE;
  g_assert_cmpfloat_with_epsilon (storm_tour_solve (&input, &options, tour, NULL), n - 1.0, 1e-9);
  g_assert_true (storm_tour_is_permutation (tour, n));
  g_assert_cmpfloat_with_epsilon (storm_tour_length (&input, tour, TRUE), n - 1.0, 1e-9);
  /* A path from one end of the line to the other. */
  g_assert_true ((x[tour[0]] == 0 && x[tour[n - 1]] == n - 1) || (x[tour[0]] == n - 1 && x[tour[n - 1]] == 0));
}

static void
test_open_shorter (void)
{
  g_autoptr(StormTsplib) tsp = load_shared ("berlin52");
  g_autofree guint *tour = g_new (guint, tsp->dimension);
  StormTourInput input;
  StormTourOptions options;
  double closed, open;

  storm_tsplib_get_input (tsp, &input);
  storm_tour_options_init (&options);
  closed = storm_tour_solve (&input, &options, tour, NULL);
  options.open = TRUE;
  open = storm_tour_solve (&input, &options, tour, NULL);
  g_assert_true (storm_tour_is_permutation (tour, tsp->dimension));
  g_assert_cmpfloat (open, ==, storm_tour_length (&input, tour, TRUE));
  g_assert_cmpfloat (open, <, closed);
}

static void
test_degenerate (void)
{
  double x[40], y[40];
  guint tour[40];
  StormTourInput input = { STORM_TOUR_EUCLIDEAN, 0, x, y, NULL };

  for (guint i = 0; i < 40; i++)
    {
      /* Thirty copies of one point and ten of another. */
      x[i] = i < 30 ? 5.0 : 8.0;
      y[i] = i < 30 ? 5.0 : 9.0;
    }
  for (guint n = 1; n <= 5; n++)
    {
      input.n = n;
      storm_tour_solve (&input, NULL, tour, NULL);
      g_assert_true (storm_tour_is_permutation (tour, n));
    }
  input.n = 40;
  g_assert_cmpfloat_with_epsilon (storm_tour_solve (&input, NULL, tour, NULL), 10.0, 1e-9);
  g_assert_true (storm_tour_is_permutation (tour, 40));
}

static void
test_time_limit (void)
{
  const guint n = 3000;
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  g_autofree guint *tour = g_new (guint, n);
  StormTourInput input = { STORM_TOUR_EUC_2D, n, x, y, NULL };
  StormTourOptions options;
  StormTourStats stats;
  guint64 state = 7;

  for (guint i = 0; i < n; i++)
    {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      x[i] = (state >> 40) % 100000;
      y[i] = (state >> 16) % 100000;
    }
  storm_tour_options_init (&options);
  /* A budget no machine finishes in a twentieth of a second. */
  options.max_kicks = G_GUINT64_CONSTANT (1) << 40;
  options.time_limit = 0.05;
  storm_tour_solve (&input, &options, tour, &stats);
  g_assert_true (stats.time_limited);
  g_assert_true (storm_tour_is_permutation (tour, n));
  g_assert_cmpfloat (stats.length, <=, stats.local_opt_length);
}

static void
test_haversine (void)
{
  /* One degree of latitude on a sphere of mean radius 6371.0088 km. */
  g_assert_cmpfloat_with_epsilon (storm_tour_haversine_km (32, -97, 33, -97), 111.19508, 1e-4);
  g_assert_cmpfloat (storm_tour_haversine_km (32.7767, -96.7970, 32.7767, -96.7970), ==, 0);
  /* Dallas to Fort Worth city halls, about 50 km. */
  g_assert_cmpfloat_with_epsilon (storm_tour_haversine_km (32.7767, -96.7970, 32.7555, -97.3308), 49.97, 0.05);
}

static void
test_geo_routes (void)
{
  /* A 7 × 7 grid of houses 100 m apart near Dallas, depot at a corner. */
  const guint n = 50;
  double lat[50], lon[50], legs[50];
  guint order[50];
  double total, sum = 0, km_lat = 0.1 / 111.19508, km_lon = km_lat / cos (32.8 * G_PI / 180);

  lat[0] = 32.8 - km_lat;
  lon[0] = -96.8 - km_lon;
  for (guint i = 1; i < n; i++)
    {
      lat[i] = 32.8 + ((i - 1) / 7) * km_lat;
      lon[i] = -96.8 + ((i - 1) % 7) * km_lon;
    }

  total = storm_tour_solve_geo (lat, lon, n, 0, 1, 500, order, legs);
  g_assert_true (storm_tour_is_permutation (order, n));
  g_assert_cmpuint (order[0], ==, 0);
  g_assert_cmpfloat (legs[0], ==, 0);
  for (guint i = 0; i < n; i++)
    sum += legs[i];
  g_assert_cmpfloat_with_epsilon (total,
                                  sum + storm_tour_haversine_km (lat[order[n - 1]], lon[order[n - 1]], lat[0], lon[0]),
                                  1e-9);
  /* 49 houses at 100 m: at least 4.8 km between them plus the depot
   * legs; a good order stays close to that. */
  g_assert_cmpfloat (total, >=, 4.8 + 2 * 0.14);
  g_assert_cmpfloat (total, <=, 5.4);

  /* Without a depot: an open walk through the 49 houses, 4.8 km. */
  total = storm_tour_solve_geo (lat + 1, lon + 1, n - 1, -1, 1, 500, order, legs);
  g_assert_true (storm_tour_is_permutation (order, n - 1));
  g_assert_cmpfloat_with_epsilon (total, 4.8, 0.01);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tour/gaps", test_gaps);
  g_test_add_func ("/tour/deterministic", test_deterministic);
  g_test_add_func ("/tour/explicit-matrix", test_explicit_matrix);
  g_test_add_func ("/tour/line-open-and-closed", test_line_open_and_closed);
  g_test_add_func ("/tour/open-shorter", test_open_shorter);
  g_test_add_func ("/tour/degenerate", test_degenerate);
  g_test_add_func ("/tour/time-limit", test_time_limit);
  g_test_add_func ("/tour/haversine", test_haversine);
  g_test_add_func ("/tour/geo-routes", test_geo_routes);

  return g_test_run ();
}
