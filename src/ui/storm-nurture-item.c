#define G_LOG_DOMAIN "storm-nurture-item"

#include "config.h"

#include "storm-nurture-item.h"

struct _StormNurtureItem
{
  GObject  parent_instance;

  gint64   property_id;
  char    *ext_id;
  char    *address;
  double   uplift;
  gint64   touches;
  char    *next_follow_up;
};

G_DEFINE_FINAL_TYPE (StormNurtureItem, storm_nurture_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROPERTY_ID,
  PROP_EXT_ID,
  PROP_ADDRESS,
  PROP_UPLIFT,
  PROP_UPLIFT_TEXT,
  PROP_TOUCHES,
  PROP_TOUCHES_TEXT,
  PROP_NEXT_FOLLOW_UP,
  PROP_NEXT_FOLLOW_UP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
storm_nurture_item_finalize (GObject *object)
{
  StormNurtureItem *self = STORM_NURTURE_ITEM (object);

  g_free (self->ext_id);
  g_free (self->address);
  g_free (self->next_follow_up);

  G_OBJECT_CLASS (storm_nurture_item_parent_class)->finalize (object);
}

static void
storm_nurture_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StormNurtureItem *self = STORM_NURTURE_ITEM (object);

  switch (prop_id)
    {
    case PROP_PROPERTY_ID:
      g_value_set_int64 (value, self->property_id);
      break;

    case PROP_EXT_ID:
      g_value_set_string (value, self->ext_id);
      break;

    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;

    case PROP_UPLIFT:
      g_value_set_double (value, self->uplift);
      break;

    case PROP_UPLIFT_TEXT:
      g_value_take_string (value, g_strdup_printf ("%.3f", self->uplift));
      break;

    case PROP_TOUCHES:
      g_value_set_int64 (value, self->touches);
      break;

    case PROP_TOUCHES_TEXT:
      g_value_take_string (value, g_strdup_printf ("%'" G_GINT64_FORMAT, self->touches));
      break;

    case PROP_NEXT_FOLLOW_UP:
      g_value_set_string (value, self->next_follow_up);
      break;

    case PROP_NEXT_FOLLOW_UP_TEXT:
      g_value_set_string (value, self->next_follow_up[0] ? self->next_follow_up : "—");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_nurture_item_class_init (StormNurtureItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = storm_nurture_item_finalize;
  object_class->get_property = storm_nurture_item_get_property;

  properties[PROP_PROPERTY_ID] = g_param_spec_int64 ("property-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_EXT_ID] = g_param_spec_string ("ext-id", NULL, NULL, NULL, flags);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, flags);
  properties[PROP_UPLIFT] = g_param_spec_double ("uplift", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_UPLIFT_TEXT] = g_param_spec_string ("uplift-text", NULL, NULL, NULL, flags);
  properties[PROP_TOUCHES] = g_param_spec_int64 ("touches", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TOUCHES_TEXT] = g_param_spec_string ("touches-text", NULL, NULL, NULL, flags);
  properties[PROP_NEXT_FOLLOW_UP] = g_param_spec_string ("next-follow-up", NULL, NULL, NULL, flags);
  properties[PROP_NEXT_FOLLOW_UP_TEXT] = g_param_spec_string ("next-follow-up-text", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
storm_nurture_item_init (StormNurtureItem *self)
{
}

StormNurtureItem *
storm_nurture_item_new (const StormNurtureRow *row)
{
  StormNurtureItem *self;
  gboolean has_address;

  g_return_val_if_fail (row != NULL, NULL);

  self = g_object_new (STORM_TYPE_NURTURE_ITEM, NULL);
  has_address = row->address != NULL && row->address[0] != '\0';
  self->property_id = row->property_id;
  self->ext_id = g_strdup (row->ext_id);
  self->address = g_strdup (has_address ? row->address : row->ext_id);
  self->uplift = row->uplift;
  self->touches = row->n_touches;
  self->next_follow_up = g_strdup (row->next_follow_up ? row->next_follow_up : "");
  return self;
}

gint64
storm_nurture_item_get_property_id (StormNurtureItem *self)
{
  g_return_val_if_fail (STORM_IS_NURTURE_ITEM (self), 0);
  return self->property_id;
}

const char *
storm_nurture_item_get_ext_id (StormNurtureItem *self)
{
  g_return_val_if_fail (STORM_IS_NURTURE_ITEM (self), NULL);
  return self->ext_id;
}

const char *
storm_nurture_item_get_address (StormNurtureItem *self)
{
  g_return_val_if_fail (STORM_IS_NURTURE_ITEM (self), NULL);
  return self->address;
}

double
storm_nurture_item_get_uplift (StormNurtureItem *self)
{
  g_return_val_if_fail (STORM_IS_NURTURE_ITEM (self), 0);
  return self->uplift;
}

gint64
storm_nurture_item_get_touches (StormNurtureItem *self)
{
  g_return_val_if_fail (STORM_IS_NURTURE_ITEM (self), 0);
  return self->touches;
}

const char *
storm_nurture_item_get_next_follow_up (StormNurtureItem *self)
{
  g_return_val_if_fail (STORM_IS_NURTURE_ITEM (self), NULL);
  return self->next_follow_up;
}
