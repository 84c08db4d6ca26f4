#define G_LOG_DOMAIN "storm-cycle-util"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "storm-attribution.h"
#include "storm-cycle-util.h"
#include "storm-error.h"

typedef struct
{
  char               *path;
  StormCycleReadFunc  func;
  gpointer            data;
  GDestroyNotify      data_destroy;
  GDestroyNotify      result_destroy;
} ReadJob;

const char * const _storm_cycle_touch_results[] = {
  "no_answer", "not_interested", "callback", "inspection_booked", "signed", NULL
};

static void
read_job_free (gpointer data)
{
  ReadJob *job = data;

  if (job->data_destroy != NULL)
    job->data_destroy (job->data);
  g_free (job->path);
  g_free (job);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadJob *job = task_data;
  g_autoptr(StormDb) db = NULL;
  GError *error = NULL;
  gpointer result;

  db = storm_db_open (job->path, &error);
  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  result = job->func (db, job->data, cancellable, &error);
  if (error != NULL)
    {
      if (result != NULL && job->result_destroy != NULL)
        job->result_destroy (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, job->result_destroy);
}

void
_storm_cycle_read_async (StormStore          *store,
                         gpointer             source_object,
                         StormCycleReadFunc   func,
                         gpointer             data,
                         GDestroyNotify       data_destroy,
                         GDestroyNotify       result_destroy,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadJob *job;

  g_return_if_fail (STORM_IS_STORE (store));

  job = g_new0 (ReadJob, 1);
  job->path = g_strdup (storm_store_get_path (store));
  job->func = func;
  job->data = data;
  job->data_destroy = data_destroy;
  job->result_destroy = result_destroy;

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, _storm_cycle_read_async);
  g_task_set_task_data (task, job, read_job_free);
  g_task_run_in_thread (task, read_thread);
}

gpointer
_storm_cycle_read_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_storm_cycle_schedule_once (guint       *source,
                            GSourceFunc  func,
                            gpointer     data)
{
  if (*source == 0)
    *source = g_idle_add_full (G_PRIORITY_DEFAULT, func, data, NULL);
}

gboolean
_storm_cycle_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, STORM_ERROR, STORM_ERROR_CANCELLED);
}

char *
_storm_cycle_format_count (gint64 n)
{
  /* %' groups thousands the way the user's locale does. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

char *
_storm_cycle_format_percent (double fraction)
{
  if (!isfinite (fraction))
    return g_strdup ("—");
  /* Translators: a percentage, e.g. "12.5 %" */
  return g_strdup_printf (_("%.1f %%"), fraction * 100.0);
}

char *
_storm_cycle_format_points (double difference)
{
  if (!isfinite (difference))
    return g_strdup ("—");
  /* Translators: a difference of two rates in percentage points */
  return g_strdup_printf (_("%+.1f points"), difference * 100.0);
}

char *
_storm_cycle_format_money (double amount)
{
  g_autofree char *number = NULL;

  if (!isfinite (amount))
    return g_strdup ("—");
  number = g_strdup_printf ("%'.0f", fabs (amount));
  /* Translators: an amount of money; %s is the number */
  return amount < 0 ? g_strdup_printf (_("−$%s"), number) : g_strdup_printf (_("$%s"), number);
}

char *
_storm_cycle_format_rate (gint64 x,
                          gint64 n)
{
  g_autofree char *xs = _storm_cycle_format_count (x);
  g_autofree char *ns = _storm_cycle_format_count (n);
  g_autofree char *pct = _storm_cycle_format_percent (n > 0 ? (double) x / n : NAN);

  /* Translators: "56 of 70 (80.0 %)" */
  return g_strdup_printf (_("%s of %s (%s)"), xs, ns, pct);
}

char *
_storm_cycle_format_p_value (double p)
{
  if (!isfinite (p))
    return g_strdup ("—");
  if (p < 0.0001)
    return g_strdup (_("p < 0.0001"));
  return g_strdup_printf (_("p = %.4f"), p);
}

