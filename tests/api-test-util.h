#pragma once

/* The API load/abuse run shared by test-api (1,000 requests, correctness
 * only) and bench-api (10,000, with latency): several client threads,
 * each with its own SoupSession, post outcomes to a server running on
 * the calling thread's main loop. One request in ten repeats an earlier
 * one with its Idempotency-Key; one in twenty is malformed, has an
 * unknown field or a wrong token (a third each). Every request's status is kept to be
 * checked against the one it must get. */

#include <libsoup/soup.h>
#include <string.h>

typedef enum {
  LOAD_GOOD,        /* a new outcome with its own key: 201 */
  LOAD_DUPLICATE,   /* an earlier GOOD again, same key and body: 201, replayed */
  LOAD_MALFORMED,   /* broken JSON: 400 */
  LOAD_UNKNOWN,     /* an unknown field: 400 */
  LOAD_UNAUTHORIZED,/* wrong token: 401 */
} LoadKind;

typedef struct
{
  LoadKind kind;
  guint    good;        /* index of the GOOD request (its property and key) */
  guint    status;      /* got */
  gboolean replayed;
  gboolean body_ok;     /* a 201 answered "inserted" for the right property */
  gint64   latency_us;
} LoadRequest;

typedef struct
{
  const char         *base_url;    /* http://127.0.0.1:PORT/api/v1 */
  const char         *token;
  const char         *storm;
  const char * const *ext_ids;     /* one per GOOD request */
  guint               n_requests;
  guint               n_clients;
  LoadRequest        *requests;
  guint               n_good;
  guint               n_duplicates;
  guint               n_bad;
  guint               n_unauthorized;
  gint                running;
  GMainLoop          *loop;
  double              elapsed_s;
} LoadRun;

typedef struct
{
  LoadRun *run;
  guint    client;
} LoadClient;

static inline guint
load_expected_status (LoadKind kind)
{
  switch (kind)
    {
    case LOAD_GOOD:
    case LOAD_DUPLICATE:
      return 201;
    case LOAD_MALFORMED:
    case LOAD_UNKNOWN:
      return 400;
    case LOAD_UNAUTHORIZED:
      return 401;
    default:
      g_assert_not_reached ();
    }
}

static inline char *
load_body (LoadRun *run,
           guint    good,
           LoadKind kind)
{
  const char *ext_id = run->ext_ids[good];

  if (kind == LOAD_MALFORMED)
    return g_strdup_printf ("{\"storm\": \"%s\", \"property\": \"%s\", \"converted\": tru", run->storm, ext_id);
  if (kind == LOAD_UNKNOWN)
    return g_strdup_printf ("{\"storm\": \"%s\", \"property\": \"%s\", \"converted\": true, \"amount\": 5}",
                            run->storm, ext_id);
  return g_strdup_printf ("{\"storm\": \"%s\", \"property\": \"%s\", \"converted\": %s, \"value\": %u, "
                          "\"at\": \"2024-05-%02uT15:00:00Z\", \"source\": \"load-test\"}",
                          run->storm, ext_id, good % 3 == 0 ? "true" : "false",
                          good % 3 == 0 ? 8000 + good % 5000 : 0, 1 + good % 28);
}

/* The plan: a fixed pattern, so both runs are reproducible. */
static inline void
load_plan (LoadRun *run)
{
  guint good = 0;

  run->requests = g_new0 (LoadRequest, run->n_requests);
  for (guint i = 0; i < run->n_requests; i++)
    {
      LoadRequest *r = &run->requests[i];

      if (i % 60 == 7)
        r->kind = LOAD_MALFORMED;
      else if (i % 60 == 27)
        r->kind = LOAD_UNKNOWN;
      else if (i % 60 == 47)
        r->kind = LOAD_UNAUTHORIZED;
      else if (i % 10 == 9 && good > 0)
        r->kind = LOAD_DUPLICATE;
      else
        r->kind = LOAD_GOOD;

      if (r->kind == LOAD_GOOD)
        r->good = good++;
      else if (r->kind == LOAD_DUPLICATE)
        r->good = (i * 7919u) % good;   /* some earlier request, often another client's */
      else
        r->good = good;                 /* a property no GOOD request has used yet */

      if (r->kind == LOAD_GOOD)
        run->n_good++;
      else if (r->kind == LOAD_DUPLICATE)
        run->n_duplicates++;
      else
        run->n_bad++;
      if (r->kind == LOAD_UNAUTHORIZED)
        run->n_unauthorized++;
    }
}

