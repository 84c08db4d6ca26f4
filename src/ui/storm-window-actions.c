#define G_LOG_DOMAIN "storm-window-actions"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "storm-demo.h"
#include "storm-error.h"
#include "storm-format.h"
#include "storm-import.h"
#include "storm-window-private.h"

/* What the import and demo jobs write; listeners refresh from these. */
static const char * const written_tables[] = {
  "storms", "storm_reports", "properties", "storm_properties", NULL
};

/* How many flagged rows the warnings dialog lists before summing up. */
#define N_WARNINGS_SHOWN 20

typedef struct
{
  StormImportKind    kind;
  char              *path;
  char              *display_name;
  char              *storm_code;
  char              *state;
  StormImportResult  result;
} ImportJob;

static void
import_job_clear (gpointer data)
{
  ImportJob *job = data;

  g_free (job->path);
  g_free (job->display_name);
  g_free (job->storm_code);
  g_free (job->state);
  storm_import_result_clear (&job->result);
}

static ImportJob *
import_job_ref (ImportJob *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
import_job_unref (gpointer job)
{
  g_atomic_rc_box_release_full (job, import_job_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportJob, import_job_unref)

/* Runs on the worker, with the worker's own connection. */
static gboolean
import_job_run (StormDb        *db,
                gpointer        data,
                GCancellable   *cancellable,
                StormProgress  *progress,
                GError        **error)
{
  ImportJob *job = data;

  if (job->kind == STORM_IMPORT_REPORTS)
    {
      StormReportFilter filter = { .state = job->state };

      return storm_import_reports (db, job->path, job->storm_code, &filter,
                                   &job->result, cancellable, progress, error);
    }
  return storm_import_properties (db, job->path, job->storm_code,
                                  &job->result, cancellable, progress, error);
}

static gboolean
demo_job_run (StormDb        *db,
              gpointer        data,
              GCancellable   *cancellable,
              StormProgress  *progress,
              GError        **error)
{
  StormDemoOptions options = {
    .n_properties = STORM_DEMO_DEFAULT_PROPERTIES,
    .seed = STORM_DEMO_DEFAULT_SEED,
    .zcta_path = NULL,
    .field_work = TRUE,
  };

  return storm_demo_generate (db, &options, cancellable, progress, error);
}

/* Progress arrives on the main thread, but the last reference to its
 * data may be dropped on the worker: hold the window weakly. */
static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
operation_progress_cb (double      fraction,
                       const char *message,
                       gpointer    user_data)
{
  g_autoptr(StormWindow) self = g_weak_ref_get (user_data);

  if (self == NULL || self->operation == NULL)
    return;
  gtk_progress_bar_set_fraction (self->operation_bar, fraction);
  if (message != NULL && message[0] != '\0')
    gtk_progress_bar_set_text (self->operation_bar, message);
}

static StormProgress *
operation_begin (StormWindow *self,
                 const char  *label)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_assert (self->operation == NULL);

  self->operation = g_cancellable_new ();
  gtk_label_set_label (self->operation_label, label);
  gtk_progress_bar_set_fraction (self->operation_bar, 0.0);
  gtk_progress_bar_set_text (self->operation_bar, NULL);
  gtk_progress_bar_set_show_text (self->operation_bar, TRUE);
  gtk_revealer_set_reveal_child (self->operation_revealer, TRUE);
  _storm_window_update_actions (self);
  _storm_window_update_busy (self);

  g_weak_ref_init (ref, self);
  return storm_progress_new (operation_progress_cb, ref, weak_ref_free);
}

static void
operation_end (StormWindow *self)
{
  g_clear_object (&self->operation);
  gtk_revealer_set_reveal_child (self->operation_revealer, FALSE);
  _storm_window_update_actions (self);
  _storm_window_update_busy (self);
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, STORM_ERROR, STORM_ERROR_CANCELLED);
}

static void
show_error (StormWindow  *self,
            const char   *heading,
            const GError *error)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
