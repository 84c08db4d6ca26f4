#define G_LOG_DOMAIN "storm-store-records"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "storm-dash-private.h"
#include "storm-error.h"
#include "storm-store-records.h"

static const char * const levels[] = { "low", "medium", "high", NULL };
static const char * const level_labels[] = { N_("Low"), N_("Medium"), N_("High"), NULL };
static const char * const rungs[] = { "fast_cash_dfy", "productized", "premium_custom", NULL };
static const char * const rung_labels[] = { N_("Fast-cash done for you"), N_("Productized"), N_("Premium custom"), NULL };
static const char * const askings[] = { "under", "fair", "over", NULL };
static const char * const asking_labels[] = { N_("Under-asking"), N_("Fair"), N_("Over-asking"), NULL };

#define PACKAGES_SQL "SELECT id, name FROM service_packages ORDER BY name"

static gboolean package_check   (StormDb *, const StormRecordKind *, gint64, GHashTable *, const char **, GError **);
static gboolean risk_rule_place (StormDb *, const StormRecordKind *, gint64, GHashTable *, const char **, GError **);

static const StormField package_fields[] = {
  { "name", N_("Name"), STORM_FIELD_TEXT, TRUE },
  { "promise", N_("Promise"), STORM_FIELD_MULTILINE },
  { "scope", N_("Scope included"), STORM_FIELD_MULTILINE },
  { "exclusions", N_("Exclusions"), STORM_FIELD_MULTILINE },
  { "ideal_client", N_("Ideal client"), STORM_FIELD_TEXT },
  { "delivery_steps", N_("Delivery steps"), STORM_FIELD_MULTILINE },
  { "turnaround_days", N_("Turnaround (days)"), STORM_FIELD_NUMBER, FALSE, 1, 365 },
  { "revision_policy", N_("Revision policy"), STORM_FIELD_TEXT },
  { "price_min", N_("Lowest price"), STORM_FIELD_MONEY },
  { "price_max", N_("Highest price"), STORM_FIELD_MONEY },
  { "custom_upgrades", N_("Custom upgrades"), STORM_FIELD_MULTILINE },
};

static const StormField ladder_fields[] = {
  { "rung", N_("Rung"), STORM_FIELD_CHOICE, TRUE, 0, 0, rungs, rung_labels },
  { "package_id", N_("Package"), STORM_FIELD_REFERENCE, FALSE, 0, 0, NULL, NULL, PACKAGES_SQL },
  { "why", N_("Why this rung"), STORM_FIELD_MULTILINE },
  { "upgrade_path", N_("Upgrade path"), STORM_FIELD_MULTILINE },
  { "repeatability", N_("Repeatability (1–5)"), STORM_FIELD_NUMBER, FALSE, 1, 5 },
};

static const StormField expectation_fields[] = {
  { "taken_at", N_("Taken on"), STORM_FIELD_DATE, TRUE },
  { "requested_outcome", N_("Requested outcome"), STORM_FIELD_MULTILINE },
  { "realistic_range", N_("Realistic range"), STORM_FIELD_TEXT },
  { "risk_flags", N_("Risk flags"), STORM_FIELD_MULTILINE },
  { "asking", N_("Asking"), STORM_FIELD_CHOICE, FALSE, 0, 0, askings, asking_labels },
  { "actual_need", N_("What they actually need"), STORM_FIELD_MULTILINE },
  { "reset_script", N_("Reset script"), STORM_FIELD_MULTILINE },
};

static const StormField benchmark_fields[] = {
  { "name", N_("Stage name"), STORM_FIELD_TEXT, TRUE },
  { "benchmark_conversion", N_("Conversion to next stage (%)"), STORM_FIELD_PERCENT, FALSE, 0, 100 },
  { "benchmark_days", N_("Days in stage"), STORM_FIELD_DECIMAL, FALSE, 0.1, 3650 },
};

static const StormField risk_rule_fields[] = {
  { "position", N_("Position"), STORM_FIELD_NUMBER, TRUE, 1, 100000 },
  { "pattern", N_("Path pattern"), STORM_FIELD_TEXT, TRUE },
  { "category", N_("Category"), STORM_FIELD_TEXT, TRUE },
  { "level", N_("Risk level"), STORM_FIELD_CHOICE, TRUE, 0, 0, levels, level_labels },
};

