#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_RECORD_EDITOR (storm_record_editor_get_type ())

G_DECLARE_FINAL_TYPE (StormRecordEditor, storm_record_editor, STORM, RECORD_EDITOR, AdwWindow)

/* One editor for every editable dashboard record, built from the fields
 * its kind describes (storm-store-records.h). @id 0 adds a new record,
 * under @parent_id for a per-lead kind. Save writes through the store in
 * one transaction and closes; a refused value stays on screen with a
 * message naming the field. Like any window it belongs to GTK until it
 * is closed or destroyed. */
StormRecordEditor *storm_record_editor_new         (StormStore         *store,
                                                    const char         *kind,
                                                    gint64              id,
                                                    gint64              parent_id);
/* Opens an editor over @parent's window. */
StormRecordEditor *storm_record_editor_open        (GtkWidget          *parent,
                                                    StormStore         *store,
                                                    const char         *kind,
                                                    gint64              id,
                                                    gint64              parent_id);
/* The text of @column's field: a choice gives its code, a reference its id. */
char              *storm_record_editor_get_value   (StormRecordEditor  *self,
                                                    const char         *column);
void               storm_record_editor_set_value   (StormRecordEditor  *self,
                                                    const char         *column,
                                                    const char         *text);
/* What Save does: TRUE and the window closes, or FALSE with the message
 * shown and the field marked. */
gboolean           storm_record_editor_save        (StormRecordEditor  *self,
                                                    GError            **error);
const char        *storm_record_editor_get_message (StormRecordEditor  *self);
gint64             storm_record_editor_get_id      (StormRecordEditor  *self);

G_END_DECLS
