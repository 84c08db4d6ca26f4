/* The window's side of the HTTP API: the api-* settings start, move and
 * stop the server of the open database, and a new token shuts the old
 * one out. Real server on a free loopback port, real requests. */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "storm-api-control.h"

typedef struct
{
  char            *dir;
  GSettings       *settings;
  StormStore      *store;
  StormApiControl *control;
} Fixture;

static guint
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);

  g_assert_cmpuint (port, >, 0);
  g_socket_listener_close (listener);
  return port;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = g_dir_make_tmp ("stormops-api-control-XXXXXX", &error);
  g_assert_no_error (error);
  /* The token lives in the user's config folder: a private one. */
  g_setenv ("XDG_CONFIG_HOME", f->dir, TRUE);
  db = g_build_filename (f->dir, "stormops.db", NULL);
  f->store = storm_store_open (db, &error);
  g_assert_no_error (error);
  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "api-enabled");
  g_settings_reset (f->settings, "api-address");
  g_settings_set_int (f->settings, "api-port", (int) free_port ());
  f->control = storm_api_control_new (f->settings);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->control);
  g_clear_object (&f->store);
  g_clear_object (&f->settings);
  g_assert_cmpint (system (command), ==, 0);
  g_free (f->dir);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  SoupMessage **done = data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  *done = soup_session_get_async_result_message (SOUP_SESSION (source), result);
}

/* GET /api/v1/health with @token; the HTTP status, 0 when nothing answered. */
static guint
health (Fixture    *f,
        const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1/health", storm_api_control_get_port (f->control));
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  SoupMessage *done = NULL;

  soup_message_headers_append (soup_message_get_request_headers (message), "Authorization", bearer);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, sent_cb, &done);
  while (done == NULL)
    g_main_context_iteration (NULL, TRUE);
  return soup_message_get_status (message);
}

static void
test_off_by_default (Fixture       *f,
                     gconstpointer  data)
{
  storm_api_control_set_store (f->control, f->store);
  g_assert_false (storm_api_control_get_running (f->control));
  g_assert_cmpuint (storm_api_control_get_port (f->control), ==, 0);
  g_assert_cmpstr (storm_api_control_get_status (f->control), ==, "Off. Nothing listens for requests.");
}

static void
test_settings_drive_server (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *fresh = NULL;
  guint port = (guint) g_settings_get_int (f->settings, "api-port");
  g_autofree char *expected = NULL;

  /* Switched on before a database is open, it waits for one. */
  g_settings_set_boolean (f->settings, "api-enabled", TRUE);
  g_assert_false (storm_api_control_get_running (f->control));
  g_assert_cmpstr (storm_api_control_get_status (f->control), ==, "Waiting for a database to be open.");

  storm_api_control_set_store (f->control, f->store);
  g_assert_true (storm_api_control_get_running (f->control));
  g_assert_cmpuint (storm_api_control_get_port (f->control), ==, port);
  expected = g_strdup_printf ("Listening on http://127.0.0.1:%u/api/v1, for programs on this computer only.", port);
  g_assert_cmpstr (storm_api_control_get_status (f->control), ==, expected);

  token = storm_api_control_dup_token (f->control, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (token), ==, 64);
  g_assert_cmpuint (health (f, token), ==, 200);
  g_assert_cmpuint (health (f, "not-the-token"), ==, 401);

  /* A new token shuts the old one out at once. */
  fresh = storm_api_control_regenerate_token (f->control, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fresh, !=, token);
  g_assert_cmpuint (health (f, token), ==, 401);
  g_assert_cmpuint (health (f, fresh), ==, 200);

  /* Another port: the server moves there. */
  port = free_port ();
  g_settings_set_int (f->settings, "api-port", (int) port);
  g_assert_cmpuint (storm_api_control_get_port (f->control), ==, port);
  g_assert_cmpuint (health (f, fresh), ==, 200);

  g_settings_set_boolean (f->settings, "api-enabled", FALSE);
  g_assert_false (storm_api_control_get_running (f->control));
}

/* A port another program holds: the status says so, nothing crashes. */
static void
test_port_taken (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GSocketListener) holder = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (holder, NULL, &error);

  g_assert_no_error (error);
  g_settings_set_int (f->settings, "api-port", port);
  g_settings_set_boolean (f->settings, "api-enabled", TRUE);
  storm_api_control_set_store (f->control, f->store);
  g_assert_false (storm_api_control_get_running (f->control));
  g_assert_true (g_str_has_prefix (storm_api_control_get_status (f->control), "Not running: "));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/api-control/off-by-default", test_off_by_default);
  ADD ("/api-control/settings-drive-server", test_settings_drive_server);
  ADD ("/api-control/port-taken", test_port_taken);

  return g_test_run ();
}
