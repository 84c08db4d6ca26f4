#define G_LOG_DOMAIN "storm-tsplib"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "storm-error.h"
#include "storm-tsplib.h"

/* Sanity bound on DIMENSION: far above any TSPLIB instance, low enough
 * that a corrupt header cannot ask for gigabytes. */
#define MAX_DIMENSION 10000000

typedef enum {
  FORMAT_NONE,
  FORMAT_FUNCTION,
  FORMAT_FULL_MATRIX,
  FORMAT_UPPER_ROW,
  FORMAT_LOWER_ROW,
  FORMAT_UPPER_DIAG_ROW,
  FORMAT_LOWER_DIAG_ROW,
} WeightFormat;

typedef struct
{
  const char *p;
  const char *end;
  const char *filename;
  guint       line;      /* line of the text at p */
} Reader;

static void
reader_init (Reader     *r,
             const char *text,
             gsize       length,
             const char *filename)
{
  r->p = text;
  r->end = text + length;
  r->filename = filename ? filename : "input";
  r->line = 1;
  /* A UTF-8 byte order mark, as some editors write. */
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    r->p += 3;
}

G_GNUC_PRINTF (4, 5)
static gboolean
fail_at (GError     **error,
         const Reader *r,
         guint        line,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;
  g_autofree char *valid = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* the message quotes the text, which need not be UTF-8 */
  valid = g_utf8_make_valid (message, -1);
  g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE, "%s:%u: %s", r->filename, line, valid);
  return FALSE;
}

/* Next line, trimmed, into @buf; FALSE at the end of the text. */
static gboolean
reader_line (Reader  *r,
             GString *buf,
             guint   *line)
{
  const char *start, *stop;

  if (r->p >= r->end)
    return FALSE;
  start = r->p;
  stop = memchr (start, '\n', r->end - start);
  if (stop == NULL)
    stop = r->end;
  r->p = stop < r->end ? stop + 1 : stop;
  *line = r->line++;
  g_string_truncate (buf, 0);
  g_string_append_len (buf, start, stop - start);
  g_strstrip (buf->str);
  g_string_set_size (buf, strlen (buf->str));
  return TRUE;
}

/* Next whitespace-separated token (across lines); FALSE at the end. */
static gboolean
reader_token (Reader  *r,
              GString *buf,
              guint   *line)
{
  const char *start;

  while (r->p < r->end && g_ascii_isspace (*r->p))
    {
      if (*r->p == '\n')
        r->line++;
      r->p++;
    }
  if (r->p >= r->end)
    return FALSE;
  start = r->p;
  while (r->p < r->end && !g_ascii_isspace (*r->p))
    r->p++;
  *line = r->line;
  g_string_truncate (buf, 0);
  g_string_append_len (buf, start, r->p - start);
  return TRUE;
}

static gboolean
parse_double (const char *text,
              double     *value)
{
  char *end = NULL;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*value);
}

static gboolean
parse_int (const char *text,
           gint64     *value)
{
  char *end = NULL;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtoll (text, &end, 10);
  return end != text && *end == '\0';
}

/* Splits "KEY : value", "KEY: value" or "KEY value". */
static void
split_key (char  *line,
           char **key,
           char **value)
{
  char *colon = strchr (line, ':');

  if (colon != NULL)
    {
      *colon = '\0';
      *key = g_strstrip (line);
      *value = g_strstrip (colon + 1);
      return;
    }
  *key = line;
  while (*line != '\0' && !g_ascii_isspace (*line))
    line++;
  if (*line != '\0')
    *line++ = '\0';
  *value = g_strstrip (line);
}

static gboolean
key_is (const char *key,
        const char *name)
{
  return g_ascii_strcasecmp (key, name) == 0;
}

static gboolean
parse_dimension (const Reader  *r,
                 guint          line,
                 const char    *value,
                 guint         *dimension,
                 GError       **error)
{
  gint64 v;

  if (!parse_int (value, &v) || v < 1 || v > MAX_DIMENSION)
    return fail_at (error, r, line, _("DIMENSION must be a whole number from 1 to %d, found “%s”."),
                    MAX_DIMENSION, value);
  *dimension = (guint) v;
  return TRUE;
}

/* GEO coordinates are latitude and longitude as DDD.MM; anything else
 * is not a place (and would overflow the degrees' conversion). */
static gboolean
is_geo_position (double lat,
                 double lon)
{
  return fabs (lat) <= 90.0 && fabs (lon) <= 180.0;
}

