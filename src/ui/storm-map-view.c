#define G_LOG_DOMAIN "storm-map-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-map-util.h"
#include "storm-map-view.h"
#include "storm-mbtiles-source.h"
#include "storm-tile-downloader.h"

/* The storm's map: a ShumateSimpleMap with, from the bottom, the base
 * tiles, every property as a coloured dot, hail and wind reports (light
 * enough to see the dots through), and the crew routes with their depot.
 *
 * The base is OpenStreetMap online (cached by libshumate's file cache),
 * an MBTiles file offline, or nothing: the layers draw on a plain
 * background either way, and a map without network shows one quiet
 * notice instead of failing tile by tile. */

#define OSM_URL "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#define OSM_MAX_ZOOM 19
/* Fitting never zooms closer than this: a lone house fills the view. */
#define FIT_MAX_ZOOM 17
#define FIT_PADDING_PX 40.0

struct _StormMapView
{
  GtkWidget            parent_instance;

  /* Template children */
  GtkOverlay          *overlay;
  ShumateSimpleMap    *map;
  GtkRevealer         *notice_revealer;
  GtkLabel            *notice_label;

  StormReportLayer    *report_layer;
  StormPointLayer     *point_layer;
  StormRouteLayer     *route_layer;

  StormTileDownloader *downloader;
  ShumateMapSource    *osm_source;
  ShumateMapSource    *mbtiles_source;
  StormMapBase         base;

  gboolean             fit_pending;
  double               fit_bounds[4];  /* min lat, min lon, max lat, max lon */
};

G_DEFINE_FINAL_TYPE (StormMapView, storm_map_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BASE,
  PROP_OFFLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  POINT_ACTIVATED,
  ROUTE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GType
storm_map_base_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { STORM_MAP_BASE_ONLINE, "STORM_MAP_BASE_ONLINE", "online" },
        { STORM_MAP_BASE_MBTILES, "STORM_MAP_BASE_MBTILES", "mbtiles" },
        { STORM_MAP_BASE_NONE, "STORM_MAP_BASE_NONE", "none" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static ("StormMapBase", values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

static void
update_notice (StormMapView *self)
{
  gboolean show = self->base == STORM_MAP_BASE_ONLINE && storm_tile_downloader_get_offline (self->downloader);

  gtk_revealer_set_reveal_child (self->notice_revealer, show);
}

static void
set_base (StormMapView     *self,
          StormMapBase      base,
          ShumateMapSource *source)
{
  const char *license = shumate_map_source_get_license (source);

  storm_tile_downloader_set_network_allowed (self->downloader, base == STORM_MAP_BASE_ONLINE);
  shumate_simple_map_set_map_source (self->map, source);
  /* An MBTiles file may name no source: no empty attribution box then. */
  gtk_widget_set_visible (GTK_WIDGET (shumate_simple_map_get_license (self->map)),
                          license != NULL && *license != '\0');
  if (base != STORM_MAP_BASE_MBTILES)
    g_clear_object (&self->mbtiles_source);
  update_notice (self);
  if (self->base == base)
    return;
  self->base = base;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE]);
  /* Offline is only said of the online base. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

/* The map fills the view, so the view's size is the map's, also while
 * the view is being allocated and the map is not yet. */
static void
apply_fit (StormMapView *self,
           double        width,
           double        height)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  ShumateMapSource *source = shumate_viewport_get_reference_map_source (viewport);
  double x0, y0, x1, y1, lat, lon, zoom, tile_size, span_w, span_h;

  if (source == NULL || width <= 0 || height <= 0)
    return;
  self->fit_pending = FALSE;

  storm_map_project (self->fit_bounds[2], self->fit_bounds[1], &x0, &y0);
  storm_map_project (self->fit_bounds[0], self->fit_bounds[3], &x1, &y1);
  tile_size = shumate_map_source_get_tile_size (source);
  span_w = MAX (x1 - x0, 1e-12) * tile_size;
  span_h = MAX (y1 - y0, 1e-12) * tile_size;
  zoom = log2 (MIN (MAX (width - 2 * FIT_PADDING_PX, 1) / span_w, MAX (height - 2 * FIT_PADDING_PX, 1) / span_h));
  zoom = CLAMP (zoom, shumate_viewport_get_min_zoom_level (viewport),
                MIN (FIT_MAX_ZOOM, shumate_viewport_get_max_zoom_level (viewport)));

  storm_map_unproject ((x0 + x1) / 2, (y0 + y1) / 2, &lat, &lon);
  shumate_map_stop_go_to (shumate_simple_map_get_map (self->map));
  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), lat, lon);
}

