#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define STORM_TYPE_TILE_DOWNLOADER (storm_tile_downloader_get_type ())

G_DECLARE_FINAL_TYPE (StormTileDownloader, storm_tile_downloader, STORM, TILE_DOWNLOADER, ShumateDataSource)

StormTileDownloader *storm_tile_downloader_new                 (const char          *url_template,
                                                                const char          *cache_key);
const char          *storm_tile_downloader_get_user_agent      (void);
gboolean             storm_tile_downloader_get_network_allowed (StormTileDownloader *self);
void                 storm_tile_downloader_set_network_allowed (StormTileDownloader *self,
                                                                gboolean             network_allowed);
gboolean             storm_tile_downloader_get_offline         (StormTileDownloader *self);

G_END_DECLS
