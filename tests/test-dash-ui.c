/* The operator dashboard views under Xvfb: Ops health and Agent jobs on
 * an empty database and on the demo's data, live updates, the approval
 * gate from the buttons, and screenshots (wide, narrow, dark) written
 * to the working directory as test-dash-ui-*.png. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "storm-agent-jobs-view.h"
#include "storm-capture.h"
#include "storm-demo-dash.h"
#include "storm-ops-health-view.h"
#include "storm-packages-view.h"
#include "storm-results-view.h"
#include "storm-sales-leak-view.h"
#include "storm-store.h"

typedef struct
{
  char       *dir;
  StormStore *store;
  GtkWidget  *window;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("stormops-dash-ui-XXXXXX", NULL);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->store = storm_store_open (path, &error);
  g_assert_no_error (error);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->store);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  remove_tree (f->dir);
  g_free (f->dir);
}

static void
run_until (gboolean (*done) (gpointer),
           gpointer data)
{
  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
not_loading (gpointer data)
{
  return !storm_ops_health_view_get_loading (data);
}

static gboolean
showing_health (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (data), "health") == 0;
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
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

static GtkWidget *
show (Fixture   *f,
      GtkWidget *view)
{
  GtkWidget *overlay = adw_toast_overlay_new ();

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), view);
  gtk_window_set_child (GTK_WINDOW (f->window), overlay);
  gtk_window_present (GTK_WINDOW (f->window));
  run_until (mapped, view);
  return view;
}

static void
load_demo (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_demo_dash_generate (storm_store_get_db (f->store), g_get_real_time () / G_USEC_PER_SEC, 24, &error));
  g_assert_no_error (error);
  storm_store_notify_changed (f->store, "leads");
}

static void
settle (void)
{
  for (int i = 0; i < 30; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
}

/* Wide, narrow and dark, as a person sees the view. */
static void
screenshots (Fixture    *f,
             const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  static const struct { const char *suffix; int width; gboolean dark; } shots[] = {
    { "wide", 1200, FALSE }, { "narrow", 600, FALSE }, { "dark", 1200, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shots); i++)
    {
      g_autofree char *path = g_strdup_printf ("test-dash-ui-%s-%s.png", name, shots[i].suffix);
      g_autoptr(GError) error = NULL;

      adw_style_manager_set_color_scheme (style, shots[i].dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_DEFAULT);
      gtk_window_set_default_size (GTK_WINDOW (f->window), shots[i].width, 800);
      settle ();
      g_assert_true (storm_capture_widget_png (f->window, path, &error));
      g_assert_no_error (error);
      g_test_message ("screenshot: %s", path);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
}

static void
test_ops_health (Fixture       *f,
                 gconstpointer  data)
{
  StormOpsHealthView *view = STORM_OPS_HEALTH_VIEW (g_object_new (STORM_TYPE_OPS_HEALTH_VIEW, NULL));
  GtkStack *stack = template_child (view, STORM_TYPE_OPS_HEALTH_VIEW, "stack");
  GtkLabel *status = template_child (view, STORM_TYPE_OPS_HEALTH_VIEW, "status_label");
  GtkWidget *sections = template_child (view, STORM_TYPE_OPS_HEALTH_VIEW, "sections_box");
  guint n_sections = 0;
  gint64 approval;
  g_autoptr(GError) error = NULL;

  show (f, GTK_WIDGET (view));
  storm_ops_health_view_set_store (view, f->store);
  run_until (not_loading, view);
  /* an empty database says how to get data */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  screenshots (f, "ops-health-empty");

  /* Load Demo: the panel follows the store */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "dash.load-demo", NULL));
  run_until (showing_health, stack);
  run_until (not_loading, view);
  /* 1 failing pipeline, 6 stale leads, 5 stuck proposals, 4 approvals,
   * 2 integrations (the CRM failing, invoices silent) */
  g_assert_cmpstr (gtk_label_get_label (status), ==, "18 things need you today");
  for (GtkWidget *c = gtk_widget_get_first_child (sections); c != NULL; c = gtk_widget_get_next_sibling (c))
    n_sections++;
  g_assert_cmpuint (n_sections, ==, 7);
  screenshots (f, "ops-health");

  /* Approve on a row of the queue: recorded with this user, the count follows */
  approval = storm_db_count_rows (storm_store_get_db (f->store), "SELECT id FROM approvals WHERE kind = 'follow_up_send'", 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "ops.approve", "x", approval));
  run_until (not_loading, view);
  g_assert_cmpstr (gtk_label_get_label (status), ==, "17 things need you today");
  g_assert_cmpint (storm_db_count_rows (storm_store_get_db (f->store),
                                       "SELECT count (*) FROM approvals WHERE kind = 'follow_up_send' AND approved_by IS NOT NULL",
                                       0), ==, 1);

  /* a change made elsewhere reaches the panel too */
  g_assert_true (storm_db_exec (storm_store_get_db (f->store),
                                "UPDATE proposals SET outcome = 'won', outcome_at = '2026-01-01T00:00:00Z' "
                                "WHERE outcome IS NULL AND sent_at IS NOT NULL", &error));
  storm_store_notify_changed (f->store, "proposals");
  run_until (not_loading, view);
  g_assert_cmpstr (gtk_label_get_label (status), ==, "12 things need you today");
}

