#define G_LOG_DOMAIN "storm-api-server"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "storm-api-idempotency.h"
#include "storm-api-server-private.h"
#include "storm-api-token.h"
#include "storm-error.h"

#define API_PREFIX "/api/v1"
/* Longest Idempotency-Key accepted (the table checks it too). */
#define MAX_IDEMPOTENCY_KEY 255
/* How long a retry with the same Idempotency-Key returns the first answer. */
#define IDEMPOTENCY_DAYS 30
/* Event-log writes of many requests are told to listeners at most this often. */
#define EVENTS_NOTIFY_MS 1000

struct _StormApiServer
{
  GObject     parent_instance;

  StormStore *store;
  char       *token;
  SoupServer *soup;
  guint       port;
  gint64      started_us;
  guint64     n_requests;
  guint64     n_unauthorized;
  guint       events_notify_id;
};

G_DEFINE_FINAL_TYPE (StormApiServer, storm_api_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_RUNNING,
  PROP_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const char      *method;
  const char      *pattern;     /* after /api/v1/; "*" matches one segment */
  int              body;        /* a StormApiBody, or -1 for none */
  gboolean         writes;
  StormApiHandler  handler;     /* on the main loop, or */
  StormApiWorkerFunc worker;    /* on a worker thread */
} Route;

static const Route routes[] = {
  { "POST", "outcomes", STORM_API_BODY_OUTCOME, TRUE, _storm_api_post_outcome },
  { "POST", "touches", STORM_API_BODY_TOUCH, TRUE, _storm_api_post_touch },
  { "POST", "leads/*/touches", STORM_API_BODY_LEAD_TOUCH, TRUE, _storm_api_post_lead_touch },
  { "POST", "runs", STORM_API_BODY_RUN, TRUE, _storm_api_post_run },
  { "POST", "agent-jobs", STORM_API_BODY_AGENT_JOB, TRUE, _storm_api_post_agent_job },
  { "PATCH", "agent-jobs/*", STORM_API_BODY_AGENT_JOB_PATCH, TRUE, _storm_api_patch_agent_job },
  { "GET", "storms", -1, FALSE, _storm_api_get_storms },
  { "GET", "storms/*/report", -1, FALSE, NULL, _storm_api_compute_report },
  { "GET", "health", -1, FALSE, _storm_api_get_health },
};

