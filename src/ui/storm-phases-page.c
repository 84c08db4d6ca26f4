#define G_LOG_DOMAIN "storm-phases-page"

#include "config.h"

#include "storm-attribution-view.h"
#include "storm-empty-page.h"
#include "storm-jobs-view.h"
#include "storm-nurture-view.h"
#include "storm-phases-page.h"
#include "storm-routes-view.h"
#include "storm-target-view.h"
#include "storm-store.h"
#include "storm-storm.h"

/* The storm cycle, one view per phase: Target, Attribution, Routes,
 * Jobs, Nurture. The window's header shows the phase switcher; a bar at
 * the bottom takes over when the header is too narrow for it. */
struct _StormPhasesPage
{
  GtkWidget         parent_instance;

  AdwViewStack       *stack;
  AdwViewSwitcherBar *switcher_bar;
  StormTargetView      *target;
  StormAttributionView *attribution;
  StormRoutesView      *routes;
  StormJobsView        *jobs;
  StormNurtureView     *nurture;

  StormStore    *store;
  StormStorm    *storm;
  gboolean       compact;
  gboolean       no_storms;
};

G_DEFINE_FINAL_TYPE (StormPhasesPage, storm_phases_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STORM,
  PROP_COMPACT,
  PROP_NO_STORMS,
  PROP_PHASE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
visible_phase_cb (StormPhasesPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
view_loading_cb (StormPhasesPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* The views of the storm-cycle phases read the store themselves; they
 * are told which storm to show whenever the store or the storm changes. */
static void
update_views (StormPhasesPage *self)
{
  StormStore *store = self->storm != NULL ? self->store : NULL;
  gint64 storm_id = store != NULL ? storm_storm_get_id (self->storm) : 0;

  storm_target_view_set_storm (self->target, store, storm_id);
  storm_attribution_view_set_storm (self->attribution, store, storm_id);
  storm_routes_view_set_storm (self->routes, store, storm_id);
  storm_nurture_view_set_storm (self->nurture, store, storm_id);
}

static void
storm_phases_page_dispose (GObject *object)
{
  StormPhasesPage *self = (StormPhasesPage *) object;

  /* Let go of the stack before it goes: libadwaita 1.2's switcher would
   * otherwise unparent buttons of pages already destroyed. */
  adw_view_switcher_bar_set_stack (self->switcher_bar, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_PHASES_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->storm);

  G_OBJECT_CLASS (storm_phases_page_parent_class)->dispose (object);
}

static void
storm_phases_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StormPhasesPage *self = STORM_PHASES_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_STORM:
      g_value_set_object (value, self->storm);
      break;

    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;

    case PROP_NO_STORMS:
      g_value_set_boolean (value, self->no_storms);
      break;

    case PROP_PHASE:
      g_value_set_string (value, storm_phases_page_get_phase (self));
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, storm_phases_page_get_loading (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_phases_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  StormPhasesPage *self = STORM_PHASES_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      if (g_set_object (&self->store, g_value_get_object (value)))
        {
          update_views (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_STORM:
      if (g_set_object (&self->storm, g_value_get_object (value)))
        {
          update_views (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_COMPACT:
      if (self->compact != g_value_get_boolean (value))
        {
          self->compact = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_NO_STORMS:
      if (self->no_storms != g_value_get_boolean (value))
        {
          self->no_storms = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_PHASE:
      storm_phases_page_set_phase (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_phases_page_class_init (StormPhasesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_phases_page_dispose;
  object_class->get_property = storm_phases_page_get_property;
  object_class->set_property = storm_phases_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STORM_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STORM] =
    g_param_spec_object ("storm", NULL, NULL, STORM_TYPE_STORM,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NO_STORMS] =
    g_param_spec_boolean ("no-storms", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PHASE] =
    g_param_spec_string ("phase", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STORM_TYPE_ATTRIBUTION_VIEW);
  g_type_ensure (STORM_TYPE_EMPTY_PAGE);
  g_type_ensure (STORM_TYPE_JOBS_VIEW);
  g_type_ensure (STORM_TYPE_NURTURE_VIEW);
  g_type_ensure (STORM_TYPE_ROUTES_VIEW);
  g_type_ensure (STORM_TYPE_TARGET_VIEW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-phases-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StormPhasesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, StormPhasesPage, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, StormPhasesPage, target);
  gtk_widget_class_bind_template_child (widget_class, StormPhasesPage, attribution);
  gtk_widget_class_bind_template_child (widget_class, StormPhasesPage, routes);
  gtk_widget_class_bind_template_child (widget_class, StormPhasesPage, jobs);
  gtk_widget_class_bind_template_child (widget_class, StormPhasesPage, nurture);
  gtk_widget_class_bind_template_callback (widget_class, visible_phase_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_loading_cb);
}

static void
storm_phases_page_init (StormPhasesPage *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Property lookup is the phase with data today; open there. */
  adw_view_stack_set_visible_child_name (self->stack, "jobs");
}

AdwViewStack *
storm_phases_page_get_stack (StormPhasesPage *self)
{
  g_return_val_if_fail (STORM_IS_PHASES_PAGE (self), NULL);

  return self->stack;
}

const char *
storm_phases_page_get_phase (StormPhasesPage *self)
{
  g_return_val_if_fail (STORM_IS_PHASES_PAGE (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

gboolean
storm_phases_page_set_phase (StormPhasesPage *self,
                             const char      *phase)
{
  g_return_val_if_fail (STORM_IS_PHASES_PAGE (self), FALSE);

  if (phase == NULL || adw_view_stack_get_child_by_name (self->stack, phase) == NULL)
    return FALSE;
  adw_view_stack_set_visible_child_name (self->stack, phase);
  return TRUE;
}

void
storm_phases_page_set_search (StormPhasesPage *self,
                              const char      *text)
{
  g_return_if_fail (STORM_IS_PHASES_PAGE (self));

  storm_jobs_view_set_search (self->jobs, text);
}

void
storm_phases_page_focus_search (StormPhasesPage *self)
{
  g_return_if_fail (STORM_IS_PHASES_PAGE (self));

  storm_jobs_view_focus_search (self->jobs);
}

gboolean
storm_phases_page_get_loading (StormPhasesPage *self)
{
  const char *phase;

  g_return_val_if_fail (STORM_IS_PHASES_PAGE (self), FALSE);

  /* What the operator is looking at: the visible phase. */
  phase = storm_phases_page_get_phase (self);
  if (g_strcmp0 (phase, "target") == 0)
    return storm_target_view_get_loading (self->target);
  if (g_strcmp0 (phase, "attribution") == 0)
    return storm_attribution_view_get_loading (self->attribution);
  if (g_strcmp0 (phase, "routes") == 0)
    return storm_routes_view_get_loading (self->routes);
  if (g_strcmp0 (phase, "nurture") == 0)
    return storm_nurture_view_get_loading (self->nurture);
  return storm_jobs_view_get_loading (self->jobs);
}