static void
downloader_offline_cb (StormMapView *self)
{
  update_notice (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

static void
point_activated_cb (StormMapView    *self,
                    gint64           id,
                    StormPointLayer *layer)
{
  g_signal_emit (self, signals[POINT_ACTIVATED], 0, id);
}

static void
route_activated_cb (StormMapView    *self,
                    int              index,
                    StormRouteLayer *layer)
{
  storm_map_view_select_route (self, index);
  g_signal_emit (self, signals[ROUTE_ACTIVATED], 0, index);
}

static void
fit_all_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  storm_map_view_fit_all (STORM_MAP_VIEW (widget));
}

static void
storm_map_view_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  StormMapView *self = STORM_MAP_VIEW (widget);

  gtk_widget_measure (GTK_WIDGET (self->overlay), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
storm_map_view_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  StormMapView *self = STORM_MAP_VIEW (widget);

  /* A fit asked for before the map had a size is done now, before the
   * map is allocated for the viewport it sets. */
  if (self->fit_pending)
    apply_fit (self, width, height);
  gtk_widget_allocate (GTK_WIDGET (self->overlay), width, height, baseline, NULL);
}

static void
storm_map_view_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  StormMapView *self = STORM_MAP_VIEW (widget);
  GdkRGBA background;

  /* What shows where no tile is: land-coloured, or dark in dark mode. */
  gdk_rgba_parse (&background, adw_style_manager_get_dark (adw_style_manager_get_default ())
                               ? "#2e3436" : "#eeece6");
  gtk_snapshot_append_color (snapshot, &background,
                             &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget)));
  gtk_widget_snapshot_child (widget, GTK_WIDGET (self->overlay), snapshot);
}

static void
storm_map_view_dispose (GObject *object)
{
  StormMapView *self = STORM_MAP_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_MAP_VIEW);
  g_clear_object (&self->osm_source);
  g_clear_object (&self->mbtiles_source);
  g_clear_object (&self->downloader);

  G_OBJECT_CLASS (storm_map_view_parent_class)->dispose (object);
}

static void
storm_map_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StormMapView *self = STORM_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_BASE:
      g_value_set_enum (value, self->base);
      break;

    case PROP_OFFLINE:
      g_value_set_boolean (value, storm_map_view_get_offline (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_map_view_class_init (StormMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_map_view_dispose;
  object_class->get_property = storm_map_view_get_property;

  widget_class->measure = storm_map_view_measure;
  widget_class->size_allocate = storm_map_view_size_allocate;
  widget_class->snapshot = storm_map_view_snapshot;

  /**
   * StormMapView:base:
   *
   * Where the base map comes from.
   */
  properties[PROP_BASE] =
    g_param_spec_enum ("base", NULL, NULL, STORM_TYPE_MAP_BASE, STORM_MAP_BASE_ONLINE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StormMapView:offline:
   *
   * Whether online tiles cannot be downloaded now.
   */
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StormMapView::point-activated:
   * @self: the map
   * @id: the property's id, as given to the point layer
   *
   * A property's dot was clicked.
   */
  signals[POINT_ACTIVATED] =
    g_signal_new ("point-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * StormMapView::route-activated:
   * @self: the map
   * @index: the route's index in the route layer
   *
   * A route was clicked; the map has already selected it and fitted the
   * view to it.
   */
  signals[ROUTE_ACTIVATED] =
    g_signal_new ("route-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_install_action (widget_class, "map.fit-all", NULL, fit_all_action);

  g_type_ensure (SHUMATE_TYPE_SIMPLE_MAP);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-map-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormMapView, overlay);
  gtk_widget_class_bind_template_child (widget_class, StormMapView, map);
  gtk_widget_class_bind_template_child (widget_class, StormMapView, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, StormMapView, notice_label);
  gtk_widget_class_set_css_name (widget_class, "storm-map-view");
}

static void
storm_map_view_init (StormMapView *self)
{
  ShumateViewport *viewport;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->downloader = storm_tile_downloader_new (OSM_URL, "stormops-osm");
  g_signal_connect_object (self->downloader, "notify::offline", G_CALLBACK (downloader_offline_cb), self,
                           G_CONNECT_SWAPPED);
  self->osm_source = SHUMATE_MAP_SOURCE (
    shumate_raster_renderer_new_full ("osm-mapnik", _("OpenStreetMap"),
                                      _("© OpenStreetMap contributors"),
                                      "https://www.openstreetmap.org/copyright",
                                      0, OSM_MAX_ZOOM, 256, SHUMATE_MAP_PROJECTION_MERCATOR,
                                      SHUMATE_DATA_SOURCE (self->downloader)));
  self->base = STORM_MAP_BASE_ONLINE;
  shumate_simple_map_set_map_source (self->map, self->osm_source);

  viewport = shumate_simple_map_get_viewport (self->map);
  self->report_layer = storm_report_layer_new (viewport);
  self->point_layer = storm_point_layer_new (viewport);
  self->route_layer = storm_route_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->point_layer));
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->report_layer));
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->route_layer));
  g_signal_connect_object (self->point_layer, "point-activated", G_CALLBACK (point_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->route_layer, "route-activated", G_CALLBACK (route_activated_cb), self,
                           G_CONNECT_SWAPPED);

  /* Dallas–Fort Worth until there is something to fit. */
  shumate_viewport_set_zoom_level (viewport, 9);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), 32.85, -96.95);
}

