#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "storm-next-action.h"
#include "storm-outcomes.h"
#include "storm-policy.h"
#include "storm-store-storms.h"

typedef struct
{
  const char *decision;
  const char *reason;
  int         outcome;       /* -1 none, 0 not converted, 1 converted */
  int         touches;
  const char *last_result;
  const char *follow_up;
  const char *expected_rule;
} Case;

static const Case cases[] = {
  { "hold", "universal_control", -1, 0, "", "", "control" },
  { "hold", "rct_control", 1, 2, "signed", "", "control" },        /* a control stays a control */
  { "treat", "above_threshold", 1, 1, "signed", "", "converted" },
  { "treat", "above_threshold", 0, 1, "not_interested", "", "declined" },
  { NULL, NULL, -1, 0, "", "", "no-policy" },
  { "hold", "below_threshold", -1, 0, "", "", "below-threshold" },
  { "treat", "above_threshold", -1, 0, "", "", "knock" },
  { "treat", "above_threshold", -1, 1, "no_answer", "", "revisit-evening" },
  { "treat", "above_threshold", -1, 1, "callback", "", "call-back" },
  { "treat", "above_threshold", -1, 1, "inspection_booked", "", "inspection-booked" },
  { "treat", "above_threshold", -1, 1, "left_flyer", "", "follow-up-call" },
  { "treat", "above_threshold", -1, 1, "no_answer", "2024-05-10", "follow-up" },
  { "treat", "above_threshold", -1, 1, "no_answer", "2024-05-01", "follow-up-overdue" },
};

static void
test_rules (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      StormPropertyContext c = { 0 };
      g_auto(StormNextAction) action = { 0 };

      c.has_decision = cases[i].decision != NULL;
      if (c.has_decision)
        {
          g_strlcpy (c.decision, cases[i].decision, sizeof c.decision);
          g_strlcpy (c.reason, cases[i].reason, sizeof c.reason);
        }
      c.has_outcome = cases[i].outcome >= 0;
      c.converted = cases[i].outcome == 1;
      c.n_touches = cases[i].touches;
      g_strlcpy (c.last_result, cases[i].last_result, sizeof c.last_result);
      g_strlcpy (c.next_follow_up, cases[i].follow_up, sizeof c.next_follow_up);
      g_strlcpy (c.next_follow_up_channel, "call", sizeof c.next_follow_up_channel);

      storm_next_action_decide (&c, "2024-05-05", &action);
      g_test_message ("case %u", i);
      g_assert_cmpstr (action.rule, ==, cases[i].expected_rule);
      g_assert_nonnull (action.action);
      g_assert_nonnull (action.why);
    }
}

static void
test_context_from_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stormops-nba-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StormDb) db = storm_db_open (path, NULL);
  StormStormSpec spec = { .code = "NBA", .name = "NBA" };
  StormPropertyContext c;
  g_auto(StormNextAction) action = { 0 };
  StormOutcome outcome = { .property_id = 1, .converted = TRUE, .value = 8000, .source = "manual" };
  gint64 storm_id = storm_db_ensure_storm (db, &spec, NULL, NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_true (storm_db_exec (db,
                                "INSERT INTO properties (id, ext_id, lat, lon) VALUES (1, 'p1', 32.8, -96.8);"
                                "INSERT INTO storm_properties (storm_id, property_id, uplift) VALUES (1, 1, 0.9);"
                                "INSERT INTO touches (storm_id, property_id, channel, at, result) VALUES "
                                "  (1, 1, 'door_knock', '2024-05-01T10:00Z', 'no_answer'),"
                                "  (1, 1, 'door_knock', '2024-05-02T19:00Z', 'callback');"
                                "INSERT INTO follow_ups (storm_id, property_id, due_on, channel) VALUES (1, 1, '2024-05-09', 'call');",
                                NULL));
  g_assert_true (storm_db_property_context (db, storm_id, 1, &c, NULL));
  g_assert_false (c.has_decision);
  g_assert_cmpint (c.n_touches, ==, 2);
  g_assert_cmpstr (c.last_result, ==, "callback");
  g_assert_cmpstr (c.next_follow_up, ==, "2024-05-09");

  g_assert_true (storm_outcome_record (db, storm_id, &outcome, NULL, NULL));
  g_assert_true (storm_db_property_context (db, storm_id, 1, &c, NULL));
  g_assert_true (c.converted);
  storm_next_action_decide (&c, "2024-05-05", &action);
  g_assert_cmpstr (action.rule, ==, "converted");

  g_clear_pointer (&db, storm_db_close);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/next-action/rules", test_rules);
  g_test_add_func ("/next-action/context-from-store", test_context_from_store);

  return g_test_run ();
}