import_summary (ImportJob *job)
{
  const StormImportResult *r = &job->result;
  gint64 n_written = r->n_inserted + r->n_updated;
  g_autofree char *written = storm_format_count (n_written);
  g_autofree char *n_duplicates = storm_format_count (r->n_duplicates);
  g_autofree char *imported = NULL;
  g_autofree char *duplicates = NULL;

  if (job->kind == STORM_IMPORT_REPORTS)
    imported = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %s storm report",
                                             "Imported %s storm reports", n_written),
                                written);
  else
    imported = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %s property",
                                             "Imported %s properties", n_written),
                                written);
  duplicates = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s duplicate", "%s duplicates",
                                             r->n_duplicates),
                                n_duplicates);
  if (r->n_skipped > 0)
    {
      g_autofree char *n_skipped = storm_format_count (r->n_skipped);
      g_autofree char *skipped =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s left out by the filter",
                                      "%s left out by the filter", r->n_skipped),
                         n_skipped);

      /* Translators: "Imported 34 properties, 0 duplicates, 5 left out by the filter" */
      return g_strdup_printf (_("%s, %s, %s"), imported, duplicates, skipped);
    }
  /* Translators: "Imported 34 properties, 0 duplicates" */
  return g_strdup_printf (_("%s, %s"), imported, duplicates);
}

/* Main-thread side of a running import: the job itself may be released
 * on the worker, so it holds no widget. */
typedef struct
{
  StormWindow *window;
  ImportJob   *job;
} ImportCall;

static void
import_call_free (ImportCall *call)
{
  g_object_unref (call->window);
  import_job_unref (call->job);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportCall, import_call_free)

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  StormStore *store = STORM_STORE (object);
  g_autoptr(ImportCall) call = user_data;
  StormWindow *self = call->window;
  ImportJob *job = call->job;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  AdwToast *toast;

  /* The window was closed while the import ran: nothing left to show. */
  if (self->operation == NULL)
    {
      storm_store_run_finish (store, result, NULL);
      return;
    }

  if (!storm_store_run_finish (store, result, &error))
    {
      operation_end (self);
      if (is_cancelled (error))
        storm_window_add_toast (self, adw_toast_new (_("Import cancelled. Nothing was changed.")));
      else
        show_error (self, _("Import Failed"), error);
      return;
    }

  /* Finishing announced the new rows, so the storm list is reloading:
   * show what was just imported when it arrives. */
  _storm_window_select_when_loaded (self, NULL, job->result.storm_id);
  operation_end (self);

  summary = import_summary (job);
  toast = adw_toast_new (summary);
  adw_toast_set_timeout (toast, 6);
  g_clear_pointer (&self->import_warnings, g_ptr_array_unref);
  if (job->result.n_warnings > 0)
    {
      g_autofree char *n_flagged = storm_format_count (job->result.n_warnings);
      g_autofree char *flagged =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s; %s row flagged", "%s; %s rows flagged",
                                      job->result.n_warnings),
                         summary, n_flagged);

      adw_toast_set_title (toast, flagged);
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.show-import-warnings");
      self->import_warnings = g_ptr_array_ref (job->result.warnings);
      self->n_import_warnings = job->result.n_warnings;
    }
  storm_window_add_toast (self, toast);
}

/* Imports @path on a worker, with the progress bar and Cancel; the
 * result shows as a toast, a failure as a dialog. @storm_code and @state
 * may be NULL or empty (see storm_import_properties/reports()). */
void
_storm_window_start_import (StormWindow     *self,
                            StormImportKind  kind,
                            const char      *path,
                            const char      *display_name,
                            const char      *storm_code,
                            const char      *state)
{
  g_autoptr(ImportJob) job = g_atomic_rc_box_new0 (ImportJob);
  g_autofree char *label = NULL;
  StormProgress *progress;
  ImportCall *call;

  if (self->operation != NULL || self->store == NULL)
    return;

  job->kind = kind;
  job->path = g_strdup (path);
  job->display_name = g_strdup (display_name);
  job->storm_code = storm_code != NULL && storm_code[0] != '\0' ? g_strdup (storm_code) : NULL;
  job->state = state != NULL && state[0] != '\0' ? g_strdup (state) : NULL;
  storm_import_result_init (&job->result);

  label = g_strdup_printf (_("Importing “%s”…"), display_name);
  progress = operation_begin (self, label);
  call = g_new0 (ImportCall, 1);
  call->window = g_object_ref (self);
  call->job = import_job_ref (job);
  storm_store_run_async (self->store, written_tables, import_job_run,
                         import_job_ref (job), import_job_unref,
                         progress, self->operation, import_done_cb, call);
}

typedef struct
{
  StormWindow     *window;
  StormImportKind  kind;
  GFile           *file;
  AdwEntryRow *code_row;
  AdwEntryRow *state_row;
} ImportRequest;

