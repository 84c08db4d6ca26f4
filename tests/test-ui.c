/* The window, driven the way a person would: every dashboard and phase,
 * a search in Jobs, a selected property, a narrow window, a screenshot.
 * Runs under Xvfb with GSETTINGS_BACKEND=memory. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "storm-agent-jobs-view.h"
#include "storm-attribution-view.h"
#include "storm-capture.h"
#include "storm-empty-page.h"
#include "storm-error.h"
#include "storm-import.h"
#include "storm-jobs-view.h"
#include "storm-nurture-view.h"
#include "storm-ops-health-view.h"
#include "storm-packages-view.h"
#include "storm-phases-page.h"
#include "storm-preferences-window.h"
#include "storm-routes-view.h"
#include "storm-property-details.h"
#include "storm-results-view.h"
#include "storm-sales-leak-view.h"
#include "storm-store-storms.h"
#include "storm-target-view.h"
#include "storm-window-private.h"

#define STORM_CODE "UI_TEST_STORM"

/* Five properties around downtown Dallas and one hail report among them:
 * enough to search, select and check every field of the details pane. */
static const char *properties_sql =
  "INSERT INTO properties (ext_id, address, city, state, zip, lat, lon, year_built, roof_age, value) VALUES "
  "  ('prop_00001', '2612 Commerce St', 'Dallas', 'TX', '75226', 32.782728, -96.785576, 1998, 12, 245000),"
  "  ('prop_00002', '3707 Greenville Ave', 'Dallas', 'TX', '75206', 32.83198, -96.770145, NULL, NULL, NULL),"
  "  ('prop_00003', '1923 Greenville Ave', 'Dallas', 'TX', '75206', 32.81414, -96.77078, 1975, 30, 180000),"
  "  ('prop_00004', '2807 Elm St', 'Dallas', 'TX', '75226', 32.78437, -96.78306, 2005, 4, 320000),"
  "  ('prop_00005', '5100 Belt Line Rd', 'Addison', 'TX', '75254', 32.95407, -96.82621, 1989, 20, 410000);"
  "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate) "
  "  SELECT ?1, id, CASE ext_id WHEN 'prop_00001' THEN 0.124 WHEN 'prop_00002' THEN NULL "
  "                  WHEN 'prop_00003' THEN -0.02 ELSE 0.05 END, "
  "         CASE ext_id WHEN 'prop_00002' THEN NULL ELSE 0.08 END "
  "  FROM properties;"
  "INSERT INTO storm_reports (storm_id, at, kind, magnitude, unit, location, county, state, lat, lon, source, dedup_key) "
  "  VALUES (?1, '2024-05-24T22:10:00Z', 'hail', 1.75, 'in', 'DEEP ELLUM', 'DALLAS', 'TX', 32.7840, -96.7800, "
  "          'test', 'ui-test-1');";

typedef struct
{
  char        *dir;
  char        *db_path;
  StormStore  *store;
  StormWindow *window;
} Fixture;

static void
run_until (gboolean (*done) (gpointer), gpointer data)
{
  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
window_idle (gpointer data)
{
  return gtk_widget_get_mapped (data) && !storm_window_get_busy (data);
}

static void
frame_painted_cb (GdkFrameClock *clock,
                  gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Waits until the window has drawn a frame with its current state. */
static void
wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong id;

  id = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_painted_cb), &painted);
  gtk_widget_queue_draw (widget);
  run_until (is_true, &painted);
  g_signal_handler_disconnect (clock, id);
}

