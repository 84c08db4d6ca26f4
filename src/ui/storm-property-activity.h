#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_PROPERTY_ACTIVITY (storm_property_activity_get_type ())

G_DECLARE_FINAL_TYPE (StormPropertyActivity, storm_property_activity, STORM, PROPERTY_ACTIVITY, AdwBin)

/* The storm-cycle side of one property, for the Jobs details pane: the
 * policy decision and its arm, the outcome with its correction history,
 * touches, notes, attachments and the next best action with its rule.
 * It does not scroll by itself; the pane that embeds it does. */
StormPropertyActivity *storm_property_activity_new             (void);
/* @property_id 0 (or @store NULL) shows the "no property" state. */
void                   storm_property_activity_set_property_id (StormPropertyActivity *self,
                                                                StormStore            *store,
                                                                gint64                 storm_id,
                                                                gint64                 property_id);
gint64                 storm_property_activity_get_property_id (StormPropertyActivity *self);
/* TRUE while an attachment is being copied or a refresh is pending. */
gboolean               storm_property_activity_get_loading     (StormPropertyActivity *self);

G_END_DECLS
