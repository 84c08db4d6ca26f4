#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Ops health: what failed and what needs a person today, computed from
 * runs, leads, proposals, approvals and integrations at a given time. */

typedef enum {
  STORM_OPS_OK,
  STORM_OPS_INFO,
  STORM_OPS_WARNING,
  STORM_OPS_ERROR,
} StormOpsLevel;

typedef struct {
  StormOpsLevel  level;
  char          *title;
  char          *detail;
  char          *action;  /* recommended action, a short imperative */
  char          *target;  /* "PAGE[:KIND:ID]": "agent-jobs:agent-job:3", "sales-leak:lead:12" */
  gint64         approval_id;  /* an item of the approval queue: its approval; else 0 */
} StormOpsItem;

typedef struct {
  char      *id;        /* pipelines, failed-runs, stale-leads, stuck-proposals, approvals, integrations, app */
  char      *title;
  char      *summary;
  gint64     count;     /* rows that need a person */
  GPtrArray *items;     /* StormOpsItem */
} StormOpsSection;

typedef struct {
  gint64     now;
  int        stale_days;
  gint64     n_attention;
  gint64     failed_24h;
  gint64     failed_7d;
  char      *status_line;
  GPtrArray *sections;  /* StormOpsSection, in display order */
} StormOpsHealth;

#define STORM_OPS_STUCK_PROPOSAL_DAYS 5
/* An operation of the app slower than this is listed with its latency. */
#define STORM_OPS_SLOW_MS 10000
/* Rows listed per section; counts are always complete. */
#define STORM_OPS_MAX_ROWS 25

/* Computes Ops health at @now (seconds since the epoch); a lead without
 * a touch for more than @stale_days days is stale. */
StormOpsHealth        *storm_ops_health_compute (StormDb         *db,
                                                 gint64           now,
                                                 int              stale_days,
                                                 GError         **error);
void                   storm_ops_health_free    (StormOpsHealth  *health);
const StormOpsSection *storm_ops_health_section (StormOpsHealth  *health,
                                                 const char      *id);
/* Plain text for the CLI. */
char                  *storm_ops_health_to_text (StormOpsHealth  *health);
/* JSON for the CLI and the API: status line, counts, sections with
 * their items (level, title, detail, action, target). */
char                  *storm_ops_health_to_json (StormOpsHealth  *health);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormOpsHealth, storm_ops_health_free)

G_END_DECLS
