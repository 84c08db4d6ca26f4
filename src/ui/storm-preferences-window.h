#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STORM_TYPE_PREFERENCES_WINDOW (storm_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (StormPreferencesWindow, storm_preferences_window, STORM, PREFERENCES_WINDOW, AdwPreferencesWindow)

StormPreferencesWindow *storm_preferences_window_new (GtkWindow  *parent,
                                                      const char *database_in_use);

G_END_DECLS
