#define G_LOG_DOMAIN "storm-api-body"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storm-api-body.h"

/* Deeper nesting than any body of ours needs; checked before the parser
 * (which recurses) sees the data. */
#define MAX_DEPTH 32
/* Longest string field (notes, error texts) a client may send. */
#define MAX_STRING 16384

typedef enum {
  FIELD_STRING,
  FIELD_TIMESTAMP,
  FIELD_BOOLEAN,
  FIELD_AMOUNT,         /* finite number ≥ 0, or null */
  FIELD_COUNT,          /* integer ≥ 0 */
  FIELD_STRING_ARRAY,
} FieldType;

typedef struct
{
  const char *name;
  FieldType   type;
  gboolean    required;
} Field;

#define END { NULL, 0, FALSE }

static const Field outcome_fields[] = {
  { "storm", FIELD_STRING, TRUE },
  { "property", FIELD_STRING, TRUE },
  { "converted", FIELD_BOOLEAN, TRUE },
  { "value", FIELD_AMOUNT, FALSE },
  { "at", FIELD_TIMESTAMP, FALSE },
  { "source", FIELD_STRING, FALSE },
  END
};

static const Field touch_fields[] = {
  { "storm", FIELD_STRING, TRUE },
  { "property", FIELD_STRING, TRUE },
  { "channel", FIELD_STRING, TRUE },
  { "at", FIELD_TIMESTAMP, TRUE },
  { "result", FIELD_STRING, FALSE },
  { "source", FIELD_STRING, FALSE },
  END
};

static const Field lead_touch_fields[] = {
  { "channel", FIELD_STRING, TRUE },
  { "at", FIELD_TIMESTAMP, TRUE },
  { "note", FIELD_STRING, FALSE },
  END
};

static const Field run_fields[] = {
  { "kind", FIELD_STRING, TRUE },
  { "status", FIELD_STRING, TRUE },
  { "started_at", FIELD_TIMESTAMP, TRUE },
  { "finished_at", FIELD_TIMESTAMP, FALSE },
  { "subject", FIELD_STRING, FALSE },
  { "steps_total", FIELD_COUNT, FALSE },
  { "steps_done", FIELD_COUNT, FALSE },
  { "error", FIELD_STRING, FALSE },
  END
};

static const Field agent_job_fields[] = {
  { "task", FIELD_STRING, TRUE },
  { "build_task", FIELD_STRING, FALSE },
  { "branch", FIELD_STRING, FALSE },
  { "files", FIELD_STRING_ARRAY, FALSE },
  { "result", FIELD_STRING, FALSE },
  { "tests_passed", FIELD_COUNT, FALSE },
  { "tests_failed", FIELD_COUNT, FALSE },
  END
};

static const Field agent_job_patch_fields[] = {
  { "approved_by", FIELD_STRING, FALSE },
  { "deployed", FIELD_BOOLEAN, FALSE },
  END
};

static const Field * const bodies[STORM_API_N_BODIES] = {
  [STORM_API_BODY_OUTCOME] = outcome_fields,
  [STORM_API_BODY_TOUCH] = touch_fields,
  [STORM_API_BODY_LEAD_TOUCH] = lead_touch_fields,
  [STORM_API_BODY_RUN] = run_fields,
  [STORM_API_BODY_AGENT_JOB] = agent_job_fields,
  [STORM_API_BODY_AGENT_JOB_PATCH] = agent_job_patch_fields,
};

G_DEFINE_QUARK (storm-api-error-quark, storm_api_error)

gboolean
storm_api_is_timestamp (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  if (strlen (text) == 10 && text[4] == '-' && text[7] == '-')
    {
      for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
          return FALSE;
      return g_date_valid_dmy (atoi (text + 8), atoi (text + 5), atoi (text));
    }
  dt = g_date_time_new_from_iso8601 (text, NULL);
  return dt != NULL;
}

