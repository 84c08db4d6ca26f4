#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Runs of jobs and the integrations whose health is derived from them
 * (migration 4). The app's own jobs become runs through its event log;
 * external pipelines report theirs here (JSON import, HTTP API). */

typedef struct {
  const char *kind;
  const char *subject;
  const char *started_at;   /* NULL: now */
  const char *finished_at;
  const char *status;       /* success, partial, fail, cancelled */
  int         steps_total;  /* < 0: unknown */
  int         steps_done;   /* < 0: unknown */
  gint64      duration_ms;  /* < 0: unknown */
  const char *error;
  gboolean    is_demo;
} StormRunSpec;

typedef enum {
  STORM_INTEGRATION_UNKNOWN,  /* never reported */
  STORM_INTEGRATION_OK,
  STORM_INTEGRATION_STALE,    /* no success within its expected interval */
  STORM_INTEGRATION_FAILING,  /* its last report is an error */
} StormIntegrationHealth;

/* Records a run of an external pipeline. */
gint64                 storm_db_add_run              (StormDb             *db,
                                                      const StormRunSpec  *spec,
                                                      GError             **error);
gint64                 storm_db_add_integration      (StormDb             *db,
                                                      const char          *name,
                                                      const char          *run_kind,
                                                      gint64               expected_interval_s,
                                                      gboolean             is_demo,
                                                      GError             **error);
/* What an external system reports about itself: ok, or an error text. */
gboolean               storm_db_report_integration   (StormDb             *db,
                                                      const char          *name,
                                                      const char          *at,
                                                      const char          *error_text,
                                                      GError             **error);
/* Health at @now (seconds since the epoch) from the last success and
 * the last error (G_MININT64: never) and the expected interval (0: none). */
StormIntegrationHealth storm_integration_health      (gint64               last_ok,
                                                      gint64               last_error,
                                                      gint64               expected_interval_s,
                                                      gint64               now);

G_END_DECLS
