#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* SQL of migration @version (1 … STORM_SCHEMA_VERSION), or NULL. */
const char *storm_schema_migration (int version);

G_END_DECLS
