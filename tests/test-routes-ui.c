/* The Routes phase under Xvfb, on the demo storm: the empty states, the
 * route list against the store, selection shared with the map, manual
 * edits (a refused move into a full route changes nothing, reorder, lock),
 * planning on the worker, the property card, and screenshots of the view
 * (test-routes-ui-*.png in the working directory, the build's tests/). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "storm-capture.h"
#include "storm-demo.h"
#include "storm-policy.h"
#include "storm-routes.h"
#include "storm-routes-view-private.h"
#include "storm-store-storms.h"

#define WAIT_LIMIT_S 120
#define N_DEMO 3000

typedef struct
{
  char            *dir;
  StormStore      *store;
  StormDb         *db;
  gint64           storm_id;
  GtkWindow       *window;
  StormRoutesView *view;
} Fixture;

static void
wait_until_idle (Fixture *f)
{
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;

  /* Let the view notice what changed, then wait for its reads. */
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  while (storm_routes_view_get_loading (f->view) ||
         g_strcmp0 (_storm_routes_view_get_state (f->view), "loading") == 0)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
    }
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;

  while (frames < n)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
    }
  gtk_widget_remove_tick_callback (widget, id);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  StormDemoOptions options = { .n_properties = N_DEMO, .seed = STORM_DEMO_DEFAULT_SEED };

  f->dir = g_dir_make_tmp ("stormops-routes-ui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->store = storm_store_open (path, &error);
  g_assert_no_error (error);
  f->db = storm_store_get_db (f->store);
  g_assert_true (storm_demo_generate (f->db, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  f->storm_id = storm_db_find_storm (f->db, STORM_DEMO_CODE);
  g_assert_cmpint (f->storm_id, >, 0);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1200, 800);
  f->view = storm_routes_view_new ();
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_present (f->window);
  wait_frames (GTK_WIDGET (f->window), 2);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  gtk_window_destroy (f->window);
  g_clear_object (&f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);

      g_remove (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
apply_policy (Fixture *f)
{
  StormPolicyParams params;
  g_autoptr(GError) error = NULL;

  /* The universal control hangs on the database's random salt: fix it,
   * so the treat doors, and the routes, are the same every run. */
  g_assert_true (storm_db_set_setting (f->db, "policy_salt", "0123456789abcdef0123456789abcdef", &error));
  g_assert_no_error (error);
  storm_policy_params_init (&params);
  g_assert_true (storm_policy_apply (f->db, f->storm_id, &params, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
plan (Fixture *f,
      guint    cap,
      guint    crews)
{
  StormRoutePlanParams params;
  g_auto(StormRoutePlanResult) result = { 0 };
  g_autoptr(GError) error = NULL;

  storm_route_plan_params_init (&params);
  params.doors_cap = cap;
  params.n_crews = crews;
  params.has_depot = TRUE;
  params.depot_lat = 32.7767;
  params.depot_lon = -96.7970;
  params.actor = "test";
  g_assert_true (storm_routes_plan (f->db, f->storm_id, &params, &result, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_routes, >=, 2);
}

static GPtrArray *
current_routes (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *routes = storm_routes_list (f->db, f->storm_id, FALSE, &error);

  g_assert_no_error (error);
  return routes;
}

static guint
n_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

static void
screenshot (Fixture    *f,
            const char *name,
            int         width,
            int         height)
{
  g_autofree char *file = g_strdup_printf ("test-routes-ui-%s.png", name);
  g_autoptr(GError) error = NULL;

  gtk_window_set_default_size (f->window, width, height);
  /* long enough for the list's fold animation to end */
  wait_frames (GTK_WIDGET (f->window), 40);
  g_assert_true (storm_capture_widget_png (GTK_WIDGET (f->window), file, &error));
  g_assert_no_error (error);
  g_test_message ("wrote %s", file);
}

/* No storm; a storm without routes, with and without a policy. */
static void
test_empty_states (Fixture       *f,
                   gconstpointer  data)
{
  storm_routes_view_set_storm (f->view, NULL, 0);
  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "empty");
  g_assert_false (storm_routes_view_get_loading (f->view));

  storm_routes_view_set_storm (f->view, f->store, f->storm_id);
  wait_until_idle (f);
  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "none");
  g_assert_cmpuint (n_rows (_storm_routes_view_get_route_list (f->view)), ==, 0);
  g_assert_nonnull (_storm_routes_view_get_note (f->view));
  g_assert_nonnull (strstr (_storm_routes_view_get_note (f->view), "universal control"));
  /* every located property of the storm is on the map */
  g_assert_cmpuint (storm_point_layer_get_n_points (storm_map_view_get_point_layer (_storm_routes_view_get_map_view (f->view))),
                    ==, storm_db_count_rows (f->db, "SELECT count (*) FROM storm_properties sp JOIN properties p "
                                                    "ON p.id = sp.property_id WHERE sp.storm_id = ?1 "
                                                    "AND NOT (p.lat = 0 AND p.lon = 0)", f->storm_id));
  g_assert_cmpuint (storm_report_layer_get_n_reports (storm_map_view_get_report_layer (_storm_routes_view_get_map_view (f->view))),
                    ==, storm_db_count_rows (f->db, "SELECT count (*) FROM storm_reports WHERE storm_id = ?1 "
                                                    "AND lat IS NOT NULL", f->storm_id));
  screenshot (f, "none", 1200, 800);

  /* Planned with no policy: the note says all properties were routed. */
  plan (f, 50, 0);
  storm_store_notify_changed (f->store, "routes");
  wait_until_idle (f);
  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "routes");
  g_assert_nonnull (_storm_routes_view_get_note (f->view));
  g_assert_nonnull (strstr (_storm_routes_view_get_note (f->view), "every property but the universal control"));

  /* A policy and a new plan: no note. */
  apply_policy (f);
  plan (f, 50, 0);
  storm_store_notify_changed (f->store, "routes");
  wait_until_idle (f);
  g_assert_null (_storm_routes_view_get_note (f->view));

  storm_routes_view_set_storm (f->view, NULL, 0);
  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "empty");
}

/* The list shows the store's routes with their doors; picking one selects
 * it on the map and lists its stops in order. */
static void
test_list_and_select (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = NULL;
  GtkListBox *list = _storm_routes_view_get_route_list (f->view);
  StormRouteLayer *layer = storm_map_view_get_route_layer (_storm_routes_view_get_map_view (f->view));
  GtkListBoxRow *row;
  g_autoptr(GPtrArray) stops = NULL;
  StormRoute *second;

  apply_policy (f);
  plan (f, 50, 0);
  routes = current_routes (f);
  storm_routes_view_set_storm (f->view, f->store, f->storm_id);
  wait_until_idle (f);

  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "routes");
  g_assert_cmpuint (n_rows (list), ==, routes->len);
  g_assert_cmpuint (storm_route_layer_get_n_routes (layer), ==, routes->len);
  for (guint i = 0; i < routes->len; i++)
    {
      StormRoute *route = routes->pdata[i];
      g_autofree char *doors = g_strdup_printf ("%u/%u doors", route->n_stops, route->doors_cap);

      row = gtk_list_box_get_row_at_index (list, i);
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, route->name);
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), doors));
      g_assert_cmpstr (storm_route_layer_get_route_name (layer, i), ==, route->name);
    }
  g_assert_cmpint (storm_route_layer_get_selected (layer), ==, -1);
  screenshot (f, "wide", 1200, 800);

  /* a click on the second route's row */
  second = routes->pdata[1];
  row = gtk_list_box_get_row_at_index (list, 1);
  g_signal_emit_by_name (list, "row-activated", row);
  g_assert_cmpint (_storm_routes_view_get_selected_route (f->view), ==, second->id);
  g_assert_cmpint (storm_route_layer_get_selected (layer), ==, 1);
  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "stops");
  stops = storm_routes_get_stops (f->db, second->id, NULL);
  g_assert_cmpuint (n_rows (_storm_routes_view_get_stop_list (f->view)), ==, stops->len);
  for (guint i = 0; i < stops->len; i++)
    {
      StormRouteStop *stop = stops->pdata[i];
      g_autofree char *title = g_strdup_printf ("%u. %s", stop->seq, stop->address);

      row = gtk_list_box_get_row_at_index (_storm_routes_view_get_stop_list (f->view), i);
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
    }
  screenshot (f, "selected", 1200, 800);
  g_assert_false (adw_flap_get_folded (_storm_routes_view_get_flap (f->view)));

  /* A narrow window: the list folds away over the map, and comes back. */
  screenshot (f, "narrow", 560, 800);
  g_assert_true (adw_flap_get_folded (_storm_routes_view_get_flap (f->view)));
  adw_flap_set_reveal_flap (_storm_routes_view_get_flap (f->view), TRUE);
  screenshot (f, "narrow-list", 560, 800);
  gtk_window_set_default_size (f->window, 1200, 800);
  wait_frames (GTK_WIDGET (f->window), 3);

  /* back to the list: nothing selected */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.show-list", NULL));
  g_assert_cmpint (storm_route_layer_get_selected (layer), ==, -1);
  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "routes");
}

