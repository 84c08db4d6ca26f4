#define G_LOG_DOMAIN "storm-store-leads"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-dash-private.h"
#include "storm-error.h"
#include "storm-store-leads.h"

static char *
time_or_now (const char *at)
{
  if (at != NULL)
    return g_strdup (at);
  return _storm_dash_iso (g_get_real_time () / G_USEC_PER_SEC);
}

gint64
storm_db_add_lead (StormDb              *db,
                   const StormLeadSpec  *spec,
                   const char           *actor,
                   GError              **error)
{
  g_autofree char *created = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (db != NULL, 0);
  g_return_val_if_fail (spec != NULL && spec->title != NULL, 0);

  created = time_or_now (spec->created_at);
  stmt = storm_db_cached (db,
                          "INSERT INTO leads (title, company, contact, source, stage, value, offer_type, "
                          "                   package_id, owner, created_at, stage_entered_at, is_demo) "
                          "VALUES (?1, ?2, ?3, ?4, coalesce (?5, (SELECT code FROM lead_stages ORDER BY position LIMIT 1)), "
                          "        ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
                          error);
  if (stmt == NULL)
    return 0;
  _storm_dash_bind_text (stmt, 1, spec->title);
  _storm_dash_bind_text (stmt, 2, spec->company);
  _storm_dash_bind_text (stmt, 3, spec->contact);
  _storm_dash_bind_text (stmt, 4, spec->source);
  _storm_dash_bind_text (stmt, 5, spec->stage);
  if (spec->value >= 0)
    sqlite3_bind_double (stmt, 6, spec->value);
  _storm_dash_bind_text (stmt, 7, spec->offer_type);
  if (spec->package_id > 0)
    sqlite3_bind_int64 (stmt, 8, spec->package_id);
  _storm_dash_bind_text (stmt, 9, spec->owner);
  _storm_dash_bind_text (stmt, 10, created);
  sqlite3_bind_int (stmt, 11, spec->is_demo ? 1 : 0);
  if (!_storm_dash_step (db, stmt, "adding a lead", error))
    return 0;
  id = sqlite3_last_insert_rowid (storm_db_handle (db));

  stmt = storm_db_cached (db,
                          "INSERT INTO lead_stage_history (lead_id, from_stage, to_stage, at, actor) "
                          "SELECT id, NULL, stage, created_at, ?2 FROM leads WHERE id = ?1",
                          error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, id);
  _storm_dash_bind_text (stmt, 2, actor);
  if (!_storm_dash_step (db, stmt, "recording a lead's first stage", error))
    return 0;
  return id;
}

