#define G_LOG_DOMAIN "storm-api-control"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-api-control.h"
#include "storm-api-server.h"
#include "storm-api-token.h"

struct _StormApiControl
{
  GObject         parent_instance;

  GSettings      *settings;
  StormStore     *store;
  StormApiServer *server;
  char           *token_path;
  char           *status;
};

G_DEFINE_FINAL_TYPE (StormApiControl, storm_api_control, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_status (StormApiControl *self,
            char            *status)
{
  g_free (self->status);
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
stop (StormApiControl *self)
{
  if (self->server != NULL)
    storm_api_server_stop (self->server);
  g_clear_object (&self->server);
}

/* Stops what runs and starts again from the settings. */
static void
update (StormApiControl *self)
{
  g_autofree char *address = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  int port;

  stop (self);
  if (!g_settings_get_boolean (self->settings, "api-enabled"))
    {
      set_status (self, g_strdup (_("Off. Nothing listens for requests.")));
      return;
    }
  if (self->store == NULL)
    {
      set_status (self, g_strdup (_("Waiting for a database to be open.")));
      return;
    }

  address = g_settings_get_string (self->settings, "api-address");
  if (address[0] == '\0')
    {
      g_free (address);
      address = g_strdup (STORM_API_DEFAULT_ADDRESS);
    }
  port = g_settings_get_int (self->settings, "api-port");
  token = storm_api_token_load (self->token_path, TRUE, &error);
  if (token == NULL)
    {
      set_status (self, g_strdup_printf (_("Not running: %s"), error->message));
      return;
    }

  self->server = storm_api_server_new (self->store, token);
  if (!storm_api_server_start (self->server, address, (guint) CLAMP (port, 0, 65535), &error))
    {
      g_clear_object (&self->server);
      set_status (self, g_strdup_printf (_("Not running: %s"), error->message));
      return;
    }

  if (storm_api_address_is_loopback (address))
    set_status (self, g_strdup_printf (_("Listening on http://%s:%u/api/v1, for programs on this computer only."),
                                       address, storm_api_server_get_port (self->server)));
  else
    set_status (self, g_strdup_printf (_("Listening on http://%s:%u/api/v1. Warning: other computers on the "
                                         "network can reach it; only the token keeps them out."),
                                       address, storm_api_server_get_port (self->server)));
}

static void
settings_changed_cb (StormApiControl *self,
                     const char      *key)
{
  if (g_str_has_prefix (key, "api-"))
    update (self);
}

static void
storm_api_control_dispose (GObject *object)
{
  StormApiControl *self = (StormApiControl *) object;

  stop (self);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (storm_api_control_parent_class)->dispose (object);
}

static void
storm_api_control_finalize (GObject *object)
{
  StormApiControl *self = (StormApiControl *) object;

  g_free (self->token_path);
  g_free (self->status);

  G_OBJECT_CLASS (storm_api_control_parent_class)->finalize (object);
}

static void
storm_api_control_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StormApiControl *self = STORM_API_CONTROL (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, storm_api_control_get_running (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_api_control_class_init (StormApiControlClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = storm_api_control_dispose;
  object_class->finalize = storm_api_control_finalize;
  object_class->get_property = storm_api_control_get_property;

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
storm_api_control_init (StormApiControl *self)
{
  self->token_path = storm_api_token_default_path ();
}

StormApiControl *
storm_api_control_new (GSettings *settings)
{
  StormApiControl *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (STORM_TYPE_API_CONTROL, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  update (self);
  return self;
}

void
storm_api_control_set_store (StormApiControl *self,
                             StormStore      *store)
{
  g_return_if_fail (STORM_IS_API_CONTROL (self));

  if (g_set_object (&self->store, store))
    update (self);
}

const char *
storm_api_control_get_status (StormApiControl *self)
{
  g_return_val_if_fail (STORM_IS_API_CONTROL (self), NULL);

  return self->status;
}

gboolean
storm_api_control_get_running (StormApiControl *self)
{
  g_return_val_if_fail (STORM_IS_API_CONTROL (self), FALSE);

  return self->server != NULL && storm_api_server_is_running (self->server);
}

guint
storm_api_control_get_port (StormApiControl *self)
{
  g_return_val_if_fail (STORM_IS_API_CONTROL (self), 0);

  return storm_api_control_get_running (self) ? storm_api_server_get_port (self->server) : 0;
}

char *
storm_api_control_dup_token (StormApiControl  *self,
                             GError          **error)
{
  g_return_val_if_fail (STORM_IS_API_CONTROL (self), NULL);

  return storm_api_token_load (self->token_path, TRUE, error);
}

char *
storm_api_control_regenerate_token (StormApiControl  *self,
                                    GError          **error)
{
  char *token;

  g_return_val_if_fail (STORM_IS_API_CONTROL (self), NULL);

  token = storm_api_token_regenerate (self->token_path, error);
  if (token != NULL && self->server != NULL)
    storm_api_server_set_token (self->server, token);
  return token;
}
