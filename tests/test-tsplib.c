#include "config.h"

#include <string.h>

#include "storm-error.h"
#include "storm-tsplib.h"

static const struct
{
  const char *name;
  guint       dimension;
  gint64      optimum;
} real_instances[] = {
  { "eil51", 51, 426 },
  { "berlin52", 52, 7542 },
  { "kroA100", 100, 21282 },
  { "ch150", 150, 6528 },
  { "a280", 280, 2579 },
};

static char *
shared_path (const char *file)
{
  const char *dir = g_getenv ("STORMOPS_SHARED_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, "tsplib", file, NULL);
}

static char *
test_path (const char *file)
{
  const char *dir = g_getenv ("STORMOPS_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, "tsplib", file, NULL);
}

static double
tour_length (const StormTsplib *tsp,
             const guint       *nodes)
{
  StormTourInput input;

  storm_tsplib_get_input (tsp, &input);
  return storm_tour_length (&input, nodes, FALSE);
}

/* The proven optimal tours, measured with our distance function, have
 * exactly the published optimal lengths: nint rounding and the parser
 * agree with TSPLIB. */
static void
test_real_instances (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (real_instances); i++)
    {
      g_autofree char *tsp_file = g_strconcat (real_instances[i].name, ".tsp", NULL);
      g_autofree char *tour_file = g_strconcat (real_instances[i].name, ".opt.tour", NULL);
      g_autofree char *tsp_path = shared_path (tsp_file);
      g_autofree char *tour_path = shared_path (tour_file);
      g_autoptr(StormTsplib) tsp = NULL;
      g_autoptr(StormTsplibTour) tour = NULL;
      g_autoptr(GError) error = NULL;
      gint64 optimum = 0;

      tsp = storm_tsplib_load (tsp_path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (tsp->name, ==, real_instances[i].name);
      g_assert_cmpuint (tsp->dimension, ==, real_instances[i].dimension);
      g_assert_cmpint (tsp->metric, ==, STORM_TOUR_EUC_2D);
      g_assert_nonnull (tsp->x);
      g_assert_null (tsp->weights);

      tour = storm_tsplib_tour_load (tour_path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (tour->n, ==, real_instances[i].dimension);
      g_assert_true (storm_tour_is_permutation (tour->nodes, tour->n));

      g_assert_true (storm_tsplib_lookup_optimum (tsp_path, tsp->name, &optimum));
      g_assert_cmpint (optimum, ==, real_instances[i].optimum);
      g_assert_cmpfloat (tour_length (tsp, tour->nodes), ==, (double) optimum);
    }
}

static void
test_real_quirks (void)
{
  g_autofree char *a280 = shared_path ("a280.tsp");
  g_autofree char *ch150 = shared_path ("ch150.tsp");
  g_autoptr(StormTsplib) indented = NULL;
  g_autoptr(StormTsplib) decimals = NULL;
  g_autoptr(GError) error = NULL;

  /* a280: "DIMENSION: 280" beside "NAME : a280", indented node lines. */
  indented = storm_tsplib_load (a280, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (indented->comment, ==, "drilling problem (Ludwig)");
  g_assert_cmpfloat (indented->x[0], ==, 288);
  g_assert_cmpfloat (indented->y[279], ==, 133);

  /* ch150: ten decimal places. */
  decimals = storm_tsplib_load (ch150, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (decimals->x[0], 37.4393516691, 1e-12);
  g_assert_cmpfloat_with_epsilon (decimals->y[149], 166.3541158474, 1e-12);
}

static StormTsplib *
load_test (const char *file)
{
  g_autofree char *path = test_path (file);
  g_autoptr(GError) error = NULL;
  StormTsplib *tsp = storm_tsplib_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tsp);
  return tsp;
}

static void
test_scientific_no_eof (void)
{
  g_autoptr(StormTsplib) tsp = load_test ("sci5.tsp");
  g_autofree char *tour_path = test_path ("sci5.opt.tour");
  g_autoptr(StormTsplibTour) tour = NULL;
  g_autoptr(GError) error = NULL;
  StormTourInput input;

  g_assert_cmpstr (tsp->name, ==, "sci5");
  g_assert_cmpuint (tsp->dimension, ==, 5);
  g_assert_cmpfloat (tsp->x[1], ==, 400);
  g_assert_cmpfloat (tsp->y[2], ==, 500);
  g_assert_cmpfloat (tsp->x[4], ==, 250);
  storm_tsplib_get_input (tsp, &input);
  g_assert_cmpfloat (storm_tour_distance (&input, 0, 4), ==, 250);

  tour = storm_tsplib_tour_load (tour_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tour->n, ==, 5);
  g_assert_cmpuint (tour->nodes[2], ==, 4);
  g_assert_cmpfloat (tour_length (tsp, tour->nodes), ==, 1500);
}

static void
test_indented_crlf (void)
{
  g_autoptr(StormTsplib) tsp = load_test ("indented4.tsp");
  const guint order[] = { 0, 1, 2, 3 };
  StormTourInput input;

  g_assert_cmpstr (tsp->name, ==, "indented4");
  g_assert_cmpstr (tsp->comment, ==, "CRLF, indented lines, tabs and blank lines\na second comment line");
  g_assert_cmpuint (tsp->dimension, ==, 4);
  g_assert_cmpfloat (tsp->x[3], ==, 1.5);
  storm_tsplib_get_input (tsp, &input);
  /* 2.5 rounds up under nint: 3 + 4 + 3 + 3. */
  g_assert_cmpfloat (storm_tour_distance (&input, 2, 3), ==, 3);
  g_assert_cmpfloat (storm_tour_length (&input, order, FALSE), ==, 13);
}

static void
test_no_eof_ceil (void)
{
  g_autoptr(StormTsplib) tsp = load_test ("noeof3.tsp");
  StormTourInput input;

  g_assert_cmpstr (tsp->name, ==, "noeof3");
  g_assert_cmpint (tsp->metric, ==, STORM_TOUR_CEIL_2D);
  /* Nodes listed out of order: id 3 first. */
  g_assert_cmpfloat (tsp->x[2], ==, 1);
  g_assert_cmpfloat (tsp->y[1], ==, 2);
  storm_tsplib_get_input (tsp, &input);
  g_assert_cmpfloat (storm_tour_distance (&input, 0, 2), ==, 2);   /* ceil (1.414) */
  g_assert_cmpfloat (storm_tour_distance (&input, 0, 1), ==, 2);
}

static void
test_explicit (void)
{
  const char *files[] = { "lower4.tsp", "upper4.tsp", "full4.tsp" };
  const gint32 expected[4][4] = {
    { 0, 2, 9, 10 },
    { 2, 0, 6, 4 },
    { 9, 6, 0, 3 },
    { 10, 4, 3, 0 },
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr(StormTsplib) tsp = load_test (files[f]);
      const guint best[] = { 0, 1, 3, 2 };
      StormTourInput input;

      g_assert_cmpint (tsp->metric, ==, STORM_TOUR_MATRIX);
      g_assert_nonnull (tsp->weights);
      for (guint i = 0; i < 4; i++)
        for (guint j = 0; j < 4; j++)
          g_assert_cmpint (tsp->weights[i * 4 + j], ==, expected[i][j]);
      storm_tsplib_get_input (tsp, &input);
      g_assert_cmpfloat (storm_tour_length (&input, best, FALSE), ==, 18);
    }
  {
    /* Display data kept as coordinates for drawing. */
    g_autoptr(StormTsplib) tsp = load_test ("lower4.tsp");

    g_assert_nonnull (tsp->x);
    g_assert_cmpfloat (tsp->x[2], ==, 1);
    g_assert_cmpfloat (tsp->y[3], ==, 1);
  }
}

static void
test_geo_att (void)
{
  g_autoptr(StormTsplib) geo = load_test ("geo3.tsp");
  g_autoptr(StormTsplib) att = load_test ("att4.tsp");
  StormTourInput input;

  storm_tsplib_get_input (geo, &input);
  /* One degree of longitude on the equator: int (6378.388 × 0.0174533 + 1). */
  g_assert_cmpfloat (storm_tour_distance (&input, 0, 1), ==, 112);
  /* 0.30 is 30 minutes, half a degree. */
  g_assert_cmpfloat (storm_tour_distance (&input, 0, 2), ==, 56);

  storm_tsplib_get_input (att, &input);
  g_assert_cmpfloat (storm_tour_distance (&input, 0, 1), ==, 4);    /* 3.16 → 3 < 3.16 → 4 */
  g_assert_cmpfloat (storm_tour_distance (&input, 0, 2), ==, 7);    /* 6.32 → 7 */
  g_assert_cmpfloat (storm_tour_distance (&input, 0, 3), ==, 10);   /* exactly 10 */
}

/* linhp318 puts FIXED_EDGES_SECTION before the coordinates. */
static void
test_fixed_edges (void)
{
  const char *text = "NAME: fixed4\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EUC_2D\n"
                     "FIXED_EDGES_SECTION\n1 3\n-1\nNODE_COORD_SECTION\n1 0 0\n2 1 0\n3 1 1\n4 0 1\nEOF\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(StormTsplib) tsp = storm_tsplib_parse (text, strlen (text), "fixed4.tsp", &error);

  g_assert_no_error (error);
  g_assert_true (tsp->has_fixed_edges);
  g_assert_cmpfloat (tsp->y[3], ==, 1);
}

static void
test_tour_without_terminator (void)
{
  g_autofree char *path = test_path ("noterm.tour");
  g_autoptr(StormTsplibTour) tour = NULL;
  g_autoptr(GError) error = NULL;

  tour = storm_tsplib_tour_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tour->n, ==, 4);
  g_assert_cmpuint (tour->nodes[3], ==, 3);
}

static void
assert_parse_error (const char *text,
                    const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormTsplib) tsp = storm_tsplib_parse (text, strlen (text), "bad.tsp", &error);

  g_assert_null (tsp);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  if (strstr (error->message, expected) == NULL)
    g_error ("expected “%s” in “%s”", expected, error->message);
}

#define HEADER "NAME: bad\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\n"

static void
test_errors (void)
{
  assert_parse_error (HEADER "NODE_COORD_SECTION\n1 0 0\n2 1 x\n3 2 2\n", "bad.tsp:7:");
  assert_parse_error (HEADER "NODE_COORD_SECTION\n1 0 0\n2 1 x\n3 2 2\n", "“x” is not a number");
  assert_parse_error (HEADER "NODE_COORD_SECTION\n1 0 0\n4 1 1\n3 2 2\n", "bad.tsp:7: Node id 4 is outside 1–3");
  assert_parse_error (HEADER "NODE_COORD_SECTION\n1 0 0\n1 1 1\n3 2 2\n", "bad.tsp:7: Node 1 appears twice");
  assert_parse_error (HEADER "NODE_COORD_SECTION\n1 0 0\n2 1 1\n", "ends inside NODE_COORD_SECTION after 2 of 3");
  assert_parse_error (HEADER "NODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n", "bad.tsp:8: NODE_COORD_SECTION has 2 of 3 nodes");
  assert_parse_error (HEADER "NODE_COORD_SECTION\n1 0 0 0\n", "found 4 values");
  assert_parse_error (HEADER "NODE_COORD_SECTION\n1 0 0\n2 1 1\n3 2 2\n4 3 3\n", "bad.tsp:9: Numbers outside any section");
  assert_parse_error ("NAME: bad\nTYPE: ATSP\nDIMENSION: 3\n", "bad.tsp:2: TYPE is “ATSP”");
  assert_parse_error ("NAME: bad\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_3D\n", "bad.tsp:4: EDGE_WEIGHT_TYPE “EUC_3D” is not supported");
  assert_parse_error ("NAME: bad\nTYPE: TSP\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n", "bad.tsp:4: DIMENSION must come before NODE_COORD_SECTION");
  assert_parse_error ("NAME: bad\nTYPE: TSP\nDIMENSION: three\n", "bad.tsp:3: DIMENSION must be a whole number");
  assert_parse_error ("NAME: bad\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\n", "has no NODE_COORD_SECTION");
  assert_parse_error ("NAME: bad\nTYPE: TSP\nDIMENSION: 3\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n3 2 2\nEOF\n", "no EDGE_WEIGHT_TYPE");
  assert_parse_error ("NAME: bad\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_ROW\n"
                      "EDGE_WEIGHT_SECTION\n1 2\n", "after 2 of 3 weights");
  assert_parse_error ("NAME: bad\nTYPE: TSP\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: FULL_MATRIX\n"
                      "EDGE_WEIGHT_SECTION\n0 1\n2 0\n", "not symmetric");
  assert_parse_error ("NAME: bad\nTYPE: TSP\nDIMENSION: 3\nCAPACITY: 5\n", "another problem type");
  assert_parse_error ("NAME: bad\nTYPE: TSP\nDIMENSION: 3\nWIDTH: 5\n", "bad.tsp:4: “WIDTH” is not a TSPLIB keyword");
}

static void
assert_tour_error (const char *text,
                   const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormTsplibTour) tour = storm_tsplib_tour_parse (text, strlen (text), "bad.tour", &error);

  g_assert_null (tour);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  if (strstr (error->message, expected) == NULL)
    g_error ("expected “%s” in “%s”", expected, error->message);
}

static void
test_tour_errors (void)
{
  assert_tour_error ("TYPE: TOUR\nDIMENSION: 3\nTOUR_SECTION\n1\n2\n2\n-1\n", "bad.tour:6: Node 2 appears twice");
  assert_tour_error ("TYPE: TOUR\nDIMENSION: 3\nTOUR_SECTION\n1\n2\n4\n-1\n", "bad.tour:6: Node 4 is outside 1–3");
  assert_tour_error ("TYPE: TOUR\nDIMENSION: 3\nTOUR_SECTION\n1\n2\n-1\n", "visits 2 nodes; DIMENSION is 3");
  assert_tour_error ("TYPE: TOUR\nDIMENSION: 3\nTOUR_SECTION\n1\n2\n", "no -1 at its end");
  assert_tour_error ("TYPE: TSP\nDIMENSION: 3\nTOUR_SECTION\n1\n2\n3\n-1\n", "bad.tour:1: TYPE is “TSP”");
  assert_tour_error ("TYPE: TOUR\nDIMENSION: 3\n", "no TOUR_SECTION");
}

/* Found by the fuzzer (tests/fuzz): a stray byte that is not UTF-8 where a
 * keyword goes. The message quotes it and must still be text a window
 * can show, naming the file and the line. */
static void
test_invalid_utf8_keyword (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("STORMOPS_TEST_DATA"), "bad", "tsplib-invalid-utf8.tsp", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StormTsplib) tsp = storm_tsplib_load (path, &error);

  g_assert_null (tsp);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "tsplib-invalid-utf8.tsp:16: "));
  /* the byte shown as U+FFFD */
  g_assert_nonnull (strstr (error->message, "\xEF\xBF\xBD"));
}

