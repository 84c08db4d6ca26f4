#define G_LOG_DOMAIN "storm-routes"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storm-error.h"
#include "storm-routes.h"
#include "storm-tour.h"

#define EARTH_KM_PER_DEGREE (6371.0088 * G_PI / 180.0)

/* ------------------------------------------------------------------ */
/* Settings */

static void
settings_defaults (StormRouteSettings *settings)
{
  memset (settings, 0, sizeof *settings);
  settings->doors_cap = STORM_ROUTES_DEFAULT_DOORS_CAP;
  settings->pace_kmh = STORM_ROUTES_DEFAULT_PACE_KMH;
  settings->minutes_per_door = STORM_ROUTES_DEFAULT_MINUTES_PER_DOOR;
  settings->depot_lat = NAN;
  settings->depot_lon = NAN;
}

gboolean
storm_routes_get_settings (StormDb             *db,
                           gint64               storm_id,
                           StormRouteSettings  *settings,
                           GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && settings != NULL, FALSE);

  settings_defaults (settings);
  stmt = storm_db_prepare (db,
                           "SELECT depot_lat, depot_lon, doors_cap, pace_kmh, minutes_per_door "
                           "FROM route_settings WHERE storm_id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return storm_db_fail (db, error, "reading the route settings");
  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      settings->has_depot = TRUE;
      settings->depot_lat = sqlite3_column_double (stmt, 0);
      settings->depot_lon = sqlite3_column_double (stmt, 1);
    }
  settings->doors_cap = (guint) sqlite3_column_int64 (stmt, 2);
  settings->pace_kmh = sqlite3_column_double (stmt, 3);
  settings->minutes_per_door = sqlite3_column_double (stmt, 4);
  return TRUE;
}

static gboolean
check_depot (double    lat,
             double    lon,
             GError  **error)
{
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("The depot must have a latitude between -90 and 90 and a longitude between -180 and 180."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_pace (guint    doors_cap,
            double   pace_kmh,
            double   minutes_per_door,
            GError **error)
{
  if (doors_cap == 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("A route must be allowed at least one door."));
      return FALSE;
    }
  if (!(pace_kmh > 0 && pace_kmh < 1000))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("The pace must be a speed above 0 km/h."));
      return FALSE;
    }
  if (!(minutes_per_door >= 0 && minutes_per_door < 24 * 60))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("The minutes per door must be 0 or more."));
      return FALSE;
    }
  return TRUE;
}

gboolean
storm_routes_set_settings (StormDb                  *db,
                           gint64                    storm_id,
                           const StormRouteSettings *settings,
                           GError                  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (db != NULL && settings != NULL, FALSE);

  if (settings->has_depot && !check_depot (settings->depot_lat, settings->depot_lon, error))
    return FALSE;
  if (!check_pace (settings->doors_cap, settings->pace_kmh, settings->minutes_per_door, error))
    return FALSE;
  stmt = storm_db_prepare (db,
                           "INSERT INTO route_settings (storm_id, depot_lat, depot_lon, doors_cap, pace_kmh, minutes_per_door) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                           "ON CONFLICT (storm_id) DO UPDATE SET depot_lat = excluded.depot_lat, "
                           "  depot_lon = excluded.depot_lon, doors_cap = excluded.doors_cap, "
                           "  pace_kmh = excluded.pace_kmh, minutes_per_door = excluded.minutes_per_door",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (settings->has_depot)
    {
      sqlite3_bind_double (stmt, 2, settings->depot_lat);
      sqlite3_bind_double (stmt, 3, settings->depot_lon);
    }
  sqlite3_bind_int64 (stmt, 4, settings->doors_cap);
  sqlite3_bind_double (stmt, 5, settings->pace_kmh);
  sqlite3_bind_double (stmt, 6, settings->minutes_per_door);
  return storm_db_step_done (db, stmt, error);
}

/* ------------------------------------------------------------------ */
/* Plan parameters and result */

void
storm_route_plan_params_init (StormRoutePlanParams *params)
{
  g_return_if_fail (params != NULL);

  memset (params, 0, sizeof *params);
  params->depot_lat = NAN;
  params->depot_lon = NAN;
  params->minutes_per_door = -1;
  params->seed = 1;
  params->actor = "operator";
}

void
storm_route_plan_result_clear (StormRoutePlanResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->unassigned, g_array_unref);
  memset (result, 0, sizeof *result);
}

