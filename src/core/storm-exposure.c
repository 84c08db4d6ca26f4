#define G_LOG_DOMAIN "storm-exposure"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-error.h"
#include "storm-import-private.h"

/* Mean Earth radius (IUGG), km. */
#define EARTH_RADIUS_KM 6371.0088

/* A hail report on the unit sphere. Straight-line (chord) distance there
 * grows with great-circle distance, so a k-d tree over x, y, z finds the
 * nearest report exactly, with no special cases at the poles or the
 * antimeridian; the distance stored is the haversine one. */
typedef struct
{
  double p[3];
  double lat;
  double lon;
  double size;     /* inches, NAN when unknown */
  gint64 id;
} HailPoint;

/* The hail of one storm, indexed, and the last answer: SQL asks for the
 * three values of a property one after the other. */
struct _StormHailIndex
{
  GArray        *points;       /* HailPoint, in k-d tree order */
  double         r2;           /* the radius as a squared chord */
  gboolean       have_last;
  double         last_lat;
  double         last_lon;
  double         distance;     /* NAN: the storm has no hail */
  double         max_in;       /* NAN: no sized hail within the radius */
  gint64         nearest_id;
  gint64         done;
  gint64         total;
  StormProgress *progress;
};

static void
to_unit (double lat,
         double lon,
         double p[3])
{
  double phi = lat * G_PI / 180.0;
  double lambda = lon * G_PI / 180.0;

  p[0] = cos (phi) * cos (lambda);
  p[1] = cos (phi) * sin (lambda);
  p[2] = sin (phi);
}

static double
haversine_km (double lat1,
              double lon1,
              double lat2,
              double lon2)
{
  double dlat = (lat2 - lat1) * G_PI / 180.0;
  double dlon = (lon2 - lon1) * G_PI / 180.0;
  double a = sin (dlat / 2) * sin (dlat / 2) +
             cos (lat1 * G_PI / 180.0) * cos (lat2 * G_PI / 180.0) * sin (dlon / 2) * sin (dlon / 2);

  return 2.0 * EARTH_RADIUS_KM * asin (MIN (1.0, sqrt (a)));
}

static double
dist2 (const double a[3],
       const double b[3])
{
  double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];

  return dx * dx + dy * dy + dz * dz;
}

static int
compare_axis (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  int axis = GPOINTER_TO_INT (data);
  const HailPoint *pa = a, *pb = b;

  if (pa->p[axis] != pb->p[axis])
    return pa->p[axis] < pb->p[axis] ? -1 : 1;
  return pa->id < pb->id ? -1 : pa->id > pb->id;
}

/* An implicit k-d tree: the median of each range is its node. */
static void
build (HailPoint *points,
       guint      n,
       guint      depth)
{
  guint mid;

  if (n <= 1)
    return;
  g_qsort_with_data (points, n, sizeof *points, compare_axis, GINT_TO_POINTER (depth % 3));
  mid = n / 2;
  build (points, mid, depth + 1);
  build (points + mid + 1, n - mid - 1, depth + 1);
}

static void
nearest (const HailPoint  *points,
         guint             n,
         guint             depth,
         const double      q[3],
         double           *best_d2,
         const HailPoint **best)
{
  guint mid, axis;
  double d2, diff;

  if (n == 0)
    return;
  mid = n / 2;
  axis = depth % 3;
  d2 = dist2 (q, points[mid].p);
  /* ties go to the lower id, so the answer does not depend on order */
  if (d2 < *best_d2 || (d2 == *best_d2 && *best != NULL && points[mid].id < (*best)->id))
    {
      *best_d2 = d2;
      *best = &points[mid];
    }
  diff = q[axis] - points[mid].p[axis];
  if (diff < 0)
    {
      nearest (points, mid, depth + 1, q, best_d2, best);
      if (diff * diff <= *best_d2)
        nearest (points + mid + 1, n - mid - 1, depth + 1, q, best_d2, best);
    }
  else
    {
      nearest (points + mid + 1, n - mid - 1, depth + 1, q, best_d2, best);
      if (diff * diff <= *best_d2)
        nearest (points, mid, depth + 1, q, best_d2, best);
    }
}

