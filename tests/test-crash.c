/* Crash safety: the built stormops binary imports properties, applies a
 * policy and imports outcomes, and is killed with SIGKILL at a random
 * moment, again and again. After every kill the database must pass
 * PRAGMA integrity_check, open with this build, and hold each batch whole
 * or not at all: its row counts are those from before the run or those
 * a complete run leaves, never anything between. A run that exited on its
 * own before the kill must have left the complete state.
 *
 * The moments are drawn from GTest's random generator, so a failure is
 * reproduced with the --seed it reports. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "import-test-util.h"
#include "storm-csv.h"

/* Kills per operation; three operations. */
#define KILLS_PER_OPERATION 40
/* Properties of the demo storm the policy is applied to. */
#define DEMO_PROPERTIES "5000"
#define DEMO_STORM "DFW_STORM_24"
/* Rows of the properties and outcomes files. */
#define N_IMPORTED 3000
#define N_OUTCOMES 2000

typedef enum {
  OP_IMPORT_PROPERTIES,
  OP_POLICY_APPLY,
  OP_OUTCOMES_IMPORT,
  N_OPS
} Op;

static const char * const op_names[N_OPS] = { "import-properties", "policy apply", "outcomes import" };

typedef struct
{
  char    *dir;
  char    *db;
  char    *properties_csv;
  char    *outcomes_csv[2];   /* converted, then not: each undoes the other */
  guint    outcomes_next;
  gint64   base_properties;
  gint64   n_members;          /* properties of the demo storm */
  gint64   duration_us[N_OPS]; /* of a run that is not killed */
  guint    round;
  /* what the kills found */
  guint    n_killed_before;    /* nothing of the run was kept */
  guint    n_killed_writing;   /* of those, with its pages already in the WAL */
  guint    n_killed_after;     /* killed after its commit */
  guint    n_finished;         /* it had exited before the kill */
} Crash;

/* The counts a batch changes. */
typedef struct
{
  gint64 storms;
  gint64 properties;
  gint64 members;        /* storm_properties */
  gint64 import_events;  /* successful property imports in the log */
  gint64 executions;
  gint64 decisions;
  gint64 current_executions;
  gint64 outcomes;
  gint64 outcomes_matching[2];  /* current outcomes as each outcomes file writes them */
} Counts;

static int
run_stormops (const char * const *args,
              gint64              kill_after_us,
              gboolean           *killed)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (char *) STORMOPS_BINARY);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  /* what a run says matters only when it is not killed */
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               (kill_after_us < 0 ? G_SUBPROCESS_FLAGS_STDERR_PIPE : G_SUBPROCESS_FLAGS_STDERR_SILENCE),
                               &error);
  g_assert_no_error (error);
  if (kill_after_us >= 0)
    {
      g_usleep (kill_after_us);
      g_subprocess_send_signal (process, SIGKILL);
    }
  if (kill_after_us < 0)
    {
      g_autofree char *err = NULL;

      g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      if (!g_subprocess_get_successful (process))
        g_error ("stormops %s failed: %s", args[0], err);
    }
  else
    g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  *killed = g_subprocess_get_if_signaled (process);
  if (*killed)
    {
      g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
      return -1;
    }
  return g_subprocess_get_exit_status (process);
}

static const char **
op_args (Crash *c,
         Op     op,
         char **scratch)
{
  static const char *args[8];

  switch (op)
    {
    case OP_IMPORT_PROPERTIES:
      *scratch = g_strdup_printf ("CRASH_%u", c->round);
      args[0] = "import-properties";
      args[1] = c->properties_csv;
      args[2] = "--storm";
      args[3] = *scratch;
      args[4] = "--db";
      args[5] = c->db;
      args[6] = NULL;
      break;
    case OP_POLICY_APPLY:
      args[0] = "policy";
      args[1] = "apply";
      args[2] = "--storm";
      args[3] = DEMO_STORM;
      args[4] = "--db";
      args[5] = c->db;
      args[6] = NULL;
      break;
    case OP_OUTCOMES_IMPORT:
      args[0] = "outcomes";
      args[1] = "import";
      args[2] = c->outcomes_csv[c->outcomes_next];
      args[3] = "--storm";
      args[4] = DEMO_STORM;
      args[5] = "--db";
      args[6] = c->db;
      args[7] = NULL;
      break;
    default:
      g_assert_not_reached ();
    }
  return args;
}