const char *
storm_route_unassigned_reason_to_string (StormRouteUnassignedReason reason)
{
  switch (reason)
    {
    case STORM_ROUTE_UNASSIGNED_NO_LOCATION:
      return "no_location";
    case STORM_ROUTE_UNASSIGNED_OVER_CAPACITY:
      return "over_capacity";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* ------------------------------------------------------------------ */
/* Route geometry shared by the planner and the edits */

static guint64
tour_kicks (guint n)
{
  /* Crew routes are small: a hundred kicks bring a 50-door route within
   * 0.02 % of a search 100 times longer on average (measured on random
   * instances), at a fraction of a millisecond per route. */
  return MAX (100, 2 * n);
}

/* Legs and total of doors visited in @order (indices into lat/lon), from
 * and back to the depot when there is one. */
static double
measure_legs (const double *lat,
              const double *lon,
              const guint  *order,
              guint         n,
              gboolean      has_depot,
              double        depot_lat,
              double        depot_lon,
              double       *leg_km)
{
  double total = 0;

  for (guint i = 0; i < n; i++)
    {
      double leg;

      if (i > 0)
        leg = storm_tour_haversine_km (lat[order[i - 1]], lon[order[i - 1]], lat[order[i]], lon[order[i]]);
      else
        leg = has_depot ? storm_tour_haversine_km (depot_lat, depot_lon, lat[order[0]], lon[order[0]]) : 0.0;
      leg_km[i] = leg;
      total += leg;
    }
  if (has_depot && n > 0)
    total += storm_tour_haversine_km (lat[order[n - 1]], lon[order[n - 1]], depot_lat, depot_lon);
  return total;
}

/* Orders @n doors (and the depot) with the tour code: @order receives
 * indices into lat/lon. Returns the total in km, legs in @leg_km. */
static double
order_doors (const double *lat,
             const double *lon,
             guint         n,
             gboolean      has_depot,
             double        depot_lat,
             double        depot_lon,
             guint64       seed,
             guint        *order,
             double       *leg_km)
{
  guint m = n + (has_depot ? 1 : 0);
  g_autofree double *la = g_new (double, MAX (m, 1));
  g_autofree double *lo = g_new (double, MAX (m, 1));
  g_autofree guint *tour = g_new (guint, MAX (m, 1));
  guint shift = has_depot ? 1 : 0;

  if (n == 0)
    return 0.0;
  if (has_depot)
    {
      la[0] = depot_lat;
      lo[0] = depot_lon;
    }
  memcpy (la + shift, lat, sizeof (double) * n);
  memcpy (lo + shift, lon, sizeof (double) * n);
  storm_tour_solve_geo (la, lo, m, has_depot ? 0 : -1, seed, tour_kicks (m), tour, NULL);
  for (guint i = 0; i < n; i++)
    order[i] = tour[i + shift] - shift;
  return measure_legs (lat, lon, order, n, has_depot, depot_lat, depot_lon, leg_km);
}

static double
estimate_minutes (double km,
                  guint  n_stops,
                  double pace_kmh,
                  double minutes_per_door)
{
  return km / pace_kmh * 60.0 + n_stops * minutes_per_door;
}

static guint64
route_seed (guint64 seed,
            guint   index)
{
  guint64 z = seed + (index + 1) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  return z ^ (z >> 27);
}

/* ------------------------------------------------------------------ */
/* Planner */

typedef struct
{
  gint64 id;
  double lat;
  double lon;
  double x;          /* km, equirectangular around the storm */
  double y;
  double uplift;
} Door;

static inline double
door_key (const Door *d,
          gboolean    by_x)
{
  return by_x ? d->x : d->y;
}

static inline gboolean
door_less (const Door *doors,
           guint       a,
           guint       b,
           gboolean    by_x)
{
  double ka = door_key (&doors[a], by_x), kb = door_key (&doors[b], by_x);

  /* Ties broken by the other axis, then the property id: the split is
   * then a function of the doors alone. */
  if (ka != kb)
    return ka < kb;
  ka = door_key (&doors[a], !by_x);
  kb = door_key (&doors[b], !by_x);
  if (ka != kb)
    return ka < kb;
  return doors[a].id < doors[b].id;
}

/* Reorders idx[0…n) so that its first @k are the k smallest by the
 * axis (quickselect, median-of-three pivots). */
static void
select_smallest (const Door *doors,
                 guint      *idx,
                 guint       n,
                 guint       k,
                 gboolean    by_x)
{
  guint lo = 0, hi = n;

  while (hi - lo > 1 && k > lo && k < hi)
    {
      guint a = idx[lo], b = idx[lo + (hi - lo) / 2], c = idx[hi - 1], pivot, i, j, t;

      if (door_less (doors, b, a, by_x))
        t = a, a = b, b = t;
      if (door_less (doors, c, b, by_x))
        t = b, b = c, c = t;
      if (door_less (doors, b, a, by_x))
        t = a, a = b, b = t;
      pivot = b;

      /* Three-way partition around the pivot. */
      i = lo;
      j = lo;
      t = hi;
      while (j < t)
        {
          if (door_less (doors, idx[j], pivot, by_x))
            {
              guint s = idx[i];
              idx[i++] = idx[j];
              idx[j++] = s;
            }
          else if (door_less (doors, pivot, idx[j], by_x))
            {
              guint s = idx[--t];
              idx[t] = idx[j];
              idx[j] = s;
            }
          else
            j++;
        }
      if (k <= i)
        hi = i;
      else if (k >= t)
        lo = t;
      else
        return;
    }
}

/* Doors of routes [first, first + count) when @m doors go into @k routes
 * of sizes m / k, the first m % k of them one door larger. */
static guint
doors_of_routes (guint m,
                 guint k,
                 guint first,
                 guint count)
{
  guint base = m / k, extra = m % k;
  guint last = first + count;

  return count * base + (MIN (last, extra) - MIN (first, extra));
}

/* Recursive coordinate bisection: split the doors across the wider side
 * of their bounding box, in proportion to the routes each half gets, down
 * to single routes. Gives compact, nearly square routes of equal size. */
static void
bisect (const Door *doors,
        guint      *idx,
        guint       m_total,
        guint       k_total,
        guint       first,
        guint       count)
{
  guint n, half, n_left;
  double min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY, max_y = -INFINITY;

  if (count <= 1)
    return;
  n = doors_of_routes (m_total, k_total, first, count);
  half = count / 2;
  n_left = doors_of_routes (m_total, k_total, first, half);
  for (guint i = 0; i < n; i++)
    {
      const Door *d = &doors[idx[i]];

      min_x = MIN (min_x, d->x);
      max_x = MAX (max_x, d->x);
      min_y = MIN (min_y, d->y);
      max_y = MAX (max_y, d->y);
    }
  select_smallest (doors, idx, n, n_left, max_x - min_x >= max_y - min_y);
  bisect (doors, idx, m_total, k_total, first, half);
  bisect (doors, idx + n_left, m_total, k_total, first + half, count - half);
}

typedef struct
{
  const Door   *doors;
  const guint  *idx;         /* route r: idx[start[r] … start[r + 1]) */
  const guint  *start;
  guint         n_routes;
  gboolean      has_depot;
  double        depot_lat;
  double        depot_lon;
  guint64       seed;
  GCancellable *cancellable;
  StormProgress *progress;
  gint          next;        /* atomic: next route to order */
  gint          done;        /* atomic */
  gint64       *stop_ids;    /* out, aligned with idx */
  double       *stop_legs;
  double       *route_km;
} OrderJob;

/* Orders routes until none is left; the calling thread (@report) also
 * reports progress. Each route's seed depends on its index only, so the
 * result does not depend on which thread ordered which route. */
static void
order_routes (OrderJob *job,
              gboolean  report)
{
  while (TRUE)
    {
      guint r = (guint) g_atomic_int_add (&job->next, 1);
      guint first, n;
      g_autofree double *lat = NULL;
      g_autofree double *lon = NULL;
      g_autofree guint *order = NULL;
      g_autofree double *legs = NULL;

      if (r >= job->n_routes || g_cancellable_is_cancelled (job->cancellable))
        break;
      first = job->start[r];
      n = job->start[r + 1] - first;
      lat = g_new (double, n);
      lon = g_new (double, n);
      order = g_new (guint, n);
      legs = g_new (double, n);
      for (guint i = 0; i < n; i++)
        {
          lat[i] = job->doors[job->idx[first + i]].lat;
          lon[i] = job->doors[job->idx[first + i]].lon;
        }
      job->route_km[r] = order_doors (lat, lon, n, job->has_depot, job->depot_lat, job->depot_lon,
                                      route_seed (job->seed, r), order, legs);
      for (guint i = 0; i < n; i++)
        {
          job->stop_ids[first + i] = job->doors[job->idx[first + order[i]]].id;
          job->stop_legs[first + i] = legs[i];
        }
      g_atomic_int_inc (&job->done);
      if (report && (r & 31) == 0)
        storm_progress_report (job->progress, 0.2 + 0.6 * g_atomic_int_get (&job->done) / job->n_routes,
                               _("Ordering the stops of each route"));
    }
}

static gpointer
order_worker (gpointer data)
{
  order_routes (data, FALSE);
  return NULL;
}

static int
cancel_cb (void *data)
{
  return g_cancellable_is_cancelled (data) ? 1 : 0;
}

static int
unassigned_cmp (gconstpointer a,
                gconstpointer b)
{
  const StormRouteUnassigned *ua = a, *ub = b;

  return ua->property_id < ub->property_id ? -1 : (ua->property_id > ub->property_id ? 1 : 0);
}

static int
door_value_cmp (gconstpointer a,
                gconstpointer b)
{
  const Door *da = a, *db = b;

  /* Highest uplift first (unscored last), then by id. */
  if (da->uplift != db->uplift)
    {
      if (isnan (da->uplift))
        return 1;
      if (isnan (db->uplift))
        return -1;
      return da->uplift > db->uplift ? -1 : 1;
    }
  return da->id < db->id ? -1 : (da->id > db->id ? 1 : 0);
}

static int
door_id_cmp (gconstpointer a,
             gconstpointer b)
{
  const Door *da = a, *db = b;

  return da->id < db->id ? -1 : (da->id > db->id ? 1 : 0);
}

static void
add_unassigned (StormRoutePlanResult       *result,
                gint64                      property_id,
                StormRouteUnassignedReason  reason)
{
  StormRouteUnassigned u = { property_id, reason };

  g_array_append_val (result->unassigned, u);
}

typedef struct
{
  guint     cap;
  double    pace_kmh;
  double    minutes_per_door;
  gboolean  has_depot;
  double    depot_lat;
  double    depot_lon;
} Resolved;

static gboolean
resolve_params (StormDb                    *db,
                gint64                      storm_id,
                const StormRoutePlanParams *params,
                Resolved                   *r,
                GError                    **error)
{
  StormRouteSettings settings;

  if (!storm_routes_get_settings (db, storm_id, &settings, error))
    return FALSE;
  r->cap = params->doors_cap > 0 ? params->doors_cap : settings.doors_cap;
  r->pace_kmh = params->pace_kmh > 0 ? params->pace_kmh : settings.pace_kmh;
  r->minutes_per_door = params->minutes_per_door >= 0 ? params->minutes_per_door : settings.minutes_per_door;
  r->has_depot = params->has_depot || settings.has_depot;
  r->depot_lat = params->has_depot ? params->depot_lat : settings.depot_lat;
  r->depot_lon = params->has_depot ? params->depot_lon : settings.depot_lon;
  if (r->has_depot && !check_depot (r->depot_lat, r->depot_lon, error))
    return FALSE;
  return check_pace (r->cap, r->pace_kmh, r->minutes_per_door, error);
}

/* The doors to route: treat decisions of the current execution, or with
 * none every property of the storm outside the control groups. */
static gboolean
load_doors (StormDb              *db,
            gint64                storm_id,
            GHashTable           *zips,
            GHashTable           *on_locked,
            GArray               *doors,
            StormRoutePlanResult *result,
            GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *salt = NULL;
  g_autofree char *pct = NULL;
  int rc;

  stmt = storm_db_prepare (db, "SELECT id FROM policy_executions WHERE storm_id = ?1 AND is_current = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    result->execution_id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "reading the storm's policy");
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (result->execution_id != 0)
    {
      stmt = storm_db_prepare (db,
                               "SELECT p.id, p.lat, p.lon, p.zip, d.uplift, 'eligible' "
                               "FROM policy_decisions_log d JOIN properties p ON p.id = d.property_id "
                               "WHERE d.execution_id = ?1 AND d.decision = 'treat' ORDER BY p.id",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, result->execution_id);
    }
  else
    {
      /* No policy yet: the universal control is still held out, as the
       * policy engine would (same hash, same salt), and any stored arm
       * wins. */
      result->all_properties = TRUE;
      salt = storm_db_get_setting (db, "policy_salt");
      pct = storm_db_get_setting (db, "universal_control_pct");
      if (salt == NULL)
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_DATABASE,
                       _("The database has no control-group salt; it may have been edited by hand."));
          return FALSE;
        }
      stmt = storm_db_prepare (db,
                               "SELECT p.id, p.lat, p.lon, p.zip, sp.uplift, "
                               "  coalesce (ea.arm, CASE WHEN storm_unit (?2, p.ext_id) < ?3 "
                               "                    THEN 'universal_control' ELSE 'eligible' END) "
                               "FROM storm_properties sp JOIN properties p ON p.id = sp.property_id "
                               "LEFT JOIN experiment_assignments ea ON ea.storm_id = sp.storm_id AND ea.property_id = sp.property_id "
                               "WHERE sp.storm_id = ?1 ORDER BY p.id",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, storm_id);
      sqlite3_bind_text (stmt, 2, salt, -1, SQLITE_STATIC);
      sqlite3_bind_double (stmt, 3, pct ? g_ascii_strtod (pct, NULL) : 0.05);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Door d;
      const char *arm = (const char *) sqlite3_column_text (stmt, 5);

      if (g_strcmp0 (arm, "eligible") != 0)
        {
          result->n_excluded_control++;
          continue;
        }
      if (zips != NULL)
        {
          const char *zip = (const char *) sqlite3_column_text (stmt, 3);

          if (!g_hash_table_contains (zips, zip ? zip : ""))
            continue;
        }
      d.id = sqlite3_column_int64 (stmt, 0);
      d.lat = sqlite3_column_double (stmt, 1);
      d.lon = sqlite3_column_double (stmt, 2);
      d.uplift = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 4);
      d.x = d.y = 0;
      result->n_candidates++;
      if (g_hash_table_contains (on_locked, &d.id))
        {
          result->n_on_locked++;
          continue;
        }
      /* 0, 0 is where a failed geocode lands, not a house. */
      if (d.lat == 0 && d.lon == 0)
        {
          add_unassigned (result, d.id, STORM_ROUTE_UNASSIGNED_NO_LOCATION);
          continue;
        }
      g_array_append_val (doors, d);
    }
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "reading the doors to route");
  return TRUE;
}

