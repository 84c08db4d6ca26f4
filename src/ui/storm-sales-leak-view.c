#define G_LOG_DOMAIN "storm-sales-leak-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-dash-ui.h"
#include "storm-lead-window.h"
#include "storm-record-editor.h"
#include "storm-sales-leak-view.h"
#include "storm-sales-leak.h"
#include "storm-store-leads.h"

/* The sales leak: the constraint (worst leak) with its evidence and
 * actions, then the funnel stage by stage. Computed on a worker for the
 * chosen period, again when the store says a table changed. */
struct _StormSalesLeakView
{
  GtkWidget     parent_instance;

  GtkStack     *stack;
  GtkLabel     *constraint_label;
  GtkDropDown  *period_dropdown;
  GtkBox       *groups_box;

  StormStore   *store;
  GCancellable *cancellable;
  gulong        changed_id;
  gboolean      computing;
  gboolean      dirty;
  gboolean      finishing;
  gboolean      loading;
};

G_DEFINE_FINAL_TYPE (StormSalesLeakView, storm_sales_leak_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const int period_days[] = { 7, 30, 90, 365 };

static void refresh (StormSalesLeakView *self);

/* A lead in an open stage for longer than the stage's benchmark. */
typedef struct {
  gint64  id;
  char   *title;
  char   *stage;
  char   *entered_at;
  char   *last_touch;
} StuckLead;

static void
stuck_lead_free (gpointer data)
{
  StuckLead *lead = data;

  g_free (lead->title);
  g_free (lead->stage);
  g_free (lead->entered_at);
  g_free (lead->last_touch);
  g_free (lead);
}

/* Stuck leads listed, oldest first. */
#define MAX_STUCK 25

typedef struct {
  gint64          now;
  int             days;
  gboolean        has_leads;
  StormSalesLeak *leak;
  GPtrArray      *stuck;
} Compute;

typedef struct {
  StormSalesLeakView *self;
  Compute            *compute;
} Pending;

static void
compute_free (gpointer data)
{
  Compute *compute = data;

  g_clear_pointer (&compute->leak, storm_sales_leak_free);
  g_clear_pointer (&compute->stuck, g_ptr_array_unref);
  g_free (compute);
}

static gboolean
compute_thread (StormDb        *db,
                gpointer        data,
                GCancellable   *cancellable,
                StormProgress  *progress,
                GError        **error)
{
  Compute *compute = data;

  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (compute->now);
  g_autofree char *now_iso = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  compute->has_leads = storm_db_count_rows (db, "SELECT count (*) FROM leads", 0) > 0;
  compute->leak = storm_sales_leak_compute (db, compute->now - (gint64) compute->days * 86400, compute->now + 1,
                                            compute->now, error);
  if (compute->leak == NULL)
    return FALSE;

  compute->stuck = g_ptr_array_new_with_free_func (stuck_lead_free);
  stmt = storm_db_prepare (db,
                           "SELECT l.id, coalesce (l.company || ' — ' || l.title, l.title), s.name, l.stage_entered_at, "
                           "  l.last_contact_at "
                           "FROM lead_stages s JOIN leads l ON l.stage = s.code "
                           "WHERE s.kind = 'open' AND s.benchmark_days IS NOT NULL "
                           "  AND l.stage_entered_at < strftime ('%Y-%m-%dT%H:%M:%SZ', ?1, "
                           "                                     printf ('-%f seconds', s.benchmark_days * 86400)) "
                           "ORDER BY l.stage_entered_at, l.id LIMIT ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now_iso, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, MAX_STUCK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      StuckLead *lead = g_new0 (StuckLead, 1);

      lead->id = sqlite3_column_int64 (stmt, 0);
      lead->title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      lead->stage = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      lead->entered_at = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      lead->last_touch = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (compute->stuck, lead);
    }
  return TRUE;
}

static GtkWidget *
text_row (const char *title,
          const char *subtitle,
          const char *icon_name,
          const char *css_class)
{
  GtkWidget *row = adw_action_row_new ();

  /* Stage names and evidence are text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
  if (icon_name != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

      if (css_class != NULL)
        gtk_widget_add_css_class (icon, css_class);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  return row;
}

static char *
percent (double value)
{
  return isnan (value) ? g_strdup ("—") : g_strdup_printf ("%.0f %%", 100 * value);
}

static char *
days (double value)
{
  return isnan (value) ? g_strdup ("—") : g_strdup_printf (_("%.1f d"), value);
}

static GtkWidget *
stage_row (const StormLeakStage *s,
           gint64                max_entered,
           gboolean              leaking)
{
  g_autofree char *conv = percent (s->conversion);
  g_autofree char *bench = percent (s->benchmark_conversion);
  g_autofree char *median = days (s->median_days);
  g_autofree char *p90 = days (s->p90_days);
  g_autofree char *title = g_strdup_printf (ngettext ("%s — %lld lead now", "%s — %lld leads now", s->count),
                                            s->name, (long long) s->count);
  g_autofree char *subtitle = NULL;
  GtkWidget *row;
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, MAX (1, max_entered));

  if (g_str_equal (s->kind, "lost"))
    subtitle = g_strdup_printf (_("%lld lost in the period"), (long long) s->entered);
  else
    subtitle = g_strdup_printf (_("%lld entered · %s moved on (benchmark %s) · median %s, p90 %s · %lld stuck · %lld lost"),
                                (long long) s->entered, conv, bench, median, p90, (long long) s->stuck, (long long) s->lost);
  row = text_row (title, subtitle, NULL, NULL);

  /* The funnel: each stage's entries against the widest stage. */
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), (double) s->entered);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_set_size_request (bar, 96, 10);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (bar, "funnel-bar");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), bar);

  if (leaking)
    {
      GtkWidget *badge = gtk_label_new (_("Leak"));

      gtk_widget_add_css_class (badge, "risk-badge");
      gtk_widget_add_css_class (badge, "risk-high");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
    }
  if (!g_str_equal (s->kind, "lost"))
    {
      GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");

      gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (edit, "flat");
      gtk_widget_set_tooltip_text (edit, _("Edit this stage’s benchmarks"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "leak.edit-benchmark");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "s", s->code);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
    }
  return row;
}

