#define G_LOG_DOMAIN "storm-store-jobs"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "storm-attribution.h"
#include "storm-error.h"
#include "storm-store-jobs.h"

static char *
dup_col (sqlite3_stmt *stmt,
         int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

void
storm_touch_free (StormTouch *touch)
{
  g_free (touch->channel);
  g_free (touch->at);
  g_free (touch->result);
  g_free (touch->source);
  g_free (touch);
}

void
storm_note_free (StormNote *note)
{
  g_free (note->body);
  g_free (note->created_at);
  g_free (note->updated_at);
  g_free (note);
}

void
storm_attachment_free (StormAttachment *attachment)
{
  g_free (attachment->file_name);
  g_free (attachment->stored_path);
  g_free (attachment->mime_type);
  g_free (attachment->added_at);
  g_free (attachment);
}

void
storm_follow_up_free (StormFollowUp *follow_up)
{
  g_free (follow_up->ext_id);
  g_free (follow_up->address);
  g_free (follow_up->due_on);
  g_free (follow_up->channel);
  g_free (follow_up->note);
  g_free (follow_up->status);
  g_free (follow_up);
}

void
storm_nurture_row_free (StormNurtureRow *row)
{
  g_free (row->ext_id);
  g_free (row->address);
  g_free (row->city);
  g_free (row->zip);
  g_free (row->next_follow_up);
  g_free (row);
}

static gboolean
check_channel (const char  *channel,
               GError     **error)
{
  StormChannel c;

  if (storm_channel_from_string (channel, &c))
    return TRUE;
  g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
               _("Unknown channel “%s”: use door_knock, call, sms, mailer, ads or referral."),
               channel ? channel : "");
  return FALSE;
}

gboolean
storm_db_add_touch (StormDb     *db,
                    gint64       storm_id,
                    gint64       property_id,
                    const char  *channel,
                    const char  *at,
                    const char  *result,
                    const char  *source,
                    const char  *actor,
                    gboolean    *added,
                    GError     **error)
{
  sqlite3_stmt *stmt;

  if (!check_channel (channel, error))
    return FALSE;
  stmt = storm_db_cached (db,
                          "INSERT OR IGNORE INTO touches (storm_id, property_id, channel, at, result, source, actor) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  sqlite3_bind_text (stmt, 3, channel, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, result, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, source ? source : "manual", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, actor, -1, SQLITE_STATIC);
  if (!storm_db_step_done (db, stmt, error))
    return FALSE;
  if (added != NULL)
    *added = sqlite3_changes (storm_db_handle (db)) > 0;
  return TRUE;
}

GPtrArray *
storm_db_list_touches (StormDb  *db,
                       gint64    storm_id,
                       gint64    property_id,
                       GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_touch_free);
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "SELECT id, channel, at, result, source FROM touches "
                          "WHERE storm_id = ?1 AND property_id = ?2 ORDER BY at, id",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      StormTouch *t = g_new0 (StormTouch, 1);

      t->id = sqlite3_column_int64 (stmt, 0);
      t->channel = dup_col (stmt, 1);
      t->at = dup_col (stmt, 2);
      t->result = dup_col (stmt, 3);
      t->source = dup_col (stmt, 4);
      g_ptr_array_add (list, t);
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

gint64
storm_db_add_note (StormDb     *db,
                   gint64       storm_id,
                   gint64       property_id,
                   const char  *body,
                   const char  *actor,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *trimmed = g_strstrip (g_strdup (body ? body : ""));

  if (trimmed[0] == '\0')
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("A note needs some text."));
      return 0;
    }
  stmt = storm_db_cached (db,
                          "INSERT INTO property_notes (storm_id, property_id, body, actor) VALUES (?1, ?2, ?3, ?4)",
                          error);
  if (stmt == NULL)
    return 0;
  if (storm_id > 0)
    sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  sqlite3_bind_text (stmt, 3, trimmed, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, actor, -1, SQLITE_STATIC);
  if (!storm_db_step_done (db, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (storm_db_handle (db));
}

gboolean
storm_db_update_note (StormDb     *db,
                      gint64       note_id,
                      const char  *body,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *trimmed = g_strstrip (g_strdup (body ? body : ""));

  if (trimmed[0] == '\0')
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("A note needs some text."));
      return FALSE;
    }
  stmt = storm_db_cached (db,
                          "UPDATE property_notes SET body = ?2, "
                          "  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, note_id);
  sqlite3_bind_text (stmt, 2, trimmed, -1, SQLITE_STATIC);
  if (!storm_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (storm_db_handle (db)) == 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("That note no longer exists."));
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
storm_db_list_notes (StormDb  *db,
                     gint64    property_id,
                     GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_note_free);
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "SELECT id, body, created_at, updated_at FROM property_notes "
                          "WHERE property_id = ?1 ORDER BY created_at DESC, id DESC",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, property_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      StormNote *n = g_new0 (StormNote, 1);

      n->id = sqlite3_column_int64 (stmt, 0);
      n->body = dup_col (stmt, 1);
      n->created_at = dup_col (stmt, 2);
      n->updated_at = dup_col (stmt, 3);
      g_ptr_array_add (list, n);
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

gint64
storm_db_add_attachment (StormDb     *db,
                         gint64       property_id,
                         const char  *source,
                         const char  *attachments_dir,
                         GError     **error)
{
  g_autoptr(GFile) src = g_file_new_for_path (source);
  g_autoptr(GFile) dest = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *base = g_path_get_basename (source);
  g_autofree char *stored_name = NULL;
  g_autofree char *stored_path = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  const char *content_type = NULL;

  if (g_mkdir_with_parents (attachments_dir, 0700) != 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                   _("Cannot create the attachments folder “%s”."), attachments_dir);
      return 0;
    }
  info = g_file_query_info (src, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL)
    content_type = g_file_info_get_content_type (info);

  /* Unique, readable name: <property>-<time>-<original name>. */
  stored_name = g_strdup_printf ("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "-%s",
                                 property_id, g_get_real_time (), base);
  stored_path = g_build_filename (attachments_dir, stored_name, NULL);
  dest = g_file_new_for_path (stored_path);
  if (!g_file_copy (src, dest, G_FILE_COPY_NONE, NULL, NULL, NULL, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                   _("Cannot copy “%s”: %s"), source, local_error->message);
      return 0;
    }
  stmt = storm_db_cached (db,
                          "INSERT INTO property_attachments (property_id, file_name, stored_path, mime_type) "
                          "VALUES (?1, ?2, ?3, ?4)",
                          error);
  if (stmt == NULL || !(sqlite3_bind_int64 (stmt, 1, property_id),
                        sqlite3_bind_text (stmt, 2, base, -1, SQLITE_STATIC),
                        sqlite3_bind_text (stmt, 3, stored_path, -1, SQLITE_STATIC),
                        sqlite3_bind_text (stmt, 4, content_type, -1, SQLITE_STATIC),
                        storm_db_step_done (db, stmt, error)))
    {
      g_file_delete (dest, NULL, NULL);
      return 0;
    }
  return sqlite3_last_insert_rowid (storm_db_handle (db));
}

