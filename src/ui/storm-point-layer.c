#define G_LOG_DOMAIN "storm-point-layer"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "storm-map-util.h"
#include "storm-point-layer.h"

/* Every property of a storm on the map, up to a million, drawn by one
 * layer rather than one widget per marker (libshumate's marker layer
 * needs seconds for ten thousand).
 *
 * Points are projected once, when set, and sorted along a Z-order
 * (Morton) curve: every square of the quadtree over the map is then a
 * contiguous run of points, found by binary search. A frame walks the
 * quadtree down to the squares in view that are about one dot wide and
 * draws one dot per screen cell, in the colour of the cell's most
 * common status; where a square holds few points they are drawn one by
 * one. The work per frame is bounded by the screen, not by the number
 * of points, whatever their density. Few dots are drawn one by one;
 * many are stamped into one buffer over the area they cover.
 *
 * Clicks go to the layer only near a point (contains() picks through
 * the quadtree), so the map below still pans everywhere else. */

/* A square with this many points or fewer is drawn point by point. */
#define LEAF_POINTS 8
/* Status counts are kept for every block of this many sorted points. */
#define STATUS_BLOCK 64
/* Up to this many dots are drawn one by one, more into one buffer. */
#define SPARSE_DOTS 1500
/* Buffers beyond this many device pixels are drawn at scale 1. */
#define MAX_BUFFER_PIXELS (4096 * 2048)
/* Quadtree depth: squares of the deepest level are 2^-31 of the map. */
#define DEPTH 31
#define UNITS 2147483648.0
#define PICK_SLOP_PX 4.0

/* The non-empty squares of one quadtree level, in Morton order: where
 * each starts in the sorted points (one more entry holds the end) and
 * its most common status. Kept for the levels whose squares hold two
 * points or more on average, the ones frames aggregate at. */
typedef struct
{
  guint32 *first;
  guint8  *dominant;
  gsize    n_squares;
} Level;

/* One dot per status, premultiplied ARGB, size × size each, with the
 * columns each row covers. */
typedef struct
{
  guint32 *pixels;
  guint8  *spans;  /* per row: first and end column */
  int      size;
} SpriteSet;

struct _StormPointLayer
{
  ShumateLayer   parent_instance;

  /* Points, in Morton order. */
  gsize          n_points;
  guint64       *keys;
  double        *x;            /* normalized Web Mercator */
  double        *y;
  guint8        *status;
  gint64        *ids;
  guint32       *status_sums;  /* per block: counts of each status before it */
  Level          levels[DEPTH + 1];
  int            deepest_level;
  double         min_x, min_y, max_x, max_y;
  guint          generation;

  /* The last frame. */
  GskRenderNode *node;
  StormMapFrame  frame;
  int            frame_scale;
  guint          frame_generation;

  /* Dots for one radius and scale: on a point, and filling a cell. */
  SpriteSet      dots;
  SpriteSet      cell_dots;
  GdkTexture    *dot_textures[STORM_POINT_N_STATUS];
  cairo_surface_t *dot_surfaces[STORM_POINT_N_STATUS];
  int            sprite_radius;
  int            sprite_scale;
};

G_DEFINE_FINAL_TYPE (StormPointLayer, storm_point_layer, SHUMATE_TYPE_LAYER)

/* Cells test their five status counters at once. */
G_STATIC_ASSERT (STORM_POINT_N_STATUS == 5);

