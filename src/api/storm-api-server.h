#pragma once

#include <gio/gio.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_API_SERVER (storm_api_server_get_type ())

G_DECLARE_FINAL_TYPE (StormApiServer, storm_api_server, STORM, API_SERVER, GObject)

#define STORM_API_DEFAULT_ADDRESS "127.0.0.1"
#define STORM_API_DEFAULT_PORT 8642

/* The local HTTP API (/api/v1) over @store, answering requests that
 * carry "Authorization: Bearer @token". It runs on the thread default
 * main context of the caller, which must be the thread that owns
 * @store's connection: writes go through the core functions there and
 * emit the store's "changed" signal like the window's own edits. */
StormApiServer *storm_api_server_new             (StormStore      *store,
                                                  const char      *token);
/* Listens on @address (an IP address; NULL means 127.0.0.1) and @port
 * (0 picks a free one). Any address other than a loopback one is
 * logged with a warning: the API is then reachable from the network. */
gboolean        storm_api_server_start           (StormApiServer  *self,
                                                  const char      *address,
                                                  guint            port,
                                                  GError         **error);
void            storm_api_server_stop            (StormApiServer  *self);
gboolean        storm_api_server_is_running      (StormApiServer  *self);
/* The port listened on, once started. */
guint           storm_api_server_get_port        (StormApiServer  *self);
/* Takes effect for the next request (after the token was regenerated). */
void            storm_api_server_set_token       (StormApiServer  *self,
                                                  const char      *token);
guint64         storm_api_server_get_n_requests  (StormApiServer  *self);
guint64         storm_api_server_get_n_unauthorized (StormApiServer *self);

gboolean        storm_api_address_is_loopback    (const char      *address);

G_END_DECLS
