#define G_LOG_DOMAIN "storm-import"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storm-error.h"
#include "storm-import-private.h"

void
storm_import_result_init (StormImportResult *result)
{
  g_return_if_fail (result != NULL);

  memset (result, 0, sizeof *result);
  result->warnings = g_ptr_array_new_with_free_func (g_free);
}

void
storm_import_result_clear (StormImportResult *result)
{
  g_return_if_fail (result != NULL);

  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  memset (result, 0, sizeof *result);
}

char *
_storm_import_where (const StormImportPlace *place)
{
  if (place->line > 0)
    return g_strdup_printf ("%s:%" G_GUINT64_FORMAT, place->file, place->line);
  if (place->item > 0)
    {
      g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, place->item);

      /* TRANSLATORS: first %s is a file name, second the number of an entry in it */
      return place->is_feature ? g_strdup_printf (_("%s: feature %s"), place->file, n)
                               : g_strdup_printf (_("%s: item %s"), place->file, n);
    }
  return g_strdup (place->file);
}

void
_storm_import_error (GError                 **error,
                     const StormImportPlace  *place,
                     const char              *field,
                     const char              *format,
                     ...)
{
  g_autofree char *at = _storm_import_where (place);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (field != NULL)
    /* TRANSLATORS: “dallas.csv:17: field “lat”: “abc” is not a number” */
    g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, _("%s: field “%s”: %s"), at, field, what);
  else
    g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, "%s: %s", at, what);
}

void
_storm_import_warn (StormImportResult      *result,
                    const StormImportPlace *place,
                    const char             *format,
                    ...)
{
  g_autofree char *at = NULL;
  g_autofree char *what = NULL;
  va_list args;

  result->n_warnings++;
  if (result->warnings == NULL)
    result->warnings = g_ptr_array_new_with_free_func (g_free);
  if (result->warnings->len >= STORM_IMPORT_MAX_WARNINGS)
    return;

  at = _storm_import_where (place);
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (result->warnings, g_strdup_printf ("%s: %s", at, what));
}

gboolean
_storm_text_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* Plain decimals such as "-96.785576" without strtod: when the digits
 * fit in 2^53 and there are at most 22 decimals, digits / 10^decimals is
 * one correctly rounded IEEE division, so the result is the same double
 * strtod gives. Anything else returns FALSE and goes the long way. */
static gboolean
parse_plain_decimal (const char *p,
                     double     *value)
{
  static const double powers[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  };
  gboolean negative = FALSE;
  guint64 digits = 0;
  int n_digits = 0, decimals = 0;

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  for (; g_ascii_isdigit (*p); p++, n_digits++)
    digits = digits * 10 + (guint64) (*p - '0');
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++, n_digits++, decimals++)
      digits = digits * 10 + (guint64) (*p - '0');
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '\0' || n_digits == 0 || n_digits > 15 || decimals > 22)
    return FALSE;
  *value = (double) digits / powers[decimals];
  if (negative)
    *value = -*value;
  return TRUE;
}

gboolean
_storm_parse_double (const char *text,
                     double     *value)
{
  const char *p = text;
  char *end = NULL;
  double v;

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*p))
    p++;
  if (parse_plain_decimal (p, value))
    return TRUE;
  /* strtod also reads "nan", "inf" and hex, which no data file means */
  {
    const char *d = (*p == '-' || *p == '+') ? p + 1 : p;

    if (!(g_ascii_isdigit (*d) || (*d == '.' && g_ascii_isdigit (d[1]))))
      return FALSE;
    if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
      return FALSE;
  }
  v = g_ascii_strtod (p, &end);
  if (end == p)
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0' || !isfinite (v))
    return FALSE;
  *value = v;
  return TRUE;
}

gboolean
_storm_parse_position (const StormImportPlace  *place,
                       const char              *lat_name,
                       const char              *lat_text,
                       const char              *lon_name,
                       const char              *lon_text,
                       double                  *lat,
                       double                  *lon,
                       GError                 **error)
{
  if (!_storm_parse_double (lat_text, lat))
    {
      _storm_import_error (error, place, lat_name, _("“%s” is not a number"), lat_text);
      return FALSE;
    }
  if (!_storm_parse_double (lon_text, lon))
    {
      _storm_import_error (error, place, lon_name, _("“%s” is not a number"), lon_text);
      return FALSE;
    }
  if (fabs (*lat) > 90.0 && fabs (*lat) <= 180.0 && fabs (*lon) <= 90.0)
    {
      g_autofree char *at = _storm_import_where (place);

      g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                   _("%s: fields “%s” and “%s”: %s, %s look swapped (latitude must be between -90 and 90); "
                     "check which column holds which"),
                   at, lat_name, lon_name, lat_text, lon_text);
      return FALSE;
    }
  if (fabs (*lat) > 90.0)
    {
      _storm_import_error (error, place, lat_name, _("“%s” is out of range (expected -90 to 90)"), lat_text);
      return FALSE;
    }
  if (fabs (*lon) > 180.0)
    {
      _storm_import_error (error, place, lon_name, _("“%s” is out of range (expected -180 to 180)"), lon_text);
      return FALSE;
    }
  if (*lat == 0.0 && *lon == 0.0)
    {
      g_autofree char *at = _storm_import_where (place);

      g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                   _("%s: fields “%s” and “%s”: 0, 0 is not a position (it is off the coast of Africa); "
                     "give real coordinates"),
                   at, lat_name, lon_name);
      return FALSE;
    }
  return TRUE;
}

