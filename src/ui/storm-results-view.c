#define G_LOG_DOMAIN "storm-results-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-dash-ui.h"
#include "storm-lead-window.h"
#include "storm-results-view.h"

/* The results ledger: every client in a won stage with its target,
 * baseline, current result, delta, progress to goal and the trend of
 * its outcome entries; the evidence behind it one click away. The
 * tables are small (one row per client); they are read as they change. */
struct _StormResultsView
{
  GtkWidget   parent_instance;

  GtkStack   *stack;
  GtkLabel   *title_label;
  GtkLabel   *subtitle_label;
  GtkBox     *groups_box;

  StormStore *store;
  gulong      changed_id;
};

G_DEFINE_FINAL_TYPE (StormResultsView, storm_results_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
col (sqlite3_stmt *stmt,
     int           i)
{
  return (const char *) sqlite3_column_text (stmt, i);
}

/* A sparkline of the outcome entries, in the text colour. */
static void
draw_trend (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  GArray *values = data;
  double lo = INFINITY, hi = -INFINITY;
  GdkRGBA color;

  if (values->len < 2)
    return;
  for (guint i = 0; i < values->len; i++)
    {
      lo = MIN (lo, g_array_index (values, double, i));
      hi = MAX (hi, g_array_index (values, double, i));
    }
  if (hi - lo < 1e-9)
    hi = lo + 1;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 2);
  for (guint i = 0; i < values->len; i++)
    {
      double x = 2 + (width - 4) * (double) i / (values->len - 1);
      double y = height - 2 - (height - 4) * (g_array_index (values, double, i) - lo) / (hi - lo);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);
}

static GArray *
entries (StormDb *db,
         gint64   result_id)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db,
                                                   "SELECT value FROM client_result_entries WHERE result_id = ?1 ORDER BY at",
                                                   NULL);
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));

  if (stmt == NULL)
    return values;
  sqlite3_bind_int64 (stmt, 1, result_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double v = sqlite3_column_double (stmt, 0);

      g_array_append_val (values, v);
    }
  return values;
}

static GtkWidget *
client_row (StormDb      *db,
            sqlite3_stmt *stmt,
            double       *progress)
{
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *title = col (stmt, 1) ? g_markup_printf_escaped ("%s — %s", col (stmt, 1), col (stmt, 2))
                                          : g_markup_escape_text (col (stmt, 2), -1);
  g_autofree char *subtitle = NULL;

  GtkWidget *open = gtk_button_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (open, "flat");
  gtk_widget_set_tooltip_text (open, _("Open this client: results, lead, stage, touches, proposals"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "results.open-lead");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (open), "x", sqlite3_column_int64 (stmt, 0));
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), open);
  *progress = NAN;
  if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
    {
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), _("No result recorded yet: set a target and a baseline"));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                                storm_dash_ui_detail_row (_("Next action"), _("Agree the target and measure the baseline")));
      return row;
    }
  else
    {
      double baseline = sqlite3_column_double (stmt, 7);
      double goal = sqlite3_column_double (stmt, 8);
      double current = sqlite3_column_double (stmt, 9);
      GArray *values = entries (db, sqlite3_column_int64 (stmt, 4));
      GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
      GtkWidget *trend = gtk_drawing_area_new ();
      const char *unit = col (stmt, 6) ? col (stmt, 6) : "";

      if (goal != baseline)
        *progress = CLAMP ((current - baseline) / (goal - baseline), 0, 1);
      subtitle = g_markup_printf_escaped (_("%s: %.0f → %.0f %s (%+.0f) · goal %.0f · confidence %s"),
                                          col (stmt, 5) ? col (stmt, 5) : _("Result"), baseline, current, unit,
                                          current - baseline, goal, col (stmt, 14) ? col (stmt, 14) : _("unknown"));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), isnan (*progress) ? 0 : *progress);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_set_size_request (bar, 80, 10);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (bar, "funnel-bar");
      gtk_widget_set_tooltip_text (bar, _("Progress from the baseline to the goal"));
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), bar);

      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (trend), 72);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (trend), 24);
      gtk_widget_set_valign (trend, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (trend, _("Outcome entries over time"));
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (trend), draw_trend, values, (GDestroyNotify) g_array_unref);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), trend);
    }

  if (col (stmt, 10) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), storm_dash_ui_detail_row (_("Interventions"), col (stmt, 10)));
  if (col (stmt, 11) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), storm_dash_ui_detail_row (_("What worked"), col (stmt, 11)));
  if (col (stmt, 12) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), storm_dash_ui_detail_row (_("What failed"), col (stmt, 12)));
  if (col (stmt, 13) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), storm_dash_ui_detail_row (_("Proof"), col (stmt, 13)));
  if (col (stmt, 15) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), storm_dash_ui_detail_row (_("Next action"), col (stmt, 15)));
  return row;
}

