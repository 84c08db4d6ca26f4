#define G_LOG_DOMAIN "storm-nurture-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "storm-attribution.h"
#include "storm-cycle-util.h"
#include "storm-nurture-item.h"
#include "storm-nurture-list.h"
#include "storm-nurture-view.h"
#include "storm-store-jobs.h"
#include "storm-store-policy.h"

/* The due list covers this many days ahead of today. */
#define DUE_DAYS 7
/* Rows of the due list; the rest are summed up in one line. */
#define MAX_DUE_ROWS 100
/* Candidates listed, highest uplift first. A list view over hundreds of
 * thousands of rows costs the window a noticeable pause on each refresh,
 * and no one works through that many by hand; the CSV has them all. */
#define MAX_LISTED 10000
#define SETTLE_MS 350

typedef struct
{
  gint64  storm_id;
  double  min_uplift;
  char   *until;
} NurtureRequest;

typedef struct
{
  gboolean   has_execution;
  guint      n_candidates;
  GPtrArray *items;        /* StormNurtureItem, the first MAX_LISTED, built on the worker */
  GPtrArray *follow_ups;   /* StormFollowUp, due up to the request's day */
} NurtureData;

typedef struct
{
  gint64  storm_id;
  double  min_uplift;
  char   *path;
} ExportRequest;

struct _StormNurtureView
{
  AdwBin               parent_instance;

  /* Template children */
  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *empty_page;
  GtkAdjustment       *min_uplift_adjustment;
  GtkLabel            *count_label;
  GtkStack            *list_stack;
  AdwStatusPage       *none_page;
  GtkColumnView       *column_view;
  GtkSingleSelection  *selection;
  GtkSortListModel    *sort_model;
  StormNurtureList    *candidates;
  AdwPreferencesGroup *schedule_group;
  AdwEntryRow         *due_row;
  AdwComboRow         *channel_row;
  AdwEntryRow         *note_row;
  GtkListBox          *due_list;

  StormStore          *store;
  gulong               changed_id;
  gint64               storm_id;

  gboolean             loaded;
  gboolean             has_execution;
  GError              *error;
  GCancellable        *reading;
  GCancellable        *exporting;
  guint                reload_source;
  guint                uplift_timeout;
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (StormNurtureView, storm_nurture_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
nurture_request_free (gpointer data)
{
  NurtureRequest *request = data;

  g_free (request->until);
  g_free (request);
}

static void
nurture_data_free (gpointer data)
{
  NurtureData *nurture = data;

  g_clear_pointer (&nurture->items, g_ptr_array_unref);
  g_clear_pointer (&nurture->follow_ups, g_ptr_array_unref);
  g_free (nurture);
}

static void
export_request_free (gpointer data)
{
  ExportRequest *request = data;

  g_free (request->path);
  g_free (request);
}

static StormNurtureItem *
selected_item (StormNurtureView *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_loading (StormNurtureView *self)
{
  gboolean loading = self->reading != NULL || self->exporting != NULL ||
                     self->reload_source != 0 || self->uplift_timeout != 0;

  if (loading)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  if (loading == self->loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static gboolean
due_date_valid (StormNurtureView *self)
{
  return _storm_cycle_valid_date (gtk_editable_get_text (GTK_EDITABLE (self->due_row)));
}

static void
update_actions (StormNurtureView *self)
{
  gboolean ready = self->store != NULL && self->storm_id != 0 && self->has_execution;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "nurture.schedule",
                                 ready && selected_item (self) != NULL && due_date_valid (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "nurture.mark-done", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "nurture.export", ready && self->exporting == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "nurture.export-file", ready && self->exporting == NULL);
}

static void
update_page (StormNurtureView *self)
{
  if (self->storm_id == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Storm Selected"));
      adw_status_page_set_description (self->empty_page,
                                       _("Choose a storm to follow up the treated properties that have not "
                                         "converted yet."));
    }
  else if (self->error != NULL)
    {
      adw_status_page_set_title (self->empty_page, _("Cannot Read the Nurture List"));
      adw_status_page_set_description (self->empty_page, self->error->message);
    }
  else if (!self->loaded)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      return;
    }
  else if (!self->has_execution)
    {
      adw_status_page_set_title (self->empty_page, _("Apply a Policy First"));
      adw_status_page_set_description (self->empty_page,
                                       _("Nurture lists the treated properties that have not converted yet. Apply a "
                                         "treatment policy in Target, then come back."));
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "content");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
update_schedule_group (StormNurtureView *self)
{
  StormNurtureItem *item = selected_item (self);
  g_autofree char *text = NULL;

  if (item != NULL)
    text = g_strdup_printf (_("For %s (%s)"), storm_nurture_item_get_address (item),
                            storm_nurture_item_get_ext_id (item));
  adw_preferences_group_set_description (self->schedule_group,
                                         text ? text : _("Select a property in the list above."));
}

static void
selection_changed_cb (StormNurtureView *self)
{
  update_schedule_group (self);
  update_actions (self);
}

static void
due_changed_cb (StormNurtureView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->due_row));

  if (text[0] == '\0' || due_date_valid (self))
    gtk_widget_remove_css_class (GTK_WIDGET (self->due_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->due_row), "error");
  update_actions (self);
}

static GtkWidget *
due_row_new (const StormFollowUp *f,
             const char          *today)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *status;
  GtkWidget *button;
  gboolean overdue = strcmp (f->due_on, today) < 0;
  gboolean due_today = strcmp (f->due_on, today) == 0;
  gboolean has_address = f->address != NULL && f->address[0] != '\0';
  g_autofree char *subtitle = NULL;

  if (f->note != NULL && f->note[0] != '\0')
    /* Translators: channel · due date · note */
    subtitle = g_strdup_printf (_("%s · due %s · %s"), _storm_cycle_channel_label (f->channel), f->due_on, f->note);
  else
    subtitle = g_strdup_printf (_("%s · due %s"), _storm_cycle_channel_label (f->channel), f->due_on);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), has_address ? f->address : f->ext_id);
  adw_action_row_set_title_lines (row, 1);
  adw_action_row_set_subtitle (row, subtitle);
  adw_action_row_set_subtitle_lines (row, 2);

