#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One ZIP Code Tabulation Area of the Census gazetteer: its ZIP, its
 * internal point and its land area. */
typedef struct
{
  char   zip[6];
  double lat;
  double lon;
  double land_sqmi;
} StormZcta;

/* Which rows of a gazetteer to keep: inside the box (degrees, inclusive)
 * and with a ZIP between zip_first and zip_last (five digits, inclusive). */
typedef struct
{
  double      south;
  double      west;
  double      north;
  double      east;
  const char *zip_first;
  const char *zip_last;
} StormZctaFilter;

/* Dallas–Fort Worth: Dallas, Tarrant, Collin and Denton counties and their
 * edges; ZIPs 750xx–762xx. */
const StormZctaFilter *storm_zcta_dfw_filter (void);

/* Reads gazetteer text (tab-separated, a header naming GEOID, ALAND_SQMI,
 * INTPTLONG and INTPTLAT in any order; LF or CRLF; blank rows ignored).
 * @name is the file name used in messages. Returns a GArray of StormZcta
 * sorted by ZIP, or NULL with a STORM_ERROR_PARSE naming the line. */
GArray     *storm_zcta_parse      (const char             *text,
                                   gsize                   length,
                                   const char             *name,
                                   const StormZctaFilter  *filter,
                                   GError                **error);

/* The Dallas–Fort Worth ZCTAs from @path; when NULL, from
 * $STORMOPS_SHARED_DATA/zcta/Gaz_zcta_national.txt if that exists, else
 * from the extract compiled into StormOps (the same rows). @source, if
 * given, receives where they were read from. */
GArray     *storm_zcta_load_dfw   (const char             *path,
                                   char                  **source,
                                   GError                **error);

/* The extract of the gazetteer shipped with StormOps (data/dfw-zcta.tsv). */
GBytes     *storm_zcta_dfw_bundled (void);

/* Town and county a Dallas–Fort Worth ZIP is addressed to. */
const char *storm_zcta_dfw_city   (const char             *zip);
const char *storm_zcta_dfw_county (const char             *zip);

G_END_DECLS
