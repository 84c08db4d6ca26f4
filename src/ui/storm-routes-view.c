#define G_LOG_DOMAIN "storm-routes-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-cycle-util.h"
#include "storm-format.h"
#include "storm-map-view.h"
#include "storm-next-action.h"
#include "storm-routes.h"
#include "storm-routes-view-private.h"
#include "storm-store-map.h"
#include "storm-store-policy.h"
#include "storm-store-properties.h"

G_STATIC_ASSERT ((int) STORM_MAP_STATUS_TREAT == (int) STORM_POINT_STATUS_TREAT);
G_STATIC_ASSERT ((int) STORM_MAP_STATUS_HOLD == (int) STORM_POINT_STATUS_HOLD);
G_STATIC_ASSERT ((int) STORM_MAP_STATUS_CONTROL == (int) STORM_POINT_STATUS_CONTROL);
G_STATIC_ASSERT ((int) STORM_MAP_STATUS_CONVERTED == (int) STORM_POINT_STATUS_CONVERTED);
G_STATIC_ASSERT ((int) STORM_MAP_STATUS_VISITED == (int) STORM_POINT_STATUS_VISITED);

typedef struct
{
  StormProperty        *property;
  StormPropertyContext  context;
  StormNextAction       action;
  char                 *route_name;
  guint                 seq;
} CardData;

typedef struct
{
  gint64 storm_id;
  gint64 property_id;
} CardRequest;

typedef struct
{
  gint64   storm_id;
  gboolean with_map;   /* properties and reports too, not only routes */
} RoutesRequest;

