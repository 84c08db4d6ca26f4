#define G_LOG_DOMAIN "storm-csv"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "storm-csv.h"
#include "storm-error.h"

#define CHUNK_SIZE (256 * 1024)

typedef enum
{
  FIELD_START,
  UNQUOTED,
  QUOTED,
  QUOTE_SEEN,   /* a quote inside a quoted field: "" or the closing one */
} State;

struct _StormCsv
{
  GInputStream *stream;
  char         *name;
  goffset       size;
  goffset       consumed;

  guint8       *buf;
  gsize         buf_len;
  gsize         pos;
  gboolean      eof;
  gboolean      at_start;
  gboolean      skip_lf;    /* the last line ended in CR: an LF right after belongs to it */

  guint64       line;       /* physical line at the read position */
  guint64       record_line;

  /* The current record: fields back to back, each NUL-terminated. */
  char         *rec;
  gsize         rec_len;
  gsize         rec_alloc;
  gsize        *starts;
  gsize        *lens;
  guint         n_fields;
  guint         fields_alloc;

  GStrv         header;
};

/* Bytes that end a run of plain field content. */
static const guint8 unquoted_stop[256] = { [','] = 1, ['\n'] = 1, ['\r'] = 1, [0] = 1 };
static const guint8 quoted_stop[256] = { ['"'] = 1, ['\n'] = 1, ['\r'] = 1, [0] = 1 };

static char *
where (StormCsv *self,
       guint64   line)
{
  return g_strdup_printf ("%s:%" G_GUINT64_FORMAT, self->name, line);
}

static gboolean
refill (StormCsv      *self,
        GCancellable  *cancellable,
        GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize n = 0;

  if (!g_input_stream_read_all (self->stream, self->buf, CHUNK_SIZE, &n, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                     _("Cannot read “%s”: %s"), self->name, local_error->message);
      return FALSE;
    }
  self->buf_len = n;
  self->pos = 0;
  self->consumed += n;
  if (n < CHUNK_SIZE)
    self->eof = TRUE;

  if (self->at_start)
    {
      self->at_start = FALSE;
      if (n >= 3 && memcmp (self->buf, "\xEF\xBB\xBF", 3) == 0)
        self->pos = 3;
      else if (n >= 2 && (memcmp (self->buf, "\xFF\xFE", 2) == 0 || memcmp (self->buf, "\xFE\xFF", 2) == 0))
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                       _("%s:1: the file is UTF-16 text; save it as UTF-8 (CSV UTF-8) and import it again"),
                       self->name);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
append (StormCsv      *self,
        const guint8  *data,
        gsize          len,
        GError       **error)
{
  if (G_UNLIKELY (self->rec_len + len + 1 > self->rec_alloc))
    {
      if (self->rec_len + len + 1 > STORM_CSV_MAX_RECORD)
        {
          g_autofree char *at = where (self, self->record_line);

          g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                       _("%s: the record starting here is longer than %d MB; a quote is probably not closed"),
                       at, STORM_CSV_MAX_RECORD / (1024 * 1024));
          return FALSE;
        }
      while (self->rec_len + len + 1 > self->rec_alloc)
        self->rec_alloc *= 2;
      self->rec = g_realloc (self->rec, self->rec_alloc);
    }
  memcpy (self->rec + self->rec_len, data, len);
  self->rec_len += len;
  return TRUE;
}

static void
end_field (StormCsv *self,
           gsize     start)
{
  if (G_UNLIKELY (self->n_fields == self->fields_alloc))
    {
      self->fields_alloc *= 2;
      self->starts = g_renew (gsize, self->starts, self->fields_alloc);
      self->lens = g_renew (gsize, self->lens, self->fields_alloc);
    }
  self->starts[self->n_fields] = start;
  self->lens[self->n_fields] = self->rec_len - start;
  self->n_fields++;
  /* append() always leaves room for this terminator */
  self->rec[self->rec_len++] = '\0';
}

/* Physical line of byte @offset of the record: line breaks only occur
 * inside quoted fields, where they are kept as they were. */