/* Two crews of 20 doors: both routes full, so a move between them is
 * refused with the store's sentence and nothing changes. */
static void
test_move_refused (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) stops_before = NULL;
  g_autoptr(GPtrArray) stops_after = NULL;
  StormRoute *from, *to;

  apply_policy (f);
  plan (f, 20, 2);
  before = current_routes (f);
  g_assert_cmpuint (before->len, ==, 2);
  from = before->pdata[0];
  to = before->pdata[1];
  g_assert_cmpuint (to->n_stops, ==, 20);
  stops_before = storm_routes_get_stops (f->db, from->id, NULL);

  storm_routes_view_set_storm (f->view, f->store, f->storm_id);
  wait_until_idle (f);
  _storm_routes_view_select_route (f->view, from->id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.move-stop", "(ux)", 3, to->id));
  wait_until_idle (f);
  g_assert_nonnull (_storm_routes_view_get_last_message (f->view));
  g_assert_nonnull (strstr (_storm_routes_view_get_last_message (f->view), "is full (20 of 20 doors)"));

  after = current_routes (f);
  stops_after = storm_routes_get_stops (f->db, from->id, NULL);
  g_assert_cmpuint (((StormRoute *) after->pdata[0])->n_stops, ==, from->n_stops);
  g_assert_cmpuint (((StormRoute *) after->pdata[1])->n_stops, ==, to->n_stops);
  g_assert_cmpuint (stops_after->len, ==, stops_before->len);
  for (guint i = 0; i < stops_after->len; i++)
    g_assert_cmpint (((StormRouteStop *) stops_after->pdata[i])->property_id, ==,
                     ((StormRouteStop *) stops_before->pdata[i])->property_id);
  g_assert_cmpint (_storm_routes_view_get_selected_route (f->view), ==, from->id);
}

