#define G_LOG_DOMAIN "storm-import-reports"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storm-csv.h"
#include "storm-error.h"
#include "storm-import-private.h"
#include "storm-store-storms.h"

/* Storm Events columns we read. */
typedef enum
{
  EV_YEARMONTH,
  EV_EVENT_ID,
  EV_STATE,
  EV_EVENT_TYPE,
  EV_CZ_NAME,
  EV_BEGIN_DATE_TIME,
  EV_CZ_TIMEZONE,
  EV_MAGNITUDE,
  EV_TOR_F_SCALE,
  EV_BEGIN_LOCATION,
  EV_BEGIN_LAT,
  EV_BEGIN_LON,
  EV_EVENT_NARRATIVE,
  N_EV
} EventColumn;

static const char * const event_columns[N_EV] = {
  [EV_YEARMONTH] = "BEGIN_YEARMONTH",
  [EV_EVENT_ID] = "EVENT_ID",
  [EV_STATE] = "STATE",
  [EV_EVENT_TYPE] = "EVENT_TYPE",
  [EV_CZ_NAME] = "CZ_NAME",
  [EV_BEGIN_DATE_TIME] = "BEGIN_DATE_TIME",
  [EV_CZ_TIMEZONE] = "CZ_TIMEZONE",
  [EV_MAGNITUDE] = "MAGNITUDE",
  [EV_TOR_F_SCALE] = "TOR_F_SCALE",
  [EV_BEGIN_LOCATION] = "BEGIN_LOCATION",
  [EV_BEGIN_LAT] = "BEGIN_LAT",
  [EV_BEGIN_LON] = "BEGIN_LON",
  [EV_EVENT_NARRATIVE] = "EVENT_NARRATIVE",
};

/* Storm Events types kept, and the kind each becomes. */
static const struct
{
  const char *event_type;
  const char *kind;
} event_kinds[] = {
  { "Hail", "hail" },
  { "Thunderstorm Wind", "wind" },
  { "High Wind", "wind" },
  { "Strong Wind", "wind" },
  { "Tornado", "tornado" },
  { "Funnel Cloud", "tornado" },
};

/* SPC columns, by position in a section header. */
typedef enum
{
  SPC_TIME,
  SPC_MAGNITUDE,
  SPC_LOCATION,
  SPC_COUNTY,
  SPC_STATE,
  SPC_LAT,
  SPC_LON,
  SPC_COMMENTS,
  N_SPC
} SpcColumn;

static const char * const spc_columns[N_SPC][2] = {
  [SPC_TIME] = { "Time" },
  [SPC_MAGNITUDE] = { "Size", "Speed" },
  [SPC_LOCATION] = { "Location" },
  [SPC_COUNTY] = { "County" },
  [SPC_STATE] = { "State" },
  [SPC_LAT] = { "Lat" },
  [SPC_LON] = { "Lon" },
  [SPC_COMMENTS] = { "Comments", "Remarks" },
};

typedef struct
{
  const char *kind;
  char        at[24];          /* ISO 8601 UTC, "" when the day is unknown */
  char        hhmm[5];         /* SPC time of day when at is unknown */
  double      magnitude;       /* NAN: unknown */
  const char *unit;
  const char *location;
  const char *county;
  const char *state;
  double      lat;             /* NAN: no position */
  double      lon;
  const char *comments;
  const char *source;
  const char *source_ref;
} Report;

typedef struct
{
  StormDb                 *db;
  StormImportResult       *result;
  StormCsv                *csv;
  const char              *name;
  const char              *filter_state;
  const char              *from;
  const char              *to;
  gint64                   storm_id;
  sqlite3_stmt            *insert;
  GString                 *key;
  GString                 *ref;

  /* SPC: the current section */
  const char              *kind;
  const char              *unit;
  double                   max_magnitude;
  double                   scale;
  guint                    n_header;
  int                      spc[N_SPC];
  char                    *spc_names[N_SPC];   /* as the header spells them */
  char                     day[11];       /* report day, "" when unknown */

  /* Storm Events */
  int                      ev[N_EV];
} Import;