gboolean
storm_db_set_lead_stage (StormDb     *db,
                         gint64       lead_id,
                         const char  *stage,
                         const char  *at,
                         const char  *actor,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean known;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (stage != NULL, FALSE);

  if (storm_db_count_rows (db, "SELECT count (*) FROM leads WHERE id = ?1", lead_id) != 1)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("There is no lead %lld."), (long long) lead_id);
      return FALSE;
    }
  stmt = storm_db_cached (db, "SELECT count (*) FROM lead_stages WHERE code = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, stage, -1, SQLITE_TRANSIENT);
  known = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) > 0;
  sqlite3_reset (stmt);
  if (!known)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("“%s” is not a lead stage. Use one of the configured stages."), stage);
      return FALSE;
    }

  stmt = storm_db_cached (db,
                          "UPDATE leads SET stage = ?2, stage_entered_at = coalesce (?3, stage_entered_at) "
                          "WHERE id = ?1 AND stage IS NOT ?2",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, lead_id);
  sqlite3_bind_text (stmt, 2, stage, -1, SQLITE_TRANSIENT);
  _storm_dash_bind_text (stmt, 3, at);
  if (!_storm_dash_step (db, stmt, "changing a lead's stage", error))
    return FALSE;
  if (sqlite3_changes (storm_db_handle (db)) == 0 || (actor == NULL && at == NULL))
    return TRUE;

  /* The trigger wrote the history row; give it who and, when the caller
   * knows it, exactly when (even the lead's own creation time). */
  stmt = storm_db_cached (db,
                          "UPDATE lead_stage_history SET actor = coalesce (?2, actor), at = coalesce (?3, at) "
                          "WHERE id = (SELECT max (id) FROM lead_stage_history WHERE lead_id = ?1)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, lead_id);
  _storm_dash_bind_text (stmt, 2, actor);
  _storm_dash_bind_text (stmt, 3, at);
  if (!_storm_dash_step (db, stmt, "recording who changed a stage", error))
    return FALSE;
  if (at == NULL)
    return TRUE;
  stmt = storm_db_cached (db, "UPDATE leads SET stage_entered_at = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, lead_id);
  _storm_dash_bind_text (stmt, 2, at);
  return _storm_dash_step (db, stmt, "recording when a stage was entered", error);
}

gint64
storm_db_add_lead_touch (StormDb     *db,
                         gint64       lead_id,
                         const char  *channel,
                         const char  *at,
                         const char  *note,
                         GError     **error)
{
  g_autofree char *when = time_or_now (at);
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "INSERT INTO lead_touches (lead_id, channel, at, note) VALUES (?1, ?2, ?3, ?4)",
                          error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, lead_id);
  _storm_dash_bind_text (stmt, 2, channel ? channel : "other");
  _storm_dash_bind_text (stmt, 3, when);
  _storm_dash_bind_text (stmt, 4, note);
  if (!_storm_dash_step (db, stmt, "adding a touch to a lead", error))
    return 0;
  return sqlite3_last_insert_rowid (storm_db_handle (db));
}

gboolean
storm_db_delete_lead (StormDb     *db,
                      gint64       lead_id,
                      GError     **error)
{
  sqlite3_stmt *stmt = storm_db_cached (db, "DELETE FROM leads WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, lead_id);
  return _storm_dash_step (db, stmt, "deleting a lead", error);
}

gint64
storm_db_add_proposal (StormDb     *db,
                       gint64       lead_id,
                       const char  *title,
                       double       amount,
                       const char  *created_at,
                       GError     **error)
{
  g_autofree char *created = time_or_now (created_at);
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "INSERT INTO proposals (lead_id, title, amount, created_at) VALUES (?1, ?2, ?3, ?4)",
                          error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, lead_id);
  _storm_dash_bind_text (stmt, 2, title);
  if (amount >= 0)
    sqlite3_bind_double (stmt, 3, amount);
  _storm_dash_bind_text (stmt, 4, created);
  if (!_storm_dash_step (db, stmt, "adding a proposal", error))
    return 0;
  return sqlite3_last_insert_rowid (storm_db_handle (db));
}

gboolean
storm_db_mark_proposal_sent (StormDb     *db,
                             gint64       proposal_id,
                             const char  *at,
                             GError     **error)
{
  g_autofree char *when = time_or_now (at);
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db, "UPDATE proposals SET sent_at = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, proposal_id);
  _storm_dash_bind_text (stmt, 2, when);
  return _storm_dash_step (db, stmt, "marking a proposal sent", error);
}

gboolean
storm_db_set_proposal_outcome (StormDb     *db,
                               gint64       proposal_id,
                               const char  *outcome,
                               const char  *at,
                               GError     **error)
{
  g_autofree char *when = outcome != NULL ? time_or_now (at) : NULL;
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db, "UPDATE proposals SET outcome = ?2, outcome_at = ?3 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, proposal_id);
  _storm_dash_bind_text (stmt, 2, outcome);
  _storm_dash_bind_text (stmt, 3, when);
  return _storm_dash_step (db, stmt, "recording a proposal's outcome", error);
}

GStrv
storm_db_list_lead_stages (StormDb  *db,
                           GError  **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = storm_db_cached (db, "SELECT code FROM lead_stages ORDER BY position", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "listing lead stages");
      return NULL;
    }
  return g_strv_builder_end (builder);
}
