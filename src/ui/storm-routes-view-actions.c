#define G_LOG_DOMAIN "storm-routes-view"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-cycle-util.h"
#include "storm-route-export.h"
#include "storm-route-sheets.h"
#include "storm-routes-view-private.h"

/* The Routes view's actions: planning on the worker, manual edits on the
 * main connection, exports and printing. */

typedef struct
{
  StormRoutesView     *view;
  gint64               storm_id;
  StormRoutePlanParams params;
  char               **zips;
  StormRoutePlanResult result;
} PlanJob;

typedef struct
{
  gint64      storm_id;
  char       *format;   /* "pdf", "gpx", "csv", "geojson" */
  char       *path;
  StormPaper  paper;
} ExportRequest;

static void
plan_job_free (gpointer data)
{
  PlanJob *job = data;

  g_clear_object (&job->view);
  g_strfreev (job->zips);
  storm_route_plan_result_clear (&job->result);
  g_free (job);
}

static void
export_request_free (gpointer data)
{
  ExportRequest *request = data;

  g_free (request->format);
  g_free (request->path);
  g_free (request);
}

static void
notify_routes_changed (StormRoutesView *self)
{
  storm_store_notify_changed (self->store, "routes");
  storm_store_notify_changed (self->store, "route_stops");
}

/* Edits run on the main connection: each is one small transaction. */
static void
edit_done (StormRoutesView *self,
           gboolean         ok,
           GError          *error,
           const char      *done)
{
  if (!ok)
    {
      _storm_routes_view_toast (self, error->message);
      return;
    }
  if (done != NULL)
    _storm_routes_view_toast (self, done);
  notify_routes_changed (self);
}

static void
copy_address_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), gtk_label_get_label (self->card_title));
  gtk_popover_popdown (self->card);
  _storm_routes_view_toast (self, _("Address copied"));
}

/* Planning */

static gboolean
plan_job_run (StormDb        *db,
              gpointer        user_data,
              GCancellable   *cancellable,
              StormProgress  *progress,
              GError        **error)
{
  PlanJob *job = user_data;

  return storm_routes_plan (db, job->storm_id, &job->params, &job->result, cancellable, progress, error);
}

static void
plan_progress_cb (double      fraction,
                  const char *message,
                  gpointer    user_data)
{
  StormRoutesView *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  if (message != NULL)
    gtk_progress_bar_set_text (self->progress_bar, message);
}

static void
plan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PlanJob *job = user_data;
  StormRoutesView *self = job->view;
  g_autoptr(GError) error = NULL;
  gboolean ok = storm_store_run_finish (STORM_STORE (source), result, &error);

  /* A plan of a storm no longer shown says nothing. */
  if (g_task_get_cancellable (G_TASK (result)) != self->planning)
    {
      plan_job_free (job);
      return;
    }
  g_clear_object (&self->planning);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  if (!ok)
    _storm_routes_view_toast (self, _storm_cycle_is_cancelled (error) ? _("Planning cancelled; the routes are as they were")
                                                   : error->message);
  else
    {
      g_autofree char *doors = _storm_cycle_format_count (job->result.n_routed);
      g_autofree char *text = NULL;

      if (job->result.unassigned->len > 0)
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Planned %u route with %s doors; %u doors unassigned",
                                             "Planned %u routes with %s doors; %u doors unassigned",
                                             job->result.n_routes),
                                job->result.n_routes, doors, job->result.unassigned->len);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Planned %u route with %s doors",
                                             "Planned %u routes with %s doors", job->result.n_routes),
                                job->result.n_routes, doors);
      _storm_routes_view_toast (self, text);
      self->selected_route = 0;
    }
  _storm_routes_view_update_actions (self);
  _storm_routes_view_update_loading (self);
  plan_job_free (job);
}

