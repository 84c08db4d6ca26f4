#define G_LOG_DOMAIN "storm-import-leads"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storm-csv.h"
#include "storm-dash-private.h"
#include "storm-error.h"
#include "storm-import-leads.h"
#include "storm-store-leads.h"

struct _StormLeadMapping
{
  char       *columns[STORM_LEAD_N_COLUMNS];  /* header names chosen by the user */
  GHashTable *stages;                         /* their stage, case-folded → our code */
};

/* What --map calls each column, and the headers CRMs export it under. */
static const struct {
  const char *key;
  const char *aliases[6];
} columns[STORM_LEAD_N_COLUMNS] = {
  [STORM_LEAD_COLUMN_TITLE] = { "name", { "deal name", "title", "name", "opportunity name", "lead name", NULL } },
  [STORM_LEAD_COLUMN_COMPANY] = { "company", { "company", "company name", "associated company", "account name", "organization", NULL } },
  [STORM_LEAD_COLUMN_CONTACT] = { "contact", { "contact", "contact name", "associated contact", "person", NULL } },
  [STORM_LEAD_COLUMN_SOURCE] = { "source", { "source", "lead source", "original source", NULL } },
  [STORM_LEAD_COLUMN_STAGE] = { "stage", { "deal stage", "stage", "status", "pipeline stage", NULL } },
  [STORM_LEAD_COLUMN_VALUE] = { "value", { "amount", "value", "deal value", "deal amount", NULL } },
  [STORM_LEAD_COLUMN_OWNER] = { "owner", { "deal owner", "owner", "assigned to", NULL } },
  [STORM_LEAD_COLUMN_CREATED] = { "created", { "create date", "created", "created at", "created_at", "date created", NULL } },
  [STORM_LEAD_COLUMN_CLOSED] = { "closed", { "close date", "closed", "closed at", "closed_at", "date closed", NULL } },
};

StormLeadMapping *
storm_lead_mapping_new (void)
{
  StormLeadMapping *mapping = g_new0 (StormLeadMapping, 1);

  mapping->stages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return mapping;
}

void
storm_lead_mapping_free (StormLeadMapping *mapping)
{
  if (mapping == NULL)
    return;
  for (guint i = 0; i < STORM_LEAD_N_COLUMNS; i++)
    g_free (mapping->columns[i]);
  g_hash_table_unref (mapping->stages);
  g_free (mapping);
}

static char *
fold (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  return g_utf8_casefold (stripped, -1);
}

/* Splits "a=b,c=d" into pairs; FALSE on a part without "=". */
static gboolean
each_pair (const char  *spec,
           const char  *option,
           GPtrArray   *keys,
           GPtrArray   *values,
           GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (spec, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *eq = strchr (parts[i], '=');

      if (g_strstrip (parts[i])[0] == '\0')
        continue;
      if (eq == NULL || eq == parts[i] || eq[1] == '\0')
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                       _("%s: “%s” is not NAME=VALUE"), option, parts[i]);
          return FALSE;
        }
      g_ptr_array_add (keys, g_strstrip (g_strndup (parts[i], eq - parts[i])));
      g_ptr_array_add (values, g_strstrip (g_strdup (eq + 1)));
    }
  return TRUE;
}

gboolean
storm_lead_mapping_set_columns (StormLeadMapping  *mapping,
                                const char        *spec,
                                GError           **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  if (!each_pair (spec, "--map", keys, values, error))
    return FALSE;
  for (guint i = 0; i < keys->len; i++)
    {
      int c;

      for (c = 0; c < STORM_LEAD_N_COLUMNS; c++)
        if (g_ascii_strcasecmp (columns[c].key, keys->pdata[i]) == 0)
          break;
      if (c == STORM_LEAD_N_COLUMNS)
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                       _("--map: “%s” is not a lead field; use name, company, contact, source, stage, value, "
                         "owner, created or closed"),
                       (const char *) keys->pdata[i]);
          return FALSE;
        }
      g_free (mapping->columns[c]);
      mapping->columns[c] = fold (values->pdata[i]);
    }
  return TRUE;
}

gboolean
storm_lead_mapping_set_stages (StormLeadMapping  *mapping,
                               const char        *spec,
                               GError           **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  if (!each_pair (spec, "--stage-map", keys, values, error))
    return FALSE;
  for (guint i = 0; i < keys->len; i++)
    g_hash_table_replace (mapping->stages, fold (keys->pdata[i]), g_ascii_strup (values->pdata[i], -1));
  return TRUE;
}

/* "2024-03-05", "2024-03-05 14:22[:10]", ISO 8601, "03/05/2024"; NULL if
 * none of these. */
