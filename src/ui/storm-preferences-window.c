#define G_LOG_DOMAIN "storm-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-application.h"
#include "storm-preferences-window.h"

struct _StormPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *database_row;
  AdwActionRow         *in_use_row;
  GtkRevealer          *restart_revealer;
  AdwComboRow          *tiles_row;
  AdwActionRow         *mbtiles_row;
  GtkSwitch            *api_switch;
  AdwActionRow         *api_status_row;
  AdwEntryRow          *api_address_row;
  GtkSpinButton        *api_port_spin;
  AdwActionRow         *api_token_row;

  GSettings            *settings;
  StormApiControl      *api;
  char                 *database_in_use;
};

G_DEFINE_FINAL_TYPE (StormPreferencesWindow, storm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_DATABASE_IN_USE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Order of the rows of the tiles combo. */
static const char * const tile_sources[] = { "osm", "mbtiles" };

static void
update_database (StormPreferencesWindow *self)
{
  g_autofree char *chosen = storm_application_dup_database_path (self->settings);
  g_autofree char *setting = g_settings_get_string (self->settings, "database-path");
  g_autofree char *subtitle = NULL;

  if (setting[0] == '\0')
    subtitle = g_strdup_printf (_("Default: %s"), chosen);
  else
    subtitle = g_strdup (chosen);
  adw_action_row_set_subtitle (self->database_row, subtitle);
  adw_action_row_set_subtitle (self->in_use_row,
                               self->database_in_use != NULL ? self->database_in_use : _("None"));
  gtk_revealer_set_reveal_child (self->restart_revealer,
                                 self->database_in_use != NULL &&
                                 g_strcmp0 (chosen, self->database_in_use) != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.reset-database", setting[0] != '\0');
}

static void
update_mbtiles (StormPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "mbtiles-path");
  g_autofree char *source = g_settings_get_string (self->settings, "map-tiles-source");

  adw_action_row_set_subtitle (self->mbtiles_row, path[0] != '\0' ? path : _("No file chosen"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->mbtiles_row), g_str_equal (source, "mbtiles"));
}

static gboolean
tiles_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *source = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tile_sources); i++)
    if (g_str_equal (source, tile_sources[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
tiles_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  if (i >= G_N_ELEMENTS (tile_sources))
    return NULL;
  return g_variant_new_string (tile_sources[i]);
}

/* The HTTP API: where it listens, and the token programs send. */
static void
update_api_status (StormPreferencesWindow *self)
{
  adw_action_row_set_subtitle (self->api_status_row,
                               self->api != NULL ? storm_api_control_get_status (self->api)
                                                 : _("Not available in this window."));
}

static void
update_api_token (StormPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  if (self->api != NULL)
    token = storm_api_control_dup_token (self->api, &error);
  adw_action_row_set_subtitle (self->api_token_row,
                               token != NULL ? token : error != NULL ? error->message : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.copy-token", token != NULL);
}

static void
update_api_address (StormPreferencesWindow *self)
{
  g_autofree char *address = g_settings_get_string (self->settings, "api-address");

  gtk_editable_set_text (GTK_EDITABLE (self->api_address_row), address);
}

static void
api_address_apply_cb (StormPreferencesWindow *self)
{
  g_autofree char *address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->api_address_row))));
  g_autoptr(GInetAddress) parsed = g_inet_address_new_from_string (address);

  if (parsed == NULL)
    {
      /* Translators: an address such as 127.0.0.1 was expected */
      g_autofree char *message = g_strdup_printf (_("“%s” is not an IP address, such as 127.0.0.1."), address);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
      update_api_address (self);
      return;
    }
  g_settings_set_string (self->settings, "api-address", address);
}

static void
copy_token_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  StormPreferencesWindow *self = STORM_PREFERENCES_WINDOW (widget);
  const char *token = adw_action_row_get_subtitle (self->api_token_row);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), token);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Token copied")));
}

static void
regenerate_token_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  StormPreferencesWindow *self = STORM_PREFERENCES_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  if (self->api == NULL)
    return;
  token = storm_api_control_regenerate_token (self->api, &error);
  if (token == NULL)
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
  else
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                      adw_toast_new (_("New token made: programs with the old one are refused from now on")));
  update_api_token (self);
}

static void
settings_changed_cb (StormPreferencesWindow *self,
                     const char             *key)
{
  if (g_str_equal (key, "api-address"))
    update_api_address (self);
  if (g_str_equal (key, "database-path"))
    update_database (self);
  else if (g_str_equal (key, "mbtiles-path") || g_str_equal (key, "map-tiles-source"))
    update_mbtiles (self);
}