G_DEFINE_FINAL_TYPE (StormRoutesView, storm_routes_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
route_entry_free (gpointer data)
{
  RouteEntry *entry = data;

  storm_route_free (entry->route);
  g_ptr_array_unref (entry->stops);
  g_free (entry->lat);
  g_free (entry->lon);
  g_free (entry);
}

static void
routes_data_free (gpointer data)
{
  RoutesData *routes = data;

  if (routes == NULL)
    return;
  storm_map_points_free (routes->points);
  storm_map_reports_free (routes->reports);
  storm_map_plan_clear (&routes->plan);
  g_clear_pointer (&routes->routes, g_ptr_array_unref);
  g_free (routes);
}

static void
card_data_free (gpointer data)
{
  CardData *card = data;

  g_clear_object (&card->property);
  storm_next_action_clear (&card->action);
  g_free (card->route_name);
  g_free (card);
}

RouteEntry *
_storm_routes_view_entry_at (StormRoutesView *self,
          guint            index)
{
  if (self->data == NULL || index >= self->data->routes->len)
    return NULL;
  return g_ptr_array_index (self->data->routes, index);
}

int
_storm_routes_view_index_of_route (StormRoutesView *self,
                gint64           route_id)
{
  for (guint i = 0; self->data != NULL && i < self->data->routes->len; i++)
    if (_storm_routes_view_entry_at (self, i)->route->id == route_id)
      return (int) i;
  return -1;
}

RouteEntry *
_storm_routes_view_selected_entry (StormRoutesView *self)
{
  int index = _storm_routes_view_index_of_route (self, self->selected_route);

  return index >= 0 ? _storm_routes_view_entry_at (self, index) : NULL;
}

void
_storm_routes_view_update_loading (StormRoutesView *self)
{
  gboolean loading = self->reading != NULL || self->planning != NULL || self->exporting != NULL ||
                     self->reload_source != 0;

  if (loading)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  if (loading == self->loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

void
_storm_routes_view_update_actions (StormRoutesView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  RouteEntry *entry = _storm_routes_view_selected_entry (self);
  gboolean ready = self->store != NULL && self->storm_id != 0 && self->data != NULL;
  gboolean has_routes = ready && self->data->routes->len > 0;
  gboolean editable = entry != NULL && !entry->route->locked;

  gtk_widget_action_set_enabled (widget, "routes.plan", ready && self->planning == NULL);
  gtk_widget_action_set_enabled (widget, "routes.cancel-plan", self->planning != NULL);
  gtk_widget_action_set_enabled (widget, "routes.export", has_routes && self->exporting == NULL);
  gtk_widget_action_set_enabled (widget, "routes.export-file", has_routes && self->exporting == NULL);
  gtk_widget_action_set_enabled (widget, "routes.print", has_routes && self->exporting == NULL);
  gtk_widget_action_set_enabled (widget, "routes.rename", entry != NULL);
  gtk_widget_action_set_enabled (widget, "routes.assign-crew", entry != NULL);
  gtk_widget_action_set_enabled (widget, "routes.lock", entry != NULL && !entry->route->locked);
  gtk_widget_action_set_enabled (widget, "routes.unlock", entry != NULL && entry->route->locked);
  gtk_widget_action_set_enabled (widget, "routes.optimize", editable && entry->stops->len > 2);
  gtk_widget_action_set_enabled (widget, "routes.move-up", editable);
  gtk_widget_action_set_enabled (widget, "routes.move-down", editable);
  gtk_widget_action_set_enabled (widget, "routes.move-stop", editable);
}

void
_storm_routes_view_toast (StormRoutesView *self,
       const char      *message)
{
  AdwToast *t = adw_toast_new (message);

  g_free (self->last_message);
  self->last_message = g_strdup (message);
  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static char *
format_minutes (double minutes)
{
  int total = (int) lround (minutes);

  if (total < 60)
    /* Translators: a duration under an hour */
    return g_strdup_printf (_("%d min"), total);
  /* Translators: a duration, hours and minutes, e.g. "3 h 05 min" */
  return g_strdup_printf (_("%d h %02d min"), total / 60, total % 60);
}

static char *
route_subtitle (const StormRoute *route)
{
  g_autofree char *time = format_minutes (route->est_minutes);
  const char *crew = route->crew != NULL && route->crew[0] != '\0' ? route->crew : _("No crew");

  /* Translators: crew · doors on the route/its cap · distance · time */
  return g_strdup_printf (_("%s · %u/%u doors · %.1f km · %s"), crew, route->n_stops, route->doors_cap,
                          route->total_km, time);
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  GdkRGBA color;

  storm_route_color (GPOINTER_TO_UINT (user_data), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static GtkWidget *
swatch_new (guint index)
{
  GtkWidget *area = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), 12);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 12);
  gtk_widget_set_valign (area, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_swatch, GUINT_TO_POINTER (index), NULL);
  return area;
}

static void
draw_status (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  GdkRGBA color;

  storm_point_status_get_color (GPOINTER_TO_UINT (user_data), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 1, 0, 2 * G_PI);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

/* What the dots' colours mean. */
static void
legend_init (StormRoutesView *self)
{
  GtkWidget *note;

  for (guint s = 0; s < STORM_POINT_N_STATUS; s++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *dot = gtk_drawing_area_new ();
      GtkWidget *label = gtk_label_new (storm_point_status_get_label (s));

      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (dot), 10);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (dot), 10);
      gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (dot), draw_status, GUINT_TO_POINTER (s), NULL);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_set_margin_start (box, 8);
      gtk_widget_set_margin_end (box, 8);
      gtk_widget_set_margin_top (box, s == 0 ? 6 : 0);
      gtk_widget_set_margin_bottom (box, s + 1 == STORM_POINT_N_STATUS ? 4 : 0);
      gtk_box_append (GTK_BOX (box), dot);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (self->legend, box);
    }
  note = gtk_label_new (_("Rings: hail reports, larger for bigger hail\nTriangles: wind · diamonds: tornado"));
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_widget_add_css_class (note, "caption");
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_set_margin_start (note, 8);
  gtk_widget_set_margin_end (note, 8);
  gtk_widget_set_margin_bottom (note, 6);
  gtk_box_append (self->legend, note);
}

static GtkWidget *
route_row_new (const StormRoute *route,
               guint             index)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  g_autofree char *subtitle = route_subtitle (route);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), route->name);
  adw_action_row_set_subtitle (row, subtitle);
  adw_action_row_set_subtitle_lines (row, 2);
  adw_action_row_add_prefix (row, swatch_new (index));
  if (route->locked)
    {
      GtkWidget *lock = gtk_image_new_from_icon_name ("changes-prevent-symbolic");

      gtk_widget_set_tooltip_text (lock, _("Locked: kept as it is when routes are planned again"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (lock), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Locked"), -1);
      adw_action_row_add_suffix (row, lock);
    }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return GTK_WIDGET (row);
}

/* The "Move to route…" menu of a stop, built when it opens. */
static void
move_menu_popup_cb (GtkMenuButton *button,
                    gpointer       user_data)
{
  StormRoutesView *self = user_data;
  RouteEntry *entry = _storm_routes_view_selected_entry (self);
  guint seq = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "seq"));
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; entry != NULL && i < self->data->routes->len; i++)
    {
      const StormRoute *target = _storm_routes_view_entry_at (self, i)->route;
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (target->id == entry->route->id)
        continue;
      /* Translators: a route in the "Move to route" menu, with its doors and cap */
      label = g_strdup_printf (_("%s (%u/%u)"), target->name, target->n_stops, target->doors_cap);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "routes.move-stop",
                                               g_variant_new ("(ux)", seq, target->id));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action,
             GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  return button;
}

