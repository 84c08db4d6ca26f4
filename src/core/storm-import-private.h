#pragma once

#include "storm-import.h"

G_BEGIN_DECLS

/* Where a record came from, for messages: a CSV line or a JSON item. */
typedef struct
{
  const char *file;         /* display name */
  guint64     line;         /* 1-based CSV line, 0 for JSON */
  guint64     item;         /* 1-based JSON array item or GeoJSON feature */
  gboolean    is_feature;
} StormImportPlace;

/* Warnings kept in a result; more are counted, not listed. */
#define STORM_IMPORT_MAX_WARNINGS 1000

char       *_storm_import_where        (const StormImportPlace *place);
void        _storm_import_error        (GError                **error,
                                        const StormImportPlace  *place,
                                        const char              *field,
                                        const char              *format,
                                        ...) G_GNUC_PRINTF (4, 5);
void        _storm_import_warn         (StormImportResult       *result,
                                        const StormImportPlace  *place,
                                        const char              *format,
                                        ...) G_GNUC_PRINTF (3, 4);

gboolean    _storm_text_is_blank       (const char              *text);
/* A whole decimal number, spaces around allowed: no hex, NaN or infinity. */
gboolean    _storm_parse_double        (const char              *text,
                                        double                  *value);
/* Latitude and longitude from two non-blank fields: numbers, in range,
 * not swapped, not 0,0. */
gboolean    _storm_parse_position      (const StormImportPlace  *place,
                                        const char              *lat_name,
                                        const char              *lat_text,
                                        const char              *lon_name,
                                        const char              *lon_text,
                                        double                  *lat,
                                        double                  *lon,
                                        GError                 **error);
/* Decodes the common HTML entities (&amp; &lt; &gt; &quot; &apos; &#39;
 * &nbsp; and numeric ones). Returns @text itself when it has none, else
 * the decoded text held in @scratch. */
const char *_storm_decode_entities     (const char              *text,
                                        GString                 *scratch);
/* Two-letter code for a US state or territory given by code or name in
 * any case ("tx", "TEXAS"); NULL when it is neither. */
const char *_storm_us_state_code       (const char              *text);
/* TRUE when @text is an ISO date YYYY-MM-DD that exists. */
gboolean    _storm_is_iso_date         (const char              *text);

/* The hail reports of a storm in a spatial index, for SQL: once
 * registered on a connection, storm_hail_exposure (lat, lon, what) gives
 * for a position the distance in km to the nearest hail report (what 0),
 * the largest hail in inches within the radius (1) and the nearest
 * report's id (2); NULL when there is none. */
typedef struct _StormHailIndex StormHailIndex;

StormHailIndex *_storm_hail_index_new      (StormDb         *db,
                                            gint64           storm_id,
                                            double           radius_km,
                                            GError         **error);
void            _storm_hail_index_free     (StormHailIndex  *index);
gboolean        _storm_hail_index_is_empty (StormHailIndex  *index);
/* NULL removes the function. */
gboolean        _storm_hail_index_register (StormDb         *db,
                                            StormHailIndex  *index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormHailIndex, _storm_hail_index_free)

/* Writes the import's line in the event log; on failure it is called
 * after the rollback, so the line is kept while the import is not. */
void        _storm_import_log          (StormDb                 *db,
                                        const char              *action,
                                        const char              *path,
                                        const char              *status,
                                        gint64                   started_us,
                                        const StormImportResult *result,
                                        const GError            *error);

G_END_DECLS
