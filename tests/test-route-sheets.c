/* Route sheets from the store: a real plan over the routes fixture's
 * north Dallas storm, written to PDF and read back with pdftotext and
 * pdfinfo (poppler-utils). */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "storm-error.h"
#include "storm-i18n.h"
#include "storm-route-sheets.h"
#include "storm-routes.h"
#include "routes-test-util.h"

#define N_PROPS 300

static char *
pdf_text (const char *pdf)
{
  g_autofree char *cmd = g_strdup_printf ("pdftotext -layout '%s' -", pdf);
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  return out;
}

static int
pdf_pages (const char *pdf)
{
  g_autofree char *cmd = g_strdup_printf ("pdfinfo '%s'", pdf);
  g_autofree char *out = NULL;
  const char *line;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  line = strstr (out, "Pages:");
  g_assert_nonnull (line);
  return atoi (line + 6);
}

static void
setup_planned (RoutesFixture *f,
               gconstpointer  data)
{
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autoptr(GError) error = NULL;

  routes_fixture_setup (f, data);
  routes_fixture_add_storm (f, N_PROPS);
  routes_fixture_apply_policy (f);
  storm_route_plan_params_init (&params);
  params.doors_cap = 40;
  params.has_depot = TRUE;
  params.depot_lat = 32.84;
  params.depot_lon = -96.80;
  params.actor = "test";
  g_assert_true (storm_routes_plan (f->db, f->storm_id, &params, &result, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_routes, >=, 2);
}

static gboolean
contains_line (const char *text,
               const char *address)
{
  return strstr (text, address) != NULL;
}

static void
test_build (RoutesFixture *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = storm_routes_list (f->db, f->storm_id, FALSE, NULL);
  g_autoptr(GPtrArray) sheets = NULL;
  g_autoptr(GError) error = NULL;

  sheets = storm_route_sheets_build (f->db, f->storm_id, NULL, 0, "2024-04-29", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheets->len, ==, routes->len);
  for (guint i = 0; i < sheets->len; i++)
    {
      StormSheetRoute *sheet = sheets->pdata[i];
      StormRoute *route = routes->pdata[i];
      g_autoptr(GPtrArray) stops = storm_routes_get_stops (f->db, route->id, NULL);

      g_assert_cmpstr (sheet->storm_name, ==, "Routes test storm");
      g_assert_cmpstr (sheet->route_name, ==, route->name);
      g_assert_cmpstr (sheet->date, ==, "2024-04-29");
      g_assert_cmpstr (sheet->language, ==, "en");
      g_assert_cmpfloat (sheet->km, ==, route->total_km);
      g_assert_cmpfloat (sheet->minutes, ==, route->est_minutes);
      g_assert_cmpfloat (sheet->depot_lat, ==, 32.84);
      g_assert_cmpuint (sheet->stops->len, ==, stops->len);
      for (guint s = 0; s < stops->len; s++)
        {
          StormSheetStop *ss = sheet->stops->pdata[s];
          StormRouteStop *rs = stops->pdata[s];

          g_assert_cmpint (ss->seq, ==, (int) rs->seq);
          g_assert_cmpstr (ss->ext_id, ==, rs->ext_id);
          g_assert_cmpstr (ss->address, ==, rs->address);
          /* treated, never contacted: the first rule is a knock */
          g_assert_cmpstr (ss->action, ==, "Knock");
        }
    }
}

static void
test_pdf (RoutesFixture *f,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = storm_routes_list (f->db, f->storm_id, FALSE, NULL);
  g_autoptr(GPtrArray) sheets = storm_route_sheets_build (f->db, f->storm_id, NULL, 0, NULL, NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "sheets.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  int n_pages = 0, expected = 0;
  double width, height;

  storm_paper_size (STORM_PAPER_LETTER, &width, &height);
  for (guint i = 0; i < sheets->len; i++)
    expected += storm_sheet_route_n_pages (sheets->pdata[i], height);
  /* 40 doors do not fit on one Letter page */
  g_assert_cmpint (expected, >, (int) routes->len);

  g_assert_true (storm_route_sheets_write_pdf (f->db, f->storm_id, NULL, 0, STORM_PAPER_LETTER, pdf, &n_pages, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_pages, ==, expected);
  g_assert_cmpint (pdf_pages (pdf), ==, expected);

  text = pdf_text (pdf);
  g_assert_true (contains_line (text, "Routes test storm"));
  for (guint i = 0; i < routes->len; i++)
    {
      StormRoute *route = routes->pdata[i];
      g_autoptr(GPtrArray) stops = storm_routes_get_stops (f->db, route->id, NULL);
      g_autofree char *title = g_strdup_printf ("Route sheet — %s", route->name);

      g_assert_true (contains_line (text, title));
      for (guint s = 0; s < stops->len; s++)
        {
          StormRouteStop *stop = stops->pdata[s];

          g_assert_true (contains_line (text, stop->address));
          g_assert_true (contains_line (text, stop->ext_id));
        }
    }
}

static void
test_chosen_routes (RoutesFixture *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = storm_routes_list (f->db, f->storm_id, FALSE, NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "one.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  StormRoute *second = routes->pdata[1];
  StormRoute *first = routes->pdata[0];
  g_autofree char *other_title = g_strdup_printf ("Route sheet — %s", first->name);
  g_autofree char *title = g_strdup_printf ("Route sheet — %s", second->name);
  StormStormSpec spec = { .code = "OTHER", .name = "Other storm" };
  gint64 other;
  int n_pages = 0;

  g_assert_true (storm_route_sheets_write_pdf (f->db, f->storm_id, &second->id, 1, STORM_PAPER_A4, pdf, &n_pages,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpint (pdf_pages (pdf), ==, n_pages);
  text = pdf_text (pdf);
  g_assert_true (contains_line (text, title));
  g_assert_false (contains_line (text, other_title));

  /* a route of this storm asked for under another storm is refused */
  other = storm_db_ensure_storm (f->db, &spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (storm_route_sheets_write_pdf (f->db, other, &second->id, 1, STORM_PAPER_A4, pdf, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_clear_error (&error);
  /* a storm without routes has nothing to print */
  g_assert_false (storm_route_sheets_write_pdf (f->db, other, NULL, 0, STORM_PAPER_A4, pdf, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
}

static void
test_spanish_crew (RoutesFixture *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = storm_routes_list (f->db, f->storm_id, FALSE, NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "es.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  StormRoute *route = routes->pdata[0];
  g_autofree char *title = NULL;
  gint64 ids[2];

  if (!storm_language_available ("es"))
    {
      g_test_skip ("no Spanish locale on this system (build-aux/stormops-dev generates es_ES.UTF-8)");
      return;
    }
  g_assert_true (storm_routes_set_crew (f->db, route->id, "Cuadrilla Martínez", "es", &error));
  g_assert_no_error (error);
  ids[0] = route->id;
  ids[1] = ((StormRoute *) routes->pdata[1])->id;
  g_assert_true (storm_route_sheets_write_pdf (f->db, f->storm_id, ids, 2, STORM_PAPER_LETTER, pdf, NULL, &error));
  g_assert_no_error (error);
  text = pdf_text (pdf);
  title = g_strdup_printf ("Hoja de ruta — %s", route->name);
  g_assert_true (contains_line (text, title));
  g_assert_true (contains_line (text, "Cuadrilla Martínez"));
  /* the stop's next action in the crew's language */
  g_assert_true (contains_line (text, "Llamar a la puerta"));
  /* the English crew's sheet beside it stays English */
  g_assert_true (contains_line (text, "Route sheet — "));
  g_assert_true (contains_line (text, "Knock"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  if (g_getenv ("STORMOPS_LOCALEDIR") != NULL)
    bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STORMOPS_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/route-sheets/build", RoutesFixture, NULL, setup_planned, test_build, routes_fixture_teardown);
  g_test_add ("/route-sheets/pdf", RoutesFixture, NULL, setup_planned, test_pdf, routes_fixture_teardown);
  g_test_add ("/route-sheets/chosen-routes", RoutesFixture, NULL, setup_planned, test_chosen_routes,
              routes_fixture_teardown);
  g_test_add ("/route-sheets/spanish-crew", RoutesFixture, NULL, setup_planned, test_spanish_crew,
              routes_fixture_teardown);

  return g_test_run ();
}