void
_storm_routes_view_plan (StormRoutesView            *self,
                         const StormRoutePlanParams *params)
{
  static const char * const tables[] = { "route_plans", "routes", "route_stops", "route_unassigned", NULL };
  StormProgress *progress;
  PlanJob *job;

  g_return_if_fail (STORM_IS_ROUTES_VIEW (self));
  if (self->store == NULL || self->storm_id == 0 || self->planning != NULL)
    return;

  job = g_new0 (PlanJob, 1);
  job->view = g_object_ref (self);
  job->storm_id = self->storm_id;
  job->params = *params;
  job->zips = params->zips ? g_strdupv ((char **) params->zips) : NULL;
  job->params.zips = (const char * const *) job->zips;
  job->params.actor = "app";
  self->planning = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _("Planning routes…"));
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  progress = storm_progress_new (plan_progress_cb, g_object_ref (self), g_object_unref);
  /* The job outlives the worker: its result is read when it is done. */
  storm_store_run_async (self->store, tables, plan_job_run, job, NULL, progress, self->planning, plan_done_cb, job);
  _storm_routes_view_update_actions (self);
  _storm_routes_view_update_loading (self);
}

/* The plan dialog's fields, kept on the dialog. */
typedef struct
{
  GtkSpinButton *cap;
  GtkSpinButton *crews;
  GtkEditable   *zips;
  GtkEditable   *depot;
} PlanFields;

static gboolean
parse_depot (const char *text,
             double     *lat,
             double     *lon)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  char *end = NULL;

  if (g_strv_length (parts) != 2)
    return FALSE;
  *lat = g_ascii_strtod (g_strstrip (parts[0]), &end);
  if (end == parts[0] || *end != '\0' || *lat < -90 || *lat > 90)
    return FALSE;
  *lon = g_ascii_strtod (g_strstrip (parts[1]), &end);
  return end != parts[1] && *end == '\0' && *lon >= -180 && *lon <= 180;
}

static void
plan_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  StormRoutesView  *self)
{
  PlanFields *fields = g_object_get_data (G_OBJECT (dialog), "fields");
  const char *zip_text = gtk_editable_get_text (fields->zips);
  const char *depot_text = gtk_editable_get_text (fields->depot);
  g_auto(GStrv) zips = NULL;
  StormRoutePlanParams params;

  if (!g_str_equal (response, "plan"))
    return;
  storm_route_plan_params_init (&params);
  params.doors_cap = (guint) gtk_spin_button_get_value_as_int (fields->cap);
  params.n_crews = (guint) gtk_spin_button_get_value_as_int (fields->crews);
  if (zip_text[0] != '\0')
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) parts = g_strsplit_set (zip_text, ", ", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0')
          g_strv_builder_add (builder, parts[i]);
      zips = g_strv_builder_end (builder);
      params.zips = (const char * const *) zips;
    }
  if (depot_text[0] != '\0')
    {
      if (!parse_depot (depot_text, &params.depot_lat, &params.depot_lon))
        {
          _storm_routes_view_toast (self, _("The depot must be a latitude and a longitude, e.g. 32.7767, -96.7970; nothing was planned"));
          return;
        }
      params.has_depot = TRUE;
    }
  _storm_routes_view_plan (self, &params);
}

static GtkWidget *
spin_row (const char     *title,
          const char     *subtitle,
          double          lower,
          double          upper,
          double          value,
          GtkSpinButton **spin)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

  *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (lower, upper, 1));
  gtk_spin_button_set_value (*spin, value);
  gtk_widget_set_valign (GTK_WIDGET (*spin), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle);
  adw_action_row_add_suffix (row, GTK_WIDGET (*spin));
  adw_action_row_set_activatable_widget (row, GTK_WIDGET (*spin));
  return GTK_WIDGET (row);
}

static GtkWidget *
entry_row (const char   *title,
           const char   *text,
           GtkEditable **editable)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  *editable = GTK_EDITABLE (row);
  return row;
}

