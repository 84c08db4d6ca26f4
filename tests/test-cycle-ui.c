#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "storm-attribution-view.h"
#include "storm-attribution.h"
#include "storm-cycle-util.h"
#include "storm-nurture-item.h"
#include "storm-nurture-view.h"
#include "storm-outcomes.h"
#include "storm-policy.h"
#include "storm-property-activity.h"
#include "storm-stats.h"
#include "storm-store-jobs.h"
#include "storm-store-policy.h"
#include "storm-store-storms.h"
#include "storm-store.h"
#include "storm-target-view.h"

/* UI tests of the storm-cycle views: each widget in its own window on a
 * store with a scored storm, driven through its actions and adjustments,
 * read back from its labels. With STORMOPS_SCREENSHOT_DIR set, every
 * widget is also rendered to PNG (wide, narrow and dark). */

#define N_PROPS 2000
#define WAIT_LIMIT_S 60

typedef struct
{
  char       *dir;
  char       *path;
  StormStore *store;
  gint64      storm_id;
} Fixture;

static StormDb *
fixture_db (Fixture *f)
{
  return storm_store_get_db (f->store);
}

static gint64
query_int (StormDb    *db,
           const char *sql,
           gint64      arg)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
add_storm (StormDb    *db,
           const char *code)
{
  StormStormSpec spec = { .code = code, .name = code };
  g_autoptr(GError) error = NULL;
  gint64 id = storm_db_ensure_storm (db, &spec, NULL, &error);

  g_assert_no_error (error);
  return id;
}

/* Properties cyc_00001…: uplift spread over 0–0.3 by a fixed formula,
 * base rate 0.03–0.08, one in 97 without a score; every 250th and the
 * best scored have an address long enough to need ellipsizing. */
