#define G_LOG_DOMAIN "storm-import-outcomes"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "storm-csv.h"
#include "storm-error.h"
#include "storm-import-outcomes.h"
#include "storm-import-private.h"
#include "storm-outcomes.h"
#include "storm-store-jobs.h"
#include "storm-store-storms.h"

typedef enum {
  KIND_OUTCOMES,
  KIND_TOUCHES,
} Kind;

enum {
  COL_PROPERTY,
  COL_CONVERTED,
  COL_VALUE,
  COL_DATE,
  COL_CHANNEL,
  COL_RESULT,
  N_COLS
};

static const char * const aliases[N_COLS][4] = {
  [COL_PROPERTY] = { "property_id", "id", "ext_id", "property" },
  [COL_CONVERTED] = { "converted", "conversion", "signed", NULL },
  [COL_VALUE] = { "value", "amount", "revenue", NULL },
  [COL_DATE] = { "date", "at", "occurred_at", "when" },
  [COL_CHANNEL] = { "channel", NULL, NULL, NULL },
  [COL_RESULT] = { "result", "outcome", NULL, NULL },
};

static gboolean
parse_bool (const char *text,
            gboolean   *value)
{
  static const char * const yes[] = { "1", "yes", "y", "true", "t", "converted", "signed" };
  static const char * const no[] = { "0", "no", "n", "false", "f", "not_converted", "lost" };
  g_autofree char *raw = g_strdup (text);
  g_autofree char *lower = g_ascii_strdown (g_strstrip (raw), -1);

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (g_str_equal (lower, yes[i]))
      return (*value = TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (g_str_equal (lower, no[i]))
      {
        *value = FALSE;
        return TRUE;
      }
  return FALSE;
}

/* "2024-05-01" or "2024-05-01T18:30:00Z"/with offset: kept as given. */
static gboolean
valid_when (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;

  if (_storm_is_iso_date (text))
    return TRUE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  return dt != NULL;
}

static gboolean
map_header (StormCsv  *csv,
            Kind       kind,
            int        cols[N_COLS],
            GError   **error)
{
  StormImportPlace place = { storm_csv_get_name (csv), storm_csv_get_line (csv) };

  for (int c = 0; c < N_COLS; c++)
    cols[c] = -1;
  for (guint i = 0; i < storm_csv_get_n_fields (csv); i++)
    {
      g_autofree char *raw = g_strdup (storm_csv_get_field (csv, i));
      g_autofree char *name = g_ascii_strdown (g_strstrip (raw), -1);

      for (int c = 0; c < N_COLS; c++)
        for (guint a = 0; a < 4 && aliases[c][a] != NULL; a++)
          if (cols[c] < 0 && g_str_equal (name, aliases[c][a]))
            cols[c] = i;
    }
  if (cols[COL_PROPERTY] < 0)
    {
      _storm_import_error (error, &place, NULL, _("the header has no “property_id” column"));
      return FALSE;
    }
  if (kind == KIND_OUTCOMES && cols[COL_CONVERTED] < 0)
    {
      _storm_import_error (error, &place, NULL, _("the header has no “converted” column"));
      return FALSE;
    }
  if (kind == KIND_TOUCHES && (cols[COL_CHANNEL] < 0 || cols[COL_DATE] < 0))
    {
      _storm_import_error (error, &place, NULL, _("the header needs “channel” and “at” columns"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_rows (StormDb            *db,
             StormCsv           *csv,
             Kind                kind,
             gint64              storm_id,
             StormImportResult  *result,
             GCancellable       *cancellable,
             StormProgress      *progress,
             GError            **error)
{
  g_autoptr(sqlite3_stmt) member = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int cols[N_COLS];
  GError *local_error = NULL;

  if (!storm_csv_next (csv, cancellable, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, STORM_ERROR, STORM_ERROR_PARSE,
                     _("%s: the file is empty; expected a header line"), storm_csv_get_name (csv));
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (!map_header (csv, kind, cols, error))
    return FALSE;
  /* Messages name a field as the file's header does ("at", "amount"),
   * also when the reader rejects a record. */
  storm_csv_use_as_header (csv);
  for (int c = 0; c < N_COLS; c++)
    g_ptr_array_add (names, cols[c] >= 0 ? g_strstrip (g_strdup (storm_csv_get_field (csv, cols[c])))
                                         : g_strdup (aliases[c][0]));

  member = storm_db_prepare (db,
                             "SELECT p.id FROM properties p JOIN storm_properties sp ON sp.property_id = p.id "
                             "WHERE p.ext_id = ?1 AND sp.storm_id = ?2",
                             error);
  if (member == NULL)
    return FALSE;

  while (storm_csv_next (csv, cancellable, &local_error))
    {
      StormImportPlace place = { storm_csv_get_name (csv), storm_csv_get_line (csv) };
      g_autofree char *ext_id = g_strstrip (g_strdup (storm_csv_get_field (csv, cols[COL_PROPERTY])));
      g_autofree char *when = g_strstrip (g_strdup (cols[COL_DATE] >= 0 ? storm_csv_get_field (csv, cols[COL_DATE]) : ""));
      gint64 property_id = 0;

      result->n_rows++;
      if (ext_id[0] == '\0')
        {
          _storm_import_error (error, &place, g_ptr_array_index (names, COL_PROPERTY), _("is empty"));
          return FALSE;
        }
      sqlite3_bind_text (member, 1, ext_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (member, 2, storm_id);
      if (sqlite3_step (member) == SQLITE_ROW)
        property_id = sqlite3_column_int64 (member, 0);
      sqlite3_reset (member);
      if (property_id == 0)
        {
          _storm_import_error (error, &place, g_ptr_array_index (names, COL_PROPERTY), _("“%s” is not a property of this storm"), ext_id);
          return FALSE;
        }
      if (when[0] != '\0' && !valid_when (when))
        {
          _storm_import_error (error, &place, g_ptr_array_index (names, COL_DATE),
                               _("“%s” is not a date like 2024-05-01 or 2024-05-01T18:30:00Z"), when);
          return FALSE;
        }

      if (kind == KIND_OUTCOMES)
        {
          StormOutcome outcome = { .property_id = property_id, .value = NAN, .source = "csv", .actor = "import" };
          const char *converted = storm_csv_get_field (csv, cols[COL_CONVERTED]);
          StormOutcomeChange change;

          if (!parse_bool (converted, &outcome.converted))
            {
              _storm_import_error (error, &place, g_ptr_array_index (names, COL_CONVERTED), _("“%s” is not yes/no or 1/0"), converted);
              return FALSE;
            }
          if (cols[COL_VALUE] >= 0 && !_storm_text_is_blank (storm_csv_get_field (csv, cols[COL_VALUE])))
            {
              const char *value = storm_csv_get_field (csv, cols[COL_VALUE]);

              if (!_storm_parse_double (value, &outcome.value) || outcome.value < 0)
                {
                  _storm_import_error (error, &place, g_ptr_array_index (names, COL_VALUE), _("“%s” is not an amount of zero or more"), value);
                  return FALSE;
                }
            }
          outcome.occurred_at = when[0] != '\0' ? when : NULL;
          if (!storm_outcome_record (db, storm_id, &outcome, &change, error))
            return FALSE;
          if (change == STORM_OUTCOME_INSERTED)
            result->n_inserted++;
          else if (change == STORM_OUTCOME_CORRECTED)
            result->n_updated++;
          else
            result->n_duplicates++;
        }
      else
        {
          g_autofree char *channel = g_strstrip (g_strdup (storm_csv_get_field (csv, cols[COL_CHANNEL])));
          const char *touch_result = cols[COL_RESULT] >= 0 ? storm_csv_get_field (csv, cols[COL_RESULT]) : "";
          g_autoptr(GError) channel_error = NULL;
          gboolean added = FALSE;

          if (when[0] == '\0')
            {
              _storm_import_error (error, &place, g_ptr_array_index (names, COL_DATE), _("is empty; a touch needs its time"));
              return FALSE;
            }
          if (!storm_db_add_touch (db, storm_id, property_id, channel, when,
                                   _storm_text_is_blank (touch_result) ? NULL : touch_result,
                                   "csv", "import", &added, &channel_error))
            {
              if (g_error_matches (channel_error, STORM_ERROR, STORM_ERROR_INVALID))
                _storm_import_error (error, &place, g_ptr_array_index (names, COL_CHANNEL), "%s", channel_error->message);
              else
                g_propagate_error (error, g_steal_pointer (&channel_error));
              return FALSE;
            }
          if (added)
            result->n_inserted++;
          else
            result->n_duplicates++;
        }
      storm_progress_report (progress, storm_csv_get_fraction (csv), NULL);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_file (StormDb            *db,
             const char         *path,
             const char         *storm_code,
             Kind                kind,
             StormImportResult  *result,
             GCancellable       *cancellable,
             StormProgress      *progress,
             GError            **error)
{
  const char *action = kind == KIND_OUTCOMES ? "import-outcomes" : "import-touches";
  g_autoptr(StormCsv) csv = NULL;
  gint64 started = g_get_monotonic_time ();
  GError *local_error = NULL;
  gint64 storm_id;

  g_return_val_if_fail (result != NULL, FALSE);

  storm_id = storm_db_find_storm (db, storm_code);
  if (storm_id == 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("There is no storm “%s”. List the storms with “stormops storms”."), storm_code);
      return FALSE;
    }
  result->storm_id = storm_id;

  csv = storm_csv_new_for_path (path, cancellable, &local_error);
  if (csv == NULL || !storm_db_begin (db, &local_error) ||
      !import_rows (db, csv, kind, storm_id, result, cancellable, progress, &local_error) ||
      !storm_db_commit (db, &local_error))
    {
      storm_db_rollback (db);
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_clear_error (&local_error);
          g_set_error (&local_error, STORM_ERROR, STORM_ERROR_CANCELLED, _("The import was cancelled; nothing was kept."));
        }
      _storm_import_log (db, action, path, g_cancellable_is_cancelled (cancellable) ? "cancelled" : "failed",
                         started, result, local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  _storm_import_log (db, action, path, "ok", started, result, NULL);
  storm_progress_report (progress, 1.0, NULL);
  return TRUE;
}

gboolean
storm_import_outcomes (StormDb            *db,
                       const char         *path,
                       const char         *storm_code,
                       StormImportResult  *result,
                       GCancellable       *cancellable,
                       StormProgress      *progress,
                       GError            **error)
{
  return import_file (db, path, storm_code, KIND_OUTCOMES, result, cancellable, progress, error);
}

gboolean
storm_import_touches (StormDb            *db,
                      const char         *path,
                      const char         *storm_code,
                      StormImportResult  *result,
                      GCancellable       *cancellable,
                      StormProgress      *progress,
                      GError            **error)
{
  return import_file (db, path, storm_code, KIND_TOUCHES, result, cancellable, progress, error);
}