/* The reply of a request, before it is written to the message. */
typedef struct
{
  guint     status;
  char     *text;         /* JSON */
  gboolean  replayed;
  char     *allow;        /* for 405 */
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->text, g_free);
  g_clear_pointer (&reply->allow, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static char *
error_json (const char *code,
            const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
reply_error (Reply      *reply,
             guint       status,
             const char *code,
             const char *message)
{
  g_free (reply->text);
  reply->status = status;
  reply->text = error_json (code, message);
}

/* The status and error code of @error. */
static void
reply_gerror (Reply        *reply,
              const GError *error)
{
  if (error->domain == STORM_API_ERROR)
    {
      static const char * const codes[] = {
        [STORM_API_ERROR_MALFORMED] = "malformed_json",
        [STORM_API_ERROR_UNKNOWN_FIELD] = "unknown_field",
        [STORM_API_ERROR_MISSING_FIELD] = "missing_field",
        [STORM_API_ERROR_INVALID_FIELD] = "invalid_field",
        [STORM_API_ERROR_TOO_LARGE] = "too_large",
      };
      guint code = MIN ((guint) error->code, G_N_ELEMENTS (codes) - 1);

      reply_error (reply, error->code == STORM_API_ERROR_TOO_LARGE ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE
                                                                   : SOUP_STATUS_BAD_REQUEST,
                   codes[code], error->message);
    }
  else if (g_error_matches (error, STORM_ERROR, STORM_ERROR_NOT_FOUND))
    reply_error (reply, SOUP_STATUS_NOT_FOUND, "not_found", error->message);
  else if (g_error_matches (error, STORM_ERROR, STORM_ERROR_INVALID) ||
           g_error_matches (error, STORM_ERROR, STORM_ERROR_PARSE))
    reply_error (reply, SOUP_STATUS_BAD_REQUEST, "invalid", error->message);
  else if (g_error_matches (error, STORM_ERROR, STORM_ERROR_REFUSED))
    reply_error (reply, SOUP_STATUS_CONFLICT, "refused", error->message);
  else
    {
      g_warning ("API request failed: %s", error->message);
      reply_error (reply, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", error->message);
    }
}

static gboolean
notify_events_cb (gpointer user_data)
{
  StormApiServer *self = user_data;

  self->events_notify_id = 0;
  storm_store_notify_changed (self->store, "events");
  storm_store_notify_changed (self->store, "runs");
  return G_SOURCE_REMOVE;
}

/* Every request goes to the event log (and from there, by trigger, to
 * runs and the "HTTP API" integration that Ops health shows). */
static void
log_request (StormApiServer *self,
             const char     *action,
             const char     *method,
             const char     *path,
             guint           status,
             gint64          started_us,
             const char     *remote)
{
  g_autofree char *subject = g_strdup_printf ("%s %s", method, path);
  g_autofree char *detail = g_strdup_printf ("HTTP %u from %s", status, remote ? remote : "?");
  g_autoptr(GError) error = NULL;
  gint64 ms = (g_get_monotonic_time () - started_us) / 1000;

  if (!storm_db_log_event (storm_store_get_db (self->store), "api", action, subject,
                           status < 400 ? "ok" : "failed", ms, detail, &error))
    g_warning ("Cannot log the API request %s: %s", subject, error->message);
  if (self->events_notify_id == 0)
    self->events_notify_id = g_timeout_add (EVENTS_NOTIFY_MS, notify_events_cb, self);
}

static gboolean
authorized (StormApiServer    *self,
            SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return FALSE;
  value += 7;
  while (*value == ' ')
    value++;
  return storm_api_token_equal (self->token, value);
}

/* "application/json", optionally with parameters (charset=utf-8). */
static gboolean
is_json (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GHashTable) params = NULL;
  const char *type = soup_message_headers_get_content_type (headers, &params);
  const char *charset;

  if (type == NULL || g_ascii_strcasecmp (type, "application/json") != 0)
    return FALSE;
  charset = params != NULL ? g_hash_table_lookup (params, "charset") : NULL;
  return charset == NULL || g_ascii_strcasecmp (charset, "utf-8") == 0;
}

static gboolean
valid_key (const char *key)
{
  gsize len = strlen (key);

  if (len == 0 || len > MAX_IDEMPOTENCY_KEY)
    return FALSE;
  for (const char *p = key; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

/* The route of @method matching @segments, its "*" segment unescaped
 * in @arg; @allow collects the methods of the routes that match the
 * path with another method (for a 405). */
static const Route *
find_route (const char  *method,
            char       **segments,
            char       **arg,
            GString     *allow)
{
  guint n = g_strv_length (segments);
  const Route *found = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_auto(GStrv) parts = g_strsplit (routes[i].pattern, "/", -1);
      const char *wild = NULL;
      gboolean match = g_strv_length (parts) == n;

      for (guint j = 0; match && j < n; j++)
        {
          if (g_str_equal (parts[j], "*"))
            {
              match = segments[j][0] != '\0';
              wild = segments[j];
            }
          else
            match = g_str_equal (parts[j], segments[j]);
        }
      if (!match)
        continue;
      if (g_str_equal (routes[i].method, method))
        {
          found = &routes[i];
          g_clear_pointer (arg, g_free);
          *arg = wild != NULL ? g_uri_unescape_string (wild, NULL) : NULL;
        }
      else
        g_string_append_printf (allow, "%s%s", allow->len > 0 ? ", " : "", routes[i].method);
    }
  return found;
}

static void
notify_changed (StormApiServer *self,
                GPtrArray      *changed)
{
  for (guint i = 0; i < changed->len; i++)
    storm_store_notify_changed (self->store, g_ptr_array_index (changed, i));
}

/* Runs @route's handler; a write runs in one transaction, committed with
 * a full sync (an acknowledged outcome survives a crash or power cut),
 * together with the Idempotency-Key row that replays its response. */
static void
run_route (StormApiServer    *self,
           const Route       *route,
           StormApiRequest   *request,
           const char        *key,
           const char        *request_hash,
           Reply             *reply)
{
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GError) error = NULL;
  StormDb *db = request->db;
  guint status;

  if (route->writes)
    {
      if (!storm_db_exec (db, "PRAGMA synchronous = FULL", &error) ||
          !storm_db_begin (db, &error))
        {
          storm_db_exec (db, "PRAGMA synchronous = NORMAL", NULL);
          reply_gerror (reply, error);
          return;
        }
    }

  status = route->handler (request, &response, &error);
  if (status != 0)
    {
      reply->status = status;
      reply->text = json_to_string (response, FALSE);
    }

  if (route->writes)
    {
      if (status != 0 && key != NULL &&
          !storm_api_idempotency_store (db, key, request_hash, status, reply->text, &error))
        status = 0;
      if (status != 0 && !storm_db_commit (db, &error))
        status = 0;
      if (status == 0)
        storm_db_rollback (db);
      storm_db_exec (db, "PRAGMA synchronous = NORMAL", NULL);
      if (status != 0)
        notify_changed (self, request->changed);
    }

  if (status == 0)
    reply_gerror (reply, error);
}

static void
write_reply (SoupServerMessage *msg,
             const Reply       *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, reply->status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  if (reply->replayed)
    soup_message_headers_replace (headers, "Idempotent-Replayed", "true");
  if (reply->allow != NULL)
    soup_message_headers_replace (headers, "Allow", reply->allow);
  if (reply->status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer realm=\"stormops\"");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    reply->text, strlen (reply->text));
}

typedef struct
{
  StormApiServer     *self;
  SoupServer         *soup;
  SoupServerMessage  *msg;
  StormApiWorkerFunc  func;
  char               *arg;
  char               *method;
  char               *path;
  char               *remote;
  gint64              started_us;
  JsonNode           *response;
  gulong              disconnected_id;
  gboolean            gone;        /* the client hung up meanwhile */
} Deferred;

static void
deferred_disconnected_cb (SoupServerMessage *msg,
                          gpointer           user_data)
{
  Deferred *deferred = user_data;

  deferred->gone = TRUE;
}

static void
deferred_free (Deferred *deferred)
{
  g_clear_signal_handler (&deferred->disconnected_id, deferred->msg);
  g_clear_object (&deferred->self);
  g_clear_object (&deferred->soup);
  g_clear_object (&deferred->msg);
  g_clear_pointer (&deferred->response, json_node_unref);
  g_free (deferred->arg);
  g_free (deferred->method);
  g_free (deferred->path);
  g_free (deferred->remote);
  g_free (deferred);
}

static gboolean
deferred_job (StormDb        *db,
              gpointer        data,
              GCancellable   *cancellable,
              StormProgress  *progress,
              GError        **error)
{
  Deferred *deferred = data;

  deferred->response = deferred->func (db, deferred->arg, error);
  return deferred->response != NULL;
}

static void
deferred_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Deferred *deferred = user_data;
  StormApiServer *self = deferred->self;
  g_autoptr(GError) error = NULL;
  g_auto(Reply) reply = { 0 };

  if (storm_store_run_finish (STORM_STORE (source), result, &error))
    {
      reply.status = SOUP_STATUS_OK;
      reply.text = json_to_string (deferred->response, FALSE);
    }
  else
    reply_gerror (&reply, error);
  /* The server may have been stopped, or the client may have hung up,
   * while the worker ran: then there is no one to answer. */
  if (self->soup == deferred->soup && !deferred->gone)
    {
      write_reply (deferred->msg, &reply);
      soup_server_message_unpause (deferred->msg);
    }
  log_request (self, "api-request", deferred->method, deferred->path, reply.status,
               deferred->started_us, deferred->remote);
  deferred_free (deferred);
}