static gboolean
load_locked (StormDb     *db,
             gint64       storm_id,
             GHashTable  *on_locked,
             GHashTable  *locked_names,
             guint       *n_locked_routes,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) routes = NULL;
  g_autoptr(sqlite3_stmt) stops = NULL;
  int rc;

  routes = storm_db_prepare (db, "SELECT name FROM routes WHERE storm_id = ?1 AND is_current = 1 AND locked = 1", error);
  if (routes == NULL)
    return FALSE;
  sqlite3_bind_int64 (routes, 1, storm_id);
  *n_locked_routes = 0;
  while ((rc = sqlite3_step (routes)) == SQLITE_ROW)
    {
      g_hash_table_add (locked_names, g_strdup ((const char *) sqlite3_column_text (routes, 0)));
      (*n_locked_routes)++;
    }
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "reading the locked routes");

  stops = storm_db_prepare (db,
                            "SELECT s.property_id FROM route_stops s JOIN routes r ON r.id = s.route_id "
                            "WHERE r.storm_id = ?1 AND r.is_current = 1 AND r.locked = 1",
                            error);
  if (stops == NULL)
    return FALSE;
  sqlite3_bind_int64 (stops, 1, storm_id);
  while ((rc = sqlite3_step (stops)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stops, 0);
      g_hash_table_add (on_locked, id);
    }
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "reading the locked routes");
  return TRUE;
}

