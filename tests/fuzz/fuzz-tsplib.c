/* libFuzzer target for the TSPLIB readers: each input is parsed as an
 * instance and as a tour, in memory. */
#include "config.h"

#include "storm-tsplib.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) tour_error = NULL;
  g_autoptr(StormTsplib) tsp = NULL;
  g_autoptr(StormTsplibTour) tour = NULL;

  tsp = storm_tsplib_parse ((const char *) data, size, "fuzz.tsp", &error);
  g_assert_true ((tsp == NULL) == (error != NULL));
  if (tsp != NULL)
    {
      StormTourInput input;

      storm_tsplib_get_input (tsp, &input);
      g_assert_cmpuint (input.n, ==, tsp->dimension);
      if (input.n > 0)
        storm_tour_distance (&input, 0, input.n - 1);
    }
  else
    g_assert_true (g_utf8_validate (error->message, -1, NULL));

  tour = storm_tsplib_tour_parse ((const char *) data, size, "fuzz.tour", &tour_error);
  g_assert_true ((tour == NULL) == (tour_error != NULL));
  if (tour != NULL)
    {
      g_assert_cmpuint (tour->n, ==, tour->dimension);
      g_assert_true (storm_tour_is_permutation (tour->nodes, tour->n));
    }
  return 0;
}