static void
plan_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  PlanFields *fields = g_new0 (PlanFields, 1);
  GtkWidget *dialog, *list, *box, *note;
  g_autofree char *depot = NULL;
  guint cap = STORM_ROUTES_DEFAULT_DOORS_CAP;

  if (self->data != NULL)
    {
      cap = self->data->settings.doors_cap > 0 ? self->data->settings.doors_cap : cap;
      if (self->data->settings.has_depot)
        depot = g_strdup_printf ("%.5f, %.5f", self->data->settings.depot_lat, self->data->settings.depot_lon);
    }
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Plan Routes"),
                                   _("Split the treat doors into compact crew routes, each in walking order. "
                                     "Routes come out within one door of each other in size, never above the "
                                     "cap. Locked routes are kept; the others become history."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list),
                       spin_row (_("Most Doors per Route"), _("A hard cap"), 1, 500, cap, &fields->cap));
  gtk_list_box_append (GTK_LIST_BOX (list),
                       spin_row (_("Crews"), _("0 builds as many routes as the cap needs"), 0, 500, 0, &fields->crews));
  gtk_list_box_append (GTK_LIST_BOX (list), entry_row (_("Only These ZIP Codes (comma-separated)"), NULL,
                                                       &fields->zips));
  gtk_list_box_append (GTK_LIST_BOX (list), entry_row (_("Depot (latitude, longitude; empty for none)"), depot,
                                                       &fields->depot));
  gtk_box_append (GTK_BOX (box), list);
  if (self->data != NULL && !self->data->has_execution)
    {
      note = gtk_label_new (_("No policy has been applied: every property but the universal control will be routed."));
      gtk_label_set_wrap (GTK_LABEL (note), TRUE);
      gtk_label_set_xalign (GTK_LABEL (note), 0);
      gtk_widget_add_css_class (note, "dim-label");
      gtk_box_append (GTK_BOX (box), note);
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "plan", _("_Plan"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "plan", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "plan");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fields", fields, g_free);
  g_signal_connect_data (dialog, "response", G_CALLBACK (plan_response_cb), g_object_ref (self),
                         _storm_cycle_closure_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_plan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_cancellable_cancel (STORM_ROUTES_VIEW (widget)->planning);
}

/* Exports */

static gpointer
export_run (StormDb       *db,
            gpointer       user_data,
            GCancellable  *cancellable,
            GError       **error)
{
  ExportRequest *request = user_data;
  StormRouteExportFormat format;
  int *n_pages = g_new0 (int, 1);

  if (g_str_equal (request->format, "pdf"))
    {
      if (storm_route_sheets_write_pdf (db, request->storm_id, NULL, 0, request->paper, request->path, n_pages,
                                        error))
        return n_pages;
    }
  else if (storm_route_export_format_from_string (request->format, &format) &&
           storm_route_export_to_path (db, request->storm_id, NULL, 0, format, request->path, cancellable, error))
    return n_pages;
  g_free (n_pages);
  return NULL;
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (source);
  g_autofree char *path = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree int *n_pages = _storm_cycle_read_finish (result, &error);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *text = NULL;

  if (g_task_get_cancellable (G_TASK (result)) != self->exporting)
    return;
  g_clear_object (&self->exporting);
  if (n_pages == NULL)
    _storm_routes_view_toast (self, error->message);
  else if (*n_pages > 0)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Wrote %d page of route sheets to %s",
                                           "Wrote %d pages of route sheets to %s", *n_pages),
                              *n_pages, name);
      _storm_routes_view_toast (self, text);
    }
  else
    {
      text = g_strdup_printf (_("Exported the routes to %s"), name);
      _storm_routes_view_toast (self, text);
    }
  _storm_routes_view_update_actions (self);
  _storm_routes_view_update_loading (self);
}

static StormPaper
default_paper (void)
{
  GtkPaperSize *size = gtk_paper_size_new (NULL);
  StormPaper paper = g_str_equal (gtk_paper_size_get_name (size), GTK_PAPER_NAME_A4) ? STORM_PAPER_A4
                                                                                     : STORM_PAPER_LETTER;

  gtk_paper_size_free (size);
  return paper;
}

