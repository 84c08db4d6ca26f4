#define G_LOG_DOMAIN "storm-window"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-demo.h"
#include "storm-agent-jobs-view.h"
#include "storm-empty-page.h"
#include "storm-ops-health-view.h"
#include "storm-packages-view.h"
#include "storm-results-view.h"
#include "storm-sales-leak-view.h"
#include "storm-store-storms.h"
#include "storm-window-private.h"

G_DEFINE_FINAL_TYPE (StormWindow, storm_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STORM,
  PROP_PAGE,
  PROP_PHASE,
  PROP_BUSY,
  PROP_NO_STORMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_storm (StormWindow *self,
           StormStorm  *storm)
{
  gboolean same_storm;

  if (self->storm == storm)
    return;

  /* A refreshed list brings new objects for the same storms; the views
   * only care when the storm itself changes. */
  same_storm = self->storm != NULL && storm != NULL &&
               storm_storm_get_id (self->storm) == storm_storm_get_id (storm);
  g_set_object (&self->storm, storm);
  if (storm != NULL)
    {
      g_autofree char *title = storm_storm_dup_title (storm);
      /* The selector may have to cut a long name short. */
      g_autofree char *tooltip = g_strdup_printf (_("Storm: %s (%s)"), title, storm_storm_get_code (storm));

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->storm_dropdown), tooltip);
    }
  gtk_revealer_set_reveal_child (self->demo_revealer,
                                 storm != NULL && storm_storm_get_is_demo (storm));
  if (!same_storm || storm == NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORM]);
}

static gboolean
find_storm (StormWindow *self,
            const char  *code,
            gint64       storm_id,
            guint       *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->storms));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StormStorm) storm = g_list_model_get_item (G_LIST_MODEL (self->storms), i);

      if ((code != NULL && g_strcmp0 (storm_storm_get_code (storm), code) == 0) ||
          (storm_id != 0 && storm_storm_get_id (storm) == storm_id))
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
apply_storms (StormWindow *self,
              GPtrArray   *storms)
{
  g_autofree char *current = NULL;
  g_autofree char *remembered = NULL;
  guint position = GTK_INVALID_LIST_POSITION;
  gboolean first_load = !self->storms_loaded;

  if (self->storm != NULL)
    current = g_strdup (storm_storm_get_code (self->storm));

  self->syncing_storms = TRUE;
  g_list_store_splice (self->storms, 0, g_list_model_get_n_items (G_LIST_MODEL (self->storms)),
                       storms->pdata, storms->len);

  if (self->pending_code != NULL || self->pending_id != 0)
    {
      if (!find_storm (self, self->pending_code, self->pending_id, &position) &&
          self->pending_code != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("There is no storm “%s” in this database."),
                                                      self->pending_code);
          storm_window_add_toast (self, adw_toast_new (message));
        }
      g_clear_pointer (&self->pending_code, g_free);
      self->pending_id = 0;
    }
  if (position == GTK_INVALID_LIST_POSITION && current != NULL)
    find_storm (self, current, 0, &position);
  if (position == GTK_INVALID_LIST_POSITION && first_load)
    {
      remembered = g_settings_get_string (self->settings, "last-storm");
      if (remembered[0] != '\0')
        find_storm (self, remembered, 0, &position);
    }
  if (position == GTK_INVALID_LIST_POSITION && storms->len > 0)
    position = 0;

  gtk_drop_down_set_selected (self->storm_dropdown, position);
  self->syncing_storms = FALSE;
  set_storm (self, gtk_drop_down_get_selected_item (self->storm_dropdown));
  gtk_widget_set_visible (GTK_WIDGET (self->storm_dropdown), storms->len > 0);

  self->storms_loaded = TRUE;
  _storm_window_update_actions (self);

  /* The first start on an empty database: make the app useful at once. */
  if (first_load && storms->len == 0 && self->load_demo_when_empty)
    _storm_window_load_demo (self);
}

static void
list_storms_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autoptr(StormDb) db = NULL;
  GError *error = NULL;
  GPtrArray *storms;

  db = storm_db_open (task_data, &error);
  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  storms = storm_db_list_storms (db, &error);
  if (storms == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, storms, (GDestroyNotify) g_ptr_array_unref);
}