static GtkWidget *
stop_row_new (StormRoutesView      *self,
              const StormRouteStop *stop,
              guint                 n_stops,
              gboolean              has_depot)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  g_autofree char *title = g_strdup_printf ("%u. %s", stop->seq, stop->address ? stop->address : stop->ext_id);
  g_autofree char *subtitle = NULL;
  g_autofree char *leg = NULL;
  GtkWidget *up, *down, *move;

  /* Translators: a stop's property id and the length of the leg to it */
  subtitle = g_strdup_printf (_("%s · %.2f km"), stop->ext_id, stop->leg_km);
  if (stop->seq > 1)
    leg = g_strdup_printf (_("%.2f km from the previous stop"), stop->leg_km);
  else if (has_depot)
    leg = g_strdup_printf (_("%.2f km from the depot"), stop->leg_km);
  else
    leg = g_strdup (_("The first stop"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), leg);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (row, 1);
  adw_action_row_set_subtitle (row, subtitle);
  adw_action_row_set_subtitle_lines (row, 1);

  up = icon_button ("go-up-symbolic", _("Earlier on the Route"), "routes.move-up", g_variant_new_uint32 (stop->seq));
  down = icon_button ("go-down-symbolic", _("Later on the Route"), "routes.move-down",
                      g_variant_new_uint32 (stop->seq));
  gtk_widget_set_sensitive (up, stop->seq > 1);
  gtk_widget_set_sensitive (down, stop->seq < n_stops);
  move = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (move), "mail-forward-symbolic");
  gtk_widget_set_tooltip_text (move, _("Move to Route…"));
  gtk_widget_set_valign (move, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (move, "flat");
  g_object_set_data (G_OBJECT (move), "seq", GUINT_TO_POINTER (stop->seq));
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (move), move_menu_popup_cb, self, NULL);
  adw_action_row_add_suffix (row, up);
  adw_action_row_add_suffix (row, down);
  adw_action_row_add_suffix (row, move);
  return GTK_WIDGET (row);
}

static void
show_stops (StormRoutesView *self)
{
  RouteEntry *entry = _storm_routes_view_selected_entry (self);
  g_autofree char *facts = NULL;

  _storm_cycle_remove_all (GTK_WIDGET (self->stop_list));
  if (entry == NULL)
    return;
  facts = route_subtitle (entry->route);
  if (entry->route->locked)
    {
      g_autofree char *plain = g_steal_pointer (&facts);

      /* Translators: a route's facts, then that it is locked */
      facts = g_strdup_printf (_("%s · locked"), plain);
    }
  gtk_label_set_label (self->route_title, entry->route->name);
  gtk_label_set_label (self->route_facts, facts);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->route_facts), facts);
  for (guint i = 0; i < entry->stops->len; i++)
    gtk_list_box_append (self->stop_list, stop_row_new (self, entry->stops->pdata[i], entry->stops->len,
                                                       entry->route->has_depot));
}

static void
update_list_page (StormRoutesView *self)
{
  if (self->data == NULL || self->data->routes->len == 0)
    gtk_stack_set_visible_child_name (self->list_stack, "none");
  else if (_storm_routes_view_selected_entry (self) != NULL)
    gtk_stack_set_visible_child_name (self->list_stack, "stops");
  else
    gtk_stack_set_visible_child_name (self->list_stack, "routes");
}

void
_storm_routes_view_show_route (StormRoutesView *self,
              gint64           route_id,
              gboolean         fit)
{
  int index = _storm_routes_view_index_of_route (self, route_id);

  self->selected_route = index >= 0 ? route_id : 0;
  if (fit)
    storm_map_view_select_route (self->map_view, index);
  else
    storm_route_layer_select (storm_map_view_get_route_layer (self->map_view), index);
  show_stops (self);
  update_list_page (self);
  _storm_routes_view_update_actions (self);
}

static void
update_page (StormRoutesView *self)
{
  if (self->storm_id == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Storm Selected"));
      adw_status_page_set_description (self->empty_page,
                                       _("Choose a storm to plan crew routes and review them on the map."));
    }
  else if (self->error != NULL)
    {
      adw_status_page_set_title (self->empty_page, _("Cannot Read the Routes"));
      adw_status_page_set_description (self->empty_page, self->error->message);
    }
  else if (self->data == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->loading_spinner);
      return;
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "content");
      gtk_spinner_stop (self->loading_spinner);
      return;
    }
  gtk_spinner_stop (self->loading_spinner);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