static void
show_leak (StormSalesLeakView *self,
           Compute            *compute)
{
  StormSalesLeak *leak = compute->leak;
  const StormLeak *constraint = storm_sales_leak_constraint (leak);
  GtkWidget *evidence = adw_preferences_group_new ();
  GtkWidget *funnel = adw_preferences_group_new ();
  GtkWidget *child;
  gint64 max_entered = 1;

  if (!compute->has_leads)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);

  if (constraint != NULL)
    {
      const StormLeakStage *stage = storm_sales_leak_stage (leak, constraint->stage);
      g_autofree char *title = g_strdup_printf (_("The constraint: %s"), stage ? stage->name : constraint->stage);

      gtk_label_set_text (self->constraint_label, title);
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (evidence), _("Evidence and what to do"));
      for (guint i = 0; i < constraint->evidence->len; i++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (evidence),
                                   text_row (g_ptr_array_index (constraint->evidence, i), NULL,
                                             "dialog-warning-symbolic", "warning"));
      for (guint i = 0; i < constraint->actions->len; i++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (evidence),
                                   text_row (g_ptr_array_index (constraint->actions, i), NULL,
                                             "go-next-symbolic", "accent"));
      for (guint i = 1; i < leak->leaks->len; i++)
        {
          const StormLeak *other = g_ptr_array_index (leak->leaks, i);
          const StormLeakStage *other_stage = storm_sales_leak_stage (leak, other->stage);
          g_autofree char *also = g_strdup_printf (_("Also leaking: %s"), other_stage ? other_stage->name : other->stage);
          g_autoptr(GString) text = g_string_new (NULL);

          for (guint j = 0; j < other->evidence->len; j++)
            g_string_append_printf (text, "%s%s", j ? "; " : "", (const char *) g_ptr_array_index (other->evidence, j));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (evidence),
                                     text_row (also, text->str, "dialog-information-symbolic", "dim-label"));
        }
    }
  else
    {
      gtk_label_set_text (self->constraint_label, _("No leak against the benchmarks"));
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (evidence), _("Evidence"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (evidence),
                                 text_row (_("Every stage converts at or above its benchmark and nothing is stuck past it."),
                                           NULL, "emblem-ok-symbolic", "success"));
    }
  gtk_box_append (self->groups_box, evidence);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (funnel), _("Funnel"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (funnel),
                                         _("Leads that entered each stage in the period, how many moved on, days in "
                                           "the stage, leads stuck past the stage’s benchmark and leads lost from it."));
  for (guint i = 0; i < leak->stages->len; i++)
    max_entered = MAX (max_entered, ((StormLeakStage *) g_ptr_array_index (leak->stages, i))->entered);
  for (guint i = 0; i < leak->stages->len; i++)
    {
      const StormLeakStage *s = g_ptr_array_index (leak->stages, i);
      gboolean leaking = FALSE;

      for (guint j = 0; j < leak->leaks->len; j++)
        leaking |= g_str_equal (((StormLeak *) g_ptr_array_index (leak->leaks, j))->stage, s->code);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (funnel), stage_row (s, max_entered, leaking));
    }
  gtk_box_append (self->groups_box, funnel);

  if (compute->stuck->len > 0)
    {
      GtkWidget *stuck = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (stuck), _("Stuck leads"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (stuck),
                                             _("Leads in a stage for longer than its benchmark, the oldest first. "
                                               "Log a touch when you have contacted one."));
      for (guint i = 0; i < compute->stuck->len; i++)
        {
          StuckLead *lead = g_ptr_array_index (compute->stuck, i);
          g_autofree char *in_stage = storm_dash_ui_ago (lead->entered_at, compute->now);
          g_autofree char *touched = storm_dash_ui_ago (lead->last_touch, compute->now);
          g_autofree char *subtitle = g_strdup_printf (_("In %s since %s · last touch %s"), lead->stage, in_stage, touched);
          GtkWidget *row = text_row (lead->title, subtitle, NULL, NULL);
          GtkWidget *button = gtk_button_new_with_label (_("Log Touch"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (button, _("Record a call with this lead now"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "leak.log-touch");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", lead->id);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "leak.open-lead");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", lead->id);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (stuck), row);
        }
      gtk_box_append (self->groups_box, stuck);
    }
  gtk_stack_set_visible_child_name (self->stack, "leak");
}

