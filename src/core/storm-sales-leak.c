#define G_LOG_DOMAIN "storm-sales-leak"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storm-dash-private.h"
#include "storm-sales-leak.h"

/* A cycle this much slower than in the previous period is a leak. */
#define SLOWDOWN_RATIO 1.5

typedef struct {
  StormLeakStage  pub;
  int             position;
  GArray         *days;       /* double */
  GArray         *prev_days;  /* double */
} Stage;

static void
stage_free (gpointer data)
{
  Stage *stage = data;

  g_free (stage->pub.code);
  g_free (stage->pub.name);
  g_free (stage->pub.kind);
  g_clear_pointer (&stage->days, g_array_unref);
  g_clear_pointer (&stage->prev_days, g_array_unref);
  g_free (stage);
}

static void
leak_free (gpointer data)
{
  StormLeak *leak = data;

  g_free (leak->stage);
  g_ptr_array_unref (leak->evidence);
  g_ptr_array_unref (leak->actions);
  g_free (leak);
}

void
storm_sales_leak_free (StormSalesLeak *leak)
{
  if (leak == NULL)
    return;
  g_ptr_array_unref (leak->stages);
  g_ptr_array_unref (leak->leaks);
  g_free (leak);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

double
storm_quantile (double *values,
                guint   n,
                double  q)
{
  double rank;
  guint lo;

  if (n == 0)
    return NAN;
  qsort (values, n, sizeof (double), compare_double);
  rank = q * (n - 1);
  lo = (guint) floor (rank);
  if (lo + 1 >= n)
    return values[n - 1];
  return values[lo] + (rank - lo) * (values[lo + 1] - values[lo]);
}

static Stage *
find_stage (GPtrArray  *stages,
            const char *code)
{
  for (guint i = 0; i < stages->len; i++)
    {
      Stage *stage = g_ptr_array_index (stages, i);

      if (g_strcmp0 (stage->pub.code, code) == 0)
        return stage;
    }
  return NULL;
}

typedef struct {
  gint64  lead;
  gint64  at;
  gint64  seq;   /* order of reading, for changes in the same second */
  Stage  *stage;
} Entry;

static int
entry_compare (const void *a,
               const void *b)
{
  const Entry *x = a;
  const Entry *y = b;

  if (x->lead != y->lead)
    return (x->lead > y->lead) - (x->lead < y->lead);
  if (x->at != y->at)
    return (x->at > y->at) - (x->at < y->at);
  return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static gint64
days_from_civil (gint64 y,
                 unsigned m,
                 unsigned d)
{
  gint64 era;
  unsigned yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS…Z", as the store writes times, without a
 * GDateTime per row; anything else goes the long way. */
static gint64
parse_time (const char *t)
{
  int v[6];
  static const int at[6] = { 0, 5, 8, 11, 14, 17 };
  static const int len[6] = { 4, 2, 2, 2, 2, 2 };

  if (t == NULL || strlen (t) < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' ||
      (t[19] != 'Z' && t[19] != '.'))
    return _storm_dash_parse_time (t);
  for (int f = 0; f < 6; f++)
    {
      v[f] = 0;
      for (int c = 0; c < len[f]; c++)
        {
          char ch = t[at[f] + c];

          if (ch < '0' || ch > '9')
            return _storm_dash_parse_time (t);
          v[f] = v[f] * 10 + (ch - '0');
        }
    }
  if (t[19] == '.' && t[strlen (t) - 1] != 'Z')
    return _storm_dash_parse_time (t);
  return days_from_civil (v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
}

/* One lead's history, in order: attributes each stay to its stage. */
static void
account_lead (StormSalesLeak *self,
              Entry          *entries,
              guint           n_entries)
{
  gint64 length = self->to - self->from;

  for (guint i = 0; i < n_entries; i++)
    {
      Entry *e = &entries[i];
      Entry *next = i + 1 < n_entries ? &entries[i + 1] : NULL;
      gboolean in_period = e->at >= self->from && e->at < self->to;
      gboolean in_prev = e->at >= self->from - length && e->at < self->from;
      gint64 end;
      double days;

      if (e->stage == NULL || !(in_period || in_prev))
        continue;
      /* The last change is the stage the lead is in now: still open. */
      end = next != NULL ? next->at : MAX (self->now, e->at);
      days = MAX (0, end - e->at) / 86400.0;

      if (in_prev)
        {
          g_array_append_val (e->stage->prev_days, days);
          continue;
        }
      e->stage->pub.entered++;
      g_array_append_val (e->stage->days, days);
      if (next != NULL && next->stage != NULL && g_strcmp0 (next->stage->pub.kind, "lost") == 0 &&
          next->at < self->to)
        e->stage->pub.lost++;
      for (guint j = i + 1; j < n_entries; j++)
        {
          Entry *later = &entries[j];

          if (later->stage != NULL && later->stage->position > e->stage->position &&
              g_strcmp0 (later->stage->pub.kind, "lost") != 0)
            {
              e->stage->pub.advanced++;
              break;
            }
        }
    }
}

static gboolean
load_stages (StormDb         *db,
             StormSalesLeak  *self,
             GError         **error)
{
  g_autofree char *now = _storm_dash_iso (self->now);
  sqlite3_stmt *stmt;
  int rc;

  stmt = storm_db_cached (db,
                          "SELECT s.code, s.name, s.kind, s.position, s.benchmark_conversion, s.benchmark_days, "
                          "  (SELECT count (*) FROM leads l WHERE l.stage = s.code), "
                          "  (SELECT count (*) FROM leads l WHERE l.stage = s.code AND s.benchmark_days IS NOT NULL "
                          "   AND l.stage_entered_at < strftime ('%Y-%m-%dT%H:%M:%SZ', ?1, "
                          "                                      printf ('-%f seconds', s.benchmark_days * 86400))) "
                          "FROM lead_stages s ORDER BY s.position",
                          error);
  if (stmt == NULL)
    return FALSE;
  _storm_dash_bind_text (stmt, 1, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Stage *stage = g_new0 (Stage, 1);

      stage->pub.code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      stage->pub.name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      stage->pub.kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      stage->position = sqlite3_column_int (stmt, 3);
      stage->pub.benchmark_conversion = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 4);
      stage->pub.benchmark_days = sqlite3_column_type (stmt, 5) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 5);
      stage->pub.count = sqlite3_column_int64 (stmt, 6);
      stage->pub.stuck = sqlite3_column_int64 (stmt, 7);
      stage->days = g_array_new (FALSE, FALSE, sizeof (double));
      stage->prev_days = g_array_new (FALSE, FALSE, sizeof (double));
      g_ptr_array_add (self->stages, stage);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "reading lead stages");
  return TRUE;
}

static gboolean
load_history (StormDb         *db,
              StormSalesLeak  *self,
              GError         **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autoptr(GHashTable) by_code = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *since = _storm_dash_iso (self->from - (self->to - self->from));
  sqlite3_stmt *stmt;
  guint first = 0;
  int rc;

  for (guint i = 0; i < self->stages->len; i++)
    {
      Stage *stage = g_ptr_array_index (self->stages, i);

      g_hash_table_insert (by_code, stage->pub.code, stage);
    }

  /* Every stay that starts in the period or the one before, and every
   * change after it (a later move is progress): one range of a covering
   * index, grouped by lead here rather than sorted by SQLite. */
  stmt = storm_db_cached (db,
                          "SELECT lead_id, to_stage, at FROM lead_stage_history WHERE at >= ?1",
                          error);
  if (stmt == NULL)
    return FALSE;
  _storm_dash_bind_text (stmt, 1, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Entry entry = {
        .lead = sqlite3_column_int64 (stmt, 0),
        .stage = g_hash_table_lookup (by_code, sqlite3_column_text (stmt, 1)),
        .at = parse_time ((const char *) sqlite3_column_text (stmt, 2)),
        .seq = entries->len,
      };

      if (entry.at != G_MININT64)
        g_array_append_val (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "reading lead stage history");

  /* an empty array has no data, and qsort () wants a pointer anyway */
  if (entries->len > 0)
    qsort (entries->data, entries->len, sizeof (Entry), entry_compare);
  for (guint i = 1; i <= entries->len; i++)
    if (i == entries->len || g_array_index (entries, Entry, i).lead != g_array_index (entries, Entry, first).lead)
      {
        account_lead (self, &g_array_index (entries, Entry, first), i - first);
        first = i;
      }
  return TRUE;
}

static void
find_leaks (StormSalesLeak *self)
{
  for (guint i = 0; i < self->stages->len; i++)
    {
      Stage *stage = g_ptr_array_index (self->stages, i);
      StormLeakStage *s = &stage->pub;
      StormLeak *leak = g_new0 (StormLeak, 1);

      leak->stage = g_strdup (s->code);
      leak->evidence = g_ptr_array_new_with_free_func (g_free);
      leak->actions = g_ptr_array_new_with_free_func (g_free);

      if (s->entered >= STORM_LEAK_MIN_ENTRIES && !isnan (s->benchmark_conversion) &&
          s->conversion < s->benchmark_conversion)
        {
          leak->score += (s->benchmark_conversion - s->conversion) / s->benchmark_conversion * s->entered;
          g_ptr_array_add (leak->evidence,
                           g_strdup_printf (_("conversion %.0f %% vs benchmark %.0f %% in %s (%lld of %lld moved on)"),
                                            100 * s->conversion, 100 * s->benchmark_conversion, s->name,
                                            (long long) s->advanced, (long long) s->entered));
          g_ptr_array_add (leak->actions,
                           g_strdup_printf (_("Compare the leads that left %s with the ones that moved on"), s->name));
        }
      if (s->stuck > 0)
        {
          leak->score += s->stuck;
          g_ptr_array_add (leak->evidence,
                           g_strdup_printf (ngettext ("%lld lead stuck > %.0f d in %s",
                                                      "%lld leads stuck > %.0f d in %s", s->stuck),
                                            (long long) s->stuck, s->benchmark_days, s->name));
          g_ptr_array_add (leak->actions,
                           g_strdup_printf (_("Contact the stuck leads in %s today"), s->name));
        }
      if (!isnan (s->median_days) && !isnan (s->prev_median_days) && s->prev_median_days > 0 &&
          s->median_days > SLOWDOWN_RATIO * s->prev_median_days)
        {
          leak->score += (s->median_days / s->prev_median_days - 1) * MAX (1, s->entered) / 2;
          g_ptr_array_add (leak->evidence,
                           g_strdup_printf (_("median cycle %.1f d → %.1f d vs previous period in %s"),
                                            s->prev_median_days, s->median_days, s->name));
          g_ptr_array_add (leak->actions,
                           g_strdup_printf (_("Find what slows %s down: ask the owner of its oldest leads"), s->name));
        }
      if (leak->evidence->len == 0)
        leak_free (leak);
      else
        g_ptr_array_add (self->leaks, leak);
    }
}

static int
leak_worse (gconstpointer a,
            gconstpointer b)
{
  const StormLeak *x = *(StormLeak * const *) a;
  const StormLeak *y = *(StormLeak * const *) b;

  return (x->score < y->score) - (x->score > y->score);
}

StormSalesLeak *
storm_sales_leak_compute (StormDb  *db,
                          gint64    from,
                          gint64    to,
                          gint64    now,
                          GError  **error)
{
  g_autoptr(StormSalesLeak) self = g_new0 (StormSalesLeak, 1);

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (from < to, NULL);

  self->from = from;
  self->to = to;
  self->now = now;
  self->stages = g_ptr_array_new_with_free_func (stage_free);
  self->leaks = g_ptr_array_new_with_free_func (leak_free);
  if (!load_stages (db, self, error) || !load_history (db, self, error))
    return NULL;

  for (guint i = 0; i < self->stages->len; i++)
    {
      Stage *stage = g_ptr_array_index (self->stages, i);

      gboolean has_next = FALSE;

      /* a lost stage, or the last one, converts to nothing */
      for (guint j = 0; j < self->stages->len && g_strcmp0 (stage->pub.kind, "lost") != 0; j++)
        {
          Stage *other = g_ptr_array_index (self->stages, j);

          has_next |= other->position > stage->position && g_strcmp0 (other->pub.kind, "lost") != 0;
        }
      stage->pub.conversion = stage->pub.entered > 0 && has_next ? (double) stage->pub.advanced / stage->pub.entered : NAN;
      stage->pub.median_days = storm_quantile ((double *) stage->days->data, stage->days->len, 0.5);
      stage->pub.p90_days = storm_quantile ((double *) stage->days->data, stage->days->len, 0.9);
      stage->pub.prev_median_days = storm_quantile ((double *) stage->prev_days->data, stage->prev_days->len, 0.5);
    }
  find_leaks (self);
  g_ptr_array_sort (self->leaks, leak_worse);
  return g_steal_pointer (&self);
}

const StormLeakStage *
storm_sales_leak_stage (StormSalesLeak *self,
                        const char     *code)
{
  Stage *stage = find_stage (self->stages, code);

  return stage ? &stage->pub : NULL;
}

const StormLeak *
storm_sales_leak_constraint (StormSalesLeak *self)
{
  return self->leaks->len > 0 ? g_ptr_array_index (self->leaks, 0) : NULL;
}

char *
storm_sales_leak_to_text (StormSalesLeak *self)
{
  GString *out = g_string_new (NULL);
  const StormLeak *constraint = storm_sales_leak_constraint (self);

  if (constraint != NULL)
    {
      g_string_append_printf (out, _("Constraint: %s\n"), constraint->stage);
      for (guint i = 0; i < constraint->evidence->len; i++)
        g_string_append_printf (out, "  – %s\n", (const char *) g_ptr_array_index (constraint->evidence, i));
      for (guint i = 0; i < constraint->actions->len; i++)
        g_string_append_printf (out, "  → %s\n", (const char *) g_ptr_array_index (constraint->actions, i));
    }
  else
    g_string_append (out, _("No leak against the benchmarks in this period\n"));

  g_string_append_printf (out, "\n%-14s %6s %8s %10s %8s %8s %6s %5s\n",
                          _("STAGE"), _("NOW"), _("ENTERED"), _("CONVERSION"), _("MEDIAN"), _("P90"), _("STUCK"), _("LOST"));
  for (guint i = 0; i < self->stages->len; i++)
    {
      const StormLeakStage *s = &((Stage *) g_ptr_array_index (self->stages, i))->pub;
      g_autofree char *conv = isnan (s->conversion) ? g_strdup ("-") : g_strdup_printf ("%.0f %%", 100 * s->conversion);
      g_autofree char *med = isnan (s->median_days) ? g_strdup ("-") : g_strdup_printf ("%.1f d", s->median_days);
      g_autofree char *p90 = isnan (s->p90_days) ? g_strdup ("-") : g_strdup_printf ("%.1f d", s->p90_days);

      g_string_append_printf (out, "%-14s %6lld %8lld %10s %8s %8s %6lld %5lld\n", s->code, (long long) s->count,
                              (long long) s->entered, conv, med, p90, (long long) s->stuck, (long long) s->lost);
    }
  return g_string_free (out, FALSE);
}

static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_strings (JsonBuilder *builder,
             const char  *name,
             GPtrArray   *strings)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
  json_builder_end_array (builder);
}

char *
storm_sales_leak_to_json (StormSalesLeak *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *from = _storm_dash_iso (self->from);
  g_autofree char *to = _storm_dash_iso (self->to);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, to);
  json_builder_set_member_name (builder, "stages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->stages->len; i++)
    {
      const StormLeakStage *s = &((Stage *) g_ptr_array_index (self->stages, i))->pub;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, s->code);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, s->name);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, s->count);
      json_builder_set_member_name (builder, "entered");
      json_builder_add_int_value (builder, s->entered);
      json_builder_set_member_name (builder, "advanced");
      json_builder_add_int_value (builder, s->advanced);
      add_number (builder, "conversion", s->conversion);
      add_number (builder, "median_days", s->median_days);
      add_number (builder, "p90_days", s->p90_days);
      add_number (builder, "previous_median_days", s->prev_median_days);
      json_builder_set_member_name (builder, "stuck");
      json_builder_add_int_value (builder, s->stuck);
      json_builder_set_member_name (builder, "lost");
      json_builder_add_int_value (builder, s->lost);
      add_number (builder, "benchmark_conversion", s->benchmark_conversion);
      add_number (builder, "benchmark_days", s->benchmark_days);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "leaks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->leaks->len; i++)
    {
      const StormLeak *leak = g_ptr_array_index (self->leaks, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "stage");
      json_builder_add_string_value (builder, leak->stage);
      json_builder_set_member_name (builder, "score");
      json_builder_add_double_value (builder, leak->score);
      add_strings (builder, "evidence", leak->evidence);
      add_strings (builder, "actions", leak->actions);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