static const StormField lead_fields[] = {
  { "title", N_("Title"), STORM_FIELD_TEXT, TRUE },
  { "company", N_("Company"), STORM_FIELD_TEXT },
  { "contact", N_("Contact"), STORM_FIELD_TEXT },
  { "source", N_("Source"), STORM_FIELD_TEXT },
  { "value", N_("Value"), STORM_FIELD_MONEY },
  { "offer_type", N_("Offer type"), STORM_FIELD_TEXT },
  { "package_id", N_("Package"), STORM_FIELD_REFERENCE, FALSE, 0, 0, NULL, NULL, PACKAGES_SQL },
  { "owner", N_("Owner"), STORM_FIELD_TEXT },
};

static const StormField result_fields[] = {
  { "target", N_("Result target"), STORM_FIELD_TEXT },
  { "metric", N_("Metric"), STORM_FIELD_TEXT },
  { "unit", N_("Unit"), STORM_FIELD_TEXT },
  { "baseline", N_("Baseline"), STORM_FIELD_DECIMAL },
  { "goal", N_("Goal"), STORM_FIELD_DECIMAL },
  { "current", N_("Current result"), STORM_FIELD_DECIMAL },
  { "interventions", N_("Interventions"), STORM_FIELD_MULTILINE },
  { "what_worked", N_("What worked"), STORM_FIELD_MULTILINE },
  { "what_failed", N_("What failed"), STORM_FIELD_MULTILINE },
  { "proof", N_("Proof (file or link)"), STORM_FIELD_TEXT },
  { "confidence", N_("Outcome confidence"), STORM_FIELD_CHOICE, FALSE, 0, 0, levels, level_labels },
  { "next_action", N_("Next action"), STORM_FIELD_MULTILINE },
};

static const StormField entry_fields[] = {
  { "at", N_("Date"), STORM_FIELD_DATE, TRUE },
  { "value", N_("Value"), STORM_FIELD_DECIMAL, TRUE },
  { "note", N_("Note"), STORM_FIELD_TEXT },
};

static const StormRecordKind kinds[] = {
  { "package", "service_packages", N_("service package"), N_("New Service Package"), N_("Edit Service Package"),
    NULL, TRUE, TRUE,
    package_fields, G_N_ELEMENTS (package_fields), package_check },
  { "offer-ladder", "offer_ladder", N_("offer ladder"), N_("New Offer Ladder"), N_("Edit Offer Ladder"),
    "lead_id", TRUE, TRUE,
    ladder_fields, G_N_ELEMENTS (ladder_fields), NULL },
  { "expectation", "expectation_snapshots", N_("expectation snapshot"), N_("New Expectation Snapshot"),
    N_("Edit Expectation Snapshot"),
    "lead_id", TRUE, TRUE,
    expectation_fields, G_N_ELEMENTS (expectation_fields), NULL },
  { "stage-benchmark", "lead_stages", N_("stage benchmark"), N_("New Stage Benchmark"), N_("Edit Stage Benchmark"),
    NULL, FALSE, FALSE,
    benchmark_fields, G_N_ELEMENTS (benchmark_fields), NULL },
  { "risk-rule", "risk_rules", N_("change-risk rule"), N_("New Change-Risk Rule"), N_("Edit Change-Risk Rule"),
    NULL, TRUE, TRUE,
    risk_rule_fields, G_N_ELEMENTS (risk_rule_fields), risk_rule_place },
  { "lead", "leads", N_("lead"), N_("New Lead"), N_("Edit Lead"),
    NULL, FALSE, TRUE,
    lead_fields, G_N_ELEMENTS (lead_fields), NULL },
  { "client-result", "client_results", N_("client result"), N_("Set Client Result"), N_("Edit Client Result"),
    "lead_id", TRUE, TRUE,
    result_fields, G_N_ELEMENTS (result_fields), NULL },
  { "result-entry", "client_result_entries", N_("result entry"), N_("Add Result Entry"), N_("Edit Result Entry"),
    "result_id", TRUE, TRUE,
    entry_fields, G_N_ELEMENTS (entry_fields), NULL },
};

const StormRecordKind *
storm_record_kind_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i].name, name) == 0)
      return &kinds[i];
  return NULL;
}

const StormField *
storm_record_kind_field (const StormRecordKind *kind,
                         const char            *column)
{
  g_return_val_if_fail (kind != NULL, NULL);

  for (guint i = 0; i < kind->n_fields; i++)
    if (g_strcmp0 (kind->fields[i].column, column) == 0)
      return &kind->fields[i];
  return NULL;
}

static gboolean
refuse (const StormField  *field,
        const char       **bad_column,
        GError           **error,
        const char        *message)
{
  g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, "%s: %s", _(field->label), message);
  if (bad_column != NULL)
    *bad_column = field->column;
  return FALSE;
}