StormMapView *
storm_map_view_new (void)
{
  return g_object_new (STORM_TYPE_MAP_VIEW, NULL);
}

StormMapBase
storm_map_view_get_base (StormMapView *self)
{
  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), STORM_MAP_BASE_NONE);

  return self->base;
}

/* OpenStreetMap tiles, downloaded as needed and kept in the file cache. */
void
storm_map_view_set_base_online (StormMapView *self)
{
  g_return_if_fail (STORM_IS_MAP_VIEW (self));

  set_base (self, STORM_MAP_BASE_ONLINE, self->osm_source);
}

/* No network use at all: tiles already in the cache still show, the
 * rest of the map is a plain background. */
void
storm_map_view_set_base_none (StormMapView *self)
{
  g_return_if_fail (STORM_IS_MAP_VIEW (self));

  set_base (self, STORM_MAP_BASE_NONE, self->osm_source);
}

/**
 * storm_map_view_set_mbtiles:
 * @self: a #StormMapView
 * @path: a raster MBTiles file
 * @error: return location for a #GError
 *
 * Shows the tiles of @path as the base map. A file that cannot be used
 * is refused with an error that says why, and the map keeps its base.
 *
 * Returns: whether the file is now the base map
 */
gboolean
storm_map_view_set_mbtiles (StormMapView  *self,
                            const char    *path,
                            GError       **error)
{
  g_autoptr(StormMbtilesSource) data = NULL;
  g_autoptr(ShumateRasterRenderer) renderer = NULL;
  g_autofree char *id = NULL;
  const char *attribution;

  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  data = storm_mbtiles_source_new (path, error);
  if (data == NULL)
    return FALSE;

  /* Deeper zoom levels than the file has are scaled up from its last. */
  attribution = storm_mbtiles_source_get_attribution (data);
  id = g_strconcat ("mbtiles:", path, NULL);
  renderer = shumate_raster_renderer_new_full (id, storm_mbtiles_source_get_name (data),
                                               *attribution != '\0' ? attribution : NULL, NULL,
                                               storm_mbtiles_source_get_min_zoom (data),
                                               MAX (OSM_MAX_ZOOM, storm_mbtiles_source_get_max_zoom (data)),
                                               storm_mbtiles_source_get_tile_size (data),
                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                               SHUMATE_DATA_SOURCE (data));
  g_set_object (&self->mbtiles_source, SHUMATE_MAP_SOURCE (renderer));
  set_base (self, STORM_MAP_BASE_MBTILES, self->mbtiles_source);
  return TRUE;
}

/* The MBTiles file shown, or NULL. */
const char *
storm_map_view_get_mbtiles_path (StormMapView *self)
{
  g_autoptr(StormMbtilesSource) data = NULL;

  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), NULL);

  if (self->mbtiles_source == NULL)
    return NULL;
  g_object_get (self->mbtiles_source, "data-source", &data, NULL);
  return storm_mbtiles_source_get_path (data);
}

gboolean
storm_map_view_get_offline (StormMapView *self)
{
  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), FALSE);

  return self->base == STORM_MAP_BASE_ONLINE && storm_tile_downloader_get_offline (self->downloader);
}

ShumateSimpleMap *
storm_map_view_get_map (StormMapView *self)
{
  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), NULL);

  return self->map;
}

