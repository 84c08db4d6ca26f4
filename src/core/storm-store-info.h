#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

typedef struct
{
  char   *table;
  gint64  rows;
} StormTableCount;

/* The number of rows of every table of the database, by table name; an
 * array of StormTableCount that frees its names. For `stormops info`. */
GArray *storm_db_count_tables (StormDb  *db,
                               GError  **error);

G_END_DECLS