show_summary (StormRoutesView *self)
{
  RoutesData *data = self->data;
  g_autofree char *summary = NULL;
  g_autofree char *note = NULL;
  guint n_doors = 0, n_locked = 0;
  double km = 0;

  for (guint i = 0; i < data->routes->len; i++)
    {
      const StormRoute *route = _storm_routes_view_entry_at (self, i)->route;

      n_doors += route->n_stops;
      km += route->total_km;
      n_locked += route->locked ? 1 : 0;
    }
  if (data->routes->len == 0)
    summary = g_strdup (_("No routes planned for this storm"));
  else
    {
      g_autofree char *doors = _storm_cycle_format_count (n_doors);

      /* Translators: number of routes, doors on them, total distance */
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u route · %s doors · %.1f km",
                                              "%u routes · %s doors · %.1f km", data->routes->len),
                                 data->routes->len, doors, km);
      if (n_locked > 0)
        {
          g_autofree char *plain = g_steal_pointer (&summary);

          summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u locked", "%s · %u locked", n_locked),
                                     plain, n_locked);
        }
    }
  gtk_label_set_label (self->summary_label, summary);

  /* Why doors the operator might expect are not on a route. */
  if (data->routes->len > 0 && data->plan.all_properties)
    note = g_strdup (_("No treatment policy had been applied when these routes were planned: every property but "
                       "the universal control is routed. Apply a policy in Target and plan again to route only "
                       "the treat doors."));
  else if (data->routes->len == 0 && !data->has_execution)
    note = g_strdup (_("No treatment policy has been applied to this storm yet: planning now routes every property "
                       "but the universal control."));
  if (note != NULL && data->plan.n_unassigned > 0)
    {
      g_autofree char *plain = g_steal_pointer (&note);
      g_autofree char *n = _storm_cycle_format_count (data->plan.n_unassigned);

      note = g_strdup_printf (_("%s %s doors could not be placed on a route."), plain, n);
    }
  else if (note == NULL && data->plan.n_unassigned > 0)
    {
      g_autofree char *n = _storm_cycle_format_count (data->plan.n_unassigned);

      note = g_strdup_printf (_("%s doors could not be placed on a route (no location, or more doors than the "
                                "crews can take)."), n);
    }
  gtk_label_set_label (self->note_label, note ? note : "");
  gtk_revealer_set_reveal_child (self->note_revealer, note != NULL);
  adw_status_page_set_description (self->none_page,
                                   data->has_execution
                                   ? _("Split the treat doors of the current policy into routes of at most 50 doors, "
                                       "each in walking order.")
                                   : _("No policy has been applied: every property but the universal control will be "
                                       "routed."));
}

static void
show_data (StormRoutesView *self,
           RoutesData      *data)
{
  StormRouteLayer *route_layer = storm_map_view_get_route_layer (self->map_view);
  g_autofree StormRouteLine *lines = NULL;
  gboolean has_depot = FALSE;
  double depot_lat = 0, depot_lon = 0;
  gint64 keep = self->selected_route;

  if (data->points != NULL)
    {
      storm_point_layer_set_points (storm_map_view_get_point_layer (self->map_view), data->points->lat,
                                    data->points->lon, data->points->status, data->points->ids, data->points->n);
      storm_report_layer_set_reports (storm_map_view_get_report_layer (self->map_view), data->reports->lat,
                                      data->reports->lon, data->reports->kind, data->reports->magnitude,
                                      data->reports->n);
      self->reload_map = FALSE;
    }
  else if (self->data != NULL)
    {
      /* Only routes changed: the layers keep their properties and reports. */
      data->points = g_steal_pointer (&self->data->points);
      data->reports = g_steal_pointer (&self->data->reports);
    }
  g_clear_pointer (&self->data, routes_data_free);
  self->data = data;
  lines = g_new0 (StormRouteLine, MAX (data->routes->len, 1));
  for (guint i = 0; i < data->routes->len; i++)
    {
      RouteEntry *entry = _storm_routes_view_entry_at (self, i);

      lines[i].name = entry->route->name;
      lines[i].lat = entry->lat;
      lines[i].lon = entry->lon;
      lines[i].n_stops = entry->stops->len;
      if (entry->route->has_depot && !has_depot)
        {
          has_depot = TRUE;
          depot_lat = entry->route->depot_lat;
          depot_lon = entry->route->depot_lon;
        }
    }
  storm_route_layer_set_routes (route_layer, lines, data->routes->len);
  if (!has_depot && data->settings.has_depot)
    {
      has_depot = TRUE;
      depot_lat = data->settings.depot_lat;
      depot_lon = data->settings.depot_lon;
    }
  if (has_depot)
    storm_route_layer_set_depot (route_layer, depot_lat, depot_lon);
  else
    storm_route_layer_clear_depot (route_layer);

  _storm_cycle_remove_all (GTK_WIDGET (self->route_list));
  for (guint i = 0; i < data->routes->len; i++)
    gtk_list_box_append (self->route_list, route_row_new (_storm_routes_view_entry_at (self, i)->route, i));

  show_summary (self);
  update_page (self);
  /* The first look at a storm shows all of it; refreshes keep the view. */
  if (!self->fitted)
    self->fitted = storm_map_view_fit_all (self->map_view);
  _storm_routes_view_show_route (self, keep, FALSE);
}