static void
import_clear (Import *self)
{
  g_clear_pointer (&self->insert, sqlite3_finalize);
  g_clear_pointer (&self->csv, storm_csv_free);
  for (int c = 0; c < N_SPC; c++)
    g_clear_pointer (&self->spc_names[c], g_free);
  if (self->key != NULL)
    g_string_free (g_steal_pointer (&self->key), TRUE);
  if (self->ref != NULL)
    g_string_free (g_steal_pointer (&self->ref), TRUE);
}

static StormImportPlace
place_here (Import *self)
{
  StormImportPlace place = { .file = self->name, .line = storm_csv_get_line (self->csv) };

  return place;
}

static gboolean
row_error (Import      *self,
           const char  *field,
           GError     **error,
           const char  *format,
           ...) G_GNUC_PRINTF (4, 5);

static gboolean
row_error (Import      *self,
           const char  *field,
           GError     **error,
           const char  *format,
           ...)
{
  StormImportPlace place = place_here (self);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  _storm_import_error (error, &place, field, "%s", what);
  return FALSE;
}

static void
add_days (const char *day,
          int         days,
          char        out[11])
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, atoi (day + 8), atoi (day + 5), atoi (day));
  g_date_add_days (&date, days);
  g_snprintf (out, 11, "%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date));
}

/* Writes one report unless the filters leave it out or the storm has it.
 * @no_position_warning is noted when a report without a position is kept. */
static gboolean
add_report (Import        *self,
            const Report  *report,
            const char    *no_position_warning,
            GError       **error)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  int rc;

  if ((self->from != NULL || self->to != NULL) && report->at[0] == '\0')
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("%s: SPC daily reports carry only the time of day; give the report date "
                     "(YYYY-MM-DD) to filter them by date"), self->name);
      return FALSE;
    }
  if ((self->filter_state != NULL &&
       (report->state == NULL || g_ascii_strcasecmp (report->state, self->filter_state) != 0)) ||
      (self->from != NULL && strncmp (report->at, self->from, 10) < 0) ||
      (self->to != NULL && strncmp (report->at, self->to, 10) > 0))
    {
      self->result->n_skipped++;
      return TRUE;
    }

  /* Same kind, time, position, magnitude and place: the same report,
   * whichever file brought it. */
  g_string_truncate (self->key, 0);
  g_string_append (self->key, report->kind);
  g_string_append_c (self->key, '|');
  g_string_append (self->key, report->at[0] ? report->at : report->hhmm);
  g_string_append_c (self->key, '|');
  if (!isnan (report->lat))
    {
      g_string_append (self->key, g_ascii_formatd (num, sizeof num, "%.4f", report->lat));
      g_string_append_c (self->key, '|');
      g_string_append (self->key, g_ascii_formatd (num, sizeof num, "%.4f", report->lon));
    }
  else
    g_string_append_c (self->key, '|');
  g_string_append_c (self->key, '|');
  if (!isnan (report->magnitude))
    {
      g_string_append (self->key, g_ascii_formatd (num, sizeof num, "%g", report->magnitude));
      g_string_append (self->key, report->unit);
    }
  g_string_append_c (self->key, '|');
  for (const char *p = report->location ? report->location : ""; *p; p++)
    g_string_append_c (self->key, g_ascii_toupper (*p));

  sqlite3_bind_int64 (self->insert, 1, self->storm_id);
  if (report->at[0])
    sqlite3_bind_text (self->insert, 2, report->at, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (self->insert, 2);
  sqlite3_bind_text (self->insert, 3, report->kind, -1, SQLITE_STATIC);
  /* an unknown magnitude has no unit either */
  if (isnan (report->magnitude))
    {
      sqlite3_bind_null (self->insert, 4);
      sqlite3_bind_null (self->insert, 5);
    }
  else
    {
      sqlite3_bind_double (self->insert, 4, report->magnitude);
      sqlite3_bind_text (self->insert, 5, report->unit, -1, SQLITE_STATIC);
    }
  sqlite3_bind_text (self->insert, 6, report->location, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->insert, 7, report->county, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->insert, 8, report->state, -1, SQLITE_STATIC);
  if (isnan (report->lat))
    {
      sqlite3_bind_null (self->insert, 9);
      sqlite3_bind_null (self->insert, 10);
    }
  else
    {
      sqlite3_bind_double (self->insert, 9, report->lat);
      sqlite3_bind_double (self->insert, 10, report->lon);
    }
  if (_storm_text_is_blank (report->comments))
    sqlite3_bind_null (self->insert, 11);
  else
    sqlite3_bind_text (self->insert, 11, report->comments, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->insert, 12, report->source, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->insert, 13, report->source_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->insert, 14, self->key->str, self->key->len, SQLITE_STATIC);

  rc = sqlite3_step (self->insert);
  sqlite3_reset (self->insert);
  if (rc != SQLITE_DONE)
    return storm_db_fail (self->db, error, "writing a storm report");
  if (sqlite3_changes (storm_db_handle (self->db)) == 0)
    {
      self->result->n_duplicates++;
      return TRUE;
    }
  self->result->n_inserted++;
  if (isnan (report->lat))
    {
      StormImportPlace place = place_here (self);

      _storm_import_warn (self->result, &place, "%s", no_position_warning);
    }
  return TRUE;
}

