#define G_LOG_DOMAIN "storm-store-info"

#include "config.h"

#include "storm-store-info.h"

static void
table_count_clear (gpointer data)
{
  StormTableCount *count = data;

  g_clear_pointer (&count->table, g_free);
}

GArray *
storm_db_count_tables (StormDb  *db,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) tables = NULL;
  g_autoptr(GArray) counts = g_array_new (FALSE, TRUE, sizeof (StormTableCount));
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  g_array_set_clear_func (counts, table_count_clear);
  tables = storm_db_prepare (db,
                             "SELECT name FROM sqlite_schema "
                             "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                             error);
  if (tables == NULL)
    return NULL;
  while ((rc = sqlite3_step (tables)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (tables, 0);
      g_autoptr(GString) quoted = g_string_new ("\"");
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) count = NULL;
      StormTableCount item = { 0 };

      /* A table name cannot be a bound parameter: it is quoted as an
       * identifier instead, and it comes from the schema, not the user. */
      for (const char *p = name; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (quoted, '"');
          g_string_append_c (quoted, *p);
        }
      g_string_append_c (quoted, '"');
      sql = g_strdup_printf ("SELECT count(*) FROM %s", quoted->str);
      count = storm_db_prepare (db, sql, error);
      if (count == NULL)
        return NULL;
      if (sqlite3_step (count) != SQLITE_ROW)
        {
          storm_db_fail (db, error, "counting rows");
          return NULL;
        }
      item.table = g_strdup (name);
      item.rows = sqlite3_column_int64 (count, 0);
      g_array_append_val (counts, item);
    }
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "reading the schema");
      return NULL;
    }
  return g_steal_pointer (&counts);
}
