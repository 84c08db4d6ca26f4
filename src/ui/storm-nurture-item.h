#pragma once

#include <glib-object.h>

#include "storm-store-jobs.h"

G_BEGIN_DECLS

#define STORM_TYPE_NURTURE_ITEM (storm_nurture_item_get_type ())

G_DECLARE_FINAL_TYPE (StormNurtureItem, storm_nurture_item, STORM, NURTURE_ITEM, GObject)

/* One nurture candidate as a list item: its numbers as properties for
 * sorters, and as text for the column cells. */
StormNurtureItem *storm_nurture_item_new                (const StormNurtureRow *row);
gint64            storm_nurture_item_get_property_id    (StormNurtureItem      *self);
const char       *storm_nurture_item_get_ext_id         (StormNurtureItem      *self);
const char       *storm_nurture_item_get_address        (StormNurtureItem      *self);
double            storm_nurture_item_get_uplift         (StormNurtureItem      *self);
gint64            storm_nurture_item_get_touches        (StormNurtureItem      *self);
/* Earliest open follow-up, "" when none. */
const char       *storm_nurture_item_get_next_follow_up (StormNurtureItem      *self);

G_END_DECLS