static void
import_request_free (gpointer data,
                     GClosure *closure)
{
  ImportRequest *request = data;

  g_object_unref (request->window);
  g_object_unref (request->file);
  g_free (request);
}

static void
import_options_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            ImportRequest    *request)
{
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *code = NULL;
  g_autofree char *state = NULL;

  if (!g_str_equal (response, "import"))
    return;

  path = g_file_get_path (request->file);
  name = g_file_get_basename (request->file);
  code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (request->code_row))));
  if (request->state_row != NULL)
    state = g_strstrip (g_ascii_strup (gtk_editable_get_text (GTK_EDITABLE (request->state_row)), -1));
  _storm_window_start_import (request->window, request->kind, path, name, code, state);
}

static void
code_changed_cb (GtkEditable      *editable,
                 AdwMessageDialog *dialog)
{
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  adw_message_dialog_set_response_enabled (dialog, "import", code[0] != '\0');
}

/* A storm code from a file name: "dallas.csv" → "DALLAS". */
static char *
code_from_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  char *dot = strrchr (name, '.');

  if (dot != NULL && dot != name)
    *dot = '\0';
  for (char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = '_';
  return g_ascii_strup (name, -1);
}

static void
ask_import_options (StormWindow     *self,
                    StormImportKind  kind,
                    GFile           *file)
{
  g_autofree char *name = g_file_get_basename (file);
  ImportRequest *request;
  GtkWidget *dialog;
  GtkWidget *group;
  GtkWidget *code_row;

  group = adw_preferences_group_new ();
  code_row = adw_entry_row_new ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), code_row);

  if (kind == STORM_IMPORT_PROPERTIES)
    {
      g_autofree char *from_file = NULL;

      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Import Properties"), NULL);
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("The properties in “%s” are added to the storm below. "
                                        "A storm code that does not exist yet starts a new storm."),
                                      name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (code_row), _("Storm code"));
      if (self->storm != NULL)
        gtk_editable_set_text (GTK_EDITABLE (code_row), storm_storm_get_code (self->storm));
      else
        gtk_editable_set_text (GTK_EDITABLE (code_row), (from_file = code_from_file (file)));
    }
  else
    {
      GtkWidget *state_row = adw_entry_row_new ();

      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Import Storm Reports"), NULL);
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("Leave the storm code empty to start a storm named after “%s”, "
                                        "and the state empty to keep reports from every state."),
                                      name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (code_row), _("Storm code (optional)"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (state_row), _("State, for example TX (optional)"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), state_row);
      g_object_set_data (G_OBJECT (dialog), "state-row", state_row);
    }

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), group);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "import", _("_Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "import",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "import");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  if (kind == STORM_IMPORT_PROPERTIES)
    {
      g_signal_connect_object (code_row, "changed", G_CALLBACK (code_changed_cb), dialog, 0);
      code_changed_cb (GTK_EDITABLE (code_row), ADW_MESSAGE_DIALOG (dialog));
    }

  request = g_new0 (ImportRequest, 1);
  request->window = g_object_ref (self);
  request->kind = kind;
  request->file = g_object_ref (file);
  request->code_row = ADW_ENTRY_ROW (code_row);
  request->state_row = g_object_get_data (G_OBJECT (dialog), "state-row");
  g_signal_connect_data (dialog, "response", G_CALLBACK (import_options_response_cb),
                         request, import_request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
file_chosen_cb (GtkNativeDialog *native,
                int              response,
                StormWindow     *self)
{
  g_autoptr(GFile) file = NULL;
  StormImportKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "import-kind"));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  gtk_native_dialog_destroy (native);
  g_object_unref (native);

  if (file != NULL && g_file_peek_path (file) != NULL)
    ask_import_options (self, kind, file);
  else if (file != NULL)
    storm_window_add_toast (self, adw_toast_new (_("Only local files can be imported.")));
}

static GtkFileFilter *
new_filter (const char          *name,
            const char * const  *suffixes,
            const char * const  *mime_types)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);
  for (guint i = 0; mime_types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (filter, mime_types[i]);
  return filter;
}

