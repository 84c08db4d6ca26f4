#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "api-test-util.h"
#include "storm-api-body.h"
#include "storm-api-server.h"
#include "storm-api-token.h"
#include "storm-demo.h"
#include "storm-error.h"
#include "storm-import.h"
#include "storm-report-json.h"
#include "storm-store-storms.h"

/* The 34 Dallas restaurants of the shared data as storm DAL, a second
 * storm OTHER without properties, and a server on a free loopback port. */
typedef struct
{
  char           *dir;
  char           *token_path;
  char           *token;
  StormStore     *store;
  StormDb        *db;
  StormApiServer *server;
  SoupSession    *session;
  char           *base;
  GPtrArray      *changed;
} Fixture;

typedef struct
{
  guint     status;
  char     *text;
  JsonNode *json;
  gboolean  replayed;
  char     *allow;
} Response;

static void
response_clear (Response *r)
{
  g_clear_pointer (&r->text, g_free);
  g_clear_pointer (&r->json, json_node_unref);
  g_clear_pointer (&r->allow, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;

      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

static char *
shared_data (const char *dir,
             const char *name)
{
  const char *root = g_getenv ("STORMOPS_SHARED_DATA");

  g_assert_nonnull (root);
  return g_build_filename (root, dir, name, NULL);
}

static gint64
query_int (StormDb    *db,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
query_text (StormDb    *db,
            const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static void
changed_cb (StormStore *store,
            const char *table,
            Fixture    *f)
{
  g_ptr_array_add (f->changed, g_strdup (table));
}

static gboolean
was_changed (Fixture    *f,
             const char *table)
{
  for (guint i = 0; i < f->changed->len; i++)
    if (g_str_equal (g_ptr_array_index (f->changed, i), table))
      return TRUE;
  return FALSE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *csv = shared_data ("addresses", "dallas.csv");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  StormStormSpec other = { .code = "OTHER", .name = "Another storm" };
  g_auto(StormImportResult) result = { 0 };

  f->dir = g_dir_make_tmp ("stormops-api-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->store = storm_store_open (path, &error);
  g_assert_no_error (error);
  f->db = storm_store_get_db (f->store);
  storm_import_result_init (&result);
  g_assert_true (storm_import_properties (f->db, csv, "DAL", &result, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.n_inserted, ==, 34);
  g_assert_cmpint (storm_db_ensure_storm (f->db, &other, NULL, &error), >, 0);
  g_assert_no_error (error);

  f->token_path = g_build_filename (f->dir, "config", "stormops", "api-token", NULL);
  f->token = storm_api_token_load (f->token_path, TRUE, &error);
  g_assert_no_error (error);
  f->server = storm_api_server_new (f->store, f->token);
  g_assert_true (storm_api_server_start (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (storm_api_server_get_port (f->server), >, 0);
  f->base = g_strdup_printf ("http://127.0.0.1:%u/api/v1", storm_api_server_get_port (f->server));
  /* No proxy lookups for a loopback server. */
  f->session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  f->changed = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->store, "changed", G_CALLBACK (changed_cb), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  storm_api_server_stop (f->server);
  g_clear_object (&f->server);
  /* Let the closed connections finish on the loop. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->store);
  g_clear_pointer (&f->changed, g_ptr_array_unref);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->token_path);
  g_free (f->token);
  g_free (f->base);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GBytes **bytes = user_data;
  g_autoptr(GError) error = NULL;

  *bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* Sends one request and runs the main loop (where the server answers)
 * until the reply is in. @token NULL sends no Authorization header. */
static void
request (Fixture     *f,
         const char  *method,
         const char  *path,
         const char  *content_type,
         const char  *body,
         gssize       body_length,
         const char  *token,
         const char  *key,
         Response    *response)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GBytes) reply = NULL;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_length >= 0 ? (gsize) body_length : strlen (body));
      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &reply);
  while (reply == NULL)
    g_main_context_iteration (NULL, TRUE);

  response->status = soup_message_get_status (msg);
  response->text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  response->replayed = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                     "Idempotent-Replayed") != NULL;
  response->allow = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow"));
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/json");
  response->json = json_from_string (response->text, NULL);
  g_assert_nonnull (response->json);
}

static void
post (Fixture    *f,
      const char *path,
      const char *body,
      const char *key,
      Response   *response)
{
  request (f, "POST", path, "application/json", body, -1, f->token, key, response);
}

static void
get (Fixture    *f,
     const char *path,
     Response   *response)
{
  request (f, "GET", path, NULL, NULL, 0, f->token, NULL, response);
}

static const char *
member (Response   *r,
        const char *name)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (r->json));
  return json_object_get_string_member_with_default (json_node_get_object (r->json), name, NULL);
}

/* The error of a failed request, with its message. */
static void
assert_error (Response   *r,
              guint       status,
              const char *code,
              const char *in_message)
{
  if (r->status != status)
    g_error ("expected %u, got %u: %s", status, r->status, r->text);
  g_assert_cmpstr (member (r, "error"), ==, code);
  if (in_message != NULL && strstr (member (r, "message"), in_message) == NULL)
    g_error ("“%s” not in “%s”", in_message, member (r, "message"));
}

/* ---- pieces without a server --------------------------------------------- */

static void
test_token (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stormops-token-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "stormops", "api-token", NULL);
  g_autofree char *dir2 = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *again = NULL;
  g_autofree char *renewed = NULL;
  GStatBuf st;

  /* Not made unless asked. */
  g_assert_null (storm_api_token_load (path, FALSE, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_FAILED);
  g_clear_error (&error);

  token = storm_api_token_load (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (token), ==, 64);
  for (const char *p = token; *p; p++)
    g_assert_true (g_ascii_isxdigit (*p));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir2, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  again = storm_api_token_load (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, token);

  renewed = storm_api_token_regenerate (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renewed, !=, token);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A file readable by others is restricted on load. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_test_expect_message ("storm-api-token", G_LOG_LEVEL_WARNING, "*readable by others*");
  g_free (again);
  again = storm_api_token_load (path, FALSE, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, renewed);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Garbage is not a token. */
  g_assert_true (g_file_set_contents (path, "hunter2\n", -1, NULL));
  g_assert_null (storm_api_token_load (path, TRUE, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);

  g_assert_true (storm_api_token_equal (token, token));
  g_assert_false (storm_api_token_equal (token, renewed));
  g_assert_false (storm_api_token_equal (token, ""));
  g_assert_false (storm_api_token_equal (token, NULL));
  {
    g_autofree char *prefix = g_strndup (token, 63);
    g_autofree char *longer = g_strconcat (token, "0", NULL);

    g_assert_false (storm_api_token_equal (token, prefix));
    g_assert_false (storm_api_token_equal (token, longer));
  }

  g_remove (path);
  g_rmdir (dir2);
  g_rmdir (dir);
}

static void
assert_body_error (StormApiBody  kind,
                   const char   *body,
                   gssize        length,
                   int           code,
                   const char   *in_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  object = storm_api_parse_body (kind, body, length >= 0 ? (gsize) length : strlen (body), &error);
  g_assert_null (object);
  g_assert_error (error, STORM_API_ERROR, code);
  if (in_message != NULL && strstr (error->message, in_message) == NULL)
    g_error ("“%s” not in “%s”", in_message, error->message);
}

static void
test_body (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *huge = NULL;
  const char *good = "{\"storm\": \"DAL\", \"property\": \"p1\", \"converted\": true, "
                     "\"value\": 9500.5, \"at\": \"2024-05-01T18:30:00-05:00\", \"source\": \"crm\"}";

  object = storm_api_parse_body (STORM_API_BODY_OUTCOME, good, strlen (good), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (storm_api_body_get_string (object, "storm"), ==, "DAL");
  g_assert_cmpfloat (storm_api_body_get_double (object, "value", NAN), ==, 9500.5);

  assert_body_error (STORM_API_BODY_OUTCOME, "{\"storm\": \"DAL\",\n \"property\": ,}", -1,
                     STORM_API_ERROR_MALFORMED, "line 2, column");
  assert_body_error (STORM_API_BODY_OUTCOME, "", -1, STORM_API_ERROR_MALFORMED, "empty");
  assert_body_error (STORM_API_BODY_OUTCOME, "[1, 2]", -1, STORM_API_ERROR_MALFORMED, "one JSON object");
  assert_body_error (STORM_API_BODY_OUTCOME, "{\"storm\": \"\xff\"}", -1, STORM_API_ERROR_MALFORMED, "UTF-8");
  assert_body_error (STORM_API_BODY_OUTCOME, "{\"storm\": \"a\0b\"}", 15, STORM_API_ERROR_MALFORMED, "NUL");
  assert_body_error (STORM_API_BODY_OUTCOME,
                     "{\"storm\": \"DAL\", \"property\": \"p1\", \"converted\": true, \"amount\": 1}", -1,
                     STORM_API_ERROR_UNKNOWN_FIELD, "“amount”");
  assert_body_error (STORM_API_BODY_OUTCOME, "{\"storm\": \"DAL\", \"converted\": true}", -1,
                     STORM_API_ERROR_MISSING_FIELD, "“property”");
  assert_body_error (STORM_API_BODY_OUTCOME, "{\"storm\": \"DAL\", \"property\": \"p1\", \"converted\": 1}", -1,
                     STORM_API_ERROR_INVALID_FIELD, "“converted” must be true or false");
  assert_body_error (STORM_API_BODY_OUTCOME,
                     "{\"storm\": \"DAL\", \"property\": \"p1\", \"converted\": true, \"value\": -3}", -1,
                     STORM_API_ERROR_INVALID_FIELD, "“value”");
  assert_body_error (STORM_API_BODY_OUTCOME,
                     "{\"storm\": \"DAL\", \"property\": \"p1\", \"converted\": true, \"at\": \"yesterday\"}", -1,
                     STORM_API_ERROR_INVALID_FIELD, "“at”");
  assert_body_error (STORM_API_BODY_OUTCOME,
                     "{\"storm\": \"DAL\", \"property\": \"p1\", \"converted\": true, \"at\": \"2024-02-30\"}", -1,
                     STORM_API_ERROR_INVALID_FIELD, "“at”");
  assert_body_error (STORM_API_BODY_OUTCOME, "{\"storm\": \"\", \"property\": \"p1\", \"converted\": true}", -1,
                     STORM_API_ERROR_INVALID_FIELD, "“storm”");
  assert_body_error (STORM_API_BODY_AGENT_JOB, "{\"task\": \"x\", \"files\": [\"a\", 3]}", -1,
                     STORM_API_ERROR_INVALID_FIELD, "“files”");
  assert_body_error (STORM_API_BODY_RUN,
                     "{\"kind\": \"etl\", \"status\": \"fail\", \"started_at\": \"2024-05-01\", \"steps_total\": 1.5}",
                     -1, STORM_API_ERROR_INVALID_FIELD, "“steps_total”");

  /* Nesting that would make the parser recurse deeply is refused first. */
  deep = g_strnfill (100000, '[');
  assert_body_error (STORM_API_BODY_OUTCOME, deep, -1, STORM_API_ERROR_MALFORMED, "nests deeper");
  huge = g_strnfill (STORM_API_MAX_BODY + 1, ' ');
  assert_body_error (STORM_API_BODY_OUTCOME, huge, -1, STORM_API_ERROR_TOO_LARGE, NULL);

  /* Found by fuzzing: escapes json-glib decodes to bytes that are not
   * UTF-8, quoted from a broken escape or in a field's name; the message a
   * client gets must still be text. Each file's first byte picks the
   * endpoint, as in tests/fuzz/fuzz-api-body.c. */
  {
    static const char * const found[] = { "api-body-broken-escape.bin", "api-body-escaped-field-name.bin" };

    for (guint i = 0; i < G_N_ELEMENTS (found); i++)
      {
        g_autofree char *path = g_build_filename (g_getenv ("STORMOPS_TEST_DATA"), "bad", found[i], NULL);
        g_autofree char *contents = NULL;
        g_autoptr(JsonObject) none = NULL;
        gsize length = 0;

        g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
        g_clear_error (&error);
        none = storm_api_parse_body ((StormApiBody) (contents[0] % STORM_API_N_BODIES), contents + 1, length - 1,
                                     &error);
        g_assert_null (none);
        g_assert_nonnull (error);
        g_assert_true (g_utf8_validate (error->message, -1, NULL));
      }
  }
}

/* ---- endpoints ------------------------------------------------------------ */

static void
test_health (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Response) r = { 0 };
  JsonObject *o;

  get (f, "/health", &r);
  g_assert_cmpuint (r.status, ==, 200);
  o = json_node_get_object (r.json);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (o, "schema_version"), ==, STORM_SCHEMA_VERSION);
  g_assert_cmpint (json_object_get_int_member (o, "requests"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "unauthorized"), ==, 0);
}

static void
test_storms (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Response) r = { 0 };
  JsonArray *storms;
  gboolean seen = FALSE;

  get (f, "/storms", &r);
  g_assert_cmpuint (r.status, ==, 200);
  storms = json_object_get_array_member (json_node_get_object (r.json), "storms");
  g_assert_cmpuint (json_array_get_length (storms), ==, 2);
  for (guint i = 0; i < json_array_get_length (storms); i++)
    {
      JsonObject *s = json_array_get_object_element (storms, i);

      if (g_str_equal (json_object_get_string_member (s, "code"), "DAL"))
        {
          seen = TRUE;
          g_assert_cmpint (json_object_get_int_member (s, "properties"), ==, 34);
        }
    }
  g_assert_true (seen);
}

static void
test_report (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Response) r = { 0 };
  g_auto(Response) missing = { 0 };
  g_auto(Response) demo = { 0 };
  StormDemoOptions options = { .n_properties = 300, .seed = 24 };
  g_auto(StormReport) report = { 0 };
  g_autoptr(JsonNode) expected = NULL;
  StormReportOptions report_options;
  JsonObject *o;

  get (f, "/storms/DAL/report", &r);
  g_assert_cmpuint (r.status, ==, 200);
  o = json_node_get_object (r.json);
  g_assert_cmpstr (json_object_get_string_member (o, "storm"), ==, "DAL");
  g_assert_cmpint (json_object_get_int_member (o, "execution_id"), ==, 0);

  get (f, "/storms/NOPE/report", &missing);
  assert_error (&missing, 404, "not_found", "“NOPE”");

  /* The demo storm, with a code that needs no escaping, and the numbers
   * the CLI prints for it. */
  g_assert_true (storm_demo_generate (f->db, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  get (f, "/storms/" STORM_DEMO_CODE "/report", &demo);
  g_assert_cmpuint (demo.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (demo.json), "storm"), ==, STORM_DEMO_CODE);
  storm_report_options_init (&report_options);
  g_assert_true (storm_report_compute (f->db, storm_db_find_storm (f->db, STORM_DEMO_CODE), &report_options,
                                       &report, &error));
  g_assert_no_error (error);
  expected = storm_report_to_json (&report, STORM_DEMO_CODE);
  g_assert_true (json_node_equal (expected, demo.json));
}

static void
test_outcomes (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *ext = query_text (f->db, "SELECT ext_id FROM properties ORDER BY id LIMIT 1");
  g_autofree char *body = g_strdup_printf ("{\"storm\": \"DAL\", \"property\": \"%s\", \"converted\": true, "
                                           "\"value\": 9500, \"at\": \"2024-05-01\", \"source\": \"field-app\"}", ext);
  g_autofree char *correction = g_strdup_printf ("{\"storm\": \"DAL\", \"property\": \"%s\", \"converted\": false}", ext);
  g_autofree char *no_storm = g_strdup_printf ("{\"storm\": \"NOPE\", \"property\": \"%s\", \"converted\": true}", ext);
  g_autofree char *not_in = g_strdup_printf ("{\"storm\": \"OTHER\", \"property\": \"%s\", \"converted\": true}", ext);
  g_autofree char *actor = NULL;
  g_auto(Response) first = { 0 };
  g_auto(Response) same = { 0 };
  g_auto(Response) corrected = { 0 };
  g_auto(Response) r404a = { 0 };
  g_auto(Response) r404b = { 0 };
  g_auto(Response) r404c = { 0 };

  post (f, "/outcomes", body, NULL, &first);
  g_assert_cmpuint (first.status, ==, 201);
  g_assert_cmpstr (member (&first, "result"), ==, "inserted");
  g_assert_cmpstr (member (&first, "property"), ==, ext);
  g_assert_true (was_changed (f, "policy_outcomes"));
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes WHERE source = 'api' AND converted = 1 "
                                     "AND value = 9500 AND occurred_at = '2024-05-01'"), ==, 1);
  actor = query_text (f->db, "SELECT actor FROM policy_outcomes");
  g_assert_cmpstr (actor, ==, "api:field-app");

  /* The same outcome again (no key) changes nothing: storm_outcome_record
   * is idempotent by content. */
  g_ptr_array_set_size (f->changed, 0);
  post (f, "/outcomes", body, NULL, &same);
  g_assert_cmpuint (same.status, ==, 200);
  g_assert_cmpstr (member (&same, "result"), ==, "unchanged");
  g_assert_false (was_changed (f, "policy_outcomes"));

  post (f, "/outcomes", correction, NULL, &corrected);
  g_assert_cmpuint (corrected.status, ==, 201);
  g_assert_cmpstr (member (&corrected, "result"), ==, "corrected");
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 2);
  g_assert_cmpint (query_int (f->db, "SELECT converted FROM policy_outcomes WHERE is_current = 1"), ==, 0);

  post (f, "/outcomes", no_storm, NULL, &r404a);
  assert_error (&r404a, 404, "not_found", "There is no storm “NOPE”");
  post (f, "/outcomes", "{\"storm\": \"DAL\", \"property\": \"no-such-house\", \"converted\": true}", NULL, &r404b);
  assert_error (&r404b, 404, "not_found", "There is no property “no-such-house”");
  post (f, "/outcomes", not_in, NULL, &r404c);
  assert_error (&r404c, 404, "not_found", "is not in storm “OTHER”");
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 2);
}

