#define G_LOG_DOMAIN "storm-route-sheet"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "storm-error.h"
#include "storm-i18n.h"
#include "storm-route-sheet.h"

#define MARGIN 36.0
#define HEADER_H 70.0
#define MAP_H 180.0
#define CONT_HEADER_H 30.0
#define TABLE_HEAD_H 26.0
#define ROW_H 31.0
#define FOOTER_H 28.0
#define COL_SEQ 28.0
#define COL_BOX 46.0
#define COL_ACTION 150.0
#define N_BOXES 4

/* Labels are translated into the crew's language, not the program's. */
#define T(route, msgid) storm_gettext_for ((route)->language, (msgid))

static void
stop_free (gpointer data)
{
  StormSheetStop *stop = data;

  g_free (stop->address);
  g_free (stop->ext_id);
  g_free (stop->action);
  g_free (stop);
}

StormSheetRoute *
storm_sheet_route_new (void)
{
  StormSheetRoute *route = g_new0 (StormSheetRoute, 1);

  route->stops = g_ptr_array_new_with_free_func (stop_free);
  route->depot_lat = NAN;
  route->depot_lon = NAN;
  return route;
}

void
storm_sheet_route_free (StormSheetRoute *route)
{
  if (route == NULL)
    return;
  g_ptr_array_unref (route->stops);
  g_free (route->storm_name);
  g_free (route->route_name);
  g_free (route->crew);
  g_free (route->date);
  g_free (route->language);
  g_free (route);
}

StormSheetStop *
storm_sheet_stop_new (int         seq,
                      const char *address,
                      const char *ext_id,
                      const char *action,
                      double      lat,
                      double      lon)
{
  StormSheetStop *stop = g_new0 (StormSheetStop, 1);

  stop->seq = seq;
  stop->address = g_strdup (address);
  stop->ext_id = g_strdup (ext_id);
  stop->action = g_strdup (action);
  stop->lat = lat;
  stop->lon = lon;
  return stop;
}

void
storm_paper_size (StormPaper  paper,
                  double     *width_pt,
                  double     *height_pt)
{
  if (paper == STORM_PAPER_A4)
    {
      *width_pt = 595.276;
      *height_pt = 841.89;
    }
  else
    {
      *width_pt = 612.0;
      *height_pt = 792.0;
    }
}

static int
rows_on_first_page (double height)
{
  double top = MARGIN + HEADER_H + MAP_H + 12 + TABLE_HEAD_H;

  return MAX (1, (int) ((height - MARGIN - FOOTER_H - top) / ROW_H));
}

static int
rows_on_later_page (double height)
{
  double top = MARGIN + CONT_HEADER_H + TABLE_HEAD_H;

  return MAX (1, (int) ((height - MARGIN - FOOTER_H - top) / ROW_H));
}

int
storm_sheet_route_n_pages (const StormSheetRoute *route,
                           double                 height_pt)
{
  int first = rows_on_first_page (height_pt);
  int later = rows_on_later_page (height_pt);
  int n = route->stops->len;

  if (n <= first)
    return 1;
  return 1 + (n - first + later - 1) / later;
}

static void
draw_text_lines (cairo_t    *cr,
                 const char *text,
                 const char *font,
                 double      x,
                 double      y,
                 double      width,
                 gboolean    centre,
                 double      grey,
                 int         max_lines)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, text ? text : "", -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  if (max_lines > 1)
    {
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
      pango_layout_set_height (layout, -max_lines);
    }
  else
    pango_layout_set_single_paragraph_mode (layout, TRUE);
  if (centre)
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  cairo_set_source_rgb (cr, grey, grey, grey);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_text (cairo_t    *cr,
           const char *text,
           const char *font,
           double      x,
           double      y,
           double      width,
           gboolean    centre,
           double      grey)
{
  draw_text_lines (cr, text, font, x, y, width, centre, grey, 1);
}

static void
draw_header (cairo_t               *cr,
             double                 width,
             const StormSheetRoute *route)
{
  g_autofree char *title = g_strdup_printf ("%s — %s", T (route, N_("Route sheet")), route->route_name);
  g_autofree char *who = NULL;
  g_autofree char *facts = NULL;
  int hours = (int) (route->minutes / 60);
  int minutes = (int) lround (route->minutes) % 60;

  who = g_strdup_printf ("%s: %s   ·   %s: %s",
                         T (route, N_("Crew")), route->crew && *route->crew ? route->crew : "—",
                         T (route, N_("Date")), route->date ? route->date : "—");
  facts = g_strdup_printf ("%s: %u   ·   %s: %.1f km   ·   %s: %d h %02d min",
                           T (route, N_("Doors")), route->stops->len,
                           T (route, N_("Distance")), route->km,
                           T (route, N_("Estimated time")), hours, minutes);
  draw_text (cr, title, "Sans Bold 16", MARGIN, MARGIN, width - 2 * MARGIN, FALSE, 0.0);
  draw_text (cr, route->storm_name, "Sans 10", MARGIN, MARGIN + 22, width - 2 * MARGIN, FALSE, 0.35);
  draw_text (cr, who, "Sans 9", MARGIN, MARGIN + 37, width - 2 * MARGIN, FALSE, 0.1);
  draw_text (cr, facts, "Sans 9", MARGIN, MARGIN + 50, width - 2 * MARGIN, FALSE, 0.1);
}