/* Worker */

static gpointer
read_routes (StormDb       *db,
             gpointer       user_data,
             GCancellable  *cancellable,
             GError       **error)
{
  RoutesRequest *request = user_data;
  gint64 storm_id = request->storm_id;
  RoutesData *data = g_new0 (RoutesData, 1);
  g_autoptr(GPtrArray) routes = NULL;
  StormExecution *execution;
  GError *local_error = NULL;

  execution = storm_db_current_execution (db, storm_id, &local_error);
  data->has_execution = execution != NULL;
  storm_execution_free (execution);
  if (local_error == NULL && request->with_map)
    data->points = storm_db_map_points (db, storm_id, cancellable, &local_error);
  if (local_error == NULL && request->with_map)
    data->reports = storm_db_map_reports (db, storm_id, &local_error);
  if (local_error == NULL)
    storm_db_map_plan (db, storm_id, &data->plan, &local_error);
  if (local_error == NULL)
    storm_routes_get_settings (db, storm_id, &data->settings, &local_error);
  if (local_error == NULL)
    routes = storm_routes_list (db, storm_id, FALSE, &local_error);
  data->routes = g_ptr_array_new_with_free_func (route_entry_free);
  for (guint i = 0; routes != NULL && i < routes->len && local_error == NULL; i++)
    {
      RouteEntry *entry = g_new0 (RouteEntry, 1);

      entry->route = g_steal_pointer (&routes->pdata[i]);
      entry->stops = storm_routes_get_stops (db, entry->route->id, &local_error);
      if (entry->stops == NULL)
        entry->stops = g_ptr_array_new ();
      entry->lat = g_new (double, MAX (entry->stops->len, 1));
      entry->lon = g_new (double, MAX (entry->stops->len, 1));
      for (guint s = 0; s < entry->stops->len; s++)
        {
          const StormRouteStop *stop = entry->stops->pdata[s];

          entry->lat[s] = stop->lat;
          entry->lon[s] = stop->lon;
        }
      g_ptr_array_add (data->routes, entry);
    }
  if (local_error != NULL)
    {
      routes_data_free (data);
      g_propagate_error (error, local_error);
      return NULL;
    }
  return data;
}

static void
routes_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (source);
  g_autoptr(GError) error = NULL;
  RoutesData *data = _storm_cycle_read_finish (result, &error);

  if (g_task_get_cancellable (G_TASK (result)) != self->reading)
    {
      routes_data_free (data);
      return;
    }
  g_clear_object (&self->reading);
  g_clear_error (&self->error);
  if (data == NULL)
    self->error = g_steal_pointer (&error);
  else
    show_data (self, data);
  update_page (self);
  _storm_routes_view_update_actions (self);
  _storm_routes_view_update_loading (self);
}

static void
start_read (StormRoutesView *self)
{
  RoutesRequest *request;

  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  if (self->store == NULL || self->storm_id == 0)
    return;
  request = g_new0 (RoutesRequest, 1);
  request->storm_id = self->storm_id;
  request->with_map = self->reload_map || self->data == NULL;
  self->reading = g_cancellable_new ();
  _storm_cycle_read_async (self->store, self, read_routes, request, g_free, routes_data_free, self->reading,
                           routes_read_cb, NULL);
  _storm_routes_view_update_loading (self);
}