/* Opens the database as the app does, checks it, and counts. */
static void
check_and_count (Crash  *c,
                 Counts *counts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = storm_db_open (c->db, &error);
  g_autofree char *integrity = NULL;
  g_autofree char *storm = g_strdup_printf ("SELECT count (*) FROM storms WHERE code = 'CRASH_%u'", c->round);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  integrity = query_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");

  counts->storms = query_int (db, "SELECT count (*) FROM storms");
  counts->properties = query_int (db, "SELECT count (*) FROM properties");
  counts->members = query_int (db, "SELECT count (*) FROM storm_properties");
  counts->import_events = query_int (db, "SELECT count (*) FROM events WHERE action = 'import-properties' AND status = 'ok'");
  counts->executions = query_int (db, "SELECT count (*) FROM policy_executions");
  counts->decisions = query_int (db, "SELECT count (*) FROM policy_decisions_log");
  counts->current_executions = query_int (db, "SELECT count (*) FROM policy_executions WHERE is_current = 1");
  counts->outcomes = query_int (db, "SELECT count (*) FROM policy_outcomes");
  counts->outcomes_matching[0] =
    query_int (db, "SELECT count (*) FROM policy_outcomes o JOIN properties p ON p.id = o.property_id "
                   "WHERE o.is_current = 1 AND o.converted = 1 AND o.value = 1000 "
                   "AND o.occurred_at = '2024-05-03' AND p.id IN (SELECT id FROM properties ORDER BY id LIMIT 2000)");
  counts->outcomes_matching[1] =
    query_int (db, "SELECT count (*) FROM policy_outcomes o JOIN properties p ON p.id = o.property_id "
                   "WHERE o.is_current = 1 AND o.converted = 0 AND o.value IS NULL "
                   "AND o.occurred_at = '2024-05-04' AND p.id IN (SELECT id FROM properties ORDER BY id LIMIT 2000)");
  /* a storm of a property import is there whole or not at all */
  if (query_int (db, storm) > 0)
    {
      g_autofree char *members = g_strdup_printf ("SELECT count (*) FROM storm_properties sp JOIN storms s ON s.id = sp.storm_id "
                                                  "WHERE s.code = 'CRASH_%u'", c->round);
      g_assert_cmpint (query_int (db, members), ==, N_IMPORTED);
    }
}

/* What a complete run of @op leaves, from what was there before it. */
static void
expect_after (Crash        *c,
              Op            op,
              const Counts *before,
              Counts       *after)
{
  *after = *before;
  switch (op)
    {
    case OP_IMPORT_PROPERTIES:
      after->storms++;
      after->properties = c->base_properties + N_IMPORTED;
      after->members += N_IMPORTED;
      after->import_events++;
      break;
    case OP_POLICY_APPLY:
      after->executions++;
      after->decisions += c->n_members;
      after->current_executions = 1;
      break;
    case OP_OUTCOMES_IMPORT:
      {
        guint file = c->outcomes_next;

        /* a row already current is unchanged; every other adds one */
        after->outcomes += N_OUTCOMES - before->outcomes_matching[file];
        after->outcomes_matching[file] = N_OUTCOMES;
        after->outcomes_matching[1 - file] = 0;
        break;
      }
    default:
      g_assert_not_reached ();
    }
}

static gboolean
counts_equal (const Counts *a,
              const Counts *b)
{
  return memcmp (a, b, sizeof *a) == 0;
}

static void
describe (const char   *what,
          const Counts *n)
{
  g_test_message ("%s: storms %" G_GINT64_FORMAT ", properties %" G_GINT64_FORMAT ", members %" G_GINT64_FORMAT
                  ", import events %" G_GINT64_FORMAT ", executions %" G_GINT64_FORMAT " (current %" G_GINT64_FORMAT
                  "), decisions %" G_GINT64_FORMAT ", outcomes %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT
                  " / %" G_GINT64_FORMAT " as the files write them)",
                  what, n->storms, n->properties, n->members, n->import_events, n->executions,
                  n->current_executions, n->decisions, n->outcomes, n->outcomes_matching[0], n->outcomes_matching[1]);
}

/* Keeps the database the same size from round to round: the storm of a
 * property import goes, and the policy history with it. */