static void
add_properties (StormDb    *db,
                gint64      storm_id,
                const char *prefix,
                int         n,
                gboolean    scored)
{
  g_autoptr(sqlite3_stmt) p = storm_db_prepare (db,
    "INSERT OR IGNORE INTO properties (ext_id, address, city, zip, lat, lon) VALUES (?1, ?2, 'Plano', '75023', 33.05, -96.75)",
    NULL);
  g_autoptr(sqlite3_stmt) sp = storm_db_prepare (db,
    "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate) "
    "SELECT ?1, id, ?2, ?3 FROM properties WHERE ext_id = ?4", NULL);

  g_assert_true (storm_db_begin (db, NULL));
  for (int i = 1; i <= n; i++)
    {
      g_autofree char *ext = g_strdup_printf ("%s_%05d", prefix, i);
      g_autofree char *address = NULL;

      if (i % 250 == 0 || i * 7919 % 3000 == 2999)
        address = g_strdup_printf ("%d Independence Parkway North Service Road, Building %d, Suite %d", 1000 + i, i, i * 3);
      else
        address = g_strdup_printf ("%d Elm Creek Dr", 100 + i);
      sqlite3_bind_text (p, 1, ext, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (p, 2, address, -1, SQLITE_TRANSIENT);
      g_assert_true (storm_db_step_done (db, p, NULL));
      sqlite3_bind_int64 (sp, 1, storm_id);
      if (!scored || i % 97 == 0)
        sqlite3_bind_null (sp, 2);
      else
        sqlite3_bind_double (sp, 2, (i * 7919 % 3000) / 10000.0);
      sqlite3_bind_double (sp, 3, 0.03 + (i % 6) / 100.0);
      sqlite3_bind_text (sp, 4, ext, -1, SQLITE_TRANSIENT);
      g_assert_true (storm_db_step_done (db, sp, NULL));
    }
  g_assert_true (storm_db_commit (db, NULL));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("stormops-cycle-ui-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "test.db", NULL);
  f->store = storm_store_open (f->path, &error);
  g_assert_no_error (error);
  f->storm_id = add_storm (fixture_db (f), "CYCLE_UI");
  add_properties (fixture_db (f), f->storm_id, "cyc", N_PROPS, TRUE);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* Main loop helpers */

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_limit_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds. The limit only turns a hang
 * into a failure; no assertion depends on how long anything takes. */
static void
wait_until (Condition condition,
            gpointer  data)
{
  gboolean expired = FALSE;
  guint limit = g_timeout_add_seconds (WAIT_LIMIT_S, wait_limit_cb, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (limit);
  g_assert_false (expired);
}

static gboolean
not_loading (gpointer data)
{
  gboolean loading = TRUE;

  g_object_get (data, "loading", &loading, NULL);
  return !loading;
}

static void
wait_loaded (gpointer widget)
{
  wait_until (not_loading, widget);
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gpointer
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

static const char *
label_text (gpointer    widget,
            GType       type,
            const char *name)
{
  return gtk_label_get_label (GTK_LABEL (template_child (widget, type, name)));
}

static void
assert_count_label (gpointer    widget,
                    GType       type,
                    const char *name,
                    gint64      expected)
{
  g_autofree char *text = _storm_cycle_format_count (expected);

  g_assert_cmpstr (label_text (widget, type, name), ==, text);
}

/* The window can be as narrow as 360 px: every view must fit. */
static void
assert_fits_narrow_window (gpointer widget)
{
  int minimum = 0;

  gtk_widget_measure (GTK_WIDGET (widget), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);
}

/* Screenshots */

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

/* Where screenshots go, or NULL when they are not wanted. */
static const char *
screenshot_dir (void)
{
  const char *dir = g_getenv ("STORMOPS_SCREENSHOT_DIR");

  return dir != NULL && dir[0] != '\0' ? dir : NULL;
}

/* Lets a resize reach layout and the next frame. Only screenshots wait
 * like this; no assertion depends on it. */
static void
settle (GtkWidget *widget)
{
  wait_until (is_mapped, widget);
  for (int i = 0; i < 20; i++)
    {
      drain_main_context ();
      g_usleep (10000);
    }
}

static void
save_png (GtkWidget  *widget,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  GtkStyleContext *context;
  GdkRGBA background;
  int width, height;

  settle (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  context = gtk_widget_get_style_context (widget);
  if (!gtk_style_context_lookup_color (context, "window_bg_color", &background))
    background = (GdkRGBA) { 1, 1, 1, 1 };

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (screenshot_dir (), 0755);
  path = g_build_filename (screenshot_dir (), name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static GtkWidget *
find_viewport (GtkWidget *widget)
{
  if (GTK_IS_VIEWPORT (widget) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_viewport (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Renders @widget (already in @window) at 1200×800, at 600 px wide, and
 * dark, as the window shows it; plus the whole scrolled content at 1200
 * and 600 px wide ("-full"), to review what lies below the fold. */
static void
screenshots (GtkWidget  *window,
             GtkWidget  *widget,
             const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  const char *dir = screenshot_dir ();
  g_autofree char *wide = NULL;
  g_autofree char *narrow = NULL;
  g_autofree char *dark = NULL;

  if (dir == NULL)
    return;
  wide = g_strdup_printf ("%s-1200.png", name);
  narrow = g_strdup_printf ("%s-600.png", name);
  dark = g_strdup_printf ("%s-dark.png", name);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_widget_set_size_request (window, 1200, 800);
  save_png (widget, wide);
  gtk_widget_set_size_request (window, 600, 800);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
  save_png (widget, narrow);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_widget_set_size_request (window, 1200, 800);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  save_png (widget, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  if (find_viewport (widget) != NULL)
    {
      g_autofree char *full = g_strdup_printf ("%s-1200-full.png", name);
      g_autofree char *full_narrow = g_strdup_printf ("%s-600-full.png", name);

      save_png (gtk_viewport_get_child (GTK_VIEWPORT (find_viewport (widget))), full);
      gtk_widget_set_size_request (window, 600, 800);
      gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
      settle (widget);
      save_png (gtk_viewport_get_child (GTK_VIEWPORT (find_viewport (widget))), full_narrow);
      gtk_widget_set_size_request (window, 1200, 800);
      gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
    }
}

static AdwMessageDialog *find_message_dialog (void);
static gboolean          has_message_dialog  (gpointer data);

/* Target */

static StormPolicyPreview *
own_preview (Fixture *f,
             double   rct_pct)
{
  g_autoptr(GError) error = NULL;
  StormPolicyPreview *preview = storm_policy_preview_load (fixture_db (f), f->storm_id, rct_pct, NULL, &error);

  g_assert_no_error (error);
  return preview;
}

static void
assert_preview_labels (StormTargetView          *view,
                       const StormPolicySummary *s)
{
  GType t = STORM_TYPE_TARGET_VIEW;

  assert_count_label (view, t, "preview_treat_label", s->n_treat);
  assert_count_label (view, t, "preview_hold_label", s->n_hold);
  assert_count_label (view, t, "preview_universal_label", s->n_universal);
  assert_count_label (view, t, "preview_rct_label", s->n_rct);
  assert_count_label (view, t, "preview_routes_label", s->routes_needed);
  assert_count_label (view, t, "preview_properties_label", s->n_properties);
}

static void
test_target_empty_states (Fixture       *f,
                          gconstpointer  data)
{
  StormTargetView *view = storm_target_view_new ();
  GtkWidget *window = show_in_window (GTK_WIDGET (view), 1200, 800);
  GtkStack *stack = template_child (view, STORM_TYPE_TARGET_VIEW, "stack");
  AdwStatusPage *empty = template_child (view, STORM_TYPE_TARGET_VIEW, "empty_page");
  gint64 bare = add_storm (fixture_db (f), "NO_PROPS");
  gint64 unscored = add_storm (fixture_db (f), "NO_SCORES");

  add_properties (fixture_db (f), unscored, "uns", 50, FALSE);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "No Storm Selected");
  screenshots (window, GTK_WIDGET (view), "target-no-storm");

  storm_target_view_set_storm (view, f->store, bare);
  wait_loaded (view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "No Properties in This Storm");
  screenshots (window, GTK_WIDGET (view), "target-no-properties");

  storm_target_view_set_storm (view, f->store, unscored);
  wait_loaded (view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "No Uplift Scores");

  storm_target_view_set_storm (view, f->store, f->storm_id);
  wait_loaded (view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "content");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_target_preview_and_apply (Fixture       *f,
                               gconstpointer  data)
{
  StormTargetView *view = storm_target_view_new ();
  GtkWidget *window = show_in_window (GTK_WIDGET (view), 1200, 800);
  GType t = STORM_TYPE_TARGET_VIEW;
  GtkAdjustment *threshold = template_child (view, t, "threshold_adjustment");
  GtkAdjustment *doors = template_child (view, t, "doors_adjustment");
  AdwComboRow *mode = template_child (view, t, "mode_row");
  g_autoptr(StormPolicyPreview) preview = own_preview (f, STORM_POLICY_DEFAULT_RCT_PCT);
  StormExecution *execution;
  StormPolicySummary expected;
  const double thresholds[] = { 0.15, 0.0, 0.07, 0.22, 0.31, 0.5, 0.1 };

  storm_target_view_set_storm (view, f->store, f->storm_id);
  wait_loaded (view);

  /* The default policy first, then every slider position. */
  storm_policy_preview_evaluate (preview, 0.15, (gint64) gtk_adjustment_get_value (doors), &expected);
  assert_preview_labels (view, &expected);
  g_assert_cmpuint (adw_combo_row_get_selected (mode), ==, STORM_POLICY_MODERATE);
  for (guint i = 0; i < G_N_ELEMENTS (thresholds); i++)
    {
      gtk_adjustment_set_value (threshold, thresholds[i]);
      storm_policy_preview_evaluate (preview, thresholds[i], (gint64) gtk_adjustment_get_value (doors), &expected);
      assert_preview_labels (view, &expected);
    }
  g_assert_cmpuint (adw_combo_row_get_selected (mode), ==, STORM_POLICY_AGGRESSIVE);
  gtk_adjustment_set_value (doors, 35);
  storm_policy_preview_evaluate (preview, 0.1, 35, &expected);
  assert_preview_labels (view, &expected);
  g_assert_cmpint (expected.routes_needed, ==, (expected.n_treat + 34) / 35);

  /* A custom threshold, applied through the action. */
  gtk_adjustment_set_value (threshold, 0.22);
  g_assert_cmpuint (adw_combo_row_get_selected (mode), ==, STORM_POLICY_CUSTOM);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "target.apply", NULL));
  wait_loaded (view);

  execution = storm_db_current_execution (fixture_db (f), f->storm_id, NULL);
  g_assert_nonnull (execution);
  g_assert_cmpstr (execution->mode, ==, "custom");
  g_assert_cmpfloat_with_epsilon (execution->threshold, 0.22, 1e-12);
  storm_policy_preview_evaluate (preview, 0.22, 35, &expected);
  g_assert_cmpint (execution->n_treat, ==, expected.n_treat);
  assert_count_label (view, t, "policy_treat_label", execution->n_treat);
  assert_count_label (view, t, "policy_hold_label", execution->n_hold);
  assert_count_label (view, t, "policy_universal_label", execution->n_universal);
  assert_count_label (view, t, "policy_rct_label", execution->n_rct);
  g_assert_true (gtk_widget_get_visible (template_child (view, t, "applied_box")));
  /* The arms are now fixed: the RCT share cannot move any more. */
  g_assert_false (gtk_widget_get_sensitive (template_child (view, t, "rct_row")));

  storm_execution_free (execution);

  screenshots (window, GTK_WIDGET (view), "target-applied");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_target_measurement (Fixture       *f,
                         gconstpointer  data)
{
  StormTargetView *view = storm_target_view_new ();
  GtkWidget *window = show_in_window (GTK_WIDGET (view), 1200, 800);
  GType t = STORM_TYPE_TARGET_VIEW;
  StormDb *db = fixture_db (f);
  StormPolicyParams params;
  StormPolicySummary summary;
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 x_treat = 0, n_treat = 0, x_control = 0, n_control = 0;
  g_autofree char *expected = NULL;
  StormLift lift;
  int i = 0;

  storm_policy_params_init (&params);
  g_assert_true (storm_policy_apply (db, f->storm_id, &params, &summary, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Outcomes for every property: treated convert more often than controls. */
  stmt = storm_db_prepare (db, "SELECT property_id, decision, reason FROM policy_decisions_log "
                               "WHERE execution_id = ?1 ORDER BY property_id", NULL);
  sqlite3_bind_int64 (stmt, 1, summary.execution_id);
  g_assert_true (storm_db_begin (db, NULL));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *decision = (const char *) sqlite3_column_text (stmt, 1);
      const char *reason = (const char *) sqlite3_column_text (stmt, 2);
      gboolean treated = decision[0] == 't';
      gboolean control = reason[0] == 'u' || reason[0] == 'r';
      gboolean converted = treated ? (i % 3 == 0) : (i % 5 == 0);
      StormOutcome outcome = { sqlite3_column_int64 (stmt, 0), converted, converted ? 9000 : NAN,
                               "2024-05-10", "manual", "test" };

      g_assert_true (storm_outcome_record (db, f->storm_id, &outcome, NULL, &error));
      if (treated)
        n_treat++, x_treat += converted;
      else if (control)
        n_control++, x_control += converted;
      i++;
    }
  g_assert_true (storm_db_commit (db, NULL));

  storm_target_view_set_storm (view, f->store, f->storm_id);
  wait_loaded (view);

  expected = _storm_cycle_format_rate (x_treat, n_treat);
  g_assert_cmpstr (label_text (view, t, "conv_treat_label"), ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = _storm_cycle_format_rate (x_control, n_control);
  g_assert_cmpstr (label_text (view, t, "conv_control_label"), ==, expected);
  g_clear_pointer (&expected, g_free);
  g_assert_true (storm_stats_lift (x_treat, n_treat, x_control, n_control, &lift));
  expected = _storm_cycle_format_points (lift.lift);
  g_assert_cmpstr (label_text (view, t, "lift_label"), ==, expected);
  g_assert_true (gtk_widget_get_visible (template_child (view, t, "lift_row")));
  g_assert_false (gtk_widget_get_visible (template_child (view, t, "no_outcomes_row")));

  /* A correction logged elsewhere reaches the view through the store. */
  {
    StormOutcome outcome = { query_int (db, "SELECT d.property_id FROM policy_decisions_log d "
                                            "JOIN policy_outcomes o ON o.property_id = d.property_id AND o.is_current = 1 "
                                            "WHERE d.execution_id = ?1 AND d.decision = 'treat' AND o.converted = 0 "
                                            "ORDER BY d.property_id LIMIT 1",
                                        summary.execution_id),
                             TRUE, 12000, "2024-05-11", "manual", "test" };
    StormOutcomeChange change;

    g_assert_true (storm_outcome_record (db, f->storm_id, &outcome, &change, &error));
    g_assert_no_error (error);
    g_assert_cmpint (change, ==, STORM_OUTCOME_CORRECTED);
    storm_store_notify_changed (f->store, "policy_outcomes");
    wait_loaded (view);
    g_clear_pointer (&expected, g_free);
    expected = _storm_cycle_format_rate (x_treat + 1, n_treat);
    g_assert_cmpstr (label_text (view, t, "conv_treat_label"), ==, expected);
  }

  /* ROI follows the cost per door, which is kept with the data. */
  {
    g_autofree char *cost = NULL;
    g_autofree char *setting = NULL;

    gtk_adjustment_set_value (template_child (view, t, "cost_adjustment"), 20);
    wait_loaded (view);
    cost = _storm_cycle_format_money (20.0 * n_treat);
    g_assert_cmpstr (label_text (view, t, "roi_cost_label"), ==, cost);
    setting = storm_db_get_setting (db, "roi_cost_per_door");
    g_assert_cmpstr (setting, ==, "20");
  }

  /* Every number group has its evidence: the counts and the rows. */
  {
    const char *groups[] = { "preview", "policy", "conversions", "lift", "roi", "calibration", "qini" };
    g_autofree char *treatment = g_strdup_printf ("treatment: %lld converted of %lld treated in execution %lld "
                                                  "(policy_decisions_log JOIN policy_outcomes)",
                                                  (long long) x_treat + 1, (long long) n_treat,
                                                  (long long) summary.execution_id);

    for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
      {
        AdwMessageDialog *dialog;
        GtkWidget *details;

        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "target.show-evidence", "s", groups[g]));
        wait_until (has_message_dialog, NULL);
        dialog = find_message_dialog ();
        details = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (adw_message_dialog_get_extra_child (dialog)));
        if (GTK_IS_VIEWPORT (details))
          details = gtk_viewport_get_child (GTK_VIEWPORT (details));
        if (g_str_equal (groups[g], "conversions"))
          g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (details)), treatment));
        if (g_str_equal (groups[g], "lift"))
          {
            g_autofree char *counts = g_strdup_printf ("treatment: %lld/%lld", (long long) x_treat + 1,
                                                       (long long) n_treat);
            g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (details)), counts));
            if (screenshot_dir () != NULL)
              save_png (GTK_WIDGET (dialog), "target-evidence-lift.png");
          }
        gtk_window_destroy (GTK_WINDOW (dialog));
        drain_main_context ();
      }
  }

  assert_fits_narrow_window (view);
  screenshots (window, GTK_WIDGET (view), "target-measured");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Attribution */

static gint64
property_id (Fixture *f,
             int      n)
{
  g_autofree char *ext = g_strdup_printf ("cyc_%05d", n);

  return storm_db_property_by_ext_id (fixture_db (f), ext);
}

static void
touch (Fixture    *f,
       int         n,
       const char *channel,
       const char *at)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_db_add_touch (fixture_db (f), f->storm_id, property_id (f, n), channel, at, NULL,
                                     "manual", "test", NULL, &error));
  g_assert_no_error (error);
}

static void
convert (Fixture    *f,
         int         n,
         gboolean    converted,
         double      value,
         const char *at)
{
  StormOutcome outcome = { property_id (f, n), converted, value, at, "manual", "test" };
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_outcome_record (fixture_db (f), f->storm_id, &outcome, NULL, &error));
  g_assert_no_error (error);
}

static const char *
cell_text (GtkGrid *grid,
           int      column,
           int      row)
{
  GtkWidget *child = gtk_grid_get_child_at (grid, column, row);

  g_assert_true (GTK_IS_LABEL (child));
  return gtk_label_get_label (GTK_LABEL (child));
}

/* One channel's row: touched, credited conversions, value, rate. */
static void
assert_channel (GtkGrid     *grid,
                StormChannel channel,
                const char  *touched,
                const char  *conversions,
                const char  *value,
                const char  *rate)
{
  int row = channel + 1;

  g_assert_cmpstr (cell_text (grid, 0, row), ==, storm_channel_label (channel));
  g_assert_cmpstr (cell_text (grid, 1, row), ==, touched);
  g_assert_cmpstr (cell_text (grid, 2, row), ==, conversions);
  g_assert_cmpstr (cell_text (grid, 3, row), ==, value);
  g_assert_cmpstr (cell_text (grid, 4, row), ==, rate);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
has_message_dialog (gpointer data)
{
  return find_message_dialog () != NULL;
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
test_attribution (Fixture       *f,
                  gconstpointer  data)
{
  StormAttributionView *view = storm_attribution_view_new ();
  GtkWidget *window = show_in_window (GTK_WIDGET (view), 1200, 800);
  GType t = STORM_TYPE_ATTRIBUTION_VIEW;
  GtkStack *stack = template_child (view, t, "stack");
  AdwStatusPage *empty = template_child (view, t, "empty_page");
  GtkGrid *grid = template_child (view, t, "table");
  g_autofree char *bad = NULL;
  g_autofree char *good = NULL;
  g_autofree char *expected_place = NULL;
  AdwMessageDialog *dialog;

  storm_attribution_view_set_storm (view, f->store, f->storm_id);
  wait_loaded (view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "No Touches Yet");
  screenshots (window, GTK_WIDGET (view), "attribution-empty");

  /* Hand-computed paths: 1 knock → call → converts $1,000; 2 mailer →
   * knock → SMS → $2,000; 3 knock → $500; 4 knock → call, no conversion;
   * 5 ads → converts $3,000 → referral after the conversion (no credit). */
  touch (f, 1, "door_knock", "2024-05-01T10:00:00Z");
  touch (f, 1, "call", "2024-05-02T10:00:00Z");
  convert (f, 1, TRUE, 1000, "2024-05-03");
  touch (f, 2, "mailer", "2024-05-01T10:00:00Z");
  touch (f, 2, "door_knock", "2024-05-02T10:00:00Z");
  touch (f, 2, "sms", "2024-05-03T10:00:00Z");
  convert (f, 2, TRUE, 2000, "2024-05-04");
  touch (f, 3, "door_knock", "2024-05-01T10:00:00Z");
  convert (f, 3, TRUE, 500, "2024-05-02");
  touch (f, 4, "door_knock", "2024-05-01T10:00:00Z");
  touch (f, 4, "call", "2024-05-02T10:00:00Z");
  convert (f, 4, FALSE, NAN, "2024-05-03");
  touch (f, 5, "ads", "2024-05-01T10:00:00Z");
  convert (f, 5, TRUE, 3000, "2024-05-05");
  touch (f, 5, "referral", "2024-05-06T10:00:00Z");
  storm_store_notify_changed (f->store, "touches");
  wait_loaded (view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "content");

  g_assert_cmpstr (storm_attribution_view_get_model (view), ==, "last-touch");
  assert_channel (grid, STORM_CHANNEL_DOOR_KNOCK, "4", "1.00", "$500", "25.0 %");
  assert_channel (grid, STORM_CHANNEL_CALL, "2", "1.00", "$1000", "50.0 %");
  assert_channel (grid, STORM_CHANNEL_SMS, "1", "1.00", "$2000", "100.0 %");
  assert_channel (grid, STORM_CHANNEL_MAILER, "1", "0.00", "$0", "0.0 %");
  assert_channel (grid, STORM_CHANNEL_ADS, "1", "1.00", "$3000", "100.0 %");
  assert_channel (grid, STORM_CHANNEL_REFERRAL, "1", "0.00", "$0", "0.0 %");
  g_assert_cmpstr (cell_text (grid, 2, STORM_N_CHANNELS + 1), ==, "4.00");
  g_assert_cmpstr (cell_text (grid, 3, STORM_N_CHANNELS + 1), ==, "$6500");
  assert_fits_narrow_window (view);
  screenshots (window, GTK_WIDGET (view), "attribution");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "attribution.model", "s", "first-touch"));
  wait_loaded (view);
  assert_channel (grid, STORM_CHANNEL_DOOR_KNOCK, "4", "2.00", "$1500", "50.0 %");
  assert_channel (grid, STORM_CHANNEL_CALL, "2", "0.00", "$0", "0.0 %");
  assert_channel (grid, STORM_CHANNEL_MAILER, "1", "1.00", "$2000", "100.0 %");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "attribution.model", "s", "linear"));
  wait_loaded (view);
  /* ½ of 1 + ⅓ of 2 + all of 3 */
  assert_channel (grid, STORM_CHANNEL_DOOR_KNOCK, "4", "1.83", "$1667", "45.8 %");

  /* A bad file: an unknown channel on line 3, reported with its place;
   * nothing of the file is kept. */
  bad = write_file (f, "touches-bad.csv", "property_id,channel,at\ncyc_00010,call,2024-05-01T09:00:00Z\n"
                                          "cyc_00011,pigeon,2024-05-01T09:00:00Z\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "attribution.import-file", "s", bad));
  wait_until (has_message_dialog, NULL);
  dialog = find_message_dialog ();
  expected_place = g_strdup_printf ("%s:3", bad);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "touches-bad.csv:3"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_loaded (view);
  g_assert_cmpint (query_int (fixture_db (f), "SELECT count (*) FROM touches WHERE channel = 'call' AND at LIKE '2024-05-01T09%'", 0), ==, 0);

  good = write_file (f, "touches.csv", "property_id,channel,at,result\ncyc_00010,call,2024-05-01T09:00:00Z,no_answer\n"
                                       "cyc_00011,call,2024-05-01T09:30:00Z,callback\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "attribution.import-file", "s", good));
  wait_loaded (view);
  g_assert_null (find_message_dialog ());
  assert_channel (grid, STORM_CHANNEL_CALL, "4", "0.50", "$500", "12.5 %");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Nurture */

static gint64
apply_default_policy (Fixture *f)
{
  StormPolicyParams params;
  StormPolicySummary summary;
  g_autoptr(GError) error = NULL;

  storm_policy_params_init (&params);
  g_assert_true (storm_policy_apply (fixture_db (f), f->storm_id, &params, &summary, NULL, NULL, &error));
  g_assert_no_error (error);
  return summary.execution_id;
}

static AdwActionRow *
list_row (GtkListBox *list,
          int         index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);

  g_assert_true (ADW_IS_ACTION_ROW (row));
  return ADW_ACTION_ROW (row);
}

static const char *
row_title (GtkListBox *list,
           int         index)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (list_row (list, index)));
}

