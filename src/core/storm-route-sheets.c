#define G_LOG_DOMAIN "storm-route-sheets"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-error.h"
#include "storm-i18n.h"
#include "storm-next-action.h"
#include "storm-route-sheets.h"
#include "storm-routes.h"

/* The rules whose words are fixed, by id: the sheet says them in the
 * crew's language. The msgids are those of storm-next-action.c. */
static const struct
{
  const char *rule;
  const char *msgid;
} crew_actions[] = {
  { "control", N_("Do not contact: control group") },
  { "converted", N_("Schedule the inspection") },
  { "declined", N_("Nurture: follow up in 30 days") },
  { "no-policy", N_("Apply a treatment policy first") },
  { "below-threshold", N_("Hold: expected uplift is below the threshold") },
  { "knock", N_("Knock") },
  { "revisit-evening", N_("Revisit, evening") },
  { "call-back", N_("Call back as promised") },
  { "inspection-booked", N_("Confirm the booked inspection") },
  { "follow-up-call", N_("Follow up by call") },
};

static char *
crew_action (const StormNextAction *action,
             const char            *language)
{
  for (guint i = 0; i < G_N_ELEMENTS (crew_actions); i++)
    if (g_strcmp0 (action->rule, crew_actions[i].rule) == 0)
      return g_strdup (storm_gettext_for (language, crew_actions[i].msgid));
  return g_strdup (action->action);
}

static char *
storm_name (StormDb  *db,
            gint64    storm_id,
            GError  **error)
{
  sqlite3_stmt *stmt = storm_db_cached (db, "SELECT name, code FROM storms WHERE id = ?1", error);
  char *name;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("The storm no longer exists."));
      return NULL;
    }
  name = g_strdup ((const char *) (sqlite3_column_text (stmt, 0) ? sqlite3_column_text (stmt, 0)
                                                                 : sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);
  return name;
}

static StormSheetRoute *
sheet_route (StormDb          *db,
             const char       *name,
             const StormRoute *route,
             const char       *today,
             GError          **error)
{
  g_autoptr(StormSheetRoute) sheet = storm_sheet_route_new ();
  g_autoptr(GPtrArray) stops = storm_routes_get_stops (db, route->id, error);

  if (stops == NULL)
    return NULL;
  sheet->storm_name = g_strdup (name);
  sheet->route_name = g_strdup (route->name);
  sheet->crew = g_strdup (route->crew);
  sheet->date = g_strdup (today);
  sheet->language = g_strdup (route->crew_language ? route->crew_language : "en");
  sheet->km = route->total_km;
  sheet->minutes = route->est_minutes;
  if (route->has_depot)
    {
      sheet->depot_lat = route->depot_lat;
      sheet->depot_lon = route->depot_lon;
    }
  for (guint i = 0; i < stops->len; i++)
    {
      const StormRouteStop *stop = stops->pdata[i];
      g_auto(StormNextAction) action = { 0 };
      StormPropertyContext context;
      g_autofree char *words = NULL;

      if (!storm_db_property_context (db, route->storm_id, stop->property_id, &context, error))
        return NULL;
      storm_next_action_decide (&context, today, &action);
      words = crew_action (&action, sheet->language);
      /* The street address alone: a route stays in one neighbourhood, and
       * the sheet's column has room for little more. */
      g_ptr_array_add (sheet->stops,
                       storm_sheet_stop_new ((int) stop->seq, stop->address ? stop->address : "", stop->ext_id, words,
                                             stop->lat, stop->lon));
    }
  return g_steal_pointer (&sheet);
}

GPtrArray *
storm_route_sheets_build (StormDb       *db,
                          gint64         storm_id,
                          const gint64  *route_ids,
                          guint          n_routes,
                          const char    *today,
                          GError       **error)
{
  g_autoptr(GPtrArray) sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_sheet_route_free);
  g_autoptr(GPtrArray) routes = NULL;
  g_autofree char *name = NULL;
  g_autofree char *local_today = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (route_ids != NULL || n_routes == 0, NULL);

  if (today == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      today = local_today = g_date_time_format (now, "%Y-%m-%d");
    }
  name = storm_name (db, storm_id, error);
  if (name == NULL)
    return NULL;

  if (route_ids == NULL)
    {
      routes = storm_routes_list (db, storm_id, FALSE, error);
      if (routes == NULL)
        return NULL;
    }
  else
    {
      routes = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_route_free);
      for (guint i = 0; i < n_routes; i++)
        {
          StormRoute *route = storm_routes_get (db, route_ids[i], error);

          if (route == NULL)
            return NULL;
          g_ptr_array_add (routes, route);
          if (route->storm_id != storm_id)
            {
              g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                           _("Route “%s” belongs to another storm."), route->name);
              return NULL;
            }
        }
    }

  for (guint i = 0; i < routes->len; i++)
    {
      StormSheetRoute *sheet = sheet_route (db, name, routes->pdata[i], today, error);

      if (sheet == NULL)
        return NULL;
      g_ptr_array_add (sheets, sheet);
    }
  return g_steal_pointer (&sheets);
}

gboolean
storm_route_sheets_write_pdf (StormDb       *db,
                              gint64         storm_id,
                              const gint64  *route_ids,
                              guint          n_routes,
                              StormPaper     paper,
                              const char    *path,
                              int           *n_pages,
                              GError       **error)
{
  g_autoptr(GPtrArray) sheets = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  sheets = storm_route_sheets_build (db, storm_id, route_ids, n_routes, NULL, error);
  if (sheets == NULL)
    return FALSE;
  return storm_sheets_write_pdf (sheets, paper, path, n_pages, error);
}

gboolean
storm_paper_from_string (const char *text,
                         StormPaper *paper)
{
  if (g_ascii_strcasecmp (text, "letter") == 0)
    *paper = STORM_PAPER_LETTER;
  else if (g_ascii_strcasecmp (text, "a4") == 0)
    *paper = STORM_PAPER_A4;
  else
    return FALSE;
  return TRUE;
}
