#define G_LOG_DOMAIN "storm-tour"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storm-tour.h"

#define DEFAULT_NEIGHBOURS 10
#define MAX_NEIGHBOURS 32
/* Or-opt moves segments of one to three nodes. */
#define OR_OPT_MAX 3
/* Longest segment a kick swaps: long enough to leave the basin of a
 * 2-opt/Or-opt optimum, short enough that the repair stays local. */
#define KICK_MAX_SEGMENT 50
/* Below this many nodes neighbour lists are found by brute force. */
#define BRUTE_FORCE_KNN 96
#define EPS 1e-7
/* GEO instances up to this size are solved over a precomputed matrix. */
#define GEO_MATRIX_MAX 4000
/* Up to this size every distance is tabulated (8 MB at most): a lookup
 * is cheaper than a square root, and crew routes are this small. */
#define TABLE_MAX 1024
#define EARTH_RADIUS_KM 6371.0088

/* ------------------------------------------------------------------ */
/* Problem: the metric, neighbour lists, and for open paths a dummy node
 * at distance 0 from every other node (a cycle through it is a path). */

typedef struct
{
  StormTourMetric metric;
  guint           n;        /* nodes searched, the dummy included */
  guint           n_real;
  const double   *x;
  const double   *y;
  double         *lat;      /* GEO in radians */
  double         *lon;
  const gint32   *matrix;
  gint32         *own_matrix;
  double         *table;    /* all distances, for small instances */
  guint           k;        /* neighbours per real node */
  guint          *nbr;      /* n_real × k, nearest first */
} Problem;

static inline double
geo_radians (double v)
{
  /* TSPLIB GEO: DDD.MM, degrees truncated (as in the programs that
   * computed the published optima). */
  const double pi = 3.141592;
  double deg = (double) (gint64) v;
  double min = v - deg;

  return pi * (deg + 5.0 * min / 3.0) / 180.0;
}

static G_ALWAYS_INLINE inline double
metric_distance (StormTourMetric  metric,
                 const double    *x,
                 const double    *y,
                 const double    *lat,
                 const double    *lon,
                 const gint32    *matrix,
                 guint            n,
                 guint            a,
                 guint            b)
{
  double dx, dy;

  switch (metric)
    {
    case STORM_TOUR_EUCLIDEAN:
      dx = x[a] - x[b];
      dy = y[a] - y[b];
      return sqrt (dx * dx + dy * dy);
    case STORM_TOUR_EUC_2D:
      dx = x[a] - x[b];
      dy = y[a] - y[b];
      return floor (sqrt (dx * dx + dy * dy) + 0.5);
    case STORM_TOUR_CEIL_2D:
      dx = x[a] - x[b];
      dy = y[a] - y[b];
      return ceil (sqrt (dx * dx + dy * dy));
    case STORM_TOUR_ATT:
      {
        double r, t;

        dx = x[a] - x[b];
        dy = y[a] - y[b];
        r = sqrt ((dx * dx + dy * dy) / 10.0);
        t = floor (r + 0.5);
        return t < r ? t + 1.0 : t;
      }
    case STORM_TOUR_GEO:
      {
        const double rrr = 6378.388;
        double q1, q2, q3, c;

        if (a == b)
          return 0.0;
        q1 = cos (lon[a] - lon[b]);
        q2 = cos (lat[a] - lat[b]);
        q3 = cos (lat[a] + lat[b]);
        c = 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3);
        c = CLAMP (c, -1.0, 1.0);
        return (double) (gint64) (rrr * acos (c) + 1.0);
      }
    case STORM_TOUR_MATRIX:
      return matrix[(gsize) a * n + b];
    default:
      g_assert_not_reached ();
    }
}

static G_ALWAYS_INLINE inline double
dist (const Problem *p,
      guint          a,
      guint          b)
{
  if (G_UNLIKELY (a >= p->n_real || b >= p->n_real))
    return 0.0;
  if (p->table != NULL)
    return p->table[(gsize) a * p->n_real + b];
  return metric_distance (p->metric, p->x, p->y, p->lat, p->lon, p->matrix, p->n_real, a, b);
}

static inline guint
n_neighbours (const Problem *p,
              guint          a)
{
  return a < p->n_real ? p->k : 0;
}

typedef struct
{
  double d;
  guint  j;
} Cand;

/* Keeps @best (sorted, at most @k) the k nearest seen so far; ties go to
 * the lower index so the lists do not depend on visiting order. */
static inline void
cand_insert (Cand   *best,
             guint  *count,
             guint   k,
             double  d,
             guint   j)
{
  guint i;

  if (*count == k && (d > best[k - 1].d || (d == best[k - 1].d && j > best[k - 1].j)))
    return;
  i = *count < k ? (*count)++ : k - 1;
  while (i > 0 && (best[i - 1].d > d || (best[i - 1].d == d && best[i - 1].j > j)))
    {
      best[i] = best[i - 1];
      i--;
    }
  best[i].d = d;
  best[i].j = j;
}

static void
knn_brute_force (Problem *p)
{
  Cand best[MAX_NEIGHBOURS];

  for (guint i = 0; i < p->n_real; i++)
    {
      guint count = 0;

      for (guint j = 0; j < p->n_real; j++)
        if (j != i)
          cand_insert (best, &count, p->k, dist (p, i, j), j);
      for (guint c = 0; c < p->k; c++)
        p->nbr[(gsize) i * p->k + c] = best[c].j;
    }
}

/* Uniform grid of about two points per cell, searched ring by ring until
 * no unvisited cell can hold a nearer point. Besides the nearest nodes a
 * list holds the nearest two in each quadrant (within a few rings), so
 * clustered instances keep candidate edges between clusters. Candidates
 * are ranked by plain Euclidean distance, which orders them like every
 * coordinate metric here (rounding aside). */
#define QUADRANT_NEIGHBOURS 2
#define QUADRANT_RINGS 8

