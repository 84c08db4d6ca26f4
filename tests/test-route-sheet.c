#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storm-i18n.h"
#include "storm-route-sheet.h"

static StormSheetRoute *
make_route (const char *name,
            const char *language,
            int         n_stops)
{
  StormSheetRoute *route = storm_sheet_route_new ();

  route->storm_name = g_strdup ("Dallas–Fort Worth hail, 2024-04-28 (demo)");
  route->route_name = g_strdup (name);
  route->crew = g_strdup ("Crew Martínez");
  route->date = g_strdup ("2024-04-29");
  route->language = g_strdup (language);
  route->km = 7.4;
  route->minutes = 265;
  route->depot_lat = 32.80;
  route->depot_lon = -96.80;
  for (int i = 1; i <= n_stops; i++)
    {
      g_autofree char *address = g_strdup_printf ("%d Mockingbird Ln, Dallas 75205", 4800 + i * 2);
      g_autofree char *ext = g_strdup_printf ("prop_%05d", 1000 + i);

      g_ptr_array_add (route->stops,
                       storm_sheet_stop_new (i, address, ext, i % 3 == 0 ? "Revisit, evening" : "Knock",
                                             32.80 + 0.001 * i * sin (i), -96.80 + 0.001 * i * cos (i)));
    }
  return route;
}

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
test_pages_and_content (void)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_sheet_route_free);
  g_autofree char *dir = g_dir_make_tmp ("stormops-sheet-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "sheets.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  int pages = 0, first_route_pages;
  double w, h;

  g_ptr_array_add (routes, make_route ("Route 1", "en", 50));
  g_ptr_array_add (routes, make_route ("Route 2", "en", 5));
  storm_paper_size (STORM_PAPER_LETTER, &w, &h);
  first_route_pages = storm_sheet_route_n_pages (routes->pdata[0], h);
  g_assert_cmpint (first_route_pages, >=, 2);
  g_assert_cmpint (storm_sheet_route_n_pages (routes->pdata[1], h), ==, 1);

  g_assert_true (storm_sheets_write_pdf (routes, STORM_PAPER_LETTER, pdf, &pages, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pages, ==, first_route_pages + 1);
  g_assert_cmpint (pdf_pages (pdf), ==, pages);

  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "Route sheet — Route 1"));
  g_assert_nonnull (strstr (text, "Route sheet — Route 2"));
  g_assert_nonnull (strstr (text, "(continued)"));
  g_assert_nonnull (strstr (text, "Crew Martínez"));
  g_assert_nonnull (strstr (text, "Doors: 50"));
  /* every stop is on the sheets, in order, with its id */
  g_assert_nonnull (strstr (text, "4802 Mockingbird Ln"));
  g_assert_nonnull (strstr (text, "4900 Mockingbird Ln"));
  g_assert_nonnull (strstr (text, "prop_01050"));
  g_assert_true (strstr (text, "prop_01001") < strstr (text, "prop_01002"));
  g_assert_nonnull (strstr (text, "Revisit, evening"));
  {
    g_autofree char *last = g_strdup_printf ("Page %d of %d", pages, pages);
    g_assert_nonnull (strstr (text, last));
  }

  if (g_getenv ("STORMOPS_KEEP_SHEETS") == NULL)
    {
      g_remove (pdf);
      g_rmdir (dir);
    }
  else
    g_print ("# sheets kept at %s\n", pdf);
}

static void
test_a4 (void)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_sheet_route_free);
  g_autofree char *dir = g_dir_make_tmp ("stormops-sheet-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "a4.pdf", NULL);
  g_autofree char *cmd = g_strdup_printf ("pdfinfo '%s'", pdf);
  g_autofree char *info = NULL;

  g_ptr_array_add (routes, make_route ("Route 3", "en", 12));
  g_assert_true (storm_sheets_write_pdf (routes, STORM_PAPER_A4, pdf, NULL, NULL));
  g_assert_true (g_spawn_command_line_sync (cmd, &info, NULL, NULL, NULL));
  g_assert_nonnull (strstr (info, "595.276 x 841.89 pts (A4)"));
  g_remove (pdf);
  g_rmdir (dir);
}

static void
test_spanish_crew (void)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_sheet_route_free);
  g_autofree char *dir = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;

  if (!storm_language_available ("es"))
    {
      g_test_skip ("no Spanish locale on this system (build-aux/stormops-dev generates es_ES.UTF-8)");
      return;
    }
  dir = g_dir_make_tmp ("stormops-sheet-XXXXXX", NULL);
  pdf = g_build_filename (dir, "es.pdf", NULL);
  g_ptr_array_add (routes, make_route ("Ruta 4", "es", 8));
  g_assert_true (storm_sheets_write_pdf (routes, STORM_PAPER_LETTER, pdf, NULL, NULL));
  text = pdf_text (pdf);
  /* the crew reads Spanish whatever the office's locale */
  g_assert_nonnull (strstr (text, "Hoja de ruta — Ruta 4"));
  g_assert_nonnull (strstr (text, "Puertas: 8"));
  g_assert_nonnull (strstr (text, "Página 1 de 1"));
  g_assert_null (strstr (text, "Route sheet"));
  g_remove (pdf);
  g_rmdir (dir);
}

static void
test_no_routes (void)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (storm_sheets_write_pdf (routes, STORM_PAPER_LETTER, "/nonexistent/x.pdf", NULL, &error));
  g_assert_nonnull (error);
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

  g_test_add_func ("/route-sheet/pages-and-content", test_pages_and_content);
  g_test_add_func ("/route-sheet/a4", test_a4);
  g_test_add_func ("/route-sheet/spanish-crew", test_spanish_crew);
  g_test_add_func ("/route-sheet/no-routes", test_no_routes);

  return g_test_run ();
}
