#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STORM_TYPE_APPLICATION (storm_application_get_type ())

G_DECLARE_FINAL_TYPE (StormApplication, storm_application, STORM, APPLICATION, AdwApplication)

StormApplication *storm_application_new (void);

G_END_DECLS