enum {
  POINT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct {
  const char *hex;
  const char *label;
} statuses[STORM_POINT_N_STATUS] = {
  [STORM_POINT_STATUS_TREAT] = { "#1c71d8", N_("To visit") },
  [STORM_POINT_STATUS_HOLD] = { "#e5a50a", N_("Held out") },
  [STORM_POINT_STATUS_CONTROL] = { "#9141ac", N_("Control") },
  [STORM_POINT_STATUS_CONVERTED] = { "#26a269", N_("Converted") },
  [STORM_POINT_STATUS_VISITED] = { "#77767b", N_("Visited") },
};

static void
free_points (StormPointLayer *self)
{
  g_clear_pointer (&self->keys, g_free);
  g_clear_pointer (&self->x, g_free);
  g_clear_pointer (&self->y, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->ids, g_free);
  g_clear_pointer (&self->status_sums, g_free);
  for (int l = 0; l <= DEPTH; l++)
    {
      g_clear_pointer (&self->levels[l].first, g_free);
      g_clear_pointer (&self->levels[l].dominant, g_free);
      self->levels[l].n_squares = 0;
    }
  self->deepest_level = -1;
  self->n_points = 0;
}

static void
forget_frame (StormPointLayer *self)
{
  g_clear_pointer (&self->node, gsk_render_node_unref);
}

static int
dot_radius (double zoom)
{
  if (zoom < 11)
    return 2;
  if (zoom < 14)
    return 3;
  if (zoom < 16)
    return 4;
  return 5;
}

static void
sprite_set_clear (SpriteSet *set)
{
  g_clear_pointer (&set->pixels, g_free);
  g_clear_pointer (&set->spans, g_free);
}

/* Dots of @radius centred in squares of @size device pixels. */
static void
sprite_set_draw (SpriteSet *set,
                 int        size,
                 double     radius,
                 int        scale)
{
  sprite_set_clear (set);
  set->size = size;
  set->pixels = g_new0 (guint32, (gsize) size * size * STORM_POINT_N_STATUS);
  set->spans = g_new0 (guint8, (gsize) size * 2 * STORM_POINT_N_STATUS);

  for (int s = 0; s < STORM_POINT_N_STATUS; s++)
    {
      guint32 *sprite = set->pixels + (gsize) s * size * size;
      cairo_surface_t *surface;
      GdkRGBA color;
      cairo_t *cr;
      int stride;

      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
      cr = cairo_create (surface);
      storm_point_status_get_color (s, &color);
      cairo_arc (cr, size / 2.0, size / 2.0, radius * scale, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_fill_preserve (cr);
      /* A light rim keeps dots apart and visible on any tile; small dots
       * get a dark one, a light rim would swallow their colour. */
      if (radius >= 3)
        {
          cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
          cairo_set_line_width (cr, (radius >= 5 ? 1.5 : 1.0) * scale);
        }
      else
        {
          cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
          cairo_set_line_width (cr, 0.75 * scale);
        }
      cairo_stroke (cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);

      stride = cairo_image_surface_get_stride (surface);
      for (int row = 0; row < size; row++)
        {
          guint8 *span = set->spans + ((gsize) s * size + row) * 2;
          guint32 *line = sprite + (gsize) row * size;

          memcpy (line, cairo_image_surface_get_data (surface) + (gsize) row * stride, size * 4);
          span[0] = size;
          span[1] = 0;
          for (int col = 0; col < size; col++)
            if (line[col] != 0)
              {
                span[0] = MIN (span[0], col);
                span[1] = col + 1;
              }
        }
      cairo_surface_destroy (surface);
    }
}

static void
ensure_sprites (StormPointLayer *self,
                int              radius,
                int              scale)
{
  if (self->dots.pixels != NULL && self->sprite_radius == radius && self->sprite_scale == scale)
    return;
  self->sprite_radius = radius;
  self->sprite_scale = scale;

  /* A dot on its point has a pixel of room for its rim; a dot filling a
   * cell stays inside the cell, so a dense area's dots never overlap. */
  sprite_set_draw (&self->dots, 2 * (radius + 1) * scale, radius, scale);
  sprite_set_draw (&self->cell_dots, 2 * radius * scale, radius - 0.4, scale);

  for (int s = 0; s < STORM_POINT_N_STATUS; s++)
    {
      int size = self->dots.size;
      g_autoptr(GBytes) bytes = g_bytes_new (self->dots.pixels + (gsize) s * size * size, (gsize) size * size * 4);

      g_clear_object (&self->dot_textures[s]);
      self->dot_textures[s] = gdk_memory_texture_new (size, size, GDK_MEMORY_DEFAULT, bytes, size * 4);

      g_clear_pointer (&self->dot_surfaces[s], cairo_surface_destroy);
      self->dot_surfaces[s] = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
      for (int row = 0; row < size; row++)
        memcpy (cairo_image_surface_get_data (self->dot_surfaces[s]) + (gsize) row * cairo_image_surface_get_stride (self->dot_surfaces[s]),
                self->dots.pixels + ((gsize) s * size + row) * size, size * 4);
      cairo_surface_mark_dirty (self->dot_surfaces[s]);
      cairo_surface_set_device_scale (self->dot_surfaces[s], scale, scale);
    }
}

/* Source-over of one premultiplied sprite into a frame buffer, row by
 * row over the span each row of the sprite covers. */
static void
stamp (guint32       *buffer,
       int            width,
       int            height,
       const guint32 *sprite,
       const guint8  *spans,
       int            size,
       int            left,
       int            top)
{
  int y0 = MAX (0, -top), y1 = MIN (size, height - top);

  for (int sy = y0; sy < y1; sy++)
    {
      guint32 *dst = buffer + (gsize) (top + sy) * width + left;
      const guint32 *src = sprite + (gsize) sy * size;
      int x0 = MAX (spans[2 * sy], -left), x1 = MIN (spans[2 * sy + 1], width - left);

      for (int sx = x0; sx < x1; sx++)
        {
          guint32 s = src[sx], d = dst[sx];
          guint32 inv = 255 - (s >> 24);
          guint32 rb, ag;

          /* d × inv / 255, two channels at a time; exact for inv 0 and
           * 255, so empty sprite pixels leave d as it is. */
          rb = (d & 0x00ff00ff) * inv;
          ag = ((d >> 8) & 0x00ff00ff) * inv;
          rb = ((rb + ((rb >> 8) & 0x00ff00ff) + 0x00800080) >> 8) & 0x00ff00ff;
          ag = (ag + ((ag >> 8) & 0x00ff00ff) + 0x00800080) & 0xff00ff00;
          dst[sx] = s + rb + ag;
        }
    }
}

/* ---- The quadtree ---------------------------------------------------- */

static inline guint64
spread_bits (guint32 v)
{
  guint64 x = v;

  x = (x | (x << 16)) & G_GUINT64_CONSTANT (0x0000FFFF0000FFFF);
  x = (x | (x << 8)) & G_GUINT64_CONSTANT (0x00FF00FF00FF00FF);
  x = (x | (x << 4)) & G_GUINT64_CONSTANT (0x0F0F0F0F0F0F0F0F);
  x = (x | (x << 2)) & G_GUINT64_CONSTANT (0x3333333333333333);
  x = (x | (x << 1)) & G_GUINT64_CONSTANT (0x5555555555555555);
  return x;
}

static inline guint32
to_units (double v)
{
  return (guint32) CLAMP (floor (v * UNITS), 0, UNITS - 1);
}

/* x bits even, y bits odd: the four children of a square are then, in
 * order, its north-west, north-east, south-west and south-east quarter. */
static inline guint64
morton_key (double x,
            double y)
{
  return spread_bits (to_units (x)) | (spread_bits (to_units (y)) << 1);
}

/* LSD radix sort of @keys, 16 bits a pass, carrying @order along;
 * passes where every key has the same digit are skipped. */
static void
sort_keys (guint64 *keys,
           guint32 *order,
           gsize    n)
{
  g_autofree guint64 *keys2 = g_new (guint64, n);
  g_autofree guint32 *order2 = g_new (guint32, n);
  g_autofree guint32 *count = g_new (guint32, 65536);
  guint64 *src_k = keys, *dst_k = keys2;
  guint32 *src_o = order, *dst_o = order2;

  for (int shift = 0; shift < 64; shift += 16)
    {
      guint32 sum = 0;
      gboolean one_digit = FALSE;

      memset (count, 0, 65536 * sizeof (guint32));
      for (gsize i = 0; i < n; i++)
        count[(src_k[i] >> shift) & 0xffff]++;
      for (guint d = 0; d < 65536; d++)
        {
          guint32 c = count[d];

          one_digit = one_digit || c == n;
          count[d] = sum;
          sum += c;
        }
      if (one_digit)
        continue;
      for (gsize i = 0; i < n; i++)
        {
          guint32 at = count[(src_k[i] >> shift) & 0xffff]++;

          dst_k[at] = src_k[i];
          dst_o[at] = src_o[i];
        }
      {
        guint64 *tk = src_k;
        guint32 *to = src_o;

        src_k = dst_k;
        dst_k = tk;
        src_o = dst_o;
        dst_o = to;
      }
    }
  if (src_k != keys)
    {
      memcpy (keys, src_k, n * sizeof (guint64));
      memcpy (order, src_o, n * sizeof (guint32));
    }
}

static gsize
lower_bound (const guint64 *keys,
             gsize          lo,
             gsize          hi,
             guint64        value)
{
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (keys[mid] < value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* A square of the quadtree: its depth, corner (in 2^-31 units), first
 * key, and run [lo, hi) of the sorted points. */
typedef struct
{
  guint   level;
  double  x;
  double  y;
  guint64 base;
  gsize   lo;
  gsize   hi;
} Square;

static inline double
square_side (const Square *sq)
{
  return (double) (G_GUINT64_CONSTANT (1) << (DEPTH - sq->level));
}

static void
split (const StormPointLayer *self,
       const Square          *sq,
       Square                 child[4])
{
  guint64 quarter = G_GUINT64_CONSTANT (1) << (2 * (DEPTH - sq->level - 1));
  double half = square_side (sq) / 2;
  gsize bound[5];

  bound[0] = sq->lo;
  bound[4] = sq->hi;
  for (int c = 1; c < 4; c++)
    bound[c] = lower_bound (self->keys, bound[c - 1], sq->hi, sq->base + c * quarter);
  for (int c = 0; c < 4; c++)
    {
      child[c].level = sq->level + 1;
      child[c].x = sq->x + (c & 1) * half;
      child[c].y = sq->y + (c >> 1) * half;
      child[c].base = sq->base + c * quarter;
      child[c].lo = bound[c];
      child[c].hi = bound[c + 1];
    }
}

static gboolean
square_meets (const Square *sq,
              double        x0,
              double        y0,
              double        x1,
              double        y1)
{
  double side = square_side (sq);

  return sq->lo < sq->hi && sq->x + side > x0 && sq->x < x1 && sq->y + side > y0 && sq->y < y1;
}

/* Points of each status in sorted run [lo, hi). */
static void
count_statuses (const StormPointLayer *self,
                gsize                  lo,
                gsize                  hi,
                guint32                tally[STORM_POINT_N_STATUS])
{
  gsize block_lo = (lo + STATUS_BLOCK - 1) / STATUS_BLOCK;
  gsize block_hi = hi / STATUS_BLOCK;

  memset (tally, 0, STORM_POINT_N_STATUS * sizeof (guint32));
  if (block_lo >= block_hi)
    {
      for (gsize i = lo; i < hi; i++)
        tally[self->status[i]]++;
      return;
    }
  for (int s = 0; s < STORM_POINT_N_STATUS; s++)
    tally[s] = self->status_sums[block_hi * STORM_POINT_N_STATUS + s]
               - self->status_sums[block_lo * STORM_POINT_N_STATUS + s];
  for (gsize i = lo; i < block_lo * STATUS_BLOCK; i++)
    tally[self->status[i]]++;
  for (gsize i = block_hi * STATUS_BLOCK; i < hi; i++)
    tally[self->status[i]]++;
}

/* ---- Frames ---------------------------------------------------------- */

typedef struct
{
  guint32 *counts;    /* N_STATUS per cell */
  guint16 *where;     /* x, y of the first sample of each cell, + one cell */
  guint32 *occupied;  /* cells with samples, in order of first sample */
  gsize    n_occupied;
  int      cols;
  int      rows;
  double   size;      /* cell size, device pixels */
} Cells;

static inline void
cells_add (Cells         *cells,
           double         px,
           double         py,
           const guint32 *tally,
           guint          status,
           guint32        weight)
{
  int cx, cy;
  guint32 *c;
  gsize at;

  /* One cell of margin on each side, for dots cut by the edge. */
  if (px < -cells->size || py < -cells->size)
    return;
  cx = (int) (px / cells->size) + 1;
  cy = (int) (py / cells->size) + 1;
  if (cx >= cells->cols || cy >= cells->rows)
    return;
  at = (gsize) cy * cells->cols + cx;
  c = cells->counts + at * STORM_POINT_N_STATUS;
  if ((c[0] | c[1] | c[2] | c[3] | c[4]) == 0)
    {
      cells->where[2 * at] = (guint16) CLAMP (px + cells->size, 0, G_MAXUINT16);
      cells->where[2 * at + 1] = (guint16) CLAMP (py + cells->size, 0, G_MAXUINT16);
      cells->occupied[cells->n_occupied++] = at;
    }
  if (tally != NULL)
    for (int s = 0; s < STORM_POINT_N_STATUS; s++)
      c[s] += tally[s];
  else
    c[status] += weight;
}

typedef struct
{
  const StormPointLayer *self;
  double                 x0, y0, x1, y1;  /* area walked, 2^-31 units */
  guint                  level;           /* squares this deep are one sample */
  double                 origin_x;        /* canvas origin, normalized */
  double                 origin_y;
  double                 ppu;             /* device pixels per normalized unit */
  const Level           *squares;         /* the level's squares, if kept */
  Cells                 *cells;
} BinWalk;

static gsize
lower_bound_32 (const guint32 *values,
                gsize          lo,
                gsize          hi,
                guint32        value)
{
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (values[mid] < value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
walk_bins (BinWalk      *w,
           const Square *sq)
{
  const StormPointLayer *self = w->self;
  Square child[4];

  if (!square_meets (sq, w->x0, w->y0, w->x1, w->y1))
    return;
  if (sq->hi - sq->lo <= LEAF_POINTS)
    {
      for (gsize i = sq->lo; i < sq->hi; i++)
        cells_add (w->cells, (self->x[i] - w->origin_x) * w->ppu, (self->y[i] - w->origin_y) * w->ppu,
                   NULL, self->status[i], 1);
      return;
    }
  if (sq->level >= w->level)
    {
      guint32 tally[STORM_POINT_N_STATUS];

      count_statuses (self, sq->lo, sq->hi, tally);
      cells_add (w->cells, (self->x[sq->lo] - w->origin_x) * w->ppu, (self->y[sq->lo] - w->origin_y) * w->ppu,
                 tally, 0, 0);
      return;
    }
  /* Wholly in view: its squares of the level drawn are a run of the
   * kept level, read in order, weighted by their size. */
  if (w->squares != NULL
      && sq->x >= w->x0 && sq->y >= w->y0 && sq->x + square_side (sq) <= w->x1 && sq->y + square_side (sq) <= w->y1)
    {
      const Level *squares = w->squares;
      gsize e0 = lower_bound_32 (squares->first, 0, squares->n_squares, sq->lo);
      gsize e1 = lower_bound_32 (squares->first, e0, squares->n_squares, sq->hi);

      for (gsize e = e0; e < e1; e++)
        {
          guint32 i = squares->first[e];

          cells_add (w->cells, (self->x[i] - w->origin_x) * w->ppu, (self->y[i] - w->origin_y) * w->ppu,
                     NULL, squares->dominant[e], squares->first[e + 1] - i);
        }
      return;
    }
  split (self, sq, child);
  for (int c = 0; c < 4; c++)
    walk_bins (w, &child[c]);
}

static Square
root_square (const StormPointLayer *self)
{
  Square root = { 0, 0, 0, 0, 0, self->n_points };

  return root;
}

/* Where a cell's dot goes, in canvas pixels: on its point when it holds
 * one, else in its middle, so that the dots of a dense area tile the
 * cells instead of piling up on each other. */
static gboolean
dot_center (const Cells *cells,
            gsize        at,
            int         *x,
            int         *y)
{
  const guint32 *c = cells->counts + at * STORM_POINT_N_STATUS;

  if (c[0] + c[1] + c[2] + c[3] + c[4] == 1)
    {
      *x = (int) (cells->where[2 * at] - cells->size);
      *y = (int) (cells->where[2 * at + 1] - cells->size);
      return TRUE;
    }
  *x = (int) (((int) (at % cells->cols) - 0.5) * cells->size);
  *y = (int) (((int) (at / cells->cols) - 0.5) * cells->size);
  return FALSE;
}

static guint
dominant (const guint32 *c)
{
  guint best = 0;

  for (guint s = 1; s < STORM_POINT_N_STATUS; s++)
    if (c[s] > c[best])
      best = s;
  return best;
}

static const cairo_user_data_key_t buffer_key;

/* Draws the dots of one frame, in canvas coordinates (logical pixels of
 * the unrotated rectangle around the view), into @snapshot. With the
 * cairo renderer they go into a cairo node: it paints a texture node
 * through a padded, general path, several times slower than painting an
 * image surface. */
static void
draw_dots (StormPointLayer *self,
           GtkSnapshot     *snapshot,
           Cells           *cells,
           int              canvas_width,
           int              canvas_height,
           int              scale,
           gboolean         cairo)
{
  int size = self->dots.size;
  int left = G_MAXINT, top = G_MAXINT, right = G_MININT, bottom = G_MININT;
  cairo_surface_t *surface;
  guint32 *buffer;
  cairo_t *cr;
  int width, height;

  /* Only the area the dots cover is drawn, and redrawn by GTK. */
  for (gsize k = 0; k < cells->n_occupied; k++)
    {
      int cx, cy;

      dot_center (cells, cells->occupied[k], &cx, &cy);
      left = MIN (left, cx - size / 2);
      top = MIN (top, cy - size / 2);
      right = MAX (right, cx - size / 2 + size);
      bottom = MAX (bottom, cy - size / 2 + size);
    }
  left = MAX (left, 0);
  top = MAX (top, 0);
  right = MIN (right, canvas_width);
  bottom = MIN (bottom, canvas_height);
  width = right - left;
  height = bottom - top;
  if (width <= 0 || height <= 0)
    return;

  if (cells->n_occupied <= SPARSE_DOTS)
    {
      cr = cairo ? gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT ((float) left / scale, (float) top / scale,
                                                                             (float) width / scale,
                                                                             (float) height / scale))
                 : NULL;
      for (gsize k = 0; k < cells->n_occupied; k++)
        {
          gsize at = cells->occupied[k];
          guint best = dominant (cells->counts + at * STORM_POINT_N_STATUS);
          double x, y;
          int cx, cy;

          dot_center (cells, at, &cx, &cy);
          x = (double) (cx - size / 2) / scale;
          y = (double) (cy - size / 2) / scale;
          if (cr != NULL)
            {
              cairo_set_source_surface (cr, self->dot_surfaces[best], x, y);
              cairo_rectangle (cr, x, y, (double) size / scale, (double) size / scale);
              cairo_fill (cr);
            }
          else
            gtk_snapshot_append_texture (snapshot, self->dot_textures[best],
                                         &GRAPHENE_RECT_INIT (x, y, (float) size / scale, (float) size / scale));
        }
      g_clear_pointer (&cr, cairo_destroy);
      return;
    }

  buffer = g_new0 (guint32, (gsize) width * height);
  /* Row by row, so that neighbouring dots share cache lines. */
  for (gsize at = 0; at < (gsize) cells->cols * cells->rows; at++)
    {
      const guint32 *c = cells->counts + at * STORM_POINT_N_STATUS;
      const SpriteSet *set;
      guint best;
      int cx, cy;

      if ((c[0] | c[1] | c[2] | c[3] | c[4]) == 0)
        continue;
      best = dominant (c);
      set = dot_center (cells, at, &cx, &cy) ? &self->dots : &self->cell_dots;
      stamp (buffer, width, height, set->pixels + (gsize) best * set->size * set->size,
             set->spans + (gsize) best * set->size * 2, set->size,
             cx - set->size / 2 - left, cy - set->size / 2 - top);
    }

  if (!cairo)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_take (buffer, (gsize) width * height * 4);
      g_autoptr(GdkTexture) texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                                              (gsize) width * 4);

      gtk_snapshot_append_texture (snapshot, texture,
                                   &GRAPHENE_RECT_INIT ((float) left / scale, (float) top / scale,
                                                        (float) width / scale, (float) height / scale));
      return;
    }

  /* The buffer is GDK_MEMORY_DEFAULT, which is cairo's ARGB32. */
  surface = cairo_image_surface_create_for_data ((guchar *) buffer, CAIRO_FORMAT_ARGB32, width, height, width * 4);
  cairo_surface_set_user_data (surface, &buffer_key, buffer, g_free);
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT ((float) left / scale, (float) top / scale,
                                                                 (float) width / scale, (float) height / scale));
  cairo_set_source_surface (cr, surface, (double) left / scale, (double) top / scale);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
render_frame (StormPointLayer     *self,
              const StormMapFrame *frame,
              int                  scale)
{
  g_autoptr(GtkSnapshot) snapshot = NULL;
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  gboolean cairo = renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
  double canvas_w, canvas_h, margin;
  int width, height, radius;
  Square root;
  BinWalk walk;
  Cells cells;

  forget_frame (self);
  self->frame = *frame;
  self->frame_scale = scale;
  self->frame_generation = self->generation;
  if (self->n_points == 0)
    return;

  /* The canvas is the unrotated rectangle around the rotated view. */
  canvas_w = fabs (frame->cos_r) * frame->width + fabs (frame->sin_r) * frame->height;
  canvas_h = fabs (frame->sin_r) * frame->width + fabs (frame->cos_r) * frame->height;
  width = (int) ceil (canvas_w * scale);
  height = (int) ceil (canvas_h * scale);

  radius = dot_radius (frame->zoom);
  ensure_sprites (self, radius, scale);
  margin = radius + 1;

  walk.self = self;
  walk.ppu = frame->map_size * scale;
  walk.origin_x = frame->cx - width / (2.0 * walk.ppu);
  walk.origin_y = frame->cy - height / (2.0 * walk.ppu);
  walk.x0 = (walk.origin_x - margin * scale / walk.ppu) * UNITS;
  walk.y0 = (walk.origin_y - margin * scale / walk.ppu) * UNITS;
  walk.x1 = (walk.origin_x + (width + margin * scale) / walk.ppu) * UNITS;
  walk.y1 = (walk.origin_y + (height + margin * scale) / walk.ppu) * UNITS;

  cells.size = 2.0 * radius * scale;
  cells.cols = (int) ceil (width / cells.size) + 2;
  cells.rows = (int) ceil (height / cells.size) + 2;
  cells.counts = g_new0 (guint32, (gsize) cells.cols * cells.rows * STORM_POINT_N_STATUS);
  cells.where = g_new (guint16, (gsize) cells.cols * cells.rows * 2);
  cells.occupied = g_new (guint32, (gsize) cells.cols * cells.rows);
  cells.n_occupied = 0;
  walk.cells = &cells;
  /* Squares at this depth are at most one cell wide. */
  walk.level = (guint) CLAMP (ceil (log2 (walk.ppu / cells.size)), 0, DEPTH);
  walk.squares = (int) walk.level <= self->deepest_level ? &self->levels[walk.level] : NULL;

  root = root_square (self);
  walk_bins (&walk, &root);

  if (cells.n_occupied > 0)
    {
      snapshot = gtk_snapshot_new ();
      if (frame->rotation != 0)
        {
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (frame->width / 2.0, frame->height / 2.0));
          gtk_snapshot_rotate (snapshot, frame->rotation * 180.0 / G_PI);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-(double) width / (2.0 * scale),
                                                                  -(double) height / (2.0 * scale)));
        }
      draw_dots (self, snapshot, &cells, width, height, scale, cairo);
      self->node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_free (cells.counts);
  g_free (cells.where);
  g_free (cells.occupied);
}

static gboolean
frame_equal (const StormMapFrame *a,
             const StormMapFrame *b)
{
  return a->cx == b->cx && a->cy == b->cy && a->map_size == b->map_size
         && a->width == b->width && a->height == b->height && a->rotation == b->rotation;
}

static int
frame_scale_for (StormPointLayer     *self,
                 const StormMapFrame *frame)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (scale > 1 && frame->width * frame->height * scale * scale > MAX_BUFFER_PIXELS)
    return 1;
  return scale;
}

