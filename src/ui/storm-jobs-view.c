#define G_LOG_DOMAIN "storm-jobs-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-format.h"
#include "storm-jobs-view.h"
#include "storm-property-details.h"
#include "storm-storm.h"

/* Uplift from which a property counts as a strong prospect (ten points
 * of conversion probability); only colours the badge. */
#define HIGH_UPLIFT 0.10

/* The Jobs phase: look a property up by id, address or ZIP in the lazy
 * list of the storm's properties, and see its storm data beside it. */
struct _StormJobsView
{
  GtkWidget                parent_instance;

  AdwLeaflet           *leaflet;
  GtkSearchEntry       *search_entry;
  GtkLabel             *count_label;
  GtkSpinner           *spinner;
  GtkStack             *list_stack;
  GtkListView          *list_view;
  GtkSpinner           *loading_spinner;
  AdwStatusPage        *no_matches_page;
  GtkSingleSelection   *selection;
  StormPropertyDetails *details;

  StormStore           *store;
  StormStorm           *storm;
  StormPropertyList    *properties;
  gboolean              no_storms;
};

G_DEFINE_FINAL_TYPE (StormJobsView, storm_jobs_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STORM,
  PROP_NO_STORMS,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_state (StormJobsView *self)
{
  guint n = self->properties != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->properties)) : 0;
  gboolean loading = storm_jobs_view_get_loading (self);
  const char *search = self->properties != NULL ? storm_property_list_get_search (self->properties) : NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (search != NULL ? search : ""));
  g_autofree char *count = storm_format_count (n);
  g_autofree char *label = NULL;
  const char *page;

  if (self->storm == NULL)
    page = self->no_storms ? "no-storm" : "loading";
  else if (loading && n == 0)
    page = "loading";
  else if (n == 0 && stripped[0] != '\0')
    page = "no-matches";
  else if (n == 0)
    page = "empty";
  else
    page = "list";
  gtk_stack_set_visible_child_name (self->list_stack, page);

  if (self->storm == NULL)
    label = g_strdup ("");
  else if (loading && n == 0)
    label = g_strdup (_("Loading properties…"));
  else if (stripped[0] != '\0')
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s match", "%s matches", n), count);
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s property", "%s properties", n), count);
  gtk_label_set_label (self->count_label, label);

  if (g_str_equal (page, "no-matches"))
    {
      g_autofree char *escaped = g_markup_escape_text (stripped, -1);
      g_autofree char *description =
        g_strdup_printf (_("No property of this storm has an ID, address or ZIP containing “%s”."), escaped);

      adw_status_page_set_description (self->no_matches_page, description);
    }

  gtk_spinner_set_spinning (self->spinner, loading && n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading && n > 0);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), self->storm != NULL);
}

static void
properties_loading_cb (StormJobsView *self)
{
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
properties_items_changed_cb (StormJobsView *self)
{
  update_state (self);
}

static void
set_store (StormJobsView *self,
           StormStore    *store)
{
  if (self->store == store)
    return;

  if (self->properties != NULL)
    g_signal_handlers_disconnect_by_data (self->properties, self);
  g_clear_object (&self->properties);
  g_set_object (&self->store, store);

  if (store != NULL)
    {
      self->properties = storm_property_list_new (store);
      g_signal_connect_swapped (self->properties, "notify::loading",
                                G_CALLBACK (properties_loading_cb), self);
      g_signal_connect_swapped (self->properties, "items-changed",
                                G_CALLBACK (properties_items_changed_cb), self);
      storm_property_list_set_storm (self->properties,
                                     self->storm != NULL ? storm_storm_get_id (self->storm) : 0);
    }
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->properties));
  storm_property_details_set_storm (self->details, store,
                                    self->storm != NULL ? storm_storm_get_id (self->storm) : 0);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_storm (StormJobsView *self,
           StormStorm    *storm)
{
  if (!g_set_object (&self->storm, storm))
    return;

  if (self->properties != NULL)
    storm_property_list_set_storm (self->properties, storm != NULL ? storm_storm_get_id (storm) : 0);
  storm_property_details_set_storm (self->details, self->store,
                                    storm != NULL ? storm_storm_get_id (storm) : 0);
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORM]);
}

