#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STORM_TYPE_PROPERTY (storm_property_get_type ())

G_DECLARE_FINAL_TYPE (StormProperty, storm_property, STORM, PROPERTY, GObject)

/* One property as seen in one storm. Unknown numbers are NAN (doubles)
 * or 0 (year built) / -1 (roof age). */
typedef struct
{
  gint64  id;
  char   *ext_id;
  char   *name;
  char   *address;
  char   *city;
  char   *state;
  char   *zip;
  double  lat;
  double  lon;
  int     year_built;
  int     roof_age;
  double  value;
  /* storm data */
  double  uplift;
  double  base_rate;
  double  hail_distance_km;
  double  hail_max_in;
  gint64  nearest_report_id;
  char   *nearest_report;
} StormPropertyInfo;

StormProperty           *storm_property_new      (StormPropertyInfo *info);
const StormPropertyInfo *storm_property_get_info (StormProperty     *self);
gint64                   storm_property_get_id   (StormProperty     *self);
char                    *storm_property_dup_title (StormProperty    *self);
char                    *storm_property_dup_subtitle (StormProperty *self);

G_END_DECLS
