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
  gint64     n_warnings;    /* all warnings; only the first 1000 are listed */
} StormImportResult;

void     storm_import_result_init  (StormImportResult *result);
void     storm_import_result_clear (StormImportResult *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StormImportResult, storm_import_result_clear)

/* Filters for storm reports; NULL/0 fields mean "any". Dates are ISO
 * "YYYY-MM-DD", inclusive, compared on the report's UTC date. */
typedef struct
{
  const char *state;    /* two-letter code, e.g. "TX" (a state name works too) */
  const char *from;
  const char *to;
  /* Report day of an SPC daily file, whose rows carry only HHMM UTC. The
   * day runs 12Z to 11:59Z: times before 1200 fall on the next calendar
   * day. The title line of an SPC "raw" file gives its own day, which
   * wins. Without a day, reports keep `at` NULL (the HHMM is kept in
   * source_ref) and from/to cannot be applied. */
  const char *date;
} StormReportFilter;

/* Properties from CSV (header-mapped) or JSON/GeoJSON (by extension or
 * content), attached to storm @storm_code (created if missing). A
 * property is known by its id column; without one, by an id derived from
 * its address and position ("prop_" and 16 hex digits), the same for the
 * CSV and GeoJSON of one place, so importing again refreshes instead of
 * duplicating. Each property's hail exposure in the storm is written as
 * it is attached. */
gboolean storm_import_properties (StormDb            *db,
                                  const char         *path,
                                  const char         *storm_code,
                                  StormImportResult  *result,
                                  GCancellable       *cancellable,
                                  StormProgress      *progress,
                                  GError            **error);

/* NOAA SPC daily CSV (single or combined three-section, or the "raw"
 * variant) or NOAA Storm Events details CSV, detected from the header.
 * Reports go into storm @storm_code, created if missing; when NULL the
 * code comes from the file: "SPC_" or "NCEI_" and the file name without
 * its extension, upper-cased, other characters as "_" (today.csv →
 * SPC_TODAY). A report already in the storm (same kind, time, position,
 * magnitude and location) counts as a duplicate and is not added again. */
gboolean storm_import_reports    (StormDb                 *db,
                                  const char              *path,
                                  const char              *storm_code,
                                  const StormReportFilter *filter,
                                  StormImportResult       *result,
                                  GCancellable            *cancellable,
                                  StormProgress           *progress,
                                  GError                 **error);

/* For each property of the storm: great-circle distance (km) to the
 * nearest hail report with a position, that report, and the largest hail
 * size (inches) within @radius_km; written to storm_properties, NULL when
 * there is no such report. Runs inside the caller's transaction if one is
 * open, else in its own. */
gboolean storm_exposure_compute  (StormDb       *db,
                                  gint64         storm_id,
                                  double         radius_km,
                                  GCancellable  *cancellable,
                                  StormProgress *progress,
                                  GError       **error);

#define STORM_EXPOSURE_RADIUS_KM 5.0

G_END_DECLS
