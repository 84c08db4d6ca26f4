#define G_LOG_DOMAIN "storm-import-properties"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "storm-csv.h"
#include "storm-error.h"
#include "storm-hash.h"
#include "storm-import-private.h"
#include "storm-store-storms.h"

typedef enum
{
  COL_ID,
  COL_NAME,
  COL_ADDRESS,
  COL_CITY,
  COL_STATE,
  COL_ZIP,
  COL_CITY_STATE_ZIP,
  COL_LAT,
  COL_LON,
  COL_YEAR_BUILT,
  COL_ROOF_AGE,
  COL_VALUE,
  COL_UPLIFT,
  COL_BASE_RATE,
  N_COLS
} Column;

/* Header names, compared after lower-casing and turning spaces and
 * hyphens into underscores; the first of each column is its own name. */
static const char * const column_names[N_COLS][6] = {
  [COL_ID] = { "id", "property_id", "ext_id" },
  [COL_NAME] = { "name" },
  [COL_ADDRESS] = { "address", "street" },
  [COL_CITY] = { "city" },
  [COL_STATE] = { "state" },
  [COL_ZIP] = { "zip", "postcode", "zipcode", "postal_code", "zip_code" },
  [COL_CITY_STATE_ZIP] = { "city_state_zip" },
  [COL_LAT] = { "lat", "latitude" },
  [COL_LON] = { "lon", "lng", "long", "longitude" },
  [COL_YEAR_BUILT] = { "year_built" },
  [COL_ROOF_AGE] = { "roof_age" },
  [COL_VALUE] = { "value" },
  [COL_UPLIFT] = { "uplift", "uplift_score" },
  [COL_BASE_RATE] = { "base_rate" },
};

/* One input record: text per column (NULL when absent) and what the
 * file calls each column, for messages. */
typedef struct
{
  const char       *v[N_COLS];
  const char       *header[N_COLS];
  StormImportPlace  place;
} Row;

/* A property written for the first time by this import. */
typedef struct
{
  guint64 position;     /* CSV line or JSON item */
  double  uplift;       /* NAN: not given */
  double  base_rate;
} NewRow;

typedef struct
{
  StormDb           *db;
  StormImportResult *result;
  const char        *name;
  gint64             storm_id;
  gint64             base_id;      /* largest property id before the import */
  sqlite3_stmt      *insert;
  sqlite3_stmt      *find;
  sqlite3_stmt      *refresh;
  sqlite3_stmt      *attach;
  /* New properties get ids base_id + 1, + 2, … in turn (SQLite gives a
   * new row the largest rowid plus one), so their origin and scores sit
   * in an array by id - base_id - 1; refreshed ones in a table by id.
   * Both name the first place of a duplicate. */
  GArray            *new_rows;
  GHashTable        *old_places;
  /* refreshed properties that moved: their exposure in other storms changes */
  GArray            *moved;
  /* Secondary indexes of properties dropped for a bulk load: "name", "sql" pairs. */
  GPtrArray         *deferred;
  GString           *decoded[3];
  GString           *city;
  GString           *state;
  GString           *zip;
  GString           *key;
  char               derived_id[32];
  /* the storm's hail: exposure is computed as properties join it */
  StormHailIndex    *hail;
} Import;

static void
import_clear (Import *self)
{
  g_clear_pointer (&self->insert, sqlite3_finalize);
  g_clear_pointer (&self->find, sqlite3_finalize);
  g_clear_pointer (&self->refresh, sqlite3_finalize);
  g_clear_pointer (&self->attach, sqlite3_finalize);
  g_clear_pointer (&self->new_rows, g_array_unref);
  g_clear_pointer (&self->old_places, g_hash_table_unref);
  g_clear_pointer (&self->moved, g_array_unref);
  g_clear_pointer (&self->deferred, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->decoded); i++)
    if (self->decoded[i] != NULL)
      g_string_free (g_steal_pointer (&self->decoded[i]), TRUE);
  if (self->city != NULL)
    g_string_free (g_steal_pointer (&self->city), TRUE);
  if (self->state != NULL)
    g_string_free (g_steal_pointer (&self->state), TRUE);
  if (self->zip != NULL)
    g_string_free (g_steal_pointer (&self->zip), TRUE);
  if (self->key != NULL)
    g_string_free (g_steal_pointer (&self->key), TRUE);
  if (self->hail != NULL)
    {
      _storm_hail_index_register (self->db, NULL);
      g_clear_pointer (&self->hail, _storm_hail_index_free);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Import, import_clear)

static int
column_for_name (const char *raw)
{
  g_autofree char *name = g_ascii_strdown (raw, -1);

  g_strstrip (name);
  for (char *p = name; *p; p++)
    if (*p == ' ' || *p == '-')
      *p = '_';
  for (int c = 0; c < N_COLS; c++)
    for (guint a = 0; a < G_N_ELEMENTS (column_names[c]) && column_names[c][a] != NULL; a++)
      if (strcmp (name, column_names[c][a]) == 0)
        return c;
  return -1;
}

static char *
accepted_names (Column column)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  for (guint a = 0; a < G_N_ELEMENTS (column_names[column]) && column_names[column][a] != NULL; a++)
    g_strv_builder_add (builder, column_names[column][a]);
  names = g_strv_builder_end (builder);
  return g_strjoinv (", ", names);
}

