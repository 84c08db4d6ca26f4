#define G_LOG_DOMAIN "storm-property-details"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-format.h"
#include "storm-import.h"
#include "storm-property-activity.h"
#include "storm-property-details.h"

/* What StormOps knows of one property in the selected storm. Anything
 * not known reads "Unknown" rather than a made-up zero. */
struct _StormPropertyDetails
{
  GtkWidget         parent_instance;

  GtkStack      *stack;
  GtkLabel      *title_label;
  GtkLabel      *subtitle_label;
  GtkLabel      *id_label;
  GtkLabel      *address_label;
  GtkLabel      *place_label;
  GtkLabel      *coordinates_label;
  GtkLabel      *year_built_label;
  GtkLabel      *roof_age_label;
  GtkLabel      *value_label;
  GtkLabel      *uplift_label;
  GtkLabel      *base_rate_label;
  GtkLabel      *hail_distance_label;
  AdwActionRow  *nearest_row;
  GtkLabel      *hail_max_label;
  StormPropertyActivity *activity;

  StormProperty *property;
  StormStore    *store;
  gint64         storm_id;
};

G_DEFINE_FINAL_TYPE (StormPropertyDetails, storm_property_details, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_text (GtkLabel   *label,
          const char *text)
{
  const char *shown = text != NULL && text[0] != '\0' ? text : _("Unknown");

  gtk_label_set_label (label, shown);
  /* Long values are cut short in narrow windows; the tooltip has it all. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), shown);
}

static void
take_text (GtkLabel *label,
           char     *text)
{
  set_text (label, text);
  g_free (text);
}

static char *
format_place (const StormPropertyInfo *info)
{
  GString *s = g_string_new (NULL);

  if (info->city != NULL && info->city[0] != '\0')
    g_string_append (s, info->city);
  if (info->state != NULL && info->state[0] != '\0')
    g_string_append_printf (s, "%s%s", s->len > 0 ? ", " : "", info->state);
  if (info->zip != NULL && info->zip[0] != '\0')
    g_string_append_printf (s, "%s%s", s->len > 0 ? " " : "", info->zip);
  return g_string_free (s, FALSE);
}

static void
update (StormPropertyDetails *self)
{
  const StormPropertyInfo *info;

  storm_property_activity_set_property_id (self->activity, self->store, self->storm_id,
                                           self->property != NULL && self->store != NULL
                                           ? storm_property_get_id (self->property) : 0);
  if (self->property == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  info = storm_property_get_info (self->property);

  take_text (self->title_label, storm_property_dup_title (self->property));
  take_text (self->subtitle_label, storm_property_dup_subtitle (self->property));
  set_text (self->id_label, info->ext_id);
  set_text (self->address_label, info->address);
  take_text (self->place_label, format_place (info));
  take_text (self->coordinates_label, g_strdup_printf ("%.5f, %.5f", info->lat, info->lon));

  take_text (self->year_built_label, info->year_built > 0 ? g_strdup_printf ("%d", info->year_built) : NULL);
  take_text (self->roof_age_label,
             info->roof_age >= 0
             ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year", "%d years", info->roof_age), info->roof_age)
             : NULL);
  take_text (self->value_label, !isnan (info->value) ? storm_format_dollars (info->value) : NULL);

  /* Translators: an uplift score and the same in percentage points,
   * e.g. "0.124 (+12.4 points)" */
  take_text (self->uplift_label,
             !isnan (info->uplift)
             ? g_strdup_printf (_("%.3f (%+.1f points)"), info->uplift, info->uplift * 100.0)
             : NULL);
  take_text (self->base_rate_label,
             !isnan (info->base_rate) ? g_strdup_printf ("%.1f%%", info->base_rate * 100.0) : NULL);

  /* Translators: distance to the nearest hail report, e.g. "1.3 km away" */
  take_text (self->hail_distance_label,
             !isnan (info->hail_distance_km) ? g_strdup_printf (_("%.1f km away"), info->hail_distance_km) : NULL);
  if (info->nearest_report != NULL)
    {
      /* Row subtitles are markup; a report's location may hold an "&". */
      g_autofree char *escaped = g_markup_escape_text (info->nearest_report, -1);

      adw_action_row_set_subtitle (self->nearest_row, escaped);
    }
  else
    {
      adw_action_row_set_subtitle (self->nearest_row, NULL);
    }
  if (!isnan (info->hail_max_in))
    /* Translators: a hail size in inches, e.g. "1.75 in" */
    take_text (self->hail_max_label, g_strdup_printf (_("%.2f in"), info->hail_max_in));
  else if (!isnan (info->hail_distance_km))
    take_text (self->hail_max_label,
               g_strdup_printf (_("None within %.0f km"), STORM_EXPOSURE_RADIUS_KM));
  else
    set_text (self->hail_max_label, NULL);

  gtk_stack_set_visible_child_name (self->stack, "details");
}

static void
storm_property_details_dispose (GObject *object)
{
  StormPropertyDetails *self = (StormPropertyDetails *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_PROPERTY_DETAILS);
  g_clear_object (&self->property);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (storm_property_details_parent_class)->dispose (object);
}

static void
storm_property_details_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  StormPropertyDetails *self = STORM_PROPERTY_DETAILS (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->property);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_property_details_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  StormPropertyDetails *self = STORM_PROPERTY_DETAILS (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      storm_property_details_set_item (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_property_details_class_init (StormPropertyDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_property_details_dispose;
  object_class->get_property = storm_property_details_get_property;
  object_class->set_property = storm_property_details_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, STORM_TYPE_PROPERTY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  g_type_ensure (STORM_TYPE_PROPERTY_ACTIVITY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-property-details.ui");
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, stack);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, title_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, id_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, address_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, place_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, coordinates_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, year_built_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, roof_age_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, value_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, uplift_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, base_rate_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, hail_distance_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, nearest_row);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, hail_max_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyDetails, activity);
}

static void
storm_property_details_init (StormPropertyDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StormProperty *
storm_property_details_get_item (StormPropertyDetails *self)
{
  g_return_val_if_fail (STORM_IS_PROPERTY_DETAILS (self), NULL);

  return self->property;
}

void
storm_property_details_set_item (StormPropertyDetails *self,
                                 StormProperty        *property)
{
  g_return_if_fail (STORM_IS_PROPERTY_DETAILS (self));
  g_return_if_fail (property == NULL || STORM_IS_PROPERTY (property));

  if (!g_set_object (&self->property, property))
    return;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

/* The store and storm the property's activity (decision, outcome,
 * touches, notes, next action) is read from. */
void
storm_property_details_set_storm (StormPropertyDetails *self,
                                  StormStore           *store,
                                  gint64                storm_id)
{
  g_return_if_fail (STORM_IS_PROPERTY_DETAILS (self));

  if (self->store == store && self->storm_id == storm_id)
    return;
  g_set_object (&self->store, store);
  self->storm_id = storm_id;
  update (self);
}
