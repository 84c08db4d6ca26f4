#pragma once

#include <gio/gio.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_PROPERTY_LIST (storm_property_list_get_type ())

G_DECLARE_FINAL_TYPE (StormPropertyList, storm_property_list, STORM, PROPERTY_LIST, GObject)

StormPropertyList *storm_property_list_new        (StormStore        *store);
void               storm_property_list_set_storm  (StormPropertyList *self,
                                                   gint64             storm_id);
gint64             storm_property_list_get_storm  (StormPropertyList *self);
void               storm_property_list_set_search (StormPropertyList *self,
                                                   const char        *search);
const char        *storm_property_list_get_search (StormPropertyList *self);
gboolean           storm_property_list_get_loading (StormPropertyList *self);

G_END_DECLS
