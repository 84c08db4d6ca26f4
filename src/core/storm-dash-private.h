#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Helpers shared by the operator dashboards' store files. */

/* Steps @stmt to completion. A refusal raised by one of the approval
 * triggers becomes STORM_ERROR_REFUSED with a sentence a person can act
 * on; anything else is a database error about @what. */
gboolean  _storm_dash_step        (StormDb       *db,
                                   sqlite3_stmt  *stmt,
                                   const char    *what,
                                   GError       **error);
/* The same for an error the caller already has from sqlite. */
gboolean  _storm_dash_fail        (StormDb       *db,
                                   const char    *what,
                                   GError       **error);

/* ISO 8601 UTC, second precision: "2026-12-02T14:00:00Z". */
char     *_storm_dash_iso         (gint64         unix_time);
/* Seconds since the epoch of an ISO 8601 time (a date alone is midnight
 * UTC); G_MININT64 when @text is NULL or not a time. */
gint64    _storm_dash_parse_time  (const char    *text);

void      _storm_dash_bind_text   (sqlite3_stmt  *stmt,
                                   int            index,
                                   const char    *text);

G_END_DECLS