static void
create_database (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  StormStormSpec spec = {
    .code = STORM_CODE,
    .name = "Deep Ellum hail, May 24",
    .kind = "hail",
    .region = "TX",
  };
  const char *tail;
  const char *sql = properties_sql;
  gint64 storm_id;

  db = storm_db_open (path, &error);
  g_assert_no_error (error);
  storm_id = storm_db_ensure_storm (db, &spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (storm_id, >, 0);

  while (sql != NULL && sql[0] != '\0')
    {
      g_assert_cmpint (sqlite3_prepare_v2 (storm_db_handle (db), sql, -1, &stmt, &tail), ==, SQLITE_OK);
      if (stmt == NULL)
        break;
      sqlite3_bind_int64 (stmt, 1, storm_id);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      g_clear_pointer (&stmt, sqlite3_finalize);
      sql = tail;
    }

  g_assert_true (storm_exposure_compute (db, storm_id, STORM_EXPOSURE_RADIUS_KM, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("stormops-ui-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "stormops.db", NULL);
  create_database (fixture->db_path);

  fixture->store = storm_store_open (fixture->db_path, &error);
  g_assert_no_error (error);
  fixture->window = storm_window_new (NULL, fixture->store);
  storm_window_set_load_demo_when_empty (fixture->window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  run_until (window_idle, fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->db_path, "-shm", NULL);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->store);
  g_unlink (fixture->db_path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->dir);
  g_free (fixture->db_path);
  g_free (fixture->dir);
}

static gpointer
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (widget, type, name);

  g_assert_nonnull (object);
  return object;
}

static const char *
label_text (gpointer    widget,
            GType       type,
            const char *name)
{
  return gtk_label_get_label (child (widget, type, name));
}

static void
test_window_storm (Fixture       *fixture,
                   gconstpointer  data)
{
  StormStorm *storm = storm_window_get_storm (fixture->window);
  GtkDropDown *dropdown = child (fixture->window, STORM_TYPE_WINDOW, "storm_dropdown");

  g_assert_nonnull (storm);
  g_assert_cmpstr (storm_storm_get_code (storm), ==, STORM_CODE);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 1);
  g_assert_false (gtk_revealer_get_reveal_child (child (fixture->window, STORM_TYPE_WINDOW, "demo_revealer")));
  /* The window opens on Storm phases, at the Jobs phase. */
  g_assert_cmpstr (storm_window_get_page (fixture->window), ==, "storm-phases");
  g_assert_cmpstr (storm_window_get_phase (fixture->window), ==, "jobs");
}

static void
test_window_pages (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char * const pages[] = {
    "storm-phases", "ops-health", "sales-leak", "results-ledger", "packages", "agent-jobs",
  };
  GtkStack *stack = child (fixture->window, STORM_TYPE_WINDOW, "stack");
  GtkStack *title_stack = child (fixture->window, STORM_TYPE_WINDOW, "title_stack");
  GtkListBox *sidebar = child (fixture->window, STORM_TYPE_WINDOW, "sidebar_list");

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *visible;

      g_assert_true (storm_window_set_page (fixture->window, pages[i]));
      wait_for_frame (GTK_WIDGET (fixture->window));
      g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, pages[i]);
      g_assert_cmpstr (storm_window_get_page (fixture->window), ==, pages[i]);
      g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (gtk_list_box_get_selected_row (sidebar))), ==, pages[i]);
      /* The sidebar lists the dashboards in the designed order. */
      g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (sidebar)), ==, i);

      visible = gtk_stack_get_visible_child (stack);
      if (i == 0)
        {
          g_assert_true (STORM_IS_PHASES_PAGE (visible));
          g_assert_cmpstr (gtk_stack_get_visible_child_name (title_stack), ==, "switcher");
        }
      else
        {
          if (g_str_equal (pages[i], "ops-health"))
            g_assert_true (STORM_IS_OPS_HEALTH_VIEW (visible));
          else if (g_str_equal (pages[i], "agent-jobs"))
            g_assert_true (STORM_IS_AGENT_JOBS_VIEW (visible));
          else if (g_str_equal (pages[i], "sales-leak"))
            g_assert_true (STORM_IS_SALES_LEAK_VIEW (visible));
          else if (g_str_equal (pages[i], "results-ledger"))
            g_assert_true (STORM_IS_RESULTS_VIEW (visible));
          else
            g_assert_true (STORM_IS_PACKAGES_VIEW (visible));
          g_assert_cmpstr (gtk_stack_get_visible_child_name (title_stack), ==, "title");
        }
    }
  g_assert_false (storm_window_set_page (fixture->window, "no-such-page"));
  g_assert_cmpstr (storm_window_get_page (fixture->window), ==, "agent-jobs");
}

