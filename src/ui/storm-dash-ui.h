#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

/* Helpers shared by the operator dashboard views. */

/* Shows the dashboard page named by the start of @target ("agent-jobs",
 * "sales-leak:lead:12" …) in @widget's window. */
void        storm_dash_ui_open_target  (GtkWidget   *widget,
                                        const char  *target);
/* A toast in the nearest toast overlay above @widget. */
void        storm_dash_ui_toast        (GtkWidget   *widget,
                                        const char  *message);
/* Asks for a StormOps dashboards JSON file and imports it on a worker;
 * the store says what changed, a toast what happened. */
void        storm_dash_ui_import_json  (GtkWidget   *widget,
                                        StormStore  *store);
/* Writes the dashboards' demo data (storm-demo-dash.h) on a worker. */
void        storm_dash_ui_load_demo    (GtkWidget   *widget,
                                        StormStore  *store);
/* The dashboard tables, for "changed" notifications. */
const char * const *storm_dash_ui_tables (void);

/* A row with a title and a wrapped, selectable value. */
GtkWidget  *storm_dash_ui_detail_row   (const char  *title,
                                        const char  *value);
/* Removes every child of @box. */
void        storm_dash_ui_clear_box    (GtkBox      *box);
/* TRUE when @view is on screen. Otherwise FALSE, and @reload (@view) runs
 * once when it is next shown: hidden dashboards read and build nothing,
 * so the window's first frame does not wait for them. */
gboolean    storm_dash_ui_shown_or_defer (GtkWidget  *view,
                                          void      (*reload) (gpointer view));

/* The person recorded when this user approves: the real name, else the
 * login name. */
const char *storm_dash_ui_person       (void);

/* "2 h ago" from an ISO 8601 time, at @now. */
char       *storm_dash_ui_ago          (const char  *iso,
                                        gint64       now);

G_END_DECLS
