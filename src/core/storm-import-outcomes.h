#pragma once

#include "storm-import.h"

G_BEGIN_DECLS

/* Outcomes CSV: property_id, converted (1/0, yes/no, true/false), and
 * optionally value and date (YYYY-MM-DD or ISO 8601). Idempotent: a row
 * already current counts as a duplicate; a changed one is a correction
 * (n_updated) that keeps history. All or nothing. */
gboolean storm_import_outcomes (StormDb            *db,
                                const char         *path,
                                const char         *storm_code,
                                StormImportResult  *result,
                                GCancellable       *cancellable,
                                StormProgress      *progress,
                                GError            **error);

/* Touches CSV: property_id, channel (door_knock, call, sms, mailer, ads,
 * referral), at (ISO 8601), optionally result. All or nothing. */
gboolean storm_import_touches  (StormDb            *db,
                                const char         *path,
                                const char         *storm_code,
                                StormImportResult  *result,
                                GCancellable       *cancellable,
                                StormProgress      *progress,
                                GError            **error);

G_END_DECLS
