/* libFuzzer target for the HTTP API's request bodies: the first byte picks
 * the endpoint, the rest is the body, parsed and validated as the server
 * does before any write. Seeds: tests/data/api/. */
#include "config.h"

#include "storm-api-body.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  StormApiBody kind;

  if (size < 1)
    return 0;
  kind = (StormApiBody) (data[0] % STORM_API_N_BODIES);
  object = storm_api_parse_body (kind, (const char *) data + 1, size - 1, &error);
  /* either a validated object or an error a client can read */
  g_assert_true ((object == NULL) == (error != NULL));
  if (object != NULL)
    json_object_unref (object);
  else
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
  return 0;
}