/* Reorder, move to a route with room, lock and unlock: the store changes
 * and the view follows. */
static void
test_edits (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(GPtrArray) stops = NULL;
  g_autoptr(GPtrArray) moved = NULL;
  g_autoptr(StormRoute) locked = NULL;
  g_autoptr(StormRoute) target = NULL;
  g_autofree char *expected = NULL;
  StormRoute *route, *other;
  gint64 first, second;
  guint target_stops;

  apply_policy (f);
  plan (f, 50, 0);
  routes = current_routes (f);
  route = routes->pdata[0];
  other = NULL;
  for (guint i = 1; i < routes->len && other == NULL; i++)
    if (((StormRoute *) routes->pdata[i])->n_stops < ((StormRoute *) routes->pdata[i])->doors_cap)
      other = routes->pdata[i];
  g_assert_nonnull (other);
  stops = storm_routes_get_stops (f->db, route->id, NULL);
  first = ((StormRouteStop *) stops->pdata[0])->property_id;
  second = ((StormRouteStop *) stops->pdata[1])->property_id;

  storm_routes_view_set_storm (f->view, f->store, f->storm_id);
  wait_until_idle (f);
  _storm_routes_view_select_route (f->view, route->id);

  /* the first stop one later */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.move-down", "u", 1));
  wait_until_idle (f);
  g_clear_pointer (&stops, g_ptr_array_unref);
  stops = storm_routes_get_stops (f->db, route->id, NULL);
  g_assert_cmpint (((StormRouteStop *) stops->pdata[0])->property_id, ==, second);
  g_assert_cmpint (((StormRouteStop *) stops->pdata[1])->property_id, ==, first);
  g_assert_cmpint (_storm_routes_view_get_selected_route (f->view), ==, route->id);

  /* into a route with room */
  target_stops = other->n_stops;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.move-stop", "(ux)", 1, other->id));
  wait_until_idle (f);
  target = storm_routes_get (f->db, other->id, NULL);
  g_assert_cmpuint (target->n_stops, ==, target_stops + 1);
  expected = g_strdup_printf ("Stop moved to %s", other->name);
  g_assert_cmpstr (_storm_routes_view_get_last_message (f->view), ==, expected);
}

