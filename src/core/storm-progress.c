#define G_LOG_DOMAIN "storm-progress"

#include "config.h"

#include "storm-progress.h"

struct _StormProgress
{
  StormProgressFunc  func;
  gpointer           user_data;
  GDestroyNotify     destroy;
  GMainContext      *context;
  gint64             last_report;
  gatomicrefcount    ref_count;
};

typedef struct
{
  StormProgress *progress;
  double         fraction;
  char          *message;
} Report;

static StormProgress *
progress_ref (StormProgress *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
progress_unref (StormProgress *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_main_context_unref (self->context);
  g_free (self);
}

static void
report_free (gpointer data)
{
  Report *report = data;

  progress_unref (report->progress);
  g_free (report->message);
  g_free (report);
}

static gboolean
deliver_cb (gpointer data)
{
  Report *report = data;

  report->progress->func (report->fraction, report->message, report->progress->user_data);
  return G_SOURCE_REMOVE;
}

StormProgress *
storm_progress_new (StormProgressFunc func,
                    gpointer          user_data,
                    GDestroyNotify    destroy)
{
  StormProgress *self = g_new0 (StormProgress, 1);

  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  self->context = g_main_context_ref_thread_default ();
  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

void
storm_progress_free (StormProgress *self)
{
  if (self != NULL)
    progress_unref (self);
}

void
storm_progress_report (StormProgress *self,
                       double         fraction,
                       const char    *message)
{
  gint64 now;
  Report *report;

  if (self == NULL || self->func == NULL)
    return;
  now = g_get_monotonic_time ();
  if (fraction < 1.0 && now - self->last_report < G_USEC_PER_SEC / 20)
    return;
  self->last_report = now;

  report = g_new0 (Report, 1);
  report->progress = progress_ref (self);
  report->fraction = CLAMP (fraction, 0.0, 1.0);
  report->message = g_strdup (message);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, deliver_cb, report, report_free);
}
