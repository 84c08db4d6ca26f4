#define G_LOG_DOMAIN "storm-next-action"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "storm-next-action.h"

static void
copy_column (sqlite3_stmt *stmt,
             int           col,
             char         *dest,
             gsize         size)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  g_strlcpy (dest, text ? text : "", size);
}

gboolean
storm_db_property_context (StormDb              *db,
                           gint64                storm_id,
                           gint64                property_id,
                           StormPropertyContext *context,
                           GError              **error)
{
  sqlite3_stmt *stmt;

  memset (context, 0, sizeof *context);

  stmt = storm_db_cached (db,
                          "SELECT d.decision, d.reason FROM policy_decisions_log d "
                          "JOIN policy_executions e ON e.id = d.execution_id "
                          "WHERE e.storm_id = ?1 AND e.is_current = 1 AND d.property_id = ?2",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      context->has_decision = TRUE;
      copy_column (stmt, 0, context->decision, sizeof context->decision);
      copy_column (stmt, 1, context->reason, sizeof context->reason);
    }
  sqlite3_reset (stmt);

  stmt = storm_db_cached (db,
                          "SELECT converted FROM policy_outcomes "
                          "WHERE storm_id = ?1 AND property_id = ?2 AND is_current = 1",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      context->has_outcome = TRUE;
      context->converted = sqlite3_column_int (stmt, 0) != 0;
    }
  sqlite3_reset (stmt);

  stmt = storm_db_cached (db,
                          "SELECT (SELECT count (*) FROM touches WHERE storm_id = ?1 AND property_id = ?2), "
                          "  channel, result FROM touches WHERE storm_id = ?1 AND property_id = ?2 "
                          "ORDER BY at DESC, id DESC LIMIT 1",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      context->n_touches = sqlite3_column_int64 (stmt, 0);
      copy_column (stmt, 1, context->last_channel, sizeof context->last_channel);
      copy_column (stmt, 2, context->last_result, sizeof context->last_result);
    }
  sqlite3_reset (stmt);

  stmt = storm_db_cached (db,
                          "SELECT due_on, channel FROM follow_ups "
                          "WHERE storm_id = ?1 AND property_id = ?2 AND status = 'open' "
                          "ORDER BY due_on LIMIT 1",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      copy_column (stmt, 0, context->next_follow_up, sizeof context->next_follow_up);
      copy_column (stmt, 1, context->next_follow_up_channel, sizeof context->next_follow_up_channel);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static void
set_action (StormNextAction *action,
            const char      *rule,
            char            *text,
            char            *why)
{
  action->rule = rule;
  action->action = text;
  action->why = why;
}

/* Explicit rules, first match wins; the order is the policy: never contact
 * a control, then respect outcomes, then scheduled work, then touches. */
void
storm_next_action_decide (const StormPropertyContext *c,
                          const char                 *today,
                          StormNextAction            *action)
{
  memset (action, 0, sizeof *action);

  if (c->has_decision && (g_str_equal (c->reason, "universal_control") || g_str_equal (c->reason, "rct_control")))
    set_action (action, "control", g_strdup (_("Do not contact: control group")),
                g_strdup (_("Properties held out as controls are never contacted, or lift cannot be measured.")));
  else if (c->has_outcome && c->converted)
    set_action (action, "converted", g_strdup (_("Schedule the inspection")),
                g_strdup (_("The owner signed or booked; the next step is the roof inspection.")));
  else if (c->has_outcome && !c->converted)
    set_action (action, "declined", g_strdup (_("Nurture: follow up in 30 days")),
                g_strdup (_("An outcome of “not converted” was logged; a later, softer contact may still convert.")));
  else if (!c->has_decision)
    set_action (action, "no-policy", g_strdup (_("Apply a treatment policy first")),
                g_strdup (_("No policy has decided yet whether this property is treated or held.")));
  else if (g_str_equal (c->decision, "hold"))
    set_action (action, "below-threshold", g_strdup (_("Hold: expected uplift is below the threshold")),
                g_strdup (_("The policy treats only properties whose uplift score reaches its threshold.")));
  else if (c->next_follow_up[0] != '\0')
    {
      gboolean overdue = today != NULL && strcmp (c->next_follow_up, today) < 0;

      set_action (action, overdue ? "follow-up-overdue" : "follow-up",
                  overdue ? g_strdup_printf (_("Overdue follow-up (%s, due %s)"), c->next_follow_up_channel, c->next_follow_up)
                          : g_strdup_printf (_("Follow up by %s on %s"), c->next_follow_up_channel, c->next_follow_up),
                  g_strdup (_("A person scheduled this follow-up; nothing is sent automatically.")));
    }
  else if (c->n_touches == 0)
    set_action (action, "knock", g_strdup (_("Knock")),
                g_strdup (_("Treated and not yet contacted: a door knock comes first.")));
  else if (g_str_equal (c->last_result, "no_answer"))
    set_action (action, "revisit-evening", g_strdup (_("Revisit, evening")),
                g_strdup (_("The last visit found nobody home; evenings reach more owners.")));
  else if (g_str_equal (c->last_result, "callback"))
    set_action (action, "call-back", g_strdup (_("Call back as promised")),
                g_strdup (_("The owner asked to be called back.")));
  else if (g_str_equal (c->last_result, "inspection_booked"))
    set_action (action, "inspection-booked", g_strdup (_("Confirm the booked inspection")),
                g_strdup (_("An inspection was booked on the last visit; confirm it the day before.")));
  else
    set_action (action, "follow-up-call", g_strdup (_("Follow up by call")),
                g_strdup (_("Contacted without a result yet: a call keeps the conversation going.")));
}

void
storm_next_action_clear (StormNextAction *action)
{
  g_clear_pointer (&action->action, g_free);
  g_clear_pointer (&action->why, g_free);
  action->rule = NULL;
}