/* Latitude and longitude from two fields. Both blank: no position (the
 * caller decides whether that is allowed). */
static gboolean
parse_position (Import      *self,
                const char  *lat_name,
                const char  *lat_text,
                const char  *lon_name,
                const char  *lon_text,
                double      *lat,
                double      *lon,
                GError     **error)
{
  StormImportPlace place = place_here (self);

  *lat = *lon = NAN;
  if (_storm_text_is_blank (lat_text) && _storm_text_is_blank (lon_text))
    return TRUE;
  return _storm_parse_position (&place, lat_name, lat_text, lon_name, lon_text, lat, lon, error);
}

/* ---- NOAA SPC daily reports ---- */

/* A section header "Time,Size,Location,…" (or Speed, F_Scale; the raw
 * variant says Size(1/100in.), Speed(MPH), EF_Scale, LAT, LON, Remarks). */
static gboolean
spc_header (Import  *self,
            GError **error)
{
  StormCsv *csv = self->csv;
  const char *magnitude = storm_csv_get_field (csv, 1);

  if (g_ascii_strncasecmp (magnitude, "Size", 4) == 0)
    {
      self->kind = "hail";
      self->unit = "in";
      /* hundredths of an inch in both variants */
      self->scale = 0.01;
      self->max_magnitude = 1000;
    }
  else if (g_ascii_strncasecmp (magnitude, "Speed", 5) == 0)
    {
      self->kind = "wind";
      self->unit = strstr (magnitude, "MPH") || strstr (magnitude, "mph") ? "mph" : "kt";
      self->scale = 1.0;
      self->max_magnitude = 300;
    }
  else if (g_ascii_strcasecmp (magnitude, "F_Scale") == 0 || g_ascii_strcasecmp (magnitude, "EF_Scale") == 0)
    {
      self->kind = "tornado";
      self->unit = "EF";
      self->scale = 1.0;
      self->max_magnitude = 5;
    }
  else
    return row_error (self, NULL, error,
                      _("unknown SPC section “%s” (expected Size, Speed or F_Scale after Time)"), magnitude);
  self->n_header = storm_csv_get_n_fields (csv);
  storm_csv_use_as_header (csv);

  for (int c = 0; c < N_SPC; c++)
    {
      self->spc[c] = -1;
      g_clear_pointer (&self->spc_names[c], g_free);
    }
  for (guint i = 0; i < self->n_header; i++)
    {
      const char *name = storm_csv_get_field (csv, i);

      if (i == 1)
        {
          self->spc[SPC_MAGNITUDE] = 1;
          continue;
        }
      for (int c = 0; c < N_SPC; c++)
        for (guint a = 0; a < G_N_ELEMENTS (spc_columns[c]) && spc_columns[c][a] != NULL; a++)
          if (g_ascii_strcasecmp (name, spc_columns[c][a]) == 0 && self->spc[c] < 0)
            self->spc[c] = i;
    }
  for (int c = 0; c < N_SPC; c++)
    {
      if (self->spc[c] < 0)
        return row_error (self, NULL, error, _("the SPC header has no column “%s”"), spc_columns[c][0]);
      self->spc_names[c] = g_strdup (storm_csv_get_field (csv, self->spc[c]));
    }
  return TRUE;
}