static void
knn_grid (Problem *p)
{
  const double *x = p->x, *y = p->y;
  guint n = p->n_real;
  double min_x = x[0], max_x = x[0], min_y = y[0], max_y = y[0];
  double w, h, cell;
  guint gx, gy;
  g_autofree guint *start = NULL;
  g_autofree guint *items = NULL;
  g_autofree guint *cell_of = NULL;
  Cand best[MAX_NEIGHBOURS];
  Cand quad[4][QUADRANT_NEIGHBOURS];

  for (guint i = 1; i < n; i++)
    {
      min_x = MIN (min_x, x[i]);
      max_x = MAX (max_x, x[i]);
      min_y = MIN (min_y, y[i]);
      max_y = MAX (max_y, y[i]);
    }
  w = max_x - min_x;
  h = max_y - min_y;
  cell = sqrt (MAX (w, 1e-9) * MAX (h, 1e-9) / (n / 2.0));
  if (!(cell > 0) || w / cell > 4.0 * n || h / cell > 4.0 * n)
    cell = MAX (w, h) / MAX (1.0, n / 2.0);
  if (!(cell > 0))
    cell = 1.0;
  gx = MIN ((guint) (w / cell) + 1, 4 * n);
  gy = MIN ((guint) (h / cell) + 1, 4 * n);

  start = g_new0 (guint, (gsize) gx * gy + 1);
  items = g_new (guint, n);
  cell_of = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      guint cx = MIN ((guint) ((x[i] - min_x) / cell), gx - 1);
      guint cy = MIN ((guint) ((y[i] - min_y) / cell), gy - 1);

      cell_of[i] = cy * gx + cx;
      start[cell_of[i] + 1]++;
    }
  for (gsize c = 0; c < (gsize) gx * gy; c++)
    start[c + 1] += start[c];
  {
    g_autofree guint *fill = g_memdup2 (start, sizeof (guint) * ((gsize) gx * gy));

    for (guint i = 0; i < n; i++)
      items[fill[cell_of[i]]++] = i;
  }

  for (guint i = 0; i < n; i++)
    {
      int cx = cell_of[i] % gx, cy = cell_of[i] / gx;
      guint count = 0, q_count[4] = { 0, 0, 0, 0 }, out = 0;
      gboolean plain_done = FALSE;

      for (int r = 0;; r++)
        {
          gboolean inside = FALSE, quads_done = TRUE;
          double reach = (r * cell) * (r * cell);

          for (int yy = cy - r; yy <= cy + r; yy++)
            {
              if (yy < 0 || yy >= (int) gy)
                continue;
              for (int xx = cx - r; xx <= cx + r; xx++)
                {
                  guint c;

                  if (xx < 0 || xx >= (int) gx)
                    continue;
                  if (yy != cy - r && yy != cy + r && xx != cx - r && xx != cx + r)
                    continue;
                  inside = TRUE;
                  c = yy * gx + xx;
                  for (guint t = start[c]; t < start[c + 1]; t++)
                    {
                      guint j = items[t], q;
                      double dx, dy, d;

                      if (j == i)
                        continue;
                      dx = x[j] - x[i];
                      dy = y[j] - y[i];
                      d = dx * dx + dy * dy;
                      if (!plain_done)
                        cand_insert (best, &count, p->k, d, j);
                      q = (dx >= 0 ? 1 : 0) + (dy >= 0 ? 2 : 0);
                      cand_insert (quad[q], &q_count[q], QUADRANT_NEIGHBOURS, d, j);
                    }
                }
            }
          if (!inside)
            break;
          if (count == p->k && best[p->k - 1].d <= reach)
            plain_done = TRUE;
          for (guint q = 0; q < 4; q++)
            if (q_count[q] < QUADRANT_NEIGHBOURS || quad[q][QUADRANT_NEIGHBOURS - 1].d > reach)
              quads_done = FALSE;
          if (plain_done && (quads_done || r >= QUADRANT_RINGS))
            break;
        }

      /* Quadrant picks first, then the nearest overall, k in all,
       * nearest first. */
      {
        Cand merged[4 * QUADRANT_NEIGHBOURS + MAX_NEIGHBOURS];
        guint n_merged = 0;

        for (guint q = 0; q < 4; q++)
          for (guint t = 0; t < q_count[q] && n_merged < p->k; t++)
            merged[n_merged++] = quad[q][t];
        for (guint t = 0; t < count && n_merged < p->k; t++)
          {
            gboolean dup = FALSE;

            for (guint m = 0; m < n_merged && !dup; m++)
              dup = merged[m].j == best[t].j;
            if (!dup)
              merged[n_merged++] = best[t];
          }
        for (guint a = 1; a < n_merged; a++)
          {
            Cand c = merged[a];
            guint b = a;

            while (b > 0 && (merged[b - 1].d > c.d || (merged[b - 1].d == c.d && merged[b - 1].j > c.j)))
              {
                merged[b] = merged[b - 1];
                b--;
              }
            merged[b] = c;
          }
        for (; out < n_merged; out++)
          p->nbr[(gsize) i * p->k + out] = merged[out].j;
      }
      g_assert (out == p->k);
    }
}

