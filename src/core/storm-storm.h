#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STORM_TYPE_STORM (storm_storm_get_type ())

G_DECLARE_FINAL_TYPE (StormStorm, storm_storm, STORM, STORM, GObject)

/* What a storm is made from; strings may be NULL but code and name. */
typedef struct
{
  const char *code;
  const char *name;
  const char *kind;
  const char *start_at;
  const char *end_at;
  const char *region;
  const char *notes;
  gboolean    is_demo;
  gint64      seed;
} StormStormSpec;

StormStorm *storm_storm_new              (gint64                id,
                                          const StormStormSpec *spec,
                                          gint64                n_properties,
                                          gint64                n_reports);
gint64      storm_storm_get_id           (StormStorm *self);
const char *storm_storm_get_code         (StormStorm *self);
const char *storm_storm_get_name         (StormStorm *self);
const char *storm_storm_get_kind         (StormStorm *self);
const char *storm_storm_get_start_at     (StormStorm *self);
const char *storm_storm_get_end_at       (StormStorm *self);
const char *storm_storm_get_region       (StormStorm *self);
const char *storm_storm_get_notes        (StormStorm *self);
gboolean    storm_storm_get_is_demo      (StormStorm *self);
gint64      storm_storm_get_n_properties (StormStorm *self);
gint64      storm_storm_get_n_reports    (StormStorm *self);
char       *storm_storm_dup_title        (StormStorm *self);

G_END_DECLS