static void
list_storms_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StormWindow) self = user_data;
  g_autoptr(GPtrArray) storms = NULL;
  g_autoptr(GError) error = NULL;

  storms = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (result)) != self->storms_loading)
    return;
  g_clear_object (&self->storms_loading);

  if (storms == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot list the storms: %s"), error->message);

      storm_window_add_toast (self, adw_toast_new (message));
      storms = g_ptr_array_new_with_free_func (g_object_unref);
    }
  apply_storms (self, storms);
  _storm_window_update_busy (self);
}

void
_storm_window_reload_storms (StormWindow *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->storms_loading);
  g_clear_object (&self->storms_loading);
  self->storms_loading = g_cancellable_new ();

  task = g_task_new (NULL, self->storms_loading, list_storms_cb, g_object_ref (self));
  g_task_set_source_tag (task, _storm_window_reload_storms);
  g_task_set_task_data (task, g_strdup (storm_store_get_path (self->store)), g_free);
  g_task_run_in_thread (task, list_storms_thread);
  _storm_window_update_busy (self);
}

void
_storm_window_select_when_loaded (StormWindow *self,
                                  const char  *code,
                                  gint64       storm_id)
{
  g_free (self->pending_code);
  self->pending_code = g_strdup (code);
  self->pending_id = storm_id;
}

gboolean
_storm_window_has_demo_storm (StormWindow *self)
{
  guint position;

  return find_storm (self, STORM_DEMO_CODE, 0, &position);
}

/* Also decides whether the database has no storm at all, which the
 * views say only once nothing is on its way to fill it. */
void
_storm_window_update_busy (StormWindow *self)
{
  gboolean busy = (self->store != NULL && !self->storms_loaded) ||
                  self->storms_loading != NULL || self->operation != NULL ||
                  storm_phases_page_get_loading (self->phases);
  gboolean no_storms = self->store != NULL && self->storms_loaded && self->operation == NULL &&
                       g_list_model_get_n_items (G_LIST_MODEL (self->storms)) == 0;

  if (no_storms != self->no_storms)
    {
      self->no_storms = no_storms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NO_STORMS]);
    }
  if (busy != self->busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

static void
update_title (StormWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  GtkStackPage *stack_page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));

  if (g_strcmp0 (page, "storm-phases") == 0)
    {
      gtk_stack_set_visible_child_name (self->title_stack, "switcher");
    }
  else
    {
      adw_window_title_set_title (self->page_title, gtk_stack_page_get_title (stack_page));
      gtk_stack_set_visible_child_name (self->title_stack, "title");
    }
}

static void
store_changed_cb (StormStore  *store,
                  const char  *table,
                  StormWindow *self)
{
  _storm_window_reload_storms (self);
}

