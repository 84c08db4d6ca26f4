#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_OPS_HEALTH_VIEW (storm_ops_health_view_get_type ())

G_DECLARE_FINAL_TYPE (StormOpsHealthView, storm_ops_health_view, STORM, OPS_HEALTH_VIEW, GtkWidget)

StormStore *storm_ops_health_view_get_store   (StormOpsHealthView *self);
void        storm_ops_health_view_set_store   (StormOpsHealthView *self,
                                               StormStore         *store);
/* TRUE while the panel is being computed. */
gboolean    storm_ops_health_view_get_loading (StormOpsHealthView *self);

G_END_DECLS