static void
set_loading (StormSalesLeakView *self,
             gboolean            loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
compute_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(StormSalesLeakView) self = pending->self;
  g_autoptr(GError) error = NULL;
  Compute *compute = pending->compute;
  gboolean ok;

  g_free (pending);
  self->finishing = TRUE;
  ok = storm_store_run_finish (STORM_STORE (source), result, &error);
  self->finishing = FALSE;
  if (g_cancellable_is_cancelled (self->cancellable) || STORM_STORE (source) != self->store)
    return;
  self->computing = FALSE;
  if (!ok)
    {
      gtk_label_set_text (self->constraint_label, error->message);
      gtk_stack_set_visible_child_name (self->stack, "leak");
    }
  else
    show_leak (self, compute);
  if (self->dirty)
    refresh (self);
  else
    set_loading (self, FALSE);
}

static void
refresh (StormSalesLeakView *self)
{
  guint selected = gtk_drop_down_get_selected (self->period_dropdown);
  Compute *compute;
  Pending *pending;

  if (!storm_dash_ui_shown_or_defer (GTK_WIDGET (self), (void (*) (gpointer)) refresh))
    return;
  if (self->store == NULL)
    return;
  if (self->computing)
    {
      self->dirty = TRUE;
      return;
    }
  self->dirty = FALSE;
  self->computing = TRUE;
  set_loading (self, TRUE);

  compute = g_new0 (Compute, 1);
  compute->now = g_get_real_time () / G_USEC_PER_SEC;
  compute->days = period_days[MIN (selected, G_N_ELEMENTS (period_days) - 1)];
  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->compute = compute;
  storm_store_run_async (self->store, NULL, compute_thread, compute, compute_free, NULL,
                         self->cancellable, compute_done_cb, pending);
}

static void
period_changed_cb (StormSalesLeakView *self)
{
  refresh (self);
}