static guint64
line_of_offset (StormCsv *self,
                gsize     offset)
{
  guint64 line = self->record_line;

  for (gsize i = 0; i < offset; i++)
    if (self->rec[i] == '\n' || (self->rec[i] == '\r' && (i + 1 >= self->rec_len || self->rec[i + 1] != '\n')))
      line++;
  return line;
}

static gboolean
check_utf8 (StormCsv  *self,
            GError   **error)
{
  for (guint i = 0; i < self->n_fields; i++)
    {
      const char *field = self->rec + self->starts[i];
      const char *bad = NULL;

      if (!g_utf8_validate_len (field, self->lens[i], &bad))
        {
          g_autofree char *at = where (self, line_of_offset (self, bad - self->rec));

          if (self->header != NULL && i < g_strv_length (self->header))
            g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                         _("%s: field “%s”: not valid UTF-8 text; save the file with UTF-8 encoding"),
                         at, self->header[i]);
          else
            g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                         _("%s: field %u: not valid UTF-8 text; save the file with UTF-8 encoding"),
                         at, i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
nul_error (StormCsv  *self,
           GError   **error)
{
  g_autofree char *at = where (self, self->line);

  g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
               _("%s: the file contains a NUL byte, so it is not a CSV text file"), at);
  return FALSE;
}

gboolean
storm_csv_next (StormCsv      *self,
                GCancellable  *cancellable,
                GError       **error)
{
  State state = FIELD_START;
  gboolean started = FALSE;
  gboolean quoted_cr = FALSE;
  guint64 quote_line = 0;
  gsize field_start = 0;
  guint8 seen = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  self->rec_len = 0;
  self->n_fields = 0;

  for (;;)
    {
      const guint8 *buf;
      gsize end, p, q;
      guint8 c;

      if (self->pos == self->buf_len)
        {
          if (!self->eof && !refill (self, cancellable, error))
            return FALSE;
          if (self->pos == self->buf_len)
            {
              if (!started)
                return FALSE;
              if (state == QUOTED)
                {
                  g_autofree char *at = where (self, quote_line);

                  g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                               _("%s: a quoted field starts here but its closing quote is missing"), at);
                  return FALSE;
                }
              end_field (self, field_start);
              return !(seen & 0x80) || check_utf8 (self, error);
            }
        }

      buf = self->buf;
      end = self->buf_len;
      p = self->pos;
      c = buf[p];

      if (self->skip_lf)
        {
          self->skip_lf = FALSE;
          if (c == '\n')
            {
              self->pos++;
              continue;
            }
        }

      switch (state)
        {
        case FIELD_START:
          if (!started)
            {
              if (c == '\n' || c == '\r')
                {
                  /* a blank line */
                  self->line++;
                  self->skip_lf = c == '\r';
                  self->pos++;
                  continue;
                }
              started = TRUE;
              self->record_line = self->line;
            }
          field_start = self->rec_len;
          if (c == '"')
            {
              state = QUOTED;
              quote_line = self->line;
              quoted_cr = FALSE;
              self->pos++;
              continue;
            }
          state = UNQUOTED;
          G_GNUC_FALLTHROUGH;

        case UNQUOTED:
          for (q = p; q < end && !unquoted_stop[buf[q]]; q++)
            seen |= buf[q];
          if (!append (self, buf + p, q - p, error))
            return FALSE;
          self->pos = q;
          if (q == end)
            continue;
          c = buf[q];
          self->pos = q + 1;
          if (c == ',')
            {
              end_field (self, field_start);
              field_start = self->rec_len;
              state = FIELD_START;
              continue;
            }
          if (c == '\0')
            return nul_error (self, error);
          end_field (self, field_start);
          self->line++;
          self->skip_lf = c == '\r';
          return !(seen & 0x80) || check_utf8 (self, error);

        case QUOTED:
          for (q = p; q < end && !quoted_stop[buf[q]]; q++)
            seen |= buf[q];
          if (q > p)
            quoted_cr = FALSE;
          if (!append (self, buf + p, q - p, error))
            return FALSE;
          self->pos = q;
          if (q == end)
            continue;
          c = buf[q];
          self->pos = q + 1;
          if (c == '"')
            {
              state = QUOTE_SEEN;
              continue;
            }
          if (c == '\0')
            return nul_error (self, error);
          if (c == '\r')
            {
              self->line++;
              quoted_cr = TRUE;
            }
          else
            {
              if (!quoted_cr)
                self->line++;
              quoted_cr = FALSE;
            }
          if (!append (self, &c, 1, error))
            return FALSE;
          continue;

        case QUOTE_SEEN:
          if (c == '"')
            {
              if (!append (self, &c, 1, error))
                return FALSE;
              state = QUOTED;
              quoted_cr = FALSE;
              self->pos++;
              continue;
            }
          /* The closing quote. Text after it up to the next comma is kept
           * as it is, as spreadsheet programs and Python's csv do. */
          state = UNQUOTED;
          continue;

        default:
          g_assert_not_reached ();
        }
    }
}