static gboolean
reload_cb (gpointer user_data)
{
  StormRoutesView *self = user_data;

  self->reload_source = 0;
  start_read (self);
  _storm_routes_view_update_loading (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reload (StormRoutesView *self)
{
  if (self->storm_id == 0)
    return;
  /* One read after all the tables of a write have been announced. */
  _storm_cycle_schedule_once (&self->reload_source, reload_cb, self);
  _storm_routes_view_update_loading (self);
}

static void
store_changed_cb (StormRoutesView *self,
                  const char      *table,
                  StormStore      *store)
{
  static const char * const map_tables[] = {
    "storms", "properties", "storm_properties", "storm_reports", "experiment_assignments", "policy_executions",
    "policy_decisions_log", "policy_outcomes", "touches", NULL
  };
  static const char * const route_tables[] = {
    "route_settings", "route_plans", "routes", "route_stops", "route_unassigned", NULL
  };

  /* Route edits are frequent and leave the storm's dots as they are;
   * reading and drawing a big storm's properties again would cost a
   * second each time. */
  if (g_strv_contains (map_tables, table))
    {
      self->reload_map = TRUE;
      schedule_reload (self);
    }
  else if (g_strv_contains (route_tables, table))
    schedule_reload (self);
}

/* Map */

static void
route_activated_cb (StormRoutesView *self,
                    int              index)
{
  RouteEntry *entry = _storm_routes_view_entry_at (self, index);

  if (entry == NULL)
    return;
  self->selected_route = entry->route->id;
  show_stops (self);
  update_list_page (self);
  _storm_routes_view_update_actions (self);
  adw_flap_set_reveal_flap (self->flap, TRUE);
}

static void
route_row_activated_cb (StormRoutesView *self,
                        GtkListBoxRow   *row)
{
  RouteEntry *entry = _storm_routes_view_entry_at (self, gtk_list_box_row_get_index (row));

  if (entry != NULL)
    _storm_routes_view_show_route (self, entry->route->id, TRUE);
}

static char *
card_text (const CardData *card)
{
  const StormPropertyInfo *info = storm_property_get_info (card->property);
  GString *text = g_string_new (NULL);
  const char *decision;
  const char *outcome;

  if (!card->context.has_decision)
    decision = _("No policy applied");
  else if (g_str_equal (card->context.decision, "treat"))
    decision = _("Treat");
  else
    decision = _("Hold");
  if (!card->context.has_outcome)
    outcome = _("None logged");
  else
    outcome = card->context.converted ? _("Converted") : _("Not converted");

  /* Translators: a property's own id and its id in StormOps */
  g_string_append_printf (text, _("%s (no. %lld)\n"), info->ext_id, (long long) info->id);
  if (info->city != NULL || info->zip != NULL)
    g_string_append_printf (text, "%s %s\n", info->city ? info->city : "", info->zip ? info->zip : "");
  if (info->year_built > 0)
    g_string_append_printf (text, _("Built %d"), info->year_built);
  if (info->roof_age >= 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%sroof %d year old", "%sroof %d years old",
                                               info->roof_age),
                            info->year_built > 0 ? " · " : "", info->roof_age);
  if (!isnan (info->value))
    {
      g_autofree char *value = storm_format_dollars (info->value);

      g_string_append_printf (text, "%s%s", info->year_built > 0 || info->roof_age >= 0 ? " · " : "", value);
    }
  if (info->year_built > 0 || info->roof_age >= 0 || !isnan (info->value))
    g_string_append_c (text, '\n');
  if (!isnan (info->hail_max_in) && !isnan (info->hail_distance_km))
    g_string_append_printf (text, _("Hail up to %.2f in, nearest report %.1f km away\n"), info->hail_max_in,
                            info->hail_distance_km);
  g_string_append_c (text, '\n');
  if (card->context.has_decision)
    g_string_append_printf (text, _("Decision: %s (%s)\n"), decision, _storm_cycle_reason_label (card->context.reason));
  else
    g_string_append_printf (text, _("Decision: %s\n"), decision);
  if (!isnan (info->uplift))
    g_string_append_printf (text, _("Uplift: %+.1f points\n"), info->uplift * 100.0);
  g_string_append_printf (text, _("Outcome: %s\n"), outcome);
  if (card->context.n_touches > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%lld touch, the last: %s\n",
                                               "%lld touches, the last: %s\n", card->context.n_touches),
                            (long long) card->context.n_touches,
                            _storm_cycle_result_label (card->context.last_result));
  if (card->route_name != NULL)
    g_string_append_printf (text, _("Route: %s, stop %u\n"), card->route_name, card->seq);
  else
    g_string_append (text, _("Route: not on a current route\n"));
  g_string_append_printf (text, _("Next action: %s"), card->action.action);
  return g_string_free (text, FALSE);
}

