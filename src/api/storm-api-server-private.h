#pragma once

#include <json-glib/json-glib.h>

#include "storm-api-body.h"
#include "storm-api-server.h"

G_BEGIN_DECLS

/* One request as the endpoints see it, after authentication, routing
 * and body validation. */
typedef struct
{
  StormApiServer *server;
  StormDb        *db;
  const char     *arg;         /* the path segment matched by "*", unescaped */
  JsonObject     *body;        /* validated; NULL without a body */
  GPtrArray      *changed;     /* tables written, notified after commit */
} StormApiRequest;

/* Returns the HTTP status (2xx) and sets @response, or 0 with @error
 * (STORM_ERROR_NOT_FOUND → 404, _INVALID → 400, _REFUSED → 409). */
typedef guint (*StormApiHandler) (StormApiRequest  *request,
                                  JsonNode        **response,
                                  GError          **error);

/* A read run on a worker thread with its own connection, so a big
 * storm's numbers never stall the window; returns the response body. */
typedef JsonNode *(*StormApiWorkerFunc) (StormDb     *db,
                                         const char  *arg,
                                         GError     **error);

guint _storm_api_post_outcome     (StormApiRequest *request, JsonNode **response, GError **error);
guint _storm_api_post_touch       (StormApiRequest *request, JsonNode **response, GError **error);
guint _storm_api_get_storms       (StormApiRequest *request, JsonNode **response, GError **error);
guint _storm_api_get_health       (StormApiRequest *request, JsonNode **response, GError **error);
guint _storm_api_post_run         (StormApiRequest *request, JsonNode **response, GError **error);
guint _storm_api_post_agent_job   (StormApiRequest *request, JsonNode **response, GError **error);
guint _storm_api_patch_agent_job  (StormApiRequest *request, JsonNode **response, GError **error);
guint _storm_api_post_lead_touch  (StormApiRequest *request, JsonNode **response, GError **error);

JsonNode *_storm_api_compute_report (StormDb *db, const char *storm_code, GError **error);

gint64 _storm_api_server_get_uptime_s (StormApiServer *self);

G_END_DECLS
