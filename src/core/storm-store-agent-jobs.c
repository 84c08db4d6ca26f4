#define G_LOG_DOMAIN "storm-store-agent-jobs"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-dash-private.h"
#include "storm-error.h"
#include "storm-store-agent-jobs.h"
#include "storm-store-approvals.h"

void
storm_risk_free (StormRisk *risk)
{
  if (risk == NULL)
    return;
  g_free (risk->level);
  g_free (risk->category);
  g_free (risk->reason);
  g_free (risk);
}

static int
level_rank (const char *level)
{
  if (g_strcmp0 (level, "high") == 0)
    return 3;
  if (g_strcmp0 (level, "medium") == 0)
    return 2;
  return 1;
}

StormRisk *
storm_db_classify_change (StormDb             *db,
                          const char * const  *files,
                          GError             **error)
{
  g_autoptr(StormRisk) risk = g_new0 (StormRisk, 1);
  sqlite3_stmt *stmt;
  int best = 0;

  g_return_val_if_fail (db != NULL, NULL);

  stmt = storm_db_cached (db,
                          "SELECT pattern, category, level FROM risk_rules "
                          "WHERE ?1 GLOB pattern ORDER BY position LIMIT 1",
                          error);
  if (stmt == NULL)
    return NULL;

  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    {
      g_autofree char *level = NULL;
      g_autofree char *category = NULL;
      g_autofree char *reason = NULL;
      int rank;

      sqlite3_bind_text (stmt, 1, files[i], -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          level = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          category = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          reason = g_strdup_printf (_("%s matches %s"), files[i], (const char *) sqlite3_column_text (stmt, 0));
        }
      else
        {
          level = g_strdup ("medium");
          category = g_strdup ("feature-logic");
          reason = g_strdup_printf (_("%s matches no rule: feature logic"), files[i]);
        }
      sqlite3_reset (stmt);
      rank = level_rank (level);
      if (rank > best)
        {
          best = rank;
          g_free (risk->level);
          g_free (risk->category);
          g_free (risk->reason);
          risk->level = g_steal_pointer (&level);
          risk->category = g_steal_pointer (&category);
          risk->reason = g_steal_pointer (&reason);
        }
    }
  if (best == 0)
    {
      risk->level = g_strdup ("medium");
      risk->category = g_strdup ("feature-logic");
      risk->reason = g_strdup (_("no files listed"));
    }
  return g_steal_pointer (&risk);
}

gint64
storm_db_add_agent_job (StormDb                  *db,
                        const StormAgentJobSpec  *spec,
                        GError                  **error)
{
  g_autoptr(StormRisk) risk = NULL;
  g_autofree char *files = NULL;
  g_autofree char *now = NULL;
  g_autofree char *summary = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (db != NULL, 0);
  g_return_val_if_fail (spec != NULL && spec->task != NULL, 0);

  if ((risk = storm_db_classify_change (db, spec->files, error)) == NULL)
    return 0;
  files = spec->files ? g_strjoinv ("\n", (char **) spec->files) : g_strdup ("");
  if (spec->created_at == NULL)
    now = _storm_dash_iso (g_get_real_time () / G_USEC_PER_SEC);

  stmt = storm_db_cached (db,
                          "INSERT INTO agent_jobs (task, build_task, lead_id, branch, files_touched, result, "
                          "  tests_passed, tests_failed, risk_level, risk_category, risk_reason, created_at, is_demo) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                          error);
  if (stmt == NULL)
    return 0;
  _storm_dash_bind_text (stmt, 1, spec->task);
  _storm_dash_bind_text (stmt, 2, spec->build_task);
  if (spec->lead_id > 0)
    sqlite3_bind_int64 (stmt, 3, spec->lead_id);
  _storm_dash_bind_text (stmt, 4, spec->branch);
  _storm_dash_bind_text (stmt, 5, files);
  _storm_dash_bind_text (stmt, 6, spec->result);
  sqlite3_bind_int (stmt, 7, spec->tests_passed);
  sqlite3_bind_int (stmt, 8, spec->tests_failed);
  _storm_dash_bind_text (stmt, 9, risk->level);
  _storm_dash_bind_text (stmt, 10, risk->category);
  _storm_dash_bind_text (stmt, 11, risk->reason);
  _storm_dash_bind_text (stmt, 12, spec->created_at ? spec->created_at : now);
  sqlite3_bind_int (stmt, 13, spec->is_demo ? 1 : 0);
  if (!_storm_dash_step (db, stmt, "adding an agent job", error))
    return 0;
  id = sqlite3_last_insert_rowid (storm_db_handle (db));

  summary = g_strdup_printf (_("Deploy “%s” (%s risk)"), spec->task, risk->level);
  if (storm_db_request_approval (db, STORM_APPROVAL_AGENT_DEPLOY, id, summary, "agent",
                                 spec->created_at ? spec->created_at : now, spec->is_demo, error) == 0)
    return 0;
  return id;
}

gboolean
storm_db_approve_agent_job (StormDb     *db,
                            gint64       job_id,
                            const char  *person,
                            const char  *at,
                            GError     **error)
{
  gint64 approval;

  if (storm_db_count_rows (db, "SELECT count (*) FROM agent_jobs WHERE id = ?1", job_id) != 1)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("There is no agent job %lld."), (long long) job_id);
      return FALSE;
    }
  if (storm_db_count_rows (db, "SELECT count (*) FROM agent_jobs WHERE id = ?1 AND approved_at IS NOT NULL", job_id) > 0)
    return TRUE;
  approval = storm_db_request_approval (db, STORM_APPROVAL_AGENT_DEPLOY, job_id, NULL, NULL, at, FALSE, error);
  if (approval == 0)
    return FALSE;
  return storm_db_approve (db, approval, person, at, error);
}

gboolean
storm_db_deploy_agent_job (StormDb     *db,
                           gint64       job_id,
                           const char  *at,
                           GError     **error)
{
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;

  if (storm_db_count_rows (db, "SELECT count (*) FROM agent_jobs WHERE id = ?1", job_id) != 1)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("There is no agent job %lld."), (long long) job_id);
      return FALSE;
    }
  if (at == NULL)
    now = _storm_dash_iso (g_get_real_time () / G_USEC_PER_SEC);
  stmt = storm_db_cached (db, "UPDATE agent_jobs SET deployed_at = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job_id);
  _storm_dash_bind_text (stmt, 2, at ? at : now);
  return _storm_dash_step (db, stmt, "marking an agent job deployed", error);
}