/* "Raw Hail LSR for 130401 12Z to 11:59Z the next day": the report day. */
static void
spc_title (Import     *self,
           const char *title)
{
  const char *p = strstr (title, " for ");

  if (p == NULL || strspn (p + 5, "0123456789") != 6)
    return;
  p += 5;
  g_snprintf (self->day, sizeof self->day, "20%c%c-%c%c-%c%c", p[0], p[1], p[2], p[3], p[4], p[5]);
  if (!_storm_is_iso_date (self->day))
    self->day[0] = '\0';
}

static gboolean
spc_row (Import  *self,
         GError **error)
{
  StormCsv *csv = self->csv;
  const char *time = storm_csv_get_field (csv, self->spc[SPC_TIME]);
  const char *magnitude = storm_csv_get_field (csv, self->spc[SPC_MAGNITUDE]);
  g_autofree char *joined = NULL;
  guint n = storm_csv_get_n_fields (csv);
  Report report = {
    .kind = self->kind,
    .unit = self->unit,
    .magnitude = NAN,
    .location = storm_csv_get_field (csv, self->spc[SPC_LOCATION]),
    .county = storm_csv_get_field (csv, self->spc[SPC_COUNTY]),
    .state = storm_csv_get_field (csv, self->spc[SPC_STATE]),
    .comments = storm_csv_get_field (csv, self->spc[SPC_COMMENTS]),
    .source = "spc",
  };
  gsize time_len = strlen (time);
  int hh, mm;
  double v;

  if (n < self->n_header)
    return row_error (self, NULL, error, _("%u fields, but the header has %u"), n, self->n_header);
  if (n > self->n_header)
    {
      /* Comments are free text that SPC does not quote: put its commas back. */
      if ((guint) self->spc[SPC_COMMENTS] != self->n_header - 1)
        return row_error (self, NULL, error, _("%u fields, but the header has %u"), n, self->n_header);
      report.comments = joined = storm_csv_join_from (csv, self->spc[SPC_COMMENTS]);
    }

  if ((time_len != 3 && time_len != 4) || strspn (time, "0123456789") != time_len)
    return row_error (self, self->spc_names[SPC_TIME], error,
                      _("“%s” is not a time of day (expected HHMM)"), time);
  g_snprintf (report.hhmm, sizeof report.hhmm, "%04d", atoi (time));
  hh = atoi (report.hhmm) / 100;
  mm = atoi (report.hhmm) % 100;
  if (hh > 23 || mm > 59)
    return row_error (self, self->spc_names[SPC_TIME], error,
                      _("“%s” is not a time of day (expected HHMM)"), time);

  if (!_storm_text_is_blank (magnitude) && g_ascii_strcasecmp (magnitude, "UNK") != 0)
    {
      const char *digits = magnitude;
      const char *field = self->spc_names[SPC_MAGNITUDE];

      if (strcmp (self->kind, "tornado") == 0)
        {
          if (g_ascii_strncasecmp (digits, "EF", 2) == 0)
            digits += 2;
          else if (g_ascii_toupper (digits[0]) == 'F')
            digits += 1;
        }
      if (!_storm_parse_double (digits, &v))
        return row_error (self, field, error, _("“%s” is not a number or UNK"), magnitude);
      if (v < 0)
        return row_error (self, field, error, _("“%s” is negative; sizes and speeds are at least 0"), magnitude);
      if (v > self->max_magnitude)
        {
          char max[G_ASCII_DTOSTR_BUF_SIZE];

          return row_error (self, field, error, _("“%s” is not plausible (at most %s)"), magnitude,
                            g_ascii_formatd (max, sizeof max, "%g", self->max_magnitude));
        }
      report.magnitude = v * self->scale;
    }

  if (!parse_position (self,
                       self->spc_names[SPC_LAT], storm_csv_get_field (csv, self->spc[SPC_LAT]),
                       self->spc_names[SPC_LON], storm_csv_get_field (csv, self->spc[SPC_LON]),
                       &report.lat, &report.lon, error))
    return FALSE;

  if (self->day[0] != '\0')
    {
      char day[11];

      /* the SPC day runs 12Z to 11:59Z: earlier times are the next day */
      if (hh < 12)
        add_days (self->day, 1, day);
      else
        memcpy (day, self->day, sizeof day);
      g_snprintf (report.at, sizeof report.at, "%sT%02d:%02d:00Z", day, hh, mm);
    }

  g_string_printf (self->ref, "%s:%" G_GUINT64_FORMAT, self->name, storm_csv_get_line (csv));
  if (report.at[0] == '\0')
    g_string_append_printf (self->ref, " %sZ", report.hhmm);
  report.source_ref = self->ref->str;
  return add_report (self, &report, _("no coordinates; kept without a position"), error);
}