GPtrArray *
storm_db_list_attachments (StormDb  *db,
                           gint64    property_id,
                           GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_attachment_free);
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "SELECT id, file_name, stored_path, mime_type, added_at FROM property_attachments "
                          "WHERE property_id = ?1 ORDER BY added_at, id",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, property_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      StormAttachment *a = g_new0 (StormAttachment, 1);

      a->id = sqlite3_column_int64 (stmt, 0);
      a->file_name = dup_col (stmt, 1);
      a->stored_path = dup_col (stmt, 2);
      a->mime_type = dup_col (stmt, 3);
      a->added_at = dup_col (stmt, 4);
      g_ptr_array_add (list, a);
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

static gboolean
valid_date (const char *text)
{
  int y, m, d;
  char tail;

  return text != NULL && sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
         g_date_valid_dmy (d, m, y);
}

gint64
storm_db_schedule_follow_up (StormDb     *db,
                             gint64       storm_id,
                             gint64       property_id,
                             const char  *due_on,
                             const char  *channel,
                             const char  *note,
                             GError     **error)
{
  sqlite3_stmt *stmt;

  if (!valid_date (due_on))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("The due date “%s” is not a date like 2024-05-31."), due_on ? due_on : "");
      return 0;
    }
  if (!check_channel (channel, error))
    return 0;
  stmt = storm_db_cached (db,
                          "INSERT INTO follow_ups (storm_id, property_id, due_on, channel, note) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)",
                          error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  sqlite3_bind_text (stmt, 3, due_on, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, channel, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, note, -1, SQLITE_STATIC);
  if (!storm_db_step_done (db, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (storm_db_handle (db));
}

gboolean
storm_db_set_follow_up_status (StormDb     *db,
                               gint64       follow_up_id,
                               const char  *status,
                               GError     **error)
{
  sqlite3_stmt *stmt = storm_db_cached (db, "UPDATE follow_ups SET status = ?2 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, follow_up_id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  return storm_db_step_done (db, stmt, error);
}

GPtrArray *
storm_db_list_follow_ups (StormDb     *db,
                          gint64       storm_id,
                          const char  *until,
                          GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_follow_up_free);
  sqlite3_stmt *stmt;

  stmt = storm_db_cached (db,
                          "SELECT f.id, f.property_id, p.ext_id, p.address, f.due_on, f.channel, f.note, f.status "
                          "FROM follow_ups f JOIN properties p ON p.id = f.property_id "
                          "WHERE f.storm_id = ?1 AND f.status = 'open' AND (?2 IS NULL OR f.due_on <= ?2) "
                          "ORDER BY f.due_on, f.id",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_text (stmt, 2, until, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      StormFollowUp *f = g_new0 (StormFollowUp, 1);

      f->id = sqlite3_column_int64 (stmt, 0);
      f->property_id = sqlite3_column_int64 (stmt, 1);
      f->ext_id = dup_col (stmt, 2);
      f->address = dup_col (stmt, 3);
      f->due_on = dup_col (stmt, 4);
      f->channel = dup_col (stmt, 5);
      f->note = dup_col (stmt, 6);
      f->status = dup_col (stmt, 7);
      g_ptr_array_add (list, f);
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

#define NURTURE_QUERY \
  "SELECT d.property_id, p.ext_id, p.address, p.city, p.zip, d.uplift, " \
  "  (SELECT count (*) FROM touches t WHERE t.storm_id = e.storm_id AND t.property_id = d.property_id), " \
  "  (SELECT min (due_on) FROM follow_ups f WHERE f.storm_id = e.storm_id AND f.property_id = d.property_id " \
  "     AND f.status = 'open') " \
  "FROM policy_decisions_log d " \
  "JOIN policy_executions e ON e.id = d.execution_id AND e.storm_id = ?1 AND e.is_current = 1 " \
  "JOIN properties p ON p.id = d.property_id " \
  "WHERE d.decision = 'treat' AND d.uplift >= ?2 AND NOT EXISTS (" \
  "  SELECT 1 FROM policy_outcomes o WHERE o.storm_id = e.storm_id AND o.property_id = d.property_id " \
  "    AND o.is_current = 1 AND o.converted = 1) " \
  "ORDER BY d.uplift DESC, d.property_id"

GArray *
storm_db_nurture_candidates (StormDb  *db,
                             gint64    storm_id,
                             double    min_uplift,
                             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  stmt = storm_db_prepare (db, NURTURE_QUERY, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_double (stmt, 2, min_uplift);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "listing nurture candidates");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

GPtrArray *
storm_db_list_nurture (StormDb       *db,
                       gint64         storm_id,
                       double         min_uplift,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_nurture_row_free);
  int rc;

  stmt = storm_db_prepare (db, NURTURE_QUERY, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_double (stmt, 2, min_uplift);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StormNurtureRow *row = g_new0 (StormNurtureRow, 1);

      row->property_id = sqlite3_column_int64 (stmt, 0);
      row->ext_id = dup_col (stmt, 1);
      row->address = dup_col (stmt, 2);
      row->city = dup_col (stmt, 3);
      row->zip = dup_col (stmt, 4);
      row->uplift = sqlite3_column_double (stmt, 5);
      row->n_touches = sqlite3_column_int64 (stmt, 6);
      row->next_follow_up = dup_col (stmt, 7);
      g_ptr_array_add (list, row);
      if (list->len % 4096 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "listing nurture candidates");
      return NULL;
    }
  return g_steal_pointer (&list);
}

static void
csv_field (GString    *out,
           const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

gboolean
storm_db_export_nurture_csv (StormDb     *db,
                             gint64       storm_id,
                             double       min_uplift,
                             const char  *path,
                             gint64      *n_rows,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) out = g_string_new ("property_id,address,city,zip,uplift,touches,next_follow_up\r\n");
  g_autoptr(GError) local_error = NULL;
  gint64 rows = 0;
  int rc;

  stmt = storm_db_prepare (db, NURTURE_QUERY, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_double (stmt, 2, min_uplift);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char uplift[G_ASCII_DTOSTR_BUF_SIZE];

      csv_field (out, (const char *) sqlite3_column_text (stmt, 1));
      g_string_append_c (out, ',');
      csv_field (out, (const char *) sqlite3_column_text (stmt, 2));
      g_string_append_c (out, ',');
      csv_field (out, (const char *) sqlite3_column_text (stmt, 3));
      g_string_append_c (out, ',');
      csv_field (out, (const char *) sqlite3_column_text (stmt, 4));
      g_string_append_printf (out, ",%s,%" G_GINT64_FORMAT ",",
                              g_ascii_formatd (uplift, sizeof uplift, "%.4f", sqlite3_column_double (stmt, 5)),
                              (gint64) sqlite3_column_int64 (stmt, 6));
      csv_field (out, (const char *) sqlite3_column_text (stmt, 7));
      g_string_append (out, "\r\n");
      rows++;
    }
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "exporting nurture list");
  if (!g_file_set_contents_full (path, out->str, out->len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED, _("Cannot write “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  if (n_rows != NULL)
    *n_rows = rows;
  return TRUE;
}
