#pragma once

#include <gio/gio.h>

#include "storm-store-db.h"

G_BEGIN_DECLS

typedef struct
{
  gint64      property_id;
  gboolean    converted;
  double      value;        /* NAN when unknown */
  const char *occurred_at;  /* ISO 8601, may be NULL */
  const char *source;       /* manual, csv, api, demo */
  const char *actor;
} StormOutcome;

typedef enum {
  STORM_OUTCOME_UNCHANGED,  /* the same outcome was already current */
  STORM_OUTCOME_INSERTED,   /* first outcome for this property */
  STORM_OUTCOME_CORRECTED,  /* replaced the current one; history kept */
} StormOutcomeChange;

/* Records an outcome idempotently: the same outcome twice changes nothing,
 * a different one supersedes the current row and keeps it as history.
 * Call inside a transaction for bulk work. */
gboolean storm_outcome_record (StormDb             *db,
                               gint64               storm_id,
                               const StormOutcome  *outcome,
                               StormOutcomeChange  *change,
                               GError             **error);

/* One row of a property's outcome history. */
typedef struct
{
  gint64    id;
  gboolean  converted;
  double    value;          /* NAN when unknown */
  char     *occurred_at;
  char     *source;
  char     *actor;
  char     *recorded_at;
  gboolean  is_current;
} StormOutcomeRow;

/* A property's outcomes in one storm, newest first: the current one and
 * every row it corrected. */
GPtrArray *storm_db_list_outcomes (StormDb  *db,
                                   gint64    storm_id,
                                   gint64    property_id,
                                   GError  **error);
void       storm_outcome_row_free (StormOutcomeRow *row);

gint64   storm_db_property_by_ext_id (StormDb    *db,
                                      const char *ext_id);

G_END_DECLS