static gpointer
read_card (StormDb       *db,
           gpointer       user_data,
           GCancellable  *cancellable,
           GError       **error)
{
  CardRequest *request = user_data;
  CardData *card = g_new0 (CardData, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  gint64 route_id;

  card->property = storm_db_get_property (db, request->storm_id, request->property_id, error);
  if (card->property == NULL ||
      !storm_db_property_context (db, request->storm_id, request->property_id, &card->context, error))
    {
      card_data_free (card);
      return NULL;
    }
  storm_next_action_decide (&card->context, today, &card->action);
  route_id = storm_routes_find_stop (db, request->storm_id, request->property_id, &card->seq, NULL);
  if (route_id > 0)
    {
      g_autoptr(StormRoute) route = storm_routes_get (db, route_id, NULL);

      if (route != NULL)
        card->route_name = g_strdup (route->name);
    }
  return card;
}

static void
card_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (source);
  g_autoptr(GError) error = NULL;
  CardData *card = _storm_cycle_read_finish (result, &error);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  const StormPropertyInfo *info;
  GdkRectangle rect;
  double x, y;
  graphene_point_t point;

  if (g_task_get_cancellable (G_TASK (result)) != self->card_reading)
    {
      if (card != NULL)
        card_data_free (card);
      return;
    }
  g_clear_object (&self->card_reading);
  if (card == NULL)
    {
      _storm_routes_view_toast (self, error->message);
      return;
    }
  info = storm_property_get_info (card->property);
  title = storm_property_dup_title (card->property);
  body = card_text (card);
  gtk_label_set_label (self->card_title, title);
  gtk_label_set_label (self->card_body, body);

  storm_map_view_location_to_widget (self->map_view, info->lat, info->lon, &x, &y);
  if (!gtk_widget_compute_point (GTK_WIDGET (self->map_view), GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    point = GRAPHENE_POINT_INIT (x, y);
  rect = (GdkRectangle) { (int) point.x - 4, (int) point.y - 4, 8, 8 };
  gtk_popover_set_pointing_to (self->card, &rect);
  gtk_popover_popup (self->card);
  card_data_free (card);
}

static void
point_activated_cb (StormRoutesView *self,
                    gint64           property_id)
{
  CardRequest *request;

  if (self->store == NULL || self->storm_id == 0)
    return;
  g_cancellable_cancel (self->card_reading);
  g_clear_object (&self->card_reading);
  request = g_new0 (CardRequest, 1);
  request->storm_id = self->storm_id;
  request->property_id = property_id;
  self->card_reading = g_cancellable_new ();
  _storm_cycle_read_async (self->store, self, read_card, request, g_free, card_data_free, self->card_reading,
                           card_read_cb, NULL);
}

static void
card_init (StormRoutesView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *copy;

  self->card_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->card_title, 0);
  gtk_label_set_wrap (self->card_title, TRUE);
  gtk_label_set_max_width_chars (self->card_title, 36);
  gtk_widget_add_css_class (GTK_WIDGET (self->card_title), "heading");
  self->card_body = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->card_body, 0);
  gtk_label_set_wrap (self->card_body, TRUE);
  gtk_label_set_max_width_chars (self->card_body, 36);
  copy = gtk_button_new_with_mnemonic (_("_Copy Address"));
  gtk_widget_set_halign (copy, GTK_ALIGN_END);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "routes.copy-address");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->card_title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->card_body));
  gtk_box_append (GTK_BOX (box), copy);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  self->card = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->card, box);
  gtk_popover_set_position (self->card, GTK_POS_TOP);
  gtk_widget_set_parent (GTK_WIDGET (self->card), GTK_WIDGET (self));
}

/* Map tiles, as chosen in Preferences */

static void
apply_map_base (StormRoutesView *self)
{
  g_autofree char *source = g_settings_get_string (self->settings, "map-tiles-source");
  g_autofree char *path = g_settings_get_string (self->settings, "mbtiles-path");
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (source, "mbtiles"))
    {
      storm_map_view_set_base_online (self->map_view);
      return;
    }
  if (path[0] == '\0')
    {
      storm_map_view_set_base_none (self->map_view);
      return;
    }
  if (!storm_map_view_set_mbtiles (self->map_view, path, &error))
    {
      /* The map keeps its points and routes on a plain background. */
      storm_map_view_set_base_none (self->map_view);
      _storm_routes_view_toast (self, error->message);
    }
}

/* GObject */

static void
storm_routes_view_dispose (GObject *object)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (object);

  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  g_cancellable_cancel (self->planning);
  g_clear_object (&self->planning);
  g_cancellable_cancel (self->exporting);
  g_clear_object (&self->exporting);
  g_cancellable_cancel (self->card_reading);
  g_clear_object (&self->card_reading);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  if (self->card != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->card));
      self->card = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_ROUTES_VIEW);

  G_OBJECT_CLASS (storm_routes_view_parent_class)->dispose (object);
}