static char *
join_zips (const char * const *zips)
{
  if (zips == NULL)
    return NULL;
  return g_strjoinv (",", (char **) zips);
}

static gboolean
plan_in_transaction (StormDb                    *db,
                     gint64                      storm_id,
                     const StormRoutePlanParams *params,
                     StormRoutePlanResult       *result,
                     GCancellable               *cancellable,
                     StormProgress              *progress,
                     GError                    **error)
{
  g_autoptr(GHashTable) zips = NULL;
  g_autoptr(GHashTable) on_locked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) locked_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) door_array = g_array_new (FALSE, FALSE, sizeof (Door));
  g_autofree guint *idx = NULL;
  g_autofree guint *start = NULL;
  g_autofree gint64 *stop_ids = NULL;
  g_autofree double *stop_legs = NULL;
  g_autofree double *route_km = NULL;
  g_autofree char *zip_text = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) insert_route = NULL;
  g_autoptr(sqlite3_stmt) insert_stop = NULL;
  g_autoptr(sqlite3_stmt) insert_unassigned = NULL;
  Resolved r;
  Door *doors;
  guint m, k, next_name = 1;
  double lat0 = 0, kx;

  stmt = storm_db_prepare (db, "SELECT 1 FROM storms WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, storm_id);

      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("Storm %s does not exist."), id_text);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!resolve_params (db, storm_id, params, &r, error))
    return FALSE;
  if (params->zips != NULL)
    {
      zips = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; params->zips[i] != NULL; i++)
        g_hash_table_add (zips, (gpointer) params->zips[i]);
    }

  storm_progress_report (progress, 0.02, _("Reading the doors to route"));
  if (!load_locked (db, storm_id, on_locked, locked_names, &result->n_locked_routes, error) ||
      !load_doors (db, storm_id, zips, on_locked, door_array, result, error))
    return FALSE;

  /* More doors than the crews can knock: the most valuable go first. */
  if (params->n_crews > 0 && door_array->len > (guint64) params->n_crews * r.cap)
    {
      guint keep = params->n_crews * r.cap;

      g_array_sort (door_array, door_value_cmp);
      for (guint i = keep; i < door_array->len; i++)
        add_unassigned (result, g_array_index (door_array, Door, i).id, STORM_ROUTE_UNASSIGNED_OVER_CAPACITY);
      g_array_set_size (door_array, keep);
      g_array_sort (door_array, door_id_cmp);
    }
  g_array_sort (result->unassigned, unassigned_cmp);

  doors = (Door *) (void *) door_array->data;
  m = door_array->len;
  if (params->n_crews > 0)
    k = MIN (params->n_crews, m);
  else
    k = (m + r.cap - 1) / r.cap;

  /* Kilometres on a plane tangent to the storm. */
  for (guint i = 0; i < m; i++)
    lat0 += doors[i].lat / m;
  kx = EARTH_KM_PER_DEGREE * cos (lat0 * G_PI / 180.0);
  for (guint i = 0; i < m; i++)
    {
      doors[i].x = doors[i].lon * kx;
      doors[i].y = doors[i].lat * EARTH_KM_PER_DEGREE;
    }

  storm_progress_report (progress, 0.1, _("Grouping doors into routes"));
  idx = g_new (guint, MAX (m, 1));
  for (guint i = 0; i < m; i++)
    idx[i] = i;
  start = g_new (guint, k + 1);
  start[0] = 0;
  for (guint i = 0; i < k; i++)
    start[i + 1] = start[i] + doors_of_routes (m, k, i, 1);
  g_assert (k == 0 || start[k] == m);
  if (k > 0)
    bisect (doors, idx, m, k, 0, k);
  for (guint i = 0; i < k; i++)
    g_assert (start[i + 1] - start[i] <= r.cap);

  stop_ids = g_new (gint64, MAX (m, 1));
  stop_legs = g_new (double, MAX (m, 1));
  route_km = g_new0 (double, MAX (k, 1));
  {
    OrderJob job = {
      .doors = doors, .idx = idx, .start = start, .n_routes = k,
      .has_depot = r.has_depot, .depot_lat = r.depot_lat, .depot_lon = r.depot_lon,
      .seed = params->seed, .cancellable = cancellable, .progress = progress,
      .next = 0, .done = 0,
      .stop_ids = stop_ids, .stop_legs = stop_legs, .route_km = route_km,
    };
    guint n_threads = params->threads > 0 ? params->threads : g_get_num_processors ();
    g_autoptr(GPtrArray) threads = g_ptr_array_new ();

    n_threads = CLAMP (n_threads, 1, MAX (1, MIN (k, 64)));
    for (guint t = 1; t < n_threads; t++)
      g_ptr_array_add (threads, g_thread_new ("storm-routes", order_worker, &job));
    order_routes (&job, TRUE);
    for (guint t = 0; t < threads->len; t++)
      g_thread_join (threads->pdata[t]);
  }
  if (g_cancellable_is_cancelled (cancellable))
    return FALSE;

  storm_progress_report (progress, 0.85, _("Saving the routes"));
  stmt = storm_db_prepare (db,
                           "UPDATE routes SET is_current = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                           "WHERE storm_id = ?1 AND is_current = 1 AND locked = 0",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (!storm_db_step_done (db, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < k; i++)
    result->total_km += route_km[i];
  result->n_routed = m;
  result->n_routes = k;

  zip_text = join_zips (params->zips);
  stmt = storm_db_prepare (db,
                           "INSERT INTO route_plans (storm_id, execution_id, all_properties, actor, doors_cap, n_crews, zips, "
                           "  depot_lat, depot_lon, pace_kmh, minutes_per_door, seed, n_candidates, n_on_locked, n_routed, "
                           "  n_unassigned, n_routes, n_locked_routes, total_km) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  if (result->execution_id != 0)
    sqlite3_bind_int64 (stmt, 2, result->execution_id);
  sqlite3_bind_int (stmt, 3, result->all_properties ? 1 : 0);
  sqlite3_bind_text (stmt, 4, params->actor ? params->actor : "operator", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, r.cap);
  if (params->n_crews > 0)
    sqlite3_bind_int64 (stmt, 6, params->n_crews);
  sqlite3_bind_text (stmt, 7, zip_text, -1, SQLITE_STATIC);
  if (r.has_depot)
    {
      sqlite3_bind_double (stmt, 8, r.depot_lat);
      sqlite3_bind_double (stmt, 9, r.depot_lon);
    }
  sqlite3_bind_double (stmt, 10, r.pace_kmh);
  sqlite3_bind_double (stmt, 11, r.minutes_per_door);
  /* SQLite integers are signed; the seed's bits are kept as they are. */
  sqlite3_bind_int64 (stmt, 12, (gint64) params->seed);
  sqlite3_bind_int64 (stmt, 13, result->n_candidates);
  sqlite3_bind_int64 (stmt, 14, result->n_on_locked);
  sqlite3_bind_int64 (stmt, 15, result->n_routed);
  sqlite3_bind_int64 (stmt, 16, result->unassigned->len);
  sqlite3_bind_int64 (stmt, 17, result->n_routes);
  sqlite3_bind_int64 (stmt, 18, result->n_locked_routes);
  sqlite3_bind_double (stmt, 19, result->total_km);
  if (!storm_db_step_done (db, stmt, error))
    return FALSE;
  result->plan_id = sqlite3_last_insert_rowid (storm_db_handle (db));

  insert_route = storm_db_prepare (db,
                                   "INSERT INTO routes (storm_id, plan_id, execution_id, name, doors_cap, total_km, "
                                   "  est_minutes, pace_kmh, minutes_per_door, depot_lat, depot_lon) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                                   error);
  insert_stop = storm_db_prepare (db,
                                  "INSERT INTO route_stops (route_id, seq, property_id, leg_km) VALUES (?1, ?2, ?3, ?4)",
                                  error);
  insert_unassigned = storm_db_prepare (db,
                                        "INSERT INTO route_unassigned (plan_id, property_id, reason) VALUES (?1, ?2, ?3)",
                                        error);
  if (insert_route == NULL || insert_stop == NULL || insert_unassigned == NULL)
    return FALSE;

  for (guint i = 0; i < k; i++)
    {
      g_autofree char *name = NULL;
      guint n = start[i + 1] - start[i];
      gint64 route_id;

      do
        {
          g_free (name);
          name = g_strdup_printf (_("Route %u"), next_name++);
        }
      while (g_hash_table_contains (locked_names, name));

      sqlite3_bind_int64 (insert_route, 1, storm_id);
      sqlite3_bind_int64 (insert_route, 2, result->plan_id);
      if (result->execution_id != 0)
        sqlite3_bind_int64 (insert_route, 3, result->execution_id);
      else
        sqlite3_bind_null (insert_route, 3);
      sqlite3_bind_text (insert_route, 4, name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert_route, 5, r.cap);
      sqlite3_bind_double (insert_route, 6, route_km[i]);
      sqlite3_bind_double (insert_route, 7, estimate_minutes (route_km[i], n, r.pace_kmh, r.minutes_per_door));
      sqlite3_bind_double (insert_route, 8, r.pace_kmh);
      sqlite3_bind_double (insert_route, 9, r.minutes_per_door);
      if (r.has_depot)
        {
          sqlite3_bind_double (insert_route, 10, r.depot_lat);
          sqlite3_bind_double (insert_route, 11, r.depot_lon);
        }
      else
        {
          sqlite3_bind_null (insert_route, 10);
          sqlite3_bind_null (insert_route, 11);
        }
      if (!storm_db_step_done (db, insert_route, error))
        return FALSE;
      route_id = sqlite3_last_insert_rowid (storm_db_handle (db));

      for (guint s = 0; s < n; s++)
        {
          sqlite3_bind_int64 (insert_stop, 1, route_id);
          sqlite3_bind_int64 (insert_stop, 2, s + 1);
          sqlite3_bind_int64 (insert_stop, 3, stop_ids[start[i] + s]);
          sqlite3_bind_double (insert_stop, 4, stop_legs[start[i] + s]);
          if (!storm_db_step_done (db, insert_stop, error))
            return FALSE;
        }
    }

  for (guint i = 0; i < result->unassigned->len; i++)
    {
      const StormRouteUnassigned *u = &g_array_index (result->unassigned, StormRouteUnassigned, i);

      sqlite3_bind_int64 (insert_unassigned, 1, result->plan_id);
      sqlite3_bind_int64 (insert_unassigned, 2, u->property_id);
      sqlite3_bind_text (insert_unassigned, 3, storm_route_unassigned_reason_to_string (u->reason), -1, SQLITE_STATIC);
      if (!storm_db_step_done (db, insert_unassigned, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
storm_routes_plan (StormDb                    *db,
                   gint64                      storm_id,
                   const StormRoutePlanParams *params,
                   StormRoutePlanResult       *result,
                   GCancellable               *cancellable,
                   StormProgress              *progress,
                   GError                    **error)
{
  StormRoutePlanParams defaults;
  g_auto(StormRoutePlanResult) local = { 0 };
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  gint64 started = g_get_monotonic_time ();
  const char *actor;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);

  if (params == NULL)
    {
      storm_route_plan_params_init (&defaults);
      params = &defaults;
    }
  if (result == NULL)
    result = &local;
  storm_route_plan_result_clear (result);
  result->unassigned = g_array_new (FALSE, FALSE, sizeof (StormRouteUnassigned));
  actor = params->actor ? params->actor : "operator";
  subject = g_strdup_printf ("storm:%" G_GINT64_FORMAT, storm_id);

  if (!storm_db_begin (db, error))
    return FALSE;
  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 100000, cancel_cb, cancellable);
  ok = plan_in_transaction (db, storm_id, params, result, cancellable, progress, error);
  if (cancellable != NULL)
    sqlite3_progress_handler (storm_db_handle (db), 0, NULL, NULL);

  if (ok && !g_cancellable_is_cancelled (cancellable))
    {
      detail = g_strdup_printf ("plan %" G_GINT64_FORMAT ": %u routes, %" G_GINT64_FORMAT " doors routed, "
                                "%u unassigned, %u locked routes kept, %.1f km%s",
                                result->plan_id, result->n_routes, result->n_routed, result->unassigned->len,
                                result->n_locked_routes, result->total_km,
                                result->all_properties ? "; no policy applied: all properties but the universal control" : "");
      ok = storm_db_log_event (db, actor, "routes-plan", subject, "ok",
                               (g_get_monotonic_time () - started) / 1000, detail, error) &&
           storm_db_commit (db, error);
      if (ok)
        {
          storm_progress_report (progress, 1.0, _("Routes planned"));
          return TRUE;
        }
    }

  storm_db_rollback (db);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (error);
      g_set_error (error, STORM_ERROR, STORM_ERROR_CANCELLED, _("Planning the routes was cancelled; nothing was changed."));
    }
  storm_db_log_event (db, actor, "routes-plan", subject,
                      g_cancellable_is_cancelled (cancellable) ? "cancelled" : "failed",
                      (g_get_monotonic_time () - started) / 1000,
                      error && *error ? (*error)->message : NULL, NULL);
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Reading routes */

void
storm_route_free (StormRoute *route)
{
  if (route == NULL)
    return;
  g_free (route->name);
  g_free (route->crew);
  g_free (route->crew_language);
  g_free (route->created_at);
  g_free (route);
}

void
storm_route_stop_free (StormRouteStop *stop)
{
  if (stop == NULL)
    return;
  g_free (stop->ext_id);
  g_free (stop->address);
  g_free (stop->city);
  g_free (stop->zip);
  g_free (stop);
}

#define ROUTE_COLUMNS \
  "r.id, r.storm_id, r.plan_id, r.execution_id, r.name, r.crew, r.crew_language, r.created_at, " \
  "r.doors_cap, (SELECT count (*) FROM route_stops s WHERE s.route_id = r.id), r.total_km, r.est_minutes, " \
  "r.pace_kmh, r.minutes_per_door, r.depot_lat, r.depot_lon, r.locked, r.is_current"

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static StormRoute *
route_from_row (sqlite3_stmt *stmt)
{
  StormRoute *route = g_new0 (StormRoute, 1);

  route->id = sqlite3_column_int64 (stmt, 0);
  route->storm_id = sqlite3_column_int64 (stmt, 1);
  route->plan_id = sqlite3_column_int64 (stmt, 2);
  route->execution_id = sqlite3_column_int64 (stmt, 3);
  route->name = dup_column (stmt, 4);
  route->crew = dup_column (stmt, 5);
  route->crew_language = dup_column (stmt, 6);
  route->created_at = dup_column (stmt, 7);
  route->doors_cap = (guint) sqlite3_column_int64 (stmt, 8);
  route->n_stops = (guint) sqlite3_column_int64 (stmt, 9);
  route->total_km = sqlite3_column_double (stmt, 10);
  route->est_minutes = sqlite3_column_double (stmt, 11);
  route->pace_kmh = sqlite3_column_double (stmt, 12);
  route->minutes_per_door = sqlite3_column_double (stmt, 13);
  route->has_depot = sqlite3_column_type (stmt, 14) != SQLITE_NULL;
  route->depot_lat = route->has_depot ? sqlite3_column_double (stmt, 14) : NAN;
  route->depot_lon = route->has_depot ? sqlite3_column_double (stmt, 15) : NAN;
  route->locked = sqlite3_column_int (stmt, 16) != 0;
  route->is_current = sqlite3_column_int (stmt, 17) != 0;
  return route;
}

GPtrArray *
storm_routes_list (StormDb   *db,
                   gint64     storm_id,
                   gboolean   include_history,
                   GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_route_free);
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  stmt = storm_db_prepare (db,
                           "SELECT " ROUTE_COLUMNS " FROM routes r "
                           "WHERE r.storm_id = ?1 AND (r.is_current = 1 OR ?2) "
                           "ORDER BY r.is_current DESC, r.id",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int (stmt, 2, include_history ? 1 : 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (routes, route_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "reading the routes");
      return NULL;
    }
  return g_steal_pointer (&routes);
}

StormRoute *
storm_routes_get (StormDb  *db,
                  gint64    route_id,
                  GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  stmt = storm_db_prepare (db, "SELECT " ROUTE_COLUMNS " FROM routes r WHERE r.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, route_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return route_from_row (stmt);
  if (rc == SQLITE_DONE)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, route_id);

      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("Route %s does not exist."), id_text);
    }
  else
    storm_db_fail (db, error, "reading a route");
  return NULL;
}

GPtrArray *
storm_routes_get_stops (StormDb  *db,
                        gint64    route_id,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) stops = g_ptr_array_new_with_free_func ((GDestroyNotify) storm_route_stop_free);
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  stmt = storm_db_prepare (db,
                           "SELECT s.seq, s.property_id, p.ext_id, p.address, p.city, p.zip, p.lat, p.lon, s.leg_km "
                           "FROM route_stops s JOIN properties p ON p.id = s.property_id "
                           "WHERE s.route_id = ?1 ORDER BY s.seq",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, route_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StormRouteStop *stop = g_new0 (StormRouteStop, 1);

      stop->seq = (guint) sqlite3_column_int64 (stmt, 0);
      stop->property_id = sqlite3_column_int64 (stmt, 1);
      stop->ext_id = dup_column (stmt, 2);
      stop->address = dup_column (stmt, 3);
      stop->city = dup_column (stmt, 4);
      stop->zip = dup_column (stmt, 5);
      stop->lat = sqlite3_column_double (stmt, 6);
      stop->lon = sqlite3_column_double (stmt, 7);
      stop->leg_km = sqlite3_column_double (stmt, 8);
      g_ptr_array_add (stops, stop);
    }
  if (rc != SQLITE_DONE)
    {
      storm_db_fail (db, error, "reading the stops of a route");
      return NULL;
    }
  return g_steal_pointer (&stops);
}

gint64
storm_routes_find_stop (StormDb  *db,
                        gint64    storm_id,
                        gint64    property_id,
                        guint    *seq,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, 0);

  stmt = storm_db_prepare (db,
                           "SELECT s.route_id, s.seq FROM route_stops s JOIN routes r ON r.id = s.route_id "
                           "WHERE s.property_id = ?2 AND r.storm_id = ?1 AND r.is_current = 1",
                           error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (seq != NULL)
        *seq = (guint) sqlite3_column_int64 (stmt, 1);
      return sqlite3_column_int64 (stmt, 0);
    }
  if (rc != SQLITE_DONE)
    storm_db_fail (db, error, "finding a stop");
  return 0;
}

