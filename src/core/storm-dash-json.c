#define G_LOG_DOMAIN "storm-dash-json"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-dash-json.h"
#include "storm-dash-private.h"
#include "storm-error.h"

/* Parents before children, so that import can insert in this order and
 * delete in the reverse one. */
static const char * const tables[] = {
  "lead_stages",
  "service_packages",
  "leads",
  "lead_stage_history",
  "lead_touches",
  "approvals",
  "proposals",
  "runs",
  "integrations",
  "client_results",
  "client_result_entries",
  "reusable_assets",
  "offer_ladder",
  "expectation_snapshots",
  "risk_rules",
  "agent_jobs",
  "template_starters",
  "template_starter_leads",
  NULL,
};

/* Columns never exported: a run's event belongs to this database only. */
static gboolean
skipped (const char *table,
         const char *column)
{
  return g_str_equal (table, "runs") && g_str_equal (column, "event_id");
}

/* Configuration kept when the file does not carry it. */
static gboolean
kept_when_absent (const char *table)
{
  return g_str_equal (table, "lead_stages") || g_str_equal (table, "risk_rules");
}

const char * const *
storm_dash_tables (void)
{
  return tables;
}

static GPtrArray *
table_columns (StormDb     *db,
               const char  *table,
               GError     **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (%s)", table);
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, error);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 1);

      if (!skipped (table, name))
        g_ptr_array_add (columns, g_strdup (name));
    }
  return g_steal_pointer (&columns);
}

JsonNode *
storm_dash_export (StormDb  *db,
                   GError  **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (db != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, STORM_DASH_JSON_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "tables");
  json_builder_begin_object (builder);
  for (guint t = 0; tables[t] != NULL; t++)
    {
      g_autoptr(GPtrArray) columns = table_columns (db, tables[t], error);
      g_autoptr(GString) sql = g_string_new ("SELECT ");
      g_autoptr(sqlite3_stmt) stmt = NULL;
      int rc;

      if (columns == NULL)
        return NULL;
      for (guint c = 0; c < columns->len; c++)
        g_string_append_printf (sql, "%s\"%s\"", c ? ", " : "", (const char *) columns->pdata[c]);
      g_string_append_printf (sql, " FROM %s ORDER BY 1, 2", tables[t]);
      if ((stmt = storm_db_prepare (db, sql->str, error)) == NULL)
        return NULL;

      json_builder_set_member_name (builder, tables[t]);
      json_builder_begin_array (builder);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          json_builder_begin_object (builder);
          for (guint c = 0; c < columns->len; c++)
            {
              json_builder_set_member_name (builder, columns->pdata[c]);
              switch (sqlite3_column_type (stmt, c))
                {
                case SQLITE_INTEGER:
                  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, c));
                  break;
                case SQLITE_FLOAT:
                  json_builder_add_double_value (builder, sqlite3_column_double (stmt, c));
                  break;
                case SQLITE_NULL:
                  json_builder_add_null_value (builder);
                  break;
                default:
                  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, c));
                  break;
                }
            }
          json_builder_end_object (builder);
        }
      if (rc != SQLITE_DONE)
        {
          storm_db_fail (db, error, "exporting the dashboards");
          return NULL;
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
storm_dash_export_file (StormDb     *db,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(JsonNode) root = storm_dash_export (db, error);
  g_autoptr(JsonGenerator) generator = NULL;

  if (root == NULL)
    return FALSE;
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  return json_generator_to_file (generator, path, error);
}

static gboolean
bad_input (GError     **error,
           const char  *name,
           const char  *where,
           const char  *message)
{
  g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, "%s: %s: %s", name, where, message);
  return FALSE;
}