static guint
count_rows (GtkWidget *list)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (list); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += gtk_widget_get_visible (c);
  return n;
}

static void
test_agent_jobs (Fixture       *f,
                 gconstpointer  data)
{
  StormAgentJobsView *view = STORM_AGENT_JOBS_VIEW (g_object_new (STORM_TYPE_AGENT_JOBS_VIEW, NULL));
  GtkStack *stack = template_child (view, STORM_TYPE_AGENT_JOBS_VIEW, "stack");
  GtkWidget *list = template_child (view, STORM_TYPE_AGENT_JOBS_VIEW, "list");
  GtkDropDown *filter = template_child (view, STORM_TYPE_AGENT_JOBS_VIEW, "filter_dropdown");
  GtkLabel *summary = template_child (view, STORM_TYPE_AGENT_JOBS_VIEW, "summary_label");
  StormDb *db = storm_store_get_db (f->store);
  g_autofree char *who = NULL;

  show (f, GTK_WIDGET (view));
  storm_agent_jobs_view_set_store (view, f->store);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  load_demo (f);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "jobs");
  g_assert_cmpuint (count_rows (list), ==, 6);
  g_assert_cmpstr (gtk_label_get_label (summary), ==, "6 agent jobs, 2 waiting for approval");
  screenshots (f, "agent-jobs");

  /* Deploy without an approval: the store refuses, nothing changes */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "agent-jobs.deploy", "x", (gint64) 2));
  g_assert_cmpint (storm_db_count_rows (db, "SELECT count (*) FROM agent_jobs WHERE id = 2 AND deployed_at IS NULL", 0), ==, 1);

  /* Approve records this user; then Deploy goes through */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "agent-jobs.approve", "x", (gint64) 2));
  g_assert_cmpint (storm_db_count_rows (db, "SELECT count (*) FROM agent_jobs WHERE id = 2 AND approved_at IS NOT NULL", 0), ==, 1);
  g_assert_cmpstr (gtk_label_get_label (summary), ==, "6 agent jobs, 1 waiting for approval");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "agent-jobs.deploy", "x", (gint64) 2));
  g_assert_cmpint (storm_db_count_rows (db, "SELECT count (*) FROM agent_jobs WHERE id = 2 AND deployed_at IS NOT NULL", 0), ==, 1);
  {
    g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, "SELECT approved_by FROM agent_jobs WHERE id = 2", NULL);

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    who = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  }
  g_assert_cmpstr (who, ==, storm_agent_jobs_view_get_person ());

  /* filters: high risk (auth, billing), deployed (three now) */
  gtk_drop_down_set_selected (filter, 2);
  g_assert_cmpuint (count_rows (list), ==, 2);
  gtk_drop_down_set_selected (filter, 4);
  g_assert_cmpuint (count_rows (list), ==, 3);
}