static const struct
{
  const char *name;
  gunichar    c;
} entities[] = {
  { "amp", '&' },
  { "lt", '<' },
  { "gt", '>' },
  { "quot", '"' },
  { "apos", '\'' },
  /* a no-break space in a name or address is only ever a space */
  { "nbsp", ' ' },
};

const char *
_storm_decode_entities (const char *text,
                        GString    *scratch)
{
  const char *p;

  if (text == NULL || strchr (text, '&') == NULL)
    return text;

  g_string_truncate (scratch, 0);
  for (p = text; *p; )
    {
      const char *semi;
      gunichar c = 0;

      if (*p != '&' || (semi = strchr (p, ';')) == NULL || semi - p > 10)
        {
          g_string_append_c (scratch, *p++);
          continue;
        }
      if (p[1] == '#')
        {
          char *end = NULL;
          guint64 n;

          if (p[2] == 'x' || p[2] == 'X')
            n = g_ascii_strtoull (p + 3, &end, 16);
          else
            n = g_ascii_strtoull (p + 2, &end, 10);
          if (end == semi && end > p + 2 && n > 0 && n <= G_MAXUINT32 && g_unichar_validate ((gunichar) n))
            c = (gunichar) n;
        }
      else
        {
          for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
            if ((gsize) (semi - p - 1) == strlen (entities[i].name) &&
                strncmp (p + 1, entities[i].name, semi - p - 1) == 0)
              c = entities[i].c;
        }
      if (c == 0)
        {
          g_string_append_c (scratch, *p++);
          continue;
        }
      g_string_append_unichar (scratch, c);
      p = semi + 1;
    }
  return scratch->str;
}

static const struct
{
  const char *code;
  const char *name;
} us_states[] = {
  { "AL", "ALABAMA" }, { "AK", "ALASKA" }, { "AZ", "ARIZONA" }, { "AR", "ARKANSAS" },
  { "CA", "CALIFORNIA" }, { "CO", "COLORADO" }, { "CT", "CONNECTICUT" }, { "DE", "DELAWARE" },
  { "DC", "DISTRICT OF COLUMBIA" }, { "FL", "FLORIDA" }, { "GA", "GEORGIA" }, { "HI", "HAWAII" },
  { "ID", "IDAHO" }, { "IL", "ILLINOIS" }, { "IN", "INDIANA" }, { "IA", "IOWA" },
  { "KS", "KANSAS" }, { "KY", "KENTUCKY" }, { "LA", "LOUISIANA" }, { "ME", "MAINE" },
  { "MD", "MARYLAND" }, { "MA", "MASSACHUSETTS" }, { "MI", "MICHIGAN" }, { "MN", "MINNESOTA" },
  { "MS", "MISSISSIPPI" }, { "MO", "MISSOURI" }, { "MT", "MONTANA" }, { "NE", "NEBRASKA" },
  { "NV", "NEVADA" }, { "NH", "NEW HAMPSHIRE" }, { "NJ", "NEW JERSEY" }, { "NM", "NEW MEXICO" },
  { "NY", "NEW YORK" }, { "NC", "NORTH CAROLINA" }, { "ND", "NORTH DAKOTA" }, { "OH", "OHIO" },
  { "OK", "OKLAHOMA" }, { "OR", "OREGON" }, { "PA", "PENNSYLVANIA" }, { "RI", "RHODE ISLAND" },
  { "SC", "SOUTH CAROLINA" }, { "SD", "SOUTH DAKOTA" }, { "TN", "TENNESSEE" }, { "TX", "TEXAS" },
  { "UT", "UTAH" }, { "VT", "VERMONT" }, { "VA", "VIRGINIA" }, { "WA", "WASHINGTON" },
  { "WV", "WEST VIRGINIA" }, { "WI", "WISCONSIN" }, { "WY", "WYOMING" },
  { "AS", "AMERICAN SAMOA" }, { "GU", "GUAM" }, { "MP", "NORTHERN MARIANA ISLANDS" },
  { "PR", "PUERTO RICO" }, { "VI", "VIRGIN ISLANDS" },
};

const char *
_storm_us_state_code (const char *text)
{
  if (text == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (us_states); i++)
    if (g_ascii_strcasecmp (text, us_states[i].code) == 0 ||
        g_ascii_strcasecmp (text, us_states[i].name) == 0)
      return us_states[i].code;
  return NULL;
}

gboolean
_storm_is_iso_date (const char *text)
{
  int y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  return g_date_valid_dmy (d, m, y);
}

void
_storm_import_log (StormDb                 *db,
                   const char              *action,
                   const char              *path,
                   const char              *status,
                   gint64                   started_us,
                   const StormImportResult *result,
                   const GError            *error)
{
  g_autofree char *detail = NULL;
  g_autoptr(GError) log_error = NULL;

  if (error != NULL)
    detail = g_strdup (error->message);
  else
    detail = g_strdup_printf ("storm %" G_GINT64_FORMAT "%s: rows %" G_GINT64_FORMAT ", inserted %" G_GINT64_FORMAT
                              ", updated %" G_GINT64_FORMAT ", duplicates %" G_GINT64_FORMAT
                              ", skipped %" G_GINT64_FORMAT ", warnings %" G_GINT64_FORMAT,
                              result->storm_id, result->storm_created ? " (new)" : "",
                              result->n_rows, result->n_inserted, result->n_updated,
                              result->n_duplicates, result->n_skipped,
                              result->n_warnings);
  if (!storm_db_log_event (db, "operator", action, path, status,
                           (g_get_monotonic_time () - started_us) / 1000, detail, &log_error))
    g_warning ("Could not log the %s event: %s", action, log_error->message);
}
