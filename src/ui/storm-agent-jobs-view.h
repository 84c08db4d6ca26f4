#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_AGENT_JOBS_VIEW (storm_agent_jobs_view_get_type ())

G_DECLARE_FINAL_TYPE (StormAgentJobsView, storm_agent_jobs_view, STORM, AGENT_JOBS_VIEW, GtkWidget)

StormStore *storm_agent_jobs_view_get_store (StormAgentJobsView *self);
void        storm_agent_jobs_view_set_store (StormAgentJobsView *self,
                                             StormStore         *store);
/* The person recorded when this user approves: the real name, else the
 * login name. */
const char *storm_agent_jobs_view_get_person (void);

G_END_DECLS