static void
test_window_phases (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char * const phases[] = { "target", "attribution", "routes", "jobs", "nurture" };
  StormPhasesPage *page = child (fixture->window, STORM_TYPE_WINDOW, "phases");
  AdwViewStack *stack = storm_phases_page_get_stack (page);

  storm_window_set_page (fixture->window, "ops-health");
  for (guint i = 0; i < G_N_ELEMENTS (phases); i++)
    {
      GtkWidget *visible;

      g_assert_true (storm_window_set_phase (fixture->window, phases[i]));
      wait_for_frame (GTK_WIDGET (fixture->window));
      /* Choosing a phase shows the Storm phases page. */
      g_assert_cmpstr (storm_window_get_page (fixture->window), ==, "storm-phases");
      g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, phases[i]);
      visible = adw_view_stack_get_visible_child (stack);
      if (g_str_equal (phases[i], "target"))
        {
          /* The phase views are told the selected storm. */
          g_assert_true (STORM_IS_TARGET_VIEW (visible));
          g_assert_cmpint (storm_target_view_get_storm (STORM_TARGET_VIEW (visible)), >, 0);
        }
      else if (g_str_equal (phases[i], "attribution"))
        g_assert_true (STORM_IS_ATTRIBUTION_VIEW (visible));
      else if (g_str_equal (phases[i], "jobs"))
        g_assert_true (STORM_IS_JOBS_VIEW (visible));
      else if (g_str_equal (phases[i], "routes"))
        g_assert_true (STORM_IS_ROUTES_VIEW (visible));
      else if (g_str_equal (phases[i], "nurture"))
        g_assert_true (STORM_IS_NURTURE_VIEW (visible));
      else
        g_assert_not_reached ();
    }
  g_assert_false (storm_window_set_phase (fixture->window, "no-such-phase"));
}

static void
test_window_search (Fixture       *fixture,
                    gconstpointer  data)
{
  StormPhasesPage *page = child (fixture->window, STORM_TYPE_WINDOW, "phases");
  StormJobsView *jobs = child (page, STORM_TYPE_PHASES_PAGE, "jobs");
  GListModel *list = G_LIST_MODEL (storm_jobs_view_get_properties (jobs));
  GtkStack *list_stack = child (jobs, STORM_TYPE_JOBS_VIEW, "list_stack");

  storm_window_set_phase (fixture->window, "jobs");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 5);
  g_assert_cmpstr (label_text (jobs, STORM_TYPE_JOBS_VIEW, "count_label"), ==, "5 properties");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (list_stack), ==, "list");

  /* By address */
  storm_window_set_search (fixture->window, "greenville");
  run_until (window_idle, fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  g_assert_cmpstr (label_text (jobs, STORM_TYPE_JOBS_VIEW, "count_label"), ==, "2 matches");

  /* By ZIP, from its start */
  storm_window_set_search (fixture->window, "7522");
  run_until (window_idle, fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);

  /* By id */
  storm_window_set_search (fixture->window, "prop_00005");
  run_until (window_idle, fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);

  storm_window_set_search (fixture->window, "no such street");
  run_until (window_idle, fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (list_stack), ==, "no-matches");
  g_assert_cmpstr (label_text (jobs, STORM_TYPE_JOBS_VIEW, "count_label"), ==, "0 matches");

  storm_window_set_search (fixture->window, "");
  run_until (window_idle, fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 5);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (list_stack), ==, "list");
}