/* ------------------------------------------------------------------ */
/* Manual edits */

typedef struct
{
  StormRoute *route;
  GArray     *ids;     /* gint64 property ids, in visiting order */
  GArray     *lat;     /* double */
  GArray     *lon;
} Editable;

static void
editable_clear (Editable *e)
{
  g_clear_pointer (&e->route, storm_route_free);
  g_clear_pointer (&e->ids, g_array_unref);
  g_clear_pointer (&e->lat, g_array_unref);
  g_clear_pointer (&e->lon, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Editable, editable_clear)

/* Loads a route for a change of its stops: it must be current and
 * unlocked. */
static gboolean
load_editable (StormDb   *db,
               gint64     route_id,
               gboolean   stops_change,
               Editable  *e,
               GError   **error)
{
  g_autoptr(GPtrArray) stops = NULL;

  e->route = storm_routes_get (db, route_id, error);
  if (e->route == NULL)
    return FALSE;
  if (!e->route->is_current)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED,
                   _("“%s” belongs to an earlier plan; only the current routes can be changed."), e->route->name);
      return FALSE;
    }
  if (stops_change && e->route->locked)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED,
                   _("“%s” is locked. Unlock it to change its stops."), e->route->name);
      return FALSE;
    }
  stops = storm_routes_get_stops (db, route_id, error);
  if (stops == NULL)
    return FALSE;
  e->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), stops->len + 1);
  e->lat = g_array_sized_new (FALSE, FALSE, sizeof (double), stops->len + 1);
  e->lon = g_array_sized_new (FALSE, FALSE, sizeof (double), stops->len + 1);
  for (guint i = 0; i < stops->len; i++)
    {
      StormRouteStop *stop = stops->pdata[i];

      g_array_append_val (e->ids, stop->property_id);
      g_array_append_val (e->lat, stop->lat);
      g_array_append_val (e->lon, stop->lon);
    }
  return TRUE;
}