static void
file_chosen_cb (GtkNativeDialog        *native,
                int                     response,
                StormPreferencesWindow *self)
{
  const char *key = g_object_get_data (G_OBJECT (native), "settings-key");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  if (file != NULL && g_file_peek_path (file) != NULL)
    g_settings_set_string (self->settings, key, g_file_peek_path (file));
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
choose_file (StormPreferencesWindow *self,
             const char             *title,
             const char             *key,
             const char             *filter_name,
             const char * const     *suffixes)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, filter_name);
  for (guint i = 0; suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_object_set_data (G_OBJECT (native), "settings-key", (gpointer) key);
  g_signal_connect_object (native, "response", G_CALLBACK (file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
choose_database_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  static const char * const suffixes[] = { "db", "sqlite", "sqlite3", NULL };

  choose_file (STORM_PREFERENCES_WINDOW (widget), _("Choose a StormOps Database"),
               "database-path", _("SQLite databases"), suffixes);
}

static void
reset_database_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  StormPreferencesWindow *self = STORM_PREFERENCES_WINDOW (widget);

  g_settings_reset (self->settings, "database-path");
}

static void
choose_mbtiles_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  static const char * const suffixes[] = { "mbtiles", NULL };

  choose_file (STORM_PREFERENCES_WINDOW (widget), _("Choose an MBTiles File"),
               "mbtiles-path", _("MBTiles files"), suffixes);
}

static void
storm_preferences_window_constructed (GObject *object)
{
  StormPreferencesWindow *self = (StormPreferencesWindow *) object;

  G_OBJECT_CLASS (storm_preferences_window_parent_class)->constructed (object);

  update_database (self);
  update_mbtiles (self);
  update_api_address (self);
  update_api_status (self);
  update_api_token (self);
}

static void
storm_preferences_window_dispose (GObject *object)
{
  StormPreferencesWindow *self = (StormPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (storm_preferences_window_parent_class)->dispose (object);
}

static void
storm_preferences_window_finalize (GObject *object)
{
  StormPreferencesWindow *self = (StormPreferencesWindow *) object;

  g_free (self->database_in_use);

  G_OBJECT_CLASS (storm_preferences_window_parent_class)->finalize (object);
}

static void
storm_preferences_window_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  StormPreferencesWindow *self = STORM_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATABASE_IN_USE:
      g_value_set_string (value, self->database_in_use);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_preferences_window_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  StormPreferencesWindow *self = STORM_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATABASE_IN_USE:
      self->database_in_use = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_preferences_window_class_init (StormPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = storm_preferences_window_constructed;
  object_class->dispose = storm_preferences_window_dispose;
  object_class->finalize = storm_preferences_window_finalize;
  object_class->get_property = storm_preferences_window_get_property;
  object_class->set_property = storm_preferences_window_set_property;

  /**
   * StormPreferencesWindow:database-in-use:
   *
   * The database the app has open, or %NULL when it could not open one;
   * a different choice takes effect at the next start.
   */
  properties[PROP_DATABASE_IN_USE] =
    g_param_spec_string ("database-in-use", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, in_use_row);
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, restart_revealer);
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, tiles_row);
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, mbtiles_row);
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, api_switch);
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, api_status_row);
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, api_address_row);
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, api_port_spin);
  gtk_widget_class_bind_template_child (widget_class, StormPreferencesWindow, api_token_row);
  gtk_widget_class_bind_template_callback (widget_class, api_address_apply_cb);

  gtk_widget_class_install_action (widget_class, "prefs.choose-database", NULL, choose_database_action);
  gtk_widget_class_install_action (widget_class, "prefs.reset-database", NULL, reset_database_action);
  gtk_widget_class_install_action (widget_class, "prefs.choose-mbtiles", NULL, choose_mbtiles_action);
  gtk_widget_class_install_action (widget_class, "prefs.copy-token", NULL, copy_token_action);
  gtk_widget_class_install_action (widget_class, "prefs.regenerate-token", NULL, regenerate_token_action);
}

static void
storm_preferences_window_init (StormPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind_with_mapping (self->settings, "map-tiles-source",
                                self->tiles_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                tiles_get_mapping, tiles_set_mapping, NULL, NULL);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "api-enabled", self->api_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "api-port", gtk_spin_button_get_adjustment (self->api_port_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);

  /* The application runs the API; this window only shows and steers it. */
  if (STORM_IS_APPLICATION (g_application_get_default ()))
    {
      self->api = storm_application_get_api_control (STORM_APPLICATION (g_application_get_default ()));
      if (self->api != NULL)
        {
          g_object_ref (self->api);
          g_signal_connect_object (self->api, "notify::status", G_CALLBACK (update_api_status),
                                   self, G_CONNECT_SWAPPED);
        }
    }
}

StormPreferencesWindow *
storm_preferences_window_new (GtkWindow  *parent,
                              const char *database_in_use)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (STORM_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "database-in-use", database_in_use,
                       NULL);
}