/* Refuses nesting deeper than MAX_DEPTH, counting brackets outside
 * strings; malformed data is left for the parser to describe. */
static gboolean
check_depth (const char  *data,
             gsize        length,
             GError     **error)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_DEPTH)
            {
              g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_MALFORMED,
                           _("The request body nests deeper than %d levels."), MAX_DEPTH);
              return FALSE;
            }
        }
      else if (c == '}' || c == ']')
        depth--;
    }
  return TRUE;
}

/* json-glib reports "<data>:LINE:COLUMN: Parse error: what"; the
 * client gets the position in words. */
static void
set_parse_error (GError     **error,
                 const char  *raw_message)
{
  /* json-glib may quote bytes of a broken escape that are not UTF-8; the
   * client reads this message as JSON text, so it must be valid. */
  g_autofree char *message = g_utf8_make_valid (raw_message, -1);
  int line = 0, column = 0, consumed = 0;

  if (sscanf (message, "<data>:%d:%d: %n", &line, &column, &consumed) == 2 && consumed > 0)
    {
      const char *what = message + consumed;

      if (g_str_has_prefix (what, "Parse error: "))
        what += strlen ("Parse error: ");
      g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_MALFORMED,
                   _("The request body is not valid JSON: line %d, column %d: %s."), line, column, what);
    }
  else
    g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_MALFORMED,
                 _("The request body is not valid JSON: %s."), message);
}

static gboolean
check_field (const Field  *field,
             JsonNode     *node,
             GError      **error)
{
  GType value_type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  switch (field->type)
    {
    case FIELD_STRING:
    case FIELD_TIMESTAMP:
      {
        const char *text;

        if (JSON_NODE_HOLDS_NULL (node) && !field->required)
          return TRUE;
        if (value_type != G_TYPE_STRING)
          break;
        text = json_node_get_string (node);
        if (text[0] == '\0' || strlen (text) > MAX_STRING)
          {
            g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_INVALID_FIELD,
                         _("The field “%s” must be a non-empty string of at most %d bytes."),
                         field->name, MAX_STRING);
            return FALSE;
          }
        /* escapes such as "\\222" can decode to bytes that are not text */
        if (!g_utf8_validate (text, -1, NULL))
          {
            g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_INVALID_FIELD,
                         _("The field “%s” must be UTF-8 text."), field->name);
            return FALSE;
          }
        if (field->type == FIELD_TIMESTAMP && !storm_api_is_timestamp (text))
          {
            g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_INVALID_FIELD,
                         _("The field “%s” must be a date (2024-05-01) or an ISO 8601 time with its zone "
                           "(2024-05-01T18:30:00Z)."), field->name);
            return FALSE;
          }
        return TRUE;
      }

    case FIELD_BOOLEAN:
      if (value_type == G_TYPE_BOOLEAN)
        return TRUE;
      break;

    case FIELD_AMOUNT:
      if (JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      if (value_type == G_TYPE_INT64 || value_type == G_TYPE_DOUBLE)
        {
          double value = json_node_get_double (node);

          if (isfinite (value) && value >= 0)
            return TRUE;
          g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_INVALID_FIELD,
                       _("The field “%s” must be a number of at least 0."), field->name);
          return FALSE;
        }
      break;

    case FIELD_COUNT:
      if (value_type == G_TYPE_INT64 && json_node_get_int (node) >= 0 && json_node_get_int (node) <= G_MAXINT32)
        return TRUE;
      g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_INVALID_FIELD,
                   _("The field “%s” must be a whole number from 0 to %d."), field->name, G_MAXINT32);
      return FALSE;

    case FIELD_STRING_ARRAY:
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);

              if (!JSON_NODE_HOLDS_VALUE (element) ||
                  json_node_get_value_type (element) != G_TYPE_STRING ||
                  json_node_get_string (element)[0] == '\0' ||
                  !g_utf8_validate (json_node_get_string (element), -1, NULL))
                {
                  g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_INVALID_FIELD,
                               _("Element %u of the field “%s” must be a non-empty UTF-8 string."), i, field->name);
                  return FALSE;
                }
            }
          return TRUE;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  {
    static const char * const type_names[] = {
      [FIELD_STRING] = N_("a string"),
      [FIELD_TIMESTAMP] = N_("a date or time string"),
      [FIELD_BOOLEAN] = N_("true or false"),
      [FIELD_AMOUNT] = N_("a number or null"),
      [FIELD_COUNT] = N_("a whole number"),
      [FIELD_STRING_ARRAY] = N_("an array of strings"),
    };

    g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_INVALID_FIELD,
                 _("The field “%s” must be %s."), field->name, _(type_names[field->type]));
  }
  return FALSE;
}