static void
test_window_details (Fixture       *fixture,
                     gconstpointer  data)
{
  StormPhasesPage *page = child (fixture->window, STORM_TYPE_WINDOW, "phases");
  StormJobsView *jobs = child (page, STORM_TYPE_PHASES_PAGE, "jobs");
  StormPropertyDetails *details = child (jobs, STORM_TYPE_JOBS_VIEW, "details");
  GtkSingleSelection *selection = child (jobs, STORM_TYPE_JOBS_VIEW, "selection");
  GType type = STORM_TYPE_PROPERTY_DETAILS;

  storm_window_set_phase (fixture->window, "jobs");

  /* The first property is selected from the start. */
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  g_assert_cmpstr (label_text (details, type, "id_label"), ==, "prop_00001");
  g_assert_cmpstr (label_text (details, type, "title_label"), ==, "2612 Commerce St");
  g_assert_cmpstr (label_text (details, type, "subtitle_label"), ==, "prop_00001 · Dallas 75226");
  g_assert_cmpstr (label_text (details, type, "place_label"), ==, "Dallas, TX 75226");
  g_assert_cmpstr (label_text (details, type, "coordinates_label"), ==, "32.78273, -96.78558");
  g_assert_cmpstr (label_text (details, type, "year_built_label"), ==, "1998");
  g_assert_cmpstr (label_text (details, type, "roof_age_label"), ==, "12 years");
  g_assert_cmpstr (label_text (details, type, "value_label"), ==, "$245,000");
  g_assert_cmpstr (label_text (details, type, "uplift_label"), ==, "0.124 (+12.4 points)");
  g_assert_cmpstr (label_text (details, type, "base_rate_label"), ==, "8.0%");
  /* The one report is about 0.5 km east of the property. */
  g_assert_cmpstr (label_text (details, type, "hail_distance_label"), ==, "0.5 km away");
  g_assert_cmpstr (label_text (details, type, "hail_max_label"), ==, "1.75 in");
  g_assert_cmpstr (adw_action_row_get_subtitle (child (details, type, "nearest_row")), ==,
                   "hail 1.75 in, DEEP ELLUM, 2024-05-24T22:10:00Z");

  /* Unknowns say so. */
  gtk_single_selection_set_selected (selection, 1);
  wait_for_frame (GTK_WIDGET (fixture->window));
  g_assert_cmpstr (label_text (details, type, "id_label"), ==, "prop_00002");
  g_assert_cmpstr (label_text (details, type, "year_built_label"), ==, "Unknown");
  g_assert_cmpstr (label_text (details, type, "roof_age_label"), ==, "Unknown");
  g_assert_cmpstr (label_text (details, type, "value_label"), ==, "Unknown");
  g_assert_cmpstr (label_text (details, type, "uplift_label"), ==, "Unknown");
  g_assert_cmpstr (label_text (details, type, "base_rate_label"), ==, "Unknown");

  /* The farthest property has no hail within 5 km. */
  gtk_single_selection_set_selected (selection, 4);
  g_assert_cmpstr (label_text (details, type, "id_label"), ==, "prop_00005");
  g_assert_cmpstr (label_text (details, type, "hail_max_label"), ==, "None within 5 km");
}

static gboolean
leaflet_folded (gpointer data)
{
  return adw_leaflet_get_folded (data);
}

static void
test_window_narrow_screenshot (Fixture       *fixture,
                               gconstpointer  data)
{
  AdwLeaflet *leaflet = child (fixture->window, STORM_TYPE_WINDOW, "leaflet");
  StormPhasesPage *page = child (fixture->window, STORM_TYPE_WINDOW, "phases");
  StormJobsView *jobs = child (page, STORM_TYPE_PHASES_PAGE, "jobs");
  AdwLeaflet *jobs_leaflet = child (jobs, STORM_TYPE_JOBS_VIEW, "leaflet");
  g_autoptr(GError) error = NULL;
  const char *wide = "test-ui-wide.png";
  const char *narrow = "test-ui-narrow.png";
  gboolean captured;
  GStatBuf st;

  storm_window_set_phase (fixture->window, "jobs");
  wait_for_frame (GTK_WIDGET (fixture->window));
  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_false (adw_leaflet_get_folded (jobs_leaflet));
  captured = storm_capture_widget_png (GTK_WIDGET (fixture->window), wide, &error);
  g_assert_no_error (error);
  g_assert_true (captured);
  g_assert_cmpint (g_stat (wide, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 600, 800);
  run_until (leaflet_folded, leaflet);
  wait_for_frame (GTK_WIDGET (fixture->window));
  /* Folded, the window shows the content with the list of properties. */
  g_assert_true (adw_leaflet_get_folded (jobs_leaflet));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "content");
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (jobs_leaflet), ==, "list");

  /* Activating a row opens its details; the back button returns. */
  g_signal_emit_by_name (child (jobs, STORM_TYPE_JOBS_VIEW, "list_view"), "activate", 2);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (jobs_leaflet), ==, "details");
  g_assert_cmpstr (label_text (child (jobs, STORM_TYPE_JOBS_VIEW, "details"), STORM_TYPE_PROPERTY_DETAILS,
                               "id_label"), ==, "prop_00003");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (jobs), "jobs.show-list", NULL));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (jobs_leaflet), ==, "list");

  wait_for_frame (GTK_WIDGET (fixture->window));
  captured = storm_capture_widget_png (GTK_WIDGET (fixture->window), narrow, &error);
  g_assert_no_error (error);
  g_assert_true (captured);
  g_assert_cmpint (g_stat (narrow, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);
  g_test_message ("screenshots: %s, %s", wide, narrow);
}