  status = gtk_label_new (overdue ? _("Overdue") : due_today ? _("Due today") : _("Upcoming"));
  gtk_widget_set_valign (status, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (status, "caption-heading");
  if (overdue)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else if (due_today)
    gtk_widget_add_css_class (status, "accent");
  else
    gtk_widget_add_css_class (status, "dim-label");
  adw_action_row_add_suffix (row, status);

  button = gtk_button_new_with_mnemonic (_("_Mark Done"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "nurture.mark-done");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (f->id));
  adw_action_row_add_suffix (row, button);
  return GTK_WIDGET (row);
}

static void
show_follow_ups (StormNurtureView *self,
                 GPtrArray        *follow_ups)
{
  g_autofree char *today = _storm_cycle_date_from_today (0);
  guint shown = MIN (follow_ups->len, MAX_DUE_ROWS);

  _storm_cycle_remove_all (GTK_WIDGET (self->due_list));
  for (guint i = 0; i < shown; i++)
    gtk_list_box_append (self->due_list, due_row_new (g_ptr_array_index (follow_ups, i), today));
  if (follow_ups->len > shown)
    {
      AdwActionRow *more = ADW_ACTION_ROW (adw_action_row_new ());
      g_autofree char *n = _storm_cycle_format_count (follow_ups->len - shown);
      g_autofree char *title = g_strdup_printf (_("%s more due this week"), n);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (more), title);
      adw_action_row_set_subtitle (more, _("Mark these done to see the rest, or export the list."));
      gtk_list_box_append (self->due_list, GTK_WIDGET (more));
    }
  if (follow_ups->len == 0)
    {
      AdwActionRow *none = ADW_ACTION_ROW (adw_action_row_new ());

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (none), _("Nothing due this week"));
      gtk_widget_add_css_class (GTK_WIDGET (none), "dim-label");
      gtk_list_box_append (self->due_list, GTK_WIDGET (none));
    }
}

static guint
position_of (StormNurtureView *self,
             gint64            property_id)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StormNurtureItem) item = g_list_model_get_item (model, i);

      if (storm_nurture_item_get_property_id (item) == property_id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
show_count (StormNurtureView *self,
            guint             n_listed,
            guint             n_candidates)
{
  g_autofree char *listed = _storm_cycle_format_count (n_listed);
  g_autofree char *all = _storm_cycle_format_count (n_candidates);
  g_autofree char *text = NULL;

  if (n_listed < n_candidates)
    text = g_strdup_printf (_("Listing the %s highest-uplift of %s properties; the filter searches these. Raise the "
                              "minimum uplift to narrow the list, or export all of them."),
                            listed, all);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s treated property has not converted yet.",
                                         "%s treated properties have not converted yet.", n_candidates),
                            all);
  gtk_label_set_label (self->count_label, text);
}

