#define G_LOG_DOMAIN "storm-dash-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "storm-dash-json.h"
#include "storm-dash-ui.h"
#include "storm-demo-dash.h"
#include "storm-demo.h"
#include "storm-window.h"

void
storm_dash_ui_open_target (GtkWidget  *widget,
                           const char *target)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *page = NULL;
  const char *colon;

  if (target == NULL || !STORM_IS_WINDOW (root))
    return;
  colon = strchr (target, ':');
  page = colon ? g_strndup (target, colon - target) : g_strdup (target);
  storm_window_set_page (STORM_WINDOW (root), page);
}

void
storm_dash_ui_toast (GtkWidget  *widget,
                     const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

const char * const *
storm_dash_ui_tables (void)
{
  return storm_dash_tables ();
}

char *
storm_dash_ui_ago (const char *iso,
                   gint64      now)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 s;

  if (iso == NULL || (dt = g_date_time_new_from_iso8601 (iso, utc)) == NULL)
    return g_strdup (_("never"));
  s = now - g_date_time_to_unix (dt);
  if (s < 60)
    return g_strdup (_("just now"));
  if (s < 3600)
    return g_strdup_printf (_("%lld min ago"), (long long) (s / 60));
  if (s < 2 * 86400)
    return g_strdup_printf (_("%lld h ago"), (long long) (s / 3600));
  return g_strdup_printf (_("%lld d ago"), (long long) (s / 86400));
}

typedef struct {
  GtkWidget  *widget;
  StormStore *store;
  char       *path;
  char       *name;
} ImportJob;

static void
import_job_free (gpointer data)
{
  ImportJob *job = data;

  g_clear_object (&job->widget);
  g_clear_object (&job->store);
  g_free (job->path);
  g_free (job->name);
  g_free (job);
}

static gboolean
import_thread (StormDb        *db,
               gpointer        data,
               GCancellable   *cancellable,
               StormProgress  *progress,
               GError        **error)
{
  ImportJob *job = data;

  return storm_dash_import_file (db, job->path, error);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;

  if (!storm_store_run_finish (STORM_STORE (source), result, &error))
    storm_dash_ui_toast (widget, error->message);
  else
    storm_dash_ui_toast (widget, _("Dashboards imported"));
}

static void
import_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  ImportJob *job = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      g_file_get_path (file) != NULL)
    {
      job->path = g_file_get_path (file);
      storm_store_run_async (job->store, storm_dash_tables (), import_thread, job, import_job_free,
                             NULL, NULL, import_done_cb, g_object_ref (job->widget));
    }
  else
    import_job_free (job);
  g_object_unref (dialog);
}

void
storm_dash_ui_import_json (GtkWidget  *widget,
                           StormStore *store)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  ImportJob *job;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (store == NULL)
    return;
  job = g_new0 (ImportJob, 1);
  job->widget = g_object_ref (widget);
  job->store = g_object_ref (store);

  chooser = gtk_file_chooser_native_new (_("Import Dashboards"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL);
  gtk_file_filter_set_name (filter, _("StormOps dashboards (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
demo_thread (StormDb        *db,
             gpointer        data,
             GCancellable   *cancellable,
             StormProgress  *progress,
             GError        **error)
{
  return storm_demo_dash_generate (db, g_get_real_time () / G_USEC_PER_SEC, STORM_DEMO_DEFAULT_SEED, error);
}

static void
demo_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;

  if (!storm_store_run_finish (STORM_STORE (source), result, &error))
    storm_dash_ui_toast (widget, error->message);
}

void
storm_dash_ui_load_demo (GtkWidget  *widget,
                         StormStore *store)
{
  if (store == NULL)
    return;
  storm_store_run_async (store, storm_dash_tables (), demo_thread, NULL, NULL, NULL, NULL,
                         demo_done_cb, g_object_ref (widget));
}

GtkWidget *
storm_dash_ui_detail_row (const char *title,
                          const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

void
storm_dash_ui_clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

const char *
storm_dash_ui_person (void)
{
  const char *name = g_get_real_name ();

  if (name == NULL || *name == '\0' || g_str_equal (name, "Unknown"))
    name = g_get_user_name ();
  return name;
}

static void
deferred_map_cb (GtkWidget *view,
                 gpointer   reload)
{
  g_signal_handlers_disconnect_by_func (view, deferred_map_cb, reload);
  g_object_set_data (G_OBJECT (view), "storm-dash-deferred", NULL);
  ((void (*) (gpointer)) reload) (view);
}

gboolean
storm_dash_ui_shown_or_defer (GtkWidget  *view,
                              void      (*reload) (gpointer view))
{
  g_return_val_if_fail (GTK_IS_WIDGET (view), FALSE);

  if (gtk_widget_get_mapped (view))
    return TRUE;
  if (g_object_get_data (G_OBJECT (view), "storm-dash-deferred") == NULL)
    {
      g_object_set_data (G_OBJECT (view), "storm-dash-deferred", GINT_TO_POINTER (TRUE));
      g_signal_connect (view, "map", G_CALLBACK (deferred_map_cb), reload);
    }
  return FALSE;
}
