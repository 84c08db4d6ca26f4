#define G_LOG_DOMAIN "storm-report-json"

#include "config.h"

#include <math.h>

#include "storm-report-json.h"

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_interval (JsonBuilder         *b,
              const char          *name,
              const StormInterval *ci)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  if (isfinite (ci->lower))
    json_builder_add_double_value (b, ci->lower);
  else
    json_builder_add_null_value (b);
  if (isfinite (ci->upper))
    json_builder_add_double_value (b, ci->upper);
  else
    json_builder_add_null_value (b);
  json_builder_end_array (b);
}

static void
build_lift (JsonBuilder     *b,
            const StormLift *lift)
{
  json_builder_begin_object (b);
  add_number (b, "treatment_rate", lift->p1);
  add_number (b, "control_rate", lift->p2);
  add_number (b, "lift", lift->lift);
  add_number (b, "relative_lift", lift->relative_lift);
  add_interval (b, "wald_95", &lift->wald);
  add_interval (b, "newcombe_95", &lift->newcombe);
  add_number (b, "z", lift->z);
  add_number (b, "p_value", lift->p_value);
  json_builder_end_object (b);
}

JsonNode *
storm_lift_to_json (const StormLift *lift)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  build_lift (b, lift);
  return json_builder_get_root (b);
}

static void
add_arm (JsonBuilder *b,
         const char  *name,
         gint64       n,
         gint64       x)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  add_int (b, "n", n);
  add_int (b, "converted", x);
  add_number (b, "rate", n > 0 ? (double) x / n : NAN);
  json_builder_end_object (b);
}

JsonNode *
storm_report_to_json (const StormReport *r,
                      const char        *storm_code)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "storm");
  json_builder_add_string_value (b, storm_code);
  json_builder_set_member_name (b, "execution_id");
  if (r->execution_id > 0)
    json_builder_add_int_value (b, r->execution_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, r->mode);
  add_number (b, "threshold", r->execution_id > 0 ? r->threshold : NAN);
  add_int (b, "outcomes", r->n_outcomes);

  json_builder_set_member_name (b, "arms");
  json_builder_begin_object (b);
  add_arm (b, "treatment", r->n_treat, r->x_treat);
  add_arm (b, "control", r->n_control, r->x_control);
  add_arm (b, "rct_control", r->n_rct, r->x_rct);
  add_arm (b, "universal_control", r->n_universal, r->x_universal);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "lift");
  if (r->has_lift)
    build_lift (b, &r->lift);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "lift_vs_rct_control");
  if (r->has_lift_rct)
    build_lift (b, &r->lift_rct);
  else
    json_builder_add_null_value (b);

  add_number (b, "predicted_lift", r->predicted_lift);
  add_number (b, "prediction_error", r->prediction_error);
  add_number (b, "incremental_conversions", r->incremental_conversions);
  add_number (b, "cost", r->cost);
  add_number (b, "incremental_value", r->incremental_value);
  add_number (b, "roi", r->roi);
  add_number (b, "detectable_difference", r->detectable_difference);
  add_number (b, "qini_coefficient", r->qini_coefficient);

  json_builder_set_member_name (b, "calibration");
  json_builder_begin_array (b);
  for (guint i = 0; r->bands != NULL && i < r->bands->len; i++)
    {
      const StormBandRow *row = &g_array_index (r->bands, StormBandRow, i);

      json_builder_begin_object (b);
      add_number (b, "band_lower", row->band_lower);
      add_int (b, "n_treatment", row->n_treat);
      add_int (b, "converted_treatment", row->x_treat);
      add_int (b, "n_control", row->n_control);
      add_int (b, "converted_control", row->x_control);
      add_number (b, "predicted", row->predicted);
      add_number (b, "actual", row->actual);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "qini");
  json_builder_begin_array (b);
  for (guint i = 0; r->qini != NULL && i < r->qini->len; i++)
    {
      const StormQiniPoint *p = &g_array_index (r->qini, StormQiniPoint, i);

      json_builder_begin_object (b);
      add_number (b, "fraction", p->fraction);
      add_int (b, "k", p->k);
      add_number (b, "qini", p->qini);
      add_number (b, "uplift_at_k", p->uplift_at_k);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
storm_json_to_string (JsonNode *node,
                      gboolean  pretty)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, pretty);
  return json_generator_to_data (gen, NULL);
}