static void
test_touches (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *ext = query_text (f->db, "SELECT ext_id FROM properties ORDER BY id DESC LIMIT 1");
  g_autofree char *body = g_strdup_printf ("{\"storm\": \"DAL\", \"property\": \"%s\", \"channel\": \"door_knock\", "
                                           "\"at\": \"2024-05-02T16:00:00Z\", \"result\": \"not home\"}", ext);
  g_autofree char *bad = g_strdup_printf ("{\"storm\": \"DAL\", \"property\": \"%s\", \"channel\": \"pigeon\", "
                                          "\"at\": \"2024-05-02\"}", ext);
  g_auto(Response) r = { 0 };
  g_auto(Response) again = { 0 };
  g_auto(Response) invalid = { 0 };

  post (f, "/touches", body, NULL, &r);
  g_assert_cmpuint (r.status, ==, 201);
  g_assert_true (was_changed (f, "touches"));
  post (f, "/touches", body, NULL, &again);
  g_assert_cmpuint (again.status, ==, 200);
  g_assert_cmpstr (member (&again, "result"), ==, "unchanged");
  post (f, "/touches", bad, NULL, &invalid);
  assert_error (&invalid, 400, "invalid", "door_knock");
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM touches WHERE channel = 'door_knock' "
                                     "AND result = 'not home' AND source = 'api'"), ==, 1);
}

