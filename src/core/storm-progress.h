#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Progress of a long job, reported from any thread and delivered on the
 * main context of whoever started the job, at most ~20 times a second. */
typedef void (*StormProgressFunc) (double      fraction,
                                   const char *message,
                                   gpointer    user_data);

typedef struct _StormProgress StormProgress;

StormProgress *storm_progress_new    (StormProgressFunc  func,
                                      gpointer           user_data,
                                      GDestroyNotify     destroy);
void           storm_progress_free   (StormProgress     *self);
void           storm_progress_report (StormProgress     *self,
                                      double             fraction,
                                      const char        *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormProgress, storm_progress_free)

G_END_DECLS