StormCsv *
storm_csv_new_for_stream (GInputStream *stream,
                          const char   *name,
                          goffset       size)
{
  StormCsv *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_new0 (StormCsv, 1);
  self->stream = g_object_ref (stream);
  self->name = g_strdup (name ? name : "-");
  self->size = size;
  self->buf = g_malloc (CHUNK_SIZE);
  self->at_start = TRUE;
  self->line = 1;
  self->rec_alloc = 4096;
  self->rec = g_malloc (self->rec_alloc);
  self->fields_alloc = 32;
  self->starts = g_new (gsize, self->fields_alloc);
  self->lens = g_new (gsize, self->fields_alloc);
  return self;
}

StormCsv *
storm_csv_new_for_path (const char    *path,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  name = g_filename_display_basename (path);
  in = g_file_read (file, cancellable, &local_error);
  if (in == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (in == NULL)
    {
      g_set_error (error, STORM_ERROR,
                   g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? STORM_ERROR_NOT_FOUND
                                                                                 : STORM_ERROR_FAILED,
                   _("Cannot open “%s”: %s"), name, local_error->message);
      return NULL;
    }
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  return storm_csv_new_for_stream (G_INPUT_STREAM (in), name, info ? g_file_info_get_size (info) : -1);
}

void
storm_csv_free (StormCsv *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->stream);
  g_free (self->name);
  g_free (self->buf);
  g_free (self->rec);
  g_free (self->starts);
  g_free (self->lens);
  g_strfreev (self->header);
  g_free (self);
}

guint
storm_csv_get_n_fields (StormCsv *self)
{
  return self->n_fields;
}

const char *
storm_csv_get_field (StormCsv *self,
                     guint     index)
{
  if (index >= self->n_fields)
    return "";
  return self->rec + self->starts[index];
}

gsize
storm_csv_get_field_len (StormCsv *self,
                         guint     index)
{
  if (index >= self->n_fields)
    return 0;
  return self->lens[index];
}

guint64
storm_csv_get_line (StormCsv *self)
{
  return self->record_line;
}

const char *
storm_csv_get_name (StormCsv *self)
{
  return self->name;
}

double
storm_csv_get_fraction (StormCsv *self)
{
  if (self->size <= 0)
    return 0.0;
  return CLAMP ((double) (self->consumed - (goffset) (self->buf_len - self->pos)) / self->size, 0.0, 1.0);
}

void
storm_csv_use_as_header (StormCsv *self)
{
  g_strfreev (self->header);
  self->header = g_new0 (char *, self->n_fields + 1);
  for (guint i = 0; i < self->n_fields; i++)
    self->header[i] = g_strstrip (g_strdup (self->rec + self->starts[i]));
}

char *
storm_csv_join_from (StormCsv *self,
                     guint     first)
{
  GString *s = g_string_new (NULL);

  for (guint i = first; i < self->n_fields; i++)
    {
      if (i > first)
        g_string_append_c (s, ',');
      g_string_append_len (s, self->rec + self->starts[i], self->lens[i]);
    }
  return g_string_free (s, FALSE);
}
