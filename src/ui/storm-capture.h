#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean storm_capture_widget_png (GtkWidget   *widget,
                                   const char  *path,
                                   GError     **error);
gint64   storm_capture_rss_kb     (void);

G_END_DECLS