static void
test_lead_touches (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(Response) r = { 0 };
  g_auto(Response) missing = { 0 };
  g_auto(Response) garbage = { 0 };
  g_autofree char *last = NULL;

  g_assert_true (storm_db_exec (f->db, "INSERT INTO leads (id, title, company) VALUES (7, 'Roof repair', 'Cane Rosso')", NULL));
  post (f, "/leads/7/touches", "{\"channel\": \"call\", \"at\": \"2024-05-03T10:00:00Z\", \"note\": \"left a message\"}",
        NULL, &r);
  g_assert_cmpuint (r.status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (r.json), "id"), >, 0);
  g_assert_true (was_changed (f, "lead_touches"));
  last = query_text (f->db, "SELECT last_contact_at FROM leads WHERE id = 7");
  g_assert_cmpstr (last, ==, "2024-05-03T10:00:00Z");

  post (f, "/leads/8/touches", "{\"channel\": \"call\", \"at\": \"2024-05-03\"}", NULL, &missing);
  assert_error (&missing, 404, "not_found", "lead 8");
  post (f, "/leads/seven/touches", "{\"channel\": \"call\", \"at\": \"2024-05-03\"}", NULL, &garbage);
  assert_error (&garbage, 404, "not_found", "“seven”");
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM lead_touches"), ==, 1);
}