static AdwMessageDialog *
find_message_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_window_get_transient_for (GTK_WINDOW (window)) == parent)
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* Imports run on a worker with a progress bar; the views follow. */
static void
test_window_import (Fixture       *fixture,
                    gconstpointer  data)
{
  StormPhasesPage *page = child (fixture->window, STORM_TYPE_WINDOW, "phases");
  StormJobsView *jobs = child (page, STORM_TYPE_PHASES_PAGE, "jobs");
  GListModel *list = G_LIST_MODEL (storm_jobs_view_get_properties (jobs));
  GtkDropDown *dropdown = child (fixture->window, STORM_TYPE_WINDOW, "storm_dropdown");
  GtkRevealer *operation = child (fixture->window, STORM_TYPE_WINDOW, "operation_revealer");
  const char *shared = g_getenv ("STORMOPS_SHARED_DATA");
  g_autofree char *addresses = NULL;
  g_autofree char *reports = NULL;
  g_autofree char *bad = g_build_filename (fixture->dir, "bad.csv", NULL);
  AdwMessageDialog *dialog;

  g_assert_nonnull (shared);
  addresses = g_build_filename (shared, "addresses", "dallas.csv", NULL);
  reports = g_build_filename (shared, "spc-storm-reports", "today.csv", NULL);

  /* 34 Dallas addresses join the 5 properties of the storm. */
  _storm_window_start_import (fixture->window, STORM_IMPORT_PROPERTIES, addresses, "dallas.csv",
                              STORM_CODE, NULL);
  g_assert_true (storm_window_get_busy (fixture->window));
  g_assert_true (gtk_revealer_get_reveal_child (operation));
  run_until (window_idle, fixture->window);
  g_assert_false (gtk_revealer_get_reveal_child (operation));
  g_assert_null (find_message_dialog (GTK_WINDOW (fixture->window)));
  g_assert_cmpstr (storm_storm_get_code (storm_window_get_storm (fixture->window)), ==, STORM_CODE);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 39);
  g_assert_cmpstr (label_text (jobs, STORM_TYPE_JOBS_VIEW, "count_label"), ==, "39 properties");

  /* Reports without a storm code start a storm named after the file,
   * which the window then shows. */
  _storm_window_start_import (fixture->window, STORM_IMPORT_REPORTS, reports, "today.csv", NULL, NULL);
  run_until (window_idle, fixture->window);
  g_assert_null (find_message_dialog (GTK_WINDOW (fixture->window)));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 2);
  g_assert_cmpstr (storm_storm_get_code (storm_window_get_storm (fixture->window)), ==, "SPC_TODAY");
  g_assert_cmpint (storm_storm_get_n_reports (storm_window_get_storm (fixture->window)), ==, 301);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (jobs, STORM_TYPE_JOBS_VIEW, "list_stack")), ==,
                   "empty");

  /* A bad file: a dialog names the line, and nothing is kept. */
  storm_window_select_storm (fixture->window, STORM_CODE);
  run_until (window_idle, fixture->window);
  g_assert_true (g_file_set_contents (bad,
                                      "id,address,city,zip,lat,lon\n"
                                      "prop_90001,1 Elm St,Dallas,75201,32.78,-96.80\n"
                                      "prop_90002,2 Elm St,Dallas,75201,abc,-96.80\n",
                                      -1, NULL));
  _storm_window_start_import (fixture->window, STORM_IMPORT_PROPERTIES, bad, "bad.csv", STORM_CODE, NULL);
  run_until (window_idle, fixture->window);
  dialog = find_message_dialog (GTK_WINDOW (fixture->window));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import Failed");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "bad.csv:3"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "lat"));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 39);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_unlink (bad);
}

/* A file that is not a StormOps database is shown as an error and left
 * exactly as it was. */