static void
defer_to_worker (StormApiServer    *self,
                 SoupServerMessage *msg,
                 const Route       *route,
                 const char        *arg,
                 const char        *method,
                 const char        *path)
{
  Deferred *deferred = g_new0 (Deferred, 1);

  deferred->self = g_object_ref (self);
  deferred->soup = g_object_ref (self->soup);
  deferred->msg = g_object_ref (msg);
  deferred->func = route->worker;
  deferred->arg = g_strdup (arg);
  deferred->method = g_strdup (method);
  deferred->path = g_strdup (path);
  deferred->remote = g_strdup (soup_server_message_get_remote_host (msg));
  deferred->started_us = g_get_monotonic_time ();
  deferred->disconnected_id = g_signal_connect (msg, "disconnected",
                                                G_CALLBACK (deferred_disconnected_cb), deferred);
  soup_server_message_pause (msg);
  storm_store_run_async (self->store, NULL, deferred_job, deferred, NULL, NULL, NULL,
                         deferred_done_cb, deferred);
}

/* Answers @msg into @reply; FALSE when the answer comes later, from a
 * worker. */
static gboolean
handle (StormApiServer    *self,
        SoupServerMessage *msg,
        const char        *method,
        const char        *path,
        Reply             *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  StormApiRequest request = { self, storm_store_get_db (self->store) };
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GString) allow = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *arg = NULL;
  g_autofree char *request_hash = NULL;
  g_auto(GStrv) segments = NULL;
  const char *key = NULL;
  const Route *route;

  request.changed = changed;

  if (!g_str_has_prefix (path, API_PREFIX "/"))
    {
      reply_error (reply, SOUP_STATUS_NOT_FOUND, "not_found", _("There is no such endpoint; the API is under /api/v1."));
      return TRUE;
    }
  segments = g_strsplit (path + strlen (API_PREFIX "/"), "/", -1);
  route = find_route (method, segments, &arg, allow);
  if (route == NULL && allow->len > 0)
    {
      g_autofree char *message = g_strdup_printf (_("%s is not allowed here; use %s."), method, allow->str);

      reply_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", message);
      reply->allow = g_strdup (allow->str);
      return TRUE;
    }
  if (route == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no endpoint %s."), path);

      reply_error (reply, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return TRUE;
    }
  request.arg = arg;

  if (route->body >= 0)
    {
      if (!is_json (msg))
        {
          reply_error (reply, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                       _("Send the body as JSON with “Content-Type: application/json”."));
          return TRUE;
        }
      bytes = soup_message_body_flatten (request_body);
      body = storm_api_parse_body (route->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
      if (body == NULL)
        {
          reply_gerror (reply, error);
          return TRUE;
        }
      request.body = body;

      key = soup_message_headers_get_one (headers, "Idempotency-Key");
      if (key != NULL)
        {
          g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
          gboolean found = FALSE;
          guint status = 0;
          char *text = NULL;

          if (!valid_key (key))
            {
              reply_error (reply, SOUP_STATUS_BAD_REQUEST, "invalid_idempotency_key",
                           _("The Idempotency-Key must be 1 to 255 visible ASCII characters."));
              return TRUE;
            }
          g_checksum_update (checksum, (const guchar *) method, -1);
          g_checksum_update (checksum, (const guchar *) "\n", 1);
          g_checksum_update (checksum, (const guchar *) path, -1);
          g_checksum_update (checksum, (const guchar *) "\n", 1);
          g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          request_hash = g_strdup (g_checksum_get_string (checksum));
          if (!storm_api_idempotency_lookup (request.db, key, request_hash, &found, &status, &text, &error))
            {
              if (g_error_matches (error, STORM_ERROR, STORM_ERROR_REFUSED))
                reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, "idempotency_key_reused", error->message);
              else
                reply_gerror (reply, error);
              return TRUE;
            }
          if (found)
            {
              reply->status = status;
              reply->text = text;
              reply->replayed = TRUE;
              return TRUE;
            }
        }
    }

  if (route->worker != NULL)
    {
      defer_to_worker (self, msg, route, arg, method, path);
      return FALSE;
    }
  run_route (self, route, &request, key, request_hash, reply);
  return TRUE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  StormApiServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *remote = soup_server_message_get_remote_host (msg);
  gint64 started_us = g_get_monotonic_time ();
  g_auto(Reply) reply = { 0 };

  /* Already answered 401 by the early handler. */
  if (!authorized (self, msg))
    return;
  self->n_requests++;

  if (!handle (self, msg, method, path, &reply))
    return;
  write_reply (msg, &reply);
  log_request (self, "api-request", method, path, reply.status, started_us, remote);
}