static void
test_runs (Fixture       *f,
           gconstpointer  data)
{
  g_auto(Response) r = { 0 };
  g_auto(Response) bad = { 0 };
  g_autofree char *error = NULL;

  post (f, "/runs", "{\"kind\": \"nightly-etl\", \"status\": \"fail\", \"started_at\": \"2024-05-01T02:00:00Z\", "
                    "\"finished_at\": \"2024-05-01T02:10:00Z\", \"steps_total\": 5, \"steps_done\": 3, "
                    "\"error\": \"timeout on step 4\"}", NULL, &r);
  g_assert_cmpuint (r.status, ==, 201);
  g_assert_true (was_changed (f, "runs"));
  error = query_text (f->db, "SELECT error FROM runs WHERE kind = 'nightly-etl' AND source = 'external' "
                             "AND status = 'fail' AND steps_done = 3");
  g_assert_cmpstr (error, ==, "timeout on step 4");

  post (f, "/runs", "{\"kind\": \"etl\", \"status\": \"exploded\", \"started_at\": \"2024-05-01\"}", NULL, &bad);
  assert_error (&bad, 400, "invalid", "“status”");
}

static void
test_agent_jobs (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Response) created = { 0 };
  g_auto(Response) low = { 0 };
  g_auto(Response) refused = { 0 };
  g_auto(Response) by_robot = { 0 };
  g_auto(Response) approved = { 0 };
  g_auto(Response) missing = { 0 };
  g_autofree char *path = NULL;
  gint64 id;

  post (f, "/agent-jobs", "{\"task\": \"Fix login\", \"branch\": \"fix-login\", "
                          "\"files\": [\"src/auth/login.c\", \"README.md\"], \"result\": \"success\", "
                          "\"tests_passed\": 12}", NULL, &created);
  g_assert_cmpuint (created.status, ==, 201);
  g_assert_cmpstr (member (&created, "risk_level"), ==, "high");
  g_assert_cmpstr (member (&created, "risk_category"), ==, "auth/security");
  id = json_object_get_int_member (json_node_get_object (created.json), "id");
  path = g_strdup_printf ("/agent-jobs/%lld", (long long) id);

  post (f, "/agent-jobs", "{\"task\": \"Restyle\", \"files\": [\"src/ui/style.css\"]}", NULL, &low);
  g_assert_cmpstr (member (&low, "risk_level"), ==, "low");

  /* Deploying without an approval: the store's trigger refuses it. */
  request (f, "PATCH", path, "application/json", "{\"deployed\": true}", -1, f->token, NULL, &refused);
  assert_error (&refused, 409, "refused", "human approval");
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM agent_jobs WHERE deployed_at IS NOT NULL"), ==, 0);

  /* An approval names a person, not a program; nothing is kept. */
  request (f, "PATCH", path, "application/json", "{\"approved_by\": \"api\", \"deployed\": true}", -1,
           f->token, NULL, &by_robot);
  assert_error (&by_robot, 409, "refused", "person");
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM approvals WHERE approved_at IS NOT NULL"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM agent_jobs WHERE approved_at IS NOT NULL"), ==, 0);

  request (f, "PATCH", path, "application/json", "{\"approved_by\": \"Dana Reyes\", \"deployed\": true}", -1,
           f->token, NULL, &approved);
  g_assert_cmpuint (approved.status, ==, 200);
  g_assert_cmpstr (member (&approved, "approved_by"), ==, "Dana Reyes");
  g_assert_nonnull (member (&approved, "deployed_at"));
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM approvals WHERE kind = 'agent_deploy' "
                                     "AND approved_by = 'Dana Reyes'"), ==, 1);

  request (f, "PATCH", "/agent-jobs/999", "application/json", "{\"deployed\": true}", -1, f->token, NULL, &missing);
  assert_error (&missing, 404, "not_found", "999");
}

