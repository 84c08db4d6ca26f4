#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A stable pseudo-random number in [0, 1) for (key, id): the same on every
 * machine and release, so experiment arms never move. */
double   storm_hash_unit     (const char *key,
                              const char *id);
guint64  storm_hash_64       (const char *key,
                              const char *id);

/* Registers storm_unit(key, id) as a deterministic SQL function. */
struct sqlite3;
int      storm_hash_register (struct sqlite3 *handle);

G_END_DECLS
