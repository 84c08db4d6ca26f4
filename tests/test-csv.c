#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "storm-csv.h"
#include "storm-error.h"

/* The reader fills its buffer this many bytes at a time; the boundary
 * cases below put a CRLF, a "" and a multi-byte character across it. */
#define CHUNK (256 * 1024)

static StormCsv *
csv_for (const char *data,
         gssize      len)
{
  g_autoptr(GInputStream) in = NULL;

  if (len < 0)
    len = strlen (data);
  in = g_memory_input_stream_new_from_data (g_memdup2 (data, len), len, g_free);
  return storm_csv_new_for_stream (in, "test.csv", len);
}

/* Reads every record as "line:field|field|…" strings. */
static GPtrArray *
read_all (StormCsv  *csv,
          GError   **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_free);

  while (storm_csv_next (csv, NULL, error))
    {
      GString *s = g_string_new (NULL);

      g_string_append_printf (s, "%" G_GUINT64_FORMAT ":", storm_csv_get_line (csv));
      for (guint i = 0; i < storm_csv_get_n_fields (csv); i++)
        {
          if (i > 0)
            g_string_append_c (s, '|');
          g_string_append (s, storm_csv_get_field (csv, i));
          g_assert_cmpuint (storm_csv_get_field_len (csv, i), ==, strlen (storm_csv_get_field (csv, i)));
        }
      g_ptr_array_add (records, g_string_free (s, FALSE));
    }
  if (error != NULL && *error != NULL)
    return NULL;
  return g_steal_pointer (&records);
}

