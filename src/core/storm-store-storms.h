#pragma once

#include "storm-store-db.h"
#include "storm-storm.h"

G_BEGIN_DECLS

gint64      storm_db_find_storm   (StormDb              *db,
                                   const char           *code);
gint64      storm_db_ensure_storm (StormDb              *db,
                                   const StormStormSpec *spec,
                                   gboolean             *created,
                                   GError              **error);
gboolean    storm_db_widen_storm  (StormDb              *db,
                                   gint64                storm_id,
                                   GError              **error);
StormStorm *storm_db_get_storm    (StormDb              *db,
                                   const char           *code,
                                   GError              **error);
GPtrArray  *storm_db_list_storms  (StormDb              *db,
                                   GError              **error);
gint64      storm_db_count_storms (StormDb              *db);

G_END_DECLS
