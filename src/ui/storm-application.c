#define G_LOG_DOMAIN "storm-application"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "storm-api-control.h"
#include "storm-application.h"
#include "storm-capture.h"
#include "storm-preferences-window.h"
#include "storm-window.h"

struct _StormApplication
{
  AdwApplication  parent_instance;

  gint64          started_us;
  int             exit_status;

  /* --screenshot: the window to capture and where to write it. */
  StormWindow    *capture_window;
  char           *capture_path;
  gulong          capture_busy_id;
  gulong          capture_paint_id;

  gboolean        quit_after_first_frame;
  gulong          first_frame_id;

  /* The HTTP API serves the database of the first window. */
  StormApiControl *api;
  gboolean         api_has_store;
};

G_DEFINE_FINAL_TYPE (StormApplication, storm_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the database at PATH instead of the one set in Preferences"), N_("PATH") },
  { "storm", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Select the storm with code CODE"), N_("CODE") },
  { "page", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Show dashboard NAME: storm-phases, ops-health, sales-leak, results-ledger, packages or agent-jobs"),
    N_("NAME") },
  { "phase", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Show storm phase NAME: target, attribution, routes, jobs or nurture"), N_("NAME") },
  { "search", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Search the Jobs phase for TEXT"), N_("TEXT") },
  { "width", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Open the window WIDTH pixels wide"), N_("WIDTH") },
  { "height", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Open the window HEIGHT pixels high"), N_("HEIGHT") },
  { "dark", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Use the dark style"), NULL },
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Render the window to FILE (PNG) once its data is shown, print the path and quit"), N_("FILE") },
  { "quit-after-first-frame", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Quit as soon as the window has drawn its first frame (for start-up benchmarks)"), NULL },
  { NULL }
};

char *
storm_application_dup_database_path (GSettings *settings)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  path = g_settings_get_string (settings, "database-path");
  if (path[0] != '\0')
    return g_steal_pointer (&path);
  return g_build_filename (g_get_user_data_dir (), "stormops", "stormops.db", NULL);
}

static StormWindow *
get_storm_window (StormApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (STORM_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
capture_stop (StormApplication *self)
{
  if (self->capture_window == NULL)
    return;
  g_clear_signal_handler (&self->capture_busy_id, self->capture_window);
  if (self->capture_paint_id != 0)
    g_clear_signal_handler (&self->capture_paint_id,
                            gtk_widget_get_frame_clock (GTK_WIDGET (self->capture_window)));
  g_clear_object (&self->capture_window);
}

static void capture_when_ready (StormApplication *self);

static void
capture_after_paint_cb (GdkFrameClock    *clock,
                        StormApplication *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *window = GTK_WIDGET (self->capture_window);

  g_clear_signal_handler (&self->capture_paint_id, clock);

  /* Data may have started loading again while that frame was drawn. */
  if (storm_window_get_busy (self->capture_window))
    return;

  if (storm_capture_widget_png (window, self->capture_path, &error))
    {
      g_print ("%s\n", self->capture_path);
    }
  else
    {
      g_printerr ("stormops: %s\n", error->message);
      self->exit_status = 1;
    }
  capture_stop (self);
  g_application_quit (G_APPLICATION (self));
}

/* Captures on the frame after the window is shown and has its data, so
 * the list rows built for that data are laid out and painted. */
static void
capture_when_ready (StormApplication *self)
{
  GtkWidget *window = GTK_WIDGET (self->capture_window);

  if (self->capture_paint_id != 0 || !gtk_widget_get_mapped (window) ||
      storm_window_get_busy (self->capture_window))
    return;
  self->capture_paint_id = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                                             G_CALLBACK (capture_after_paint_cb), self);
  gtk_widget_queue_draw (window);
}

static void
capture_state_cb (StormApplication *self)
{
  capture_when_ready (self);
}

static void
first_frame_cb (GdkFrameClock    *clock,
                StormApplication *self)
{
  g_clear_signal_handler (&self->first_frame_id, clock);

  g_print ("first-frame-ms: %" G_GINT64_FORMAT "\n", (g_get_monotonic_time () - self->started_us) / 1000);
  g_print ("rss-kb: %" G_GINT64_FORMAT "\n", storm_capture_rss_kb ());
  fflush (stdout);

  if (self->quit_after_first_frame)
    g_application_quit (G_APPLICATION (self));
}

static void
window_realize_cb (GtkWidget        *window,
                   StormApplication *self)
{
  self->first_frame_id = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                                           G_CALLBACK (first_frame_cb), self);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  StormApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Close rather than destroy, so each window saves its state. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  StormApplication *self = user_data;
  static const char *developers[] = { "StormOps contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("StormOps"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("StormOps contributors"),
                        "developers", developers,
                        "comments", _("Storm response for roofing crews: which doors to knock, "
                                      "in what order, and whether the business is healthy."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", _("© StormOps contributors"),
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  StormApplication *self = user_data;
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  StormWindow *window = get_storm_window (self);
  StormStore *store = window != NULL ? storm_window_get_store (window) : NULL;
  StormPreferencesWindow *preferences;

  preferences = storm_preferences_window_new (active, store != NULL ? storm_store_get_path (store) : NULL);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
import_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  StormWindow *window = get_storm_window (user_data);
  const char *kind = g_variant_get_string (parameter, NULL);

  if (window == NULL)
    return;
  if (g_str_equal (kind, "reports"))
    gtk_widget_activate_action (GTK_WIDGET (window), "win.import-reports", NULL);
  else
    gtk_widget_activate_action (GTK_WIDGET (window), "win.import-properties", NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
  { "import", import_action, "s" },
};

static StormStore *
open_store (const char  *path,
            GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);

  /* Only the owner reads the database: it holds addresses and outcomes. */
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the folder “%s”: %s"), folder, g_strerror (saved_errno));
      return NULL;
    }
  return storm_store_open (path, error);
}

static int
storm_application_handle_local_options (GApplication *application,
                                        GVariantDict *options)
{
  /* A screenshot or a benchmark run gets its own process, never a
   * window of an instance that is already running. */
  if (g_variant_dict_contains (options, "screenshot") ||
      g_variant_dict_contains (options, "quit-after-first-frame") ||
      g_getenv ("STORMOPS_FIRST_FRAME") != NULL)
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  return G_APPLICATION_CLASS (storm_application_parent_class)->handle_local_options (application, options);
}

static int
storm_application_command_line (GApplication            *application,
                                GApplicationCommandLine *cmdline)
{
  StormApplication *self = STORM_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(StormStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *screenshot = NULL;
  const char *page = NULL;
  const char *phase = NULL;
  const char *storm = NULL;
  const char *search = NULL;
  int width = 0, height = 0;
  StormWindow *window;

  g_variant_dict_lookup (options, "db", "^ay", &db_path);
  g_variant_dict_lookup (options, "screenshot", "^ay", &screenshot);
  g_variant_dict_lookup (options, "page", "&s", &page);
  g_variant_dict_lookup (options, "phase", "&s", &phase);
  g_variant_dict_lookup (options, "storm", "&s", &storm);
  g_variant_dict_lookup (options, "search", "&s", &search);
  g_variant_dict_lookup (options, "width", "i", &width);
  g_variant_dict_lookup (options, "height", "i", &height);
  self->quit_after_first_frame = g_variant_dict_contains (options, "quit-after-first-frame");

  if (g_variant_dict_contains (options, "dark"))
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);

  /* A second start without options shows the window already open. */
  window = get_storm_window (self);
  if (window != NULL && db_path == NULL && screenshot == NULL)
    {
      if (storm != NULL)
        storm_window_select_storm (window, storm);
      if (page != NULL)
        storm_window_set_page (window, page);
      if (phase != NULL)
        storm_window_set_phase (window, phase);
      gtk_window_present (GTK_WINDOW (window));
      return 0;
    }

  if (db_path == NULL)
    db_path = storm_application_dup_database_path (settings);
  else if (!g_path_is_absolute (db_path))
    {
      g_autofree char *relative = g_steal_pointer (&db_path);

      db_path = g_build_filename (g_application_command_line_get_cwd (cmdline), relative, NULL);
    }
  if (screenshot != NULL && !g_path_is_absolute (screenshot))
    {
      g_autofree char *relative = g_steal_pointer (&screenshot);

      screenshot = g_build_filename (g_application_command_line_get_cwd (cmdline), relative, NULL);
    }

  store = open_store (db_path, &error);
  window = storm_window_new (ADW_APPLICATION (self), store);
  /* Screenshots and start-up measurements run beside the real window:
   * they never take its port. */
  if (store != NULL && screenshot == NULL && !self->quit_after_first_frame && !self->api_has_store)
    {
      self->api_has_store = TRUE;
      storm_api_control_set_store (self->api, store);
    }
  if (store == NULL)
    storm_window_show_open_error (window, db_path, error);

  if (page != NULL && !storm_window_set_page (window, page))
    {
      g_application_command_line_printerr (cmdline, _("stormops: there is no page “%s”\n"), page);
      gtk_window_destroy (GTK_WINDOW (window));
      return 2;
    }
  if (phase != NULL && !storm_window_set_phase (window, phase))
    {
      g_application_command_line_printerr (cmdline, _("stormops: there is no storm phase “%s”\n"), phase);
      gtk_window_destroy (GTK_WINDOW (window));
      return 2;
    }
  if (storm != NULL)
    storm_window_select_storm (window, storm);
  if (search != NULL)
    {
      storm_window_set_search (window, search);
      if (phase == NULL && page == NULL)
        storm_window_set_phase (window, "jobs");
    }
  if (width > 0 || height > 0)
    {
      int default_width, default_height;

      gtk_window_get_default_size (GTK_WINDOW (window), &default_width, &default_height);
      gtk_window_unmaximize (GTK_WINDOW (window));
      gtk_window_set_default_size (GTK_WINDOW (window),
                                   width > 0 ? width : default_width,
                                   height > 0 ? height : default_height);
    }

  /* A measurement run must not start writing the demo storm. */
  storm_window_set_load_demo_when_empty (window, !self->quit_after_first_frame);

  if (g_getenv ("STORMOPS_FIRST_FRAME") != NULL || self->quit_after_first_frame)
    g_signal_connect (window, "realize", G_CALLBACK (window_realize_cb), self);

  if (screenshot != NULL)
    {
      /* Still pictures: no half-finished transitions. */
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
      capture_stop (self);
      g_free (self->capture_path);
      self->capture_path = g_steal_pointer (&screenshot);
      self->capture_window = g_object_ref (window);
      self->capture_busy_id = g_signal_connect_swapped (window, "notify::busy",
                                                        G_CALLBACK (capture_state_cb), self);
      g_signal_connect_object (window, "map", G_CALLBACK (capture_state_cb), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }

  gtk_window_present (GTK_WINDOW (window));
  return 0;
}

static void
storm_application_activate (GApplication *application)
{
  StormWindow *window = get_storm_window (STORM_APPLICATION (application));

  if (window != NULL)
    gtk_window_present (GTK_WINDOW (window));
}

static void
storm_application_startup (GApplication *application)
{
  StormApplication *self = STORM_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const char *import_accels[] = { "<Control>o", NULL };
  static const char *no_accels[] = { NULL };

  G_APPLICATION_CLASS (storm_application_parent_class)->startup (application);

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    self->api = storm_api_control_new (settings);
  }

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts", shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.import('properties')", import_accels);
  /* GTK gives the help overlay the same accelerator; app.shortcuts owns it. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", no_accels);
}

static void
storm_application_dispose (GObject *object)
{
  StormApplication *self = (StormApplication *) object;

  capture_stop (self);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (storm_application_parent_class)->dispose (object);
}

static void
storm_application_finalize (GObject *object)
{
  StormApplication *self = (StormApplication *) object;

  g_free (self->capture_path);

  G_OBJECT_CLASS (storm_application_parent_class)->finalize (object);
}

static void
storm_application_class_init (StormApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = storm_application_dispose;
  object_class->finalize = storm_application_finalize;

  app_class->startup = storm_application_startup;
  app_class->activate = storm_application_activate;
  app_class->command_line = storm_application_command_line;
  app_class->handle_local_options = storm_application_handle_local_options;
}

static void
storm_application_init (StormApplication *self)
{
  self->started_us = g_get_monotonic_time ();

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Without options, opens the StormOps window. "
                                              "Commands such as demo, import-properties, policy, report "
                                              "and routes run without a window: “stormops help” lists "
                                              "them all, “stormops COMMAND --help” explains one."));
}

StormApplication *
storm_application_new (void)
{
  return g_object_new (STORM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

/* Start of the process as seen by main(), for the first-frame report. */
void
storm_application_set_start_time (StormApplication *self,
                                  gint64            monotonic_us)
{
  g_return_if_fail (STORM_IS_APPLICATION (self));

  self->started_us = monotonic_us;
}

/* Non-zero when a --screenshot could not be written. */
int
storm_application_get_exit_status (StormApplication *self)
{
  g_return_val_if_fail (STORM_IS_APPLICATION (self), 1);

  return self->exit_status;
}

/* What runs the HTTP API; NULL before the application started up. */
StormApiControl *
storm_application_get_api_control (StormApplication *self)
{
  g_return_val_if_fail (STORM_IS_APPLICATION (self), NULL);

  return self->api;
}
