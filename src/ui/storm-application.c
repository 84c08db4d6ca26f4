#define G_LOG_DOMAIN "storm-application"

#include "config.h"

#include "storm-application.h"

struct _StormApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (StormApplication, storm_application, ADW_TYPE_APPLICATION)

static void
storm_application_class_init (StormApplicationClass *klass)
{
}

static void
storm_application_init (StormApplication *self)
{
}

StormApplication *
storm_application_new (void)
{
  return g_object_new (STORM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}