static gboolean
import_spc (Import        *self,
            GCancellable  *cancellable,
            StormProgress *progress,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean have_header = FALSE;

  /* the first record was read to recognise the format */
  do
    {
      StormCsv *csv = self->csv;
      const char *first = storm_csv_get_field (csv, 0);
      guint n = storm_csv_get_n_fields (csv);
      gboolean blank = TRUE;

      if (n == 1 && g_str_has_prefix (first, "Raw "))
        {
          spc_title (self, first);
          continue;
        }
      if (g_ascii_strcasecmp (first, "Time") == 0)
        {
          if (!spc_header (self, error))
            return FALSE;
          have_header = TRUE;
          continue;
        }
      for (guint i = 0; i < n && blank; i++)
        blank = _storm_text_is_blank (storm_csv_get_field (csv, i));
      if (blank)
        continue;
      if (!have_header)
        return row_error (self, NULL, error, _("expected the SPC header “Time,Size,…”, “Time,Speed,…” or “Time,F_Scale,…”"));

      self->result->n_rows++;
      if ((self->result->n_rows & 1023) == 0)
        {
          if (g_cancellable_is_cancelled (cancellable))
            {
              g_set_error (error, STORM_ERROR, STORM_ERROR_CANCELLED, _("The import was cancelled; nothing was kept."));
              return FALSE;
            }
          storm_progress_report (progress, storm_csv_get_fraction (csv) * 0.9, _("Importing storm reports…"));
        }
      if (!spc_row (self, error))
        return FALSE;
    }
  while (storm_csv_next (self->csv, cancellable, &local_error));

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* ---- NOAA Storm Events details ---- */

static gboolean
events_header (Import  *self,
               GError **error)
{
  StormCsv *csv = self->csv;

  for (int c = 0; c < N_EV; c++)
    self->ev[c] = -1;
  self->n_header = storm_csv_get_n_fields (csv);
  storm_csv_use_as_header (csv);
  for (guint i = 0; i < self->n_header; i++)
    for (int c = 0; c < N_EV; c++)
      if (g_ascii_strcasecmp (g_strstrip ((char *) storm_csv_get_field (csv, i)), event_columns[c]) == 0)
        self->ev[c] = i;
  for (int c = 0; c < N_EV; c++)
    if (self->ev[c] < 0)
      return row_error (self, NULL, error, _("the Storm Events header has no column “%s”"), event_columns[c]);
  return TRUE;
}

/* Hours to add to local time to get UTC: "CST-6" → 6. Older files give
 * the zone name alone. */
static gboolean
zone_offset (const char *zone,
             int        *to_utc)
{
  static const struct
  {
    const char *name;
    int         offset;
  } zones[] = {
    { "UTC", 0 }, { "GMT", 0 }, { "AST", -4 }, { "EST", -5 }, { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 },
    { "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 }, { "AKST", -9 }, { "AKDT", -8 },
    { "HST", -10 }, { "SST", -11 }, { "GST", 10 }, { "CHST", 10 },
  };
  const char *p = zone;
  char *end = NULL;
  gint64 offset;

  while (g_ascii_isalpha (*p))
    p++;
  if (*p == '-' || *p == '+')
    {
      offset = g_ascii_strtoll (p, &end, 10);
      if (end != p && *end == '\0' && offset >= -14 && offset <= 14)
        {
          *to_utc = (int) -offset;
          return TRUE;
        }
      return FALSE;
    }
  if (*p != '\0')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    if (g_ascii_strcasecmp (zone, zones[i].name) == 0)
      {
        *to_utc = -zones[i].offset;
        return TRUE;
      }
  return FALSE;
}

/* "07-JAN-19 15:58:00" in zone "CST-6" → "2019-01-07T21:58:00Z". */
static gboolean
events_time (Import      *self,
             char         at[24],
             GError     **error)
{
  static const char * const months[] = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
  };
  StormCsv *csv = self->csv;
  const char *text = storm_csv_get_field (csv, self->ev[EV_BEGIN_DATE_TIME]);
  const char *zone = storm_csv_get_field (csv, self->ev[EV_CZ_TIMEZONE]);
  const char *yearmonth = storm_csv_get_field (csv, self->ev[EV_YEARMONTH]);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *formatted = NULL;
  int day, year, hour, minute, second, month = 0, to_utc;
  char mon[4] = { 0 };

  if (sscanf (text, "%2d-%3[A-Za-z]-%2d %2d:%2d:%2d", &day, mon, &year, &hour, &minute, &second) != 6)
    return row_error (self, event_columns[EV_BEGIN_DATE_TIME], error,
                      _("“%s” is not a date and time (expected DD-MON-YY HH:MM:SS)"), text);
  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (g_ascii_strcasecmp (mon, months[i]) == 0)
      month = i + 1;
  /* the two-digit year takes its century from BEGIN_YEARMONTH */
  if (strlen (yearmonth) == 6 && strspn (yearmonth, "0123456789") == 6)
    year += atoi (yearmonth) / 10000 * 100;
  else
    year += year < 50 ? 2000 : 1900;
  if (month > 0)
    local = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (local == NULL)
    return row_error (self, event_columns[EV_BEGIN_DATE_TIME], error,
                      _("“%s” is not a date and time (expected DD-MON-YY HH:MM:SS)"), text);
  if (!zone_offset (zone, &to_utc))
    return row_error (self, event_columns[EV_CZ_TIMEZONE], error,
                      _("“%s” is not a time zone (expected a name and offset such as CST-6)"), zone);
  utc = g_date_time_add_hours (local, to_utc);
  formatted = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  g_strlcpy (at, formatted, 24);
  return TRUE;
}

static gboolean
events_magnitude (Import      *self,
                  Report      *report,
                  GError     **error)
{
  StormCsv *csv = self->csv;
  const char *name;
  const char *raw;
  const char *text;
  double v, max;

  if (strcmp (report->kind, "tornado") == 0)
    {
      name = event_columns[EV_TOR_F_SCALE];
      raw = text = storm_csv_get_field (csv, self->ev[EV_TOR_F_SCALE]);
      report->unit = "EF";
      max = 5;
      /* EF1 or F1 is a rating; EFU (unknown) and a funnel cloud have none */
      if (g_ascii_strncasecmp (text, "EF", 2) == 0)
        text += 2;
      else if (g_ascii_toupper (text[0]) == 'F')
        text += 1;
      if (_storm_text_is_blank (text) || g_ascii_strcasecmp (text, "U") == 0)
        return TRUE;
    }
  else
    {
      name = event_columns[EV_MAGNITUDE];
      raw = text = storm_csv_get_field (csv, self->ev[EV_MAGNITUDE]);
      report->unit = strcmp (report->kind, "hail") == 0 ? "in" : "kt";
      max = strcmp (report->kind, "hail") == 0 ? 10 : 300;
      if (_storm_text_is_blank (text))
        return TRUE;
    }
  if (!_storm_parse_double (text, &v))
    return row_error (self, name, error, _("“%s” is not a number"), raw);
  if (v < 0)
    return row_error (self, name, error, _("“%s” is negative; sizes and speeds are at least 0"), raw);
  if (v > max)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return row_error (self, name, error, _("“%s” is not plausible (at most %s)"), raw,
                        g_ascii_formatd (buf, sizeof buf, "%g", max));
    }
  report->magnitude = v;
  return TRUE;
}

