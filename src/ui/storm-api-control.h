#pragma once

#include <gio/gio.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_API_CONTROL (storm_api_control_get_type ())

G_DECLARE_FINAL_TYPE (StormApiControl, storm_api_control, STORM, API_CONTROL, GObject)

/* Runs the local HTTP API of the window's database while the api-enabled
 * setting is on, on the address and port of the settings, and restarts it
 * when they change. Its "status" says in a sentence what it is doing. */
StormApiControl *storm_api_control_new              (GSettings        *settings);
void             storm_api_control_set_store        (StormApiControl  *self,
                                                     StormStore       *store);
const char      *storm_api_control_get_status       (StormApiControl  *self);
gboolean         storm_api_control_get_running      (StormApiControl  *self);
/* The port listened on while running, else 0. */
guint            storm_api_control_get_port         (StormApiControl  *self);
/* The bearer token field apps send; made on first use. */
char            *storm_api_control_dup_token        (StormApiControl  *self,
                                                     GError          **error);
/* A new token: requests with the old one are refused from now on. */
char            *storm_api_control_regenerate_token (StormApiControl  *self,
                                                     GError          **error);

G_END_DECLS