/* Binds @text without surrounding spaces, NULL when blank. */
static void
bind_trimmed (sqlite3_stmt *stmt,
              int           index,
              const char   *text)
{
  const char *end;

  if (text == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  while (g_ascii_isspace (*text))
    text++;
  end = text + strlen (text);
  while (end > text && g_ascii_isspace (end[-1]))
    end--;
  if (end == text)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, end - text, SQLITE_STATIC);
}

static gboolean
is_zip_like (const char *token)
{
  gsize digits = strspn (token, "0123456789");

  return digits == 5 && (token[5] == '\0' || (token[5] == '-' && strspn (token + 6, "0123456789") == 4 && token[10] == '\0'));
}

static gboolean
is_state_like (const char *token)
{
  return strlen (token) == 2 && g_ascii_isalpha (token[0]) && g_ascii_isalpha (token[1]);
}

/* "Dallas, TX 75226" → Dallas / TX / 75226. Returns FALSE when neither a
 * state nor a ZIP is recognised; then all of it is the city. */
static gboolean
split_city_state_zip (const char *text,
                      GString    *city,
                      GString    *state,
                      GString    *zip)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  g_auto(GStrv) tokens = NULL;
  char *comma = strrchr (copy, ',');
  const char *tail = copy;
  guint n = 0, end;

  g_string_truncate (city, 0);
  g_string_truncate (state, 0);
  g_string_truncate (zip, 0);
  if (comma != NULL)
    {
      *comma = '\0';
      tail = comma + 1;
    }

  /* words of the tail, without the empty ones runs of spaces leave */
  tokens = g_strsplit_set (tail, " \t", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    if (tokens[i][0] != '\0')
      tokens[n++] = tokens[i];
    else
      g_free (tokens[i]);
  tokens[n] = NULL;

  end = n;
  if (end > 0 && is_zip_like (tokens[end - 1]))
    g_string_assign (zip, tokens[--end]);
  if (end > 0 && is_state_like (tokens[end - 1]))
    {
      g_string_assign (state, tokens[--end]);
      for (char *p = state->str; *p; p++)
        *p = g_ascii_toupper (*p);
    }

  if (comma != NULL && end > 0)
    {
      /* words between the comma and the state: not a form we know */
      g_string_assign (city, text);
      g_strstrip (city->str);
      g_string_set_size (city, strlen (city->str));
      g_string_truncate (state, 0);
      g_string_truncate (zip, 0);
      return FALSE;
    }
  if (comma != NULL)
    g_string_assign (city, g_strstrip (copy));
  else
    for (guint i = 0; i < end; i++)
      {
        if (i > 0)
          g_string_append_c (city, ' ');
        g_string_append (city, tokens[i]);
      }
  return state->len > 0 || zip->len > 0;
}

/* A stable id for a file without one: the same place gives the same id
 * in CSV and GeoJSON and on every re-import. */
static const char *
derive_id (Import     *self,
           const char *address,
           const char *name,
           double      lat,
           double      lon)
{
  const char *basis = !_storm_text_is_blank (address) ? address : name;
  gboolean space = FALSE;
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_truncate (self->key, 0);
  for (const char *p = basis ? basis : ""; *p; p++)
    {
      if (g_ascii_isspace (*p))
        {
          space = self->key->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (self->key, ' ');
      space = FALSE;
      g_string_append_c (self->key, g_ascii_tolower (*p));
    }
  g_string_append_c (self->key, '|');
  g_string_append (self->key, g_ascii_formatd (num, sizeof num, "%.6f", lat));
  g_string_append_c (self->key, '|');
  g_string_append (self->key, g_ascii_formatd (num, sizeof num, "%.6f", lon));

  g_snprintf (self->derived_id, sizeof self->derived_id, "prop_%016" G_GINT64_MODIFIER "x",
              storm_hash_64 ("property", self->key->str));
  return self->derived_id;
}

/* An optional number within [min, max]; blank leaves *value NAN. */
static gboolean
parse_number (const Row  *row,
              Column      column,
              double      min,
              double      max,
              gboolean    integer,
              double     *value,
              GError    **error)
{
  const char *text = row->v[column];
  double v;

  *value = NAN;
  if (_storm_text_is_blank (text))
    return TRUE;
  if (!_storm_parse_double (text, &v))
    {
      _storm_import_error (error, &row->place, row->header[column], _("“%s” is not a number"), text);
      return FALSE;
    }
  if (integer && v != floor (v))
    {
      _storm_import_error (error, &row->place, row->header[column], _("“%s” is not a whole number"), text);
      return FALSE;
    }
  if (v < min || v > max)
    {
      char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

      _storm_import_error (error, &row->place, row->header[column],
                           _("“%s” is out of range (expected %s to %s)"), text,
                           g_ascii_formatd (lo, sizeof lo, "%g", min), g_ascii_formatd (hi, sizeof hi, "%g", max));
      return FALSE;
    }
  *value = v;
  return TRUE;
}

static void
bind_double (sqlite3_stmt *stmt,
             int           index,
             double        value,
             gboolean      integer)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, index);
  else if (integer)
    sqlite3_bind_int64 (stmt, index, (gint64) value);
  else
    sqlite3_bind_double (stmt, index, value);
}

static gboolean
parse_coordinates (const Row  *row,
                   double     *lat,
                   double     *lon,
                   GError    **error)
{
  const char *lat_name = row->header[COL_LAT];
  const char *lon_name = row->header[COL_LON];

  if (_storm_text_is_blank (row->v[COL_LAT]))
    {
      _storm_import_error (error, &row->place, lat_name, _("empty; every property needs a latitude"));
      return FALSE;
    }
  if (_storm_text_is_blank (row->v[COL_LON]))
    {
      _storm_import_error (error, &row->place, lon_name, _("empty; every property needs a longitude"));
      return FALSE;
    }
  return _storm_parse_position (&row->place, lat_name, row->v[COL_LAT], lon_name, row->v[COL_LON], lat, lon, error);
}

