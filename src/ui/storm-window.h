#pragma once

#include <adwaita.h>

#include "storm-store.h"
#include "storm-storm.h"

G_BEGIN_DECLS

#define STORM_TYPE_WINDOW (storm_window_get_type ())

G_DECLARE_FINAL_TYPE (StormWindow, storm_window, STORM, WINDOW, AdwApplicationWindow)

StormWindow *storm_window_new                      (AdwApplication *application,
                                                    StormStore     *store);
void         storm_window_show_open_error          (StormWindow    *self,
                                                    const char     *path,
                                                    const GError   *error);
StormStore  *storm_window_get_store                (StormWindow    *self);
StormStorm  *storm_window_get_storm                (StormWindow    *self);
void         storm_window_select_storm             (StormWindow    *self,
                                                    const char     *code);
const char  *storm_window_get_page                 (StormWindow    *self);
gboolean     storm_window_set_page                 (StormWindow    *self,
                                                    const char     *page);
const char  *storm_window_get_phase                (StormWindow    *self);
gboolean     storm_window_set_phase                (StormWindow    *self,
                                                    const char     *phase);
void         storm_window_set_search               (StormWindow    *self,
                                                    const char     *text);
gboolean     storm_window_get_busy                 (StormWindow    *self);
void         storm_window_set_load_demo_when_empty (StormWindow    *self,
                                                    gboolean        load_demo);
void         storm_window_add_toast                (StormWindow    *self,
                                                    AdwToast       *toast);

G_END_DECLS
