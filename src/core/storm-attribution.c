#define G_LOG_DOMAIN "storm-attribution"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "storm-attribution.h"

static const char * const channel_names[] = { "door_knock", "call", "sms", "mailer", "ads", "referral" };
static const char * const model_names[] = { "last-touch", "first-touch", "linear", "position-based" };

G_STATIC_ASSERT (G_N_ELEMENTS (channel_names) == STORM_N_CHANNELS);

const char *
storm_channel_to_string (StormChannel channel)
{
  g_return_val_if_fail (channel < STORM_N_CHANNELS, NULL);
  return channel_names[channel];
}

const char *
storm_channel_label (StormChannel channel)
{
  switch (channel)
    {
    case STORM_CHANNEL_DOOR_KNOCK: return _("Door knock");
    case STORM_CHANNEL_CALL: return _("Call");
    case STORM_CHANNEL_SMS: return _("SMS");
    case STORM_CHANNEL_MAILER: return _("Mailer");
    case STORM_CHANNEL_ADS: return _("Ads");
    case STORM_CHANNEL_REFERRAL: return _("Referral");
    case STORM_N_CHANNELS:
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
storm_channel_from_string (const char   *text,
                           StormChannel *channel)
{
  for (guint i = 0; i < STORM_N_CHANNELS; i++)
    if (g_strcmp0 (text, channel_names[i]) == 0)
      {
        *channel = i;
        return TRUE;
      }
  return FALSE;
}

const char *
storm_attribution_model_to_string (StormAttributionModel model)
{
  g_return_val_if_fail (model <= STORM_ATTRIBUTION_POSITION_BASED, NULL);
  return model_names[model];
}

gboolean
storm_attribution_model_from_string (const char            *text,
                                     StormAttributionModel *model)
{
  for (guint i = 0; i < G_N_ELEMENTS (model_names); i++)
    if (g_strcmp0 (text, model_names[i]) == 0)
      {
        *model = i;
        return TRUE;
      }
  return FALSE;
}

void
storm_attribution_weights (StormAttributionModel  model,
                           guint                  n,
                           double                *weights)
{
  if (n == 0)
    return;
  memset (weights, 0, n * sizeof (double));
  switch (model)
    {
    case STORM_ATTRIBUTION_LAST_TOUCH:
      weights[n - 1] = 1.0;
      break;

    case STORM_ATTRIBUTION_FIRST_TOUCH:
      weights[0] = 1.0;
      break;

    case STORM_ATTRIBUTION_LINEAR:
      for (guint i = 0; i < n; i++)
        weights[i] = 1.0 / n;
      break;

    case STORM_ATTRIBUTION_POSITION_BASED:
    default:
      if (n == 1)
        weights[0] = 1.0;
      else if (n == 2)
        weights[0] = weights[1] = 0.5;
      else
        {
          weights[0] = 0.4;
          weights[n - 1] = 0.4;
          for (guint i = 1; i < n - 1; i++)
            weights[i] = 0.2 / (n - 2);
        }
      break;
    }
}

static void
credit_path (StormAttributionModel  model,
             GArray                *path,
             double                 value,
             StormChannelCredit    *credit)
{
  g_autofree double *weights = NULL;

  if (path->len == 0)
    return;
  weights = g_new (double, path->len);
  storm_attribution_weights (model, path->len, weights);
  for (guint i = 0; i < path->len; i++)
    {
      StormChannel c = g_array_index (path, StormChannel, i);

      credit[c].conversions += weights[i];
      credit[c].value += weights[i] * value;
    }
}

gboolean
storm_attribution_compute (StormDb                *db,
                           gint64                  storm_id,
                           StormAttributionModel   model,
                           StormChannelCredit      credit[STORM_N_CHANNELS],
                           GError                **error)
{
  g_autoptr(sqlite3_stmt) touched = NULL;
  g_autoptr(sqlite3_stmt) paths = NULL;
  g_autoptr(GArray) path = g_array_new (FALSE, FALSE, sizeof (StormChannel));
  gint64 current = 0;
  double current_value = 0;
  int rc;

  memset (credit, 0, STORM_N_CHANNELS * sizeof *credit);

  touched = storm_db_prepare (db,
                              "SELECT channel, count (DISTINCT property_id) FROM touches "
                              "WHERE storm_id = ?1 GROUP BY channel",
                              error);
  if (touched == NULL)
    return FALSE;
  sqlite3_bind_int64 (touched, 1, storm_id);
  while ((rc = sqlite3_step (touched)) == SQLITE_ROW)
    {
      StormChannel c;

      if (storm_channel_from_string ((const char *) sqlite3_column_text (touched, 0), &c))
        credit[c].touched = sqlite3_column_int64 (touched, 1);
    }
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "counting touches");

  /* Each converted property's touches in time order (id breaks ties). */
  paths = storm_db_prepare (db,
                            "SELECT o.property_id, coalesce (o.value, 0), t.channel "
                            "FROM policy_outcomes o "
                            "JOIN touches t ON t.storm_id = o.storm_id AND t.property_id = o.property_id "
                            "  AND (o.occurred_at IS NULL OR t.at <= o.occurred_at) "
                            "WHERE o.storm_id = ?1 AND o.is_current = 1 AND o.converted = 1 "
                            "ORDER BY o.property_id, t.at, t.id",
                            error);
  if (paths == NULL)
    return FALSE;
  sqlite3_bind_int64 (paths, 1, storm_id);
  while ((rc = sqlite3_step (paths)) == SQLITE_ROW)
    {
      gint64 property_id = sqlite3_column_int64 (paths, 0);
      StormChannel c;

      if (property_id != current)
        {
          credit_path (model, path, current_value, credit);
          g_array_set_size (path, 0);
          current = property_id;
          current_value = sqlite3_column_double (paths, 1);
        }
      if (storm_channel_from_string ((const char *) sqlite3_column_text (paths, 2), &c))
        g_array_append_val (path, c);
    }
  if (rc != SQLITE_DONE)
    return storm_db_fail (db, error, "reading touches");
  credit_path (model, path, current_value, credit);
  return TRUE;
}