/* ---- authentication, idempotency, limits, logging -------------------------- */

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *other = NULL;
  g_autofree char *renewed = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Response) none = { 0 };
  g_auto(Response) wrong = { 0 };
  g_auto(Response) write = { 0 };
  g_auto(Response) old = { 0 };
  g_auto(Response) fresh = { 0 };
  const char *body = "{\"storm\": \"DAL\", \"property\": \"x\", \"converted\": true}";

  request (f, "GET", "/health", NULL, NULL, 0, NULL, NULL, &none);
  assert_error (&none, 401, "unauthorized", "Bearer");
  other = g_strnfill (64, 'a');
  request (f, "GET", "/storms", NULL, NULL, 0, other, NULL, &wrong);
  assert_error (&wrong, 401, "unauthorized", NULL);
  request (f, "POST", "/outcomes", "application/json", body, -1, "short", NULL, &write);
  assert_error (&write, 401, "unauthorized", NULL);
  g_assert_cmpuint (storm_api_server_get_n_unauthorized (f->server), ==, 3);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE action = 'api-unauthorized' "
                                     "AND status = 'failed'"), ==, 3);
  /* Ops health reads them as failed runs of the HTTP API. */
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM runs WHERE kind = 'api-unauthorized' AND status = 'fail'"), ==, 3);

  /* After regenerating, the old token no longer works. */
  renewed = storm_api_token_regenerate (f->token_path, &error);
  g_assert_no_error (error);
  storm_api_server_set_token (f->server, renewed);
  request (f, "GET", "/health", NULL, NULL, 0, f->token, NULL, &old);
  g_assert_cmpuint (old.status, ==, 401);
  request (f, "GET", "/health", NULL, NULL, 0, renewed, NULL, &fresh);
  g_assert_cmpuint (fresh.status, ==, 200);
}

