#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "storm-error.h"
#include "storm-outcomes.h"
#include "storm-store-jobs.h"
#include "storm-store-storms.h"

typedef struct
{
  char    *dir;
  StormDb *db;
  gint64   storm_id;
} Fixture;

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

/* Four properties; an execution treating 1–3 (uplift .30, .25, .20) and
 * holding 4; property 2 converted. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  StormStormSpec spec = { .code = "JOBS", .name = "Jobs storm" };
  g_autofree char *path = NULL;
  StormOutcome outcome = { .property_id = 2, .converted = TRUE, .value = 9000, .source = "manual" };

  f->dir = g_dir_make_tmp ("stormops-jobs-XXXXXX", NULL);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->db = storm_db_open (path, NULL);
  f->storm_id = storm_db_ensure_storm (f->db, &spec, NULL, NULL);
  g_assert_true (storm_db_exec (f->db,
    "INSERT INTO properties (id, ext_id, address, city, zip, lat, lon) VALUES "
    "(1, 'p1', '1 Elm St', 'Dallas', '75201', 32.8, -96.8),"
    "(2, 'p2', '2 Elm St', 'Dallas', '75201', 32.8, -96.8),"
    "(3, 'p3', '3 Elm St, Unit \"B\"', 'Dallas', '75201', 32.8, -96.8),"
    "(4, 'p4', '4 Elm St', 'Dallas', '75201', 32.8, -96.8);"
    "INSERT INTO storm_properties (storm_id, property_id, uplift) VALUES (1, 1, 0.30), (1, 2, 0.25), (1, 3, 0.20), (1, 4, 0.05);"
    "INSERT INTO policy_executions (id, storm_id, mode, threshold, universal_pct, rct_pct, seed, actor) "
    "  VALUES (1, 1, 'moderate', 0.15, 0.05, 0.1, 0, 'test');"
    "INSERT INTO policy_decisions_log VALUES (1, 1, 'treat', 'above_threshold', 0.30, 6), "
    "  (1, 2, 'treat', 'above_threshold', 0.25, 5), (1, 3, 'treat', 'above_threshold', 0.20, 4), "
    "  (1, 4, 'hold', 'below_threshold', 0.05, 1);", NULL));
  g_assert_true (storm_outcome_record (f->db, f->storm_id, &outcome, NULL, NULL));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  storm_db_close (f->db);
  remove_tree (f->dir);
  g_free (f->dir);
}

static void
test_touches (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) touches = NULL;
  g_autoptr(GError) error = NULL;
  gboolean added = FALSE;

  g_assert_true (storm_db_add_touch (f->db, f->storm_id, 1, "door_knock", "2024-05-01T10:00:00Z", "no_answer", NULL, "crew-1", &added, &error));
  g_assert_true (added);
  g_assert_true (storm_db_add_touch (f->db, f->storm_id, 1, "door_knock", "2024-05-01T10:00:00Z", "no_answer", NULL, "crew-1", &added, &error));
  g_assert_false (added);
  g_assert_true (storm_db_add_touch (f->db, f->storm_id, 1, "sms", "2024-04-30T10:00:00Z", NULL, "api", NULL, &added, &error));
  g_assert_false (storm_db_add_touch (f->db, f->storm_id, 1, "fax", "2024-05-01", NULL, NULL, NULL, &added, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);

  touches = storm_db_list_touches (f->db, f->storm_id, 1, NULL);
  g_assert_cmpuint (touches->len, ==, 2);
  g_assert_cmpstr (((StormTouch *) touches->pdata[0])->channel, ==, "sms");
  g_assert_cmpstr (((StormTouch *) touches->pdata[1])->result, ==, "no_answer");
}

static void
test_notes (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = storm_db_add_note (f->db, f->storm_id, 1, "  Dog in the yard  ", "crew-1", &error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (storm_db_add_note (f->db, f->storm_id, 1, "   ", NULL, &error), ==, 0);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (storm_db_update_note (f->db, id, "Dog in the yard; use the side gate", &error));
  g_assert_false (storm_db_update_note (f->db, 999, "x", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND);

  notes = storm_db_list_notes (f->db, 1, NULL);
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_cmpstr (((StormNote *) notes->pdata[0])->body, ==, "Dog in the yard; use the side gate");
  g_assert_nonnull (((StormNote *) notes->pdata[0])->updated_at);
}

static void
test_attachments (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *source = g_build_filename (f->dir, "roof photo.jpg", NULL);
  g_autofree char *store = g_build_filename (f->dir, "attachments", NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copied = NULL;
  StormAttachment *a;

  g_assert_true (g_file_set_contents (source, "\xff\xd8\xff\xe0 not really a jpeg", -1, NULL));
  g_assert_cmpint (storm_db_add_attachment (f->db, 1, source, store, &error), >, 0);
  g_assert_no_error (error);
  /* the original may go away; the copy stays */
  g_remove (source);
  list = storm_db_list_attachments (f->db, 1, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  a = list->pdata[0];
  g_assert_cmpstr (a->file_name, ==, "roof photo.jpg");
  g_assert_true (g_str_has_prefix (a->stored_path, store));
  g_assert_true (g_file_get_contents (a->stored_path, &copied, NULL, NULL));
  g_assert_true (g_str_has_suffix (copied, "not really a jpeg"));

  g_assert_cmpint (storm_db_add_attachment (f->db, 1, source, store, &error), ==, 0);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_FAILED);
}