static char *
parse_date (const char *text)
{
  int y, m, d, hh = 0, mm = 0, ss = 0;
  gint64 t;

  if ((t = _storm_dash_parse_time (text)) != G_MININT64)
    return _storm_dash_iso (t);
  if (sscanf (text, "%4d-%2d-%2d %2d:%2d:%2d", &y, &m, &d, &hh, &mm, &ss) >= 3 ||
      sscanf (text, "%2d/%2d/%4d %2d:%2d", &m, &d, &y, &hh, &mm) >= 3)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_utc (y, m, d, hh, mm, ss);

      if (dt != NULL)
        return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
    }
  return NULL;
}

/* "$12,500.00" → 12500 */
static gboolean
parse_value (const char *text,
             double     *value)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  char *end = NULL;

  for (const char *p = text; *p != '\0'; p++)
    if (*p != '$' && *p != ',' && *p != ' ' && *p != '\xc2' && *p != '\xa0')
      g_string_append_c (digits, *p);
  if (digits->len == 0)
    return FALSE;
  *value = g_ascii_strtod (digits->str, &end);
  return end != NULL && *end == '\0' && *value >= 0;
}

typedef struct {
  char *code;
  char *kind;
} OurStage;

static void
our_stage_free (gpointer data)
{
  OurStage *stage = data;

  g_free (stage->code);
  g_free (stage->kind);
  g_free (stage);
}

static gboolean
fail_at (StormCsv    *csv,
         const char  *field,
         GError     **error,
         const char  *message)
{
  g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, _("%s, line %llu, field “%s”: %s"),
               storm_csv_get_name (csv), (unsigned long long) storm_csv_get_line (csv), field, message);
  return FALSE;
}

