#define G_LOG_DOMAIN "storm-dash-common"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "storm-dash-private.h"
#include "storm-error.h"

/* The trigger messages of migration 4 and what a person is told. */
static const struct {
  const char *raised;
  const char *message;
} refusals[] = {
  { "an agent job is deployed only after a person approved it",
    N_("This agent job has no recorded human approval, so it cannot be marked deployed. Approve it first.") },
  { "an agent job is approved through an approval, not by editing it",
    N_("An agent job is approved by a person through its approval, not by editing the job.") },
  { "a proposal is sent only after a person approved sending it",
    N_("This proposal has no recorded human approval to send it. Approve sending it first.") },
  { "an approval must name the person who approved it",
    N_("An approval must name the person who gave it, not the app or an automation.") },
  { "this approval was already decided",
    N_("This approval was already decided; a decision is kept as history.") },
};

gboolean
_storm_dash_fail (StormDb     *db,
                  const char  *what,
                  GError     **error)
{
  sqlite3 *handle = storm_db_handle (db);

  if (sqlite3_extended_errcode (handle) == SQLITE_CONSTRAINT_TRIGGER)
    {
      const char *raised = sqlite3_errmsg (handle);

      for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
        if (g_strcmp0 (raised, refusals[i].raised) == 0)
          {
            g_set_error_literal (error, STORM_ERROR, STORM_ERROR_REFUSED, _(refusals[i].message));
            return FALSE;
          }
      g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED, _("Refused: %s."), raised);
      return FALSE;
    }
  return storm_db_fail (db, error, what);
}

gboolean
_storm_dash_step (StormDb       *db,
                  sqlite3_stmt  *stmt,
                  const char    *what,
                  GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return TRUE;
    }
  _storm_dash_fail (db, what, error);
  sqlite3_reset (stmt);
  return FALSE;
}

char *
_storm_dash_iso (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  if (dt == NULL)
    return NULL;
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

gint64
_storm_dash_parse_time (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) utc = NULL;

  if (text == NULL || *text == '\0')
    return G_MININT64;
  utc = g_time_zone_new_utc ();
  if (strlen (text) == 10)
    {
      g_autofree char *midnight = g_strconcat (text, "T00:00:00Z", NULL);

      dt = g_date_time_new_from_iso8601 (midnight, utc);
    }
  else
    dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    return G_MININT64;
  return g_date_time_to_unix (dt);
}

void
_storm_dash_bind_text (sqlite3_stmt *stmt,
                       int           index,
                       const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}
