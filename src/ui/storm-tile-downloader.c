#define G_LOG_DOMAIN "storm-tile-downloader"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "storm-tile-downloader.h"

/* Online map tiles (OpenStreetMap by default) through libshumate's file
 * cache. libshumate 1.0.3's own ShumateTileDownloader, built against
 * libsoup 3, always sends "libshumate/1.0.3" as its User-Agent and offers
 * no way to change it; the OSM tile policy asks every application to
 * identify itself, so StormOps downloads tiles itself and names itself.
 *
 * The truck is often offline. The first failed connection marks the
 * source offline and, for a while, requests are answered at once from
 * the cache or with SHUMATE_TILE_DOWNLOADER_ERROR_OFFLINE instead of
 * trying the network for every tile of every pan; nothing is logged per
 * tile. The map shows a single notice bound to :offline. */

/* The OSM tile policy allows two connections per client. */
#define MAX_CONNECTIONS 2
#define RETRY_AFTER_US (30 * G_USEC_PER_SEC)
#define CACHE_EXPIRY (7 * G_TIME_SPAN_DAY)
#define CACHE_LIMIT_BYTES (100 * 1000 * 1000)

struct _StormTileDownloader
{
  ShumateDataSource parent_instance;

  char             *url_template;
  char             *cache_key;
  ShumateFileCache *cache;
  SoupSession      *session;
  GNetworkMonitor  *monitor;

  gboolean          network_allowed;
  gboolean          offline;
  gint64            retry_at;
};

G_DEFINE_FINAL_TYPE (StormTileDownloader, storm_tile_downloader, SHUMATE_TYPE_DATA_SOURCE)

enum {
  PROP_0,
  PROP_URL_TEMPLATE,
  PROP_CACHE_KEY,
  PROP_NETWORK_ALLOWED,
  PROP_OFFLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  int        x;
  int        y;
  int        z;
  GBytes    *cached;
  char      *etag;
  GDateTime *modtime;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_clear_pointer (&data->cached, g_bytes_unref);
  g_clear_pointer (&data->etag, g_free);
  g_clear_pointer (&data->modtime, g_date_time_unref);
  g_free (data);
}

