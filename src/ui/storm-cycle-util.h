#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

/* Shared by the storm-cycle views (Target, Attribution, Nurture and the
 * property activity pane): worker reads, number formats, dialogs. */

/* Runs on a worker thread with its own connection; returns the result
 * (freed with the @result_destroy given to _storm_cycle_read_async) or
 * NULL with @error set. */
typedef gpointer (*StormCycleReadFunc) (StormDb       *db,
                                        gpointer       data,
                                        GCancellable  *cancellable,
                                        GError       **error);

void      _storm_cycle_read_async    (StormStore          *store,
                                      gpointer             source_object,
                                      StormCycleReadFunc   func,
                                      gpointer             data,
                                      GDestroyNotify       data_destroy,
                                      GDestroyNotify       result_destroy,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gpointer  _storm_cycle_read_finish   (GAsyncResult        *result,
                                      GError             **error);

gboolean  _storm_cycle_is_cancelled  (const GError        *error);
/* Runs @func once, soon, however many tables one write announces; at
 * default priority, so a view that keeps redrawing cannot starve it.
 * *@source holds the pending source (0 when none). */
void      _storm_cycle_schedule_once (guint               *source,
                                      GSourceFunc          func,
                                      gpointer             data);

char     *_storm_cycle_format_count    (gint64      n);
char     *_storm_cycle_format_percent  (double      fraction);
char     *_storm_cycle_format_points   (double      difference);
char     *_storm_cycle_format_money    (double      amount);
char     *_storm_cycle_format_rate     (gint64      x,
                                        gint64      n);
char     *_storm_cycle_format_p_value  (double      p);
char     *_storm_cycle_format_time     (const char *iso);

/* Today's local date as YYYY-MM-DD, @days_ahead from now. */
char     *_storm_cycle_date_from_today (int         days_ahead);
gboolean  _storm_cycle_valid_date      (const char *text);

const char *_storm_cycle_channel_label (const char *channel);
const char *_storm_cycle_reason_label  (const char *reason);
const char *_storm_cycle_result_label  (const char *result);
const char *_storm_cycle_mode_label    (const char *mode);

/* Touch results a person can log, in menu order (NULL-terminated). */
extern const char * const _storm_cycle_touch_results[];

void      _storm_cycle_show_error    (GtkWidget           *widget,
                                      const char          *heading,
                                      const GError        *error);
/* An evidence dialog: @body says what the number is, @details lists the
 * counts and the rows they came from (selectable, scrolls when long). */
void      _storm_cycle_show_evidence (GtkWidget           *widget,
                                      const char          *heading,
                                      const char          *body,
                                      const char          *details);

void      _storm_cycle_remove_all    (GtkWidget           *container);

/* A GClosureNotify that drops the reference held as the handler's data. */
void      _storm_cycle_closure_unref (gpointer             data,
                                      GClosure            *closure);

/* Colours of the current style, for charts drawn with cairo. */
void      _storm_cycle_style_color   (GtkWidget           *widget,
                                      const char          *name,
                                      GdkRGBA             *rgba);

G_END_DECLS