static gboolean
insert_row (StormDb     *db,
            const char  *table,
            GPtrArray   *columns,
            JsonObject  *row,
            const char  *name,
            const char  *where,
            GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (row);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  guint n = 0;

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (row, l->data);
      gboolean known = FALSE;

      for (guint c = 0; c < columns->len && !known; c++)
        known = g_str_equal (columns->pdata[c], l->data);
      if (!known)
        {
          g_autofree char *message = g_strdup_printf (_("unknown field “%s”"), (const char *) l->data);
          return bad_input (error, name, where, message);
        }
      if (!JSON_NODE_HOLDS_VALUE (value) && !JSON_NODE_HOLDS_NULL (value))
        {
          g_autofree char *message = g_strdup_printf (_("field “%s” must be a string, a number, true/false or null"),
                                                      (const char *) l->data);
          return bad_input (error, name, where, message);
        }
      g_string_append_printf (sql, "%s\"%s\"", n ? ", " : "", (const char *) l->data);
      g_string_append_printf (values, "%s?%u", n ? ", " : "", n + 1);
      n++;
    }
  if (n == 0)
    return bad_input (error, name, where, _("the row is empty"));
  g_string_prepend (sql, "\" (");
  g_string_prepend (sql, table);
  g_string_prepend (sql, "INSERT INTO \"");
  g_string_append_printf (sql, ") VALUES (%s)", values->str);
  if ((stmt = storm_db_prepare (db, sql->str, error)) == NULL)
    return FALSE;

  n = 0;
  for (GList *l = members; l != NULL; l = l->next, n++)
    {
      JsonNode *value = json_object_get_member (row, l->data);

      if (JSON_NODE_HOLDS_NULL (value))
        continue;
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_INT64:
          sqlite3_bind_int64 (stmt, n + 1, json_node_get_int (value));
          break;
        case G_TYPE_DOUBLE:
          sqlite3_bind_double (stmt, n + 1, json_node_get_double (value));
          break;
        case G_TYPE_BOOLEAN:
          sqlite3_bind_int (stmt, n + 1, json_node_get_boolean (value) ? 1 : 0);
          break;
        default:
          sqlite3_bind_text (stmt, n + 1, json_node_get_string (value), -1, SQLITE_TRANSIENT);
          break;
        }
    }
  if (!_storm_dash_step (db, stmt, "importing", &local_error))
    {
      /* Name the row; the store's sentence names the field or the rule. */
      g_set_error (error, STORM_ERROR,
                   local_error->code == STORM_ERROR_REFUSED ? STORM_ERROR_REFUSED : STORM_ERROR_INVALID,
                   "%s: %s: %s", name, where, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_tables (StormDb     *db,
               JsonObject  *data,
               const char  *name,
               GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (data);
  guint n_tables;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (tables, l->data))
      {
        g_autofree char *message = g_strdup_printf (_("unknown table “%s”"), (const char *) l->data);
        return bad_input (error, name, "tables", message);
      }

  n_tables = g_strv_length ((char **) tables);
  for (guint t = n_tables; t-- > 0;)
    {
      g_autofree char *sql = NULL;

      if (kept_when_absent (tables[t]) && !json_object_has_member (data, tables[t]))
        continue;
      sql = g_strdup_printf ("DELETE FROM %s", tables[t]);
      if (!storm_db_exec (db, sql, error))
        return FALSE;
    }

  for (guint t = 0; tables[t] != NULL; t++)
    {
      g_autoptr(GPtrArray) columns = NULL;
      JsonNode *node = json_object_get_member (data, tables[t]);
      JsonArray *rows;

      if (node == NULL)
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_autofree char *where = g_strdup_printf ("tables.%s", tables[t]);

          return bad_input (error, name, where, _("must be an array of rows"));
        }
      if ((columns = table_columns (db, tables[t], error)) == NULL)
        return FALSE;
      rows = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonNode *row = json_array_get_element (rows, i);
          g_autofree char *where = g_strdup_printf ("tables.%s[%u]", tables[t], i);

          if (!JSON_NODE_HOLDS_OBJECT (row))
            return bad_input (error, name, where, _("a row must be an object"));
          if (!insert_row (db, tables[t], columns, json_node_get_object (row), name, where, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
storm_dash_import (StormDb     *db,
                   JsonNode    *root,
                   const char  *name,
                   GError     **error)
{
  JsonObject *object;
  JsonNode *data;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return bad_input (error, name, "/", _("expected an object with “format” and “tables”"));
  object = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "format", NULL), STORM_DASH_JSON_FORMAT) != 0)
    return bad_input (error, name, "format", _("this is not a StormOps dashboards file (format “stormops-dashboards”)"));
  if (json_object_get_int_member_with_default (object, "version", 0) != 1)
    return bad_input (error, name, "version", _("only version 1 is known; update StormOps to read this file"));
  data = json_object_get_member (object, "tables");
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return bad_input (error, name, "tables", _("must be an object of tables"));

  if (!storm_db_begin (db, error))
    return FALSE;
  if (!import_tables (db, json_node_get_object (data), name, error) ||
      !storm_db_commit (db, error))
    {
      storm_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
storm_dash_import_file (StormDb     *db,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_path_get_basename (path);

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, "%s: %s", name, local_error->message);
      return FALSE;
    }
  return storm_dash_import (db, json_parser_get_root (parser), name, error);
}