static void
test_idempotency (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *ext = query_text (f->db, "SELECT ext_id FROM properties ORDER BY id LIMIT 1 OFFSET 3");
  g_autofree char *body = g_strdup_printf ("{\"storm\": \"DAL\", \"property\": \"%s\", \"converted\": true, "
                                           "\"value\": 12000}", ext);
  g_autofree char *changed = g_strdup_printf ("{\"storm\": \"DAL\", \"property\": \"%s\", \"converted\": false}", ext);
  g_auto(Response) first = { 0 };
  g_auto(Response) retry = { 0 };
  g_auto(Response) reused = { 0 };
  g_auto(Response) bad_key = { 0 };

  post (f, "/outcomes", body, "order-1234", &first);
  g_assert_cmpuint (first.status, ==, 201);
  g_assert_false (first.replayed);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM api_idempotency_keys"), ==, 1);

  /* A retry gets the first answer, byte for byte, and writes nothing. */
  g_ptr_array_set_size (f->changed, 0);
  post (f, "/outcomes", body, "order-1234", &retry);
  g_assert_cmpuint (retry.status, ==, 201);
  g_assert_true (retry.replayed);
  g_assert_cmpstr (retry.text, ==, first.text);
  g_assert_false (was_changed (f, "policy_outcomes"));
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM api_idempotency_keys"), ==, 1);

  /* The same key for another request is the client's mistake. */
  post (f, "/outcomes", changed, "order-1234", &reused);
  assert_error (&reused, 422, "idempotency_key_reused", "order-1234");
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 1);

  post (f, "/outcomes", changed, "has space", &bad_key);
  assert_error (&bad_key, 400, "invalid_idempotency_key", NULL);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 1);
}

/* A failed write keeps neither its changes nor its key: the client may
 * retry with the same key once the cause is fixed. */