static void
store_changed_cb (StormStore         *store,
                  const char         *table,
                  StormSalesLeakView *self)
{
  if (!self->finishing && g_strv_contains (storm_dash_ui_tables (), table))
    refresh (self);
}

static void
log_touch_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormSalesLeakView *self = STORM_SALES_LEAK_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (storm_db_add_lead_touch (storm_store_get_db (self->store), g_variant_get_int64 (parameter), "call", NULL,
                               _("Logged from Sales leak"), &error) == 0)
    {
      storm_dash_ui_toast (widget, error->message);
      return;
    }
  storm_dash_ui_toast (widget, _("Touch logged"));
  storm_store_notify_changed (self->store, "lead_touches");
  storm_store_notify_changed (self->store, "leads");
}

static void
load_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  storm_dash_ui_load_demo (widget, STORM_SALES_LEAK_VIEW (widget)->store);
}

static void
import_json_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  storm_dash_ui_import_json (widget, STORM_SALES_LEAK_VIEW (widget)->store);
}

static void
open_lead_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  storm_lead_window_open (widget, STORM_SALES_LEAK_VIEW (widget)->store, g_variant_get_int64 (parameter));
}

static void
edit_benchmark_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  StormSalesLeakView *self = STORM_SALES_LEAK_VIEW (widget);
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (storm_store_get_db (self->store),
                                                   "SELECT rowid FROM lead_stages WHERE code = ?1", NULL);

  sqlite3_bind_text (stmt, 1, g_variant_get_string (parameter, NULL), -1, SQLITE_TRANSIENT);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    storm_record_editor_open (widget, self->store, "stage-benchmark", sqlite3_column_int64 (stmt, 0), 0);
}

static void
storm_sales_leak_view_dispose (GObject *object)
{
  StormSalesLeakView *self = STORM_SALES_LEAK_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_SALES_LEAK_VIEW);

  G_OBJECT_CLASS (storm_sales_leak_view_parent_class)->dispose (object);
}

static void
storm_sales_leak_view_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  StormSalesLeakView *self = STORM_SALES_LEAK_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_sales_leak_view_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  StormSalesLeakView *self = STORM_SALES_LEAK_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      storm_sales_leak_view_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_sales_leak_view_class_init (StormSalesLeakViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_sales_leak_view_dispose;
  object_class->get_property = storm_sales_leak_view_get_property;
  object_class->set_property = storm_sales_leak_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STORM_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stormops/StormOps/storm-sales-leak-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormSalesLeakView, stack);
  gtk_widget_class_bind_template_child (widget_class, StormSalesLeakView, constraint_label);
  gtk_widget_class_bind_template_child (widget_class, StormSalesLeakView, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StormSalesLeakView, groups_box);
  gtk_widget_class_bind_template_callback (widget_class, period_changed_cb);
  gtk_widget_class_install_action (widget_class, "dash.import-json", NULL, import_json_action);
  gtk_widget_class_install_action (widget_class, "dash.load-demo", NULL, load_demo_action);
  gtk_widget_class_install_action (widget_class, "leak.log-touch", "x", log_touch_action);
  gtk_widget_class_install_action (widget_class, "leak.open-lead", "x", open_lead_action);
  gtk_widget_class_install_action (widget_class, "leak.edit-benchmark", "s", edit_benchmark_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
storm_sales_leak_view_init (StormSalesLeakView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

StormStore *
storm_sales_leak_view_get_store (StormSalesLeakView *self)
{
  g_return_val_if_fail (STORM_IS_SALES_LEAK_VIEW (self), NULL);

  return self->store;
}

void
storm_sales_leak_view_set_store (StormSalesLeakView *self,
                                 StormStore         *store)
{
  g_return_if_fail (STORM_IS_SALES_LEAK_VIEW (self));
  g_return_if_fail (store == NULL || STORM_IS_STORE (store));

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_set_object (&self->store, store);
  self->computing = FALSE;
  if (store != NULL)
    {
      self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
      refresh (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
storm_sales_leak_view_get_loading (StormSalesLeakView *self)
{
  g_return_val_if_fail (STORM_IS_SALES_LEAK_VIEW (self), FALSE);

  return self->loading;
}
