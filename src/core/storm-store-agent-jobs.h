#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Agent jobs: changes made by automated agents, their change risk from
 * the files they touched, and the human approval that gates deploying
 * them (migration 4). */

typedef struct {
  const char         *task;
  const char         *build_task;
  gint64              lead_id;       /* 0: none */
  const char         *branch;
  const char * const *files;         /* NULL-terminated paths */
  const char         *result;        /* success, failure, partial or NULL */
  int                 tests_passed;
  int                 tests_failed;
  const char         *created_at;    /* NULL: now */
  gboolean            is_demo;
} StormAgentJobSpec;

typedef struct {
  char *level;     /* low, medium, high */
  char *category;
  char *reason;    /* which file matched which rule */
} StormRisk;

void       storm_risk_free                (StormRisk          *risk);
/* Classifies @files with the ordered rules of table risk_rules: the
 * highest level any file reaches wins; a file no rule matches is
 * feature logic, medium. */
StormRisk *storm_db_classify_change       (StormDb            *db,
                                           const char * const *files,
                                           GError            **error);

/* Adds the job with its risk, and asks for its deploy approval. */
gint64     storm_db_add_agent_job         (StormDb                  *db,
                                           const StormAgentJobSpec  *spec,
                                           GError                  **error);
/* Approves the job's deployment as @person (NULL @at: now). */
gboolean   storm_db_approve_agent_job     (StormDb            *db,
                                           gint64              job_id,
                                           const char         *person,
                                           const char         *at,
                                           GError            **error);
/* Marks the job deployed; refused (STORM_ERROR_REFUSED) by the store
 * without a recorded human approval. */
gboolean   storm_db_deploy_agent_job      (StormDb            *db,
                                           gint64              job_id,
                                           const char         *at,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormRisk, storm_risk_free)

G_END_DECLS
