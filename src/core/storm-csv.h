#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A streaming RFC 4180 reader: quoted fields with "" escapes, commas and
 * line breaks inside quotes, CRLF, LF or lone CR line ends, a leading
 * UTF-8 BOM. Blank lines are skipped. Every record is checked to be UTF-8
 * without NUL bytes; errors name the file and the physical line.
 *
 * Fields are views into one buffer reused for every record: they stay
 * valid until the next call to storm_csv_next(). */
typedef struct _StormCsv StormCsv;

/* Longest record accepted; a longer one is almost always a quote that
 * was never closed. */
#define STORM_CSV_MAX_RECORD (64 * 1024 * 1024)

StormCsv   *storm_csv_new_for_path   (const char    *path,
                                      GCancellable  *cancellable,
                                      GError       **error);
/* @name is what errors call the input; @size its length in bytes, or -1. */
StormCsv   *storm_csv_new_for_stream (GInputStream  *stream,
                                      const char    *name,
                                      goffset        size);
void        storm_csv_free           (StormCsv      *self);

/* Reads the next record. Returns FALSE at the end of the input (error
 * unset) or on a read or format error (error set). */
gboolean    storm_csv_next           (StormCsv      *self,
                                      GCancellable  *cancellable,
                                      GError       **error);

guint       storm_csv_get_n_fields   (StormCsv      *self);
/* Field @index of the current record, NUL-terminated; "" past the end. */
const char *storm_csv_get_field      (StormCsv      *self,
                                      guint          index);
gsize       storm_csv_get_field_len  (StormCsv      *self,
                                      guint          index);
/* 1-based physical line on which the current record starts. */
guint64     storm_csv_get_line       (StormCsv      *self);
const char *storm_csv_get_name       (StormCsv      *self);
/* Share of the input consumed so far, 0–1 (0 when the size is unknown). */
double      storm_csv_get_fraction   (StormCsv      *self);
/* Takes the current record as the header: later errors name a field by
 * its column ("field “name”") instead of its number. */
void        storm_csv_use_as_header  (StormCsv      *self);
/* Fields @first… of the current record joined with ",": puts back the
 * commas of an unquoted free-text last column. */
char       *storm_csv_join_from      (StormCsv      *self,
                                      guint          first);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormCsv, storm_csv_free)

G_END_DECLS