static void
largest_within (const HailPoint *points,
                guint            n,
                guint            depth,
                const double     q[3],
                double           r2,
                double          *max_in)
{
  guint mid, axis;
  double diff;

  if (n == 0)
    return;
  mid = n / 2;
  axis = depth % 3;
  if (!isnan (points[mid].size) && dist2 (q, points[mid].p) <= r2 &&
      (isnan (*max_in) || points[mid].size > *max_in))
    *max_in = points[mid].size;
  diff = q[axis] - points[mid].p[axis];
  if (diff <= 0 || diff * diff <= r2)
    largest_within (points, mid, depth + 1, q, r2, max_in);
  if (diff >= 0 || diff * diff <= r2)
    largest_within (points + mid + 1, n - mid - 1, depth + 1, q, r2, max_in);
}

static GArray *
load_hail (StormDb  *db,
           gint64    storm_id,
           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (HailPoint));
  int rc;

  stmt = storm_db_prepare (db,
                           "SELECT id, lat, lon, magnitude FROM storm_reports "
                           "WHERE storm_id = ?1 AND kind = 'hail' AND lat IS NOT NULL AND lon IS NOT NULL",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HailPoint point = {
        .id = sqlite3_column_int64 (stmt, 0),
        .lat = sqlite3_column_double (stmt, 1),
        .lon = sqlite3_column_double (stmt, 2),
        .size = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 3),
      };

      to_unit (point.lat, point.lon, point.p);
      g_array_append_val (points, point);
    }
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "reading hail reports");
      return NULL;
    }
  build ((HailPoint *) (gpointer) points->data, points->len, 0);
  return g_steal_pointer (&points);
}

StormHailIndex *
_storm_hail_index_new (StormDb  *db,
                       gint64    storm_id,
                       double    radius_km,
                       GError  **error)
{
  StormHailIndex *self;
  GArray *points = load_hail (db, storm_id, error);
  double chord = 2.0 * sin (MIN (radius_km / EARTH_RADIUS_KM, G_PI) / 2.0);

  if (points == NULL)
    return NULL;
  self = g_new0 (StormHailIndex, 1);
  self->points = points;
  self->r2 = chord * chord;
  return self;
}

void
_storm_hail_index_free (StormHailIndex *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->points);
  g_free (self);
}

gboolean
_storm_hail_index_is_empty (StormHailIndex *self)
{
  return self->points->len == 0;
}

static void
search (StormHailIndex *self,
        double          lat,
        double          lon)
{
  const HailPoint *points = (const HailPoint *) (gconstpointer) self->points->data;
  const HailPoint *best = NULL;
  double best_d2 = G_MAXDOUBLE;
  double q[3];

  self->last_lat = lat;
  self->last_lon = lon;
  self->have_last = TRUE;
  self->distance = self->max_in = NAN;
  self->nearest_id = 0;
  if (self->points->len == 0)
    return;

  to_unit (lat, lon, q);
  nearest (points, self->points->len, 0, q, &best_d2, &best);
  largest_within (points, self->points->len, 0, q, self->r2, &self->max_in);
  self->distance = haversine_km (lat, lon, best->lat, best->lon);
  self->nearest_id = best->id;
  if ((++self->done & 16383) == 0)
    storm_progress_report (self->progress, self->total > 0 ? (double) self->done / self->total : 0.0,
                           _("Computing hail exposure…"));
}

static void
result_double (sqlite3_context *context,
               double           value)
{
  if (isnan (value))
    sqlite3_result_null (context);
  else
    sqlite3_result_double (context, value);
}

static void
exposure_func (sqlite3_context  *context,
               int               argc,
               sqlite3_value   **argv)
{
  StormHailIndex *self = sqlite3_user_data (context);
  double lat = sqlite3_value_double (argv[0]);
  double lon = sqlite3_value_double (argv[1]);

  if (!self->have_last || lat != self->last_lat || lon != self->last_lon)
    search (self, lat, lon);
  switch (sqlite3_value_int (argv[2]))
    {
    case 0:
      result_double (context, self->distance);
      break;
    case 1:
      result_double (context, self->max_in);
      break;
    default:
      if (self->nearest_id == 0)
        sqlite3_result_null (context);
      else
        sqlite3_result_int64 (context, self->nearest_id);
      break;
    }
}

gboolean
_storm_hail_index_register (StormDb        *db,
                            StormHailIndex *self)
{
  return sqlite3_create_function (storm_db_handle (db), "storm_hail_exposure", 3, SQLITE_UTF8, self,
                                  self != NULL ? exposure_func : NULL, NULL, NULL) == SQLITE_OK;
}