static void
sidebar_row_selected_cb (StormWindow   *self,
                         GtkListBoxRow *row)
{
  if (row == NULL)
    return;
  gtk_stack_set_visible_child_name (self->stack, gtk_widget_get_name (GTK_WIDGET (row)));
  update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

static void
sidebar_row_activated_cb (StormWindow   *self,
                          GtkListBoxRow *row)
{
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
storm_dropdown_selected_cb (StormWindow *self)
{
  if (self->syncing_storms)
    return;
  set_storm (self, gtk_drop_down_get_selected_item (self->storm_dropdown));
}

static void
phases_loading_cb (StormWindow *self)
{
  _storm_window_update_busy (self);
}

static void
phases_phase_cb (StormWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

static void
show_sidebar_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  StormWindow *self = STORM_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
}

static gboolean
storm_window_close_request (GtkWindow *window)
{
  StormWindow *self = STORM_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (self->storm != NULL)
    g_settings_set_string (self->settings, "last-storm", storm_storm_get_code (self->storm));
  g_settings_apply (self->settings);

  /* Closing stops a running import or demo job; its transaction is
   * rolled back, so the database stays as it was. */
  g_cancellable_cancel (self->operation);

  return GTK_WINDOW_CLASS (storm_window_parent_class)->close_request (window);
}

static void
storm_window_constructed (GObject *object)
{
  StormWindow *self = (StormWindow *) object;

  G_OBJECT_CLASS (storm_window_parent_class)->constructed (object);

  if (self->store != NULL)
    self->store_changed_id = g_signal_connect (self->store, "changed::storms",
                                               G_CALLBACK (store_changed_cb), self);
  _storm_window_update_actions (self);
  _storm_window_update_busy (self);
}

static void
first_frame_cb (GdkFrameClock *clock,
                StormWindow   *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
  if (!self->storms_loaded && self->storms_loading == NULL)
    _storm_window_reload_storms (self);
}

/* The window draws its first frame before reading anything, so on a
 * busy machine a big database never delays it; the reads start once it
 * is on screen. */
static void
storm_window_map (GtkWidget *widget)
{
  StormWindow *self = STORM_WINDOW (widget);

  GTK_WIDGET_CLASS (storm_window_parent_class)->map (widget);

  if (self->store != NULL && !self->storms_loaded && self->storms_loading == NULL)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (first_frame_cb), self, 0);
}

static void
storm_window_dispose (GObject *object)
{
  StormWindow *self = (StormWindow *) object;

  g_cancellable_cancel (self->storms_loading);
  g_clear_object (&self->storms_loading);
  g_cancellable_cancel (self->operation);
  g_clear_object (&self->operation);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);

  /* See storm_phases_page_dispose(): the switcher outlives the stack. */
  adw_view_switcher_title_set_stack (self->switcher_title, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_WINDOW);

  g_clear_object (&self->storm);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->import_warnings, g_ptr_array_unref);

  G_OBJECT_CLASS (storm_window_parent_class)->dispose (object);
}

static void
storm_window_finalize (GObject *object)
{
  StormWindow *self = (StormWindow *) object;

  g_free (self->pending_code);

  G_OBJECT_CLASS (storm_window_parent_class)->finalize (object);
}

static void
storm_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  StormWindow *self = STORM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_STORM:
      g_value_set_object (value, self->storm);
      break;

    case PROP_PAGE:
      g_value_set_string (value, storm_window_get_page (self));
      break;

    case PROP_PHASE:
      g_value_set_string (value, storm_window_get_phase (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    case PROP_NO_STORMS:
      g_value_set_boolean (value, self->no_storms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  StormWindow *self = STORM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_PAGE:
      storm_window_set_page (self, g_value_get_string (value));
      break;

    case PROP_PHASE:
      storm_window_set_phase (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_window_class_init (StormWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = storm_window_constructed;
  object_class->dispose = storm_window_dispose;
  object_class->finalize = storm_window_finalize;
  object_class->get_property = storm_window_get_property;
  object_class->set_property = storm_window_set_property;

  widget_class->map = storm_window_map;

  window_class->close_request = storm_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STORM_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STORM] =
    g_param_spec_object ("storm", NULL, NULL, STORM_TYPE_STORM,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PAGE] =
    g_param_spec_string ("page", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PHASE] =
    g_param_spec_string ("phase", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NO_STORMS] =
    g_param_spec_boolean ("no-storms", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STORM_TYPE_STORM);
  g_type_ensure (STORM_TYPE_PHASES_PAGE);
  g_type_ensure (STORM_TYPE_EMPTY_PAGE);
  g_type_ensure (STORM_TYPE_OPS_HEALTH_VIEW);
  g_type_ensure (STORM_TYPE_AGENT_JOBS_VIEW);
  g_type_ensure (STORM_TYPE_SALES_LEAK_VIEW);
  g_type_ensure (STORM_TYPE_RESULTS_VIEW);
  g_type_ensure (STORM_TYPE_PACKAGES_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StormWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, storm_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, storms);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, title_stack);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, page_title);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, operation_revealer);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, operation_label);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, operation_bar);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, phases);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, StormWindow, error_path_label);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, storm_dropdown_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, phases_loading_cb);
  gtk_widget_class_bind_template_callback (widget_class, phases_phase_cb);

  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action);
  _storm_window_class_actions_init (klass);
}

