#pragma once

#include <gio/gio.h>

#include "storm-progress.h"
#include "storm-store-db.h"

G_BEGIN_DECLS

/* Plays a deterministic week of field work on a demo storm so every storm
 * phase has something to show: applies the moderate policy, then records
 * door knocks and their results for treated properties, outcomes for
 * treated and control properties (conversion odds: base rate, plus the
 * uplift for the treated), a few calls, mailers and referrals, and
 * follow-ups for callbacks. Refuses storms that are not demo storms. */
gboolean storm_demo_simulate_cycle (StormDb        *db,
                                    gint64          storm_id,
                                    guint64         seed,
                                    GCancellable   *cancellable,
                                    StormProgress  *progress,
                                    GError        **error);

G_END_DECLS
