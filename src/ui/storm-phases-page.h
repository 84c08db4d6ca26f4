#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STORM_TYPE_PHASES_PAGE (storm_phases_page_get_type ())

G_DECLARE_FINAL_TYPE (StormPhasesPage, storm_phases_page, STORM, PHASES_PAGE, GtkWidget)

AdwViewStack *storm_phases_page_get_stack   (StormPhasesPage *self);
const char   *storm_phases_page_get_phase   (StormPhasesPage *self);
gboolean      storm_phases_page_set_phase   (StormPhasesPage *self,
                                             const char      *phase);
void          storm_phases_page_set_search  (StormPhasesPage *self,
                                             const char      *text);
void          storm_phases_page_focus_search (StormPhasesPage *self);
gboolean      storm_phases_page_get_loading (StormPhasesPage *self);

G_END_DECLS