static gboolean
import_rows (StormDb                 *db,
             StormCsv                *csv,
             const StormLeadMapping  *mapping,
             gint64                  *n_added,
             GError                 **error)
{
  g_autoptr(GHashTable) ours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) stages = g_ptr_array_new_with_free_func (our_stage_free);
  /* g_autofree on an array would free only its first element; filled in
   * order, so the vector is NULL-terminated wherever the loop stops */
  g_auto(GStrv) names = g_new0 (char *, STORM_LEAD_N_COLUMNS + 1);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = _storm_dash_iso (g_get_real_time () / G_USEC_PER_SEC);
  int col_of[STORM_LEAD_N_COLUMNS];
  const char *first_stage = NULL;

  /* Our stages by code and by name. */
  stmt = storm_db_prepare (db, "SELECT code, name, kind FROM lead_stages ORDER BY position", error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      OurStage *stage = g_new0 (OurStage, 1);

      stage->code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      stage->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_ptr_array_add (stages, stage);
      g_hash_table_replace (ours, fold (stage->code), stage);
      g_hash_table_replace (ours, fold ((const char *) sqlite3_column_text (stmt, 1)), stage);
      if (first_stage == NULL)
        first_stage = stage->code;
    }

  /* The header: a mapped name, else the first alias present. */
  if (!storm_csv_next (csv, NULL, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, _("%s is empty"), storm_csv_get_name (csv));
      return FALSE;
    }
  for (int c = 0; c < STORM_LEAD_N_COLUMNS; c++)
    {
      col_of[c] = -1;
      for (guint i = 0; i < storm_csv_get_n_fields (csv) && col_of[c] < 0; i++)
        {
          g_autofree char *header = fold (storm_csv_get_field (csv, i));

          if (mapping != NULL && mapping->columns[c] != NULL)
            {
              if (g_str_equal (header, mapping->columns[c]))
                col_of[c] = (int) i;
            }
          else
            for (guint a = 0; columns[c].aliases[a] != NULL && col_of[c] < 0; a++)
              if (g_str_equal (header, columns[c].aliases[a]))
                col_of[c] = (int) i;
        }
      if (col_of[c] < 0 && mapping != NULL && mapping->columns[c] != NULL)
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, _("%s has no column “%s” (mapped to %s)"),
                       storm_csv_get_name (csv), mapping->columns[c], columns[c].key);
          return FALSE;
        }
      names[c] = g_strdup (col_of[c] >= 0 ? storm_csv_get_field (csv, col_of[c]) : columns[c].key);
    }
  if (col_of[STORM_LEAD_COLUMN_TITLE] < 0 && col_of[STORM_LEAD_COLUMN_COMPANY] < 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                   _("%s has no name or company column; name one with --map name=COLUMN"), storm_csv_get_name (csv));
      return FALSE;
    }
  storm_csv_use_as_header (csv);

  while (storm_csv_next (csv, NULL, error))
    {
      const char *f[STORM_LEAD_N_COLUMNS];
      g_autofree char *created = NULL;
      g_autofree char *closed = NULL;
      g_autofree char *their = NULL;
      OurStage *stage = NULL;
      double value = -1;
      gint64 id;

      for (int c = 0; c < STORM_LEAD_N_COLUMNS; c++)
        {
          f[c] = col_of[c] >= 0 ? storm_csv_get_field (csv, col_of[c]) : "";
          if (*f[c] == '\0')
            f[c] = NULL;
        }
      if (f[STORM_LEAD_COLUMN_TITLE] == NULL && f[STORM_LEAD_COLUMN_COMPANY] == NULL)
        return fail_at (csv, names[STORM_LEAD_COLUMN_TITLE], error, _("a lead needs a name or a company"));
      if (f[STORM_LEAD_COLUMN_STAGE] != NULL)
        {
          const char *code;

          their = fold (f[STORM_LEAD_COLUMN_STAGE]);
          code = mapping != NULL ? g_hash_table_lookup (mapping->stages, their) : NULL;
          if (code != NULL)
            {
              g_autofree char *code_folded = fold (code);

              if ((stage = g_hash_table_lookup (ours, code_folded)) == NULL)
                {
                  g_autofree char *message = g_strdup_printf (_("the stage map sends “%s” to “%s”, which is not one of our stages"),
                                                              f[STORM_LEAD_COLUMN_STAGE], code);

                  return fail_at (csv, names[STORM_LEAD_COLUMN_STAGE], error, message);
                }
            }
          else if ((stage = g_hash_table_lookup (ours, their)) == NULL)
            {
              g_autofree char *message = g_strdup_printf (_("“%s” is not one of our stages; map it, e.g. --stage-map '%s=QUALIFIED'"),
                                                          f[STORM_LEAD_COLUMN_STAGE], f[STORM_LEAD_COLUMN_STAGE]);

              return fail_at (csv, names[STORM_LEAD_COLUMN_STAGE], error, message);
            }
        }
      if (f[STORM_LEAD_COLUMN_VALUE] != NULL && !parse_value (f[STORM_LEAD_COLUMN_VALUE], &value))
        return fail_at (csv, names[STORM_LEAD_COLUMN_VALUE], error, _("not an amount"));
      if (f[STORM_LEAD_COLUMN_CREATED] != NULL && (created = parse_date (f[STORM_LEAD_COLUMN_CREATED])) == NULL)
        return fail_at (csv, names[STORM_LEAD_COLUMN_CREATED], error, _("not a date (use 2024-03-05 or 03/05/2024)"));
      if (f[STORM_LEAD_COLUMN_CLOSED] != NULL && (closed = parse_date (f[STORM_LEAD_COLUMN_CLOSED])) == NULL)
        return fail_at (csv, names[STORM_LEAD_COLUMN_CLOSED], error, _("not a date (use 2024-03-05 or 03/05/2024)"));
      if (created != NULL && closed != NULL && strcmp (closed, created) < 0)
        return fail_at (csv, names[STORM_LEAD_COLUMN_CLOSED], error, _("closed before it was created"));

      {
        StormLeadSpec spec = {
          .title = f[STORM_LEAD_COLUMN_TITLE] ? f[STORM_LEAD_COLUMN_TITLE] : f[STORM_LEAD_COLUMN_COMPANY],
          .company = f[STORM_LEAD_COLUMN_COMPANY],
          .contact = f[STORM_LEAD_COLUMN_CONTACT],
          .source = f[STORM_LEAD_COLUMN_SOURCE],
          .stage = first_stage,
          .value = value,
          .owner = f[STORM_LEAD_COLUMN_OWNER],
          .created_at = created ? created : now,
        };

        if ((id = storm_db_add_lead (db, &spec, "import", error)) == 0)
          return FALSE;
      }
      if (stage != NULL && g_strcmp0 (stage->code, first_stage) != 0)
        {
          const char *at = (closed != NULL && g_strcmp0 (stage->kind, "open") != 0) ? closed : (created ? created : now);

          if (!storm_db_set_lead_stage (db, id, stage->code, at, "import", error))
            return FALSE;
        }
      (*n_added)++;
    }
  return error == NULL || *error == NULL;
}

gint64
storm_import_leads_csv (StormDb                 *db,
                        const char              *path,
                        const StormLeadMapping  *mapping,
                        GError                 **error)
{
  g_autoptr(StormCsv) csv = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 n = 0;

  g_return_val_if_fail (db != NULL, -1);
  g_return_val_if_fail (path != NULL, -1);

  if ((csv = storm_csv_new_for_path (path, NULL, error)) == NULL)
    return -1;
  if (!storm_db_begin (db, error))
    return -1;
  if (!import_rows (db, csv, mapping, &n, &local_error) || !storm_db_commit (db, &local_error))
    {
      storm_db_rollback (db);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }
  return n;
}