/* Equirectangular projection scaled to fit the box: good enough for the
 * few kilometres a route spans. */
static void
draw_map (cairo_t               *cr,
          double                 x,
          double                 y,
          double                 w,
          double                 h,
          const StormSheetRoute *route)
{
  double min_lat = INFINITY, max_lat = -INFINITY, min_lon = INFINITY, max_lon = -INFINITY;
  double kx, scale, pad = 16, ox, oy;
  gboolean has_depot = !isnan (route->depot_lat);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgb (cr, 0.95, 0.96, 0.97);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.7, 0.72, 0.75);
  cairo_set_line_width (cr, 0.75);
  cairo_stroke (cr);

  for (guint i = 0; i < route->stops->len; i++)
    {
      const StormSheetStop *s = route->stops->pdata[i];
      min_lat = MIN (min_lat, s->lat);
      max_lat = MAX (max_lat, s->lat);
      min_lon = MIN (min_lon, s->lon);
      max_lon = MAX (max_lon, s->lon);
    }
  if (has_depot)
    {
      min_lat = MIN (min_lat, route->depot_lat);
      max_lat = MAX (max_lat, route->depot_lat);
      min_lon = MIN (min_lon, route->depot_lon);
      max_lon = MAX (max_lon, route->depot_lon);
    }
  if (!isfinite (min_lat))
    {
      cairo_restore (cr);
      return;
    }
  kx = cos ((min_lat + max_lat) / 2 * G_PI / 180.0);
  scale = MIN ((w - 2 * pad) / MAX ((max_lon - min_lon) * kx, 1e-6),
               (h - 2 * pad) / MAX (max_lat - min_lat, 1e-6));
  ox = x + (w - (max_lon - min_lon) * kx * scale) / 2;
  oy = y + (h - (max_lat - min_lat) * scale) / 2;
#define PX(lon) (ox + ((lon) - min_lon) * kx * scale)
#define PY(lat) (oy + (max_lat - (lat)) * scale)

  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (has_depot)
    cairo_move_to (cr, PX (route->depot_lon), PY (route->depot_lat));
  for (guint i = 0; i < route->stops->len; i++)
    {
      const StormSheetStop *s = route->stops->pdata[i];
      cairo_line_to (cr, PX (s->lon), PY (s->lat));
    }
  cairo_stroke (cr);

  if (has_depot)
    {
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_rectangle (cr, PX (route->depot_lon) - 5, PY (route->depot_lat) - 5, 10, 10);
      cairo_fill (cr);
    }
  for (guint i = 0; i < route->stops->len; i++)
    {
      const StormSheetStop *s = route->stops->pdata[i];
      g_autofree char *n = g_strdup_printf ("%d", s->seq);
      double cx = PX (s->lon), cy = PY (s->lat);

      cairo_arc (cr, cx, cy, 6.5, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.11, 0.44, 0.85);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
      cairo_save (cr);
      draw_text (cr, n, "Sans Bold 5.5", cx - 8, cy - 4, 16, TRUE, 1.0);
      cairo_restore (cr);
    }
#undef PX
#undef PY
  cairo_restore (cr);
}

static void
draw_table_head (cairo_t               *cr,
                 double                 width,
                 double                 y,
                 const StormSheetRoute *route)
{
  const char *boxes[N_BOXES] = {
    T (route, N_("No answer")), T (route, N_("Not interested")), T (route, N_("Inspection booked")), T (route, N_("Signed")),
  };
  double box_x = width - MARGIN - N_BOXES * COL_BOX;
  double action_w = COL_ACTION;
  double address_x = MARGIN + COL_SEQ;
  double action_x = box_x - action_w;

  cairo_set_source_rgb (cr, 0.9, 0.91, 0.93);
  cairo_rectangle (cr, MARGIN, y, width - 2 * MARGIN, TABLE_HEAD_H);
  cairo_fill (cr);
  draw_text (cr, "#", "Sans Bold 8", MARGIN + 4, y + 8, COL_SEQ - 4, FALSE, 0.1);
  draw_text (cr, T (route, N_("Address · property")), "Sans Bold 8", address_x, y + 8, action_x - address_x, FALSE, 0.1);
  draw_text (cr, T (route, N_("Next action")), "Sans Bold 8", action_x, y + 8, action_w, FALSE, 0.1);
  for (int b = 0; b < N_BOXES; b++)
    draw_text_lines (cr, boxes[b], "Sans Bold 5", box_x + b * COL_BOX + 1, y + 4, COL_BOX - 2, TRUE, 0.1, 3);
}

