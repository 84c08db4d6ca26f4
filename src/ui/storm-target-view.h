#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_TARGET_VIEW (storm_target_view_get_type ())

G_DECLARE_FINAL_TYPE (StormTargetView, storm_target_view, STORM, TARGET_VIEW, AdwBin)

/* The Target phase: policy controls, live scenario preview, apply, and
 * the measurement of the current policy with its evidence. */
StormTargetView *storm_target_view_new         (void);
/* @storm_id 0 shows the "no storm" state; @store may be NULL then. */
void             storm_target_view_set_storm   (StormTargetView *self,
                                                StormStore      *store,
                                                gint64           storm_id);
gint64           storm_target_view_get_storm   (StormTargetView *self);
/* TRUE while the preview or the report is being read, or a policy applied. */
gboolean         storm_target_view_get_loading (StormTargetView *self);

G_END_DECLS
