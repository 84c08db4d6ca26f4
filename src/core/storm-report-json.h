#pragma once

#include <json-glib/json-glib.h>

#include "storm-report.h"

G_BEGIN_DECLS

/* Machine-readable forms of the measurement numbers, shared by the CLI
 * (--json) and the HTTP API. Non-finite numbers become null. */
JsonNode *storm_lift_to_json   (const StormLift   *lift);
JsonNode *storm_report_to_json (const StormReport *report,
                                const char        *storm_code);
/* Pretty text of @node, for printing. */
char     *storm_json_to_string (JsonNode          *node,
                                gboolean           pretty);

G_END_DECLS
