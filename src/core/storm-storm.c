#define G_LOG_DOMAIN "storm-storm"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-storm.h"

struct _StormStorm
{
  GObject  parent_instance;
  gint64   id;
  char    *code;
  char    *name;
  char    *kind;
  char    *start_at;
  char    *end_at;
  char    *region;
  char    *notes;
  gboolean is_demo;
  gint64   n_properties;
  gint64   n_reports;
};

G_DEFINE_FINAL_TYPE (StormStorm, storm_storm, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_NAME,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
storm_storm_finalize (GObject *object)
{
  StormStorm *self = (StormStorm *) object;

  g_free (self->code);
  g_free (self->name);
  g_free (self->kind);
  g_free (self->start_at);
  g_free (self->end_at);
  g_free (self->region);
  g_free (self->notes);

  G_OBJECT_CLASS (storm_storm_parent_class)->finalize (object);
}

static void
storm_storm_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  StormStorm *self = STORM_STORM (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_TITLE:
      g_value_take_string (value, storm_storm_dup_title (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_storm_class_init (StormStormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = storm_storm_finalize;
  object_class->get_property = storm_storm_get_property;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
storm_storm_init (StormStorm *self)
{
}

StormStorm *
storm_storm_new (gint64                id,
                 const StormStormSpec *spec,
                 gint64                n_properties,
                 gint64                n_reports)
{
  StormStorm *self;

  g_return_val_if_fail (spec != NULL && spec->code != NULL, NULL);

  self = g_object_new (STORM_TYPE_STORM, NULL);
  self->id = id;
  self->code = g_strdup (spec->code);
  self->name = g_strdup (spec->name ? spec->name : spec->code);
  self->kind = g_strdup (spec->kind ? spec->kind : "hail");
  self->start_at = g_strdup (spec->start_at);
  self->end_at = g_strdup (spec->end_at);
  self->region = g_strdup (spec->region);
  self->notes = g_strdup (spec->notes);
  self->is_demo = spec->is_demo;
  self->n_properties = n_properties;
  self->n_reports = n_reports;
  return self;
}

gint64 storm_storm_get_id (StormStorm *self) { return self->id; }
const char *storm_storm_get_code (StormStorm *self) { return self->code; }
const char *storm_storm_get_name (StormStorm *self) { return self->name; }
const char *storm_storm_get_kind (StormStorm *self) { return self->kind; }
const char *storm_storm_get_start_at (StormStorm *self) { return self->start_at; }
const char *storm_storm_get_end_at (StormStorm *self) { return self->end_at; }
const char *storm_storm_get_region (StormStorm *self) { return self->region; }
const char *storm_storm_get_notes (StormStorm *self) { return self->notes; }
gboolean storm_storm_get_is_demo (StormStorm *self) { return self->is_demo; }
gint64 storm_storm_get_n_properties (StormStorm *self) { return self->n_properties; }
gint64 storm_storm_get_n_reports (StormStorm *self) { return self->n_reports; }

/* "Dallas–Fort Worth hail (demo)" — the label the storm selector shows. */
char *
storm_storm_dup_title (StormStorm *self)
{
  g_return_val_if_fail (STORM_IS_STORM (self), NULL);

  if (self->is_demo)
    return g_strdup_printf (_("%s (demo)"), self->name);
  return g_strdup (self->name);
}