static gboolean
events_row (Import  *self,
            GError **error)
{
  StormCsv *csv = self->csv;
  const char *type = storm_csv_get_field (csv, self->ev[EV_EVENT_TYPE]);
  const char *state = storm_csv_get_field (csv, self->ev[EV_STATE]);
  const char *location = storm_csv_get_field (csv, self->ev[EV_BEGIN_LOCATION]);
  guint n = storm_csv_get_n_fields (csv);
  Report report = {
    .magnitude = NAN,
    .county = storm_csv_get_field (csv, self->ev[EV_CZ_NAME]),
    .comments = storm_csv_get_field (csv, self->ev[EV_EVENT_NARRATIVE]),
    .source = "ncei-storm-events",
    .source_ref = storm_csv_get_field (csv, self->ev[EV_EVENT_ID]),
  };

  if (n != self->n_header)
    return row_error (self, NULL, error, _("%u fields, but the header has %u"), n, self->n_header);

  for (guint i = 0; i < G_N_ELEMENTS (event_kinds); i++)
    if (g_ascii_strcasecmp (type, event_kinds[i].event_type) == 0)
      report.kind = event_kinds[i].kind;
  if (report.kind == NULL)
    {
      /* floods, drought, winter weather… are not roof damage reports */
      self->result->n_skipped++;
      return TRUE;
    }

  report.state = _storm_us_state_code (state);
  if (report.state == NULL)
    report.state = state;
  report.location = _storm_text_is_blank (location) ? report.county : location;

  if (!events_time (self, report.at, error) ||
      !events_magnitude (self, &report, error) ||
      !parse_position (self,
                       event_columns[EV_BEGIN_LAT], storm_csv_get_field (csv, self->ev[EV_BEGIN_LAT]),
                       event_columns[EV_BEGIN_LON], storm_csv_get_field (csv, self->ev[EV_BEGIN_LON]),
                       &report.lat, &report.lon, error))
    return FALSE;
  if (isnan (report.lat))
    {
      g_autofree char *warning = g_strdup_printf (_("%s in “%s” has no coordinates; kept without a position"),
                                                  type, report.county);

      return add_report (self, &report, warning, error);
    }
  return add_report (self, &report, NULL, error);
}