static void
problem_init (Problem              *p,
              const StormTourInput *input,
              guint                 neighbours,
              gboolean              open)
{
  memset (p, 0, sizeof *p);
  p->metric = input->metric;
  p->n_real = input->n;
  p->n = input->n + (open ? 1 : 0);
  p->x = input->x;
  p->y = input->y;
  p->matrix = input->matrix;
  if (p->metric == STORM_TOUR_GEO)
    {
      p->lat = g_new (double, p->n_real);
      p->lon = g_new (double, p->n_real);
      for (guint i = 0; i < p->n_real; i++)
        {
          p->lat[i] = geo_radians (input->x[i]);
          p->lon[i] = geo_radians (input->y[i]);
        }
    }
  if (p->metric == STORM_TOUR_GEO && p->n_real <= GEO_MATRIX_MAX)
    {
      /* Spherical trigonometry per lookup is the search's bottleneck;
       * a matrix of the (integer) distances is small at this size. */
      p->own_matrix = g_new (gint32, (gsize) p->n_real * p->n_real);
      for (guint i = 0; i < p->n_real; i++)
        for (guint j = 0; j < p->n_real; j++)
          p->own_matrix[(gsize) i * p->n_real + j] = (gint32) dist (p, i, j);
      p->matrix = p->own_matrix;
      p->metric = STORM_TOUR_MATRIX;
    }
  if (p->n_real <= TABLE_MAX)
    {
      double *table = g_new (double, (gsize) p->n_real * p->n_real);

      for (guint i = 0; i < p->n_real; i++)
        for (guint j = 0; j < p->n_real; j++)
          table[(gsize) i * p->n_real + j] = dist (p, i, j);
      p->table = table;
    }
  p->k = MIN (neighbours, p->n_real - 1);
  p->nbr = g_new (guint, (gsize) p->n_real * MAX (p->k, 1));
  if (p->k == 0)
    return;
  if (p->metric == STORM_TOUR_GEO || p->metric == STORM_TOUR_MATRIX || p->n_real <= BRUTE_FORCE_KNN)
    knn_brute_force (p);
  else
    knn_grid (p);
}

static void
problem_clear (Problem *p)
{
  g_free (p->lat);
  g_free (p->lon);
  g_free (p->own_matrix);
  g_free (p->table);
  g_free (p->nbr);
}

/* ------------------------------------------------------------------ */
/* Greedy edge: shortest candidate edges first, no node above degree two,
 * no early cycle; the fragments left are chained nearest end first. */

typedef struct
{
  double w;
  guint  a;
  guint  b;
} Edge;

static int
edge_cmp (const void *pa,
          const void *pb)
{
  const Edge *ea = pa, *eb = pb;

  if (ea->w != eb->w)
    return ea->w < eb->w ? -1 : 1;
  if (ea->a != eb->a)
    return ea->a < eb->a ? -1 : 1;
  return ea->b < eb->b ? -1 : (ea->b > eb->b ? 1 : 0);
}