/* Writes the stops of @e in their array order with fresh legs, distance
 * and time. */
static gboolean
save_editable (StormDb   *db,
               Editable  *e,
               GError   **error)
{
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  guint n = e->ids->len;
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  g_autofree double *legs = g_new (double, MAX (n, 1));
  double km;

  for (guint i = 0; i < n; i++)
    order[i] = i;
  km = measure_legs ((double *) (void *) e->lat->data, (double *) (void *) e->lon->data, order, n,
                     e->route->has_depot, e->route->depot_lat, e->route->depot_lon, legs);

  clear = storm_db_prepare (db, "DELETE FROM route_stops WHERE route_id = ?1", error);
  insert = storm_db_prepare (db, "INSERT INTO route_stops (route_id, seq, property_id, leg_km) VALUES (?1, ?2, ?3, ?4)", error);
  update = storm_db_prepare (db,
                             "UPDATE routes SET total_km = ?2, est_minutes = ?3, "
                             "  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                             error);
  if (clear == NULL || insert == NULL || update == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, e->route->id);
  if (!storm_db_step_done (db, clear, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_bind_int64 (insert, 1, e->route->id);
      sqlite3_bind_int64 (insert, 2, i + 1);
      sqlite3_bind_int64 (insert, 3, g_array_index (e->ids, gint64, i));
      sqlite3_bind_double (insert, 4, legs[i]);
      if (!storm_db_step_done (db, insert, error))
        return FALSE;
    }
  sqlite3_bind_int64 (update, 1, e->route->id);
  sqlite3_bind_double (update, 2, km);
  sqlite3_bind_double (update, 3, estimate_minutes (km, n, e->route->pace_kmh, e->route->minutes_per_door));
  return storm_db_step_done (db, update, error);
}

static void
editable_move (Editable *e,
               guint     from,
               guint     to)
{
  gint64 id = g_array_index (e->ids, gint64, from);
  double lat = g_array_index (e->lat, double, from);
  double lon = g_array_index (e->lon, double, from);

  g_array_remove_index (e->ids, from);
  g_array_remove_index (e->lat, from);
  g_array_remove_index (e->lon, from);
  g_array_insert_val (e->ids, to, id);
  g_array_insert_val (e->lat, to, lat);
  g_array_insert_val (e->lon, to, lon);
}

/* Index at which a door at (lat, lon) adds the least distance. */
static guint
cheapest_insertion (const Editable *e,
                    double          lat,
                    double          lon)
{
  const StormRoute *r = e->route;
  guint n = e->ids->len, best = n;
  double best_cost = INFINITY;

  for (guint i = 0; i <= n; i++)
    {
      gboolean has_prev = i > 0 || r->has_depot, has_next = i < n || r->has_depot;
      double plat = i > 0 ? g_array_index (e->lat, double, i - 1) : r->depot_lat;
      double plon = i > 0 ? g_array_index (e->lon, double, i - 1) : r->depot_lon;
      double nlat = i < n ? g_array_index (e->lat, double, i) : r->depot_lat;
      double nlon = i < n ? g_array_index (e->lon, double, i) : r->depot_lon;
      double cost = 0;

      if (has_prev)
        cost += storm_tour_haversine_km (plat, plon, lat, lon);
      if (has_next)
        cost += storm_tour_haversine_km (lat, lon, nlat, nlon);
      if (has_prev && has_next && n > 0)
        cost -= storm_tour_haversine_km (plat, plon, nlat, nlon);
      if (cost < best_cost)
        {
          best_cost = cost;
          best = i;
        }
    }
  return best;
}

static gboolean
check_seq (const Editable *e,
           guint           seq,
           guint           last,
           GError        **error)
{
  if (seq < 1 || seq > last)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("“%s” has no stop %u (it has %u)."), e->route->name, seq, e->ids->len);
      return FALSE;
    }
  return TRUE;
}