static void
storm_point_layer_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  StormPointLayer *self = STORM_POINT_LAYER (widget);
  StormMapFrame frame;
  int scale;

  if (self->n_points == 0 || !storm_map_frame_init (&frame, SHUMATE_LAYER (self)))
    return;

  scale = frame_scale_for (self, &frame);
  if (self->frame_generation != self->generation || self->frame_scale != scale
      || !frame_equal (&frame, &self->frame))
    render_frame (self, &frame, scale);
  if (self->node != NULL)
    gtk_snapshot_append_node (snapshot, self->node);
}

/* ---- Picking and counting -------------------------------------------- */

typedef struct
{
  const StormPointLayer *self;
  double                 nx, ny;          /* normalized */
  double                 x0, y0, x1, y1;  /* 2^-31 units */
  double                 best_d2;
  gint64                 best;
  gboolean               any;             /* stop at the first point found */
} PickWalk;

static void
walk_pick (PickWalk     *w,
           const Square *sq)
{
  const StormPointLayer *self = w->self;
  Square child[4];

  if ((w->any && w->best >= 0) || !square_meets (sq, w->x0, w->y0, w->x1, w->y1))
    return;
  if (sq->hi - sq->lo <= LEAF_POINTS || sq->level == DEPTH)
    {
      for (gsize i = sq->lo; i < sq->hi; i++)
        {
          double dx = self->x[i] - w->nx, dy = self->y[i] - w->ny;
          double d2 = dx * dx + dy * dy;

          if (d2 <= w->best_d2)
            {
              w->best_d2 = d2;
              w->best = self->ids[i];
            }
        }
      return;
    }
  split (self, sq, child);
  for (int c = 0; c < 4; c++)
    walk_pick (w, &child[c]);
}