static guint
uf_find (guint *parent,
         guint  i)
{
  while (parent[i] != i)
    {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
  return i;
}

static void
greedy_tour (const Problem *p,
             guint         *tour)
{
  guint n = p->n_real;
  g_autofree Edge *edges = g_new (Edge, (gsize) n * MAX (p->k, 1));
  g_autofree guint *adj = g_new (guint, 2 * (gsize) n);
  g_autofree guint8 *deg = g_new0 (guint8, n);
  g_autofree guint *parent = g_new (guint, n);
  g_autofree guint *ends = NULL;
  g_autofree guint *end_slot = NULL;
  g_autofree guint8 *done = g_new0 (guint8, n);
  gsize n_edges = 0;
  guint n_ends = 0, t = 0, cur;

  if (n == 1)
    {
      tour[0] = 0;
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      parent[i] = i;
      for (guint c = 0; c < p->k; c++)
        {
          guint j = p->nbr[(gsize) i * p->k + c];

          edges[n_edges].w = dist (p, i, j);
          edges[n_edges].a = MIN (i, j);
          edges[n_edges].b = MAX (i, j);
          n_edges++;
        }
    }
  qsort (edges, n_edges, sizeof (Edge), edge_cmp);
  for (gsize e = 0; e < n_edges; e++)
    {
      guint a = edges[e].a, b = edges[e].b, ra, rb;

      if (e > 0 && edges[e - 1].a == a && edges[e - 1].b == b)
        continue;
      if (deg[a] == 2 || deg[b] == 2)
        continue;
      ra = uf_find (parent, a);
      rb = uf_find (parent, b);
      if (ra == rb)
        continue;
      parent[ra] = rb;
      adj[2 * a + deg[a]++] = b;
      adj[2 * b + deg[b]++] = a;
    }

  /* Fragment ends (a lone node is both ends of its fragment). */
  ends = g_new (guint, 2 * (gsize) n);
  end_slot = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    if (deg[i] < 2)
      {
        end_slot[i] = n_ends;
        ends[n_ends++] = i;
      }

  cur = n_ends > 0 ? ends[0] : 0;
  while (TRUE)
    {
      guint prev = G_MAXUINT, best = G_MAXUINT;
      double best_d = INFINITY;

      /* Walk the fragment from @cur to its other end. */
      while (TRUE)
        {
          guint next = G_MAXUINT;

          tour[t++] = cur;
          done[cur] = 1;
          if (deg[cur] < 2)
            {
              guint s = end_slot[cur];

              ends[s] = ends[--n_ends];
              end_slot[ends[s]] = s;
            }
          for (guint d = 0; d < deg[cur]; d++)
            if (adj[2 * cur + d] != prev && !done[adj[2 * cur + d]])
              next = adj[2 * cur + d];
          if (next == G_MAXUINT)
            break;
          prev = cur;
          cur = next;
        }
      if (t == n)
        break;
      for (guint e = 0; e < n_ends; e++)
        {
          double d = dist (p, cur, ends[e]);

          if (d < best_d)
            {
              best_d = d;
              best = ends[e];
            }
        }
      g_assert (best != G_MAXUINT);
      cur = best;
    }
}

/* ------------------------------------------------------------------ */
/* Search state: array tour with positions; every change is a reversal,
 * so a journal of reversals undoes a rejected kick. */

typedef struct
{
  guint i;
  guint len;
} Reversal;


typedef struct
{
  const Problem *p;
  guint          n;
  guint         *tour;
  guint         *pos;
  guint         *queue;
  guint          q_head;
  guint          q_len;
  guint8        *queued;
  GArray        *journal;
  gboolean       journaling;
  guint64        rng;
  double         len;
} Search;

static inline guint64
rng_next (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline guint
rng_below (guint64 *state,
           guint    bound)
{
  return (guint) (((rng_next (state) >> 32) * (guint64) bound) >> 32);
}

static inline guint
succ (const Search *s,
      guint         a)
{
  guint i = s->pos[a] + 1;

  return s->tour[i == s->n ? 0 : i];
}

static inline guint
pred (const Search *s,
      guint         a)
{
  guint i = s->pos[a];

  return s->tour[i == 0 ? s->n - 1 : i - 1];
}

static inline void
push (Search *s,
      guint   a)
{
  guint i;

  if (s->queued[a])
    return;
  s->queued[a] = 1;
  i = s->q_head + s->q_len;
  s->queue[i >= s->n ? i - s->n : i] = a;
  s->q_len++;
}

static inline guint
pop (Search *s)
{
  guint a = s->queue[s->q_head];

  s->q_head = s->q_head + 1 == s->n ? 0 : s->q_head + 1;
  s->q_len--;
  s->queued[a] = 0;
  return a;
}

static void
reverse_positions (Search *s,
                   guint   i,
                   guint   len)
{
  guint n = s->n;
  guint j = (i + len - 1) % n;

  if (s->journaling)
    {
      Reversal r = { i, len };

      g_array_append_val (s->journal, r);
    }
  for (guint k = len / 2; k > 0; k--)
    {
      guint a = s->tour[i], b = s->tour[j];

      s->tour[i] = b;
      s->pos[b] = i;
      s->tour[j] = a;
      s->pos[a] = j;
      i = i + 1 == n ? 0 : i + 1;
      j = j == 0 ? n - 1 : j - 1;
    }
}

/* Reverses the path from @from forward to @to, or the rest of the cycle
 * when that is shorter (the same tour, read the other way). */
static void
reverse_path (Search *s,
              guint   from,
              guint   to)
{
  guint n = s->n;
  guint i = s->pos[from], j = s->pos[to];
  guint len = (j + n - i) % n + 1;

  if (2 * len > n)
    {
      i = j + 1 == n ? 0 : j + 1;
      len = n - len;
    }
  if (len >= 2)
    reverse_positions (s, i, len);
}

/* Replaces tour edges (a,b) and (c,d) with (a,c) and (b,d), whichever
 * way the tour currently reads. */
static void
move_2opt (Search *s,
           guint   a,
           guint   b,
           guint   c,
           guint   d)
{
  if (succ (s, a) == b)
    reverse_path (s, b, c);
  else
    reverse_path (s, a, d);
}

static gboolean
improve_2opt (Search *s,
              guint   a)
{
  const Problem *p = s->p;
  guint k = n_neighbours (p, a);
  const guint *nbr = p->nbr + (gsize) a * p->k;

  for (int dir = 0; dir < 2; dir++)
    {
      guint b = dir == 0 ? succ (s, a) : pred (s, a);
      double d_ab = dist (p, a, b);

      for (guint i = 0; i < k; i++)
        {
          guint c = nbr[i], d;
          double g1 = d_ab - dist (p, a, c), gain;

          if (g1 <= EPS)
            break;
          d = dir == 0 ? succ (s, c) : pred (s, c);
          if (c == b || d == a)
            continue;
          gain = g1 + dist (p, c, d) - dist (p, b, d);
          if (gain > EPS)
            {
              move_2opt (s, a, b, c, d);
              s->len -= gain;
              push (s, a);
              push (s, b);
              push (s, c);
              push (s, d);
              return TRUE;
            }
        }
    }
  return FALSE;
}

/* Moves the segment f…l (forward order, between P and N) between the
 * adjacent u and v = succ (u), reversed (u l…f v) or not (u f…l v), as
 * two or three 2-opt moves. */
static void
apply_or_opt (Search   *s,
              guint     f,
              guint     l,
              guint     P,
              guint     N,
              guint     u,
              guint     v,
              gboolean  reversed)
{
  if (v == P)
    {
      /* Read the tour the other way so the target edge follows N. */
      guint t;

      t = f, f = l, l = t;
      t = P, P = N, N = t;
      t = u, u = v, v = t;
    }
  move_2opt (s, P, f, u, v);
  if (u != N)
    move_2opt (s, P, u, N, l);
  if (!reversed && f != l)
    move_2opt (s, u, l, f, v);
}

static inline guint
step (const Search *s,
      guint         a,
      int           dir)
{
  return dir == 0 ? succ (s, a) : pred (s, a);
}

static gboolean
improve_or_opt (Search *s,
                guint   a)
{
  const Problem *p = s->p;
  guint n = s->n;
  guint k = n_neighbours (p, a);
  const guint *nbr = p->nbr + (gsize) a * p->k;

  for (int dir = 0; dir < 2; dir++)
    {
      guint s2 = a;

      for (guint L = 1; L <= OR_OPT_MAX && L + 3 <= n; L++)
        {
          guint prev = step (s, a, !dir), next;
          double g_rem;

          if (L > 1)
            s2 = step (s, s2, dir);
          next = step (s, s2, dir);
          g_rem = dist (p, prev, a) + dist (p, s2, next) - dist (p, prev, next);
          if (g_rem <= EPS)
            continue;
          for (guint i = 0; i < k; i++)
            {
              guint c = nbr[i], off;
              double d_ac = dist (p, a, c);

              if (d_ac >= g_rem - EPS)
                break;
              off = dir == 0 ? (s->pos[c] + n - s->pos[a]) % n : (s->pos[a] + n - s->pos[c]) % n;
              if (off < L)
                continue;
              for (int side = 0; side < 2; side++)
                {
                  guint e = side == 0 ? succ (s, c) : pred (s, c);
                  double gain;

                  off = dir == 0 ? (s->pos[e] + n - s->pos[a]) % n : (s->pos[a] + n - s->pos[e]) % n;
                  if (off < L)
                    continue;
                  gain = g_rem + dist (p, c, e) - d_ac - dist (p, s2, e);
                  if (gain > EPS)
                    {
                      guint f, l, P, N, u, v;
                      gboolean reversed;

                      if (dir == 0)
                        f = a, l = s2, P = prev, N = next;
                      else
                        f = s2, l = a, P = next, N = prev;
                      if (side == 0)
                        u = c, v = e;
                      else
                        u = e, v = c;
                      /* New edges a–c and s2–e: reversed when u meets l. */
                      reversed = (u == c && l == a) || (u == e && l == s2);
                      apply_or_opt (s, f, l, P, N, u, v, reversed);
                      s->len -= gain;
                      push (s, P);
                      push (s, N);
                      push (s, f);
                      push (s, l);
                      push (s, u);
                      push (s, v);
                      return TRUE;
                    }
                }
            }
        }
    }
  return FALSE;
}

/* Undoes the reversals journaled after @mark. */
static void
rewind_to (Search *s,
           guint   mark)
{
  gboolean journaling = s->journaling;

  s->journaling = FALSE;
  for (guint r = s->journal->len; r > mark; r--)
    {
      Reversal *rev = &g_array_index (s->journal, Reversal, r - 1);

      reverse_positions (s, rev->i, rev->len);
    }
  g_array_set_size (s->journal, mark);
  s->journaling = journaling;
}

/* A Lin–Kernighan chain of 2-opt flips with t1 fixed: remove (t1,t2),
 * add (t2,t3) to a neighbour, remove (t3,t4) so the tour would close
 * with (t4,t1), and go on from t4 while the partial gain stays positive;
 * the best closed prefix is kept. The first two levels (sequential 3-opt)
 * are evaluated without touching the tour: most chains fail there, and a
 * flip costs up to n/2 swaps. Deeper levels flip for real and undo
 * through the journal. */
#define LK_DEPTH 6
#define LK_BREADTH 5

typedef struct
{
  const Search *s;
  gboolean      fwd;     /* the frame reads the tour forward */
  guint         t1;
  guint         t2;
  guint         t3;
  guint         t4;
  guint         seg;     /* frame offset of t4 from t2 */
} Frame;

static inline guint
frame_offset (const Frame *f,
              guint        x)
{
  guint n = f->s->n;

  return f->fwd ? (f->s->pos[x] + n - f->s->pos[f->t2]) % n
                : (f->s->pos[f->t2] + n - f->s->pos[x]) % n;
}

/* Neighbours of @x once t2…t4 has been reversed (t1 t4 … t2 t3). */
static inline guint
frame_prev (const Frame *f,
            guint        x)
{
  if (x == f->t4)
    return f->t1;
  if (x == f->t3)
    return f->t2;
  if (frame_offset (f, x) <= f->seg)
    return f->fwd ? succ (f->s, x) : pred (f->s, x);
  return f->fwd ? pred (f->s, x) : succ (f->s, x);
}

static inline guint
frame_next (const Frame *f,
            guint        x)
{
  if (x == f->t1)
    return f->t4;
  if (x == f->t2)
    return f->t3;
  if (frame_offset (f, x) <= f->seg)
    return f->fwd ? pred (f->s, x) : succ (f->s, x);
  return f->fwd ? succ (f->s, x) : pred (f->s, x);
}

/* Levels three and deeper, flipping for real from the tour in which
 * (t1,t2) is the edge to remove. Returns the gain of the best closed
 * prefix (the tour is left there) or 0 (the tour is as it was). */
static double
lk_deepen (Search *s,
           guint   t1,
           guint   t2,
           double  g,
           guint  *added,
           guint   n_added,
           guint  *touched,
           guint  *n_touched)
{
  const Problem *p = s->p;
  guint mark = s->journal->len, best_mark = mark, best_touched = *n_touched;
  double best_gain = EPS;

  for (guint depth = n_added / 2; depth < LK_DEPTH; depth++)
    {
      gboolean forward = succ (s, t1) == t2;
      const guint *nbr = p->nbr + (gsize) t2 * p->k;
      guint k = n_neighbours (p, t2), t3 = G_MAXUINT, t4;
      double best_value = -INFINITY;

      for (guint i = 0; i < k; i++)
        {
          guint c = nbr[i], d;
          double g1 = g - dist (p, t2, c), value;
          gboolean tabu = FALSE;

          if (g1 <= EPS)
            break;
          if (c == t1 || c == succ (s, t2) || c == pred (s, t2))
            continue;
          d = forward ? pred (s, c) : succ (s, c);
          for (guint e = 0; e < n_added && !tabu; e += 2)
            tabu = (added[e] == c && added[e + 1] == d) || (added[e] == d && added[e + 1] == c);
          if (tabu)
            continue;
          value = g1 + dist (p, c, d);
          if (value > best_value)
            {
              best_value = value;
              t3 = c;
            }
        }
      if (t3 == G_MAXUINT)
        break;
      t4 = forward ? pred (s, t3) : succ (s, t3);
      g = best_value;
      move_2opt (s, t1, t2, t4, t3);
      added[n_added++] = t2;
      added[n_added++] = t3;
      touched[(*n_touched)++] = t3;
      touched[(*n_touched)++] = t4;
      if (g - dist (p, t4, t1) > best_gain)
        {
          best_gain = g - dist (p, t4, t1);
          best_mark = s->journal->len;
          best_touched = *n_touched;
        }
      t2 = t4;
    }
  rewind_to (s, best_mark);
  *n_touched = best_touched;
  return best_mark == mark ? 0.0 : best_gain;
}

static gboolean
improve_lk (Search *s,
            guint   t1)
{
  const Problem *p = s->p;
  gboolean journaling = s->journaling;

  if (s->n < 8)
    return FALSE;

  for (int dir = 0; dir < 2; dir++)
    {
      Frame f = { s, dir == 0, t1, dir == 0 ? succ (s, t1) : pred (s, t1), 0, 0, 0 };
      const guint *nbr2 = p->nbr + (gsize) f.t2 * p->k;
      guint k2 = n_neighbours (p, f.t2), tried = 0;
      double g0 = dist (p, t1, f.t2);

      for (guint i = 0; i < k2 && tried < LK_BREADTH; i++)
        {
          const guint *nbr4;
          guint k4, close5 = G_MAXUINT, close6 = 0, deep5 = G_MAXUINT, deep6 = 0;
          double g1, best_close = EPS, best_value = -INFINITY;

          f.t3 = nbr2[i];
          g1 = g0 - dist (p, f.t2, f.t3);
          if (g1 <= EPS)
            break;
          if (f.t3 == t1 || f.t3 == succ (s, f.t2) || f.t3 == pred (s, f.t2))
            continue;
          tried++;
          f.t4 = f.fwd ? pred (s, f.t3) : succ (s, f.t3);
          f.seg = frame_offset (&f, f.t4);
          g1 += dist (p, f.t3, f.t4);

          nbr4 = p->nbr + (gsize) f.t4 * p->k;
          k4 = n_neighbours (p, f.t4);
          for (guint j = 0; j < k4; j++)
            {
              guint t5 = nbr4[j], t6;
              double g2 = g1 - dist (p, f.t4, t5), value;

              if (g2 <= EPS)
                break;
              if (t5 == t1 || t5 == frame_next (&f, f.t4))
                continue;
              t6 = frame_prev (&f, t5);
              if ((t5 == f.t2 && t6 == f.t3) || (t5 == f.t3 && t6 == f.t2))
                continue;
              value = g2 + dist (p, t5, t6);
              if (value - dist (p, t6, t1) > best_close)
                {
                  best_close = value - dist (p, t6, t1);
                  close5 = t5;
                  close6 = t6;
                }
              if (value > best_value)
                {
                  best_value = value;
                  deep5 = t5;
                  deep6 = t6;
                }
            }

          if (close5 != G_MAXUINT || (deep5 != G_MAXUINT && LK_DEPTH > 2))
            {
              guint added[2 * LK_DEPTH], touched[2 * LK_DEPTH + 4], n_touched = 0;
              guint t5 = close5 != G_MAXUINT ? close5 : deep5;
              guint t6 = close5 != G_MAXUINT ? close6 : deep6;
              guint mark;
              double gain = 0;

              s->journaling = TRUE;
              mark = s->journal->len;
              move_2opt (s, t1, f.t2, f.t4, f.t3);
              move_2opt (s, t1, f.t4, t6, t5);
              added[0] = f.t2, added[1] = f.t3, added[2] = f.t4, added[3] = t5;
              touched[n_touched++] = f.t3;
              touched[n_touched++] = f.t4;
              touched[n_touched++] = t5;
              touched[n_touched++] = t6;
              if (close5 != G_MAXUINT)
                gain = best_close;
              else
                gain = lk_deepen (s, t1, t6, best_value, added, 4, touched, &n_touched);
              if (gain > EPS)
                {
                  s->len -= gain;
                  push (s, t1);
                  push (s, f.t2);
                  for (guint t = 0; t < n_touched; t++)
                    push (s, touched[t]);
                  if (!journaling)
                    g_array_set_size (s->journal, mark);
                  s->journaling = journaling;
                  return TRUE;
                }
              rewind_to (s, mark);
              s->journaling = journaling;
            }
        }
    }
  return FALSE;
}

static void
local_search (Search *s)
{
  while (s->q_len > 0)
    {
      guint a = pop (s);

      if (improve_2opt (s, a) || improve_or_opt (s, a) || improve_lk (s, a))
        push (s, a);
    }
}

/* The double bridge: cut the cycle after three nodes into blocks X Y Z
 * and reconnect as X Z Y. Done by swapping whichever two adjacent blocks
 * are shortest, so its cost is that of the shorter blocks. */
static void
double_bridge (Search *s,
               guint   p1,
               guint   p2,
               guint   p3)
{
  const Problem *p = s->p;
  guint n = s->n;
  guint lx = p2 - p1, ly = p3 - p2, lz = n - (p3 - p1);
  guint a1 = s->tour[p1], a2 = s->tour[(p1 + 1) % n];
  guint b1 = s->tour[p2], b2 = s->tour[(p2 + 1) % n];
  guint c1 = s->tour[p3], c2 = s->tour[(p3 + 1) % n];
  guint from, first, second;

  s->len += dist (p, a1, b2) + dist (p, c1, a2) + dist (p, b1, c2)
          - dist (p, a1, a2) - dist (p, b1, b2) - dist (p, c1, c2);
  if (lx + ly <= ly + lz && lx + ly <= lz + lx)
    from = p1 + 1, first = lx, second = ly;
  else if (ly + lz <= lz + lx)
    from = p2 + 1, first = ly, second = lz;
  else
    from = p3 + 1, first = lz, second = lx;
  from %= n;
  /* F S → S^r F^r → S F. */
  reverse_positions (s, from, first + second);
  reverse_positions (s, from, second);
  reverse_positions (s, (from + second) % n, first);
  push (s, a1);
  push (s, a2);
  push (s, b1);
  push (s, b2);
  push (s, c1);
  push (s, c2);
}

static void
sort3 (guint *a,
       guint *b,
       guint *c)
{
  guint t;

  if (*a > *b)
    t = *a, *a = *b, *b = t;
  if (*b > *c)
    t = *b, *b = *c, *c = t;
  if (*a > *b)
    t = *a, *a = *b, *b = t;
}

/* Three kinds of double bridge. A quarter cut at three random places:
 * the classic kick of chained Lin–Kernighan, the one that reorders
 * whole clusters (without it clustered instances such as p654 or d1291
 * stall 2–3 % above the optimum). The rest, half and half, cut next to
 * three nodes near each other in the plane (far apart along the tour),
 * or at three nearby places of the tour (segments of up to
 * KICK_MAX_SEGMENT): cheap kicks whose repair stays local. */
#define KICK_GLOBAL_PER_MILLE 250

static void
kick (Search *s)
{
  const Problem *p = s->p;
  guint n = s->n;
  guint p1, p2, p3, choice = rng_below (&s->rng, 1000);

  if (choice < KICK_GLOBAL_PER_MILLE)
    {
      p1 = rng_below (&s->rng, n);
      p2 = rng_below (&s->rng, n);
      p3 = rng_below (&s->rng, n);
      sort3 (&p1, &p2, &p3);
      if (p1 != p2 && p2 != p3)
        {
          double_bridge (s, p1, p2, p3);
          return;
        }
    }
  else if (p->k >= 2 && choice < KICK_GLOBAL_PER_MILLE + (1000 - KICK_GLOBAL_PER_MILLE) / 2)
    {
      guint a = rng_below (&s->rng, p->n_real);
      guint b = p->nbr[(gsize) a * p->k + rng_below (&s->rng, p->k)];
      guint c = p->nbr[(gsize) (rng_next (&s->rng) & 1 ? a : b) * p->k + rng_below (&s->rng, p->k)];

      p1 = s->pos[a];
      p2 = s->pos[b];
      p3 = s->pos[c];
      sort3 (&p1, &p2, &p3);
      if (p1 != p2 && p2 != p3)
        {
          double_bridge (s, p1, p2, p3);
          return;
        }
    }
  {
    guint max_seg = MIN (KICK_MAX_SEGMENT, (n - 2) / 2);
    guint l1 = 1 + rng_below (&s->rng, max_seg);
    guint l2 = 1 + rng_below (&s->rng, max_seg);

    p1 = rng_below (&s->rng, n);
    p2 = (p1 + l1) % n;
    p3 = (p1 + l1 + l2) % n;
    /* Sorting keeps the cyclic order of the cuts, all the move needs. */
    sort3 (&p1, &p2, &p3);
    double_bridge (s, p1, p2, p3);
  }
}

static void
search_init (Search        *s,
             const Problem *p,
             const guint   *tour,
             double         len,
             guint64        seed)
{
  s->p = p;
  s->n = p->n;
  s->tour = g_memdup2 (tour, sizeof (guint) * p->n);
  s->pos = g_new (guint, p->n);
  for (guint i = 0; i < p->n; i++)
    s->pos[s->tour[i]] = i;
  s->queue = g_new (guint, p->n);
  s->queued = g_new0 (guint8, p->n);
  s->q_head = 0;
  s->q_len = 0;
  s->journal = g_array_new (FALSE, FALSE, sizeof (Reversal));
  s->journaling = FALSE;
  s->rng = seed;
  s->len = len;
}

static void
search_clear (Search *s)
{
  g_free (s->tour);
  g_free (s->pos);
  g_free (s->queue);
  g_free (s->queued);
  g_array_unref (s->journal);
}

static double
cycle_length (const Problem *p,
              const guint   *tour)
{
  double total = 0;

  for (guint i = 0; i < p->n; i++)
    total += dist (p, tour[i], tour[i + 1 == p->n ? 0 : i + 1]);
  return total;
}

typedef struct
{
  const Problem *p;
  const guint   *start;
  double         start_len;
  guint64        seed;
  guint64        max_kicks;
  gint64         deadline;     /* monotonic µs; 0 = none */
  guint         *best;         /* out */
  double         best_len;
  guint64        kicks;
  gboolean       time_limited;
} Run;

static gpointer
run_ils (gpointer data)
{
  Run *run = data;
  Search s;
  guint64 kicks;

  search_init (&s, run->p, run->start, run->start_len, run->seed);
  s.journaling = TRUE;
  run->time_limited = FALSE;
  for (kicks = 0; kicks < run->max_kicks && s.n >= 8; kicks++)
    {
      double before = s.len;

      if (run->deadline != 0 && (kicks & 63) == 0 && g_get_monotonic_time () >= run->deadline)
        {
          run->time_limited = TRUE;
          break;
        }
      g_array_set_size (s.journal, 0);
      kick (&s);
      local_search (&s);
      /* Equal is accepted: it lets the search drift across plateaus. */
      if (s.len > before + EPS)
        {
          rewind_to (&s, 0);
          s.len = before;
        }
    }
  run->kicks = kicks;
  /* Lengths drift by rounding over many deltas: recount once. */
  run->best_len = cycle_length (run->p, s.tour);
  run->best = g_steal_pointer (&s.tour);
  search_clear (&s);
  return NULL;
}

/* ------------------------------------------------------------------ */

void
storm_tour_options_init (StormTourOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->seed = 1;
  options->neighbours = DEFAULT_NEIGHBOURS;
  options->threads = 1;
}

guint64
storm_tour_default_kicks (guint n)
{
  /* Enough for the optimum of every TSPLIB instance up to a few hundred
   * nodes in this budget; larger ones are bounded by the time limit. */
  return MAX ((guint64) 1000, (guint64) n * 50);
}

double
storm_tour_distance (const StormTourInput *input,
                     guint                 i,
                     guint                 j)
{
  g_return_val_if_fail (input != NULL && i < input->n && j < input->n, NAN);

  if (input->metric == STORM_TOUR_GEO)
    {
      double lat[2] = { geo_radians (input->x[i]), geo_radians (input->x[j]) };
      double lon[2] = { geo_radians (input->y[i]), geo_radians (input->y[j]) };

      return i == j ? 0.0 : metric_distance (STORM_TOUR_GEO, NULL, NULL, lat, lon, NULL, 2, 0, 1);
    }
  return metric_distance (input->metric, input->x, input->y, NULL, NULL, input->matrix, input->n, i, j);
}

double
storm_tour_length (const StormTourInput *input,
                   const guint          *tour,
                   gboolean              open)
{
  double total = 0;

  g_return_val_if_fail (input != NULL && tour != NULL, NAN);

  for (guint i = 0; i + 1 < input->n; i++)
    total += storm_tour_distance (input, tour[i], tour[i + 1]);
  if (!open && input->n > 1)
    total += storm_tour_distance (input, tour[input->n - 1], tour[0]);
  return total;
}

gboolean
storm_tour_is_permutation (const guint *tour,
                           guint        n)
{
  g_autofree guint8 *seen = g_new0 (guint8, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      if (tour[i] >= n || seen[tour[i]])
        return FALSE;
      seen[tour[i]] = 1;
    }
  return TRUE;
}

double
storm_tour_solve (const StormTourInput   *input,
                  const StormTourOptions *options,
                  guint                  *tour,
                  StormTourStats         *stats)
{
  StormTourOptions defaults;
  StormTourStats local_stats;
  Problem p;
  Search s;
  gint64 started = g_get_monotonic_time ();
  g_autofree guint *start = NULL;
  g_autofree Run *runs = NULL;
  g_autofree GThread **threads = NULL;
  guint n_threads, best_run = 0, first = 0, out = 0;
  const guint *best;

  g_return_val_if_fail (input != NULL && tour != NULL, NAN);
  g_return_val_if_fail (input->metric == STORM_TOUR_MATRIX ? input->matrix != NULL
                                                           : (input->x != NULL && input->y != NULL), NAN);

  if (options == NULL)
    {
      storm_tour_options_init (&defaults);
      options = &defaults;
    }
  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);

  if (input->n <= 3)
    {
      for (guint i = 0; i < input->n; i++)
        tour[i] = i;
      stats->length = stats->greedy_length = stats->local_opt_length =
        input->n == 0 ? 0.0 : storm_tour_length (input, tour, options->open);
      return stats->length;
    }

  problem_init (&p, input, CLAMP (options->neighbours ? options->neighbours : DEFAULT_NEIGHBOURS, 4, MAX_NEIGHBOURS),
                options->open);
  start = g_new (guint, p.n);
  greedy_tour (&p, start);
  if (options->open)
    start[p.n - 1] = p.n_real;
  stats->greedy_length = cycle_length (&p, start);

  search_init (&s, &p, start, stats->greedy_length, options->seed);
  for (guint i = 0; i < p.n; i++)
    push (&s, s.tour[i]);
  local_search (&s);
  memcpy (start, s.tour, sizeof (guint) * p.n);
  stats->local_opt_length = cycle_length (&p, start);
  search_clear (&s);

  n_threads = CLAMP (options->threads, 1, 64);
  runs = g_new0 (Run, n_threads);
  threads = g_new0 (GThread *, n_threads);
  for (guint t = 0; t < n_threads; t++)
    {
      runs[t].p = &p;
      runs[t].start = start;
      runs[t].start_len = stats->local_opt_length;
      runs[t].seed = options->seed + t * G_GUINT64_CONSTANT (0x632BE59BD9B4E019);
      runs[t].max_kicks = options->max_kicks ? options->max_kicks : storm_tour_default_kicks (input->n);
      runs[t].deadline = options->time_limit > 0 ? started + (gint64) (options->time_limit * G_USEC_PER_SEC) : 0;
      if (t > 0)
        threads[t] = g_thread_new ("storm-tour", run_ils, &runs[t]);
    }
  run_ils (&runs[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
  for (guint t = 0; t < n_threads; t++)
    {
      stats->kicks += runs[t].kicks;
      stats->time_limited |= runs[t].time_limited;
      if (runs[t].best_len < runs[best_run].best_len)
        best_run = t;
    }
  best = runs[best_run].best;

  /* A cycle is given from node 0; a path from the node after the dummy. */
  for (guint i = 0; i < p.n; i++)
    if (best[i] == (options->open ? p.n_real : 0))
      first = options->open ? i + 1 : i;
  for (guint i = 0; i < p.n; i++)
    {
      guint node = best[(first + i) % p.n];

      if (node < p.n_real)
        tour[out++] = node;
    }
  g_assert (out == input->n);
  stats->length = runs[best_run].best_len;
  stats->seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  for (guint t = 0; t < n_threads; t++)
    g_free (runs[t].best);
  problem_clear (&p);
  return stats->length;
}

double
storm_tour_haversine_km (double lat1,
                         double lon1,
                         double lat2,
                         double lon2)
{
  double p1 = lat1 * G_PI / 180.0, p2 = lat2 * G_PI / 180.0;
  double dp = p2 - p1, dl = (lon2 - lon1) * G_PI / 180.0;
  double a = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2.0 * EARTH_RADIUS_KM * asin (MIN (1.0, sqrt (a)));
}

double
storm_tour_solve_geo (const double *lat,
                      const double *lon,
                      guint         n,
                      int           depot,
                      guint64       seed,
                      guint64       max_kicks,
                      guint        *order,
                      double       *leg_km)
{
  g_autofree double *x = NULL;
  g_autofree double *y = NULL;
  g_autofree guint *tour = NULL;
  StormTourInput input = { STORM_TOUR_EUCLIDEAN, n, NULL, NULL, NULL };
  StormTourOptions options;
  double lat0 = 0, kx, ky = EARTH_RADIUS_KM * G_PI / 180.0, total = 0;
  guint first = 0;

  g_return_val_if_fail (n == 0 || (lat != NULL && lon != NULL && order != NULL), NAN);
  g_return_val_if_fail (depot < (int) n, NAN);

  if (n == 0)
    return 0.0;
  for (guint i = 0; i < n; i++)
    lat0 += lat[i] / n;
  kx = ky * cos (lat0 * G_PI / 180.0);
  x = g_new (double, n);
  y = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      x[i] = lon[i] * kx;
      y[i] = lat[i] * ky;
    }
  input.x = x;
  input.y = y;
  storm_tour_options_init (&options);
  options.seed = seed;
  options.max_kicks = max_kicks;
  options.open = depot < 0;
  tour = g_new (guint, n);
  storm_tour_solve (&input, &options, tour, NULL);

  if (depot >= 0)
    for (guint i = 0; i < n; i++)
      if (tour[i] == (guint) depot)
        first = i;
  for (guint i = 0; i < n; i++)
    {
      double leg;

      order[i] = tour[(first + i) % n];
      leg = i == 0 ? 0.0 : storm_tour_haversine_km (lat[order[i - 1]], lon[order[i - 1]], lat[order[i]], lon[order[i]]);
      if (leg_km != NULL)
        leg_km[i] = leg;
      total += leg;
    }
  if (depot >= 0 && n > 1)
    total += storm_tour_haversine_km (lat[order[n - 1]], lon[order[n - 1]], lat[order[0]], lon[order[0]]);
  return total;
}