static void
storm_routes_view_finalize (GObject *object)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (object);

  g_clear_pointer (&self->data, routes_data_free);
  g_clear_error (&self->error);
  g_free (self->last_message);

  G_OBJECT_CLASS (storm_routes_view_parent_class)->finalize (object);
}

static void
storm_routes_view_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (widget);

  GTK_WIDGET_CLASS (storm_routes_view_parent_class)->size_allocate (widget, width, height, baseline);
  if (self->card != NULL)
    gtk_popover_present (self->card);
}

static void
storm_routes_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StormRoutesView *self = STORM_ROUTES_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_routes_view_class_init (StormRoutesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_routes_view_dispose;
  object_class->finalize = storm_routes_view_finalize;
  object_class->get_property = storm_routes_view_get_property;
  widget_class->size_allocate = storm_routes_view_size_allocate;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STORM_TYPE_MAP_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-routes-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, stack);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, spinner);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, note_revealer);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, note_label);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, flap);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, map_view);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, legend);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, none_page);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, route_list);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, route_title);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, route_facts);
  gtk_widget_class_bind_template_child (widget_class, StormRoutesView, stop_list);
  gtk_widget_class_bind_template_callback (widget_class, point_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, route_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, route_row_activated_cb);

  _storm_routes_view_install_actions (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
storm_routes_view_init (StormRoutesView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  card_init (self);
  legend_init (self);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::map-tiles-source", G_CALLBACK (apply_map_base), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::mbtiles-path", G_CALLBACK (apply_map_base), self,
                           G_CONNECT_SWAPPED);
  apply_map_base (self);
  update_page (self);
  _storm_routes_view_update_actions (self);
}

StormRoutesView *
storm_routes_view_new (void)
{
  return g_object_new (STORM_TYPE_ROUTES_VIEW, NULL);
}

void
storm_routes_view_set_storm (StormRoutesView *self,
                             StormStore      *store,
                             gint64           storm_id)
{
  g_return_if_fail (STORM_IS_ROUTES_VIEW (self));
  g_return_if_fail (store == NULL || STORM_IS_STORE (store));

  if (store == NULL)
    storm_id = 0;
  if (self->store == store && self->storm_id == storm_id)
    return;
  if (self->store != store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->changed_id, self->store);
      g_set_object (&self->store, store);
      if (store != NULL)
        self->changed_id = g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
    }
  self->storm_id = storm_id;
  self->selected_route = 0;
  self->fitted = FALSE;
  g_clear_pointer (&self->data, routes_data_free);
  g_clear_error (&self->error);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_cancellable_cancel (self->planning);
  g_clear_object (&self->planning);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  if (self->card != NULL)
    gtk_popover_popdown (self->card);
  _storm_cycle_remove_all (GTK_WIDGET (self->route_list));
  _storm_cycle_remove_all (GTK_WIDGET (self->stop_list));
  start_read (self);
  update_page (self);
  _storm_routes_view_update_actions (self);
  _storm_routes_view_update_loading (self);
}

gboolean
storm_routes_view_get_loading (StormRoutesView *self)
{
  g_return_val_if_fail (STORM_IS_ROUTES_VIEW (self), FALSE);

  return self->loading;
}

/* For the test */

StormMapView *
_storm_routes_view_get_map_view (StormRoutesView *self)
{
  return self->map_view;
}

GtkListBox *
_storm_routes_view_get_route_list (StormRoutesView *self)
{
  return self->route_list;
}

GtkListBox *
_storm_routes_view_get_stop_list (StormRoutesView *self)
{
  return self->stop_list;
}

const char *
_storm_routes_view_get_state (StormRoutesView *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (page, "content") != 0)
    return page;
  return gtk_stack_get_visible_child_name (self->list_stack);
}

AdwFlap *
_storm_routes_view_get_flap (StormRoutesView *self)
{
  return self->flap;
}

const char *
_storm_routes_view_get_note (StormRoutesView *self)
{
  return gtk_revealer_get_reveal_child (self->note_revealer) ? gtk_label_get_label (self->note_label) : NULL;
}

gint64
_storm_routes_view_get_selected_route (StormRoutesView *self)
{
  return self->selected_route;
}

void
_storm_routes_view_select_route (StormRoutesView *self,
                                 gint64           route_id)
{
  _storm_routes_view_show_route (self, route_id, TRUE);
}

const char *
_storm_routes_view_get_last_message (StormRoutesView *self)
{
  return self->last_message;
}

GtkPopover *
_storm_routes_view_get_card (StormRoutesView *self)
{
  return self->card;
}