static int
cancel_cb (void *data)
{
  return g_cancellable_is_cancelled (data) ? 1 : 0;
}

/* One UPDATE over the storm's properties, the search done by a function
 * it calls: far cheaper than a statement per property. Rows whose values
 * do not change are not written. */
static gboolean
update_all (StormDb       *db,
            gint64         storm_id,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(sqlite3_stmt) update = NULL;
  gboolean ok;

  update = storm_db_prepare (db,
                             "UPDATE storm_properties AS sp SET "
                             " hail_distance_km = storm_hail_exposure (p.lat, p.lon, 0),"
                             " hail_max_in = storm_hail_exposure (p.lat, p.lon, 1),"
                             " nearest_report_id = storm_hail_exposure (p.lat, p.lon, 2) "
                             "FROM properties AS p "
                             "WHERE sp.storm_id = ?1 AND p.id = sp.property_id AND ("
                             " sp.hail_distance_km IS NOT storm_hail_exposure (p.lat, p.lon, 0) OR"
                             " sp.hail_max_in IS NOT storm_hail_exposure (p.lat, p.lon, 1) OR"
                             " sp.nearest_report_id IS NOT storm_hail_exposure (p.lat, p.lon, 2))",
                             error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_int64 (update, 1, storm_id);
  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 10000, cancel_cb, cancellable);
  ok = storm_db_step_done (db, update, error);
  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 0, NULL, NULL);
  return ok;
}

static gboolean
compute (StormDb       *db,
         gint64         storm_id,
         double         radius_km,
         GCancellable  *cancellable,
         StormProgress *progress,
         GError       **error)
{
  g_autoptr(StormHailIndex) index = NULL;
  g_autoptr(sqlite3_stmt) count = NULL;
  gboolean ok;

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_CANCELLED,
                   _("Computing hail exposure was cancelled; nothing was changed."));
      return FALSE;
    }
  index = _storm_hail_index_new (db, storm_id, radius_km, error);
  if (index == NULL)
    return FALSE;

  if (index->points->len == 0)
    {
      g_autoptr(sqlite3_stmt) clear = NULL;

      /* nothing to measure against: clear what an earlier run left */
      clear = storm_db_prepare (db,
                                "UPDATE storm_properties SET hail_distance_km = NULL, hail_max_in = NULL, "
                                "nearest_report_id = NULL WHERE storm_id = ?1 AND (hail_distance_km IS NOT NULL "
                                "OR hail_max_in IS NOT NULL OR nearest_report_id IS NOT NULL)",
                                error);
      if (clear == NULL)
        return FALSE;
      sqlite3_bind_int64 (clear, 1, storm_id);
      return storm_db_step_done (db, clear, error);
    }

  count = storm_db_prepare (db, "SELECT count (*) FROM storm_properties WHERE storm_id = ?1", error);
  if (count == NULL)
    return FALSE;
  sqlite3_bind_int64 (count, 1, storm_id);
  if (sqlite3_step (count) == SQLITE_ROW)
    index->total = sqlite3_column_int64 (count, 0);
  sqlite3_reset (count);
  index->progress = progress;

  if (!_storm_hail_index_register (db, index))
    return storm_db_fail (db, error, "computing hail exposure");
  ok = update_all (db, storm_id, cancellable, error);
  _storm_hail_index_register (db, NULL);
  if (!ok && g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (error);
      g_set_error (error, STORM_ERROR, STORM_ERROR_CANCELLED,
                   _("Computing hail exposure was cancelled; nothing was changed."));
    }
  if (ok)
    storm_progress_report (progress, 1.0, _("Hail exposure computed"));
  return ok;
}

gboolean
storm_exposure_compute (StormDb       *db,
                        gint64         storm_id,
                        double         radius_km,
                        GCancellable  *cancellable,
                        StormProgress *progress,
                        GError       **error)
{
  gboolean own;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (radius_km >= 0, FALSE);

  own = sqlite3_get_autocommit (storm_db_handle (db));
  if (own && !storm_db_begin (db, error))
    return FALSE;
  if (!compute (db, storm_id, radius_km, cancellable, progress, error))
    {
      if (own)
        storm_db_rollback (db);
      return FALSE;
    }
  if (own && !storm_db_commit (db, error))
    {
      storm_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}
