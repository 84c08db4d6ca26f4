#define G_LOG_DOMAIN "storm-property"

#include "config.h"

#include <string.h>

#include "storm-property.h"

struct _StormProperty
{
  GObject           parent_instance;
  StormPropertyInfo info;
};

G_DEFINE_FINAL_TYPE (StormProperty, storm_property, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_SUBTITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
storm_property_finalize (GObject *object)
{
  StormProperty *self = (StormProperty *) object;

  g_free (self->info.ext_id);
  g_free (self->info.name);
  g_free (self->info.address);
  g_free (self->info.city);
  g_free (self->info.state);
  g_free (self->info.zip);
  g_free (self->info.nearest_report);

  G_OBJECT_CLASS (storm_property_parent_class)->finalize (object);
}

static void
storm_property_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StormProperty *self = STORM_PROPERTY (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_take_string (value, storm_property_dup_title (self));
      break;

    case PROP_SUBTITLE:
      g_value_take_string (value, storm_property_dup_subtitle (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_property_class_init (StormPropertyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = storm_property_finalize;
  object_class->get_property = storm_property_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
storm_property_init (StormProperty *self)
{
}

/* Takes the strings of @info. */
StormProperty *
storm_property_new (StormPropertyInfo *info)
{
  StormProperty *self = g_object_new (STORM_TYPE_PROPERTY, NULL);

  self->info = *info;
  memset (info, 0, sizeof *info);
  return self;
}

const StormPropertyInfo *
storm_property_get_info (StormProperty *self)
{
  g_return_val_if_fail (STORM_IS_PROPERTY (self), NULL);

  return &self->info;
}

gint64
storm_property_get_id (StormProperty *self)
{
  g_return_val_if_fail (STORM_IS_PROPERTY (self), 0);

  return self->info.id;
}

char *
storm_property_dup_title (StormProperty *self)
{
  g_return_val_if_fail (STORM_IS_PROPERTY (self), NULL);

  if (self->info.address != NULL && self->info.address[0] != '\0')
    return g_strdup (self->info.address);
  return g_strdup (self->info.ext_id);
}

/* "prop_00123 · Dallas 75226" */
char *
storm_property_dup_subtitle (StormProperty *self)
{
  GString *s;

  g_return_val_if_fail (STORM_IS_PROPERTY (self), NULL);

  s = g_string_new (self->info.ext_id);
  if (self->info.city != NULL && self->info.city[0] != '\0')
    g_string_append_printf (s, " · %s", self->info.city);
  if (self->info.zip != NULL && self->info.zip[0] != '\0')
    g_string_append_printf (s, " %s", self->info.zip);
  return g_string_free (s, FALSE);
}