static int
count_rows (GtkListBox *list)
{
  int n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

static void
test_nurture (Fixture       *f,
              gconstpointer  data)
{
  StormNurtureView *view = storm_nurture_view_new ();
  GtkWidget *window = show_in_window (GTK_WIDGET (view), 1200, 800);
  GType t = STORM_TYPE_NURTURE_VIEW;
  GtkStack *stack = template_child (view, t, "stack");
  AdwStatusPage *empty = template_child (view, t, "empty_page");
  GListModel *candidates = template_child (view, t, "candidates");
  GtkSingleSelection *selection = template_child (view, t, "selection");
  AdwEntryRow *due_row = template_child (view, t, "due_row");
  AdwComboRow *channel_row = template_child (view, t, "channel_row");
  AdwEntryRow *note_row = template_child (view, t, "note_row");
  GtkListBox *due_list = template_child (view, t, "due_list");
  g_autoptr(GArray) expected = NULL;
  g_autoptr(StormNurtureItem) first = NULL;
  g_autoptr(StormNurtureItem) second = NULL;
  g_autofree char *due = _storm_cycle_date_from_today (2);
  g_autofree char *csv_path = g_build_filename (f->dir, "nurture.csv", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;
  gint64 overdue_id;
  int lines = 0;

  storm_nurture_view_set_storm (view, f->store, f->storm_id);
  wait_loaded (view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "Apply a Policy First");
  screenshots (window, GTK_WIDGET (view), "nurture-no-policy");

  apply_default_policy (f);
  convert (f, 1, TRUE, 800, "2024-05-02");
  storm_store_notify_changed (f->store, "policy_executions");
  wait_loaded (view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "content");
  expected = storm_db_nurture_candidates (fixture_db (f), f->storm_id, 0.15, NULL);
  g_assert_cmpuint (expected->len, >, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (candidates)), ==, expected->len);
  first = g_list_model_get_item (G_LIST_MODEL (selection), 0);
  second = g_list_model_get_item (G_LIST_MODEL (selection), 1);
  g_assert_cmpint (storm_nurture_item_get_property_id (first), ==, g_array_index (expected, gint64, 0));

  /* Schedule through the widget for the selected property. */
  gtk_single_selection_set_selected (selection, 0);
  gtk_editable_set_text (GTK_EDITABLE (due_row), "2024-13-40");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (due_row), "error"));
  gtk_editable_set_text (GTK_EDITABLE (due_row), due);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (due_row), "error"));
  adw_combo_row_set_selected (channel_row, STORM_CHANNEL_SMS);
  gtk_editable_set_text (GTK_EDITABLE (note_row), "Ask whether the adjuster has been out");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "nurture.schedule", NULL));
  wait_loaded (view);
  {
    g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (fixture_db (f),
      "SELECT due_on, channel, note, status FROM follow_ups WHERE property_id = ?1", NULL);

    sqlite3_bind_int64 (stmt, 1, storm_nurture_item_get_property_id (first));
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, due);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "sms");
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "Ask whether the adjuster has been out");
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 3), ==, "open");
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  }
  g_assert_cmpint (count_rows (due_list), ==, 1);
  g_assert_cmpstr (row_title (due_list, 0), ==, storm_nurture_item_get_address (first));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (list_row (due_list, 0)), "error"));
  {
    /* The refreshed list shows the new follow-up on the same property. */
    g_autoptr(StormNurtureItem) again = g_list_model_get_item (G_LIST_MODEL (selection), 0);

    g_assert_cmpint (storm_nurture_item_get_property_id (again), ==, storm_nurture_item_get_property_id (first));
    g_assert_cmpstr (storm_nurture_item_get_next_follow_up (again), ==, due);
    g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  }

  /* An overdue one is marked as an error, and Mark Done clears it. */
  overdue_id = storm_db_schedule_follow_up (fixture_db (f), f->storm_id, storm_nurture_item_get_property_id (second),
                                            "2020-01-15", "call", NULL, &error);
  g_assert_no_error (error);
  storm_store_notify_changed (f->store, "follow_ups");
  wait_loaded (view);
  g_assert_cmpint (count_rows (due_list), ==, 2);
  g_assert_cmpstr (row_title (due_list, 0), ==, storm_nurture_item_get_address (second));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (list_row (due_list, 0)), "error"));
  assert_fits_narrow_window (view);
  screenshots (window, GTK_WIDGET (view), "nurture");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "nurture.mark-done", "x", overdue_id));
  wait_loaded (view);
  g_assert_cmpint (count_rows (due_list), ==, 1);
  g_assert_cmpint (query_int (fixture_db (f), "SELECT count (*) FROM follow_ups WHERE id = ?1 AND status = 'done'",
                              overdue_id), ==, 1);

  /* The CSV holds the same candidates. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "nurture.export-file", "s", csv_path));
  wait_loaded (view);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  for (const char *p = csv; *p; p++)
    lines += *p == '\n';
  g_assert_cmpint (lines, ==, expected->len + 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Property activity */

