#define G_LOG_DOMAIN "storm-cli-routes"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "storm-cli-routes.h"
#include "storm-error.h"
#include "storm-route-export.h"
#include "storm-route-sheets.h"
#include "storm-routes.h"
#include "storm-store-storms.h"
#include "storm-tsplib.h"

/* `stormops tsp` answers within a second, parsing included. */
#define TSP_DEFAULT_SECONDS 0.95

static int
usage_error (const char *message)
{
  g_printerr ("stormops: %s\n", message);
  g_printerr (_("Add --help for the options.\n"));
  return 2;
}

static int
fail (const GError *error)
{
  g_printerr ("stormops: %s\n", error->message);
  return 1;
}

static const char *
metric_name (StormTourMetric metric)
{
  switch (metric)
    {
    case STORM_TOUR_EUC_2D:
      return "EUC_2D";
    case STORM_TOUR_CEIL_2D:
      return "CEIL_2D";
    case STORM_TOUR_ATT:
      return "ATT";
    case STORM_TOUR_GEO:
      return "GEO";
    case STORM_TOUR_MATRIX:
      return "EXPLICIT";
    case STORM_TOUR_EUCLIDEAN:
    default:
      return "EUCLIDEAN";
    }
}

static gboolean
write_tour (const char         *path,
            const StormTsplib  *tsp,
            const guint        *tour,
            double              length,
            GError            **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;

  g_string_append_printf (text, "NAME : %s.tour\nCOMMENT : Length %.0f (StormOps)\nTYPE : TOUR\nDIMENSION : %u\nTOUR_SECTION\n",
                          tsp->name, length, tsp->dimension);
  for (guint i = 0; i < tsp->dimension; i++)
    g_string_append_printf (text, "%u\n", tour[i] + 1);
  g_string_append (text, "-1\nEOF\n");
  if (!g_file_set_contents (path, text->str, text->len, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED, _("Cannot write “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

int
storm_cli_tsp (int    argc,
               char **argv)
{
  gint64 started = g_get_monotonic_time ();
  gint64 optimum = 0, seed = 1, kicks = 0;
  double time_limit = TSP_DEFAULT_SECONDS;
  int threads = 0;
  gboolean open = FALSE;
  g_autofree char *tour_path = NULL;
  GOptionEntry entries[] = {
    { "optimum", 0, 0, G_OPTION_ARG_INT64, &optimum, N_("Known optimal length (default: optimum.txt beside the file)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed (default 1)"), N_("S") },
    { "time-limit", 0, 0, G_OPTION_ARG_DOUBLE, &time_limit, N_("Seconds in all, parsing included (default 0.95; 0 = none)"), N_("S") },
    { "kicks", 0, 0, G_OPTION_ARG_INT64, &kicks, N_("Perturbation rounds per search (default: 50 per node)"), N_("K") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Independent searches side by side (default: one per processor)"), N_("T") },
    { "open", 0, 0, G_OPTION_ARG_NONE, &open, N_("Shortest open path instead of a closed tour"), NULL },
    { "output-tour", 0, 0, G_OPTION_ARG_FILENAME, &tour_path, N_("Write the tour as a TSPLIB .tour file"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE.tsp"));
  g_autoptr(GError) error = NULL;
  g_autoptr(StormTsplib) tsp = NULL;
  g_autofree guint *tour = NULL;
  StormTourInput input;
  StormTourOptions options;
  StormTourStats stats;
  gboolean have_optimum;
  double length, seconds;

  g_option_context_set_summary (context,
                                _("Solve a TSPLIB instance (EUC_2D, CEIL_2D, ATT, GEO or EXPLICIT) with the route\n"
                                  "planner’s tour code and print the length and its gap to the optimum.\n"
                                  "The same seed gives the same tour whenever the kick budget, not the\n"
                                  "time limit, ends the search."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2)
    return usage_error (_("usage: stormops tsp FILE.tsp [--optimum N] [--seed S] [--time-limit S]"));
  if (time_limit < 0 || kicks < 0 || threads < 0 || seed < 0)
    return usage_error (_("--time-limit, --kicks, --threads and --seed cannot be negative"));

  tsp = storm_tsplib_load (argv[1], &error);
  if (tsp == NULL)
    return fail (error);
  have_optimum = optimum > 0 || storm_tsplib_lookup_optimum (argv[1], tsp->name, &optimum);

  storm_tsplib_get_input (tsp, &input);
  storm_tour_options_init (&options);
  options.seed = (guint64) seed;
  options.max_kicks = (guint64) kicks;
  options.open = open;
  options.threads = threads > 0 ? (guint) threads : g_get_num_processors ();
  if (time_limit > 0)
    options.time_limit = MAX (0.01, time_limit - (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  tour = g_new (guint, tsp->dimension);
  length = storm_tour_solve (&input, &options, tour, &stats);
  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  g_print (_("Instance   %s (%u nodes, %s)\n"), tsp->name, tsp->dimension, metric_name (tsp->metric));
  g_print (_("Length     %.0f%s\n"), length, open ? _(" (open path)") : "");
  if (have_optimum)
    {
      g_print (_("Optimum    %" G_GINT64_FORMAT "\n"), optimum);
      if (!open)
        g_print (_("Gap        %.2f %%\n"), 100.0 * (length - optimum) / optimum);
    }
  g_print (_("Time       %.3f s (%" G_GUINT64_FORMAT " kicks, %u searches%s)\n"),
           seconds, stats.kicks, options.threads, stats.time_limited ? _(", stopped by the time limit") : "");
  if (tsp->has_fixed_edges)
    g_print (_("Note       the file fixes some edges; they were not enforced.\n"));
  if (tour_path != NULL && !write_tour (tour_path, tsp, tour, length, &error))
    return fail (error);
  return 0;
}

static gboolean
parse_depot (const char *text,
             double     *lat,
             double     *lon)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  char *end = NULL;

  if (g_strv_length (parts) != 2)
    return FALSE;
  *lat = g_ascii_strtod (g_strstrip (parts[0]), &end);
  if (end == parts[0] || *end != '\0')
    return FALSE;
  *lon = g_ascii_strtod (g_strstrip (parts[1]), &end);
  return end != parts[1] && *end == '\0';
}

static StormDb *
open_storm (const char  *db_path,
            const char  *code,
            gint64      *storm_id,
            GError     **error)
{
  g_autoptr(StormDb) db = storm_db_open (db_path, error);

  if (db == NULL)
    return NULL;
  *storm_id = storm_db_find_storm (db, code);
  if (*storm_id == 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("There is no storm “%s”. List the storms with “stormops storms”."), code);
      return NULL;
    }
  return g_steal_pointer (&db);
}

static int
routes_plan (int         argc,
             char      **argv,
             const char *default_db)
{
  g_autofree char *db_path = NULL;
  g_autofree char *storm = NULL;
  g_autofree char *zip_text = NULL;
  g_autofree char *depot_text = NULL;
  int cap = 0, crews = 0;
  double pace = 0, minutes = -1;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "storm", 0, 0, G_OPTION_ARG_STRING, &storm, N_("Storm code"), N_("CODE") },
    { "cap", 0, 0, G_OPTION_ARG_INT, &cap, N_("Most doors on one route (default: the storm’s setting, 50)"), N_("N") },
    { "crews", 0, 0, G_OPTION_ARG_INT, &crews, N_("Routes to build, one per crew (default: as many as the cap needs)"), N_("N") },
    { "zip", 0, 0, G_OPTION_ARG_STRING, &zip_text, N_("Only these ZIP codes, comma-separated"), N_("ZIP,…") },
    { "depot", 0, 0, G_OPTION_ARG_STRING, &depot_text, N_("Start and end every route here (default: the storm’s depot, if any)"), N_("LAT,LON") },
    { "pace", 0, 0, G_OPTION_ARG_DOUBLE, &pace, N_("Travel speed for the time estimate, km/h (default 4)"), N_("KMH") },
    { "minutes-per-door", 0, 0, G_OPTION_ARG_DOUBLE, &minutes, N_("Minutes spent at each door (default 4)"), N_("M") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed (default 1)"), N_("S") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("plan --storm CODE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  g_auto(GStrv) zips = NULL;
  g_auto(StormRoutePlanResult) result = { 0 };
  StormRoutePlanParams params;
  guint n_no_location = 0, n_over = 0;
  gint64 storm_id;

  g_option_context_set_summary (context,
                                _("Split the storm’s treat doors into crew routes of at most --cap doors and\n"
                                  "order each route. Locked routes are kept; the others become history."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2 || storm == NULL)
    return usage_error (_("usage: stormops routes plan --storm CODE [--cap N] [--crews N] [--zip Z,…] [--depot LAT,LON]"));
  if (cap < 0 || crews < 0 || seed < 0)
    return usage_error (_("--cap, --crews and --seed cannot be negative"));

  storm_route_plan_params_init (&params);
  params.doors_cap = (guint) cap;
  params.n_crews = (guint) crews;
  params.pace_kmh = pace;
  params.minutes_per_door = minutes;
  params.seed = (guint64) seed;
  params.actor = "cli";
  if (zip_text != NULL)
    {
      zips = g_strsplit (zip_text, ",", -1);
      for (guint i = 0; zips[i] != NULL; i++)
        g_strstrip (zips[i]);
      params.zips = (const char * const *) zips;
    }
  if (depot_text != NULL)
    {
      if (!parse_depot (depot_text, &params.depot_lat, &params.depot_lon))
        return usage_error (_("--depot must look like 32.7767,-96.7970: latitude, a comma, longitude"));
      params.has_depot = TRUE;
    }

  db = open_storm (db_path ? db_path : default_db, storm, &storm_id, &error);
  if (db == NULL)
    return fail (error);
  if (!storm_routes_plan (db, storm_id, &params, &result, NULL, NULL, &error))
    return fail (error);

  for (guint i = 0; i < result.unassigned->len; i++)
    if (g_array_index (result.unassigned, StormRouteUnassigned, i).reason == STORM_ROUTE_UNASSIGNED_NO_LOCATION)
      n_no_location++;
    else
      n_over++;
  if (result.all_properties)
    g_print (_("No policy has been applied to %s yet: routing every property but the universal control (%"
               G_GINT64_FORMAT " held out).\n"), storm, result.n_excluded_control);
  g_print (_("Plan               %" G_GINT64_FORMAT "\n"), result.plan_id);
  g_print (_("Doors to route     %" G_GINT64_FORMAT "\n"), result.n_candidates);
  g_print (_("Routes             %u new, %u locked kept (%" G_GINT64_FORMAT " doors)\n"),
           result.n_routes, result.n_locked_routes, result.n_on_locked);
  g_print (_("Doors routed       %" G_GINT64_FORMAT "\n"), result.n_routed);
  g_print (_("Unassigned         %u (no location %u, over crew capacity %u)\n"),
           result.unassigned->len, n_no_location, n_over);
  g_print (_("Distance           %.1f km\n"), result.total_km);
  return 0;
}

static int
routes_list (int         argc,
             char      **argv,
             const char *default_db)
{
  g_autofree char *db_path = NULL;
  g_autofree char *storm = NULL;
  gboolean all = FALSE;
  gint64 stops_of = 0;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "storm", 0, 0, G_OPTION_ARG_STRING, &storm, N_("Storm code"), N_("CODE") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Include the routes of earlier plans"), NULL },
    { "stops", 0, 0, G_OPTION_ARG_INT64, &stops_of, N_("List the stops of this route"), N_("ROUTE_ID") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("list --storm CODE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(GPtrArray) routes = NULL;
  gint64 storm_id;

  g_option_context_set_summary (context, _("List the storm’s routes, or the stops of one route."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2 || storm == NULL)
    return usage_error (_("usage: stormops routes list --storm CODE [--all] [--stops ROUTE_ID]"));

  db = open_storm (db_path ? db_path : default_db, storm, &storm_id, &error);
  if (db == NULL)
    return fail (error);

  if (stops_of != 0)
    {
      g_autoptr(StormRoute) route = storm_routes_get (db, stops_of, &error);
      g_autoptr(GPtrArray) stops = NULL;

      if (route == NULL)
        return fail (error);
      if (route->storm_id != storm_id)
        {
          g_set_error (&error, STORM_ERROR, STORM_ERROR_INVALID, _("Route %s is not a route of %s."), route->name, storm);
          return fail (error);
        }
      stops = storm_routes_get_stops (db, stops_of, &error);
      if (stops == NULL)
        return fail (error);
      g_print ("%4s  %-22s %-36s %-7s %10s %11s %7s\n", _("seq"), _("property"), _("address"), _("zip"),
               _("lat"), _("lon"), _("leg km"));
      for (guint i = 0; i < stops->len; i++)
        {
          StormRouteStop *s = stops->pdata[i];

          g_print ("%4u  %-22s %-36s %-7s %10.6f %11.6f %7.3f\n", s->seq, s->ext_id, s->address ? s->address : "",
                   s->zip ? s->zip : "", s->lat, s->lon, s->leg_km);
        }
      return 0;
    }

  routes = storm_routes_list (db, storm_id, all, &error);
  if (routes == NULL)
    return fail (error);
  if (routes->len == 0)
    {
      g_print (_("%s has no routes yet: run “stormops routes plan --storm %s”.\n"), storm, storm);
      return 0;
    }
  g_print ("%6s  %-16s %-14s %9s %8s %8s  %s\n", _("id"), _("name"), _("crew"), _("doors"), _("km"), _("minutes"), _("state"));
  for (guint i = 0; i < routes->len; i++)
    {
      StormRoute *r = routes->pdata[i];
      g_autofree char *doors = g_strdup_printf ("%u/%u", r->n_stops, r->doors_cap);

      g_print ("%6" G_GINT64_FORMAT "  %-16s %-14s %9s %8.2f %8.0f  %s%s\n", r->id, r->name, r->crew ? r->crew : "-",
               doors, r->total_km, r->est_minutes,
               r->is_current ? _("current") : _("history"), r->locked ? _(", locked") : "");
    }
  return 0;
}

static int
routes_export (int         argc,
               char      **argv,
               const char *default_db)
{
  g_autofree char *db_path = NULL;
  g_autofree char *storm = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *output = NULL;
  g_autofree char *paper_text = NULL;
  g_auto(GStrv) route_texts = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "storm", 0, 0, G_OPTION_ARG_STRING, &storm, N_("Storm code"), N_("CODE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text, N_("csv, gpx, geojson or pdf (route sheets to print)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to this file (default: standard output; for pdf, CODE-route-sheets.pdf here)"), N_("FILE") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper_text, N_("Paper of the route sheets: letter or a4 (default letter)"), N_("PAPER") },
    { "route", 0, 0, G_OPTION_ARG_STRING_ARRAY, &route_texts, N_("Only this route (repeat for more; default: all current routes)"), N_("ROUTE_ID") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("export --storm CODE --format csv|gpx|geojson|pdf"));
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  StormRouteExportFormat format = STORM_ROUTE_EXPORT_CSV;
  StormPaper paper = STORM_PAPER_LETTER;
  gboolean pdf;
  gint64 storm_id;

  g_option_context_set_summary (context,
                                _("Export routes: CSV (a row per stop), GPX 1.1 (a route per crew, for phone\n"
                                  "navigation), GeoJSON (stops and route lines, for GIS) or PDF (route sheets\n"
                                  "to print, one route per page, in each crew’s language)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2 || storm == NULL || format_text == NULL)
    return usage_error (_("usage: stormops routes export --storm CODE --format csv|gpx|geojson|pdf [--output FILE] [--route ID…]"));
  pdf = g_ascii_strcasecmp (format_text, "pdf") == 0;
  if (!pdf && !storm_route_export_format_from_string (format_text, &format))
    return usage_error (_("--format must be csv, gpx, geojson or pdf"));
  if (paper_text != NULL && (!pdf || !storm_paper_from_string (paper_text, &paper)))
    return usage_error (_("--paper goes with --format pdf and must be letter or a4"));
  for (guint i = 0; route_texts != NULL && route_texts[i] != NULL; i++)
    {
      char *end = NULL;
      gint64 id = g_ascii_strtoll (route_texts[i], &end, 10);

      if (end == route_texts[i] || *end != '\0' || id <= 0)
        return usage_error (_("--route takes a route id, as “stormops routes list” shows"));
      g_array_append_val (ids, id);
    }

  db = open_storm (db_path ? db_path : default_db, storm, &storm_id, &error);
  if (db == NULL)
    return fail (error);
  if (pdf)
    {
      g_autofree char *path = output ? g_strdup (output) : g_strdup_printf ("%s-route-sheets.pdf", storm);
      int n_pages = 0;

      if (!storm_route_sheets_write_pdf (db, storm_id, ids->len ? (gint64 *) (void *) ids->data : NULL, ids->len,
                                         paper, path, &n_pages, &error))
        return fail (error);
      g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %d page of route sheets to %s\n",
                            "Wrote %d pages of route sheets to %s\n", n_pages),
               n_pages, path);
      return 0;
    }
  if (output != NULL)
    {
      if (!storm_route_export_to_path (db, storm_id, ids->len ? (gint64 *) (void *) ids->data : NULL, ids->len,
                                       format, output, NULL, &error))
        return fail (error);
      g_printerr (_("Wrote %s\n"), output);
    }
  else
    {
      g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
      g_autoptr(GBytes) bytes = NULL;

      if (!storm_route_export (db, storm_id, ids->len ? (gint64 *) (void *) ids->data : NULL, ids->len,
                               format, memory, NULL, &error) ||
          !g_output_stream_close (memory, NULL, &error))
        return fail (error);
      bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
      if (fwrite (g_bytes_get_data (bytes, NULL), 1, g_bytes_get_size (bytes), stdout) != g_bytes_get_size (bytes) ||
          fflush (stdout) != 0)
        {
          g_printerr (_("stormops: cannot write the export to standard output\n"));
          return 1;
        }
    }
  return 0;
}

int
storm_cli_routes (int         argc,
                  char      **argv,
                  const char *default_db)
{
  const char *action = argc > 1 ? argv[1] : NULL;

  if (g_strcmp0 (action, "plan") == 0)
    return routes_plan (argc, argv, default_db);
  if (g_strcmp0 (action, "list") == 0)
    return routes_list (argc, argv, default_db);
  if (g_strcmp0 (action, "export") == 0)
    return routes_export (argc, argv, default_db);
  return usage_error (_("usage: stormops routes plan|list|export --storm CODE … (add --help after one of them)"));
}