static void
start_export (StormRoutesView *self,
              const char      *format,
              const char      *path)
{
  ExportRequest *request;

  if (self->store == NULL || self->storm_id == 0 || self->exporting != NULL)
    return;
  request = g_new0 (ExportRequest, 1);
  request->storm_id = self->storm_id;
  request->format = g_strdup (format);
  request->path = g_strdup (path);
  request->paper = default_paper ();
  self->exporting = g_cancellable_new ();
  _storm_cycle_read_async (self->store, self, export_run, request, export_request_free, g_free, self->exporting,
                           export_done_cb, g_strdup (path));
  _storm_routes_view_update_actions (self);
  _storm_routes_view_update_loading (self);
}

static void
export_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  const char *format, *path;

  g_variant_get (parameter, "(&s&s)", &format, &path);
  start_export (STORM_ROUTES_VIEW (widget), format, path);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     StormRoutesView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self), "routes.export-file", "(ss)",
                                    (const char *) g_object_get_data (G_OBJECT (chooser), "format"), path);
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (widget);
  const char *format = g_variant_get_string (parameter, NULL);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->data == NULL)
    return;
  if (g_str_equal (format, "pdf"))
    /* Translators: the file name offered for the route sheets */
    name = g_strdup (_("route-sheets.pdf"));
  else
    /* Translators: the file name offered for a route export; %s is its extension */
    name = g_strdup_printf (_("routes.%s"), format);
  chooser = gtk_file_chooser_native_new (g_str_equal (format, "pdf") ? _("Save Route Sheets") : _("Export Routes"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data_full (G_OBJECT (chooser), "format", g_strdup (format), g_free);
  /* The view stays alive while its chooser is open. */
  g_signal_connect_data (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (widget),
                         _storm_cycle_closure_unref, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Printing: the sheets are built on the worker, then drawn by the same
 * code as the PDF, page by page. */
typedef struct
{
  GPtrArray *sheets;   /* StormSheetRoute */
  GArray    *pages;    /* (route, page) pairs, as guint */
} PrintJob;

static void
print_job_free (gpointer data)
{
  PrintJob *job = data;

  g_clear_pointer (&job->sheets, g_ptr_array_unref);
  g_clear_pointer (&job->pages, g_array_unref);
  g_free (job);
}

static gpointer
build_sheets (StormDb       *db,
              gpointer       user_data,
              GCancellable  *cancellable,
              GError       **error)
{
  return storm_route_sheets_build (db, *(gint64 *) user_data, NULL, 0, NULL, error);
}

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                PrintJob          *job)
{
  double height = gtk_print_context_get_height (context);

  g_array_set_size (job->pages, 0);
  for (guint r = 0; r < job->sheets->len; r++)
    {
      int n = storm_sheet_route_n_pages (job->sheets->pdata[r], height);

      for (int p = 0; p < n; p++)
        {
          guint pair[2] = { r, (guint) p };

          g_array_append_vals (job->pages, pair, 2);
        }
    }
  gtk_print_operation_set_n_pages (operation, (int) job->pages->len / 2);
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              PrintJob          *job)
{
  guint r = g_array_index (job->pages, guint, 2 * page_nr);
  guint p = g_array_index (job->pages, guint, 2 * page_nr + 1);

  storm_sheet_draw_page (gtk_print_context_get_cairo_context (context), gtk_print_context_get_width (context),
                         gtk_print_context_get_height (context), job->sheets->pdata[r], (int) p, page_nr + 1,
                         (int) job->pages->len / 2);
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               StormRoutesView         *self)
{
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      _storm_routes_view_toast (self, error ? error->message : _("The route sheets could not be printed"));
    }
}

static void
sheets_built_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (source);
  g_autoptr(GError) error = NULL;
  GPtrArray *sheets = _storm_cycle_read_finish (result, &error);
  GtkPrintOperation *operation;
  GtkRoot *root;
  PrintJob *job;

  if (g_task_get_cancellable (G_TASK (result)) != self->exporting)
    {
      g_clear_pointer (&sheets, g_ptr_array_unref);
      return;
    }
  g_clear_object (&self->exporting);
  _storm_routes_view_update_actions (self);
  _storm_routes_view_update_loading (self);
  if (sheets == NULL)
    {
      _storm_routes_view_toast (self, error->message);
      return;
    }
  job = g_new0 (PrintJob, 1);
  job->sheets = sheets;
  job->pages = g_array_new (FALSE, FALSE, sizeof (guint));
  operation = gtk_print_operation_new ();
  gtk_print_operation_set_job_name (operation, _("Route sheets"));
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, FALSE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_object_set_data_full (G_OBJECT (operation), "job", job, print_job_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), job);
  g_signal_connect_object (operation, "done", G_CALLBACK (print_done_cb), self, 0);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  gtk_print_operation_set_allow_async (operation, TRUE);
  /* The view keeps the last print job until the next one or its end,
   * whether the run finishes now or later. */
  g_object_set_data_full (G_OBJECT (self), "print-operation", operation, g_object_unref);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &error)
      == GTK_PRINT_OPERATION_RESULT_ERROR && error != NULL)
    _storm_routes_view_toast (self, error->message);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (widget);

  if (self->store == NULL || self->storm_id == 0 || self->exporting != NULL)
    return;
  self->exporting = g_cancellable_new ();
  _storm_cycle_read_async (self->store, self, build_sheets, g_memdup2 (&self->storm_id, sizeof (gint64)), g_free,
                           (GDestroyNotify) g_ptr_array_unref, self->exporting, sheets_built_cb, NULL);
  _storm_routes_view_update_actions (self);
  _storm_routes_view_update_loading (self);
}