static gint64
pick (StormPointLayer *self,
      double           x,
      double           y,
      double           radius_px,
      gboolean         any)
{
  StormMapFrame frame;
  PickWalk walk = { self };
  double radius;
  Square root;

  if (self->n_points == 0 || !storm_map_frame_init (&frame, SHUMATE_LAYER (self)))
    return -1;
  storm_map_frame_from_widget (&frame, x, y, &walk.nx, &walk.ny);
  radius = radius_px / frame.map_size;
  walk.x0 = (walk.nx - radius) * UNITS;
  walk.x1 = (walk.nx + radius) * UNITS + 1;
  walk.y0 = (walk.ny - radius) * UNITS;
  walk.y1 = (walk.ny + radius) * UNITS + 1;
  walk.best_d2 = radius * radius;
  walk.best = -1;
  walk.any = any;
  root = root_square (self);
  walk_pick (&walk, &root);
  return walk.best;
}

static gboolean
inside (const StormMapFrame *frame,
        double               nx,
        double               ny)
{
  double wx, wy;

  storm_map_frame_to_widget (frame, nx, ny, &wx, &wy);
  return wx >= 0 && wy >= 0 && wx < frame->width && wy < frame->height;
}

static gsize
walk_count (const StormPointLayer *self,
            const StormMapFrame   *frame,
            const double           area[4],
            const Square          *sq)
{
  double side = square_side (sq);
  Square child[4];
  gsize count = 0;

  if (!square_meets (sq, area[0], area[1], area[2], area[3]))
    return 0;
  /* The view is convex: a square whose corners are in it is in it. */
  if (inside (frame, sq->x / UNITS, sq->y / UNITS)
      && inside (frame, (sq->x + side) / UNITS, sq->y / UNITS)
      && inside (frame, sq->x / UNITS, (sq->y + side) / UNITS)
      && inside (frame, (sq->x + side) / UNITS, (sq->y + side) / UNITS))
    return sq->hi - sq->lo;
  if (sq->hi - sq->lo <= LEAF_POINTS || sq->level == DEPTH)
    {
      for (gsize i = sq->lo; i < sq->hi; i++)
        count += inside (frame, self->x[i], self->y[i]);
      return count;
    }
  split (self, sq, child);
  for (int c = 0; c < 4; c++)
    count += walk_count (self, frame, area, &child[c]);
  return count;
}

