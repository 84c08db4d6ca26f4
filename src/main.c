#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "storm-application.h"
#include "storm-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StormApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (storm_cli_handles (argc, argv))
    return storm_cli_run (argc, argv);

  app = storm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