static void
storm_window_init (StormWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* Folded, the window opens on the content, not the list of dashboards. */
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  adw_view_switcher_title_set_stack (self->switcher_title, storm_phases_page_get_stack (self->phases));
  gtk_widget_set_visible (GTK_WIDGET (self->storm_dropdown), FALSE);
  storm_window_set_page (self, "storm-phases");
}

StormWindow *
storm_window_new (AdwApplication *application,
                  StormStore     *store)
{
  g_return_val_if_fail (application == NULL || ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (store == NULL || STORM_IS_STORE (store), NULL);

  return g_object_new (STORM_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

/* The database could not be opened: say why and where, and offer to pick
 * another one. The file itself is left exactly as it was. */
void
storm_window_show_open_error (StormWindow  *self,
                              const char   *path,
                              const GError *error)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (STORM_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  /* Status page descriptions are markup; a path may hold an "&". */
  escaped = g_markup_escape_text (error->message, -1);
  adw_status_page_set_description (self->error_page, escaped);
  gtk_label_set_label (self->error_path_label, path);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
}

StormStore *
storm_window_get_store (StormWindow *self)
{
  g_return_val_if_fail (STORM_IS_WINDOW (self), NULL);

  return self->store;
}

StormStorm *
storm_window_get_storm (StormWindow *self)
{
  g_return_val_if_fail (STORM_IS_WINDOW (self), NULL);

  return self->storm;
}

/* Selects the storm with @code, now or as soon as the storm list arrives. */
void
storm_window_select_storm (StormWindow *self,
                           const char  *code)
{
  guint position;

  g_return_if_fail (STORM_IS_WINDOW (self));
  g_return_if_fail (code != NULL);

  if (self->storms_loading != NULL || !self->storms_loaded)
    {
      _storm_window_select_when_loaded (self, code, 0);
    }
  else if (find_storm (self, code, 0, &position))
    {
      gtk_drop_down_set_selected (self->storm_dropdown, position);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("There is no storm “%s” in this database."), code);

      storm_window_add_toast (self, adw_toast_new (message));
    }
}

const char *
storm_window_get_page (StormWindow *self)
{
  g_return_val_if_fail (STORM_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/* Shows dashboard @page ("storm-phases", "ops-health", …); FALSE when
 * there is no such page. */
gboolean
storm_window_set_page (StormWindow *self,
                       const char  *page)
{
  GtkWidget *row;

  g_return_val_if_fail (STORM_IS_WINDOW (self), FALSE);

  if (page == NULL || gtk_stack_get_child_by_name (self->stack, page) == NULL)
    return FALSE;

  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), page) == 0)
        {
          gtk_list_box_select_row (self->sidebar_list, GTK_LIST_BOX_ROW (row));
          return TRUE;
        }
    }
  g_return_val_if_reached (FALSE);
}

const char *
storm_window_get_phase (StormWindow *self)
{
  g_return_val_if_fail (STORM_IS_WINDOW (self), NULL);

  return storm_phases_page_get_phase (self->phases);
}

/* Shows the Storm phases page at @phase ("target", …, "jobs", "nurture");
 * FALSE when there is no such phase. */
gboolean
storm_window_set_phase (StormWindow *self,
                        const char  *phase)
{
  g_return_val_if_fail (STORM_IS_WINDOW (self), FALSE);

  if (!storm_phases_page_set_phase (self->phases, phase))
    return FALSE;
  storm_window_set_page (self, "storm-phases");
  return TRUE;
}

/* Searches the Jobs phase for @text at once, without the typing delay. */
void
storm_window_set_search (StormWindow *self,
                         const char  *text)
{
  g_return_if_fail (STORM_IS_WINDOW (self));

  storm_phases_page_set_search (self->phases, text);
}

/* TRUE while data for the visible views is still being read or a job runs. */
gboolean
storm_window_get_busy (StormWindow *self)
{
  g_return_val_if_fail (STORM_IS_WINDOW (self), FALSE);

  return self->busy;
}

void
storm_window_set_load_demo_when_empty (StormWindow *self,
                                       gboolean     load_demo)
{
  g_return_if_fail (STORM_IS_WINDOW (self));

  self->load_demo_when_empty = !!load_demo;
}

void
storm_window_add_toast (StormWindow *self,
                        AdwToast    *toast)
{
  g_return_if_fail (STORM_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
