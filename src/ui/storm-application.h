#pragma once

#include <adwaita.h>

#include "storm-api-control.h"

G_BEGIN_DECLS

#define STORM_TYPE_APPLICATION (storm_application_get_type ())

G_DECLARE_FINAL_TYPE (StormApplication, storm_application, STORM, APPLICATION, AdwApplication)

StormApplication *storm_application_new                (void);
void              storm_application_set_start_time     (StormApplication *self,
                                                        gint64            monotonic_us);
int               storm_application_get_exit_status    (StormApplication *self);
char             *storm_application_dup_database_path  (GSettings        *settings);
StormApiControl  *storm_application_get_api_control    (StormApplication *self);

G_END_DECLS
