#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "storm-attribution.h"
#include "storm-outcomes.h"
#include "storm-store-storms.h"

typedef struct
{
  char    *dir;
  StormDb *db;
  gint64   storm_id;
} Fixture;

static void
touch (Fixture    *f,
       gint64      property_id,
       const char *channel,
       const char *at)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (f->db,
    "INSERT INTO touches (storm_id, property_id, channel, at) VALUES (?1, ?2, ?3, ?4)", NULL);

  sqlite3_bind_int64 (stmt, 1, f->storm_id);
  sqlite3_bind_int64 (stmt, 2, property_id);
  sqlite3_bind_text (stmt, 3, channel, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, at, -1, SQLITE_STATIC);
  g_assert_true (storm_db_step_done (f->db, stmt, NULL));
}

static void
convert (Fixture    *f,
         gint64      property_id,
         double      value,
         const char *at)
{
  StormOutcome outcome = { .property_id = property_id, .converted = TRUE, .value = value,
                           .occurred_at = at, .source = "manual" };

  g_assert_true (storm_outcome_record (f->db, f->storm_id, &outcome, NULL, NULL));
}

/* A: mailer → door knock → call, converted for 1000.
 * B: door knock → SMS, converted for 500.
 * C: door knock, not converted.
 * D: referral, converted on May 2 (no value); an ad after that does not count. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  StormStormSpec spec = { .code = "ATTR", .name = "Attribution storm" };
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("stormops-attr-XXXXXX", NULL);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->db = storm_db_open (path, NULL);
  f->storm_id = storm_db_ensure_storm (f->db, &spec, NULL, NULL);
  g_assert_true (storm_db_exec (f->db,
                                "INSERT INTO properties (id, ext_id, lat, lon) VALUES "
                                "(1, 'A', 32.8, -96.8), (2, 'B', 32.8, -96.8), (3, 'C', 32.8, -96.8), (4, 'D', 32.8, -96.8)",
                                NULL));
  touch (f, 1, "door_knock", "2024-05-01T15:00:00Z");
  touch (f, 1, "mailer", "2024-04-30T09:00:00Z");
  touch (f, 1, "call", "2024-05-02T10:00:00Z");
  convert (f, 1, 1000, NULL);
  touch (f, 2, "door_knock", "2024-05-01T16:00:00Z");
  touch (f, 2, "sms", "2024-05-01T18:00:00Z");
  convert (f, 2, 500, "2024-05-03");
  touch (f, 3, "door_knock", "2024-05-01T17:00:00Z");
  touch (f, 4, "referral", "2024-05-01T12:00:00Z");
  touch (f, 4, "ads", "2024-05-05T12:00:00Z");
  convert (f, 4, NAN, "2024-05-02");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  storm_db_close (f->db);
  d = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);
      g_remove (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
test_weights (void)
{
  double w[5];

  storm_attribution_weights (STORM_ATTRIBUTION_POSITION_BASED, 5, w);
  g_assert_cmpfloat_with_epsilon (w[0], 0.4, 1e-12);
  g_assert_cmpfloat_with_epsilon (w[2], 0.2 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (w[4], 0.4, 1e-12);
  storm_attribution_weights (STORM_ATTRIBUTION_POSITION_BASED, 2, w);
  g_assert_cmpfloat_with_epsilon (w[0], 0.5, 1e-12);
  storm_attribution_weights (STORM_ATTRIBUTION_POSITION_BASED, 1, w);
  g_assert_cmpfloat_with_epsilon (w[0], 1.0, 1e-12);
  storm_attribution_weights (STORM_ATTRIBUTION_LINEAR, 4, w);
  g_assert_cmpfloat_with_epsilon (w[3], 0.25, 1e-12);
  storm_attribution_weights (STORM_ATTRIBUTION_FIRST_TOUCH, 3, w);
  g_assert_cmpfloat (w[0], ==, 1.0);
  g_assert_cmpfloat (w[2], ==, 0.0);
}

#define CHECK(channel, conv, val) \
  G_STMT_START { \
    g_assert_cmpfloat_with_epsilon (credit[channel].conversions, conv, 1e-9); \
    g_assert_cmpfloat_with_epsilon (credit[channel].value, val, 1e-6); \
  } G_STMT_END

static void
test_models (Fixture       *f,
             gconstpointer  data)
{
  StormChannelCredit credit[STORM_N_CHANNELS];

  g_assert_true (storm_attribution_compute (f->db, f->storm_id, STORM_ATTRIBUTION_LAST_TOUCH, credit, NULL));
  CHECK (STORM_CHANNEL_CALL, 1, 1000);
  CHECK (STORM_CHANNEL_SMS, 1, 500);
  CHECK (STORM_CHANNEL_REFERRAL, 1, 0);
  CHECK (STORM_CHANNEL_ADS, 0, 0);
  CHECK (STORM_CHANNEL_DOOR_KNOCK, 0, 0);
  g_assert_cmpint (credit[STORM_CHANNEL_DOOR_KNOCK].touched, ==, 3);
  g_assert_cmpint (credit[STORM_CHANNEL_ADS].touched, ==, 1);

  g_assert_true (storm_attribution_compute (f->db, f->storm_id, STORM_ATTRIBUTION_FIRST_TOUCH, credit, NULL));
  CHECK (STORM_CHANNEL_MAILER, 1, 1000);
  CHECK (STORM_CHANNEL_DOOR_KNOCK, 1, 500);
  CHECK (STORM_CHANNEL_REFERRAL, 1, 0);
  CHECK (STORM_CHANNEL_CALL, 0, 0);

  g_assert_true (storm_attribution_compute (f->db, f->storm_id, STORM_ATTRIBUTION_LINEAR, credit, NULL));
  CHECK (STORM_CHANNEL_MAILER, 1.0 / 3, 1000.0 / 3);
  CHECK (STORM_CHANNEL_DOOR_KNOCK, 1.0 / 3 + 0.5, 1000.0 / 3 + 250);
  CHECK (STORM_CHANNEL_CALL, 1.0 / 3, 1000.0 / 3);
  CHECK (STORM_CHANNEL_SMS, 0.5, 250);

  g_assert_true (storm_attribution_compute (f->db, f->storm_id, STORM_ATTRIBUTION_POSITION_BASED, credit, NULL));
  CHECK (STORM_CHANNEL_MAILER, 0.4, 400);
  CHECK (STORM_CHANNEL_DOOR_KNOCK, 0.2 + 0.5, 200 + 250);
  CHECK (STORM_CHANNEL_CALL, 0.4, 400);
  CHECK (STORM_CHANNEL_SMS, 0.5, 250);
  CHECK (STORM_CHANNEL_REFERRAL, 1, 0);

  /* every model hands out exactly one conversion per converted property */
  {
    double total = 0;
    for (int c = 0; c < STORM_N_CHANNELS; c++)
      total += credit[c].conversions;
    g_assert_cmpfloat_with_epsilon (total, 3.0, 1e-9);
  }
}

static void
test_names (void)
{
  StormChannel c;
  StormAttributionModel m;

  g_assert_true (storm_channel_from_string ("door_knock", &c));
  g_assert_cmpint (c, ==, STORM_CHANNEL_DOOR_KNOCK);
  g_assert_false (storm_channel_from_string ("carrier-pigeon", &c));
  g_assert_true (storm_attribution_model_from_string ("position-based", &m));
  g_assert_cmpint (m, ==, STORM_ATTRIBUTION_POSITION_BASED);
  g_assert_cmpstr (storm_attribution_model_to_string (STORM_ATTRIBUTION_LAST_TOUCH), ==, "last-touch");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/attribution/weights", test_weights);
  g_test_add_func ("/attribution/names", test_names);
  g_test_add ("/attribution/models", Fixture, NULL, fixture_setup, test_models, fixture_teardown);

  return g_test_run ();
}