static void
show_candidates (StormNurtureView *self,
                 GPtrArray        *items)
{
  StormNurtureItem *previous = selected_item (self);
  gint64 keep = previous ? storm_nurture_item_get_property_id (previous) : 0;
  guint position;

  storm_nurture_list_set_items (self->candidates, items);

  /* The same property stays selected across a refresh. */
  position = keep != 0 ? position_of (self, keep) : GTK_INVALID_LIST_POSITION;
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, position);

  if (items->len == 0)
    {
      g_autofree char *text = g_strdup_printf (_("No treated property without a conversion has an uplift of at "
                                                 "least %.2f. Lower the minimum to see more."),
                                               gtk_adjustment_get_value (self->min_uplift_adjustment));

      adw_status_page_set_description (self->none_page, text);
      gtk_stack_set_visible_child_name (self->list_stack, "none");
    }
  else
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  update_schedule_group (self);
}

static gpointer
read_nurture (StormDb       *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  NurtureRequest *request = data;
  NurtureData *nurture = g_new0 (NurtureData, 1);
  g_autoptr(GPtrArray) rows = NULL;
  StormExecution *execution;
  GError *local_error = NULL;

  execution = storm_db_current_execution (db, request->storm_id, &local_error);
  nurture->has_execution = execution != NULL;
  storm_execution_free (execution);
  if (local_error == NULL)
    rows = storm_db_list_nurture (db, request->storm_id, request->min_uplift, cancellable, &local_error);
  if (rows != NULL)
    {
      /* Plain GObjects: built here, so a long list costs the window only
       * the splice into its model. */
      guint n = MIN (rows->len, MAX_LISTED);

      nurture->n_candidates = rows->len;
      nurture->items = g_ptr_array_new_full (n, g_object_unref);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (nurture->items, storm_nurture_item_new (g_ptr_array_index (rows, i)));
    }
  if (local_error == NULL)
    nurture->follow_ups = storm_db_list_follow_ups (db, request->storm_id, request->until, &local_error);
  if (local_error != NULL)
    {
      nurture_data_free (nurture);
      g_propagate_error (error, local_error);
      return NULL;
    }
  return nurture;
}

static void
nurture_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  StormNurtureView *self = STORM_NURTURE_VIEW (source);
  g_autoptr(GError) error = NULL;
  NurtureData *nurture = _storm_cycle_read_finish (result, &error);

  if (g_task_get_cancellable (G_TASK (result)) != self->reading)
    {
      g_clear_pointer (&nurture, nurture_data_free);
      return;
    }
  g_clear_object (&self->reading);
  g_clear_error (&self->error);
  self->loaded = TRUE;
  if (nurture == NULL)
    self->error = g_steal_pointer (&error);
  else
    {
      self->has_execution = nurture->has_execution;
      show_candidates (self, nurture->items);
      show_count (self, nurture->items->len, nurture->n_candidates);
      show_follow_ups (self, nurture->follow_ups);
      nurture_data_free (nurture);
    }
  update_page (self);
  update_actions (self);
  update_loading (self);
}

static void
start_read (StormNurtureView *self)
{
  NurtureRequest *request;

  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  if (self->store == NULL || self->storm_id == 0)
    return;

  request = g_new0 (NurtureRequest, 1);
  request->storm_id = self->storm_id;
  request->min_uplift = gtk_adjustment_get_value (self->min_uplift_adjustment);
  request->until = _storm_cycle_date_from_today (DUE_DAYS);
  self->reading = g_cancellable_new ();
  _storm_cycle_read_async (self->store, self, read_nurture, request, nurture_request_free, nurture_data_free,
                           self->reading, nurture_read_cb, NULL);
  update_loading (self);
}

