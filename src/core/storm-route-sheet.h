#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  STORM_PAPER_LETTER,
  STORM_PAPER_A4,
} StormPaper;

typedef struct
{
  int    seq;
  char  *address;
  char  *ext_id;
  char  *action;   /* next action or note shown on the sheet */
  double lat;
  double lon;
} StormSheetStop;

typedef struct
{
  char      *storm_name;
  char      *route_name;
  char      *crew;
  char      *date;          /* as printed, e.g. 2024-04-29 */
  char      *language;      /* "en" or "es": the crew's language */
  double     km;
  double     minutes;
  double     depot_lat;     /* NAN when there is none */
  double     depot_lon;
  GPtrArray *stops;         /* StormSheetStop, in visiting order */
} StormSheetRoute;

StormSheetRoute *storm_sheet_route_new  (void);
void             storm_sheet_route_free (StormSheetRoute *route);
StormSheetStop  *storm_sheet_stop_new   (int              seq,
                                         const char      *address,
                                         const char      *ext_id,
                                         const char      *action,
                                         double           lat,
                                         double           lon);

void             storm_paper_size       (StormPaper       paper,
                                         double          *width_pt,
                                         double          *height_pt);

/* Pages a route needs at this paper size (one or more). */
int              storm_sheet_route_n_pages (const StormSheetRoute *route,
                                            double                 height_pt);

/* Draws page @page (0-based) of @route; @page_number/@n_pages_total are
 * what the footer says. The same drawing serves PDF export and printing. */
void             storm_sheet_draw_page  (cairo_t               *cr,
                                         double                 width_pt,
                                         double                 height_pt,
                                         const StormSheetRoute *route,
                                         int                    page,
                                         int                    page_number,
                                         int                    n_pages_total);

/* One route per page (more for long routes), all routes in one PDF. */
gboolean         storm_sheets_write_pdf (GPtrArray   *routes,
                                         StormPaper   paper,
                                         const char  *path,
                                         int         *n_pages,
                                         GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormSheetRoute, storm_sheet_route_free)

G_END_DECLS
