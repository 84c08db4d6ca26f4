#pragma once

#include <glib.h>

#include "storm-store-db.h"

G_BEGIN_DECLS

/* What the store knows about one property in one storm, for the rules. */
typedef struct
{
  gboolean has_decision;
  char     decision[8];       /* "treat" / "hold" */
  char     reason[24];        /* universal_control, rct_control, above_threshold, below_threshold */
  gboolean has_outcome;
  gboolean converted;
  gint64   n_touches;
  char     last_channel[16];
  char     last_result[24];   /* no_answer, not_interested, callback, inspection_booked, signed, … */
  char     next_follow_up[32];/* due date of the earliest open follow-up, "" if none */
  char     next_follow_up_channel[16];
} StormPropertyContext;

typedef struct
{
  const char *rule;    /* stable id of the rule that fired, e.g. "control" */
  char       *action;  /* what to do, for a person */
  char       *why;     /* the rule in words */
} StormNextAction;

gboolean storm_db_property_context (StormDb              *db,
                                    gint64                storm_id,
                                    gint64                property_id,
                                    StormPropertyContext *context,
                                    GError              **error);
void     storm_next_action_decide  (const StormPropertyContext *context,
                                    const char                 *today,
                                    StormNextAction            *action);
void     storm_next_action_clear   (StormNextAction            *action);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StormNextAction, storm_next_action_clear)

G_END_DECLS
