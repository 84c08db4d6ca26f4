#pragma once

#include "storm-map-view.h"
#include "storm-routes.h"
#include "storm-routes-view.h"
#include "storm-store-map.h"

G_BEGIN_DECLS

/* Shared by storm-routes-view.c (reading, the map, the lists) and
 * storm-routes-view-actions.c (planning, edits, exports, printing), and
 * the view's own test. */

/* One current route with its stops, as read on the worker. */
typedef struct
{
  StormRoute *route;
  GPtrArray  *stops;   /* StormRouteStop */
  double     *lat;
  double     *lon;
} RouteEntry;

typedef struct
{
  gboolean         has_execution;
  StormMapPoints  *points;
  StormMapReports *reports;
  StormMapPlan     plan;
  GPtrArray       *routes;   /* RouteEntry, the route layer's order */
  StormRouteSettings settings;
} RoutesData;

struct _StormRoutesView
{
  GtkWidget        parent_instance;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwStatusPage   *empty_page;
  GtkSpinner      *loading_spinner;
  GtkLabel        *summary_label;
  GtkSpinner      *spinner;
  GtkRevealer     *note_revealer;
  GtkLabel        *note_label;
  GtkRevealer     *progress_revealer;
  GtkProgressBar  *progress_bar;
  AdwFlap         *flap;
  StormMapView    *map_view;
  GtkBox          *legend;
  GtkStack        *list_stack;
  AdwStatusPage   *none_page;
  GtkListBox      *route_list;
  GtkLabel        *route_title;
  GtkLabel        *route_facts;
  GtkListBox      *stop_list;

  GtkPopover      *card;
  GtkLabel        *card_title;
  GtkLabel        *card_body;

  GSettings       *settings;
  StormStore      *store;
  gulong           changed_id;
  gint64           storm_id;

  RoutesData      *data;
  GError          *error;
  gboolean         fitted;
  gboolean         reload_map;
  gint64           selected_route;
  char            *last_message;

  GCancellable    *reading;
  GCancellable    *planning;
  GCancellable    *exporting;
  GCancellable    *card_reading;
  guint            reload_source;
  gboolean         loading;
};

/* storm-routes-view.c */
RouteEntry   *_storm_routes_view_entry_at          (StormRoutesView            *self,
                                                    guint                       index);
int           _storm_routes_view_index_of_route    (StormRoutesView            *self,
                                                    gint64                      route_id);
RouteEntry   *_storm_routes_view_selected_entry    (StormRoutesView            *self);
void          _storm_routes_view_update_loading    (StormRoutesView            *self);
void          _storm_routes_view_update_actions    (StormRoutesView            *self);
void          _storm_routes_view_toast             (StormRoutesView            *self,
                                                    const char                 *message);
/* Selects @route_id (0: none) in the list and on the map; @fit moves
 * the map to it. */
void          _storm_routes_view_show_route        (StormRoutesView            *self,
                                                    gint64                      route_id,
                                                    gboolean                    fit);

/* storm-routes-view-actions.c */
void          _storm_routes_view_install_actions   (GtkWidgetClass             *widget_class);
void          _storm_routes_view_plan              (StormRoutesView            *self,
                                                    const StormRoutePlanParams *params);

/* For the test: the view's parts and state. */
StormMapView *_storm_routes_view_get_map_view      (StormRoutesView            *self);
GtkListBox   *_storm_routes_view_get_route_list    (StormRoutesView            *self);
GtkListBox   *_storm_routes_view_get_stop_list     (StormRoutesView            *self);
AdwFlap      *_storm_routes_view_get_flap          (StormRoutesView            *self);
/* "empty" (no storm, or an error), "loading", "none" (no routes yet),
 * "routes" (the list) or "stops" (one route's stops). */
const char   *_storm_routes_view_get_state         (StormRoutesView            *self);
const char   *_storm_routes_view_get_note          (StormRoutesView            *self);
gint64        _storm_routes_view_get_selected_route (StormRoutesView           *self);
void          _storm_routes_view_select_route      (StormRoutesView            *self,
                                                    gint64                      route_id);
/* The message of the last toast shown. */
const char   *_storm_routes_view_get_last_message  (StormRoutesView            *self);
GtkPopover   *_storm_routes_view_get_card          (StormRoutesView            *self);

G_END_DECLS
