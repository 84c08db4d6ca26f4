#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "storm-application.h"
#include "storm-cli.h"

int
main (int   argc,
      char *argv[])
{
  /* Taken first, so the first-frame benchmark counts the whole start-up. */
  gint64 started = g_get_monotonic_time ();
  g_autoptr(StormApplication) app = NULL;
  const char *localedir = g_getenv ("STORMOPS_LOCALEDIR");
  int status;

  setlocale (LC_ALL, "");
  /* An uninstalled build finds its translations in the build tree. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (storm_cli_handles (argc, argv))
    return storm_cli_run (argc, argv);

  app = storm_application_new ();
  storm_application_set_start_time (app, started);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  return status != 0 ? status : storm_application_get_exit_status (app);
}
