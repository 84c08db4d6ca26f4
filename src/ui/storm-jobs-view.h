#pragma once

#include <adwaita.h>

#include "storm-property-list.h"

G_BEGIN_DECLS

#define STORM_TYPE_JOBS_VIEW (storm_jobs_view_get_type ())

G_DECLARE_FINAL_TYPE (StormJobsView, storm_jobs_view, STORM, JOBS_VIEW, GtkWidget)

StormPropertyList *storm_jobs_view_get_properties (StormJobsView *self);
void               storm_jobs_view_set_search     (StormJobsView *self,
                                                   const char    *text);
void               storm_jobs_view_focus_search   (StormJobsView *self);
gboolean           storm_jobs_view_get_loading    (StormJobsView *self);

G_END_DECLS