static void
reload (StormResultsView *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *group = NULL;
  g_autofree char *group_stage = NULL;
  double sum = 0;
  guint n = 0, n_measured = 0, n_missing = 0;
  StormDb *db;

  if (!storm_dash_ui_shown_or_defer (GTK_WIDGET (self), (void (*) (gpointer)) reload))
    return;
  storm_dash_ui_clear_box (self->groups_box);
  if (self->store == NULL)
    return;
  db = storm_store_get_db (self->store);
  stmt = storm_db_prepare (db,
                           "SELECT l.id, l.company, l.title, s.name, r.id, r.target, r.unit, r.baseline, r.goal, "
                           "  r.current, r.interventions, r.what_worked, r.what_failed, r.proof, r.confidence, "
                           "  r.next_action, s.code "
                           "FROM leads l JOIN lead_stages s ON s.code = l.stage "
                           "LEFT JOIN client_results r ON r.lead_id = l.id "
                           "WHERE s.kind = 'won' ORDER BY s.position DESC, l.company, l.id LIMIT 500",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      double progress;

      if (group == NULL || g_strcmp0 (group_stage, col (stmt, 16)) != 0)
        {
          group = adw_preferences_group_new ();
          adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), col (stmt, 3));
          gtk_box_append (self->groups_box, group);
          g_free (group_stage);
          group_stage = g_strdup (col (stmt, 16));
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), client_row (db, stmt, &progress));
      n++;
      if (!isnan (progress))
        {
          sum += progress;
          n_measured++;
        }
      if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
        n_missing++;
    }
  if (n == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  title = g_strdup_printf (ngettext ("%u client to deliver results for", "%u clients to deliver results for", n), n);
  gtk_label_set_text (self->title_label, title);
  if (n_measured > 0)
    subtitle = g_strdup_printf (_("Average progress from baseline to goal: %.0f %%. Without a recorded result: %u."),
                                100 * sum / n_measured, n_missing);
  else
    subtitle = g_strdup_printf (_("No result recorded yet for %u clients."), n_missing);
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
open_lead_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  storm_lead_window_open (widget, STORM_RESULTS_VIEW (widget)->store, g_variant_get_int64 (parameter));
}

static void
store_changed_cb (StormStore       *store,
                  const char       *table,
                  StormResultsView *self)
{
  if (g_strv_contains (storm_dash_ui_tables (), table))
    reload (self);
}

static void
load_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  storm_dash_ui_load_demo (widget, STORM_RESULTS_VIEW (widget)->store);
}

static void
import_json_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  storm_dash_ui_import_json (widget, STORM_RESULTS_VIEW (widget)->store);
}

static void
storm_results_view_dispose (GObject *object)
{
  StormResultsView *self = STORM_RESULTS_VIEW (object);

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_RESULTS_VIEW);

  G_OBJECT_CLASS (storm_results_view_parent_class)->dispose (object);
}

static void
storm_results_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_STORE:
      storm_results_view_set_store (STORM_RESULTS_VIEW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_results_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, STORM_RESULTS_VIEW (object)->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_results_view_class_init (StormResultsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_results_view_dispose;
  object_class->get_property = storm_results_view_get_property;
  object_class->set_property = storm_results_view_set_property;
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STORM_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stormops/StormOps/storm-results-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormResultsView, stack);
  gtk_widget_class_bind_template_child (widget_class, StormResultsView, title_label);
  gtk_widget_class_bind_template_child (widget_class, StormResultsView, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, StormResultsView, groups_box);
  gtk_widget_class_install_action (widget_class, "dash.import-json", NULL, import_json_action);
  gtk_widget_class_install_action (widget_class, "dash.load-demo", NULL, load_demo_action);
  gtk_widget_class_install_action (widget_class, "results.open-lead", "x", open_lead_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
storm_results_view_init (StormResultsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
storm_results_view_set_store (StormResultsView *self,
                              StormStore       *store)
{
  g_return_if_fail (STORM_IS_RESULTS_VIEW (self));
  g_return_if_fail (store == NULL || STORM_IS_STORE (store));

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_set_object (&self->store, store);
  if (store != NULL)
    self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}