static void
set_offline (StormTileDownloader *self,
             gboolean             offline)
{
  if (offline)
    self->retry_at = g_get_monotonic_time () + RETRY_AFTER_US;
  if (self->offline == offline)
    return;
  self->offline = offline;
  /* Tiles queued behind the failed one would each wait for the same
   * timeout; they are answered from the cache or as offline instead. */
  if (offline && self->session != NULL)
    soup_session_abort (self->session);
  g_debug (offline ? "Tile server unreachable; using cached tiles only for now"
                   : "Tile server reachable again");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

static gboolean
network_usable (StormTileDownloader *self)
{
  if (!self->network_allowed)
    return FALSE;
  if (!g_network_monitor_get_network_available (self->monitor))
    {
      set_offline (self, TRUE);
      return FALSE;
    }
  return !self->offline || g_get_monotonic_time () >= self->retry_at;
}

static char *
tile_uri (StormTileDownloader *self,
          int                  x,
          int                  y,
          int                  z)
{
  GString *uri = g_string_new (self->url_template);
  char number[16];

  g_snprintf (number, sizeof number, "%d", x);
  g_string_replace (uri, "{x}", number, 0);
  g_snprintf (number, sizeof number, "%d", y);
  g_string_replace (uri, "{y}", number, 0);
  g_snprintf (number, sizeof number, "%d", z);
  g_string_replace (uri, "{z}", number, 0);
  return g_string_free (uri, FALSE);
}

static void
return_cached_or_error (GTask  *task,
                        GError *error)
{
  FetchData *data = g_task_get_task_data (task);

  if (data->cached != NULL)
    {
      g_clear_error (&error);
      g_task_return_pointer (task, g_steal_pointer (&data->cached), (GDestroyNotify) g_bytes_unref);
    }
  else
    g_task_return_error (task, error);
}

static void
cache_stored_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GBytes *bytes = g_object_get_data (G_OBJECT (task), "bytes");

  /* A cache that cannot be written only costs a download next time. */
  shumate_file_cache_store_tile_finish (SHUMATE_FILE_CACHE (object), result, NULL);
  g_task_return_pointer (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StormTileDownloader *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SoupStatus status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      /* A message aborted by set_offline() fails as cancelled too. */
      set_offline (self, TRUE);
      return_cached_or_error (task, g_error_new (SHUMATE_TILE_DOWNLOADER_ERROR,
                                                 SHUMATE_TILE_DOWNLOADER_ERROR_OFFLINE,
                                                 "%s", error->message));
      return;
    }

  set_offline (self, FALSE);
  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_NOT_MODIFIED && data->cached != NULL)
    {
      shumate_file_cache_mark_up_to_date (self->cache, data->x, data->y, data->z);
      g_task_return_pointer (task, g_steal_pointer (&data->cached), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      return_cached_or_error (task, g_error_new (SHUMATE_TILE_DOWNLOADER_ERROR,
                                                 SHUMATE_TILE_DOWNLOADER_ERROR_BAD_RESPONSE,
                                                 "Tile %d/%d/%d: HTTP %u", data->z, data->x, data->y, status));
      return;
    }

  g_signal_emit_by_name (self, "received-data", data->x, data->y, data->z, bytes);
  g_object_set_data_full (G_OBJECT (task), "bytes", g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  shumate_file_cache_store_tile_async (self->cache, data->x, data->y, data->z, bytes,
                                       soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag"),
                                       g_task_get_cancellable (task), cache_stored_cb, g_steal_pointer (&task));
}

/* Takes over the caller's reference to @task. */
static void
fetch_from_network (GTask *task)
{
  StormTileDownloader *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  g_autofree char *uri = tile_uri (self, data->x, data->y, data->z);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    {
      g_task_return_new_error (task, SHUMATE_TILE_DOWNLOADER_ERROR, SHUMATE_TILE_DOWNLOADER_ERROR_MALFORMED_URL,
                               "Not a valid tile address: %s", uri);
      g_object_unref (task);
      return;
    }

  if (self->session == NULL)
    self->session = soup_session_new_with_options ("user-agent", storm_tile_downloader_get_user_agent (),
                                                   "max-conns-per-host", MAX_CONNECTIONS,
                                                   "max-conns", MAX_CONNECTIONS,
                                                   NULL);

  /* Revalidate a stale cached tile instead of downloading it again. */
  headers = soup_message_get_request_headers (msg);
  if (data->etag != NULL)
    soup_message_headers_append (headers, "If-None-Match", data->etag);
  else if (data->modtime != NULL)
    {
      g_autofree char *since = g_date_time_format (data->modtime, "%a, %d %b %Y %T GMT");

      soup_message_headers_append (headers, "If-Modified-Since", since);
    }

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), send_cb, task);
}

static void
cache_get_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  StormTileDownloader *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  gboolean fresh = FALSE;

  data->cached = shumate_file_cache_get_tile_finish (SHUMATE_FILE_CACHE (object),
                                                     &data->etag, &data->modtime, result, NULL);
  if (data->cached != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      g_signal_emit_by_name (self, "received-data", data->x, data->y, data->z, data->cached);
      fresh = data->modtime != NULL && g_date_time_difference (now, data->modtime) < CACHE_EXPIRY;
    }

  if (fresh || !network_usable (self))
    {
      return_cached_or_error (task, g_error_new (SHUMATE_TILE_DOWNLOADER_ERROR,
                                                 SHUMATE_TILE_DOWNLOADER_ERROR_OFFLINE,
                                                 "Tile %d/%d/%d is not cached and the tile server is not used now",
                                                 data->z, data->x, data->y));
      g_object_unref (task);
      return;
    }
  fetch_from_network (task);
}

static void
storm_tile_downloader_get_tile_data_async (ShumateDataSource   *source,
                                           int                  x,
                                           int                  y,
                                           int                  zoom_level,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  StormTileDownloader *self = STORM_TILE_DOWNLOADER (source);
  GTask *task;
  FetchData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, storm_tile_downloader_get_tile_data_async);
  data = g_new0 (FetchData, 1);
  data->x = x;
  data->y = y;
  data->z = zoom_level;
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);

  shumate_file_cache_get_tile_async (self->cache, x, y, zoom_level, cancellable, cache_get_cb, task);
}

static void
network_changed_cb (StormTileDownloader *self,
                    gboolean             available,
                    GNetworkMonitor     *monitor)
{
  /* A new connection deserves a try before the back-off ends. */
  if (available)
    self->retry_at = 0;
}

