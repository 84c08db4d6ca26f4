#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

/* Kinds of storm report, as in the storm_reports table. */
typedef enum {
  STORM_REPORT_HAIL,
  STORM_REPORT_WIND,
  STORM_REPORT_TORNADO,
  STORM_REPORT_N_KINDS
} StormReportKind;

#define STORM_TYPE_REPORT_LAYER (storm_report_layer_get_type ())

G_DECLARE_FINAL_TYPE (StormReportLayer, storm_report_layer, STORM, REPORT_LAYER, ShumateLayer)

StormReportLayer *storm_report_layer_new         (ShumateViewport  *viewport);
void              storm_report_layer_set_reports (StormReportLayer *self,
                                                  const double     *lat,
                                                  const double     *lon,
                                                  const guint8     *kind,
                                                  const double     *magnitude,
                                                  gsize             n_reports);
gsize             storm_report_layer_get_n_reports (StormReportLayer *self);
gboolean          storm_report_layer_get_bounds  (StormReportLayer *self,
                                                  double           *min_lat,
                                                  double           *min_lon,
                                                  double           *max_lat,
                                                  double           *max_lon);
double            storm_report_layer_marker_radius (StormReportKind  kind,
                                                    double           magnitude);

G_END_DECLS
