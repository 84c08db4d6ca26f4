#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_ROUTES_VIEW (storm_routes_view_get_type ())

G_DECLARE_FINAL_TYPE (StormRoutesView, storm_routes_view, STORM, ROUTES_VIEW, GtkWidget)

/* The Routes phase: the storm's properties, hail reports and crew routes
 * on a map beside the route list; planning, manual edits, route sheets
 * (PDF and print) and GPX/CSV/GeoJSON exports. */
StormRoutesView *storm_routes_view_new         (void);
/* @storm_id 0 shows the "no storm" state; @store may be NULL then. */
void             storm_routes_view_set_storm   (StormRoutesView *self,
                                                StormStore      *store,
                                                gint64           storm_id);
gboolean         storm_routes_view_get_loading (StormRoutesView *self);

G_END_DECLS