/* Runs on the headers, before any body is read: refuses a request
 * without the token (an unauthenticated client makes the server buffer
 * nothing), a body over the cap, and a body of unknown length (chunked)
 * for the same reason. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  StormApiServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  gint64 started_us = g_get_monotonic_time ();
  const char *action = "api-request";
  g_auto(Reply) reply = { 0 };

  if (!authorized (self, msg))
    {
      self->n_unauthorized++;
      action = "api-unauthorized";
      reply_error (&reply, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                   _("Send the API token as “Authorization: Bearer TOKEN”; it is shown in Preferences."));
    }
  else if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    reply_error (&reply, SOUP_STATUS_LENGTH_REQUIRED, "length_required",
                 _("Send the body with a Content-Length header."));
  else if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
           soup_message_headers_get_content_length (headers) > STORM_API_MAX_BODY)
    {
      g_autofree char *message = g_strdup_printf (_("The request body is larger than %d bytes."), STORM_API_MAX_BODY);

      reply_error (&reply, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", message);
    }
  else
    return;
  /* Answered here, the request never reaches server_cb and its body is
   * never read, so the connection cannot be used again. */
  self->n_requests++;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  write_reply (msg, &reply);
  log_request (self, action, soup_server_message_get_method (msg), path, reply.status, started_us,
               soup_server_message_get_remote_host (msg));
}

