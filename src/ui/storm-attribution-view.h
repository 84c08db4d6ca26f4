#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_ATTRIBUTION_VIEW (storm_attribution_view_get_type ())

G_DECLARE_FINAL_TYPE (StormAttributionView, storm_attribution_view, STORM, ATTRIBUTION_VIEW, AdwBin)

/* The Attribution phase: conversions and value credited to each channel
 * under a chosen credit model, as a table and a bar chart; touches are
 * imported from CSV here. */
StormAttributionView *storm_attribution_view_new         (void);
/* @storm_id 0 shows the "no storm" state; @store may be NULL then. */
void                  storm_attribution_view_set_storm   (StormAttributionView *self,
                                                          StormStore           *store,
                                                          gint64                storm_id);
/* "last-touch", "first-touch", "linear" or "position-based". */
const char           *storm_attribution_view_get_model   (StormAttributionView *self);
void                  storm_attribution_view_set_model   (StormAttributionView *self,
                                                          const char           *model);
gboolean              storm_attribution_view_get_loading (StormAttributionView *self);

G_END_DECLS