typedef gboolean (*EditFunc) (StormDb   *db,
                              gpointer   data,
                              char     **detail,
                              GError   **error);

/* Runs @func in a transaction and logs it as @action on @route_id. */
static gboolean
run_edit (StormDb     *db,
          const char  *action,
          gint64       route_id,
          EditFunc     func,
          gpointer     data,
          GError     **error)
{
  g_autofree char *subject = g_strdup_printf ("route:%" G_GINT64_FORMAT, route_id);
  g_autofree char *detail = NULL;
  gint64 started = g_get_monotonic_time ();

  if (!storm_db_begin (db, error))
    return FALSE;
  if (func (db, data, &detail, error) &&
      storm_db_log_event (db, "operator", action, subject, "ok",
                          (g_get_monotonic_time () - started) / 1000, detail, error) &&
      storm_db_commit (db, error))
    return TRUE;
  storm_db_rollback (db);
  return FALSE;
}

typedef struct
{
  gint64 route_id;
  guint  seq;
  gint64 target_route_id;
  guint  target_seq;
} MoveArgs;

static gboolean
move_stop_edit (StormDb   *db,
                gpointer   data,
                char     **detail,
                GError   **error)
{
  MoveArgs *args = data;
  g_auto(Editable) src = { 0 };
  g_auto(Editable) dst = { 0 };
  gint64 id;
  double lat, lon;
  guint at;

  if (!load_editable (db, args->route_id, TRUE, &src, error) ||
      !check_seq (&src, args->seq, src.ids->len, error) ||
      !load_editable (db, args->target_route_id, TRUE, &dst, error))
    return FALSE;
  if (dst.route->storm_id != src.route->storm_id)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED,
                   _("“%s” belongs to another storm; stops move only between routes of the same storm."),
                   dst.route->name);
      return FALSE;
    }
  if (dst.ids->len >= dst.route->doors_cap)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED,
                   _("“%s” is full (%u of %u doors). Move a door out of it first, or choose another route."),
                   dst.route->name, dst.ids->len, dst.route->doors_cap);
      return FALSE;
    }
  if (args->target_seq != 0 && !check_seq (&dst, args->target_seq, dst.ids->len + 1, error))
    return FALSE;

  id = g_array_index (src.ids, gint64, args->seq - 1);
  lat = g_array_index (src.lat, double, args->seq - 1);
  lon = g_array_index (src.lon, double, args->seq - 1);
  g_array_remove_index (src.ids, args->seq - 1);
  g_array_remove_index (src.lat, args->seq - 1);
  g_array_remove_index (src.lon, args->seq - 1);
  at = args->target_seq != 0 ? args->target_seq - 1 : cheapest_insertion (&dst, lat, lon);
  g_array_insert_val (dst.ids, at, id);
  g_array_insert_val (dst.lat, at, lat);
  g_array_insert_val (dst.lon, at, lon);

  /* The source first: the door must leave before it can arrive. */
  if (!save_editable (db, &src, error) || !save_editable (db, &dst, error))
    return FALSE;
  *detail = g_strdup_printf ("property %" G_GINT64_FORMAT " from route %" G_GINT64_FORMAT " stop %u to route %"
                             G_GINT64_FORMAT " stop %u", id, args->route_id, args->seq, args->target_route_id, at + 1);
  return TRUE;
}

