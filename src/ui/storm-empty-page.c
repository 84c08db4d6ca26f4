#define G_LOG_DOMAIN "storm-empty-page"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-empty-page.h"

/* The empty state of a view whose data arrives with a later version:
 * what it will show and what feeds it, so the user knows what to expect
 * and that nothing on it is made up. One class for every such page. */
struct _StormEmptyPage
{
  GtkWidget         parent_instance;

  AdwStatusPage *status;
  GtkLabel      *source_label;
  GtkButton     *lookup_button;

  const char    *page;
};

G_DEFINE_FINAL_TYPE (StormEmptyPage, storm_empty_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const char *page;
  const char *icon_name;
  const char *title;
  const char *description;
  const char *source;
  gboolean    storm_phase;
} PageText;

static const PageText pages[] = {
  { "target", "find-location-symbolic",
    N_("Choose Who to Visit"),
    N_("Apply a treatment policy to this storm: each property is marked to visit or to hold "
       "out as a control, so the lift of the campaign is measured rather than guessed."),
    N_("Built from the uplift scores and base conversion rates of the storm’s properties."),
    TRUE },
  { "attribution", "emblem-shared-symbolic",
    N_("Credit for Each Sale"),
    N_("Which door knocks, calls, texts, mailers and referrals led to each sale, with "
       "last-touch, first-touch, linear and position-based credit side by side."),
    N_("Built from the outcomes and touches recorded for this storm."),
    TRUE },
  { "routes", "mark-location-symbolic",
    N_("Routes on the Map"),
    N_("A map of the storm’s hail reports and targeted properties, the crew routes built "
       "from them, and route sheets to print or save as PDF."),
    N_("Built from the storm reports, the property coordinates and the treatment policy."),
    TRUE },
  { "nurture", "task-due-symbolic",
    N_("Follow-Ups"),
    N_("Properties that did not convert on the first visit, each with its next follow-up, "
       "channel and due date, so nobody is forgotten."),
    N_("Built from the outcomes, touches and follow-ups recorded for this storm."),
    TRUE },
  { "ops-health", "dialog-warning-symbolic",
    N_("Ops Health"),
    N_("One panel for everything that failed or needs a person: failed imports and runs, "
       "stale leads, stuck proposals, the approval queue and integration health, each with "
       "a recommended action."),
    N_("Built from the event log, which already records every import and bulk job, and "
       "from your leads and proposals."),
    FALSE },
  { "sales-leak", "view-sort-descending-symbolic",
    N_("Sales Leak"),
    N_("The pipeline stage by stage, the conversion between stages against benchmarks you "
       "can edit, and the worst leak with the records behind it."),
    N_("Built from imported leads and proposals."),
    FALSE },
  { "results-ledger", "x-office-spreadsheet-symbolic",
    N_("Results Ledger"),
    N_("Every active or shipped client: target, baseline, current value and change, the "
       "interventions tried, what worked and what did not, the proof and the next action."),
    N_("Built from client records and the measurements attached to them."),
    FALSE },
  { "packages", "package-x-generic-symbolic",
    N_("Packages"),
    N_("Your service packages, the offer ladder from entry offer to premium, and the "
       "reusable assets and templates behind each."),
    N_("Built from imported package records."),
    FALSE },
  { "agent-jobs", "applications-engineering-symbolic",
    N_("Agent Jobs"),
    N_("A ledger of automated code-agent runs: files touched, risk, tests, human approval "
       "and deployment. A high-risk change cannot ship without a recorded approval."),
    N_("Built from the agent-job records your CI or tools post to StormOps’ local API."),
    FALSE },
};

static const PageText *
find_page (const char *page)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (pages[i].page, page) == 0)
      return &pages[i];
  return NULL;
}

static void
storm_empty_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STORM_TYPE_EMPTY_PAGE);

  G_OBJECT_CLASS (storm_empty_page_parent_class)->dispose (object);
}

static void
storm_empty_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StormEmptyPage *self = STORM_EMPTY_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      g_value_set_string (value, self->page);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_empty_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  StormEmptyPage *self = STORM_EMPTY_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      storm_empty_page_set_page (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_empty_page_class_init (StormEmptyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_empty_page_dispose;
  object_class->get_property = storm_empty_page_get_property;
  object_class->set_property = storm_empty_page_set_property;

  /**
   * StormEmptyPage:page:
   *
   * Which view this is: a storm phase ("target", "attribution",
   * "routes", "nurture") or a dashboard ("ops-health", "sales-leak",
   * "results-ledger", "packages", "agent-jobs").
   */
  properties[PROP_PAGE] =
    g_param_spec_string ("page", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-empty-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StormEmptyPage, status);
  gtk_widget_class_bind_template_child (widget_class, StormEmptyPage, source_label);
  gtk_widget_class_bind_template_child (widget_class, StormEmptyPage, lookup_button);
}

static void
storm_empty_page_init (StormEmptyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
storm_empty_page_get_page (StormEmptyPage *self)
{
  g_return_val_if_fail (STORM_IS_EMPTY_PAGE (self), NULL);

  return self->page;
}

void
storm_empty_page_set_page (StormEmptyPage *self,
                           const char     *page)
{
  const PageText *text;

  g_return_if_fail (STORM_IS_EMPTY_PAGE (self));

  text = find_page (page);
  g_return_if_fail (text != NULL);

  if (self->page == text->page)
    return;
  self->page = text->page;

  adw_status_page_set_icon_name (self->status, text->icon_name);
  adw_status_page_set_title (self->status, _(text->title));
  adw_status_page_set_description (self->status, _(text->description));
  gtk_label_set_label (self->source_label, _(text->source));
  /* Phases of a storm can point at the one phase with data today. */
  gtk_widget_set_visible (GTK_WIDGET (self->lookup_button), text->storm_phase);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}