static char *
describe_place (const StormImportPlace *place)
{
  g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, place->line > 0 ? place->line : place->item);

  if (place->line > 0)
    return g_strdup_printf (_("line %s"), n);
  if (place->is_feature)
    return g_strdup_printf (_("feature %s"), n);
  return g_strdup_printf (_("item %s"), n);
}

static gboolean
duplicate_error (Import                  *self,
                 const Row               *row,
                 const char              *ext_id,
                 const StormImportPlace  *first,
                 GError                 **error)
{
  g_autofree char *other = describe_place (first);

  if (row->v[COL_ID] != NULL)
    _storm_import_error (error, &row->place, row->header[COL_ID],
                         _("“%s” is a duplicate: the same id is on %s"), ext_id, other);
  else
    {
      g_autofree char *at = _storm_import_where (&row->place);

      g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                   _("%s: the same property (address and position) is on %s; remove one of them"), at, other);
    }
  return FALSE;
}

/* What a row says about one property, checked and ready to bind. */
typedef struct
{
  const char *ext_id;
  const char *name;
  const char *address;
  const char *city;
  const char *state;
  const char *zip;
  double      lat;
  double      lon;
  double      year_built;
  double      roof_age;
  double      value;
  double      uplift;
  double      base_rate;
} Values;

static void
bind_values (sqlite3_stmt *stmt,
             const Values *v)
{
  bind_trimmed (stmt, 1, v->ext_id);
  bind_trimmed (stmt, 2, v->name);
  if (_storm_text_is_blank (v->address))
    sqlite3_bind_text (stmt, 3, "", 0, SQLITE_STATIC);
  else
    bind_trimmed (stmt, 3, v->address);
  bind_trimmed (stmt, 4, v->city);
  bind_trimmed (stmt, 5, v->state);
  bind_trimmed (stmt, 6, v->zip);
  sqlite3_bind_double (stmt, 7, v->lat);
  sqlite3_bind_double (stmt, 8, v->lon);
  bind_double (stmt, 9, v->year_built, TRUE);
  bind_double (stmt, 10, v->roof_age, TRUE);
  bind_double (stmt, 11, v->value, FALSE);
}

static gboolean
parse_row (Import     *self,
           const Row  *row,
           Values     *v,
           GError    **error)
{
  if (!parse_coordinates (row, &v->lat, &v->lon, error) ||
      !parse_number (row, COL_YEAR_BUILT, 1000, 2100, TRUE, &v->year_built, error) ||
      !parse_number (row, COL_ROOF_AGE, 0, 200, TRUE, &v->roof_age, error) ||
      !parse_number (row, COL_VALUE, 0, 1e12, FALSE, &v->value, error) ||
      !parse_number (row, COL_UPLIFT, -1, 1, FALSE, &v->uplift, error) ||
      !parse_number (row, COL_BASE_RATE, 0, 1, FALSE, &v->base_rate, error))
    return FALSE;

  v->name = _storm_decode_entities (row->v[COL_NAME], self->decoded[0]);
  v->address = _storm_decode_entities (row->v[COL_ADDRESS], self->decoded[1]);
  v->city = _storm_decode_entities (row->v[COL_CITY], self->decoded[2]);
  v->state = row->v[COL_STATE];
  v->zip = row->v[COL_ZIP];
  if (!_storm_text_is_blank (row->v[COL_CITY_STATE_ZIP]) &&
      (_storm_text_is_blank (v->city) || _storm_text_is_blank (v->state) || _storm_text_is_blank (v->zip)))
    {
      if (!split_city_state_zip (row->v[COL_CITY_STATE_ZIP], self->city, self->state, self->zip))
        _storm_import_warn (self->result, &row->place, _("field “%s”: no state or ZIP in “%s”; kept as the city"),
                            row->header[COL_CITY_STATE_ZIP], row->v[COL_CITY_STATE_ZIP]);
      if (_storm_text_is_blank (v->city))
        v->city = _storm_decode_entities (self->city->str, self->decoded[2]);
      if (_storm_text_is_blank (v->state))
        v->state = self->state->str;
      if (_storm_text_is_blank (v->zip))
        v->zip = self->zip->str;
    }

  if (row->header[COL_ID] != NULL)
    {
      if (_storm_text_is_blank (row->v[COL_ID]))
        {
          _storm_import_error (error, &row->place, row->header[COL_ID], _("empty; every property needs an id"));
          return FALSE;
        }
      v->ext_id = row->v[COL_ID];
    }
  else
    {
      if (_storm_text_is_blank (v->address) && _storm_text_is_blank (v->name))
        {
          _storm_import_error (error, &row->place, row->header[COL_ADDRESS] ? row->header[COL_ADDRESS] : "address",
                               _("empty; without an id column every property needs an address or a name"));
          return FALSE;
        }
      v->ext_id = derive_id (self, v->address, v->name, v->lat, v->lon);
    }
  return TRUE;
}

/* Whether new property @id came from an earlier row of this file; then
 * @first (a copy of the current place) is moved to that row. */
static gboolean
seen_before (Import           *self,
             gint64            id,
             StormImportPlace *first)
{
  guint64 position;

  if (id <= self->base_id || (guint64) (id - self->base_id - 1) >= self->new_rows->len)
    return FALSE;
  position = g_array_index (self->new_rows, NewRow, id - self->base_id - 1).position;
  if (first->line > 0)
    first->line = position;
  else
    first->item = position;
  return TRUE;
}