static gboolean
reload_cb (gpointer data)
{
  StormNurtureView *self = data;

  self->reload_source = 0;
  start_read (self);
  update_loading (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reload (StormNurtureView *self)
{
  if (self->storm_id == 0)
    return;
  /* One read after all the tables of a write have been announced. */
  _storm_cycle_schedule_once (&self->reload_source, reload_cb, self);
  update_loading (self);
}

static void
store_changed_cb (StormNurtureView *self,
                  const char       *table,
                  StormStore       *store)
{
  static const char * const tables[] = {
    "storms", "properties", "storm_properties", "policy_executions", "policy_decisions_log",
    "policy_outcomes", "touches", "follow_ups", NULL
  };

  if (g_strv_contains (tables, table))
    schedule_reload (self);
}

static gboolean
uplift_settled_cb (gpointer data)
{
  StormNurtureView *self = data;

  self->uplift_timeout = 0;
  start_read (self);
  update_loading (self);
  return G_SOURCE_REMOVE;
}

static void
min_uplift_changed_cb (StormNurtureView *self)
{
  if (self->storm_id == 0)
    return;
  g_clear_handle_id (&self->uplift_timeout, g_source_remove);
  self->uplift_timeout = g_timeout_add (SETTLE_MS, uplift_settled_cb, self);
  update_loading (self);
}

/* Actions */

static void
schedule_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StormNurtureView *self = STORM_NURTURE_VIEW (widget);
  StormNurtureItem *item = selected_item (self);
  const char *due_on = gtk_editable_get_text (GTK_EDITABLE (self->due_row));
  const char *note = gtk_editable_get_text (GTK_EDITABLE (self->note_row));
  guint channel = adw_combo_row_get_selected (self->channel_row);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  if (item == NULL || self->store == NULL || channel >= STORM_N_CHANNELS)
    return;
  if (!storm_db_schedule_follow_up (storm_store_get_db (self->store), self->storm_id,
                                    storm_nurture_item_get_property_id (item), due_on,
                                    storm_channel_to_string (channel), note[0] ? note : NULL, &error))
    {
      _storm_cycle_show_error (widget, _("Cannot Schedule the Follow-Up"), error);
      return;
    }
  title = g_strdup_printf (_("Follow-up for %s on %s added to the list"), storm_nurture_item_get_address (item),
                           due_on);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
  gtk_editable_set_text (GTK_EDITABLE (self->note_row), "");
  storm_store_notify_changed (self->store, "follow_ups");
}

static void
mark_done_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormNurtureView *self = STORM_NURTURE_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!storm_db_set_follow_up_status (storm_store_get_db (self->store), g_variant_get_int64 (parameter),
                                      "done", &error))
    {
      _storm_cycle_show_error (widget, _("Cannot Mark the Follow-Up Done"), error);
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Follow-up marked done")));
  storm_store_notify_changed (self->store, "follow_ups");
}

static gpointer
export_nurture (StormDb       *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  ExportRequest *request = data;
  gint64 *n_rows = g_new0 (gint64, 1);

  if (!storm_db_export_nurture_csv (db, request->storm_id, request->min_uplift, request->path, n_rows, error))
    g_clear_pointer (&n_rows, g_free);
  return n_rows;
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  StormNurtureView *self = STORM_NURTURE_VIEW (source);
  g_autofree char *path = user_data;
  g_autofree gint64 *n_rows = NULL;
  g_autoptr(GError) error = NULL;

  n_rows = _storm_cycle_read_finish (result, &error);
  if (g_task_get_cancellable (G_TASK (result)) != self->exporting)
    return;
  g_clear_object (&self->exporting);
  if (n_rows == NULL)
    _storm_cycle_show_error (GTK_WIDGET (self), _("Cannot Export the Nurture List"), error);
  else
    {
      g_autofree char *n = _storm_cycle_format_count (*n_rows);
      g_autofree char *name = g_path_get_basename (path);
      g_autofree char *title = g_strdup_printf (_("Exported %s properties to %s"), n, name);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
    }
  update_actions (self);
  update_loading (self);
}

static void
export_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StormNurtureView *self = STORM_NURTURE_VIEW (widget);
  ExportRequest *request;

  if (self->store == NULL || self->exporting != NULL)
    return;
  request = g_new0 (ExportRequest, 1);
  request->storm_id = self->storm_id;
  request->min_uplift = gtk_adjustment_get_value (self->min_uplift_adjustment);
  request->path = g_variant_dup_string (parameter, NULL);
  self->exporting = g_cancellable_new ();
  _storm_cycle_read_async (self->store, self, export_nurture, request, export_request_free, g_free,
                           self->exporting, export_done_cb, g_strdup (request->path));
  update_actions (self);
  update_loading (self);
}