static JsonObject *
parse_body (StormApiBody   kind,
            const char    *data,
            gsize          length,
            GError       **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GList) members = NULL;
  const Field *fields;
  JsonObject *object;
  JsonNode *root;

  g_return_val_if_fail (kind < STORM_API_N_BODIES, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  fields = bodies[kind];
  if (length > STORM_API_MAX_BODY)
    {
      g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_TOO_LARGE,
                   _("The request body is larger than %d bytes."), STORM_API_MAX_BODY);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_MALFORMED, _("The request body is empty."));
      return NULL;
    }
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_MALFORMED,
                   _("The request body contains a NUL byte."));
      return NULL;
    }
  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_MALFORMED,
                   _("The request body is not valid UTF-8."));
      return NULL;
    }
  if (!check_depth (data, length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      set_parse_error (error, parse_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_MALFORMED,
                   _("The request body must be one JSON object."));
      return NULL;
    }
  object = json_node_get_object (root);

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      gboolean known = FALSE;

      for (const Field *f = fields; f->name != NULL && !known; f++)
        known = g_str_equal (f->name, name);
      if (!known)
        {
          g_autoptr(GString) allowed = g_string_new (NULL);

          for (const Field *f = fields; f->name != NULL; f++)
            g_string_append_printf (allowed, "%s%s", allowed->len > 0 ? ", " : "", f->name);
          g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_UNKNOWN_FIELD,
                       _("Unknown field “%s”; this endpoint takes: %s."), name, allowed->str);
          return NULL;
        }
    }

  for (const Field *f = fields; f->name != NULL; f++)
    {
      JsonNode *node = json_object_get_member (object, f->name);

      if (node == NULL)
        {
          if (f->required)
            {
              g_set_error (error, STORM_API_ERROR, STORM_API_ERROR_MISSING_FIELD,
                           _("The field “%s” is required."), f->name);
              return NULL;
            }
          continue;
        }
      if (!check_field (f, node, error))
        return NULL;
    }

  return json_object_ref (object);
}

gboolean
storm_api_body_has (JsonObject *object,
                    const char *field)
{
  JsonNode *node = json_object_get_member (object, field);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

const char *
storm_api_body_get_string (JsonObject *object,
                           const char *field)
{
  JsonNode *node = json_object_get_member (object, field);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

double
storm_api_body_get_double (JsonObject *object,
                           const char *field,
                           double      fallback)
{
  JsonNode *node = json_object_get_member (object, field);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  return json_node_get_double (node);
}

JsonObject *
storm_api_parse_body (StormApiBody   kind,
                      const char    *data,
                      gsize          length,
                      GError       **error)
{
  GError *local_error = NULL;
  JsonObject *object = parse_body (kind, data, length, &local_error);

  /* Escapes such as "\222" decode to bytes that are not UTF-8, and a
   * message may quote the field name they are in: the client reads the
   * message as JSON text, so it must be valid whatever the body held. */
  if (local_error != NULL && !g_utf8_validate (local_error->message, -1, NULL))
    {
      char *valid = g_utf8_make_valid (local_error->message, -1);

      g_free (local_error->message);
      local_error->message = valid;
    }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return object;
}