static gboolean
import_row (Import     *self,
            const Row  *row,
            GError    **error)
{
  StormImportResult *result = self->result;
  gboolean moved;
  Values v;
  gint64 id;
  int rc;

  if (!parse_row (self, row, &v, error))
    return FALSE;

  bind_values (self->insert, &v);
  rc = sqlite3_step (self->insert);
  sqlite3_reset (self->insert);
  if (rc != SQLITE_DONE)
    return storm_db_fail (self->db, error, "writing a property");

  if (sqlite3_changes (storm_db_handle (self->db)) > 0)
    {
      id = sqlite3_last_insert_rowid (storm_db_handle (self->db));
      if (id == self->base_id + (gint64) self->new_rows->len + 1)
        {
          NewRow new_row = { row->place.line > 0 ? row->place.line : row->place.item, v.uplift, v.base_rate };

          /* attached to the storm all at once at the end */
          g_array_append_val (self->new_rows, new_row);
          result->n_inserted++;
          return TRUE;
        }
      result->n_inserted++;
    }
  else
    {
      StormImportPlace first = row->place;
      StormImportPlace *known;

      bind_trimmed (self->find, 1, v.ext_id);
      rc = sqlite3_step (self->find);
      if (rc != SQLITE_ROW)
        {
          sqlite3_reset (self->find);
          return storm_db_fail (self->db, error, "reading a property");
        }
      id = sqlite3_column_int64 (self->find, 0);
      moved = sqlite3_column_double (self->find, 1) != v.lat || sqlite3_column_double (self->find, 2) != v.lon;
      sqlite3_reset (self->find);

      known = g_hash_table_lookup (self->old_places, GSIZE_TO_POINTER ((gsize) id));
      if (known != NULL)
        return duplicate_error (self, row, v.ext_id, known, error);
      if (seen_before (self, id, &first))
        return duplicate_error (self, row, v.ext_id, &first, error);

      bind_values (self->refresh, &v);
      sqlite3_bind_int64 (self->refresh, 12, id);
      if (!storm_db_step_done (self->db, self->refresh, error))
        return FALSE;
      if (moved)
        g_array_append_val (self->moved, id);
      result->n_updated++;
    }

  /* refreshed (or, never in practice, out-of-turn new) properties */
  g_hash_table_insert (self->old_places, GSIZE_TO_POINTER ((gsize) id), g_memdup2 (&row->place, sizeof row->place));
  sqlite3_bind_int64 (self->attach, 1, self->storm_id);
  sqlite3_bind_int64 (self->attach, 2, id);
  bind_double (self->attach, 3, v.uplift, FALSE);
  bind_double (self->attach, 4, v.base_rate, FALSE);
  sqlite3_bind_double (self->attach, 5, v.lat);
  sqlite3_bind_double (self->attach, 6, v.lon);
  return storm_db_step_done (self->db, self->attach, error);
}

static gboolean
check_cancel (StormImportResult  *result,
              GCancellable       *cancellable,
              StormProgress      *progress,
              double              fraction,
              GError            **error)
{
  if ((result->n_rows & 4095) != 0)
    return TRUE;
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_CANCELLED, _("The import was cancelled; nothing was kept."));
      return FALSE;
    }
  storm_progress_report (progress, fraction * 0.9, _("Importing properties…"));
  return TRUE;
}

static gboolean
import_csv (Import         *self,
            const char     *path,
            GCancellable   *cancellable,
            StormProgress  *progress,
            GError        **error)
{
  g_autoptr(StormCsv) csv = NULL;
  g_autoptr(GError) local_error = NULL;
  int map[N_COLS];
  g_auto(GStrv) headers = NULL;
  StormImportPlace header_place = { .file = self->name };
  guint n_header;
  Row row = { { 0 } };

  csv = storm_csv_new_for_path (path, cancellable, error);
  if (csv == NULL)
    return FALSE;
  if (!storm_csv_next (csv, cancellable, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                     _("%s: the file is empty; it needs a header line and one line per property"), self->name);
      return FALSE;
    }

  header_place.line = storm_csv_get_line (csv);
  storm_csv_use_as_header (csv);
  n_header = storm_csv_get_n_fields (csv);
  headers = g_new0 (char *, n_header + 1);
  for (int c = 0; c < N_COLS; c++)
    map[c] = -1;
  for (guint i = 0; i < n_header; i++)
    {
      int c;

      headers[i] = g_strstrip (g_strdup (storm_csv_get_field (csv, i)));
      c = column_for_name (headers[i]);
      if (c < 0)
        continue;
      if (map[c] >= 0)
        {
          _storm_import_error (error, &header_place, NULL,
                               _("columns “%s” and “%s” hold the same thing; keep one of them"),
                               headers[map[c]], headers[i]);
          return FALSE;
        }
      map[c] = i;
    }
  for (Column c = COL_LAT; c <= COL_LON; c++)
    if (map[c] < 0)
      {
        g_autofree char *names = accepted_names (c);

        _storm_import_error (error, &header_place, NULL,
                             _("the header has no column “%s” (accepted names: %s)"), column_names[c][0], names);
        return FALSE;
      }
  if (map[COL_ID] < 0 && map[COL_ADDRESS] < 0 && map[COL_NAME] < 0)
    {
      g_autofree char *names = accepted_names (COL_ID);

      _storm_import_error (error, &header_place, NULL,
                           _("the header has no column “id” (accepted names: %s), nor an address or name to derive one from"),
                           names);
      return FALSE;
    }
  for (int c = 0; c < N_COLS; c++)
    row.header[c] = map[c] >= 0 ? headers[map[c]] : NULL;
  row.place.file = self->name;

  while (storm_csv_next (csv, cancellable, &local_error))
    {
      guint n = storm_csv_get_n_fields (csv);
      gboolean blank = TRUE;

      for (guint i = 0; i < n && blank; i++)
        blank = _storm_text_is_blank (storm_csv_get_field (csv, i));
      if (blank)
        continue;

      row.place.line = storm_csv_get_line (csv);
      if (n != n_header)
        {
          _storm_import_error (error, &row.place, NULL,
                               _("%u fields, but the header has %u; quote fields that contain commas"),
                               n, n_header);
          return FALSE;
        }
      for (int c = 0; c < N_COLS; c++)
        row.v[c] = map[c] >= 0 ? storm_csv_get_field (csv, map[c]) : NULL;

      self->result->n_rows++;
      if (!check_cancel (self->result, cancellable, progress, storm_csv_get_fraction (csv), error) ||
          !import_row (self, &row, error))
        return FALSE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (self->result->n_rows == 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                   _("%s: there is a header but no properties below it"), self->name);
      return FALSE;
    }
  return TRUE;
}

