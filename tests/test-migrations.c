/* Schema migrations on real files: a fixture database for every released
 * schema version (tests/data/fixtures/schema-N.db, written by
 * build-aux/make-fixture) is opened with this build, which migrates it to
 * the current version; every row it held must still be there. A database
 * from a newer StormOps is refused and left byte for byte as it was. */
#include "config.h"

#include "import-test-util.h"
#include "storm-store-storms.h"

/* Released schema versions with a fixture. */
static const int released[] = { 1, 2, 3, 4, 5 };

static char *
copy_fixture (DbFixture *f,
              int        version)
{
  g_autofree char *name = g_strdup_printf ("schema-%d.db", version);
  g_autofree char *source = g_build_filename (g_getenv ("STORMOPS_TEST_DATA"), "fixtures", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (source, &contents, &length, &error);
  g_assert_no_error (error);
  return write_temp (f, name, contents, length);
}

static void
assert_text (StormDb    *db,
             const char *sql,
             const char *expected)
{
  g_autofree char *text = query_text (db, sql);

  g_assert_cmpstr (text, ==, expected);
}

static void
check_version_1_rows (StormDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StormStorm) storm = storm_db_get_storm (db, "DFW_2024_05_28", &error);

  g_assert_no_error (error);
  g_assert_nonnull (storm);
  assert_text (db, "SELECT name || '|' || kind || '|' || start_at || '|' || region FROM storms WHERE id = 1",
               "Dallas hail, 28 May 2024|hail|2024-05-28T20:00:00Z|TX");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM storm_reports WHERE storm_id = 1"), ==, 2);
  g_assert_cmpfloat (query_double (db, "SELECT magnitude FROM storm_reports WHERE id = 1"), ==, 1.75);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM properties"), ==, 3);
  assert_text (db, "SELECT name || '|' || address || '|' || zip FROM properties WHERE ext_id = 'fx-3'",
               "Café “Ñ”|4100 Lemmon Ave|75219");
  g_assert_cmpfloat (query_double (db, "SELECT value FROM properties WHERE ext_id = 'fx-2'"), ==, 389500.5);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM storm_properties WHERE storm_id = 1"), ==, 3);
  g_assert_cmpfloat (query_double (db, "SELECT uplift FROM storm_properties WHERE property_id = 1"), ==, 0.12);
  g_assert_cmpint (query_int (db, "SELECT nearest_report_id FROM storm_properties WHERE property_id = 2"), ==, 1);
  assert_text (db, "SELECT detail FROM events WHERE id = 1", "3 rows");
  assert_text (db, "SELECT value FROM settings WHERE key = 'fixture'", "schema 1");
}

