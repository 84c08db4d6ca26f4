#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *storm_format_count   (gint64 n);
char *storm_format_dollars (double amount);

G_END_DECLS