static gint64
first_property_with (Fixture    *f,
                     gint64      execution_id,
                     const char *reason)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (fixture_db (f),
    "SELECT property_id FROM policy_decisions_log WHERE execution_id = ?1 AND reason = ?2 "
    "ORDER BY property_id LIMIT 1", NULL);

  sqlite3_bind_int64 (stmt, 1, execution_id);
  sqlite3_bind_text (stmt, 2, reason, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
write_png (Fixture *f)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 200);
  char *path = g_build_filename (f->dir, "roof.png", NULL);

  gdk_pixbuf_fill (pixbuf, 0x8a5a2bff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", NULL, NULL));
  return path;
}

static void
test_property_activity (Fixture       *f,
                        gconstpointer  data)
{
  StormPropertyActivity *activity = storm_property_activity_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *window;
  GType t = STORM_TYPE_PROPERTY_ACTIVITY;
  GtkListBox *outcomes = template_child (activity, t, "outcome_list");
  GtkListBox *touches = template_child (activity, t, "touch_list");
  GtkListBox *notes = template_child (activity, t, "note_list");
  GtkFlowBox *attachments = template_child (activity, t, "attachment_box");
  gint64 execution_id = apply_default_policy (f);
  gint64 treated = first_property_with (f, execution_id, "above_threshold");
  gint64 control = first_property_with (f, execution_id, "rct_control");
  g_autofree char *png = write_png (f);
  g_autofree char *doc = write_file (f, "estimate.txt", "Tear-off and replace, 28 squares.\n");
  g_autofree char *stored_dir = g_build_filename (g_get_user_data_dir (), "stormops", "attachments", NULL);
  gint64 note_id;

  gtk_widget_set_margin_top (GTK_WIDGET (activity), 24);
  gtk_widget_set_margin_bottom (GTK_WIDGET (activity), 24);
  gtk_widget_set_margin_start (GTK_WIDGET (activity), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (activity), 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (activity));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  window = show_in_window (scroller, 1200, 800);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (activity, t, "stack")), ==, "empty");

  /* A control is never contacted. */
  storm_property_activity_set_property_id (activity, f->store, f->storm_id, control);
  g_assert_cmpstr (label_text (activity, t, "rule_label"), ==, "rule: control");
  g_assert_cmpstr (label_text (activity, t, "decision_label"), ==, "Hold");
  g_assert_cmpstr (label_text (activity, t, "reason_label"), ==, "RCT control");

  storm_property_activity_set_property_id (activity, f->store, f->storm_id, treated);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (activity, t, "stack")), ==, "content");
  g_assert_cmpstr (label_text (activity, t, "decision_label"), ==, "Treat");
  g_assert_cmpstr (label_text (activity, t, "reason_label"), ==, "Above threshold");
  g_assert_cmpstr (label_text (activity, t, "rule_label"), ==, "rule: knock");
  g_assert_cmpstr (row_title (outcomes, 0), ==, "No outcome logged yet");

  /* A touch from the popover's choices. */
  gtk_drop_down_set_selected (template_child (activity, t, "channel_dropdown"), STORM_CHANNEL_DOOR_KNOCK);
  gtk_drop_down_set_selected (template_child (activity, t, "result_dropdown"), 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (activity), "activity.add-touch", NULL));
  wait_loaded (activity);
  g_assert_cmpstr (row_title (touches, 0), ==, "Door knock · No answer");
  g_assert_cmpstr (label_text (activity, t, "rule_label"), ==, "rule: revisit-evening");

  /* Outcome, the same again (nothing changes), then a correction. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (activity), "activity.record-outcome", "(bds)",
                                             TRUE, 9500.0, "2024-05-12"));
  wait_loaded (activity);
  g_assert_cmpint (count_rows (outcomes), ==, 1);
  g_assert_cmpstr (row_title (outcomes, 0), ==, "Converted · $9500");
  g_assert_cmpstr (label_text (activity, t, "rule_label"), ==, "rule: converted");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (activity), "activity.record-outcome", "(bds)",
                                             TRUE, 9500.0, "2024-05-12"));
  wait_loaded (activity);
  g_assert_cmpint (count_rows (outcomes), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (activity), "activity.record-outcome", "(bds)",
                                             FALSE, NAN, "2024-05-13"));
  wait_loaded (activity);
  g_assert_cmpint (count_rows (outcomes), ==, 2);
  g_assert_cmpstr (row_title (outcomes, 0), ==, "Not converted");
  g_assert_cmpstr (row_title (outcomes, 1), ==, "Converted · $9500");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (list_row (outcomes, 1)), "dim-label"));
  g_assert_cmpint (query_int (fixture_db (f), "SELECT count (*) FROM policy_outcomes WHERE property_id = ?1", treated),
                   ==, 2);
  g_assert_cmpint (query_int (fixture_db (f), "SELECT count (*) FROM policy_outcomes WHERE property_id = ?1 "
                                              "AND is_current = 1 AND converted = 0", treated), ==, 1);
  g_assert_cmpstr (label_text (activity, t, "rule_label"), ==, "rule: declined");

  /* The dialog path: prefilled with the current outcome, corrected. */
  {
    AdwMessageDialog *dialog;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (activity), "activity.log-outcome", NULL));
    wait_until (has_message_dialog, NULL);
    dialog = find_message_dialog ();
    g_assert_false (gtk_switch_get_active (g_object_get_data (G_OBJECT (dialog), "converted")));
    g_assert_cmpstr (gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "date")), ==, "2024-05-13");
    gtk_switch_set_active (g_object_get_data (G_OBJECT (dialog), "converted"), TRUE);
    gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "value"), "12000");
    gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "date"), "2024-05-20");
    if (screenshot_dir () != NULL)
      save_png (GTK_WIDGET (dialog), "activity-log-outcome.png");
    adw_message_dialog_response (dialog, "log");
    drain_main_context ();
    wait_loaded (activity);
    g_assert_cmpint (count_rows (outcomes), ==, 3);
    g_assert_cmpstr (row_title (outcomes, 0), ==, "Converted · $12000");
    g_assert_cmpstr (label_text (activity, t, "rule_label"), ==, "rule: converted");
  }

  /* A note, then an edit of it. */
  gtk_editable_set_text (GTK_EDITABLE (template_child (activity, t, "note_entry")),
                         "Owner says the roof is 22 years old; insurance adjuster visit pending.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (activity), "activity.add-note", NULL));
  wait_loaded (activity);
  g_assert_cmpstr (row_title (notes, 0), ==, "Owner says the roof is 22 years old; insurance adjuster visit pending.");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_child (activity, t, "note_entry"))), ==, "");
  note_id = query_int (fixture_db (f), "SELECT id FROM property_notes WHERE property_id = ?1", treated);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (activity), "activity.save-note", "(xs)", note_id,
                                             "Owner says the roof is 22 years old; adjuster came on Tuesday."));
  wait_loaded (activity);
  g_assert_cmpint (count_rows (notes), ==, 1);
  g_assert_cmpstr (row_title (notes, 0), ==, "Owner says the roof is 22 years old; adjuster came on Tuesday.");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (list_row (notes, 0)), "edited"));

  /* A photo and a document, copied into the data folder. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (activity), "activity.attach-file", "s", png));
  wait_loaded (activity);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (activity), "activity.attach-file", "s", doc));
  wait_loaded (activity);
  g_assert_cmpint (query_int (fixture_db (f), "SELECT count (*) FROM property_attachments WHERE property_id = ?1",
                              treated), ==, 2);
  {
    int n = 0;

    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (attachments)); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      n++;
    g_assert_cmpint (n, ==, 2);
  }
  {
    g_autoptr(GDir) dir = g_dir_open (stored_dir, 0, NULL);
    int n = 0;

    g_assert_nonnull (dir);
    while (g_dir_read_name (dir) != NULL)
      n++;
    g_assert_cmpint (n, >=, 2);
  }

  assert_fits_narrow_window (activity);
  screenshots (window, scroller, "activity");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("stormops-cycle-ui-data-XXXXXX", NULL);
  int status;

  /* Attachments are copied into the user data folder: keep them in a
   * temporary one (the system folders stay, for GTK's own settings). */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add ("/cycle-ui/target/empty-states", Fixture, NULL, fixture_setup, test_target_empty_states, fixture_teardown);
  g_test_add ("/cycle-ui/target/preview-and-apply", Fixture, NULL, fixture_setup, test_target_preview_and_apply,
              fixture_teardown);
  g_test_add ("/cycle-ui/target/measurement", Fixture, NULL, fixture_setup, test_target_measurement, fixture_teardown);
  g_test_add ("/cycle-ui/attribution", Fixture, NULL, fixture_setup, test_attribution, fixture_teardown);
  g_test_add ("/cycle-ui/nurture", Fixture, NULL, fixture_setup, test_nurture, fixture_teardown);
  g_test_add ("/cycle-ui/property-activity", Fixture, NULL, fixture_setup, test_property_activity, fixture_teardown);

  status = g_test_run ();
  remove_tree (data_home);
  return status;
}
