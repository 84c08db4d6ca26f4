#pragma once

#include <glib.h>

#include "storm-store-db.h"

G_BEGIN_DECLS

typedef enum {
  STORM_ATTRIBUTION_LAST_TOUCH,
  STORM_ATTRIBUTION_FIRST_TOUCH,
  STORM_ATTRIBUTION_LINEAR,
  STORM_ATTRIBUTION_POSITION_BASED,   /* 40 % first, 40 % last, 20 % spread between */
} StormAttributionModel;

typedef enum {
  STORM_CHANNEL_DOOR_KNOCK,
  STORM_CHANNEL_CALL,
  STORM_CHANNEL_SMS,
  STORM_CHANNEL_MAILER,
  STORM_CHANNEL_ADS,
  STORM_CHANNEL_REFERRAL,
  STORM_N_CHANNELS
} StormChannel;

typedef struct
{
  gint64 touched;            /* properties this channel touched */
  double conversions;        /* credited conversions */
  double value;              /* credited value */
} StormChannelCredit;

const char *storm_channel_to_string   (StormChannel  channel);
const char *storm_channel_label       (StormChannel  channel);
gboolean    storm_channel_from_string (const char   *text,
                                       StormChannel *channel);
const char *storm_attribution_model_to_string   (StormAttributionModel  model);
gboolean    storm_attribution_model_from_string (const char            *text,
                                                 StormAttributionModel *model);

/* Shares of credit for a converted property's touches in time order;
 * @weights receives @n_touches values summing to 1. */
void        storm_attribution_weights (StormAttributionModel  model,
                                       guint                  n_touches,
                                       double                *weights);

/* Credits every converted property of the storm over the touches made
 * before its conversion (all touches when the conversion has no date). */
gboolean    storm_attribution_compute (StormDb                *db,
                                       gint64                  storm_id,
                                       StormAttributionModel   model,
                                       StormChannelCredit      credit[STORM_N_CHANNELS],
                                       GError                **error);

G_END_DECLS