/* Found by the fuzzer: a GEO coordinate far beyond any degree, which
 * overflowed the conversion of its degrees. It is refused where it is. */
static void
test_geo_out_of_range (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("STORMOPS_TEST_DATA"), "bad", "tsplib-geo-overflow.tsp", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StormTsplib) tsp = storm_tsplib_load (path, &error);

  g_assert_null (tsp);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "tsplib-geo-overflow.tsp:7: Node 3: 0, 9999"));
  g_assert_true (g_str_has_suffix (error->message, "is not a GEO position (latitude −90–90, longitude −180–180 as DDD.MM)."));

  /* the same when EDGE_WEIGHT_TYPE comes after the coordinates */
  assert_parse_error ("NAME: bad\nTYPE: TSP\nDIMENSION: 2\nNODE_COORD_SECTION\n1 0 0\n2 95.5 10\n"
                      "EDGE_WEIGHT_TYPE: GEO\nEOF\n",
                      "bad.tsp:7: Node 2 is not a GEO position");
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormTsplib) tsp = storm_tsplib_load ("/nonexistent/x.tsp", &error);

  g_assert_null (tsp);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tsplib/real-instances", test_real_instances);
  g_test_add_func ("/tsplib/real-quirks", test_real_quirks);
  g_test_add_func ("/tsplib/scientific-no-eof", test_scientific_no_eof);
  g_test_add_func ("/tsplib/indented-crlf", test_indented_crlf);
  g_test_add_func ("/tsplib/no-eof-ceil", test_no_eof_ceil);
  g_test_add_func ("/tsplib/explicit", test_explicit);
  g_test_add_func ("/tsplib/geo-att", test_geo_att);
  g_test_add_func ("/tsplib/fixed-edges", test_fixed_edges);
  g_test_add_func ("/tsplib/tour-without-terminator", test_tour_without_terminator);
  g_test_add_func ("/tsplib/errors", test_errors);
  g_test_add_func ("/tsplib/tour-errors", test_tour_errors);
  g_test_add_func ("/tsplib/missing-file", test_missing_file);
  g_test_add_func ("/tsplib/invalid-utf8-keyword", test_invalid_utf8_keyword);
  g_test_add_func ("/tsplib/geo-out-of-range", test_geo_out_of_range);

  return g_test_run ();
}