/* JSON values as text, so JSON and CSV share one path: numbers are
 * written out exactly enough to read back the same double. */
static gboolean
json_member_text (JsonObject             *object,
                  const char             *member,
                  const StormImportPlace *place,
                  char                   *buf,
                  gsize                   buf_len,
                  const char            **text,
                  GError                **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *text = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        *text = json_node_get_string (node);
      else if (type == G_TYPE_INT64)
        {
          g_snprintf (buf, buf_len, "%" G_GINT64_FORMAT, json_node_get_int (node));
          *text = buf;
        }
      else if (type == G_TYPE_DOUBLE)
        *text = g_ascii_dtostr (buf, buf_len, json_node_get_double (node));
      else
        {
          _storm_import_error (error, place, member, _("expected a number or text, not true or false"));
          return FALSE;
        }
      return TRUE;
    }
  _storm_import_error (error, place, member, _("expected a number or text, not a list or an object"));
  return FALSE;
}

static gboolean
json_node_is_number (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static gboolean
import_json_object (Import      *self,
                    JsonObject  *object,
                    JsonObject  *feature,
                    JsonArray   *coordinates,
                    Row         *row,
                    GError     **error)
{
  char bufs[N_COLS][G_ASCII_DTOSTR_BUF_SIZE];
  g_autoptr(GList) members = json_object_get_members (object);

  for (int c = 0; c < N_COLS; c++)
    {
      row->v[c] = NULL;
      row->header[c] = NULL;
    }
  for (GList *l = members; l != NULL; l = l->next)
    {
      int c = column_for_name (l->data);

      if (c < 0)
        continue;
      if (row->header[c] != NULL)
        {
          _storm_import_error (error, &row->place, NULL,
                               _("members “%s” and “%s” hold the same thing; keep one of them"),
                               row->header[c], (const char *) l->data);
          return FALSE;
        }
      row->header[c] = l->data;
      if (!json_member_text (object, l->data, &row->place, bufs[c], sizeof bufs[c], &row->v[c], error))
        return FALSE;
    }

  /* a GeoJSON feature may carry its id beside its properties */
  if (row->header[COL_ID] == NULL && feature != NULL && json_object_has_member (feature, "id"))
    {
      row->header[COL_ID] = "id";
      if (!json_member_text (feature, "id", &row->place, bufs[COL_ID], sizeof bufs[COL_ID], &row->v[COL_ID], error))
        return FALSE;
    }

  if (coordinates != NULL)
    {
      /* GeoJSON positions are [longitude, latitude] */
      if (json_array_get_length (coordinates) < 2 ||
          !json_node_is_number (json_array_get_element (coordinates, 0)) ||
          !json_node_is_number (json_array_get_element (coordinates, 1)))
        {
          _storm_import_error (error, &row->place, "coordinates", _("expected [longitude, latitude]"));
          return FALSE;
        }
      row->header[COL_LON] = "coordinates[0]";
      row->header[COL_LAT] = "coordinates[1]";
      row->v[COL_LON] = g_ascii_dtostr (bufs[COL_LON], sizeof bufs[COL_LON],
                                        json_array_get_double_element (coordinates, 0));
      row->v[COL_LAT] = g_ascii_dtostr (bufs[COL_LAT], sizeof bufs[COL_LAT],
                                        json_array_get_double_element (coordinates, 1));
    }
  if (row->header[COL_LAT] == NULL)
    row->header[COL_LAT] = "lat";
  if (row->header[COL_LON] == NULL)
    row->header[COL_LON] = "lon";
  return import_row (self, row, error);
}

/* A string member, or NULL when missing or of another type. */
static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
import_json (Import         *self,
             const char     *path,
             GCancellable   *cancellable,
             StormProgress  *progress,
             GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *items = NULL;
  gboolean geojson = FALSE;
  g_autoptr(JsonObject) empty = json_object_new ();
  StormImportPlace file_place = { .file = self->name };
  guint n;

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                     _("Cannot open “%s”: %s"), self->name, local_error->message);
      else
        {
          /* json-glib's message starts with "PATH:LINE:COL:"; name the file as everywhere else */
          const char *detail = local_error->message;
          g_autofree char *valid = NULL;

          if (g_str_has_prefix (detail, path) && detail[strlen (path)] == ':')
            detail += strlen (path) + 1;
          /* it quotes the text it stopped at, which need not be UTF-8 */
          valid = g_utf8_make_valid (detail, -1);
          g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                       _("%s:%s (the file is not valid JSON)"), self->name, valid);
        }
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    items = json_node_get_array (root);
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);

      if (g_strcmp0 (member_string (object, "type"), "FeatureCollection") == 0 &&
          json_object_has_member (object, "features") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "features")))
        {
          items = json_object_get_array_member (object, "features");
          geojson = TRUE;
        }
    }
  if (items == NULL)
    {
      _storm_import_error (error, &file_place, NULL,
                           _("expected a list of properties or a GeoJSON FeatureCollection of points"));
      return FALSE;
    }

  n = json_array_get_length (items);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *object, *values;
      JsonArray *coordinates = NULL;
      Row row = { { 0 } };

      row.place.file = self->name;
      row.place.item = i + 1;
      row.place.is_feature = geojson;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          _storm_import_error (error, &row.place, NULL, _("expected an object"));
          return FALSE;
        }
      object = values = json_node_get_object (node);
      if (geojson)
        {
          JsonNode *geometry = json_object_get_member (object, "geometry");
          JsonObject *g = geometry && JSON_NODE_HOLDS_OBJECT (geometry) ? json_node_get_object (geometry) : NULL;
          JsonNode *props = json_object_get_member (object, "properties");

          if (g == NULL ||
              g_strcmp0 (member_string (g, "type"), "Point") != 0 ||
              !json_object_has_member (g, "coordinates") ||
              !JSON_NODE_HOLDS_ARRAY (json_object_get_member (g, "coordinates")))
            {
              _storm_import_error (error, &row.place, "geometry", _("expected a Point with coordinates"));
              return FALSE;
            }
          coordinates = json_object_get_array_member (g, "coordinates");
          values = props != NULL && JSON_NODE_HOLDS_OBJECT (props) ? json_node_get_object (props) : empty;
        }
      self->result->n_rows++;
      if (!check_cancel (self->result, cancellable, progress, (double) i / n, error) ||
          !import_json_object (self, values, geojson ? object : NULL, coordinates, &row, error))
        return FALSE;
    }
  if (self->result->n_rows == 0)
    {
      _storm_import_error (error, &file_place, NULL, _("there are no properties in the file"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
looks_like_json (const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  char head[256];
  gssize n;

  if (g_str_has_suffix (path, ".json") || g_str_has_suffix (path, ".geojson") ||
      g_str_has_suffix (path, ".JSON") || g_str_has_suffix (path, ".GEOJSON"))
    return TRUE;
  if (g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV"))
    return FALSE;
  file = g_file_new_for_path (path);
  in = g_file_read (file, NULL, NULL);
  if (in == NULL || (n = g_input_stream_read (G_INPUT_STREAM (in), head, sizeof head, NULL, NULL)) <= 0)
    return FALSE;
  for (gssize i = 0; i < n; i++)
    if (!g_ascii_isspace (head[i]))
      return head[i] == '[' || head[i] == '{';
  return FALSE;
}

static int
cancel_cb (void *data)
{
  return g_cancellable_is_cancelled (data) ? 1 : 0;
}

static gboolean
is_identifier (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

/* A load that at least doubles the table is faster without its secondary
 * indexes, rebuilt once at the end (a sort) instead of updated row by row.
 * They are dropped inside the import's transaction, so a failed import
 * gets them back with everything else. */
static gboolean
defer_indexes (Import      *self,
               const char  *path,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autoptr(sqlite3_stmt) indexes = NULL;
  GStatBuf st;
  gint64 existing;
  int rc;

  /* no CSV line of a property is shorter than this */
  if (g_stat (path, &st) != 0 || st.st_size < 4 * 1024 * 1024)
    return TRUE;
  count = storm_db_prepare (self->db, "SELECT count (*) FROM properties", error);
  if (count == NULL)
    return FALSE;
  if (sqlite3_step (count) != SQLITE_ROW)
    return storm_db_fail (self->db, error, "counting properties");
  existing = sqlite3_column_int64 (count, 0);
  sqlite3_reset (count);
  if (st.st_size / 64 < existing)
    return TRUE;

  indexes = storm_db_prepare (self->db,
                              "SELECT name, sql FROM sqlite_master "
                              "WHERE type = 'index' AND tbl_name = 'properties' AND sql IS NOT NULL",
                              error);
  if (indexes == NULL)
    return FALSE;
  self->deferred = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (indexes)) == SQLITE_ROW)
    {
      const char *index_name = (const char *) sqlite3_column_text (indexes, 0);

      if (!is_identifier (index_name))
        continue;
      g_ptr_array_add (self->deferred, g_strdup (index_name));
      g_ptr_array_add (self->deferred, g_strdup ((const char *) sqlite3_column_text (indexes, 1)));
    }
  if (rc != SQLITE_DONE)
    return storm_db_fail (self->db, error, "reading the schema");
  g_clear_pointer (&indexes, sqlite3_finalize);

  for (guint i = 0; i < self->deferred->len; i += 2)
    {
      /* an identifier checked above: DDL cannot take it as a parameter */
      g_autofree char *drop = g_strdup_printf ("DROP INDEX \"%s\"", (const char *) self->deferred->pdata[i]);

      if (!storm_db_exec (self->db, drop, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
restore_indexes (Import  *self,
                 GError **error)
{
  for (guint i = 0; self->deferred != NULL && i < self->deferred->len; i += 2)
    if (!storm_db_exec (self->db, self->deferred->pdata[i + 1], error))
      return FALSE;
  g_clear_pointer (&self->deferred, g_ptr_array_unref);
  return TRUE;
}

static void
score_func (sqlite3_context  *context,
            int               argc,
            sqlite3_value   **argv)
{
  Import *self = sqlite3_user_data (context);
  gint64 index = sqlite3_value_int64 (argv[0]) - self->base_id - 1;
  const NewRow *row;
  double v;

  if (index < 0 || (guint64) index >= self->new_rows->len)
    {
      sqlite3_result_null (context);
      return;
    }
  row = &g_array_index (self->new_rows, NewRow, index);
  v = sqlite3_value_int (argv[1]) == 0 ? row->uplift : row->base_rate;
  if (isnan (v))
    sqlite3_result_null (context);
  else
    sqlite3_result_double (context, v);
}

/* The new properties join the storm in one statement: much cheaper than a
 * statement per row. Their scores come from the rows kept in memory. */
static gboolean
attach_new (Import  *self,
            GError **error)
{
  sqlite3 *handle = storm_db_handle (self->db);
  gboolean ok;

  if (self->new_rows->len == 0)
    return TRUE;
  if (sqlite3_create_function (handle, "storm_import_score", 2, SQLITE_UTF8, self, score_func, NULL, NULL) != SQLITE_OK)
    return storm_db_fail (self->db, error, "attaching properties");
  {
    g_autoptr(sqlite3_stmt) stmt = NULL;

    /* without hail in the storm, the exposure columns stay NULL */
    stmt = _storm_hail_index_is_empty (self->hail)
         ? storm_db_prepare (self->db,
                             "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate) "
                             "SELECT ?1, id, storm_import_score (id, 0), storm_import_score (id, 1) "
                             "FROM properties WHERE id BETWEEN ?2 AND ?3 ORDER BY id",
                             error)
         : storm_db_prepare (self->db,
                             "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate, "
                             "                              hail_distance_km, hail_max_in, nearest_report_id) "
                             "SELECT ?1, id, storm_import_score (id, 0), storm_import_score (id, 1), "
                             "       storm_hail_exposure (lat, lon, 0), storm_hail_exposure (lat, lon, 1), "
                             "       storm_hail_exposure (lat, lon, 2) "
                             "FROM properties WHERE id BETWEEN ?2 AND ?3 ORDER BY id",
                             error);
    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_int64 (stmt, 1, self->storm_id);
        sqlite3_bind_int64 (stmt, 2, self->base_id + 1);
        sqlite3_bind_int64 (stmt, 3, self->base_id + self->new_rows->len);
        ok = storm_db_step_done (self->db, stmt, error);
      }
  }
  sqlite3_create_function (handle, "storm_import_score", 2, SQLITE_UTF8, NULL, NULL, NULL, NULL);
  return ok;
}

/* A corrected position changes a property's exposure in every storm it
 * belongs to, not only this one. */
static gboolean
update_other_storms (Import        *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(sqlite3_stmt) storms = NULL;
  g_autoptr(GHashTable) others = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->moved->len == 0)
    return TRUE;
  storms = storm_db_prepare (self->db, "SELECT storm_id FROM storm_properties WHERE property_id = ?1", error);
  if (storms == NULL)
    return FALSE;
  others = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < self->moved->len; i++)
    {
      sqlite3_bind_int64 (storms, 1, g_array_index (self->moved, gint64, i));
      while (sqlite3_step (storms) == SQLITE_ROW)
        {
          gint64 storm_id = sqlite3_column_int64 (storms, 0);

          if (storm_id != self->storm_id)
            g_hash_table_add (others, g_memdup2 (&storm_id, sizeof storm_id));
        }
      sqlite3_reset (storms);
    }
  g_hash_table_iter_init (&iter, others);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!storm_exposure_compute (self->db, *(gint64 *) key, STORM_EXPOSURE_RADIUS_KM, cancellable, NULL, error))
      return FALSE;
  return TRUE;
}

static gboolean
prepare (Import      *self,
         const char  *path,
         const char  *storm_code,
         gboolean     csv,
         GError     **error)
{
  StormStormSpec spec = { .code = storm_code, .name = storm_code, .kind = "hail" };
  g_autoptr(sqlite3_stmt) max_id = NULL;

  self->storm_id = storm_db_ensure_storm (self->db, &spec, &self->result->storm_created, error);
  if (self->storm_id == 0)
    return FALSE;
  self->result->storm_id = self->storm_id;

  max_id = storm_db_prepare (self->db, "SELECT coalesce (max (id), 0) FROM properties", error);
  if (max_id == NULL)
    return FALSE;
  if (sqlite3_step (max_id) != SQLITE_ROW)
    return storm_db_fail (self->db, error, "reading properties");
  self->base_id = sqlite3_column_int64 (max_id, 0);
  sqlite3_reset (max_id);

  if (csv && !defer_indexes (self, path, error))
    return FALSE;

  /* registered before the statements that use it are prepared: a new
   * function makes the connection prepare its statements again */
  self->hail = _storm_hail_index_new (self->db, self->storm_id, STORM_EXPOSURE_RADIUS_KM, error);
  if (self->hail == NULL)
    return FALSE;
  if (!_storm_hail_index_register (self->db, self->hail))
    return storm_db_fail (self->db, error, "preparing the hail exposure");

  self->insert = storm_db_prepare (self->db,
                                   "INSERT INTO properties (ext_id, name, address, city, state, zip, lat, lon, "
                                   "                        year_built, roof_age, value) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                                   "ON CONFLICT (ext_id) DO NOTHING",
                                   error);
  self->find = storm_db_prepare (self->db, "SELECT id, lat, lon FROM properties WHERE ext_id = ?1", error);
  /* a re-imported property keeps what the file leaves blank */
  self->refresh = storm_db_prepare (self->db,
                                    "UPDATE properties SET "
                                    " name = coalesce (?2, name),"
                                    " address = CASE WHEN ?3 = '' THEN address ELSE ?3 END,"
                                    " city = coalesce (?4, city),"
                                    " state = coalesce (?5, state),"
                                    " zip = coalesce (?6, zip),"
                                    " lat = ?7, lon = ?8,"
                                    " year_built = coalesce (?9, year_built),"
                                    " roof_age = coalesce (?10, roof_age),"
                                    " value = coalesce (?11, value) "
                                    "WHERE id = ?12 AND ext_id = ?1",
                                    error);
  self->attach = storm_db_prepare (self->db,
                                   "INSERT INTO storm_properties (storm_id, property_id, uplift, base_rate, "
                                   "                              hail_distance_km, hail_max_in, nearest_report_id) "
                                   "VALUES (?1, ?2, ?3, ?4, storm_hail_exposure (?5, ?6, 0), "
                                   "        storm_hail_exposure (?5, ?6, 1), storm_hail_exposure (?5, ?6, 2)) "
                                   "ON CONFLICT (storm_id, property_id) DO UPDATE SET "
                                   " uplift = coalesce (excluded.uplift, uplift),"
                                   " base_rate = coalesce (excluded.base_rate, base_rate),"
                                   " hail_distance_km = excluded.hail_distance_km,"
                                   " hail_max_in = excluded.hail_max_in,"
                                   " nearest_report_id = excluded.nearest_report_id",
                                   error);
  if (self->insert == NULL || self->find == NULL || self->refresh == NULL || self->attach == NULL)
    return FALSE;

  self->new_rows = g_array_new (FALSE, FALSE, sizeof (NewRow));
  self->moved = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->old_places = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->decoded); i++)
    self->decoded[i] = g_string_new (NULL);
  self->city = g_string_new (NULL);
  self->state = g_string_new (NULL);
  self->zip = g_string_new (NULL);
  self->key = g_string_new (NULL);
  return TRUE;
}

static gboolean
run (Import         *self,
     const char     *path,
     const char     *storm_code,
     GCancellable   *cancellable,
     StormProgress  *progress,
     GError        **error)
{
  gboolean json = looks_like_json (path);

  if (!prepare (self, path, storm_code, !json, error) ||
      !(json ? import_json (self, path, cancellable, progress, error)
             : import_csv (self, path, cancellable, progress, error)))
    return FALSE;
  /* Each property's hail exposure is written as it joins the storm. The
   * storm's reports did not change, so the exposure of its other
   * properties still holds: no storm_exposure_compute() pass needed. */
  storm_progress_report (progress, 0.9, _("Attaching properties to the storm…"));
  if (!attach_new (self, error) || !restore_indexes (self, error) ||
      !update_other_storms (self, cancellable, error))
    return FALSE;
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_CANCELLED, _("The import was cancelled; nothing was kept."));
      return FALSE;
    }
  return TRUE;
}