char *
_storm_cycle_format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (iso == NULL)
    return g_strdup ("—");
  utc = g_date_time_new_from_iso8601 (iso, NULL);
  if (utc == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
_storm_cycle_date_from_today (int days_ahead)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days_ahead);

  return g_date_time_format (then, "%Y-%m-%d");
}

gboolean
_storm_cycle_valid_date (const char *text)
{
  int y, m, d;
  char tail;

  return text != NULL && sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
         strlen (text) == 10 && g_date_valid_dmy (d, m, y);
}

const char *
_storm_cycle_channel_label (const char *channel)
{
  StormChannel c;

  if (storm_channel_from_string (channel, &c))
    return storm_channel_label (c);
  return channel ? channel : "—";
}

const char *
_storm_cycle_reason_label (const char *reason)
{
  if (g_strcmp0 (reason, "universal_control") == 0)
    return _("Universal control");
  if (g_strcmp0 (reason, "rct_control") == 0)
    return _("RCT control");
  if (g_strcmp0 (reason, "above_threshold") == 0)
    return _("Above threshold");
  if (g_strcmp0 (reason, "below_threshold") == 0)
    return _("Below threshold");
  return reason ? reason : "—";
}

const char *
_storm_cycle_result_label (const char *result)
{
  if (result == NULL || result[0] == '\0')
    return _("No result");
  if (g_str_equal (result, "no_answer"))
    return _("No answer");
  if (g_str_equal (result, "not_interested"))
    return _("Not interested");
  if (g_str_equal (result, "callback"))
    return _("Asked for a call back");
  if (g_str_equal (result, "inspection_booked"))
    return _("Inspection booked");
  if (g_str_equal (result, "signed"))
    return _("Signed");
  return result;
}

const char *
_storm_cycle_mode_label (const char *mode)
{
  if (g_strcmp0 (mode, "aggressive") == 0)
    return _("Aggressive");
  if (g_strcmp0 (mode, "moderate") == 0)
    return _("Moderate");
  if (g_strcmp0 (mode, "conservative") == 0)
    return _("Conservative");
  if (g_strcmp0 (mode, "custom") == 0)
    return _("Custom");
  return mode ? mode : "—";
}

static GtkWindow *
parent_window (GtkWidget *widget)
{
  GtkRoot *root = widget ? gtk_widget_get_root (widget) : NULL;

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

void
_storm_cycle_show_error (GtkWidget    *widget,
                         const char   *heading,
                         const GError *error)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (widget), heading,
                                                       error ? error->message : NULL));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_body_use_markup (dialog, FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_storm_cycle_show_evidence (GtkWidget  *widget,
                            const char *heading,
                            const char *body,
                            const char *details)
{
  AdwMessageDialog *dialog;
  GtkWidget *scroller;
  GtkWidget *label;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (widget), heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));

  label = gtk_label_new (details);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_set_valign (label, GTK_ALIGN_START);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 280);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 420);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
  adw_message_dialog_set_extra_child (dialog, scroller);
  /* Room for a line of counts and its source table on one line. */
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, -1);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_storm_cycle_remove_all (GtkWidget *container)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (container)) != NULL)
    {
      if (GTK_IS_LIST_BOX (container))
        gtk_list_box_remove (GTK_LIST_BOX (container), child);
      else if (GTK_IS_FLOW_BOX (container))
        gtk_flow_box_remove (GTK_FLOW_BOX (container), child);
      else if (GTK_IS_GRID (container))
        gtk_grid_remove (GTK_GRID (container), child);
      else if (GTK_IS_BOX (container))
        gtk_box_remove (GTK_BOX (container), child);
      else
        g_return_if_reached ();
    }
}

void
_storm_cycle_closure_unref (gpointer  data,
                            GClosure *closure)
{
  g_object_unref (data);
}

void
_storm_cycle_style_color (GtkWidget  *widget,
                          const char *name,
                          GdkRGBA    *rgba)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  if (name == NULL || !gtk_style_context_lookup_color (context, name, rgba))
    gtk_style_context_get_color (context, rgba);
}