static void
test_idempotency_failure (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Response) missing = { 0 };
  g_auto(Response) later = { 0 };

  g_assert_true (storm_db_exec (f->db, "INSERT INTO leads (id, title) VALUES (1, 'First')", NULL));
  post (f, "/leads/2/touches", "{\"channel\": \"email\", \"at\": \"2024-05-03\"}", "touch-1", &missing);
  g_assert_cmpuint (missing.status, ==, 404);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM api_idempotency_keys"), ==, 0);
  g_assert_true (storm_db_exec (f->db, "INSERT INTO leads (id, title) VALUES (2, 'Second')", NULL));
  post (f, "/leads/2/touches", "{\"channel\": \"email\", \"at\": \"2024-05-03\"}", "touch-1", &later);
  g_assert_cmpuint (later.status, ==, 201);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM lead_touches"), ==, 1);
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *big = g_strnfill (STORM_API_MAX_BODY + 100, ' ');
  g_autofree char *just_fits = NULL;
  g_auto(Response) too_large = { 0 };
  g_auto(Response) fits = { 0 };
  g_auto(Response) malformed = { 0 };
  g_auto(Response) unknown = { 0 };
  g_auto(Response) media = { 0 };
  g_auto(Response) no_type = { 0 };
  g_auto(Response) method = { 0 };
  g_auto(Response) nowhere = { 0 };
  g_auto(Response) health = { 0 };

  request (f, "POST", "/outcomes", "application/json", big, -1, f->token, NULL, &too_large);
  assert_error (&too_large, 413, "too_large", NULL);
  /* At the cap the body is read, and judged as JSON. */
  just_fits = g_strnfill (STORM_API_MAX_BODY, ' ');
  just_fits[0] = '{';
  request (f, "POST", "/outcomes", "application/json", just_fits, -1, f->token, NULL, &fits);
  assert_error (&fits, 400, "malformed_json", "line 1, column");

  post (f, "/outcomes", "{\"storm\": \"DAL\",\n  \"property\": \"x\" \"converted\": true}", NULL, &malformed);
  assert_error (&malformed, 400, "malformed_json", "line 2, column 17");
  post (f, "/outcomes", "{\"storm\": \"DAL\", \"property\": \"x\", \"converted\": true, \"colour\": \"red\"}",
        NULL, &unknown);
  assert_error (&unknown, 400, "unknown_field", "“colour”");
  request (f, "POST", "/outcomes", "text/plain", "{}", -1, f->token, NULL, &media);
  assert_error (&media, 415, "unsupported_media_type", "application/json");
  request (f, "POST", "/outcomes", "application/x-www-form-urlencoded", "storm=DAL", -1, f->token, NULL, &no_type);
  g_assert_cmpuint (no_type.status, ==, 415);
  request (f, "DELETE", "/storms", NULL, NULL, 0, f->token, NULL, &method);
  assert_error (&method, 405, "method_not_allowed", NULL);
  g_assert_cmpstr (method.allow, ==, "GET");
  get (f, "/nothing-here", &nowhere);
  assert_error (&nowhere, 404, "not_found", "/api/v1/nothing-here");

  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes"), ==, 0);
  get (f, "/health", &health);
  g_assert_cmpuint (health.status, ==, 200);
}

static void
test_logging (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Response) a = { 0 };
  g_auto(Response) b = { 0 };
  g_autofree char *detail = NULL;

  get (f, "/storms", &a);
  get (f, "/storms/NOPE/report", &b);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM events WHERE action = 'api-request' "
                                     "AND subject = 'GET /api/v1/storms' AND status = 'ok' "
                                     "AND duration_ms >= 0"), ==, 1);
  detail = query_text (f->db, "SELECT detail FROM events WHERE action = 'api-request' "
                              "AND subject = 'GET /api/v1/storms/NOPE/report' AND status = 'failed'");
  g_assert_cmpstr (detail, ==, "HTTP 404 from 127.0.0.1");
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM runs WHERE kind = 'api-request' AND status = 'fail'"), ==, 1);
}

/* Keys older than 30 days are forgotten when the server starts. */
static void
test_idempotency_prune (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_db_exec (f->db,
    "INSERT INTO api_idempotency_keys (key, request_hash, status, response, created_at) VALUES "
    "('old', 'h', 201, '{}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-31 days')),"
    "('recent', 'h', 201, '{}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-29 days'))", NULL));
  storm_api_server_stop (f->server);
  g_assert_true (storm_api_server_start (f->server, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM api_idempotency_keys WHERE key = 'old'"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM api_idempotency_keys WHERE key = 'recent'"), ==, 1);
}

static void
test_non_loopback_warning (void)
{
  g_assert_true (storm_api_address_is_loopback ("127.0.0.1"));
  g_assert_true (storm_api_address_is_loopback ("::1"));
  g_assert_true (storm_api_address_is_loopback (NULL));
  g_assert_false (storm_api_address_is_loopback ("0.0.0.0"));
  g_assert_false (storm_api_address_is_loopback ("192.168.1.10"));
  g_assert_false (storm_api_address_is_loopback ("localhost"));
}