/* NODE_COORD_SECTION / DISPLAY_DATA_SECTION: one "id x y" per line;
 * with @geo, each a position. */
static gboolean
read_coords (Reader       *r,
             GString      *buf,
             const char   *section,
             guint         section_line,
             guint         dimension,
             gboolean      geo,
             double       *x,
             double       *y,
             GError      **error)
{
  g_autofree guint8 *seen = g_new0 (guint8, dimension);
  guint count = 0, line = section_line;

  while (count < dimension)
    {
      char *tokens[4] = { NULL, NULL, NULL, NULL };
      g_autofree char *copy = NULL;
      guint n_tokens = 0;
      gint64 id;
      double vx, vy;

      if (!reader_line (r, buf, &line))
        return fail_at (error, r, line,
                        _("The file ends inside %s after %u of %u nodes."), section, count, dimension);
      if (buf->len == 0)
        continue;
      /* Split in place on runs of blanks; a fourth token is only
       * counted, for the error. */
      copy = g_strdup (buf->str);
      for (char *p = copy; *p != '\0';)
        {
          while (*p != '\0' && g_ascii_isspace (*p))
            *p++ = '\0';
          if (*p == '\0')
            break;
          if (n_tokens < G_N_ELEMENTS (tokens))
            tokens[n_tokens] = p;
          n_tokens++;
          while (*p != '\0' && !g_ascii_isspace (*p))
            p++;
        }
      if (!parse_int (tokens[0], &id))
        return fail_at (error, r, line,
                        _("%s has %u of %u nodes: expected “id x y”, found “%s”."),
                        section, count, dimension, buf->str);
      if (n_tokens != 3)
        return fail_at (error, r, line,
                        _("Node %s: expected an id and two coordinates, found %u values."),
                        tokens[0], n_tokens);
      if (id < 1 || id > dimension)
        return fail_at (error, r, line, _("Node id %s is outside 1–%u (DIMENSION)."), tokens[0], dimension);
      if (seen[id - 1])
        return fail_at (error, r, line, _("Node %s appears twice."), tokens[0]);
      if (!parse_double (tokens[1], &vx))
        return fail_at (error, r, line, _("Node %s: the x coordinate “%s” is not a number."), tokens[0], tokens[1]);
      if (!parse_double (tokens[2], &vy))
        return fail_at (error, r, line, _("Node %s: the y coordinate “%s” is not a number."), tokens[0], tokens[2]);
      if (geo && !is_geo_position (vx, vy))
        return fail_at (error, r, line,
                        _("Node %s: %s, %s is not a GEO position (latitude −90–90, longitude −180–180 as DDD.MM)."),
                        tokens[0], tokens[1], tokens[2]);
      seen[id - 1] = 1;
      x[id - 1] = vx;
      y[id - 1] = vy;
      count++;
    }
  return TRUE;
}