/* Near a point: then this layer takes the click. */
static gboolean
storm_point_layer_contains (GtkWidget *widget,
                            double     x,
                            double     y)
{
  StormPointLayer *self = STORM_POINT_LAYER (widget);
  StormMapFrame frame;

  if (self->n_points == 0 || !storm_map_frame_init (&frame, SHUMATE_LAYER (self)))
    return FALSE;
  return pick (self, x, y, dot_radius (frame.zoom) + 1, TRUE) >= 0;
}

static void
click_released_cb (StormPointLayer *self,
                   int              n_press,
                   double           x,
                   double           y,
                   GtkGestureClick *gesture)
{
  StormMapFrame frame;
  gint64 id;

  if (n_press != 1 || !storm_map_frame_init (&frame, SHUMATE_LAYER (self)))
    return;
  id = storm_point_layer_pick (self, x, y, dot_radius (frame.zoom) + PICK_SLOP_PX);
  if (id >= 0)
    g_signal_emit (self, signals[POINT_ACTIVATED], 0, id);
}

static void
viewport_notify_cb (StormPointLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
storm_point_layer_constructed (GObject *object)
{
  StormPointLayer *self = STORM_POINT_LAYER (object);

  G_OBJECT_CLASS (storm_point_layer_parent_class)->constructed (object);

  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (viewport_notify_cb), self, G_CONNECT_SWAPPED);
}

