#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_NURTURE_VIEW (storm_nurture_view_get_type ())

G_DECLARE_FINAL_TYPE (StormNurtureView, storm_nurture_view, STORM, NURTURE_VIEW, AdwBin)

/* The Nurture phase: treated properties that have not converted, with a
 * high uplift; follow-ups scheduled for a person, due and overdue ones,
 * and the list as CSV. Nothing here contacts anyone. */
StormNurtureView *storm_nurture_view_new         (void);
/* @storm_id 0 shows the "no storm" state; @store may be NULL then. */
void              storm_nurture_view_set_storm   (StormNurtureView *self,
                                                  StormStore       *store,
                                                  gint64            storm_id);
gboolean          storm_nurture_view_get_loading (StormNurtureView *self);

G_END_DECLS