static void
check_version_2_rows (StormDb *db)
{
  g_autoptr(GError) error = NULL;

  /* the salt decides the experiment arms: it must never change */
  assert_text (db, "SELECT value FROM settings WHERE key = 'policy_salt'", "00112233445566778899aabbccddeeff");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM experiment_assignments"), ==, 3);
  assert_text (db, "SELECT arm FROM experiment_assignments WHERE property_id = 2", "rct_control");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM policy_executions WHERE is_current = 1"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM policy_decisions_log WHERE execution_id = 1"), ==, 3);
  /* outcomes with their correction history (version 5 adds one more, id 4) */
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM policy_outcomes WHERE id <= 3"), ==, 3);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM policy_outcomes WHERE id <= 3 AND is_current = 1"), ==, 2);
  g_assert_cmpfloat (query_double (db, "SELECT value FROM policy_outcomes WHERE property_id = 1 AND is_current = 1"), ==, 12500);
  g_assert_cmpint (query_int (db, "SELECT supersedes FROM policy_outcomes WHERE id = 3"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM touches WHERE property_id = 1"), ==, 2);
  assert_text (db, "SELECT body FROM property_notes WHERE id = 1", "Gate code 1234; dog in the yard");
  assert_text (db, "SELECT status || '|' || due_on FROM follow_ups WHERE id = 1", "open|2024-06-05");
  /* and the rule that keeps them history still holds */
  g_assert_false (storm_db_exec (db, "UPDATE policy_outcomes SET value = 1 WHERE id = 3", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_DATABASE);
}

static void
check_version_3_rows (StormDb *db)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (query_int (db, "SELECT doors_cap FROM route_settings WHERE storm_id = 1"), ==, 40);
  assert_text (db, "SELECT name || '|' || crew || '|' || crew_language || '|' || locked FROM routes WHERE id = 1",
               "Route 1|Crew Ana|es|1");
  g_assert_cmpint (query_int (db, "SELECT n_routed FROM route_plans WHERE id = 1"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT property_id FROM route_stops WHERE route_id = 1 AND seq = 1"), ==, 1);
  assert_text (db, "SELECT reason FROM route_unassigned WHERE plan_id = 1", "over_capacity");
  /* a locked route takes no stop */
  g_assert_false (storm_db_exec (db, "INSERT INTO route_stops (route_id, seq, property_id) VALUES (1, 2, 2)", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_DATABASE);
}

/* The rows a database of version 4 or later was seeded with by its
 * migration: what an older database gets when it is migrated. */
static void
check_version_4_seed (StormDb *db)
{
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM lead_stages WHERE code IN ('NEW', 'CONTACTED', 'QUALIFIED', "
                                  "'PROPOSAL_SENT', 'APPROVED', 'BUILDING', 'SHIPPED', 'LOST')"), ==, 8);
  assert_text (db, "SELECT name || '|' || kind FROM lead_stages WHERE position = 4", "Proposal sent|open");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM integrations WHERE name IN ('Property import', "
                                  "'Policy engine', 'Route planner', 'HTTP API')"), ==, 4);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM risk_rules WHERE position BETWEEN 1 AND 11"), ==, 11);
  assert_text (db, "SELECT pattern || '|' || level FROM risk_rules WHERE position = 3", "*/payments/*|high");
}

static void
check_version_4_rows (StormDb *db)
{
  g_autoptr(GError) error = NULL;

  /* what the office added beside the seeded rows */
  assert_text (db, "SELECT name || '|' || position || '|' || kind FROM lead_stages WHERE code = 'ON_HOLD'",
               "On hold|9|open");
  assert_text (db, "SELECT pattern || '|' || category FROM risk_rules WHERE position = 12", "po/*|translations");
  assert_text (db, "SELECT run_kind || '|' || last_error || '|' || expected_interval_s FROM integrations WHERE name = 'CRM sync'",
               "crm-*|HTTP 502 from the CRM|86400");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM service_packages"), ==, 2);
  g_assert_cmpfloat (query_double (db, "SELECT price_max FROM service_packages WHERE id = 2"), ==, 24000);

  /* leads, and the history their stage changes left */
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM leads"), ==, 3);
  assert_text (db, "SELECT stage || '|' || stage_entered_at || '|' || last_contact_at || '|' || package_id "
                   "FROM leads WHERE id = 1",
               "PROPOSAL_SENT|2024-06-03T14:10:00Z|2024-06-03T09:00:00Z|2");
  assert_text (db, "SELECT company || '|' || stage FROM leads WHERE id = 3", "Café “Ñ”|LOST");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM lead_stage_history"), ==, 7);
  assert_text (db, "SELECT group_concat (to_stage, '>') FROM (SELECT to_stage FROM lead_stage_history "
                   "WHERE lead_id = 1 ORDER BY at)",
               "NEW>CONTACTED>QUALIFIED>PROPOSAL_SENT");
  assert_text (db, "SELECT actor || '|' || at FROM lead_stage_history WHERE lead_id = 1 AND to_stage = 'PROPOSAL_SENT'",
               "Luis Romero|2024-06-03T14:10:00Z");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM lead_touches WHERE lead_id = 1"), ==, 2);
  assert_text (db, "SELECT channel || '|' || at FROM lead_touches WHERE id = 3", "sms|2024-06-01T10:30:00Z");

  /* approvals: one granted per send and deploy, one turned down, one waiting */
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM approvals"), ==, 4);
  assert_text (db, "SELECT approved_by || '|' || approved_at FROM approvals WHERE kind = 'proposal_send' AND subject_id = 1",
               "Luis Romero|2024-06-03T14:00:00Z");
  assert_text (db, "SELECT rejected || '|' || decided_note FROM approvals WHERE id = 2", "1|Call her instead");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM approvals WHERE approved_at IS NULL AND rejected = 0"), ==, 1);
  assert_text (db, "SELECT sent_at FROM proposals WHERE id = 1", "2024-06-03T14:10:00Z");
  assert_text (db, "SELECT outcome || '|' || outcome_at FROM proposals WHERE id = 2 AND sent_at IS NULL",
               "withdrawn|2024-06-04T09:00:00Z");
  assert_text (db, "SELECT approved_by || '|' || deployed_at || '|' || risk_level FROM agent_jobs WHERE id = 1",
               "Luis Romero|2024-06-04T12:30:00Z|high");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM agent_jobs WHERE id = 2 AND approved_at IS NULL "
                                  "AND deployed_at IS NULL AND tests_failed = 1"), ==, 1);

  /* runs: the one the event log made, and an external pipeline's */
  assert_text (db, "SELECT kind || '|' || source || '|' || started_at || '|' || status FROM runs WHERE event_id = 2",
               "policy-apply|app|2024-06-04T07:00:00.000Z|success");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM runs WHERE kind = 'crm-sync' AND source = 'external'"), ==, 2);
  assert_text (db, "SELECT error FROM runs WHERE kind = 'crm-sync' AND status = 'fail'", "HTTP 502 from the CRM");

  /* client results: the latest entry is the current result */
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM client_result_entries WHERE result_id = 1"), ==, 2);
  g_assert_cmpfloat (query_double (db, "SELECT current FROM client_results WHERE lead_id = 1"), ==, 17250.5);
  assert_text (db, "SELECT confidence || '|' || updated_at FROM client_results WHERE id = 1", "medium|2024-06-12T00:00:00Z");
  assert_text (db, "SELECT kind || '|' || reusability FROM reusable_assets WHERE id = 1", "checklist|5");
  assert_text (db, "SELECT extracted || '|' || not_extracted_reason FROM reusable_assets WHERE id = 2",
               "0|Too specific to one client");
  assert_text (db, "SELECT rung || '|' || package_id FROM offer_ladder WHERE lead_id = 2", "fast_cash_dfy|1");
  assert_text (db, "SELECT asking || '|' || realistic_range FROM expectation_snapshots WHERE lead_id = 1", "over|$15k–$19k");
  assert_text (db, "SELECT status FROM template_starters WHERE name = 'Hail claim kit'", "tested");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM template_starter_leads WHERE lead_id = 2"), ==, 2);

  /* and the gates still hold: nothing is sent or deployed without a
   * person's approval, and a decision is not rewritten */
  g_assert_false (storm_db_exec (db, "UPDATE proposals SET sent_at = '2024-06-05T09:00:00Z' WHERE id = 2", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_DATABASE);
  g_clear_error (&error);
  g_assert_false (storm_db_exec (db, "UPDATE agent_jobs SET deployed_at = '2024-06-05T09:00:00Z' WHERE id = 2", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_DATABASE);
  g_clear_error (&error);
  g_assert_false (storm_db_exec (db, "UPDATE approvals SET approved_by = 'Ana', approved_at = '2024-06-05T09:00:00Z' "
                                     "WHERE id = 2", &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_DATABASE);
}

static void
check_version_5_rows (StormDb *db)
{
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM api_idempotency_keys"), ==, 2);
  assert_text (db, "SELECT status || '|' || created_at || '|' || response FROM api_idempotency_keys "
                   "WHERE key = '6f1c2b0e-0d4b-4e43-9a51-2d1f0c9e8a10'",
               "201|2024-06-05T10:00:00.125Z|{\"id\":4,\"storm\":\"DFW_2024_05_28\",\"property\":\"fx-3\",\"converted\":true}");
  assert_text (db, "SELECT status || '|' || request_hash FROM api_idempotency_keys WHERE key = 'retry-2024-06-05-0002'",
               "404|5d41402abc4b2a76b9719d911017c592aa3c2f6b8e0d7e6c1f24a7b9d03e5f11");
  /* the outcome that first response acknowledged */
  assert_text (db, "SELECT source || '|' || recorded_at FROM policy_outcomes WHERE id = 4 AND is_current = 1",
               "api|2024-06-05T10:00:00.125Z");
}

static void
test_fixture (DbFixture     *f,
              gconstpointer  data)
{
  int version = GPOINTER_TO_INT (data);
  g_autofree char *path = copy_fixture (f, version);
  g_autofree char *digest = NULL;
  g_autofree char *again = NULL;
  g_autofree char *integrity = NULL;
  g_autofree char *salt = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StormDb) db = NULL;

  db = storm_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (storm_db_schema_version (db), ==, STORM_SCHEMA_VERSION);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, STORM_SCHEMA_VERSION);
  g_assert_cmpint (query_int (db, "PRAGMA application_id"), ==, STORM_APPLICATION_ID);
  integrity = query_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM pragma_foreign_key_check"), ==, 0);

  check_version_1_rows (db);
  if (version >= 2)
    check_version_2_rows (db);
  else
    {
      /* made by migration 2 for a database that had none */
      salt = query_text (db, "SELECT value FROM settings WHERE key = 'policy_salt'");
      g_assert_cmpuint (strlen (salt), ==, 32);
    }
  if (version >= 3)
    check_version_3_rows (db);
  check_version_4_seed (db);
  if (version >= 4)
    check_version_4_rows (db);
  else
    g_assert_cmpint (query_int (db, "SELECT count (*) FROM leads"), ==, 0);
  if (version >= 5)
    check_version_5_rows (db);
  else
    g_assert_cmpint (query_int (db, "SELECT count (*) FROM api_idempotency_keys"), ==, 0);

  /* Opening it again migrates nothing and changes nothing. */
  digest = db_digest (db);
  g_clear_pointer (&db, storm_db_close);
  db = storm_db_open (path, &error);
  g_assert_no_error (error);
  again = db_digest (db);
  g_assert_cmpstr (again, ==, digest);
}

static void
test_newer_refused (DbFixture     *f,
                    gconstpointer  data)
{
  g_autofree char *path = copy_fixture (f, released[G_N_ELEMENTS (released) - 1]);
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", STORM_SCHEMA_VERSION + 1);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autoptr(GError) error = NULL;
  gsize before_len, after_len;
  sqlite3 *handle = NULL;
  StormDb *db;

  /* what a later StormOps would leave */
  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, set_version, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (handle), ==, SQLITE_OK);
  g_file_get_contents (path, &before, &before_len, &error);
  g_assert_no_error (error);

  db = storm_db_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, STORM_ERROR, STORM_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "left untouched"));
  g_clear_error (&error);

  g_file_get_contents (path, &after, &after_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (after, after_len, before, before_len);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (released); i++)
    {
      g_autofree char *name = g_strdup_printf ("/migrations/schema-%d", released[i]);

      g_test_add (name, DbFixture, GINT_TO_POINTER (released[i]),
                  db_fixture_setup, test_fixture, db_fixture_teardown);
    }
  g_test_add ("/migrations/newer-refused", DbFixture, NULL,
              db_fixture_setup, test_newer_refused, db_fixture_teardown);

  return g_test_run ();
}
