#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* The operator dashboards' demo data: a believable, deterministic agency
 * pipeline around the demo storm — leads across stages with their
 * history and touches, proposals with their approvals, runs of external
 * pipelines (some failing), integrations, client results, packages,
 * offer ladders, reusable assets, agent jobs of mixed risk and template
 * starters. Times are relative to @now (seconds since the epoch), so
 * every dashboard has something to say on first start. Every row is
 * marked is_demo (leads also by source "demo"). Refused when demo leads
 * exist already. In one transaction. */
gboolean storm_demo_dash_generate (StormDb  *db,
                                   gint64    now,
                                   guint64   seed,
                                   GError  **error);

G_END_DECLS
