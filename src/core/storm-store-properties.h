#pragma once

#include "storm-property.h"
#include "storm-store-db.h"

G_BEGIN_DECLS

GArray        *storm_db_property_ids    (StormDb       *db,
                                         gint64         storm_id,
                                         const char    *search,
                                         GCancellable  *cancellable,
                                         GError       **error);
StormProperty *storm_db_get_property    (StormDb       *db,
                                         gint64         storm_id,
                                         gint64         property_id,
                                         GError       **error);
gint64         storm_db_count_properties (StormDb      *db,
                                          gint64        storm_id);

G_END_DECLS
