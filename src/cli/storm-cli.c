#define G_LOG_DOMAIN "storm-cli"

#include "config.h"

#include "storm-cli.h"

gboolean
storm_cli_handles (int    argc,
                   char **argv)
{
  return FALSE;
}

int
storm_cli_run (int    argc,
               char **argv)
{
  return 1;
}