static void
test_follow_ups (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first;

  first = storm_db_schedule_follow_up (f->db, f->storm_id, 1, "2024-05-03", "call", "ask about the adjuster", &error);
  g_assert_cmpint (first, >, 0);
  g_assert_cmpint (storm_db_schedule_follow_up (f->db, f->storm_id, 3, "2024-05-20", "door_knock", NULL, &error), >, 0);
  g_assert_cmpint (storm_db_schedule_follow_up (f->db, f->storm_id, 3, "2024-02-30", "call", NULL, &error), ==, 0);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (storm_db_schedule_follow_up (f->db, f->storm_id, 3, "2024-05-21", "telegram", NULL, &error), ==, 0);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);

  due = storm_db_list_follow_ups (f->db, f->storm_id, "2024-05-10", NULL);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpstr (((StormFollowUp *) due->pdata[0])->ext_id, ==, "p1");
  g_assert_true (storm_db_set_follow_up_status (f->db, first, "done", NULL));
  all = storm_db_list_follow_ups (f->db, f->storm_id, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_cmpstr (((StormFollowUp *) all->pdata[0])->due_on, ==, "2024-05-20");
}

static void
test_nurture (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GArray) ids = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "nurture.csv", NULL);
  g_autofree char *csv = NULL;
  gint64 rows = 0;

  /* treated, not converted, best first; the converted and the held are out */
  ids = storm_db_nurture_candidates (f->db, f->storm_id, 0.15, NULL);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 3);
  g_clear_pointer (&ids, g_array_unref);
  ids = storm_db_nurture_candidates (f->db, f->storm_id, 0.25, NULL);
  g_assert_cmpuint (ids->len, ==, 1);

  g_assert_true (storm_db_schedule_follow_up (f->db, f->storm_id, 3, "2024-05-20", "call", NULL, NULL) > 0);
  g_assert_true (storm_db_export_nurture_csv (f->db, f->storm_id, 0.15, csv_path, &rows, NULL));
  g_assert_cmpint (rows, ==, 2);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_cmpstr (csv, ==,
                   "property_id,address,city,zip,uplift,touches,next_follow_up\r\n"
                   "p1,1 Elm St,Dallas,75201,0.3000,0,\r\n"
                   "p3,\"3 Elm St, Unit \"\"B\"\"\",Dallas,75201,0.2000,0,2024-05-20\r\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/jobs/touches", test_touches);
  ADD ("/jobs/notes", test_notes);
  ADD ("/jobs/attachments", test_attachments);
  ADD ("/jobs/follow-ups", test_follow_ups);
  ADD ("/jobs/nurture", test_nurture);
#undef ADD

  return g_test_run ();
}
