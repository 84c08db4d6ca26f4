#define G_LOG_DOMAIN "storm-ops-health-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "storm-dash-ui.h"
#include "storm-lead-window.h"
#include "storm-ops-health-view.h"
#include "storm-ops-health.h"
#include "storm-store-approvals.h"

/* Ops health: the status line, a tile per section and the rows behind
 * each count, every row with its recommended action. Computed on a
 * worker, again whenever the store says a table changed. */
struct _StormOpsHealthView
{
  GtkWidget       parent_instance;

  GtkStack       *stack;
  GtkLabel       *status_label;
  GtkLabel       *updated_label;
  GtkFlowBox     *tiles;
  GtkBox         *sections_box;

  StormStore     *store;
  GSettings      *settings;
  GCancellable   *cancellable;
  gulong          changed_id;
  gboolean        computing;
  gboolean        dirty;
  /* run_finish () of our own read job reports "events": not a change. */
  gboolean        finishing;
  gboolean        loading;
};

G_DEFINE_FINAL_TYPE (StormOpsHealthView, storm_ops_health_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void refresh (StormOpsHealthView *self);

typedef struct {
  gint64          now;
  int             stale_days;
  gboolean        has_data;
  StormOpsHealth *health;
} Compute;

static void
compute_free (gpointer data)
{
  Compute *compute = data;

  g_clear_pointer (&compute->health, storm_ops_health_free);
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

  compute->has_data = storm_db_count_rows (db,
                                           "SELECT (SELECT count (*) FROM leads) + (SELECT count (*) FROM approvals) "
                                           "+ (SELECT count (*) FROM agent_jobs) "
                                           "+ (SELECT count (*) FROM runs WHERE source = 'external')", 0) > 0;
  compute->health = storm_ops_health_compute (db, compute->now, compute->stale_days, error);
  return compute->health != NULL;
}

static const char *
level_icon (StormOpsLevel level)
{
  switch (level)
    {
    case STORM_OPS_OK:
      return "emblem-ok-symbolic";
    case STORM_OPS_INFO:
      return "dialog-information-symbolic";
    case STORM_OPS_WARNING:
      return "dialog-warning-symbolic";
    case STORM_OPS_ERROR:
    default:
      return "dialog-error-symbolic";
    }
}

static const char *
level_class (StormOpsLevel level)
{
  switch (level)
    {
    case STORM_OPS_OK:
      return "success";
    case STORM_OPS_WARNING:
      return "warning";
    case STORM_OPS_ERROR:
      return "error";
    case STORM_OPS_INFO:
    default:
      return "dim-label";
    }
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_FLOW_BOX (box))
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

static GtkWidget *
make_tile (const StormOpsSection *section,
           const char            *count_text,
           gboolean               bad)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *count = gtk_label_new (count_text);
  GtkWidget *title = gtk_label_new (section->title);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "ops-tile");
  gtk_widget_add_css_class (count, "title-2");
  gtk_widget_add_css_class (count, bad ? "error" : "success");
  gtk_widget_add_css_class (title, "caption");
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (count, 12);
  gtk_widget_set_margin_end (count, 12);
  gtk_widget_set_margin_start (title, 6);
  gtk_widget_set_margin_end (title, 6);
  gtk_box_append (GTK_BOX (box), count);
  gtk_box_append (GTK_BOX (box), title);
  gtk_widget_set_tooltip_text (box, section->summary);
  return box;
}

static GtkWidget *
make_row (const StormOpsItem *item)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (level_icon (item->level));
  g_autofree char *title = g_markup_escape_text (item->title, -1);
  g_autofree char *subtitle = NULL;

  if (item->action != NULL)
    {
      g_autofree char *detail = g_markup_escape_text (item->detail, -1);
      g_autofree char *action = g_markup_escape_text (item->action, -1);

      subtitle = g_strdup_printf ("%s\n→ %s", detail, action);
    }
  else
    subtitle = g_markup_escape_text (item->detail, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  gtk_widget_add_css_class (icon, level_class (item->level));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  /* A decision waiting for a person can be taken here. */
  if (item->approval_id > 0)
    {
      GtkWidget *approve = gtk_button_new_with_label (_("Approve"));

      gtk_widget_set_valign (approve, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (approve, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (approve), "ops.approve");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (approve), "x", item->approval_id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), approve);
    }

  /* A row about another dashboard opens it. */
  if (item->target != NULL && !g_str_has_prefix (item->target, "ops-health:"))
    {
      GtkWidget *button = gtk_button_new_with_label (_("Open"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "ops.open-target");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", item->target);
      gtk_widget_set_tooltip_text (button, item->action);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
show_health (StormOpsHealthView *self,
             Compute            *compute)
{
  StormOpsHealth *health = compute->health;
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (compute->now);
  g_autofree char *time = g_date_time_format (now, "%H:%M");
  g_autofree char *updated = NULL;

  if (!compute->has_data)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  gtk_label_set_text (self->status_label, health->status_line);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  if (health->n_attention == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "success");
  updated = g_strdup_printf (ngettext ("Updated at %s. A lead is stale after %d day without a touch.",
                                       "Updated at %s. A lead is stale after %d days without a touch.",
                                       health->stale_days),
                             time, health->stale_days);
  gtk_label_set_text (self->updated_label, updated);

  clear_box (GTK_WIDGET (self->tiles));
  clear_box (GTK_WIDGET (self->sections_box));
  for (guint i = 0; i < health->sections->len; i++)
    {
      const StormOpsSection *section = g_ptr_array_index (health->sections, i);
      GtkWidget *group = adw_preferences_group_new ();
      g_autofree char *count = NULL;
      GtkWidget *badge;

      if (g_str_equal (section->id, "failed-runs"))
        count = g_strdup_printf ("%lld / %lld", (long long) health->failed_24h, (long long) health->failed_7d);
      else
        count = g_strdup_printf ("%lld", (long long) section->count);
      gtk_flow_box_append (self->tiles, make_tile (section, count, section->count > 0));

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), section->title);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), section->summary);
      badge = gtk_label_new (count);
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (badge, "ops-badge");
      gtk_widget_add_css_class (badge, section->count > 0 ? "error" : "success");
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), badge);
      for (guint j = 0; j < section->items->len; j++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), make_row (g_ptr_array_index (section->items, j)));
      if (section->items->len == 0)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing here"));
          gtk_widget_add_css_class (row, "dim-label");
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      gtk_box_append (self->sections_box, group);
    }
  gtk_stack_set_visible_child_name (self->stack, "health");
}

