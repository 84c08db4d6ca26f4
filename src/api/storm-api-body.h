#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define STORM_API_ERROR (storm_api_error_quark ())

/* What is wrong with a request; each maps to one HTTP status. */
typedef enum {
  STORM_API_ERROR_MALFORMED,      /* 400: not JSON, or not an object */
  STORM_API_ERROR_UNKNOWN_FIELD,  /* 400 */
  STORM_API_ERROR_MISSING_FIELD,  /* 400 */
  STORM_API_ERROR_INVALID_FIELD,  /* 400: wrong type or value */
  STORM_API_ERROR_TOO_LARGE,      /* 413 */
} StormApiError;

/* The endpoints that take a body. */
typedef enum {
  STORM_API_BODY_OUTCOME,
  STORM_API_BODY_TOUCH,
  STORM_API_BODY_LEAD_TOUCH,
  STORM_API_BODY_RUN,
  STORM_API_BODY_AGENT_JOB,
  STORM_API_BODY_AGENT_JOB_PATCH,
  STORM_API_N_BODIES
} StormApiBody;

/* Largest body the server reads. */
#define STORM_API_MAX_BODY (1024 * 1024)

GQuark      storm_api_error_quark        (void);

/* Parses and validates @length bytes of @data as the body of @kind: one
 * JSON object whose fields are all known to the endpoint, required ones
 * present, each of its type (strings non-empty, dates ISO 8601, numbers
 * finite). Needs no server or database, so it is also the fuzz target
 * for request bodies. Returns the object, or NULL with an error in
 * STORM_API_ERROR whose message names the field or the line and column. */
JsonObject *storm_api_parse_body         (StormApiBody   kind,
                                          const char    *data,
                                          gsize          length,
                                          GError       **error);

/* Accessors for a validated object: NULL / @fallback when absent or null. */
const char *storm_api_body_get_string    (JsonObject    *object,
                                          const char    *field);
double      storm_api_body_get_double    (JsonObject    *object,
                                          const char    *field,
                                          double         fallback);
gboolean    storm_api_body_has           (JsonObject    *object,
                                          const char    *field);

/* "2024-05-01" or ISO 8601 with a time and zone. */
gboolean    storm_api_is_timestamp       (const char    *text);

G_END_DECLS