static gboolean
import_events (Import        *self,
               GCancellable  *cancellable,
               StormProgress *progress,
               GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!events_header (self, error))
    return FALSE;
  while (storm_csv_next (self->csv, cancellable, &local_error))
    {
      self->result->n_rows++;
      if ((self->result->n_rows & 1023) == 0)
        {
          if (g_cancellable_is_cancelled (cancellable))
            {
              g_set_error (error, STORM_ERROR, STORM_ERROR_CANCELLED, _("The import was cancelled; nothing was kept."));
              return FALSE;
            }
          storm_progress_report (progress, storm_csv_get_fraction (self->csv) * 0.9, _("Importing storm reports…"));
        }
      if (!events_row (self, error))
        return FALSE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* ---- both ---- */

static char *
code_from_file (const char *prefix,
                const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  for (char *p = base; *p; p++)
    *p = g_ascii_isalnum (*p) ? g_ascii_toupper (*p) : '_';
  return g_strconcat (prefix, base, NULL);
}

static gboolean
check_filter (const StormReportFilter  *filter,
              const char              **state,
              GError                  **error)
{
  *state = NULL;
  if (filter == NULL)
    return TRUE;
  if (!_storm_text_is_blank (filter->state))
    {
      *state = _storm_us_state_code (filter->state);
      if (*state == NULL)
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                       _("“%s” is not a US state; give its two-letter code, such as TX"), filter->state);
          return FALSE;
        }
    }
  if ((filter->from != NULL && !_storm_is_iso_date (filter->from)) ||
      (filter->to != NULL && !_storm_is_iso_date (filter->to)) ||
      (filter->date != NULL && !_storm_is_iso_date (filter->date)))
    {
      const char *bad = filter->from != NULL && !_storm_is_iso_date (filter->from) ? filter->from
                      : filter->to != NULL && !_storm_is_iso_date (filter->to) ? filter->to
                      : filter->date;

      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("“%s” is not a date; write dates as YYYY-MM-DD"), bad);
      return FALSE;
    }
  if (filter->from != NULL && filter->to != NULL && strcmp (filter->from, filter->to) > 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_INVALID,
                   _("The date range ends (%s) before it starts (%s)."), filter->to, filter->from);
      return FALSE;
    }
  return TRUE;
}