typedef struct
{
  gint64 route_id;
  guint  from;
  guint  to;
} ReorderArgs;

static gboolean
reorder_edit (StormDb   *db,
              gpointer   data,
              char     **detail,
              GError   **error)
{
  ReorderArgs *args = data;
  g_auto(Editable) e = { 0 };

  if (!load_editable (db, args->route_id, TRUE, &e, error) ||
      !check_seq (&e, args->from, e.ids->len, error) ||
      !check_seq (&e, args->to, e.ids->len, error))
    return FALSE;
  editable_move (&e, args->from - 1, args->to - 1);
  if (!save_editable (db, &e, error))
    return FALSE;
  *detail = g_strdup_printf ("stop %u to %u", args->from, args->to);
  return TRUE;
}

gboolean
storm_routes_move_stop (StormDb  *db,
                        gint64    route_id,
                        guint     seq,
                        gint64    target_route_id,
                        guint     target_seq,
                        GError  **error)
{
  MoveArgs args = { route_id, seq, target_route_id, target_seq };

  g_return_val_if_fail (db != NULL, FALSE);

  if (target_route_id == route_id)
    {
      if (target_seq == 0)
        return TRUE;
      return storm_routes_reorder (db, route_id, seq, target_seq, error);
    }
  return run_edit (db, "route-move-stop", route_id, move_stop_edit, &args, error);
}

gboolean
storm_routes_reorder (StormDb  *db,
                      gint64    route_id,
                      guint     from_seq,
                      guint     to_seq,
                      GError  **error)
{
  ReorderArgs args = { route_id, from_seq, to_seq };

  g_return_val_if_fail (db != NULL, FALSE);

  return run_edit (db, "route-reorder", route_id, reorder_edit, &args, error);
}

typedef struct
{
  gint64  route_id;
  guint64 seed;
} OptimizeArgs;

static gboolean
optimize_edit (StormDb   *db,
               gpointer   data,
               char     **detail,
               GError   **error)
{
  OptimizeArgs *args = data;
  g_auto(Editable) e = { 0 };
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) lat = NULL;
  g_autoptr(GArray) lon = NULL;
  g_autofree guint *order = NULL;
  g_autofree double *legs = NULL;
  double before, after;
  guint n;

  if (!load_editable (db, args->route_id, TRUE, &e, error))
    return FALSE;
  n = e.ids->len;
  before = e.route->total_km;
  order = g_new (guint, MAX (n, 1));
  legs = g_new (double, MAX (n, 1));
  after = order_doors ((double *) (void *) e.lat->data, (double *) (void *) e.lon->data, n,
                       e.route->has_depot, e.route->depot_lat, e.route->depot_lon, args->seed, order, legs);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  lat = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  lon = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  for (guint i = 0; i < n; i++)
    {
      g_array_append_val (ids, g_array_index (e.ids, gint64, order[i]));
      g_array_append_val (lat, g_array_index (e.lat, double, order[i]));
      g_array_append_val (lon, g_array_index (e.lon, double, order[i]));
    }
  g_array_unref (e.ids);
  g_array_unref (e.lat);
  g_array_unref (e.lon);
  e.ids = g_steal_pointer (&ids);
  e.lat = g_steal_pointer (&lat);
  e.lon = g_steal_pointer (&lon);
  if (!save_editable (db, &e, error))
    return FALSE;
  *detail = g_strdup_printf ("%.2f km to %.2f km", before, after);
  return TRUE;
}

gboolean
storm_routes_optimize (StormDb  *db,
                       gint64    route_id,
                       guint64   seed,
                       GError  **error)
{
  OptimizeArgs args = { route_id, seed };

  g_return_val_if_fail (db != NULL, FALSE);

  return run_edit (db, "route-optimize", route_id, optimize_edit, &args, error);
}

typedef struct
{
  gint64      route_id;
  const char *sql;
  const char *text;       /* bound as ?2 when set */
  const char *text2;      /* bound as ?3 when set */
  gint        flag;       /* bound as ?2 when text is NULL */
  const char *what;
} UpdateArgs;

static gboolean
update_edit (StormDb   *db,
             gpointer   data,
             char     **detail,
             GError   **error)
{
  UpdateArgs *args = data;
  g_autoptr(StormRoute) route = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  route = storm_routes_get (db, args->route_id, error);
  if (route == NULL)
    return FALSE;
  if (!route->is_current)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_REFUSED,
                   _("“%s” belongs to an earlier plan; only the current routes can be changed."), route->name);
      return FALSE;
    }
  stmt = storm_db_prepare (db, args->sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, args->route_id);
  if (args->text != NULL)
    sqlite3_bind_text (stmt, 2, args->text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int (stmt, 2, args->flag);
  if (args->text2 != NULL)
    sqlite3_bind_text (stmt, 3, args->text2, -1, SQLITE_STATIC);
  if (!storm_db_step_done (db, stmt, error))
    return FALSE;
  *detail = g_strdup_printf ("%s: %s", args->what, args->text ? args->text : (args->flag ? "yes" : "no"));
  return TRUE;
}

gboolean
storm_routes_set_locked (StormDb   *db,
                         gint64     route_id,
                         gboolean   locked,
                         GError   **error)
{
  UpdateArgs args = {
    route_id,
    "UPDATE routes SET locked = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
    NULL, NULL, locked ? 1 : 0, "locked"
  };

  g_return_val_if_fail (db != NULL, FALSE);

  return run_edit (db, locked ? "route-lock" : "route-unlock", route_id, update_edit, &args, error);
}

gboolean
storm_routes_rename (StormDb     *db,
                     gint64       route_id,
                     const char  *name,
                     GError     **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (name ? name : ""));
  UpdateArgs args = {
    route_id,
    "UPDATE routes SET name = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
    clean, NULL, 0, "name"
  };

  g_return_val_if_fail (db != NULL, FALSE);

  if (clean[0] == '\0' || !g_utf8_validate (clean, -1, NULL))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("A route needs a name."));
      return FALSE;
    }
  return run_edit (db, "route-rename", route_id, update_edit, &args, error);
}

gboolean
storm_routes_set_crew (StormDb     *db,
                       gint64       route_id,
                       const char  *crew,
                       const char  *language,
                       GError     **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (crew ? crew : ""));
  UpdateArgs args = {
    route_id,
    language != NULL
      ? "UPDATE routes SET crew = nullif (?2, ''), crew_language = ?3, "
        "  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1"
      : "UPDATE routes SET crew = nullif (?2, ''), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
    clean, language, 0, "crew"
  };

  g_return_val_if_fail (db != NULL, FALSE);

  if (language != NULL && !g_str_equal (language, "en") && !g_str_equal (language, "es"))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("The crew language must be “en” (English) or “es” (Spanish)."));
      return FALSE;
    }
  if (!g_utf8_validate (clean, -1, NULL))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID, _("The crew name is not valid text."));
      return FALSE;
    }
  return run_edit (db, "route-crew", route_id, update_edit, &args, error);
}
