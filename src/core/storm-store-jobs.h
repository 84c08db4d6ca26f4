#pragma once

#include <gio/gio.h>

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Field work on properties: touches, notes, attachments, follow-ups. */

typedef struct
{
  gint64  id;
  char   *channel;
  char   *at;
  char   *result;
  char   *source;
} StormTouch;

typedef struct
{
  gint64  id;
  char   *body;
  char   *created_at;
  char   *updated_at;
} StormNote;

typedef struct
{
  gint64  id;
  char   *file_name;
  char   *stored_path;
  char   *mime_type;
  char   *added_at;
} StormAttachment;

typedef struct
{
  gint64  id;
  gint64  property_id;
  char   *ext_id;
  char   *address;
  char   *due_on;
  char   *channel;
  char   *note;
  char   *status;
} StormFollowUp;

/* Touches: the same (property, channel, time) twice is one touch. */
gboolean   storm_db_add_touch       (StormDb     *db,
                                     gint64       storm_id,
                                     gint64       property_id,
                                     const char  *channel,
                                     const char  *at,
                                     const char  *result,
                                     const char  *source,
                                     const char  *actor,
                                     gboolean    *added,
                                     GError     **error);
GPtrArray *storm_db_list_touches    (StormDb     *db,
                                     gint64       storm_id,
                                     gint64       property_id,
                                     GError     **error);

gint64     storm_db_add_note        (StormDb     *db,
                                     gint64       storm_id,
                                     gint64       property_id,
                                     const char  *body,
                                     const char  *actor,
                                     GError     **error);
gboolean   storm_db_update_note     (StormDb     *db,
                                     gint64       note_id,
                                     const char  *body,
                                     GError     **error);
GPtrArray *storm_db_list_notes      (StormDb     *db,
                                     gint64       property_id,
                                     GError     **error);

/* Copies @source into @attachments_dir (created 0700) and records it. */
gint64     storm_db_add_attachment  (StormDb     *db,
                                     gint64       property_id,
                                     const char  *source,
                                     const char  *attachments_dir,
                                     GError     **error);
GPtrArray *storm_db_list_attachments (StormDb    *db,
                                      gint64      property_id,
                                      GError    **error);

gint64     storm_db_schedule_follow_up (StormDb    *db,
                                        gint64      storm_id,
                                        gint64      property_id,
                                        const char *due_on,
                                        const char *channel,
                                        const char *note,
                                        GError    **error);
gboolean   storm_db_set_follow_up_status (StormDb    *db,
                                          gint64      follow_up_id,
                                          const char *status,
                                          GError    **error);
/* Open follow-ups due on or before @until (all open ones when NULL). */
GPtrArray *storm_db_list_follow_ups (StormDb     *db,
                                     gint64       storm_id,
                                     const char  *until,
                                     GError     **error);

typedef struct
{
  gint64  property_id;
  char   *ext_id;
  char   *address;
  char   *city;
  char   *zip;
  double  uplift;
  gint64  n_touches;
  char   *next_follow_up;   /* earliest open follow-up's due date, NULL if none */
} StormNurtureRow;

/* Treated, not converted, uplift ≥ @min_uplift: property ids, best first. */
GArray    *storm_db_nurture_candidates (StormDb  *db,
                                        gint64    storm_id,
                                        double    min_uplift,
                                        GError  **error);
/* The same candidates as rows (StormNurtureRow), for a list on screen. */
GPtrArray *storm_db_list_nurture       (StormDb       *db,
                                        gint64         storm_id,
                                        double         min_uplift,
                                        GCancellable  *cancellable,
                                        GError       **error);
gboolean   storm_db_export_nurture_csv (StormDb     *db,
                                        gint64       storm_id,
                                        double       min_uplift,
                                        const char  *path,
                                        gint64      *n_rows,
                                        GError     **error);

void storm_touch_free      (StormTouch      *touch);
void storm_note_free       (StormNote       *note);
void storm_attachment_free (StormAttachment *attachment);
void storm_follow_up_free  (StormFollowUp   *follow_up);
void storm_nurture_row_free (StormNurtureRow *row);

G_END_DECLS
