#define G_LOG_DOMAIN "storm-store-properties"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-error.h"
#include "storm-store-properties.h"

static int
cancel_cb (void *data)
{
  return g_cancellable_is_cancelled (data) ? 1 : 0;
}

static char *
like_pattern (const char *search)
{
  GString *s = g_string_new ("%");

  for (const char *p = search; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');
  return g_string_free (s, FALSE);
}

/* Row ids of the storm's properties matching @search (id, address or ZIP),
 * in id order. Runs on a worker; the filter is SQL, nothing else is loaded. */
GArray *
storm_db_property_ids (StormDb       *db,
                       gint64         storm_id,
                       const char    *search,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *stripped = g_strstrip (g_strdup (search ? search : ""));
  int rc;

  if (stripped[0] == '\0')
    {
      stmt = storm_db_prepare (db,
                               "SELECT property_id FROM storm_properties WHERE storm_id = ?1 "
                               "ORDER BY property_id",
                               error);
      if (stmt == NULL)
        return NULL;
    }
  else
    {
      g_autofree char *pattern = like_pattern (stripped);

      stmt = storm_db_prepare (db,
                               "SELECT sp.property_id FROM storm_properties sp "
                               "JOIN properties p ON p.id = sp.property_id "
                               "WHERE sp.storm_id = ?1 AND (p.ext_id LIKE ?2 ESCAPE '\\' "
                               "  OR p.address LIKE ?2 ESCAPE '\\' OR p.zip LIKE ?3 ESCAPE '\\' "
                               "  OR p.name LIKE ?2 ESCAPE '\\') "
                               "ORDER BY sp.property_id",
                               error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
      /* A ZIP matches from its start: "752" finds 75201…75299. */
      sqlite3_bind_text (stmt, 3, pattern + 1, -1, SQLITE_TRANSIENT);
    }
  sqlite3_bind_int64 (stmt, 1, storm_id);

  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 10000, cancel_cb, cancellable);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 0, NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "searching properties");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static char *
column_strdup (sqlite3_stmt *stmt,
               int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static double
column_double (sqlite3_stmt *stmt,
               int           col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double (stmt, col);
}

StormProperty *
storm_db_get_property (StormDb  *db,
                       gint64    storm_id,
                       gint64    property_id,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  StormPropertyInfo info = { 0 };

  stmt = storm_db_prepare (db,
                           "SELECT p.id, p.ext_id, p.name, p.address, p.city, p.state, p.zip, p.lat, p.lon, "
                           "  p.year_built, p.roof_age, p.value, sp.uplift, sp.base_rate, "
                           "  sp.hail_distance_km, sp.hail_max_in, sp.nearest_report_id, "
                           "  r.kind, r.magnitude, r.unit, r.location, r.at "
                           "FROM properties p "
                           "LEFT JOIN storm_properties sp ON sp.property_id = p.id AND sp.storm_id = ?1 "
                           "LEFT JOIN storm_reports r ON r.id = sp.nearest_report_id "
                           "WHERE p.id = ?2",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, property_id);

      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("Property %s is not in the database."), id_text);
      return NULL;
    }

  info.id = sqlite3_column_int64 (stmt, 0);
  info.ext_id = column_strdup (stmt, 1);
  info.name = column_strdup (stmt, 2);
  info.address = column_strdup (stmt, 3);
  info.city = column_strdup (stmt, 4);
  info.state = column_strdup (stmt, 5);
  info.zip = column_strdup (stmt, 6);
  info.lat = sqlite3_column_double (stmt, 7);
  info.lon = sqlite3_column_double (stmt, 8);
  info.year_built = sqlite3_column_int (stmt, 9);
  info.roof_age = sqlite3_column_type (stmt, 10) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 10);
  info.value = column_double (stmt, 11);
  info.uplift = column_double (stmt, 12);
  info.base_rate = column_double (stmt, 13);
  info.hail_distance_km = column_double (stmt, 14);
  info.hail_max_in = column_double (stmt, 15);
  info.nearest_report_id = sqlite3_column_int64 (stmt, 16);
  if (info.nearest_report_id != 0)
    {
      const char *kind = (const char *) sqlite3_column_text (stmt, 17);
      const char *unit = (const char *) sqlite3_column_text (stmt, 19);
      const char *location = (const char *) sqlite3_column_text (stmt, 20);
      const char *at = (const char *) sqlite3_column_text (stmt, 21);
      GString *text = g_string_new (kind);

      /* "hail 1.75 in, 3 N Plano, 2024-04-28T20:10:00Z": what is known,
       * nothing made up for what is not. */
      if (sqlite3_column_type (stmt, 18) != SQLITE_NULL)
        g_string_append_printf (text, " %.2f%s%s", sqlite3_column_double (stmt, 18),
                                unit != NULL && unit[0] != '\0' ? " " : "", unit != NULL ? unit : "");
      if (location != NULL && location[0] != '\0')
        g_string_append_printf (text, ", %s", location);
      if (at != NULL && at[0] != '\0')
        g_string_append_printf (text, ", %s", at);
      info.nearest_report = g_string_free (text, FALSE);
    }
  return storm_property_new (&info);
}

gint64
storm_db_count_properties (StormDb *db,
                           gint64   storm_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = storm_db_prepare (db, "SELECT count(*) FROM storm_properties WHERE storm_id = ?1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  return 0;
}