static void
storm_tile_downloader_constructed (GObject *object)
{
  StormTileDownloader *self = STORM_TILE_DOWNLOADER (object);

  G_OBJECT_CLASS (storm_tile_downloader_parent_class)->constructed (object);

  g_assert (self->url_template != NULL && self->cache_key != NULL);
  self->cache = shumate_file_cache_new_full (CACHE_LIMIT_BYTES, self->cache_key, NULL);
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
storm_tile_downloader_dispose (GObject *object)
{
  StormTileDownloader *self = STORM_TILE_DOWNLOADER (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->cache);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (storm_tile_downloader_parent_class)->dispose (object);
}

static void
storm_tile_downloader_finalize (GObject *object)
{
  StormTileDownloader *self = STORM_TILE_DOWNLOADER (object);

  g_free (self->url_template);
  g_free (self->cache_key);

  G_OBJECT_CLASS (storm_tile_downloader_parent_class)->finalize (object);
}

static void
storm_tile_downloader_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  StormTileDownloader *self = STORM_TILE_DOWNLOADER (object);

  switch (prop_id)
    {
    case PROP_URL_TEMPLATE:
      g_value_set_string (value, self->url_template);
      break;

    case PROP_CACHE_KEY:
      g_value_set_string (value, self->cache_key);
      break;

    case PROP_NETWORK_ALLOWED:
      g_value_set_boolean (value, self->network_allowed);
      break;

    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_tile_downloader_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  StormTileDownloader *self = STORM_TILE_DOWNLOADER (object);

  switch (prop_id)
    {
    case PROP_URL_TEMPLATE:
      self->url_template = g_value_dup_string (value);
      break;

    case PROP_CACHE_KEY:
      self->cache_key = g_value_dup_string (value);
      break;

    case PROP_NETWORK_ALLOWED:
      storm_tile_downloader_set_network_allowed (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_tile_downloader_class_init (StormTileDownloaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->constructed = storm_tile_downloader_constructed;
  object_class->dispose = storm_tile_downloader_dispose;
  object_class->finalize = storm_tile_downloader_finalize;
  object_class->get_property = storm_tile_downloader_get_property;
  object_class->set_property = storm_tile_downloader_set_property;

  source_class->get_tile_data_async = storm_tile_downloader_get_tile_data_async;

  /**
   * StormTileDownloader:url-template:
   *
   * Where tiles come from, with {z}, {x} and {y} replaced.
   */
  properties[PROP_URL_TEMPLATE] =
    g_param_spec_string ("url-template", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * StormTileDownloader:cache-key:
   *
   * Name of the tile cache folder under the user's cache directory.
   */
  properties[PROP_CACHE_KEY] =
    g_param_spec_string ("cache-key", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * StormTileDownloader:network-allowed:
   *
   * Whether tiles may be downloaded; when not, only cached tiles show.
   */
  properties[PROP_NETWORK_ALLOWED] =
    g_param_spec_boolean ("network-allowed", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StormTileDownloader:offline:
   *
   * Whether the last attempt to reach the tile server failed.
   */
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
storm_tile_downloader_init (StormTileDownloader *self)
{
}

/**
 * storm_tile_downloader_new:
 * @url_template: tile address with {z}, {x} and {y}
 * @cache_key: folder name for the cached tiles of this server
 *
 * Returns: (transfer full): a data source for #ShumateRasterRenderer
 */
StormTileDownloader *
storm_tile_downloader_new (const char *url_template,
                           const char *cache_key)
{
  g_return_val_if_fail (url_template != NULL, NULL);
  g_return_val_if_fail (cache_key != NULL, NULL);

  return g_object_new (STORM_TYPE_TILE_DOWNLOADER,
                       "url-template", url_template,
                       "cache-key", cache_key,
                       NULL);
}

/* What tile servers see in the User-Agent header. */
const char *
storm_tile_downloader_get_user_agent (void)
{
  return "StormOps/" PACKAGE_VERSION " (" APP_ID ")";
}

gboolean
storm_tile_downloader_get_network_allowed (StormTileDownloader *self)
{
  g_return_val_if_fail (STORM_IS_TILE_DOWNLOADER (self), FALSE);

  return self->network_allowed;
}

void
storm_tile_downloader_set_network_allowed (StormTileDownloader *self,
                                           gboolean             network_allowed)
{
  g_return_if_fail (STORM_IS_TILE_DOWNLOADER (self));

  network_allowed = !!network_allowed;
  if (self->network_allowed == network_allowed)
    return;
  self->network_allowed = network_allowed;
  self->retry_at = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK_ALLOWED]);
}

gboolean
storm_tile_downloader_get_offline (StormTileDownloader *self)
{
  g_return_val_if_fail (STORM_IS_TILE_DOWNLOADER (self), FALSE);

  return self->offline;
}