static void
test_lock (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(StormRoute) reread = NULL;
  g_autoptr(GPtrArray) stops = NULL;
  g_autoptr(GPtrArray) stops_after = NULL;
  StormRoute *route;

  apply_policy (f);
  plan (f, 50, 0);
  routes = current_routes (f);
  route = routes->pdata[0];
  storm_routes_view_set_storm (f->view, f->store, f->storm_id);
  wait_until_idle (f);
  _storm_routes_view_select_route (f->view, route->id);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.lock", NULL));
  wait_until_idle (f);
  reread = storm_routes_get (f->db, route->id, NULL);
  g_assert_true (reread->locked);
  g_clear_pointer (&reread, storm_route_free);
  g_assert_cmpint (_storm_routes_view_get_selected_route (f->view), ==, route->id);

  /* a locked route's stops stay as they are */
  stops = storm_routes_get_stops (f->db, route->id, NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.move-down", "u", 1);
  wait_until_idle (f);
  stops_after = storm_routes_get_stops (f->db, route->id, NULL);
  g_assert_cmpint (((StormRouteStop *) stops_after->pdata[0])->property_id, ==,
                   ((StormRouteStop *) stops->pdata[0])->property_id);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.unlock", NULL));
  wait_until_idle (f);
  reread = storm_routes_get (f->db, route->id, NULL);
  g_assert_false (reread->locked);
}

/* "Plan Routes" runs the planner on the worker; the list follows. */
static void
test_plan (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = NULL;
  StormRoutePlanParams params;

  apply_policy (f);
  storm_routes_view_set_storm (f->view, f->store, f->storm_id);
  wait_until_idle (f);
  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "none");

  storm_route_plan_params_init (&params);
  params.doors_cap = 30;
  _storm_routes_view_plan (f->view, &params);
  g_assert_true (storm_routes_view_get_loading (f->view));
  wait_until_idle (f);
  routes = current_routes (f);
  g_assert_cmpuint (routes->len, >, 1);
  for (guint i = 0; i < routes->len; i++)
    g_assert_cmpuint (((StormRoute *) routes->pdata[i])->n_stops, <=, 30);
  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "routes");
  g_assert_cmpuint (n_rows (_storm_routes_view_get_route_list (f->view)), ==, routes->len);
  g_assert_true (g_str_has_prefix (_storm_routes_view_get_last_message (f->view), "Planned "));
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* The first descendant of @widget of @type, depth first. */
static GtkWidget *
find_child (GtkWidget *widget,
            GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_child (child, type)) != NULL)
        return found;
    }
  return NULL;
}

/* The dialogs: plan with the defaults, rename, assign a Spanish crew. */
static void
test_dialogs (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(StormRoute) route = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *spin, *entry, *drop_down;

  apply_policy (f);
  storm_routes_view_set_storm (f->view, f->store, f->storm_id);
  wait_until_idle (f);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.plan", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  spin = find_child (GTK_WIDGET (dialog), GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  /* the cap offered is the storm's, 50 by default */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 50);
  wait_frames (GTK_WIDGET (dialog), 3);
  g_assert_true (storm_capture_widget_png (GTK_WIDGET (dialog), "test-routes-ui-plan-dialog.png", NULL));
  adw_message_dialog_response (dialog, "plan");
  /* a click on the button closes the dialog too */
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until_idle (f);
  routes = current_routes (f);
  g_assert_cmpuint (routes->len, >, 1);
  for (guint i = 0; i < routes->len; i++)
    g_assert_cmpuint (((StormRoute *) routes->pdata[i])->n_stops, <=, 50);
  g_assert_cmpstr (_storm_routes_view_get_state (f->view), ==, "routes");

  _storm_routes_view_select_route (f->view, ((StormRoute *) routes->pdata[0])->id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.rename", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  entry = find_child (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, ((StormRoute *) routes->pdata[0])->name);
  gtk_editable_set_text (GTK_EDITABLE (entry), "North loop");
  adw_message_dialog_response (dialog, "apply");
  /* a click on the button closes the dialog too */
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until_idle (f);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.assign-crew", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  entry = find_child (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW);
  drop_down = find_child (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Cuadrilla Ramírez");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down), 1);
  adw_message_dialog_response (dialog, "apply");
  /* a click on the button closes the dialog too */
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until_idle (f);

  route = storm_routes_get (f->db, ((StormRoute *) routes->pdata[0])->id, NULL);
  g_assert_cmpstr (route->name, ==, "North loop");
  g_assert_cmpstr (route->crew, ==, "Cuadrilla Ramírez");
  g_assert_cmpstr (route->crew_language, ==, "es");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_list_box_get_row_at_index (
                              _storm_routes_view_get_route_list (f->view), 0))), "Cuadrilla Ramírez"));
}

