#define G_LOG_DOMAIN "storm-cli-serve"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>

#include "storm-api-server.h"
#include "storm-api-token.h"
#include "storm-cli-serve.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
storm_cli_serve (int          argc,
                 char       **argv,
                 const char  *default_db)
{
  g_autofree char *db_path = NULL;
  g_autofree char *address = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *token = NULL;
  gint port = STORM_API_DEFAULT_PORT;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("Database file"), N_("PATH") },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address,
      N_("IP address to listen on (default 127.0.0.1: this computer only)"), N_("ADDRESS") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("Port to listen on (default 8642; 0 picks a free one)"), N_("PORT") },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
      N_("File of the API token, made if missing (default: stormops/api-token in the user’s config folder)"),
      N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StormStore) store = NULL;
  g_autoptr(StormApiServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  guint sigint_id, sigterm_id;

  g_option_context_set_summary (context,
                                _("Serve the HTTP API (/api/v1) without a window, for field apps and pipelines.\n"
                                  "Requests need “Authorization: Bearer TOKEN” with the token from the token file."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("stormops: %s\n", error->message);
      g_printerr (_("Add --help for the options.\n"));
      return 2;
    }
  if (argc != 1 || port < 0 || port > G_MAXUINT16)
    {
      g_printerr ("stormops: %s\n", _("usage: stormops serve [--address ADDRESS] [--port PORT]"));
      return 2;
    }

  if (token_file == NULL)
    token_file = storm_api_token_default_path ();
  token = storm_api_token_load (token_file, TRUE, &error);
  if (token == NULL)
    {
      g_printerr ("stormops: %s\n", error->message);
      return 1;
    }
  store = storm_store_open (db_path != NULL ? db_path : default_db, &error);
  if (store == NULL)
    {
      g_printerr ("stormops: %s\n", error->message);
      return 1;
    }

  if (address != NULL && !storm_api_address_is_loopback (address))
    g_printerr (_("stormops: warning: listening on %s makes the API reachable from other computers; "
                  "anyone with the token can write outcomes.\n"), address);
  server = storm_api_server_new (store, token);
  if (!storm_api_server_start (server, address, port, &error))
    {
      g_printerr ("stormops: %s\n", error->message);
      return 1;
    }
  g_print (_("Serving the StormOps API on http://%s:%u/api/v1 (database %s).\n"
             "The token is in %s. Stop with Ctrl+C.\n"),
           address != NULL ? address : STORM_API_DEFAULT_ADDRESS, storm_api_server_get_port (server),
           storm_store_get_path (store), token_file);
  /* A supervisor or script reading a pipe learns the port now. */
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  storm_api_server_stop (server);
  g_print (_("Stopped after %llu requests (%llu unauthorized).\n"),
           (unsigned long long) storm_api_server_get_n_requests (server),
           (unsigned long long) storm_api_server_get_n_unauthorized (server));
  return 0;
}
