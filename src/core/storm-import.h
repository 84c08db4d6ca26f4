#pragma once

#include <gio/gio.h>

#include "storm-progress.h"
#include "storm-store-db.h"

G_BEGIN_DECLS

/* What an import did. Every import runs in one transaction: when it
 * returns FALSE nothing of it was kept. */
typedef struct
{
  gint64     storm_id;
  gboolean   storm_created;
  gint64     n_rows;        /* data rows read */
  gint64     n_inserted;    /* new rows written */
  gint64     n_updated;     /* existing rows refreshed (same stable id) */
  gint64     n_duplicates;  /* repeated within the file or already present */
  gint64     n_skipped;     /* filtered out (other state, date, event type) */
  GPtrArray *warnings;      /* char *, "FILE:LINE: message" for kept-but-flagged rows */
} StormImportResult;

void     storm_import_result_init  (StormImportResult *result);
void     storm_import_result_clear (StormImportResult *result);

/* Filters for storm reports; NULL/0 fields mean "any". Dates are ISO
 * "YYYY-MM-DD", inclusive, compared on the report's UTC date. */
typedef struct
{
  const char *state;    /* two-letter code, e.g. "TX" */
  const char *from;
  const char *to;
} StormReportFilter;

/* Properties from CSV (header-mapped) or JSON/GeoJSON (by extension or
 * content), attached to storm @storm_code (created if missing). */
gboolean storm_import_properties (StormDb            *db,
                                  const char         *path,
                                  const char         *storm_code,
                                  StormImportResult  *result,
                                  GCancellable       *cancellable,
                                  StormProgress      *progress,
                                  GError            **error);

/* NOAA SPC daily CSV (single or combined three-section) or NOAA Storm
 * Events details CSV, detected from the header. Reports go into storm
 * @storm_code (created if missing, named from the file when NULL). */
gboolean storm_import_reports    (StormDb                 *db,
                                  const char              *path,
                                  const char              *storm_code,
                                  const StormReportFilter *filter,
                                  StormImportResult       *result,
                                  GCancellable            *cancellable,
                                  StormProgress           *progress,
                                  GError                 **error);

/* For each property of the storm: distance to the nearest hail report and
 * the largest hail within @radius_km; written to storm_properties. Runs
 * inside the caller's transaction if one is open, else in its own. */
gboolean storm_exposure_compute  (StormDb       *db,
                                  gint64         storm_id,
                                  double         radius_km,
                                  GCancellable  *cancellable,
                                  StormProgress *progress,
                                  GError       **error);

#define STORM_EXPOSURE_RADIUS_KM 5.0

G_END_DECLS