/* Exports run on the worker and say where the file went. */
static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "sheets.pdf", NULL);
  g_autofree char *gpx = g_build_filename (f->dir, "routes.gpx", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) routes = NULL;

  apply_policy (f);
  plan (f, 50, 0);
  routes = current_routes (f);
  storm_routes_view_set_storm (f->view, f->store, f->storm_id);
  wait_until_idle (f);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.export-file", "(ss)", "pdf", pdf));
  g_assert_true (storm_routes_view_get_loading (f->view));
  wait_until_idle (f);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_str_has_prefix (_storm_routes_view_get_last_message (f->view), "Wrote "));
  g_assert_true (g_str_has_suffix (_storm_routes_view_get_last_message (f->view), " pages of route sheets to sheets.pdf"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "routes.export-file", "(ss)", "gpx", gpx));
  wait_until_idle (f);
  g_assert_cmpstr (_storm_routes_view_get_last_message (f->view), ==, "Exported the routes to routes.gpx");
  g_assert_true (g_file_get_contents (gpx, &text, NULL, NULL));
  for (guint i = 0; i < routes->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("<name>%s</name>", ((StormRoute *) routes->pdata[i])->name);

      g_assert_nonnull (strstr (text, name));
    }
}

/* A click on a property shows its card: address, id, decision, next action. */
static void
test_card (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(GPtrArray) stops = NULL;
  StormRouteStop *stop;
  GtkPopover *card;
  GtkWidget *box;
  const char *title, *body;
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;

  apply_policy (f);
  plan (f, 50, 0);
  routes = current_routes (f);
  stops = storm_routes_get_stops (f->db, ((StormRoute *) routes->pdata[0])->id, NULL);
  stop = stops->pdata[2];
  storm_routes_view_set_storm (f->view, f->store, f->storm_id);
  wait_until_idle (f);
  _storm_routes_view_select_route (f->view, ((StormRoute *) routes->pdata[0])->id);
  wait_frames (GTK_WIDGET (f->window), 3);

  g_signal_emit_by_name (_storm_routes_view_get_map_view (f->view), "point-activated", stop->property_id);
  card = _storm_routes_view_get_card (f->view);
  while (!gtk_widget_get_visible (GTK_WIDGET (card)))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
    }
  box = gtk_popover_get_child (card);
  title = gtk_label_get_label (GTK_LABEL (gtk_widget_get_first_child (box)));
  body = gtk_label_get_label (GTK_LABEL (gtk_widget_get_next_sibling (gtk_widget_get_first_child (box))));
  g_assert_nonnull (strstr (title, stop->address));
  g_assert_nonnull (strstr (body, stop->ext_id));
  g_assert_nonnull (strstr (body, "Decision: Treat"));
  g_assert_nonnull (strstr (body, "stop 3"));
  g_assert_nonnull (strstr (body, "Next action: "));
  /* the popover is a surface of its own */
  wait_frames (GTK_WIDGET (card), 3);
  g_assert_true (storm_capture_widget_png (GTK_WIDGET (card), "test-routes-ui-card.png", NULL));
  gtk_popover_popdown (card);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;

  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  cache = g_dir_make_tmp ("stormops-routes-ui-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display: run the suite with build-aux/stormops-dev test, which uses Xvfb");
      return g_test_run ();
    }
  adw_init ();
  {
    /* The application's style sheet, as the window has it. */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  {
    /* Offline tiles from the shared MBTiles file: no network in tests. */
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *mbtiles = g_build_filename (g_getenv ("STORMOPS_SHARED_DATA"), "mbtiles", "plain_1.mbtiles", NULL);

    g_settings_set_string (settings, "mbtiles-path", mbtiles);
    g_settings_set_string (settings, "map-tiles-source", "mbtiles");
  }

  g_test_add ("/routes-ui/empty-states", Fixture, NULL, fixture_set_up, test_empty_states, fixture_tear_down);
  g_test_add ("/routes-ui/list-and-select", Fixture, NULL, fixture_set_up, test_list_and_select, fixture_tear_down);
  g_test_add ("/routes-ui/move-refused", Fixture, NULL, fixture_set_up, test_move_refused, fixture_tear_down);
  g_test_add ("/routes-ui/edits", Fixture, NULL, fixture_set_up, test_edits, fixture_tear_down);
  g_test_add ("/routes-ui/lock", Fixture, NULL, fixture_set_up, test_lock, fixture_tear_down);
  g_test_add ("/routes-ui/plan", Fixture, NULL, fixture_set_up, test_plan, fixture_tear_down);
  g_test_add ("/routes-ui/card", Fixture, NULL, fixture_set_up, test_card, fixture_tear_down);
  g_test_add ("/routes-ui/export", Fixture, NULL, fixture_set_up, test_export, fixture_tear_down);
  g_test_add ("/routes-ui/dialogs", Fixture, NULL, fixture_set_up, test_dialogs, fixture_tear_down);

  return g_test_run ();
}