/* As a person types it: 35, 4.5, 1200.25 — no float noise, no ".00". */
static char *
format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char *text = g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.2f", value));
  char *dot = strchr (text, '.');

  if (dot != NULL)
    {
      char *end = text + strlen (text) - 1;

      while (end > dot && *end == '0')
        *end-- = '\0';
      if (end == dot)
        *end = '\0';
    }
  return text;
}

/* The number in @text, or FALSE: "1,200", "$ 1200.50" for money. */
static gboolean
parse_number (const char *text,
              gboolean    money,
              double     *value)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  char *end = NULL;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || (money && (*p == '$' || *p == ',')))
        continue;
      g_string_append_c (clean, *p);
    }
  if (clean->len == 0)
    return FALSE;
  *value = g_ascii_strtod (clean->str, &end);
  return end != NULL && *end == '\0' && isfinite (*value);
}

static gboolean
choice_known (const StormField *field,
              const char       *text)
{
  for (guint i = 0; field->choices[i] != NULL; i++)
    if (g_str_equal (field->choices[i], text))
      return TRUE;
  return FALSE;
}

static gboolean
reference_known (StormDb          *db,
                 const StormField *field,
                 gint64            id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM (%s) WHERE id = ?1", field->choices_sql);

  return storm_db_count_rows (db, sql, id) == 1;
}