static void
storm_api_server_dispose (GObject *object)
{
  StormApiServer *self = (StormApiServer *) object;

  storm_api_server_stop (self);
  g_clear_handle_id (&self->events_notify_id, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (storm_api_server_parent_class)->dispose (object);
}

static void
storm_api_server_finalize (GObject *object)
{
  StormApiServer *self = (StormApiServer *) object;

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);

  G_OBJECT_CLASS (storm_api_server_parent_class)->finalize (object);
}

static void
storm_api_server_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StormApiServer *self = STORM_API_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, storm_api_server_is_running (self));
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_api_server_class_init (StormApiServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = storm_api_server_dispose;
  object_class->finalize = storm_api_server_finalize;
  object_class->get_property = storm_api_server_get_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STORM_TYPE_STORE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
storm_api_server_init (StormApiServer *self)
{
}

StormApiServer *
storm_api_server_new (StormStore *store,
                      const char *token)
{
  StormApiServer *self;

  g_return_val_if_fail (STORM_IS_STORE (store), NULL);
  g_return_val_if_fail (token != NULL, NULL);

  self = g_object_new (STORM_TYPE_API_SERVER, NULL);
  self->store = g_object_ref (store);
  self->token = g_strdup (token);
  return self;
}

gboolean
storm_api_address_is_loopback (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (address == NULL)
    return TRUE;
  inet = g_inet_address_new_from_string (address);
  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

gboolean
storm_api_server_start (StormApiServer  *self,
                        const char      *address,
                        guint            port,
                        GError         **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(SoupServer) soup = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *listeners;

  g_return_val_if_fail (STORM_IS_API_SERVER (self), FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);

  if (self->soup != NULL)
    return TRUE;
  if (address == NULL)
    address = STORM_API_DEFAULT_ADDRESS;
  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("“%s” is not an IP address. Use 127.0.0.1 to serve this computer only."), address);
      return FALSE;
    }
  if (!g_inet_address_get_is_loopback (inet))
    g_warning ("The HTTP API listens on %s: other computers on the network can reach it", address);

  soup = soup_server_new ("server-header", "StormOps/" PACKAGE_VERSION " ", NULL);
  soup_server_add_early_handler (soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (soup, NULL, server_cb, self, NULL);
  socket_address = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (soup, socket_address, 0, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                   _("Cannot start the HTTP API on %s port %u: %s"), address, port, local_error->message);
      return FALSE;
    }
  /* The port bound (port 0 picks one), from the listening socket:
   * soup_server_get_uris() leaks its address in libsoup 3.2. */
  listeners = soup_server_get_listeners (soup);
  self->port = port;
  if (listeners != NULL)
    {
      g_autoptr(GSocketAddress) bound = g_socket_get_local_address (listeners->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (bound))
        self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
    }
  g_slist_free (listeners);

  if (storm_api_idempotency_prune (storm_store_get_db (self->store), IDEMPOTENCY_DAYS, &local_error) < 0)
    g_warning ("Cannot forget old idempotency keys: %s", local_error->message);

  self->soup = g_steal_pointer (&soup);
  self->started_us = g_get_monotonic_time ();
  storm_db_log_event (storm_store_get_db (self->store), "api", "api-start", address, "ok", -1, NULL, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

void
storm_api_server_stop (StormApiServer *self)
{
  g_return_if_fail (STORM_IS_API_SERVER (self));

  if (self->soup == NULL)
    return;
  soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  self->port = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
storm_api_server_is_running (StormApiServer *self)
{
  g_return_val_if_fail (STORM_IS_API_SERVER (self), FALSE);

  return self->soup != NULL;
}

guint
storm_api_server_get_port (StormApiServer *self)
{
  g_return_val_if_fail (STORM_IS_API_SERVER (self), 0);

  return self->port;
}

void
storm_api_server_set_token (StormApiServer *self,
                            const char     *token)
{
  g_return_if_fail (STORM_IS_API_SERVER (self));
  g_return_if_fail (token != NULL);

  if (g_strcmp0 (self->token, token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
}

guint64
storm_api_server_get_n_requests (StormApiServer *self)
{
  g_return_val_if_fail (STORM_IS_API_SERVER (self), 0);

  return self->n_requests;
}

guint64
storm_api_server_get_n_unauthorized (StormApiServer *self)
{
  g_return_val_if_fail (STORM_IS_API_SERVER (self), 0);

  return self->n_unauthorized;
}

gint64
_storm_api_server_get_uptime_s (StormApiServer *self)
{
  return self->soup != NULL ? (g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC : 0;
}
