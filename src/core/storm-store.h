#pragma once

#include <gio/gio.h>

#include "storm-progress.h"
#include "storm-store-db.h"

G_BEGIN_DECLS

#define STORM_TYPE_STORE (storm_store_get_type ())

G_DECLARE_FINAL_TYPE (StormStore, storm_store, STORM, STORE, GObject)

/* Work run on a worker thread with its own connection. It must leave no
 * transaction open; on failure it rolls back so nothing is kept. */
typedef gboolean (*StormStoreJobFunc) (StormDb        *db,
                                       gpointer        data,
                                       GCancellable   *cancellable,
                                       StormProgress  *progress,
                                       GError        **error);

StormStore *storm_store_open            (const char           *path,
                                         GError              **error);
const char *storm_store_get_path        (StormStore           *self);
StormDb    *storm_store_get_db          (StormStore           *self);
void        storm_store_notify_changed  (StormStore           *self,
                                         const char           *table);
void        storm_store_run_async       (StormStore           *self,
                                         const char * const   *tables,
                                         StormStoreJobFunc     func,
                                         gpointer              data,
                                         GDestroyNotify        data_destroy,
                                         StormProgress        *progress,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    storm_store_run_finish      (StormStore           *self,
                                         GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
