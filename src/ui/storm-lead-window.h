#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_LEAD_WINDOW (storm_lead_window_get_type ())

G_DECLARE_FINAL_TYPE (StormLeadWindow, storm_lead_window, STORM, LEAD_WINDOW, AdwWindow)

/* One lead: for a client we deliver to (a won stage) its results come
 * first, then the lead's fields, its stage and history, touches and
 * proposals; everything editable. Follows the store while open; like any
 * window it belongs to GTK until it is closed or destroyed. */
StormLeadWindow *storm_lead_window_new      (StormStore      *store,
                                             gint64           lead_id);
/* Opens the lead over @parent's window. */
StormLeadWindow *storm_lead_window_open     (GtkWidget       *parent,
                                             StormStore      *store,
                                             gint64           lead_id);
gint64           storm_lead_window_get_lead (StormLeadWindow *self);

G_END_DECLS
