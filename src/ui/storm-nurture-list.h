#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define STORM_TYPE_NURTURE_LIST (storm_nurture_list_get_type ())

G_DECLARE_FINAL_TYPE (StormNurtureList, storm_nurture_list, STORM, NURTURE_LIST, GObject)

/* A GListModel of StormNurtureItem over one array, replaced whole: a
 * storm's candidates can run to hundreds of thousands, and a GListStore
 * would insert them one node at a time. */
StormNurtureList *storm_nurture_list_new       (void);
/* Takes a reference on @items (StormNurtureItem). */
void              storm_nurture_list_set_items (StormNurtureList *self,
                                                GPtrArray        *items);
void              storm_nurture_list_clear     (StormNurtureList *self);

G_END_DECLS