/* Route edits */

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  _storm_routes_view_show_route (STORM_ROUTES_VIEW (widget), 0, FALSE);
}

static void
move_step (StormRoutesView *self,
           guint            seq,
           int              step)
{
  RouteEntry *entry = _storm_routes_view_selected_entry (self);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (entry == NULL || (step < 0 && seq <= 1) || (step > 0 && seq >= entry->stops->len))
    return;
  ok = storm_routes_reorder (storm_store_get_db (self->store), entry->route->id, seq, seq + step, &error);
  edit_done (self, ok, error, NULL);
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  move_step (STORM_ROUTES_VIEW (widget), g_variant_get_uint32 (parameter), -1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  move_step (STORM_ROUTES_VIEW (widget), g_variant_get_uint32 (parameter), 1);
}

static void
move_stop_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (widget);
  RouteEntry *entry = _storm_routes_view_selected_entry (self);
  int target_index;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = NULL;
  guint seq;
  gint64 target;
  gboolean ok;

  g_variant_get (parameter, "(ux)", &seq, &target);
  target_index = _storm_routes_view_index_of_route (self, target);
  if (entry == NULL || target_index < 0)
    return;
  ok = storm_routes_move_stop (storm_store_get_db (self->store), entry->route->id, seq, target, 0, &error);
  if (ok)
    done = g_strdup_printf (_("Stop moved to %s"), _storm_routes_view_entry_at (self, target_index)->route->name);
  edit_done (self, ok, error, done);
}

static void
set_locked (StormRoutesView *self,
            gboolean         locked)
{
  RouteEntry *entry = _storm_routes_view_selected_entry (self);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (entry == NULL)
    return;
  ok = storm_routes_set_locked (storm_store_get_db (self->store), entry->route->id, locked, &error);
  edit_done (self, ok, error, locked ? _("Route locked: planning again keeps it") : _("Route unlocked"));
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  set_locked (STORM_ROUTES_VIEW (widget), TRUE);
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  set_locked (STORM_ROUTES_VIEW (widget), FALSE);
}