static void
storm_point_layer_dispose (GObject *object)
{
  forget_frame (STORM_POINT_LAYER (object));

  G_OBJECT_CLASS (storm_point_layer_parent_class)->dispose (object);
}

static void
storm_point_layer_finalize (GObject *object)
{
  StormPointLayer *self = STORM_POINT_LAYER (object);

  free_points (self);
  sprite_set_clear (&self->dots);
  sprite_set_clear (&self->cell_dots);
  for (int s = 0; s < STORM_POINT_N_STATUS; s++)
    {
      g_clear_object (&self->dot_textures[s]);
      g_clear_pointer (&self->dot_surfaces[s], cairo_surface_destroy);
    }

  G_OBJECT_CLASS (storm_point_layer_parent_class)->finalize (object);
}

static void
storm_point_layer_class_init (StormPointLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = storm_point_layer_constructed;
  object_class->dispose = storm_point_layer_dispose;
  object_class->finalize = storm_point_layer_finalize;

  widget_class->snapshot = storm_point_layer_snapshot;
  widget_class->contains = storm_point_layer_contains;

  /**
   * StormPointLayer::point-activated:
   * @self: the layer
   * @id: the id given with the point
   *
   * A point was clicked.
   */
  signals[POINT_ACTIVATED] =
    g_signal_new ("point-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
storm_point_layer_init (StormPointLayer *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->deepest_level = -1;

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (click_released_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
}

StormPointLayer *
storm_point_layer_new (ShumateViewport *viewport)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  return g_object_new (STORM_TYPE_POINT_LAYER, "viewport", viewport, NULL);
}

/* The kept levels, from the sorted keys: two neighbours in Morton order
 * share every square above the level where their keys first differ. */
static void
build_levels (StormPointLayer *self)
{
  gsize n = self->n_points;
  g_autofree guint8 *split_at = g_new (guint8, n);
  g_autofree guint32 *tallies = NULL;
  g_autofree guint32 *coarser = NULL;
  gsize squares_at[DEPTH + 2] = { 0 };
  gsize deepest_n;
  int deepest = -1;

  split_at[0] = 0;
  squares_at[0] = 1;
  for (gsize i = 1; i < n; i++)
    {
      guint64 diff = self->keys[i] ^ self->keys[i - 1];

      split_at[i] = diff == 0 ? DEPTH + 1 : DEPTH - (63 - __builtin_clzll (diff)) / 2;
      squares_at[split_at[i]]++;
    }
  for (int l = 1; l <= DEPTH; l++)
    squares_at[l] += squares_at[l - 1];
  for (int l = 0; l <= DEPTH; l++)
    if (squares_at[l] * 2 <= n)
      deepest = l;
  self->deepest_level = deepest;
  if (deepest < 0)
    return;

  /* The deepest kept level from the points, the others from it. */
  deepest_n = squares_at[deepest];
  tallies = g_new0 (guint32, deepest_n * STORM_POINT_N_STATUS);
  coarser = g_new (guint32, deepest_n * STORM_POINT_N_STATUS);
  for (int l = deepest; l >= 0; l--)
    {
      Level *level = &self->levels[l];
      gsize e = 0;

      level->n_squares = squares_at[l];
      level->first = g_new (guint32, level->n_squares + 1);
      level->dominant = g_new (guint8, level->n_squares);
      if (l == deepest)
        {
          for (gsize i = 0; i < n; i++)
            {
              if (split_at[i] <= l)
                level->first[e++] = i;
              tallies[(e - 1) * STORM_POINT_N_STATUS + self->status[i]]++;
            }
        }
      else
        {
          const Level *finer = &self->levels[l + 1];

          memset (coarser, 0, level->n_squares * STORM_POINT_N_STATUS * sizeof (guint32));
          for (gsize f = 0; f < finer->n_squares; f++)
            {
              if (split_at[finer->first[f]] <= l)
                level->first[e++] = finer->first[f];
              for (int s = 0; s < STORM_POINT_N_STATUS; s++)
                coarser[(e - 1) * STORM_POINT_N_STATUS + s] += tallies[f * STORM_POINT_N_STATUS + s];
            }
          memcpy (tallies, coarser, level->n_squares * STORM_POINT_N_STATUS * sizeof (guint32));
        }
      g_assert (e == level->n_squares);
      level->first[e] = n;
      for (gsize k = 0; k < level->n_squares; k++)
        level->dominant[k] = dominant (tallies + k * STORM_POINT_N_STATUS);
    }
}

/**
 * storm_point_layer_set_points:
 * @self: a #StormPointLayer
 * @lat: (array length=n_points): latitudes
 * @lon: (array length=n_points): longitudes
 * @status: (array length=n_points): a #StormPointStatus for each point
 * @ids: (array length=n_points): ids, 0 or more, given back by picking
 * @n_points: number of points
 *
 * Replaces the layer's points. The arrays are copied; points without
 * finite coordinates are left out.
 */
void
storm_point_layer_set_points (StormPointLayer *self,
                              const double    *lat,
                              const double    *lon,
                              const guint8    *status,
                              const gint64    *ids,
                              gsize            n_points)
{
  g_autofree double *px = NULL;
  g_autofree double *py = NULL;
  g_autofree guint32 *order = NULL;
  g_autofree guint32 *source = NULL;
  guint32 tally[STORM_POINT_N_STATUS] = { 0 };
  gsize n = 0;

  g_return_if_fail (STORM_IS_POINT_LAYER (self));
  g_return_if_fail (n_points == 0 || (lat != NULL && lon != NULL && status != NULL && ids != NULL));
  g_return_if_fail (n_points < G_MAXUINT32);

  for (gsize i = 0; i < n_points; i++)
    g_return_if_fail (status[i] < STORM_POINT_N_STATUS);

  free_points (self);
  forget_frame (self);
  self->generation++;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  px = g_new (double, MAX (n_points, 1));
  py = g_new (double, MAX (n_points, 1));
  order = g_new (guint32, MAX (n_points, 1));
  source = g_new (guint32, MAX (n_points, 1));
  self->keys = g_new (guint64, MAX (n_points, 1));
  self->min_x = self->min_y = G_MAXDOUBLE;
  self->max_x = self->max_y = -G_MAXDOUBLE;
  for (gsize i = 0; i < n_points; i++)
    {
      if (!isfinite (lat[i]) || !isfinite (lon[i]))
        continue;
      storm_map_project (lat[i], lon[i], &px[n], &py[n]);
      self->keys[n] = morton_key (px[n], py[n]);
      order[n] = n;
      source[n] = i;
      self->min_x = MIN (self->min_x, px[n]);
      self->max_x = MAX (self->max_x, px[n]);
      self->min_y = MIN (self->min_y, py[n]);
      self->max_y = MAX (self->max_y, py[n]);
      n++;
    }
  if (n == 0)
    {
      g_clear_pointer (&self->keys, g_free);
      return;
    }

  sort_keys (self->keys, order, n);

  self->n_points = n;
  self->x = g_new (double, n);
  self->y = g_new (double, n);
  self->status = g_new (guint8, n);
  self->ids = g_new (gint64, n);
  self->status_sums = g_new (guint32, (n / STATUS_BLOCK + 1) * STORM_POINT_N_STATUS);
  for (gsize k = 0; k < n; k++)
    {
      guint32 j = order[k], i = source[j];

      if (k % STATUS_BLOCK == 0)
        memcpy (self->status_sums + (k / STATUS_BLOCK) * STORM_POINT_N_STATUS, tally, sizeof tally);
      self->x[k] = px[j];
      self->y[k] = py[j];
      self->status[k] = status[i];
      self->ids[k] = ids[i];
      tally[status[i]]++;
    }
  if (n % STATUS_BLOCK == 0)
    memcpy (self->status_sums + (n / STATUS_BLOCK) * STORM_POINT_N_STATUS, tally, sizeof tally);

  build_levels (self);
}

gsize
storm_point_layer_get_n_points (StormPointLayer *self)
{
  g_return_val_if_fail (STORM_IS_POINT_LAYER (self), 0);

  return self->n_points;
}

/* FALSE when the layer has no points. */
gboolean
storm_point_layer_get_bounds (StormPointLayer *self,
                              double          *min_lat,
                              double          *min_lon,
                              double          *max_lat,
                              double          *max_lon)
{
  double lat, lon;

  g_return_val_if_fail (STORM_IS_POINT_LAYER (self), FALSE);

  if (self->n_points == 0)
    return FALSE;
  /* y grows southwards. */
  storm_map_unproject (self->min_x, self->max_y, &lat, &lon);
  if (min_lat != NULL)
    *min_lat = lat;
  if (min_lon != NULL)
    *min_lon = lon;
  storm_map_unproject (self->max_x, self->min_y, &lat, &lon);
  if (max_lat != NULL)
    *max_lat = lat;
  if (max_lon != NULL)
    *max_lon = lon;
  return TRUE;
}

/**
 * storm_point_layer_count_visible:
 * @self: a #StormPointLayer
 *
 * Counts the points inside the layer's allocation for the viewport as
 * it is now, one by one (not the dots, which may merge).
 *
 * Returns: the number of points in view
 */
gsize
storm_point_layer_count_visible (StormPointLayer *self)
{
  StormMapFrame frame;
  double area[4];
  Square root;

  g_return_val_if_fail (STORM_IS_POINT_LAYER (self), 0);

  if (self->n_points == 0 || !storm_map_frame_init (&frame, SHUMATE_LAYER (self)))
    return 0;
  storm_map_frame_get_extent (&frame, 0, &area[0], &area[1], &area[2], &area[3]);
  for (int k = 0; k < 4; k++)
    area[k] *= UNITS;
  root = root_square (self);
  return walk_count (self, &frame, area, &root);
}

/**
 * storm_point_layer_pick:
 * @self: a #StormPointLayer
 * @x: layer x coordinate
 * @y: layer y coordinate
 * @radius_px: how far from (@x, @y) a point may be
 *
 * Finds the point nearest to (@x, @y) within @radius_px.
 *
 * Returns: its id, or -1 when there is none
 */
gint64
storm_point_layer_pick (StormPointLayer *self,
                        double           x,
                        double           y,
                        double           radius_px)
{
  g_return_val_if_fail (STORM_IS_POINT_LAYER (self), -1);

  return pick (self, x, y, radius_px, FALSE);
}

void
storm_point_status_get_color (StormPointStatus  status,
                              GdkRGBA          *color)
{
  g_return_if_fail (status < STORM_POINT_N_STATUS);
  g_return_if_fail (color != NULL);

  gdk_rgba_parse (color, statuses[status].hex);
}

/* For a legend: what the colour means, translated. */
const char *
storm_point_status_get_label (StormPointStatus status)
{
  g_return_val_if_fail (status < STORM_POINT_N_STATUS, NULL);

  return _(statuses[status].label);
}
