#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define STORM_TYPE_MBTILES_SOURCE (storm_mbtiles_source_get_type ())

G_DECLARE_FINAL_TYPE (StormMbtilesSource, storm_mbtiles_source, STORM, MBTILES_SOURCE, ShumateDataSource)

StormMbtilesSource *storm_mbtiles_source_new             (const char          *path,
                                                          GError             **error);
const char         *storm_mbtiles_source_get_path        (StormMbtilesSource  *self);
const char         *storm_mbtiles_source_get_name        (StormMbtilesSource  *self);
const char         *storm_mbtiles_source_get_format      (StormMbtilesSource  *self);
const char         *storm_mbtiles_source_get_attribution (StormMbtilesSource  *self);
guint               storm_mbtiles_source_get_min_zoom    (StormMbtilesSource  *self);
guint               storm_mbtiles_source_get_max_zoom    (StormMbtilesSource  *self);
guint               storm_mbtiles_source_get_tile_size   (StormMbtilesSource  *self);
gboolean            storm_mbtiles_source_get_bounds      (StormMbtilesSource  *self,
                                                          double              *west,
                                                          double              *south,
                                                          double              *east,
                                                          double              *north);
gboolean            storm_mbtiles_source_get_busy        (StormMbtilesSource  *self);

G_END_DECLS