static void
set_loading (StormOpsHealthView *self,
             gboolean            loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

typedef struct {
  StormOpsHealthView *self;
  Compute            *compute;  /* owned by the job, alive until this returns */
} Pending;

static void
compute_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(StormOpsHealthView) self = pending->self;
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
      gtk_label_set_text (self->status_label, error->message);
      gtk_stack_set_visible_child_name (self->stack, "health");
    }
  else
    show_health (self, compute);

  if (self->dirty)
    refresh (self);
  else
    set_loading (self, FALSE);
}

static void
refresh (StormOpsHealthView *self)
{
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
  compute->stale_days = g_settings_get_int (self->settings, "stale-lead-days");
  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->compute = compute;
  storm_store_run_async (self->store, NULL, compute_thread, compute, compute_free, NULL,
                         self->cancellable, compute_done_cb, pending);
}

static void
store_changed_cb (StormStore         *store,
                  const char         *table,
                  StormOpsHealthView *self)
{
  if (!self->finishing)
    refresh (self);
}

static void
open_target_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  const char *target = g_variant_get_string (parameter, NULL);
  const char *lead = strstr (target, ":lead:");

  /* A stale lead or a stuck proposal opens the lead itself. */
  if (lead != NULL && STORM_OPS_HEALTH_VIEW (widget)->store != NULL)
    storm_lead_window_open (widget, STORM_OPS_HEALTH_VIEW (widget)->store,
                            g_ascii_strtoll (lead + strlen (":lead:"), NULL, 10));
  else
    storm_dash_ui_open_target (widget, target);
}

static void
load_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  storm_dash_ui_load_demo (widget, STORM_OPS_HEALTH_VIEW (widget)->store);
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StormOpsHealthView *self = STORM_OPS_HEALTH_VIEW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *person = storm_dash_ui_person ();

  if (self->store == NULL)
    return;
  if (!storm_db_approve (storm_store_get_db (self->store), g_variant_get_int64 (parameter), person, NULL, &error))
    {
      storm_dash_ui_toast (widget, error->message);
      return;
    }
  message = g_strdup_printf (_("Approved by %s"), person);
  storm_dash_ui_toast (widget, message);
  storm_store_notify_changed (self->store, "approvals");
  storm_store_notify_changed (self->store, "agent_jobs");
}

static void
import_json_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StormOpsHealthView *self = STORM_OPS_HEALTH_VIEW (widget);

  storm_dash_ui_import_json (widget, self->store);
}

static void
storm_ops_health_view_dispose (GObject *object)
{
  StormOpsHealthView *self = STORM_OPS_HEALTH_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_OPS_HEALTH_VIEW);

  G_OBJECT_CLASS (storm_ops_health_view_parent_class)->dispose (object);
}

static void
storm_ops_health_view_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  StormOpsHealthView *self = STORM_OPS_HEALTH_VIEW (object);

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
storm_ops_health_view_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  StormOpsHealthView *self = STORM_OPS_HEALTH_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      storm_ops_health_view_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_ops_health_view_class_init (StormOpsHealthViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_ops_health_view_dispose;
  object_class->get_property = storm_ops_health_view_get_property;
  object_class->set_property = storm_ops_health_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STORM_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stormops/StormOps/storm-ops-health-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormOpsHealthView, stack);
  gtk_widget_class_bind_template_child (widget_class, StormOpsHealthView, status_label);
  gtk_widget_class_bind_template_child (widget_class, StormOpsHealthView, updated_label);
  gtk_widget_class_bind_template_child (widget_class, StormOpsHealthView, tiles);
  gtk_widget_class_bind_template_child (widget_class, StormOpsHealthView, sections_box);
  gtk_widget_class_install_action (widget_class, "ops.open-target", "s", open_target_action);
  gtk_widget_class_install_action (widget_class, "ops.approve", "x", approve_action);
  gtk_widget_class_install_action (widget_class, "dash.import-json", NULL, import_json_action);
  gtk_widget_class_install_action (widget_class, "dash.load-demo", NULL, load_demo_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
storm_ops_health_view_init (StormOpsHealthView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::stale-lead-days", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
}

StormStore *
storm_ops_health_view_get_store (StormOpsHealthView *self)
{
  g_return_val_if_fail (STORM_IS_OPS_HEALTH_VIEW (self), NULL);

  return self->store;
}

void
storm_ops_health_view_set_store (StormOpsHealthView *self,
                                 StormStore         *store)
{
  g_return_if_fail (STORM_IS_OPS_HEALTH_VIEW (self));
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
storm_ops_health_view_get_loading (StormOpsHealthView *self)
{
  g_return_val_if_fail (STORM_IS_OPS_HEALTH_VIEW (self), FALSE);

  return self->loading;
}