static void
test_window_open_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stormops-ui-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.db", NULL);
  g_autofree char *after = NULL;
  const char *content = "These are not the storms you are looking for.\n";
  StormStore *store;
  StormWindow *window;
  AdwStatusPage *status;

  g_assert_true (g_file_set_contents (path, content, -1, NULL));
  store = storm_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_A_DATABASE);

  window = storm_window_new (NULL, NULL);
  storm_window_show_open_error (window, path, error);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_frame (GTK_WIDGET (window));

  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, STORM_TYPE_WINDOW, "main_stack")), ==, "error");
  status = child (window, STORM_TYPE_WINDOW, "error_page");
  g_assert_cmpstr (adw_status_page_get_description (status), ==, error->message);
  g_assert_cmpstr (label_text (window, STORM_TYPE_WINDOW, "error_path_label"), ==, path);
  g_assert_false (storm_window_get_busy (window));

  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, content);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

/* An empty database, with the demo switched off, says there is no storm. */
static void
test_window_no_storms (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("stormops-ui-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "empty.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(StormStore) store = NULL;
  StormWindow *window;
  StormPhasesPage *page;
  StormJobsView *jobs;

  store = storm_store_open (path, &error);
  g_assert_no_error (error);
  window = storm_window_new (NULL, store);
  storm_window_set_load_demo_when_empty (window, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  run_until (window_idle, window);

  page = child (window, STORM_TYPE_WINDOW, "phases");
  jobs = child (page, STORM_TYPE_PHASES_PAGE, "jobs");
  g_assert_null (storm_window_get_storm (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (jobs, STORM_TYPE_JOBS_VIEW, "list_stack")), ==,
                   "no-storm");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

static void
test_no_display (void)
{
  g_test_skip ("no display: run the suite with build-aux/stormops-dev test, which uses Xvfb");
}

/* Preferences: the HTTP API rows follow the settings, and the window
 * renders (test-ui-preferences.png). Without the application no server
 * runs here; tests/test-api-control.c covers the server. */
static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  StormPreferencesWindow *prefs = storm_preferences_window_new (NULL, "/tmp/stormops.db");
  GtkSwitch *api_switch = child (prefs, STORM_TYPE_PREFERENCES_WINDOW, "api_switch");
  gboolean captured;

  gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 1000);
  gtk_window_present (GTK_WINDOW (prefs));
  wait_for_frame (GTK_WIDGET (prefs));
  g_assert_false (gtk_switch_get_active (api_switch));
  g_settings_set_boolean (settings, "api-enabled", TRUE);
  g_assert_true (gtk_switch_get_active (api_switch));
  gtk_switch_set_active (api_switch, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "api-enabled"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (prefs, STORM_TYPE_PREFERENCES_WINDOW, "api_address_row"))),
                   ==, "127.0.0.1");
  g_assert_cmpstr (adw_action_row_get_subtitle (child (prefs, STORM_TYPE_PREFERENCES_WINDOW, "api_status_row")),
                   ==, "Not available in this window.");

  wait_for_frame (GTK_WIDGET (prefs));
  captured = storm_capture_widget_png (GTK_WIDGET (prefs), "test-ui-preferences.png", &error);
  g_assert_no_error (error);
  g_assert_true (captured);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

int
main (int   argc,
      char *argv[])
{
  /* No accessibility bus under Xvfb; its absence is not what is tested. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ui/display", test_no_display);
      return g_test_run ();
    }
  adw_init ();

  g_test_add ("/ui/window/storm", Fixture, NULL, fixture_set_up, test_window_storm, fixture_tear_down);
  g_test_add ("/ui/window/pages", Fixture, NULL, fixture_set_up, test_window_pages, fixture_tear_down);
  g_test_add ("/ui/window/phases", Fixture, NULL, fixture_set_up, test_window_phases, fixture_tear_down);
  g_test_add ("/ui/window/search", Fixture, NULL, fixture_set_up, test_window_search, fixture_tear_down);
  g_test_add ("/ui/window/details", Fixture, NULL, fixture_set_up, test_window_details, fixture_tear_down);
  g_test_add ("/ui/window/narrow-screenshot", Fixture, NULL, fixture_set_up,
              test_window_narrow_screenshot, fixture_tear_down);
  g_test_add ("/ui/window/import", Fixture, NULL, fixture_set_up, test_window_import, fixture_tear_down);
  g_test_add_func ("/ui/window/open-error", test_window_open_error);
  g_test_add_func ("/ui/window/no-storms", test_window_no_storms);
  g_test_add_func ("/ui/preferences", test_preferences);

  return g_test_run ();
}