static gboolean
read_weights (Reader       *r,
              GString      *buf,
              guint         section_line,
              guint         n,
              WeightFormat  format,
              gint32       *w,
              GError      **error)
{
  gsize expected, count = 0;
  guint line = section_line;

  switch (format)
    {
    case FORMAT_FULL_MATRIX:
      expected = (gsize) n * n;
      break;
    case FORMAT_UPPER_ROW:
    case FORMAT_LOWER_ROW:
      expected = (gsize) n * (n - 1) / 2;
      break;
    case FORMAT_UPPER_DIAG_ROW:
    case FORMAT_LOWER_DIAG_ROW:
      expected = (gsize) n * (n + 1) / 2;
      break;
    case FORMAT_NONE:
    case FORMAT_FUNCTION:
    default:
      return fail_at (error, r, section_line,
                      _("EDGE_WEIGHT_SECTION needs an EDGE_WEIGHT_FORMAT matrix layout before it."));
    }

  for (guint i = 0; i < n; i++)
    {
      guint j0, j1;

      switch (format)
        {
        case FORMAT_FULL_MATRIX:
          j0 = 0, j1 = n;
          break;
        case FORMAT_UPPER_ROW:
          j0 = i + 1, j1 = n;
          break;
        case FORMAT_LOWER_ROW:
          j0 = 0, j1 = i;
          break;
        case FORMAT_UPPER_DIAG_ROW:
          j0 = i, j1 = n;
          break;
        case FORMAT_LOWER_DIAG_ROW:
        default:
          j0 = 0, j1 = i + 1;
          break;
        }
      for (guint j = j0; j < j1; j++)
        {
          double v;

          if (!reader_token (r, buf, &line))
            return fail_at (error, r, line,
                            _("The file ends inside EDGE_WEIGHT_SECTION after %" G_GSIZE_FORMAT
                              " of %" G_GSIZE_FORMAT " weights."), count, expected);
          if (!parse_double (buf->str, &v) || fabs (v) > G_MAXINT32)
            return fail_at (error, r, line,
                            _("EDGE_WEIGHT_SECTION has %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                              " weights: “%s” is not a number."), count, expected, buf->str);
          w[(gsize) i * n + j] = (gint32) floor (v + 0.5);
          if (format != FORMAT_FULL_MATRIX)
            w[(gsize) j * n + i] = w[(gsize) i * n + j];
          count++;
        }
    }
  if (format == FORMAT_FULL_MATRIX)
    for (guint i = 0; i < n; i++)
      for (guint j = i + 1; j < n; j++)
        if (w[(gsize) i * n + j] != w[(gsize) j * n + i])
          return fail_at (error, r, section_line,
                          _("The matrix is not symmetric (nodes %u and %u): only symmetric TSP is supported."),
                          i + 1, j + 1);
  return TRUE;
}

/* FIXED_EDGES_SECTION and a TOUR_SECTION inside a problem file: read up
 * to the -1 that ends them. */
static gboolean
skip_to_terminator (Reader      *r,
                    GString     *buf,
                    const char  *section,
                    guint        section_line,
                    guint       *n_values,
                    GError     **error)
{
  guint line = section_line;

  *n_values = 0;
  while (reader_token (r, buf, &line))
    {
      gint64 v;

      if (g_str_equal (buf->str, "-1"))
        return TRUE;
      if (!parse_int (buf->str, &v))
        return fail_at (error, r, line, _("%s: “%s” is not a node number."), section, buf->str);
      (*n_values)++;
    }
  return fail_at (error, r, line, _("%s has no -1 at its end."), section);
}

static gboolean
parse_metric (const Reader     *r,
              guint             line,
              const char       *value,
              StormTourMetric  *metric,
              GError          **error)
{
  static const struct { const char *name; StormTourMetric metric; } known[] = {
    { "EUC_2D", STORM_TOUR_EUC_2D },
    { "CEIL_2D", STORM_TOUR_CEIL_2D },
    { "ATT", STORM_TOUR_ATT },
    { "GEO", STORM_TOUR_GEO },
    { "EXPLICIT", STORM_TOUR_MATRIX },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (key_is (value, known[i].name))
      {
        *metric = known[i].metric;
        return TRUE;
      }
  return fail_at (error, r, line,
                  _("EDGE_WEIGHT_TYPE “%s” is not supported; use EUC_2D, CEIL_2D, ATT, GEO or EXPLICIT."), value);
}

static gboolean
parse_format (const Reader  *r,
              guint          line,
              const char    *value,
              WeightFormat  *format,
              GError       **error)
{
  /* For a symmetric matrix a column layout reads like the opposite row
   * layout. */
  static const struct { const char *name; WeightFormat format; } known[] = {
    { "FUNCTION", FORMAT_FUNCTION },
    { "FULL_MATRIX", FORMAT_FULL_MATRIX },
    { "UPPER_ROW", FORMAT_UPPER_ROW },
    { "LOWER_ROW", FORMAT_LOWER_ROW },
    { "UPPER_DIAG_ROW", FORMAT_UPPER_DIAG_ROW },
    { "LOWER_DIAG_ROW", FORMAT_LOWER_DIAG_ROW },
    { "UPPER_COL", FORMAT_LOWER_ROW },
    { "LOWER_COL", FORMAT_UPPER_ROW },
    { "UPPER_DIAG_COL", FORMAT_LOWER_DIAG_ROW },
    { "LOWER_DIAG_COL", FORMAT_UPPER_DIAG_ROW },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (key_is (value, known[i].name))
      {
        *format = known[i].format;
        return TRUE;
      }
  return fail_at (error, r, line, _("EDGE_WEIGHT_FORMAT “%s” is not a TSPLIB matrix layout."), value);
}

static gboolean
check_type (const Reader  *r,
            guint          line,
            const char    *value,
            const char    *wanted,
            GError       **error)
{
  gsize len = strlen (wanted);

  /* Some files append a remark: "TSP (M.~Hofmeister)". */
  if (g_ascii_strncasecmp (value, wanted, len) == 0 &&
      (value[len] == '\0' || g_ascii_isspace (value[len]) || value[len] == '('))
    return TRUE;
  return fail_at (error, r, line, _("TYPE is “%s”; only %s files are read here."), value, wanted);
}

StormTsplib *
storm_tsplib_parse (const char  *text,
                    gsize        length,
                    const char  *filename,
                    GError     **error)
{
  g_autoptr(StormTsplib) self = g_new0 (StormTsplib, 1);
  g_autoptr(GString) buf = g_string_new (NULL);
  g_autoptr(GString) comment = NULL;
  Reader r;
  WeightFormat format = FORMAT_NONE;
  gboolean have_metric = FALSE, have_coords = FALSE;
  guint line = 0, metric_line = 0;

  g_return_val_if_fail (text != NULL, NULL);

  reader_init (&r, text, length, filename);
  while (reader_line (&r, buf, &line))
    {
      char *key, *value;

      if (buf->len == 0)
        continue;
      split_key (buf->str, &key, &value);

      if (key_is (key, "EOF"))
        break;
      else if (key_is (key, "NAME"))
        {
          g_free (self->name);
          self->name = g_strdup (value);
        }
      else if (key_is (key, "COMMENT"))
        {
          if (comment == NULL)
            comment = g_string_new (value);
          else
            g_string_append_printf (comment, "\n%s", value);
        }
      else if (key_is (key, "TYPE"))
        {
          if (!check_type (&r, line, value, "TSP", error))
            return NULL;
        }
      else if (key_is (key, "DIMENSION"))
        {
          if (self->dimension != 0)
            return (fail_at (error, &r, line, _("DIMENSION is given twice.")), NULL);
          if (!parse_dimension (&r, line, value, &self->dimension, error))
            return NULL;
        }
      else if (key_is (key, "EDGE_WEIGHT_TYPE"))
        {
          if (!parse_metric (&r, line, value, &self->metric, error))
            return NULL;
          have_metric = TRUE;
          metric_line = line;
        }
      else if (key_is (key, "EDGE_WEIGHT_FORMAT"))
        {
          if (!parse_format (&r, line, value, &format, error))
            return NULL;
        }
      else if (key_is (key, "NODE_COORD_TYPE"))
        {
          if (!key_is (value, "TWOD_COORDS") && !key_is (value, "NO_COORDS"))
            return (fail_at (error, &r, line, _("NODE_COORD_TYPE “%s” is not supported; only TWOD_COORDS."), value), NULL);
        }
      else if (key_is (key, "NODE_COORD_SECTION") || key_is (key, "DISPLAY_DATA_SECTION"))
        {
          gboolean display = key_is (key, "DISPLAY_DATA_SECTION");

          if (self->dimension == 0)
            return (fail_at (error, &r, line, _("DIMENSION must come before %s."), key), NULL);
          if (have_coords)
            {
              /* Display data after real coordinates: read and drop. */
              g_autofree double *dx = g_new (double, self->dimension);
              g_autofree double *dy = g_new (double, self->dimension);

              if (!read_coords (&r, buf, display ? "DISPLAY_DATA_SECTION" : "NODE_COORD_SECTION",
                                line, self->dimension, FALSE, dx, dy, error))
                return NULL;
              if (!display)
                return (fail_at (error, &r, line, _("NODE_COORD_SECTION is given twice.")), NULL);
              continue;
            }
          g_clear_pointer (&self->x, g_free);
          g_clear_pointer (&self->y, g_free);
          self->x = g_new (double, self->dimension);
          self->y = g_new (double, self->dimension);
          if (!read_coords (&r, buf, display ? "DISPLAY_DATA_SECTION" : "NODE_COORD_SECTION",
                            line, self->dimension, have_metric && self->metric == STORM_TOUR_GEO && !display,
                            self->x, self->y, error))
            return NULL;
          have_coords = !display;
        }
      else if (key_is (key, "EDGE_WEIGHT_SECTION"))
        {
          if (self->dimension == 0)
            return (fail_at (error, &r, line, _("DIMENSION must come before EDGE_WEIGHT_SECTION.")), NULL);
          if (self->dimension > STORM_TSPLIB_MAX_EXPLICIT)
            return (fail_at (error, &r, line, _("An explicit matrix of %u nodes is too large (at most %d)."),
                             self->dimension, STORM_TSPLIB_MAX_EXPLICIT), NULL);
          if (self->weights != NULL)
            return (fail_at (error, &r, line, _("EDGE_WEIGHT_SECTION is given twice.")), NULL);
          self->weights = g_new0 (gint32, (gsize) self->dimension * self->dimension);
          if (!read_weights (&r, buf, line, self->dimension, format, self->weights, error))
            return NULL;
        }
      else if (key_is (key, "FIXED_EDGES_SECTION") || key_is (key, "TOUR_SECTION"))
        {
          guint n_values;
          /* Copied: reading the section reuses the line buffer. */
          g_autofree char *section = g_ascii_strup (key, -1);

          if (!skip_to_terminator (&r, buf, section, line, &n_values, error))
            return NULL;
          if (g_str_equal (section, "FIXED_EDGES_SECTION") && n_values > 0)
            self->has_fixed_edges = TRUE;
        }
      else if (g_str_has_suffix (key, "_SECTION") || g_str_has_suffix (key, "_section"))
        return (fail_at (error, &r, line, _("%s belongs to another problem type, not a symmetric TSP."), key), NULL);
      else if (key_is (key, "EDGE_DATA_FORMAT") || key_is (key, "CAPACITY"))
        return (fail_at (error, &r, line, _("%s belongs to another problem type, not a symmetric TSP."), key), NULL);
      else if (key_is (key, "DISPLAY_DATA_TYPE"))
        ;
      else if (g_ascii_isdigit (key[0]) || key[0] == '-' || key[0] == '.')
        return (fail_at (error, &r, line,
                         _("Numbers outside any section: a section header is missing, or DIMENSION (%u) "
                           "is smaller than the list."), self->dimension), NULL);
      else
        return (fail_at (error, &r, line, _("“%s” is not a TSPLIB keyword."), key), NULL);
    }

  if (self->dimension == 0)
    return (fail_at (error, &r, line, _("The file has no DIMENSION.")), NULL);
  if (!have_metric)
    return (fail_at (error, &r, line, _("The file has no EDGE_WEIGHT_TYPE.")), NULL);
  if (self->metric == STORM_TOUR_MATRIX && self->weights == NULL)
    return (fail_at (error, &r, metric_line, _("EDGE_WEIGHT_TYPE is EXPLICIT but there is no EDGE_WEIGHT_SECTION.")), NULL);
  if (self->metric != STORM_TOUR_MATRIX && !have_coords)
    return (fail_at (error, &r, line, _("The file has no NODE_COORD_SECTION.")), NULL);
  /* coordinates read before EDGE_WEIGHT_TYPE said GEO */
  if (self->metric == STORM_TOUR_GEO)
    for (guint i = 0; i < self->dimension; i++)
      if (!is_geo_position (self->x[i], self->y[i]))
        return (fail_at (error, &r, metric_line, _("Node %u is not a GEO position (latitude −90–90, longitude −180–180 as DDD.MM)."),
                         i + 1), NULL);
  if (self->name == NULL)
    {
      g_autofree char *base = g_path_get_basename (r.filename);
      char *dot = strrchr (base, '.');

      if (dot != NULL && dot != base)
        *dot = '\0';
      self->name = g_steal_pointer (&base);
    }
  if (comment != NULL)
    self->comment = g_string_free (g_steal_pointer (&comment), FALSE);
  return g_steal_pointer (&self);
}

static char *
read_text (const char  *path,
           gsize       *length,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text = NULL;

  if (!g_file_get_contents (path, &text, length, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("Cannot read “%s”: %s"), path, local_error->message);
      return NULL;
    }
  return text;
}

StormTsplib *
storm_tsplib_load (const char  *path,
                   GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  text = read_text (path, &length, error);
  if (text == NULL)
    return NULL;
  return storm_tsplib_parse (text, length, path, error);
}

void
storm_tsplib_free (StormTsplib *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->comment);
  g_free (self->x);
  g_free (self->y);
  g_free (self->weights);
  g_free (self);
}

void
storm_tsplib_get_input (const StormTsplib *self,
                        StormTourInput    *input)
{
  g_return_if_fail (self != NULL && input != NULL);

  input->metric = self->metric;
  input->n = self->dimension;
  input->x = self->x;
  input->y = self->y;
  input->matrix = self->weights;
}

StormTsplibTour *
storm_tsplib_tour_parse (const char  *text,
                         gsize        length,
                         const char  *filename,
                         GError     **error)
{
  g_autoptr(StormTsplibTour) self = g_new0 (StormTsplibTour, 1);
  g_autoptr(GString) buf = g_string_new (NULL);
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  gboolean have_section = FALSE;
  Reader r;
  guint line = 0;

  g_return_val_if_fail (text != NULL, NULL);

  reader_init (&r, text, length, filename);
  while (!have_section && reader_line (&r, buf, &line))
    {
      char *key, *value;

      if (buf->len == 0)
        continue;
      split_key (buf->str, &key, &value);
      if (key_is (key, "EOF"))
        break;
      else if (key_is (key, "NAME"))
        {
          g_free (self->name);
          self->name = g_strdup (value);
        }
      else if (key_is (key, "TYPE"))
        {
          if (!check_type (&r, line, value, "TOUR", error))
            return NULL;
        }
      else if (key_is (key, "DIMENSION"))
        {
          if (!parse_dimension (&r, line, value, &self->dimension, error))
            return NULL;
        }
      else if (key_is (key, "COMMENT"))
        ;
      else if (key_is (key, "TOUR_SECTION"))
        have_section = TRUE;
      else
        return (fail_at (error, &r, line, _("“%s” is not a keyword of a tour file."), key), NULL);
    }
  if (!have_section)
    return (fail_at (error, &r, line, _("The file has no TOUR_SECTION.")), NULL);

  while (TRUE)
    {
      gint64 id;
      guint node;

      if (!reader_token (&r, buf, &line) || key_is (buf->str, "EOF"))
        {
          /* Tolerated when the tour is complete: some writers stop at EOF. */
          if (self->dimension != 0 && nodes->len == self->dimension)
            break;
          return (fail_at (error, &r, line, _("TOUR_SECTION has no -1 at its end.")), NULL);
        }
      if (!parse_int (buf->str, &id))
        return (fail_at (error, &r, line, _("TOUR_SECTION: “%s” is not a node number."), buf->str), NULL);
      if (id == -1)
        break;
      if (id < 1 || (self->dimension != 0 && id > self->dimension) || id > MAX_DIMENSION)
        return (fail_at (error, &r, line, _("Node %s is outside 1–%u (DIMENSION)."), buf->str, self->dimension), NULL);
      if (g_hash_table_contains (seen, GSIZE_TO_POINTER (id)))
        return (fail_at (error, &r, line, _("Node %s appears twice in the tour."), buf->str), NULL);
      g_hash_table_add (seen, GSIZE_TO_POINTER (id));
      node = (guint) (id - 1);
      g_array_append_val (nodes, node);
    }
  if (self->dimension == 0)
    self->dimension = nodes->len;
  if (nodes->len != self->dimension)
    return (fail_at (error, &r, line, _("The tour visits %u nodes; DIMENSION is %u."), nodes->len, self->dimension), NULL);
  for (guint i = 0; i < nodes->len; i++)
    if (g_array_index (nodes, guint, i) >= self->dimension)
      return (fail_at (error, &r, line, _("Node %u is outside 1–%u."), g_array_index (nodes, guint, i) + 1,
                       self->dimension), NULL);
  self->n = nodes->len;
  self->nodes = (guint *) (void *) g_array_free (g_steal_pointer (&nodes), FALSE);
  return g_steal_pointer (&self);
}

StormTsplibTour *
storm_tsplib_tour_load (const char  *path,
                        GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  text = read_text (path, &length, error);
  if (text == NULL)
    return NULL;
  return storm_tsplib_tour_parse (text, length, path, error);
}

void
storm_tsplib_tour_free (StormTsplibTour *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->nodes);
  g_free (self);
}

gboolean
storm_tsplib_lookup_optimum (const char *tsp_path,
                             const char *name,
                             gint64     *optimum)
{
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;
  g_auto(GStrv) lines = NULL;
  char *dot;

  g_return_val_if_fail (tsp_path != NULL && optimum != NULL, FALSE);

  dir = g_path_get_dirname (tsp_path);
  file = g_build_filename (dir, "optimum.txt", NULL);
  if (!g_file_get_contents (file, &text, NULL, NULL))
    return FALSE;
  base = g_path_get_basename (tsp_path);
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *key, *value;
      gint64 v;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      split_key (lines[i], &key, &value);
      if ((name != NULL && g_str_equal (key, name)) || g_str_equal (key, base))
        if (parse_int (value, &v))
          {
            *optimum = v;
            return TRUE;
          }
    }
  return FALSE;
}