static void
assert_records (const char         *data,
                const char * const *expected)
{
  g_autoptr(StormCsv) csv = csv_for (data, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = read_all (csv, &error);
  guint n = g_strv_length ((char **) expected);

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (records->pdata[i], ==, expected[i]);
}

static void
assert_error (const char *data,
              gssize      len,
              const char *message)
{
  g_autoptr(StormCsv) csv = csv_for (data, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = read_all (csv, &error);

  g_assert_null (records);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_plain (void)
{
  const char * const expected[] = { "1:a|b|c", "2:1|2|3", "3:x||", NULL };

  assert_records ("a,b,c\n1,2,3\nx,,\n", expected);
}

static void
test_no_final_newline (void)
{
  const char * const expected[] = { "1:a|b", "2:1|", NULL };

  assert_records ("a,b\n1,", expected);
}

static void
test_quotes (void)
{
  const char * const expected[] = {
    "1:a,b|say \"hi\"|",
    "2:|x",
    /* text after a closing quote is kept, as spreadsheets do */
    "3:ab c|d",
    /* a quote inside an unquoted field is an ordinary character */
    "4:5\" tall|e",
    NULL,
  };

  assert_records ("\"a,b\",\"say \"\"hi\"\"\",\"\"\n\"\",x\n\"ab\" c,d\n5\" tall,e\n", expected);
}

static void
test_embedded_newlines (void)
{
  /* the record after a quoted line break starts on the right line */
  const char * const expected[] = {
    "1:id|note",
    "2:1|line one\nline two\r\nline three",
    "5:2|after",
    NULL,
  };

  assert_records ("id,note\n1,\"line one\nline two\r\nline three\"\n2,after\n", expected);
}

static void
test_line_ends (void)
{
  const char * const expected[] = { "1:a|b", "2:c|d", "3:e|f", "4:g|h", NULL };

  assert_records ("a,b\r\nc,d\re,f\ng,h\r\n", expected);
}

static void
test_lone_cr_in_quotes (void)
{
  const char * const expected[] = { "1:x|a\rb", "3:y|z", NULL };

  assert_records ("x,\"a\rb\"\ry,z\r", expected);
}

static void
test_blank_lines (void)
{
  /* skipped, but counted in the line numbers */
  const char * const expected[] = { "2:a|b", "5:c|d", NULL };

  assert_records ("\na,b\n\r\n\nc,d\n\n", expected);
}

static void
test_bom (void)
{
  const char * const expected[] = { "1:id|name", "2:1|Café", NULL };

  assert_records ("\xEF\xBB\xBFid,name\n1,Café\n", expected);
}

static void
test_empty (void)
{
  g_autoptr(StormCsv) csv = csv_for ("", 0);
  g_autoptr(GError) error = NULL;

  g_assert_false (storm_csv_next (csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (storm_csv_get_name (csv), ==, "test.csv");
}

static void
test_unbalanced_quote (void)
{
  assert_error ("a,b\n1,2\n3,\"never\nclosed\n4,5\n", -1,
                "test.csv:3: a quoted field starts here but its closing quote is missing");
}

static void
test_invalid_utf8 (void)
{
  /* the bad byte is on line 4, inside a record that starts on line 3 */
  assert_error ("a,b\n1,ok\n2,\"fine\nbad \xC3\x28\"\n", -1,
                "test.csv:4: field 2: not valid UTF-8 text; save the file with UTF-8 encoding");
}

static void
test_invalid_utf8_named (void)
{
  g_autoptr(StormCsv) csv = csv_for ("id,name\n1,ok\n2,\xFF\n", -1);
  g_autoptr(GError) error = NULL;

  g_assert_true (storm_csv_next (csv, NULL, &error));
  storm_csv_use_as_header (csv);
  g_assert_true (storm_csv_next (csv, NULL, &error));
  g_assert_false (storm_csv_next (csv, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==,
                   "test.csv:3: field “name”: not valid UTF-8 text; save the file with UTF-8 encoding");
}

static void
test_nul_byte (void)
{
  assert_error ("a,b\n1,2\n3,x\0y\n", 14, "test.csv:3: the file contains a NUL byte, so it is not a CSV text file");
  assert_error ("a,b\n1,\"x\0\"\n", 11, "test.csv:2: the file contains a NUL byte, so it is not a CSV text file");
}

static void
test_utf16 (void)
{
  assert_error ("\xFF\xFE" "a\0,\0b\0", 8, "test.csv:1: the file is UTF-16 text; save it as UTF-8 (CSV UTF-8) and import it again");
}

static void
test_join (void)
{
  g_autoptr(StormCsv) csv = csv_for ("1,2,TREE DOWN,POWER OUT,ROOF (LOT)\n", -1);
  g_autofree char *joined = NULL;

  g_assert_true (storm_csv_next (csv, NULL, NULL));
  joined = storm_csv_join_from (csv, 2);
  g_assert_cmpstr (joined, ==, "TREE DOWN,POWER OUT,ROOF (LOT)");
  g_assert_cmpstr (storm_csv_get_field (csv, 9), ==, "");
  g_assert_cmpuint (storm_csv_get_field_len (csv, 9), ==, 0);
}

static void
test_megabyte_line (void)
{
  /* one 1 MB line: a 1 MB quoted field and 50,000 short fields */
  GString *data = g_string_new ("name,list\n\"");
  g_autoptr(StormCsv) csv = NULL;
  g_autoptr(GError) error = NULL;
  gsize big = 1024 * 1024;

  for (gsize i = 0; i < big; i++)
    g_string_append_c (data, i % 1000 == 999 ? ',' : 'a' + (char) (i % 26));
  g_string_append (data, "\"");
  for (guint i = 0; i < 50000; i++)
    g_string_append_printf (data, ",%u", i);
  g_string_append (data, "\nlast,row\n");

  csv = csv_for (data->str, data->len);
  g_assert_true (storm_csv_next (csv, NULL, &error));
  g_assert_true (storm_csv_next (csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (storm_csv_get_line (csv), ==, 2);
  g_assert_cmpuint (storm_csv_get_n_fields (csv), ==, 50001);
  g_assert_cmpuint (storm_csv_get_field_len (csv, 0), ==, big);
  g_assert_true (strncmp (storm_csv_get_field (csv, 0), data->str + 11, big) == 0);
  g_assert_cmpstr (storm_csv_get_field (csv, 50000), ==, "49999");
  g_assert_true (storm_csv_next (csv, NULL, &error));
  g_assert_cmpuint (storm_csv_get_line (csv), ==, 3);
  g_assert_cmpstr (storm_csv_get_field (csv, 1), ==, "row");
  g_assert_false (storm_csv_next (csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (storm_csv_get_fraction (csv), ==, 1.0);
  g_string_free (data, TRUE);
}

static GString *
padded_to (gsize       offset,
           const char *tail)
{
  GString *data = g_string_new ("a,b\n");

  /* a second record that ends exactly where @tail must start */
  g_string_append (data, "x,");
  while (data->len < offset)
    g_string_append_c (data, 'p');
  g_string_append (data, tail);
  return data;
}

static void
test_chunk_boundaries (void)
{
  /* CR as the last byte of a chunk, its LF the first of the next */
  {
    g_autoptr(GString) data = padded_to (CHUNK - 1, "\r\nc,d\n");
    g_autoptr(StormCsv) csv = csv_for (data->str, data->len);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) records = read_all (csv, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (records->len, ==, 3);
    g_assert_cmpstr (records->pdata[2], ==, "3:c|d");
  }
  /* a "" escape split by the boundary */
  {
    g_autoptr(GString) data = padded_to (CHUNK - 3, ",\"\"\"q\"\n");
    g_autoptr(StormCsv) csv = csv_for (data->str, data->len);
    g_autoptr(GError) error = NULL;

    g_assert_true (storm_csv_next (csv, NULL, &error));
    g_assert_true (storm_csv_next (csv, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (storm_csv_get_field (csv, 2), ==, "\"q");
  }
  /* a two-byte character split by the boundary */
  {
    g_autoptr(GString) data = padded_to (CHUNK - 1, "\xC3\xA9,z\n");
    g_autoptr(StormCsv) csv = csv_for (data->str, data->len);
    g_autoptr(GError) error = NULL;

    g_assert_true (storm_csv_next (csv, NULL, &error));
    g_assert_true (storm_csv_next (csv, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_str_has_suffix (storm_csv_get_field (csv, 1), "p\xC3\xA9"));
  }
}

static void
test_many_records (void)
{
  /* 200,000 records across many chunks, with every kind of line end */
  static const char * const ends[] = { "\n", "\r\n", "\r" };
  GString *data = g_string_new ("id,text\n");
  g_autoptr(StormCsv) csv = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;
  guint64 line = 1;

  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (data, "%u,\"r%u, \"\"q\"\"\"%s", i, i, ends[i % 3]);
  csv = csv_for (data->str, data->len);
  g_assert_true (storm_csv_next (csv, NULL, &error));
  while (storm_csv_next (csv, NULL, &error))
    {
      g_autofree char *expected = g_strdup_printf ("r%u, \"q\"", n);

      line++;
      g_assert_cmpuint (storm_csv_get_line (csv), ==, line);
      g_assert_cmpuint (strtoul (storm_csv_get_field (csv, 0), NULL, 10), ==, n);
      g_assert_cmpstr (storm_csv_get_field (csv, 1), ==, expected);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 200000);
  g_string_free (data, TRUE);
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormCsv) csv = storm_csv_new_for_path ("/nonexistent/stormops/nothing.csv", NULL, &error);

  g_assert_null (csv);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "Cannot open “nothing.csv”"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/plain", test_plain);
  g_test_add_func ("/csv/no-final-newline", test_no_final_newline);
  g_test_add_func ("/csv/quotes", test_quotes);
  g_test_add_func ("/csv/embedded-newlines", test_embedded_newlines);
  g_test_add_func ("/csv/line-ends", test_line_ends);
  g_test_add_func ("/csv/lone-cr-in-quotes", test_lone_cr_in_quotes);
  g_test_add_func ("/csv/blank-lines", test_blank_lines);
  g_test_add_func ("/csv/bom", test_bom);
  g_test_add_func ("/csv/empty", test_empty);
  g_test_add_func ("/csv/unbalanced-quote", test_unbalanced_quote);
  g_test_add_func ("/csv/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/csv/invalid-utf8-named", test_invalid_utf8_named);
  g_test_add_func ("/csv/nul-byte", test_nul_byte);
  g_test_add_func ("/csv/utf16", test_utf16);
  g_test_add_func ("/csv/join", test_join);
  g_test_add_func ("/csv/megabyte-line", test_megabyte_line);
  g_test_add_func ("/csv/chunk-boundaries", test_chunk_boundaries);
  g_test_add_func ("/csv/many-records", test_many_records);
  g_test_add_func ("/csv/missing-file", test_missing_file);

  return g_test_run ();
}