/* Binds @text for @field at @index, or refuses it. */
static gboolean
bind_value (StormDb           *db,
            sqlite3_stmt      *stmt,
            int                index,
            const StormField  *field,
            const char        *text,
            const char       **bad_column,
            GError           **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  double value = 0;

  if (field->kind == STORM_FIELD_MULTILINE && text != NULL)
    {
      g_free (trimmed);
      trimmed = g_strdup (text);
      g_strchomp (trimmed);
    }
  if (*trimmed == '\0')
    {
      if (field->required)
        return refuse (field, bad_column, error, _("fill this in."));
      sqlite3_bind_null (stmt, index);
      return TRUE;
    }
  if (!g_utf8_validate (trimmed, -1, NULL))
    return refuse (field, bad_column, error, _("this is not valid text."));

  switch (field->kind)
    {
    case STORM_FIELD_TEXT:
    case STORM_FIELD_MULTILINE:
      sqlite3_bind_text (stmt, index, trimmed, -1, SQLITE_TRANSIENT);
      return TRUE;

    case STORM_FIELD_NUMBER:
      {
        g_autofree char *message = NULL;
        char *end = NULL;
        gint64 n = g_ascii_strtoll (trimmed, &end, 10);

        if (end == NULL || *end != '\0')
          return refuse (field, bad_column, error, _("enter a whole number, like 7."));
        if (field->min < field->max && (n < field->min || n > field->max))
          {
            message = g_strdup_printf (_("enter a whole number from %lld to %lld."),
                                       (long long) field->min, (long long) field->max);
            return refuse (field, bad_column, error, message);
          }
        sqlite3_bind_int64 (stmt, index, n);
        return TRUE;
      }

    case STORM_FIELD_MONEY:
      if (!parse_number (trimmed, TRUE, &value) || value < 0)
        return refuse (field, bad_column, error, _("enter an amount of 0 or more, like 1200 or 1200.50."));
      sqlite3_bind_double (stmt, index, value);
      return TRUE;

    case STORM_FIELD_PERCENT:
      if (!parse_number (g_strdelimit (trimmed, "%", ' '), FALSE, &value) || value < 0 || value > 100)
        return refuse (field, bad_column, error, _("enter a percentage from 0 to 100."));
      sqlite3_bind_double (stmt, index, value / 100.0);
      return TRUE;

    case STORM_FIELD_DECIMAL:
      if (!parse_number (trimmed, FALSE, &value))
        return refuse (field, bad_column, error, _("enter a number, like 12 or 12.5."));
      if (field->min < field->max && (value < field->min || value > field->max))
        {
          g_autofree char *lo = format_number (field->min);
          g_autofree char *hi = format_number (field->max);
          g_autofree char *message = g_strdup_printf (_("enter a number from %s to %s."), lo, hi);

          return refuse (field, bad_column, error, message);
        }
      sqlite3_bind_double (stmt, index, value);
      return TRUE;

    case STORM_FIELD_CHOICE:
      if (!choice_known (field, trimmed))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) field->choices);
          g_autofree char *message = g_strdup_printf (_("“%s” is not one of %s."), trimmed, list);

          return refuse (field, bad_column, error, message);
        }
      sqlite3_bind_text (stmt, index, trimmed, -1, SQLITE_TRANSIENT);
      return TRUE;

    case STORM_FIELD_REFERENCE:
      {
        char *end = NULL;
        gint64 id = g_ascii_strtoll (trimmed, &end, 10);

        if (end == NULL || *end != '\0' || !reference_known (db, field, id))
          return refuse (field, bad_column, error, _("choose one from the list."));
        sqlite3_bind_int64 (stmt, index, id);
        return TRUE;
      }

    case STORM_FIELD_DATE:
      {
        gint64 t = _storm_dash_parse_time (trimmed);
        g_autofree char *iso = NULL;

        if (t == G_MININT64)
          return refuse (field, bad_column, error, _("enter a date like 2026-12-02 or 2026-12-02T14:00:00Z."));
        iso = _storm_dash_iso (t);
        sqlite3_bind_text (stmt, index, iso, -1, SQLITE_TRANSIENT);
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

static const char *
value_of (GHashTable *values,
          const char *column)
{
  return values != NULL ? g_hash_table_lookup (values, column) : NULL;
}

static gboolean
package_check (StormDb                *db,
               const StormRecordKind  *kind,
               gint64                  id,
               GHashTable             *values,
               const char            **bad_column,
               GError                **error)
{
  double lo, hi;
  const char *min_text = value_of (values, "price_min");
  const char *max_text = value_of (values, "price_max");

  if (min_text != NULL && max_text != NULL && parse_number (min_text, TRUE, &lo) && parse_number (max_text, TRUE, &hi)
      && hi < lo)
    return refuse (storm_record_kind_field (kind, "price_max"), bad_column, error,
                   _("it is below the lowest price."));
  return TRUE;
}

/* A rule put at a position another rule holds goes before it: the rules
 * from there on move down by one, in the same transaction. */
static gboolean
risk_rule_place (StormDb                *db,
                 const StormRecordKind  *kind,
                 gint64                  id,
                 GHashTable             *values,
                 const char            **bad_column,
                 GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *text = value_of (values, "position");
  gint64 position;

  if (text == NULL)
    return TRUE;
  position = g_ascii_strtoll (text, NULL, 10);
  stmt = storm_db_prepare (db, "SELECT count (*) FROM risk_rules WHERE position = ?1 AND id != ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, position);
  sqlite3_bind_int64 (stmt, 2, id);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int64 (stmt, 0) == 0)
    return TRUE;
  g_clear_pointer (&stmt, sqlite3_finalize);
  /* Two steps through negative positions: UNIQUE is checked row by row. */
  stmt = storm_db_prepare (db, "UPDATE risk_rules SET position = -position - 1 WHERE position >= ?1 AND id != ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, position);
  sqlite3_bind_int64 (stmt, 2, id);
  if (!_storm_dash_step (db, stmt, "moving change-risk rules", error))
    return FALSE;
  if (id != 0)
    {
      g_clear_pointer (&stmt, sqlite3_finalize);
      stmt = storm_db_prepare (db, "UPDATE risk_rules SET position = -1 WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!_storm_dash_step (db, stmt, "moving change-risk rules", error))
        return FALSE;
    }
  return storm_db_exec (db, "UPDATE risk_rules SET position = -position WHERE position < -1", error);
}

GHashTable *
storm_db_load_record (StormDb                *db,
                      const StormRecordKind  *kind,
                      gint64                  id,
                      GError                **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) values = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  for (guint i = 0; i < kind->n_fields; i++)
    g_string_append_printf (sql, "%s%s", i ? ", " : "", kind->fields[i].column);
  g_string_append_printf (sql, " FROM %s WHERE rowid = ?1", kind->table);
  if ((stmt = storm_db_prepare (db, sql->str, error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("There is no %s %lld any more."),
                   _(kind->title), (long long) id);
      return NULL;
    }
  values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < kind->n_fields; i++)
    {
      const StormField *field = &kind->fields[i];
      char *text;

      if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
        continue;
      switch (field->kind)
        {
        case STORM_FIELD_MONEY:
        case STORM_FIELD_DECIMAL:
          text = format_number (sqlite3_column_double (stmt, i));
          break;
        case STORM_FIELD_PERCENT:
          text = format_number (100.0 * sqlite3_column_double (stmt, i));
          break;
        default:
          text = g_strdup ((const char *) sqlite3_column_text (stmt, i));
        }
      g_hash_table_insert (values, (gpointer) field->column, text);
    }
  return g_steal_pointer (&values);
}

/* A constraint of the table that still refuses the row, said of its field. */
static void
constraint_error (StormDb                *db,
                  const StormRecordKind  *kind,
                  const char            **bad_column,
                  GError                **error)
{
  const char *message = sqlite3_errmsg (storm_db_handle (db));

  if (sqlite3_extended_errcode (storm_db_handle (db)) == SQLITE_CONSTRAINT_UNIQUE)
    for (guint i = 0; i < kind->n_fields; i++)
      {
        g_autofree char *qualified = g_strdup_printf ("%s.%s", kind->table, kind->fields[i].column);

        if (strstr (message, qualified) != NULL)
          {
            refuse (&kind->fields[i], bad_column, error, _("another record already has this value."));
            return;
          }
      }
  _storm_dash_fail (db, "saving a record", error);
}

gint64
storm_db_save_record (StormDb                *db,
                      const StormRecordKind  *kind,
                      gint64                  id,
                      gint64                  parent_id,
                      GHashTable             *values,
                      const char            **bad_column,
                      GError                **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int index = 1;

  g_return_val_if_fail (db != NULL, 0);
  g_return_val_if_fail (kind != NULL, 0);

  if (bad_column != NULL)
    *bad_column = NULL;
  if (id == 0 && !kind->can_add)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED, _("A new %s cannot be added here."), _(kind->title));
      return 0;
    }
  if (id == 0 && kind->parent_column != NULL && parent_id <= 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("Each %s belongs to a lead or a result; none was given."),
                   _(kind->title));
      return 0;
    }

  if (id != 0)
    {
      g_string_append_printf (sql, "UPDATE %s SET ", kind->table);
      for (guint i = 0; i < kind->n_fields; i++)
        g_string_append_printf (sql, "%s%s = ?%u", i ? ", " : "", kind->fields[i].column, i + 1);
      g_string_append_printf (sql, " WHERE rowid = ?%u", kind->n_fields + 1);
    }
  else
    {
      g_string_append_printf (sql, "INSERT INTO %s (", kind->table);
      for (guint i = 0; i < kind->n_fields; i++)
        g_string_append_printf (sql, "%s%s", i ? ", " : "", kind->fields[i].column);
      if (kind->parent_column != NULL)
        g_string_append_printf (sql, ", %s", kind->parent_column);
      g_string_append (sql, ") VALUES (");
      for (guint i = 0; i < kind->n_fields; i++)
        g_string_append_printf (sql, "%s?%u", i ? ", " : "", i + 1);
      if (kind->parent_column != NULL)
        g_string_append_printf (sql, ", ?%u", kind->n_fields + 1);
      g_string_append (sql, ")");
    }
  if ((stmt = storm_db_prepare (db, sql->str, error)) == NULL)
    return 0;
  for (guint i = 0; i < kind->n_fields; i++, index++)
    if (!bind_value (db, stmt, index, &kind->fields[i], value_of (values, kind->fields[i].column), bad_column, error))
      return 0;
  if (id != 0)
    sqlite3_bind_int64 (stmt, index, id);
  else if (kind->parent_column != NULL)
    sqlite3_bind_int64 (stmt, index, parent_id);

  if (id != 0)
    {
      g_autofree char *exists = g_strdup_printf ("SELECT count (*) FROM %s WHERE rowid = ?1", kind->table);

      if (storm_db_count_rows (db, exists, id) != 1)
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("There is no %s %lld any more."),
                       _(kind->title), (long long) id);
          return 0;
        }
    }

  if (!storm_db_begin (db, error))
    return 0;
  if (kind->before_write != NULL && !kind->before_write (db, kind, id, values, bad_column, error))
    goto fail;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      constraint_error (db, kind, bad_column, error);
      goto fail;
    }
  if (id == 0)
    id = sqlite3_last_insert_rowid (storm_db_handle (db));
  if (!storm_db_commit (db, error))
    goto fail;
  return id;

fail:
  storm_db_rollback (db);
  return 0;
}

gboolean
storm_db_delete_record (StormDb                *db,
                        const StormRecordKind  *kind,
                        gint64                  id,
                        GError                **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  if (!kind->can_delete)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED, _("This %s cannot be deleted."), _(kind->title));
      return FALSE;
    }
  sql = g_strdup_printf ("DELETE FROM %s WHERE rowid = ?1", kind->table);
  if ((stmt = storm_db_prepare (db, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!_storm_dash_step (db, stmt, "deleting a record", error))
    return FALSE;
  if (sqlite3_changes (storm_db_handle (db)) == 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("There is no %s %lld any more."),
                   _(kind->title), (long long) id);
      return FALSE;
    }
  return TRUE;
}
