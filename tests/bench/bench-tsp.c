/* TSP benchmark: solves TSPLIB instances with the route planner's tour
 * code and prints length, proven optimum, gap and time for each, then
 * the mean and worst gap. Targets on the five instances of the shared
 * data: mean gap ≤ 2 %, none over 4 %, each ≤ 1 s.
 *
 * Usage: bench-tsp [--seed S] [--threads T] [--time-limit S] [--kicks K]
 *                  [FILE.tsp…]   (default: the five shared instances) */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "storm-tsplib.h"

static const char * const default_instances[] = { "eil51", "berlin52", "kroA100", "ch150", "a280" };

int
main (int argc, char *argv[])
{
  gint64 seed = 1;
  int threads = 2;
  double time_limit = 0.95;
  gint64 kicks = 0;
  GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (default 1)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Independent searches side by side (default 2)", "T" },
    { "time-limit", 0, 0, G_OPTION_ARG_DOUBLE, &time_limit, "Seconds per instance, parsing included (default 0.95)", "S" },
    { "kicks", 0, 0, G_OPTION_ARG_INT64, &kicks, "Kick budget per search (default: by size)", "K" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[FILE.tsp…]");
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  double sum_gap = 0, worst_gap = -INFINITY, worst_time = 0;
  guint n_gaps = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  if (argc > 1)
    for (int i = 1; i < argc; i++)
      g_ptr_array_add (files, g_strdup (argv[i]));
  else
    {
      const char *shared = g_getenv ("STORMOPS_SHARED_DATA");

      if (shared == NULL)
        g_error ("Set STORMOPS_SHARED_DATA or name the .tsp files");
      for (guint i = 0; i < G_N_ELEMENTS (default_instances); i++)
        {
          g_autofree char *base = g_strconcat (default_instances[i], ".tsp", NULL);

          g_ptr_array_add (files, g_build_filename (shared, "tsplib", base, NULL));
        }
    }

  g_print ("%-12s %6s %12s %12s %8s %8s %9s\n", "instance", "n", "length", "optimum", "gap %", "time s", "kicks");
  for (guint f = 0; f < files->len; f++)
    {
      const char *path = files->pdata[f];
      gint64 started = g_get_monotonic_time ();
      g_autoptr(StormTsplib) tsp = storm_tsplib_load (path, &error);
      g_autofree guint *tour = NULL;
      StormTourInput input;
      StormTourOptions options;
      StormTourStats stats;
      gint64 optimum = 0;
      double length, seconds;

      if (tsp == NULL)
        g_error ("%s", error->message);
      storm_tsplib_get_input (tsp, &input);
      storm_tour_options_init (&options);
      options.seed = (guint64) seed;
      options.threads = MAX (threads, 1);
      options.max_kicks = (guint64) MAX (kicks, 0);
      if (time_limit > 0)
        options.time_limit = MAX (0.01, time_limit - (g_get_monotonic_time () - started) / 1e6);
      tour = g_new (guint, tsp->dimension);
      length = storm_tour_solve (&input, &options, tour, &stats);
      seconds = (g_get_monotonic_time () - started) / 1e6;
      if (!storm_tour_is_permutation (tour, tsp->dimension) || storm_tour_length (&input, tour, FALSE) != length)
        g_error ("%s: invalid tour", tsp->name);
      worst_time = MAX (worst_time, seconds);
      if (storm_tsplib_lookup_optimum (path, tsp->name, &optimum) && optimum > 0)
        {
          double gap = 100.0 * (length - optimum) / optimum;

          g_print ("%-12s %6u %12.0f %12" G_GINT64_FORMAT " %8.2f %8.3f %9" G_GUINT64_FORMAT "%s\n",
                   tsp->name, tsp->dimension, length, optimum, gap, seconds, stats.kicks,
                   stats.time_limited ? " (time)" : "");
          sum_gap += gap;
          worst_gap = MAX (worst_gap, gap);
          n_gaps++;
        }
      else
        g_print ("%-12s %6u %12.0f %12s %8s %8.3f %9" G_GUINT64_FORMAT "\n",
                 tsp->name, tsp->dimension, length, "?", "", seconds, stats.kicks);
    }
  if (n_gaps > 0)
    g_print ("\nmean gap %.2f %% (target <= 2 %%), worst gap %.2f %% (target <= 4 %%), worst time %.3f s (target <= 1 s)\n",
             sum_gap / n_gaps, worst_gap, worst_time);
  return 0;
}