static gboolean
load_quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
load_client_thread (gpointer data)
{
  LoadClient *client = data;
  LoadRun *run = client->run;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 1,
                                                                   "proxy-resolver", NULL, NULL);
  g_autofree char *url = g_strconcat (run->base_url, "/outcomes", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", run->token, NULL);

  for (guint i = client->client; i < run->n_requests; i += run->n_clients)
    {
      LoadRequest *r = &run->requests[i];
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autofree char *body = load_body (run, r->good, r->kind);
      g_autofree char *key = g_strdup_printf ("load-%u", r->good);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), strlen (body));
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;
      SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
      gint64 t0;

      soup_message_headers_replace (headers, "Authorization",
                                    r->kind == LOAD_UNAUTHORIZED ? "Bearer 0123456789abcdef" : auth);
      if (r->kind == LOAD_GOOD || r->kind == LOAD_DUPLICATE)
        soup_message_headers_replace (headers, "Idempotency-Key", key);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);

      t0 = g_get_monotonic_time ();
      reply = soup_session_send_and_read (session, msg, NULL, &error);
      r->latency_us = g_get_monotonic_time () - t0;
      if (reply == NULL)
        {
          g_printerr ("request %u failed: %s\n", i, error->message);
          continue;
        }
      r->status = soup_message_get_status (msg);
      r->replayed = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                  "Idempotent-Replayed") != NULL;
      if (r->status == 201)
        {
          g_autofree char *text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
          g_autofree char *property = g_strdup_printf ("\"property\":\"%s\"", run->ext_ids[r->good]);

          r->body_ok = strstr (text, "\"result\":\"inserted\"") != NULL && strstr (text, property) != NULL;
        }
    }

  if (g_atomic_int_dec_and_test (&run->running))
    g_idle_add (load_quit_cb, run->loop);
  return NULL;
}

/* Runs the plan against the server on this thread's main loop. */
static inline void
load_run (LoadRun *run)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autofree LoadClient *clients = g_new0 (LoadClient, run->n_clients);
  gint64 t0;

  run->loop = g_main_loop_new (NULL, FALSE);
  run->running = run->n_clients;
  t0 = g_get_monotonic_time ();
  for (guint c = 0; c < run->n_clients; c++)
    {
      clients[c].run = run;
      clients[c].client = c;
      g_ptr_array_add (threads, g_thread_new ("load-client", load_client_thread, &clients[c]));
    }
  g_main_loop_run (run->loop);
  run->elapsed_s = (g_get_monotonic_time () - t0) / 1e6;
  for (guint c = 0; c < threads->len; c++)
    g_thread_join (g_ptr_array_index (threads, c));
  g_clear_pointer (&run->loop, g_main_loop_unref);
}

/* Requests that did not get the status they must get. */
static inline guint
load_n_wrong (const LoadRun *run)
{
  guint wrong = 0;

  for (guint i = 0; i < run->n_requests; i++)
    {
      const LoadRequest *r = &run->requests[i];

      if (r->status != load_expected_status (r->kind) ||
          (r->status == 201 && !r->body_ok))
        {
          if (wrong < 10)
            g_printerr ("request %u (kind %d): status %u\n", i, r->kind, r->status);
          wrong++;
        }
    }
  return wrong;
}

static int
load_compare_latency (gconstpointer a,
                      gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Latency quantile @q (0–1) in milliseconds. */
static inline double
load_latency_ms (const LoadRun *run,
                 double         q)
{
  g_autofree gint64 *lat = g_new (gint64, run->n_requests);
  guint k;

  for (guint i = 0; i < run->n_requests; i++)
    lat[i] = run->requests[i].latency_us;
  qsort (lat, run->n_requests, sizeof *lat, load_compare_latency);
  k = (guint) (q * (run->n_requests - 1) + 0.5);
  return lat[k] / 1000.0;
}

static gpointer
load_health_thread (gpointer data)
{
  LoadRun *run = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autofree char *url = g_strconcat (run->base_url, "/health", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", run->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) reply = NULL;
  guint status;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  status = reply != NULL ? soup_message_get_status (msg) : 0;
  g_idle_add (load_quit_cb, run->loop);
  return GUINT_TO_POINTER (status);
}

/* The status of GET /health after the run: the server is still up. */
static inline guint
load_health (LoadRun *run)
{
  GThread *thread;
  guint status;

  run->loop = g_main_loop_new (NULL, FALSE);
  thread = g_thread_new ("load-health", load_health_thread, run);
  g_main_loop_run (run->loop);
  status = GPOINTER_TO_UINT (g_thread_join (thread));
  g_clear_pointer (&run->loop, g_main_loop_unref);
  return status;
}