static void
chooser_response_cb (GtkNativeDialog  *chooser,
                     int               response,
                     StormNurtureView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self), "nurture.export-file", "s", path);
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkFileChooserNative *chooser;
  GtkRoot *root = gtk_widget_get_root (widget);

  chooser = gtk_file_chooser_native_new (_("Export Nurture List"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("nurture.csv"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* The view stays alive while its chooser is open. */
  g_signal_connect_data (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (widget),
                         _storm_cycle_closure_unref, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* GObject */

static void
storm_nurture_view_dispose (GObject *object)
{
  StormNurtureView *self = STORM_NURTURE_VIEW (object);

  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  g_cancellable_cancel (self->exporting);
  g_clear_object (&self->exporting);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->uplift_timeout, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_error (&self->error);

  /* AdwBin keeps its own pointer to the child: let it drop the child
   * before the template does. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_NURTURE_VIEW);

  G_OBJECT_CLASS (storm_nurture_view_parent_class)->dispose (object);
}

static void
storm_nurture_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StormNurtureView *self = STORM_NURTURE_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_nurture_view_class_init (StormNurtureViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_nurture_view_dispose;
  object_class->get_property = storm_nurture_view_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STORM_TYPE_NURTURE_ITEM);
  g_type_ensure (STORM_TYPE_NURTURE_LIST);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-nurture-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, stack);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, spinner);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, min_uplift_adjustment);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, count_label);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, none_page);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, column_view);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, selection);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, sort_model);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, candidates);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, schedule_group);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, due_row);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, channel_row);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, note_row);
  gtk_widget_class_bind_template_child (widget_class, StormNurtureView, due_list);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, due_changed_cb);

  gtk_widget_class_install_action (widget_class, "nurture.schedule", NULL, schedule_action);
  gtk_widget_class_install_action (widget_class, "nurture.mark-done", "x", mark_done_action);
  gtk_widget_class_install_action (widget_class, "nurture.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "nurture.export-file", "s", export_file_action);
}

static void
storm_nurture_view_init (StormNurtureView *self)
{
  g_autoptr(GtkStringList) channels = gtk_string_list_new (NULL);
  g_autofree char *tomorrow = _storm_cycle_date_from_today (1);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint c = 0; c < STORM_N_CHANNELS; c++)
    gtk_string_list_append (channels, storm_channel_label (c));
  adw_combo_row_set_model (self->channel_row, G_LIST_MODEL (channels));
  adw_combo_row_set_selected (self->channel_row, STORM_CHANNEL_CALL);
  gtk_editable_set_text (GTK_EDITABLE (self->due_row), tomorrow);
  gtk_sort_list_model_set_sorter (self->sort_model, gtk_column_view_get_sorter (self->column_view));
  g_signal_connect_swapped (self->min_uplift_adjustment, "value-changed", G_CALLBACK (min_uplift_changed_cb), self);
  update_page (self);
  update_schedule_group (self);
  update_actions (self);
}

StormNurtureView *
storm_nurture_view_new (void)
{
  return g_object_new (STORM_TYPE_NURTURE_VIEW, NULL);
}

void
storm_nurture_view_set_storm (StormNurtureView *self,
                              StormStore       *store,
                              gint64            storm_id)
{
  g_return_if_fail (STORM_IS_NURTURE_VIEW (self));
  g_return_if_fail (store == NULL || STORM_IS_STORE (store));

  if (store == NULL)
    storm_id = 0;
  if (self->store == store && self->storm_id == storm_id)
    return;
  if (self->store != store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->changed_id, self->store);
      g_set_object (&self->store, store);
      if (store != NULL)
        self->changed_id = g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
    }
  self->storm_id = storm_id;
  self->loaded = FALSE;
  self->has_execution = FALSE;
  g_clear_error (&self->error);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->uplift_timeout, g_source_remove);
  storm_nurture_list_clear (self->candidates);
  _storm_cycle_remove_all (GTK_WIDGET (self->due_list));
  start_read (self);
  update_page (self);
  update_actions (self);
  update_loading (self);
}

gboolean
storm_nurture_view_get_loading (StormNurtureView *self)
{
  g_return_val_if_fail (STORM_IS_NURTURE_VIEW (self), FALSE);

  return self->loading;
}