static void
optimize_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (widget);
  RouteEntry *entry = _storm_routes_view_selected_entry (self);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (entry == NULL)
    return;
  ok = storm_routes_optimize (storm_store_get_db (self->store), entry->route->id, 1, &error);
  edit_done (self, ok, error, _("Stops put back in the shortest order found"));
}

typedef struct
{
  gint64       route_id;
  GtkEditable *name;
  GtkEditable *crew;
  GtkDropDown *language;
} RouteFields;

static void
route_dialog_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          StormRoutesView  *self)
{
  RouteFields *fields = g_object_get_data (G_OBJECT (dialog), "fields");
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!g_str_equal (response, "apply") || self->store == NULL)
    return;
  if (fields->name != NULL)
    ok = storm_routes_rename (storm_store_get_db (self->store), fields->route_id,
                              gtk_editable_get_text (fields->name), &error);
  else
    ok = storm_routes_set_crew (storm_store_get_db (self->store), fields->route_id,
                                gtk_editable_get_text (fields->crew),
                                gtk_drop_down_get_selected (fields->language) == 1 ? "es" : "en", &error);
  edit_done (self, ok, error, NULL);
}

static void
route_dialog (StormRoutesView *self,
              gboolean         rename)
{
  RouteEntry *entry = _storm_routes_view_selected_entry (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  RouteFields *fields;
  GtkWidget *dialog, *list;

  if (entry == NULL)
    return;
  fields = g_new0 (RouteFields, 1);
  fields->route_id = entry->route->id;
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   rename ? _("Rename Route") : _("Assign Crew"),
                                   rename ? NULL : _("The route sheet is printed in the crew’s language."));
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  if (rename)
    gtk_list_box_append (GTK_LIST_BOX (list), entry_row (_("Name"), entry->route->name, &fields->name));
  else
    {
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      const char * const languages[] = { _("English"), _("Spanish"), NULL };

      gtk_list_box_append (GTK_LIST_BOX (list), entry_row (_("Crew"), entry->route->crew, &fields->crew));
      fields->language = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (languages));
      gtk_drop_down_set_selected (fields->language, g_strcmp0 (entry->route->crew_language, "es") == 0 ? 1 : 0);
      gtk_widget_set_valign (GTK_WIDGET (fields->language), GTK_ALIGN_CENTER);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Language of the Route Sheet"));
      adw_action_row_add_suffix (row, GTK_WIDGET (fields->language));
      gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (row));
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "apply",
                                    rename ? _("_Rename") : _("_Assign"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fields", fields, g_free);
  g_signal_connect_data (dialog, "response", G_CALLBACK (route_dialog_response_cb), g_object_ref (self),
                         _storm_cycle_closure_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  route_dialog (STORM_ROUTES_VIEW (widget), TRUE);
}

static void
assign_crew_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  route_dialog (STORM_ROUTES_VIEW (widget), FALSE);
}

void
_storm_routes_view_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "routes.plan", NULL, plan_action);
  gtk_widget_class_install_action (widget_class, "routes.copy-address", NULL, copy_address_action);
  gtk_widget_class_install_action (widget_class, "routes.cancel-plan", NULL, cancel_plan_action);
  gtk_widget_class_install_action (widget_class, "routes.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "routes.export-file", "(ss)", export_file_action);
  gtk_widget_class_install_action (widget_class, "routes.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "routes.show-list", NULL, show_list_action);
  gtk_widget_class_install_action (widget_class, "routes.move-up", "u", move_up_action);
  gtk_widget_class_install_action (widget_class, "routes.move-down", "u", move_down_action);
  gtk_widget_class_install_action (widget_class, "routes.move-stop", "(ux)", move_stop_action);
  gtk_widget_class_install_action (widget_class, "routes.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "routes.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "routes.optimize", NULL, optimize_action);
  gtk_widget_class_install_action (widget_class, "routes.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "routes.assign-crew", NULL, assign_crew_action);
}