static void
tidy (Crash *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = storm_db_open (c->db, &error);

  g_assert_no_error (error);
  storm_db_exec (db,
                 "DELETE FROM storms WHERE code LIKE 'CRASH_%';"
                 "DELETE FROM policy_executions WHERE is_current = 0;",
                 &error);
  g_assert_no_error (error);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

/* One run of @op, killed after @kill_after_us (never when negative);
 * returns how long the run lasted, and in @finished whether it ended
 * on its own. */
static gint64
round_of (Crash    *c,
          Op        op,
          gint64    kill_after_us,
          gboolean *finished)
{
  g_autofree char *scratch = NULL;
  const char **args;
  Counts before, after, now;
  g_autofree char *wal = g_strconcat (c->db, "-wal", NULL);
  gboolean killed;
  gint64 start, duration, wal_size;
  int status;

  c->round++;
  check_and_count (c, &before);
  expect_after (c, op, &before, &after);
  args = op_args (c, op, &scratch);
  start = g_get_monotonic_time ();
  status = run_stormops (args, kill_after_us, &killed);
  duration = g_get_monotonic_time () - start;
  /* Each check closes the database, which empties the WAL: pages in it
   * now are the run's, written before the kill. */
  wal_size = file_size (wal);
  check_and_count (c, &now);

  *finished = !killed;
  if (!killed)
    {
      /* it finished: what it committed is all there */
      g_assert_cmpint (status, ==, 0);
      if (!counts_equal (&now, &after))
        {
          describe ("expected", &after);
          describe ("found", &now);
          g_error ("round %u (%s): a finished run is not all there", c->round, op_names[op]);
        }
      c->n_finished++;
    }
  else if (counts_equal (&now, &before))
    {
      c->n_killed_before++;
      if (wal_size > 0)
        c->n_killed_writing++;
    }
  else if (counts_equal (&now, &after))
    c->n_killed_after++;
  else
    {
      describe ("before", &before);
      describe ("complete", &after);
      describe ("found", &now);
      g_error ("round %u (%s), killed after %" G_GINT64_FORMAT " µs: half a batch is in the database",
               c->round, op_names[op], kill_after_us);
    }

  if (op == OP_OUTCOMES_IMPORT && counts_equal (&now, &after))
    c->outcomes_next = 1 - c->outcomes_next;
  tidy (c);
  return duration;
}

static char *
csv_quote (const char *text)
{
  g_autoptr(GString) s = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* N_IMPORTED properties from the 33 real Dallas addresses: each address
 * numbered as a unit and moved a few metres. */
static char *
write_properties (Crash *c)
{
  g_autofree char *source = shared_data ("addresses", "dallas.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(StormCsv) csv = storm_csv_new_for_path (source, NULL, &error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new ("id,name,address,city_state_zip,lat,lng\n");
  char *path = g_build_filename (c->dir, "properties.csv", NULL);

  g_assert_no_error (error);
  g_assert_true (storm_csv_next (csv, NULL, &error));
  while (storm_csv_next (csv, NULL, &error))
    {
      /* name, address, city_state_zip, phone, lat, lng, status */
      g_autofree char *name = csv_quote (storm_csv_get_field (csv, 0));
      g_autofree char *address = g_strdup (storm_csv_get_field (csv, 1));
      g_autofree char *place = csv_quote (storm_csv_get_field (csv, 2));

      g_ptr_array_add (rows, g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%s", name, address, place,
                                              storm_csv_get_field (csv, 4), storm_csv_get_field (csv, 5)));
    }
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, >, 0);

  for (guint i = 0; i < N_IMPORTED; i++)
    {
      g_auto(GStrv) f = g_strsplit (g_ptr_array_index (rows, i % rows->len), "\x1f", 5);
      g_autofree char *unit = g_strdup_printf ("%s Unit %u", f[1], i / rows->len + 1);
      g_autofree char *address = csv_quote (unit);
      double lat = g_ascii_strtod (f[3], NULL) + 0.00001 * (i / rows->len);
      double lon = g_ascii_strtod (f[4], NULL) - 0.00001 * (i / rows->len);
      char lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (out, "crash-%05u,%s,%s,%s,%s,%s\n", i, f[0], address, f[2],
                              g_ascii_formatd (lat_text, sizeof lat_text, "%.6f", lat),
                              g_ascii_formatd (lon_text, sizeof lon_text, "%.6f", lon));
    }
  g_file_set_contents (path, out->str, out->len, &error);
  g_assert_no_error (error);
  return path;
}

/* Outcomes for the first N_OUTCOMES properties of the demo storm: all
 * converted (file 0) or all not (file 1). */
static char *
write_outcomes (Crash *c,
                guint  file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = storm_db_open (c->db, &error);
  g_autoptr(sqlite3_stmt) ids = NULL;
  g_autoptr(GString) out = g_string_new ("property_id,converted,value,date\n");
  g_autofree char *name = g_strdup_printf ("outcomes-%u.csv", file);
  char *path = g_build_filename (c->dir, name, NULL);
  guint n = 0;

  g_assert_no_error (error);
  ids = storm_db_prepare (db, "SELECT ext_id FROM properties ORDER BY id LIMIT 2000", &error);
  g_assert_no_error (error);
  while (sqlite3_step (ids) == SQLITE_ROW)
    {
      g_string_append_printf (out, "%s,%s\n", (const char *) sqlite3_column_text (ids, 0),
                              file == 0 ? "yes,1000,2024-05-03" : "no,,2024-05-04");
      n++;
    }
  g_assert_cmpuint (n, ==, N_OUTCOMES);
  g_file_set_contents (path, out->str, out->len, &error);
  g_assert_no_error (error);
  return path;
}

static void
crash_setup (Crash         *c,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean killed;

  c->dir = g_dir_make_tmp ("stormops-crash-XXXXXX", &error);
  g_assert_no_error (error);
  c->db = g_build_filename (c->dir, "crash.db", NULL);
  g_assert_cmpint (run_stormops ((const char *[]) { "demo", "--properties", DEMO_PROPERTIES, "--db", c->db, NULL },
                                 -1, &killed), ==, 0);
  {
    g_autoptr(StormDb) db = storm_db_open (c->db, &error);

    g_assert_no_error (error);
    c->base_properties = query_int (db, "SELECT count (*) FROM properties");
    c->n_members = query_int (db, "SELECT count (*) FROM storm_properties sp JOIN storms s ON s.id = sp.storm_id "
                                  "WHERE s.code = '" DEMO_STORM "'");
  }
  c->properties_csv = write_properties (c);
  c->outcomes_csv[0] = write_outcomes (c, 0);
  c->outcomes_csv[1] = write_outcomes (c, 1);
}

static void
crash_teardown (Crash         *c,
                gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (c->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (c->dir, name, NULL);
      g_remove (child);
    }
  g_rmdir (c->dir);
  g_free (c->dir);
  g_free (c->db);
  g_free (c->properties_csv);
  g_free (c->outcomes_csv[0]);
  g_free (c->outcomes_csv[1]);
}

static void
test_kill_at_random (Crash         *c,
                     gconstpointer  data)
{
  /* Two complete runs of each first: they must leave exactly the state
   * the kills are compared with, and the second (warm) one's length
   * bounds where the kills land. */
  for (Op op = 0; op < N_OPS; op++)
    {
      gboolean finished;

      round_of (c, op, -1, &finished);
      c->duration_us[op] = round_of (c, op, -1, &finished);
      g_test_message ("%s: %" G_GINT64_FORMAT " ms uninterrupted", op_names[op], c->duration_us[op] / 1000);
    }
  c->n_finished = 0;

  for (guint k = 0; k < KILLS_PER_OPERATION; k++)
    for (Op op = 0; op < N_OPS; op++)
      {
        /* Every other kill lands anywhere, a little past the usual end
         * too; the others in its last 40 %, where the commit writes. */
        gint32 d = (gint32) MIN (c->duration_us[op], G_MAXINT32 / 2);
        gint64 at = k % 2 == 0 ? g_test_rand_int_range (0, d + d / 10)
                               : g_test_rand_int_range (d * 6 / 10, d + 1);
        gboolean finished;
        gint64 lasted = round_of (c, op, at, &finished);

        /* a run that ended first shows how long runs take now */
        if (finished)
          c->duration_us[op] = MIN (c->duration_us[op], lasted);
      }

  g_test_message ("%u kills: %u left nothing of their run (%u of them after it had written pages), "
                  "%u came after the commit, %u found the run finished",
                  KILLS_PER_OPERATION * N_OPS, c->n_killed_before, c->n_killed_writing,
                  c->n_killed_after, c->n_finished);
  g_assert_cmpuint (c->n_killed_before + c->n_killed_after + c->n_finished, ==, KILLS_PER_OPERATION * N_OPS);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/crash/kill-at-random", Crash, NULL, crash_setup, test_kill_at_random, crash_teardown);

  return g_test_run ();
}