static gboolean
leak_idle (gpointer data)
{
  return !storm_sales_leak_view_get_loading (data);
}

static void
test_sales_leak (Fixture       *f,
                 gconstpointer  data)
{
  StormSalesLeakView *view = STORM_SALES_LEAK_VIEW (g_object_new (STORM_TYPE_SALES_LEAK_VIEW, NULL));
  GtkStack *stack = template_child (view, STORM_TYPE_SALES_LEAK_VIEW, "stack");
  GtkLabel *constraint = template_child (view, STORM_TYPE_SALES_LEAK_VIEW, "constraint_label");
  GtkDropDown *period = template_child (view, STORM_TYPE_SALES_LEAK_VIEW, "period_dropdown");

  show (f, GTK_WIDGET (view));
  storm_sales_leak_view_set_store (view, f->store);
  run_until (leak_idle, view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  load_demo (f);
  run_until (leak_idle, view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "leak");
  /* the demo's proposals wait: four leads stuck past 7 days */
  g_assert_cmpstr (gtk_label_get_label (constraint), ==, "The constraint: Proposal sent");
  screenshots (f, "sales-leak");

  /* Log Touch on a stuck lead records a touch with the time of now */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "leak.log-touch", "x", (gint64) 11));
  g_assert_cmpint (storm_db_count_rows (storm_store_get_db (f->store),
                                       "SELECT count (*) FROM lead_touches WHERE lead_id = 11 AND note = 'Logged from Sales leak'",
                                       0), ==, 1);
  run_until (leak_idle, view);

  /* a week: fewer entries, the stuck leads stay the constraint */
  gtk_drop_down_set_selected (period, 0);
  run_until (leak_idle, view);
  g_assert_cmpstr (gtk_label_get_label (constraint), ==, "The constraint: Proposal sent");
}

static void
test_results_and_packages (Fixture       *f,
                           gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  StormResultsView *results = g_object_new (STORM_TYPE_RESULTS_VIEW, "hexpand", TRUE, NULL);
  StormPackagesView *packages = g_object_new (STORM_TYPE_PACKAGES_VIEW, "hexpand", TRUE, NULL);
  GtkStack *results_stack = template_child (results, STORM_TYPE_RESULTS_VIEW, "stack");
  GtkStack *packages_stack = template_child (packages, STORM_TYPE_PACKAGES_VIEW, "stack");

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (results));
  show (f, box);
  storm_results_view_set_store (results, f->store);
  storm_packages_view_set_store (packages, f->store);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (results_stack), ==, "empty");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (packages_stack), ==, "empty");

  load_demo (f);
  /* six won clients, each with a result; the demo's three packages */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (results_stack), ==, "content");
  g_assert_cmpstr (gtk_label_get_label (template_child (results, STORM_TYPE_RESULTS_VIEW, "title_label")), ==,
                   "6 clients to deliver results for");
  /* Off screen, the packages view has read nothing yet... */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (packages_stack), ==, "empty");
  screenshots (f, "results");
  gtk_box_remove (GTK_BOX (box), GTK_WIDGET (results));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (packages));
  /* ...shown, it reads and builds its content at once. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (packages)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (packages_stack), ==, "content");
  g_assert_cmpstr (gtk_label_get_label (template_child (packages, STORM_TYPE_PACKAGES_VIEW, "title_label")), ==,
                   "3 packages on offer");
  screenshots (f, "packages");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkCssProvider) css = NULL;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  /* The application loads its style sheet; these windows have none. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/stormops/StormOps/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add ("/dash-ui/ops-health", Fixture, NULL, fixture_setup, test_ops_health, fixture_teardown);
  g_test_add ("/dash-ui/agent-jobs", Fixture, NULL, fixture_setup, test_agent_jobs, fixture_teardown);
  g_test_add ("/dash-ui/sales-leak", Fixture, NULL, fixture_setup, test_sales_leak, fixture_teardown);
  g_test_add ("/dash-ui/results-and-packages", Fixture, NULL, fixture_setup, test_results_and_packages,
              fixture_teardown);

  return g_test_run ();
}