/* stormops serve: the built binary, headless, until SIGTERM. */
static void
test_serve (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stormops-serve-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "serve.db", NULL);
  g_autofree char *token_path = g_build_filename (dir, "token", "api-token", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(GSubprocess) bad = NULL;
  g_autofree char *line = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *token = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *bad_err = NULL;
  const char *url;
  guint statuses[2];

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           STORMOPS_BINARY, "serve", "--db", db, "--port", "0", "--token-file", token_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  url = strstr (line, "http://127.0.0.1:");
  g_assert_nonnull (url);
  token = storm_api_token_load (token_path, FALSE, &error);
  g_assert_no_error (error);
  auth = g_strconcat ("Bearer ", token, NULL);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *health = g_strndup (url, strcspn (url, " "));
      g_autofree char *full = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) reply = NULL;

      full = g_strconcat (health, "/health", NULL);
      msg = soup_message_new ("GET", full);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    i == 0 ? auth : "Bearer nope");
      reply = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      statuses[i] = soup_message_get_status (msg);
    }
  g_assert_cmpuint (statuses[0], ==, 200);
  g_assert_cmpuint (statuses[1], ==, 401);

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  rest = g_data_input_stream_read_upto (out, "", 0, NULL, NULL, NULL);
  g_assert_nonnull (strstr (rest, "Stopped after 2 requests (1 unauthorized)"));

  /* An address that is not one is refused before anything listens. */
  bad = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                          STORMOPS_BINARY, "serve", "--db", db, "--address", "my-laptop", "--port", "0",
                          "--token-file", token_path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (bad, NULL, NULL, NULL, &bad_err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (bad), ==, 1);
  g_assert_nonnull (strstr (bad_err, "“my-laptop” is not an IP address"));

  g_remove (token_path);
  {
    g_autofree char *token_dir = g_path_get_dirname (token_path);
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    g_rmdir (token_dir);
    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);
        g_remove (child);
      }
    g_rmdir (dir);
  }
}

/* 1,000 outcomes from four clients with 10 % retried keys and 5 % bad
 * requests: each got its status, the database holds exactly one outcome
 * per distinct request, the server still answers. */
static void
test_exactly_once (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ext_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_auto(Response) health = { 0 };
  StormDemoOptions options = { .n_properties = 1000, .seed = 24 };
  LoadRun run = { 0 };
  g_autofree char *integrity = NULL;
  guint n_replayed = 0;

  g_assert_true (storm_demo_generate (f->db, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  stmt = storm_db_prepare (f->db, "SELECT p.ext_id FROM properties p JOIN storm_properties sp "
                                  "ON sp.property_id = p.id JOIN storms s ON s.id = sp.storm_id "
                                  "WHERE s.code = '" STORM_DEMO_CODE "' ORDER BY p.id", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ext_ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  g_ptr_array_add (ext_ids, NULL);

  run.base_url = f->base;
  run.token = f->token;
  run.storm = STORM_DEMO_CODE;
  run.ext_ids = (const char * const *) ext_ids->pdata;
  run.n_requests = 1000;
  run.n_clients = 4;
  load_plan (&run);
  g_assert_cmpuint (run.n_good + 1, <=, ext_ids->len - 1);
  g_assert_cmpuint (run.n_duplicates, >=, 90);
  g_assert_cmpuint (run.n_bad, ==, 50);
  g_assert_cmpuint (run.n_unauthorized, ==, 16);
  load_run (&run);

  g_assert_cmpuint (load_n_wrong (&run), ==, 0);
  for (guint i = 0; i < run.n_requests; i++)
    n_replayed += run.requests[i].replayed;
  g_assert_cmpuint (n_replayed, ==, run.n_duplicates);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes WHERE source = 'api'"), ==, run.n_good);
  g_assert_cmpint (query_int (f->db, "SELECT count (DISTINCT property_id) FROM policy_outcomes WHERE source = 'api'"),
                   ==, run.n_good);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM api_idempotency_keys"), ==, run.n_good);
  g_assert_cmpint (query_int (f->db, "SELECT count (*) FROM policy_outcomes WHERE source = 'api' AND converted = 1"),
                   ==, (run.n_good + 2) / 3);
  g_assert_cmpuint (storm_api_server_get_n_unauthorized (f->server), ==, run.n_unauthorized);
  integrity = query_text (f->db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");

  get (f, "/health", &health);
  g_assert_cmpuint (health.status, ==, 200);
  g_free (run.requests);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/token", test_token);
  g_test_add_func ("/api/body", test_body);
  g_test_add_func ("/api/loopback", test_non_loopback_warning);
  g_test_add_func ("/api/serve", test_serve);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/api/health", test_health);
  ADD ("/api/storms", test_storms);
  ADD ("/api/report", test_report);
  ADD ("/api/outcomes", test_outcomes);
  ADD ("/api/touches", test_touches);
  ADD ("/api/lead-touches", test_lead_touches);
  ADD ("/api/runs", test_runs);
  ADD ("/api/agent-jobs", test_agent_jobs);
  ADD ("/api/auth", test_auth);
  ADD ("/api/idempotency", test_idempotency);
  ADD ("/api/idempotency-failure", test_idempotency_failure);
  ADD ("/api/idempotency-prune", test_idempotency_prune);
  ADD ("/api/limits", test_limits);
  ADD ("/api/logging", test_logging);
  ADD ("/api/exactly-once", test_exactly_once);
#undef ADD

  return g_test_run ();
}
