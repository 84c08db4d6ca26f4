#pragma once

#include <adwaita.h>

#include "storm-property.h"
#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_PROPERTY_DETAILS (storm_property_details_get_type ())

G_DECLARE_FINAL_TYPE (StormPropertyDetails, storm_property_details, STORM, PROPERTY_DETAILS, GtkWidget)

StormProperty *storm_property_details_get_item (StormPropertyDetails *self);
void           storm_property_details_set_item (StormPropertyDetails *self,
                                                StormProperty        *property);
void           storm_property_details_set_storm (StormPropertyDetails *self,
                                                 StormStore           *store,
                                                 gint64                storm_id);

G_END_DECLS