static void
choose_import_file (StormWindow     *self,
                    StormImportKind  kind)
{
  static const char * const csv[] = { "csv", NULL };
  static const char * const csv_mime[] = { "text/csv", NULL };
  static const char * const json[] = { "json", "geojson", NULL };
  static const char * const json_mime[] = { "application/json", "application/geo+json", NULL };
  static const char * const all[] = { "csv", "json", "geojson", NULL };
  static const char * const all_mime[] = { "text/csv", "application/json", "application/geo+json", NULL };
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (kind == STORM_IMPORT_PROPERTIES ? _("Import Properties")
                                                                  : _("Import Storm Reports"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  if (kind == STORM_IMPORT_PROPERTIES)
    {
      g_autoptr(GtkFileFilter) any = new_filter (_("Property files (CSV, JSON, GeoJSON)"), all, all_mime);
      g_autoptr(GtkFileFilter) csv_filter = new_filter (_("CSV files"), csv, csv_mime);
      g_autoptr(GtkFileFilter) json_filter = new_filter (_("JSON and GeoJSON files"), json, json_mime);

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), any);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), csv_filter);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), json_filter);
    }
  else
    {
      g_autoptr(GtkFileFilter) csv_filter = new_filter (_("NOAA storm report files (CSV)"), csv, csv_mime);

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), csv_filter);
    }

  g_object_set_data (G_OBJECT (native), "import-kind", GINT_TO_POINTER (kind));
  g_signal_connect_object (native, "response", G_CALLBACK (file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
import_properties_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  choose_import_file (STORM_WINDOW (widget), STORM_IMPORT_PROPERTIES);
}

static void
import_reports_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  choose_import_file (STORM_WINDOW (widget), STORM_IMPORT_REPORTS);
}

static void
demo_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StormWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->operation == NULL)
    {
      storm_store_run_finish (STORM_STORE (object), result, NULL);
      return;
    }

  if (!storm_store_run_finish (STORM_STORE (object), result, &error))
    {
      operation_end (self);
      if (is_cancelled (error))
        storm_window_add_toast (self, adw_toast_new (_("Demo storm cancelled. Nothing was changed.")));
      else
        show_error (self, _("Cannot Create the Demo Storm"), error);
      return;
    }
  /* Finishing announced the new rows, so the storm list is reloading. */
  _storm_window_select_when_loaded (self, STORM_DEMO_CODE, 0);
  operation_end (self);
}

void
_storm_window_load_demo (StormWindow *self)
{
  StormProgress *progress;

  if (self->operation != NULL || self->store == NULL)
    return;

  progress = operation_begin (self, _("Creating the demo storm…"));
  storm_store_run_async (self->store, written_tables, demo_job_run, NULL, NULL,
                         progress, self->operation, demo_done_cb, g_object_ref (self));
}

static void
load_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  _storm_window_load_demo (STORM_WINDOW (widget));
}

static void
cancel_operation_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  StormWindow *self = STORM_WINDOW (widget);

  g_cancellable_cancel (self->operation);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StormWindow *self = STORM_WINDOW (widget);

  storm_window_set_phase (self, "jobs");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  storm_phases_page_focus_search (self->phases);
}

static void
show_import_warnings_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  StormWindow *self = STORM_WINDOW (widget);
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;
  guint shown;

  if (self->import_warnings == NULL)
    return;

  shown = MIN (self->import_warnings->len, N_WARNINGS_SHOWN);
  for (guint i = 0; i < shown; i++)
    g_string_append_printf (body, "%s\n", (const char *) g_ptr_array_index (self->import_warnings, i));
  if (self->n_import_warnings > shown)
    {
      g_autofree char *more = storm_format_count (self->n_import_warnings - shown);

      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "…and %s more row.", "…and %s more rows.",
                                                 self->n_import_warnings - shown),
                              more);
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Rows Flagged During the Import"), body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_storm_window_update_actions (StormWindow *self)
{
  gboolean idle = self->store != NULL && self->operation == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-properties", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-reports", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.load-demo",
                                 idle && self->storms_loaded && !_storm_window_has_demo_storm (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-operation", self->operation != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", self->store != NULL);
}

void
_storm_window_class_actions_init (StormWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.import-properties", NULL, import_properties_action);
  gtk_widget_class_install_action (widget_class, "win.import-reports", NULL, import_reports_action);
  gtk_widget_class_install_action (widget_class, "win.load-demo", NULL, load_demo_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-operation", NULL, cancel_operation_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-import-warnings", NULL, show_import_warnings_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel-operation", NULL);
}
