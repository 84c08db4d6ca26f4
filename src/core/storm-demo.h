#pragma once

#include <gio/gio.h>

#include "storm-progress.h"
#include "storm-store-db.h"

G_BEGIN_DECLS

#define STORM_DEMO_CODE "DFW_STORM_24"
#define STORM_DEMO_DEFAULT_PROPERTIES 20000
#define STORM_DEMO_DEFAULT_SEED 24

typedef struct
{
  gint64      n_properties;
  guint64     seed;
  const char *zcta_path;   /* Census ZCTA gazetteer; NULL = look in the usual places */
  gboolean    field_work;  /* then play a week of field work (storm-demo-cycle.h) */
} StormDemoOptions;

/* Writes the deterministic Dallas–Fort Worth demo storm in one transaction:
 * storm, hail swath reports, properties around real ZIP centroids with
 * uplift scores and base rates, and their hail exposure. Refuses when the
 * demo storm exists already. With field_work, a week of simulated field
 * work follows in a second transaction (policy, knocks, outcomes), so
 * every phase has data; if that step fails the storm stays, without it. */
gboolean storm_demo_generate (StormDb                *db,
                              const StormDemoOptions *options,
                              GCancellable           *cancellable,
                              StormProgress          *progress,
                              GError                **error);

G_END_DECLS