gboolean
storm_import_properties (StormDb            *db,
                         const char         *path,
                         const char         *storm_code,
                         StormImportResult  *result,
                         GCancellable       *cancellable,
                         StormProgress      *progress,
                         GError            **error)
{
  g_auto(Import) import = { 0 };
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  StormImportResult local_result;
  gint64 started = g_get_monotonic_time ();
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (storm_code != NULL && *storm_code != '\0', FALSE);

  if (result == NULL)
    {
      storm_import_result_init (&local_result);
      result = &local_result;
    }
  name = g_filename_display_basename (path);
  import.db = db;
  import.result = result;
  import.name = name;

  ok = storm_db_begin (db, &local_error);
  if (ok)
    {
      if (cancellable != NULL)
        sqlite3_progress_handler (storm_db_handle (db), 10000, cancel_cb, cancellable);
      ok = run (&import, path, storm_code, cancellable, progress, &local_error);
      if (cancellable != NULL)
        sqlite3_progress_handler (storm_db_handle (db), 0, NULL, NULL);
      if (ok)
        {
          _storm_import_log (db, "import-properties", path, "ok", started, result, NULL);
          ok = storm_db_commit (db, &local_error);
        }
      if (!ok)
        storm_db_rollback (db);
    }

  if (!ok)
    {
      /* an interrupted statement reports a database error */
      gboolean cancelled = g_cancellable_is_cancelled (cancellable) ||
                           g_error_matches (local_error, STORM_ERROR, STORM_ERROR_CANCELLED);

      if (cancelled && !g_error_matches (local_error, STORM_ERROR, STORM_ERROR_CANCELLED))
        {
          g_clear_error (&local_error);
          g_set_error (&local_error, STORM_ERROR, STORM_ERROR_CANCELLED, _("The import was cancelled; nothing was kept."));
        }
      _storm_import_log (db, "import-properties", path, cancelled ? "cancelled" : "failed", started, result, local_error);
      result->storm_id = 0;
      result->storm_created = FALSE;
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  else
    storm_progress_report (progress, 1.0, _("Properties imported"));

  if (result == &local_result)
    storm_import_result_clear (&local_result);
  return ok;
}