static void
draw_row (cairo_t              *cr,
          double                width,
          double                y,
          const StormSheetStop *stop,
          const StormSheetRoute *route)
{
  g_autofree char *seq = g_strdup_printf ("%d", stop->seq);
  double box_x = width - MARGIN - N_BOXES * COL_BOX;
  double action_w = COL_ACTION;
  double address_x = MARGIN + COL_SEQ;
  double action_x = box_x - action_w;
  static const double dash[] = { 1.0, 2.0 };

  draw_text (cr, seq, "Sans Bold 9", MARGIN + 4, y + 4, COL_SEQ - 4, FALSE, 0.0);
  draw_text (cr, stop->address, "Sans Bold 9", address_x, y + 3, action_x - address_x - 6, FALSE, 0.0);
  draw_text (cr, stop->ext_id, "Sans 7", address_x, y + 15, action_x - address_x - 6, FALSE, 0.4);
  draw_text (cr, stop->action, "Sans 8", action_x, y + 4, action_w - 4, FALSE, 0.15);

  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  cairo_set_line_width (cr, 0.8);
  for (int b = 0; b < N_BOXES; b++)
    {
      cairo_rectangle (cr, box_x + b * COL_BOX + (COL_BOX - 10) / 2, y + 5, 10, 10);
      cairo_stroke (cr);
    }

  /* A line to write on, then the row rule. */
  cairo_save (cr);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
  cairo_set_line_width (cr, 0.5);
  draw_text (cr, T (route, N_("Notes:")), "Sans 6.5", action_x, y + 18, 40, FALSE, 0.45);
  cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
  cairo_move_to (cr, action_x + 28, y + ROW_H - 6);
  cairo_line_to (cr, width - MARGIN, y + ROW_H - 6);
  cairo_stroke (cr);
  cairo_restore (cr);

  cairo_set_source_rgb (cr, 0.82, 0.83, 0.85);
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, MARGIN, y + ROW_H);
  cairo_line_to (cr, width - MARGIN, y + ROW_H);
  cairo_stroke (cr);
}

void
storm_sheet_draw_page (cairo_t               *cr,
                       double                 width,
                       double                 height,
                       const StormSheetRoute *route,
                       int                    page,
                       int                    page_number,
                       int                    n_pages_total)
{
  int first = rows_on_first_page (height);
  int later = rows_on_later_page (height);
  int start, count;
  double y;
  g_autofree char *footer = NULL;

  g_return_if_fail (cr != NULL && route != NULL);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  if (page == 0)
    {
      draw_header (cr, width, route);
      draw_map (cr, MARGIN, MARGIN + HEADER_H, width - 2 * MARGIN, MAP_H, route);
      y = MARGIN + HEADER_H + MAP_H + 12;
      start = 0;
      count = first;
    }
  else
    {
      g_autofree char *title = g_strdup_printf ("%s — %s (%s)", T (route, N_("Route sheet")),
                                                route->route_name, T (route, N_("continued")));

      draw_text (cr, title, "Sans Bold 11", MARGIN, MARGIN, width - 2 * MARGIN, FALSE, 0.0);
      y = MARGIN + CONT_HEADER_H;
      start = first + (page - 1) * later;
      count = later;
    }

  draw_table_head (cr, width, y, route);
  y += TABLE_HEAD_H;
  for (int i = start; i < (int) route->stops->len && i < start + count; i++, y += ROW_H)
    draw_row (cr, width, y, route->stops->pdata[i], route);

  /* TRANSLATORS: page footer, “Page 2 of 7” */
  footer = g_strdup_printf (T (route, N_("Page %d of %d")), page_number, n_pages_total);
  draw_text (cr, footer, "Sans 8", MARGIN, height - MARGIN - 10, width - 2 * MARGIN, TRUE, 0.4);
  cairo_restore (cr);
}

gboolean
storm_sheets_write_pdf (GPtrArray   *routes,
                        StormPaper   paper,
                        const char  *path,
                        int         *n_pages,
                        GError     **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double width, height;
  int total = 0, number = 0;
  cairo_status_t status;

  g_return_val_if_fail (routes != NULL && path != NULL, FALSE);

  storm_paper_size (paper, &width, &height);
  for (guint r = 0; r < routes->len; r++)
    total += storm_sheet_route_n_pages (routes->pdata[r], height);
  if (total == 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("There are no routes to print. Plan routes first."));
      return FALSE;
    }

  surface = cairo_pdf_surface_create (path, width, height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "StormOps route sheets");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "StormOps " PACKAGE_VERSION);
  cr = cairo_create (surface);
  for (guint r = 0; r < routes->len; r++)
    {
      const StormSheetRoute *route = routes->pdata[r];
      int pages = storm_sheet_route_n_pages (route, height);

      for (int p = 0; p < pages; p++)
        {
          storm_sheet_draw_page (cr, width, height, route, p, ++number, total);
          cairo_show_page (cr);
        }
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                   _("Cannot write the route sheets to “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  if (n_pages != NULL)
    *n_pages = total;
  return TRUE;
}