static gboolean
run (Import                  *self,
     const char              *path,
     const char              *storm_code,
     const StormReportFilter *filter,
     GCancellable            *cancellable,
     StormProgress           *progress,
     GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *code = NULL;
  StormStormSpec spec = { 0 };
  StormCsv *csv;
  const char *first;
  gboolean events;

  csv = self->csv = storm_csv_new_for_path (path, cancellable, error);
  if (csv == NULL)
    return FALSE;
  if (!storm_csv_next (csv, cancellable, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, _("%s: the file is empty"), self->name);
      return FALSE;
    }

  first = storm_csv_get_field (csv, 0);
  events = g_ascii_strcasecmp (first, "BEGIN_YEARMONTH") == 0;
  if (!events && g_ascii_strcasecmp (first, "Time") != 0 &&
      !(storm_csv_get_n_fields (csv) == 1 && g_str_has_prefix (first, "Raw ")))
    return row_error (self, NULL, error,
                      _("not a NOAA storm report file: expected an SPC header (“Time,Size,…”, “Time,Speed,…”, "
                        "“Time,F_Scale,…”) or a Storm Events header (“BEGIN_YEARMONTH,…”)"));

  code = storm_code != NULL ? g_strdup (storm_code) : code_from_file (events ? "NCEI_" : "SPC_", path);
  spec.code = code;
  spec.name = storm_code != NULL ? storm_code : self->name;
  spec.kind = "hail";
  spec.region = self->filter_state;
  self->storm_id = storm_db_ensure_storm (self->db, &spec, &self->result->storm_created, error);
  if (self->storm_id == 0)
    return FALSE;
  self->result->storm_id = self->storm_id;

  self->insert = storm_db_prepare (self->db,
                                   "INSERT INTO storm_reports (storm_id, at, kind, magnitude, unit, location, county, "
                                   "                           state, lat, lon, comments, source, source_ref, dedup_key) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
                                   "ON CONFLICT (storm_id, dedup_key) DO NOTHING",
                                   error);
  if (self->insert == NULL)
    return FALSE;
  self->key = g_string_new (NULL);
  self->ref = g_string_new (NULL);
  if (filter != NULL && filter->date != NULL)
    g_strlcpy (self->day, filter->date, sizeof self->day);

  if (events ? !import_events (self, cancellable, progress, error)
             : !import_spc (self, cancellable, progress, error))
    return FALSE;
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_CANCELLED, _("The import was cancelled; nothing was kept."));
      return FALSE;
    }

  storm_progress_report (progress, 0.9, _("Computing hail exposure…"));
  return storm_db_widen_storm (self->db, self->storm_id, error) &&
         storm_exposure_compute (self->db, self->storm_id, STORM_EXPOSURE_RADIUS_KM, cancellable, NULL, error);
}

gboolean
storm_import_reports (StormDb                 *db,
                      const char              *path,
                      const char              *storm_code,
                      const StormReportFilter *filter,
                      StormImportResult       *result,
                      GCancellable            *cancellable,
                      StormProgress           *progress,
                      GError                 **error)
{
  Import import = { 0 };
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  StormImportResult local_result;
  gint64 started = g_get_monotonic_time ();
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (result == NULL)
    {
      storm_import_result_init (&local_result);
      result = &local_result;
    }
  name = g_filename_display_basename (path);
  import.db = db;
  import.result = result;
  import.name = name;
  if (filter != NULL)
    {
      import.from = filter->from;
      import.to = filter->to;
    }

  ok = check_filter (filter, &import.filter_state, &local_error) && storm_db_begin (db, &local_error);
  if (ok)
    {
      ok = run (&import, path, storm_code, filter, cancellable, progress, &local_error);
      if (ok)
        {
          _storm_import_log (db, "import-reports", path, "ok", started, result, NULL);
          ok = storm_db_commit (db, &local_error);
        }
      if (!ok)
        storm_db_rollback (db);
    }
  import_clear (&import);

  if (!ok)
    {
      /* an interrupted read or statement reports its own error */
      gboolean cancelled = g_cancellable_is_cancelled (cancellable) ||
                           g_error_matches (local_error, STORM_ERROR, STORM_ERROR_CANCELLED);

      if (cancelled && !g_error_matches (local_error, STORM_ERROR, STORM_ERROR_CANCELLED))
        {
          g_clear_error (&local_error);
          g_set_error (&local_error, STORM_ERROR, STORM_ERROR_CANCELLED, _("The import was cancelled; nothing was kept."));
        }
      _storm_import_log (db, "import-reports", path, cancelled ? "cancelled" : "failed", started, result, local_error);
      result->storm_id = 0;
      result->storm_created = FALSE;
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  else
    storm_progress_report (progress, 1.0, _("Storm reports imported"));

  if (result == &local_result)
    storm_import_result_clear (&local_result);
  return ok;
}