ShumateViewport *
storm_map_view_get_viewport (StormMapView *self)
{
  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), NULL);

  return shumate_simple_map_get_viewport (self->map);
}

StormPointLayer *
storm_map_view_get_point_layer (StormMapView *self)
{
  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), NULL);

  return self->point_layer;
}

StormRouteLayer *
storm_map_view_get_route_layer (StormMapView *self)
{
  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), NULL);

  return self->route_layer;
}

StormReportLayer *
storm_map_view_get_report_layer (StormMapView *self)
{
  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), NULL);

  return self->report_layer;
}

/**
 * storm_map_view_fit_bounds:
 * @self: a #StormMapView
 *
 * Centres the map on the box and zooms so that it fills the view, with a
 * margin. Before the map has a size, this happens once it has one.
 */
void
storm_map_view_fit_bounds (StormMapView *self,
                           double        min_lat,
                           double        min_lon,
                           double        max_lat,
                           double        max_lon)
{
  g_return_if_fail (STORM_IS_MAP_VIEW (self));
  g_return_if_fail (min_lat <= max_lat && min_lon <= max_lon);

  self->fit_bounds[0] = min_lat;
  self->fit_bounds[1] = min_lon;
  self->fit_bounds[2] = max_lat;
  self->fit_bounds[3] = max_lon;
  self->fit_pending = TRUE;
  apply_fit (self, gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)));
}

static void
grow_bounds (double   bounds[4],
             gboolean found,
             double   min_lat,
             double   min_lon,
             double   max_lat,
             double   max_lon)
{
  if (!found)
    return;
  bounds[0] = MIN (bounds[0], min_lat);
  bounds[1] = MIN (bounds[1], min_lon);
  bounds[2] = MAX (bounds[2], max_lat);
  bounds[3] = MAX (bounds[3], max_lon);
}

/* Fits properties, reports and routes; FALSE when there are none. */
gboolean
storm_map_view_fit_all (StormMapView *self)
{
  double bounds[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  double b[4];
  gboolean found;

  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), FALSE);

  found = storm_point_layer_get_bounds (self->point_layer, &b[0], &b[1], &b[2], &b[3]);
  grow_bounds (bounds, found, b[0], b[1], b[2], b[3]);
  found = storm_report_layer_get_bounds (self->report_layer, &b[0], &b[1], &b[2], &b[3]);
  grow_bounds (bounds, found, b[0], b[1], b[2], b[3]);
  found = storm_route_layer_get_route_bounds (self->route_layer, -1, &b[0], &b[1], &b[2], &b[3]);
  grow_bounds (bounds, found, b[0], b[1], b[2], b[3]);

  if (bounds[0] > bounds[2])
    return FALSE;
  storm_map_view_fit_bounds (self, bounds[0], bounds[1], bounds[2], bounds[3]);
  return TRUE;
}

gboolean
storm_map_view_fit_route (StormMapView *self,
                          int           index)
{
  double b[4];

  g_return_val_if_fail (STORM_IS_MAP_VIEW (self), FALSE);

  if (!storm_route_layer_get_route_bounds (self->route_layer, index, &b[0], &b[1], &b[2], &b[3]))
    return FALSE;
  storm_map_view_fit_bounds (self, b[0], b[1], b[2], b[3]);
  return TRUE;
}

/* Highlights route @index (-1: none) and fits the view to it. */
void
storm_map_view_select_route (StormMapView *self,
                             int           index)
{
  g_return_if_fail (STORM_IS_MAP_VIEW (self));

  storm_route_layer_select (self->route_layer, index);
  if (index >= 0)
    storm_map_view_fit_route (self, index);
}

/* Where a place is drawn, in @self's coordinates (to point a popover). */
void
storm_map_view_location_to_widget (StormMapView *self,
                                   double        lat,
                                   double        lon,
                                   double       *x,
                                   double       *y)
{
  graphene_point_t point;

  g_return_if_fail (STORM_IS_MAP_VIEW (self));
  g_return_if_fail (x != NULL && y != NULL);

  shumate_viewport_location_to_widget_coords (shumate_simple_map_get_viewport (self->map),
                                              GTK_WIDGET (self->map), lat, lon, x, y);
  if (gtk_widget_compute_point (GTK_WIDGET (self->map), GTK_WIDGET (self),
                                &GRAPHENE_POINT_INIT (*x, *y), &point))
    {
      *x = point.x;
      *y = point.y;
    }
}