static void
search_changed_cb (StormJobsView *self)
{
  if (self->properties != NULL)
    storm_property_list_set_search (self->properties, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
show_details (StormJobsView *self,
              guint          position)
{
  gtk_single_selection_set_selected (self->selection, position);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "details");
}

static void
search_activate_cb (StormJobsView *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    show_details (self, 0);
}

static void
list_activate_cb (StormJobsView *self,
                  guint          position)
{
  show_details (self, position);
}

static void
selection_changed_cb (StormJobsView *self)
{
  storm_property_details_set_item (self->details,
                                   gtk_single_selection_get_selected_item (self->selection));
}

static char *
uplift_badge_text (gpointer       unused,
                   StormProperty *property)
{
  const StormPropertyInfo *info;

  if (property == NULL)
    return NULL;
  info = storm_property_get_info (property);
  if (isnan (info->uplift))
    return NULL;
  /* Translators: an uplift in percentage points, e.g. "+12.4%" */
  return g_strdup_printf (_("%+.1f%%"), info->uplift * 100.0);
}

static gboolean
uplift_badge_visible (gpointer       unused,
                      StormProperty *property)
{
  return property != NULL && !isnan (storm_property_get_info (property)->uplift);
}

static char **
uplift_badge_classes (gpointer       unused,
                      StormProperty *property)
{
  double uplift = property != NULL ? storm_property_get_info (property)->uplift : NAN;
  const char *classes[] = { "uplift-badge", NULL, NULL };

  if (uplift >= HIGH_UPLIFT)
    classes[1] = "high";
  else if (uplift < 0)
    classes[1] = "negative";
  return g_strdupv ((char **) classes);
}

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormJobsView *self = STORM_JOBS_VIEW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "list");
}

static void
storm_jobs_view_dispose (GObject *object)
{
  StormJobsView *self = (StormJobsView *) object;

  if (self->properties != NULL)
    g_signal_handlers_disconnect_by_data (self->properties, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_JOBS_VIEW);

  g_clear_object (&self->properties);
  g_clear_object (&self->store);
  g_clear_object (&self->storm);

  G_OBJECT_CLASS (storm_jobs_view_parent_class)->dispose (object);
}

static void
storm_jobs_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  StormJobsView *self = STORM_JOBS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_STORM:
      g_value_set_object (value, self->storm);
      break;

    case PROP_NO_STORMS:
      g_value_set_boolean (value, self->no_storms);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, storm_jobs_view_get_loading (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_jobs_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  StormJobsView *self = STORM_JOBS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;

    case PROP_STORM:
      set_storm (self, g_value_get_object (value));
      break;

    case PROP_NO_STORMS:
      if (self->no_storms != g_value_get_boolean (value))
        {
          self->no_storms = g_value_get_boolean (value);
          update_state (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_jobs_view_class_init (StormJobsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_jobs_view_dispose;
  object_class->get_property = storm_jobs_view_get_property;
  object_class->set_property = storm_jobs_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STORM_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STORM] =
    g_param_spec_object ("storm", NULL, NULL, STORM_TYPE_STORM,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * StormJobsView:no-storms:
   *
   * The storm list has been read and the database has no storm: say so
   * rather than wait for one.
   */
  properties[PROP_NO_STORMS] =
    g_param_spec_boolean ("no-storms", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STORM_TYPE_PROPERTY);
  g_type_ensure (STORM_TYPE_PROPERTY_DETAILS);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-jobs-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, list_view);
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, no_matches_page);
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, selection);
  gtk_widget_class_bind_template_child (widget_class, StormJobsView, details);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, uplift_badge_text);
  gtk_widget_class_bind_template_callback (widget_class, uplift_badge_visible);
  gtk_widget_class_bind_template_callback (widget_class, uplift_badge_classes);

  gtk_widget_class_install_action (widget_class, "jobs.show-list", NULL, show_list_action);
}

static void
storm_jobs_view_init (StormJobsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  update_state (self);
}

/* The lazy list of the storm's properties (matching the search) shown. */
StormPropertyList *
storm_jobs_view_get_properties (StormJobsView *self)
{
  g_return_val_if_fail (STORM_IS_JOBS_VIEW (self), NULL);

  return self->properties;
}

/* Sets the search text and searches at once, skipping the typing delay. */
void
storm_jobs_view_set_search (StormJobsView *self,
                            const char    *text)
{
  g_return_if_fail (STORM_IS_JOBS_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  search_changed_cb (self);
}

void
storm_jobs_view_focus_search (StormJobsView *self)
{
  g_return_if_fail (STORM_IS_JOBS_VIEW (self));

  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

gboolean
storm_jobs_view_get_loading (StormJobsView *self)
{
  g_return_val_if_fail (STORM_IS_JOBS_VIEW (self), FALSE);

  return self->properties != NULL && storm_property_list_get_loading (self->properties);
}
