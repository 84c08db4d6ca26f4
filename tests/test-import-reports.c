#include "config.h"

#include "import-test-util.h"
#include "storm-store-storms.h"

/* Expected counts for every file of shared/data/spc-storm-reports/ and
 * storm-events/. They were derived independently of this code: a short
 * Python script read each file with the csv module, counted data rows
 * (not the "Time,…" section headers nor the "Raw … LSR" title lines) by
 * section kind, counted rows whose State is TX, and checked that no two
 * rows of a file share time, position, magnitude and location (so no
 * duplicates within a file). For Storm Events it kept EVENT_TYPE Hail,
 * Thunderstorm/High/Strong Wind, Tornado and Funnel Cloud, counted kept
 * rows without BEGIN_LAT, and converted BEGIN_DATE_TIME with the
 * CZ_TIMEZONE offset for the date filters. */
typedef struct
{
  const char *file;
  const char *code;       /* the storm named from the file */
  gint64      rows;
  gint64      hail;
  gint64      wind;
  gint64      tornado;
  gint64      tx;         /* rows with State TX */
} SpcFile;

static const SpcFile spc_files[] = {
  { "0524_hail.csv", "SPC_0524_HAIL", 36, 36, 0, 0, 0 },
  { "0524_wind.csv", "SPC_0524_WIND", 6, 0, 6, 0, 0 },
  { "20_hail.csv", "SPC_20_HAIL", 99, 99, 0, 0, 20 },
  { "20_torn.csv", "SPC_20_TORN", 18, 0, 0, 18, 5 },
  { "20_wind.csv", "SPC_20_WIND", 145, 0, 145, 0, 4 },
  { "today.csv", "SPC_TODAY", 301, 160, 120, 21, 0 },
  { "today_hail.csv", "SPC_TODAY_HAIL", 160, 160, 0, 0, 0 },
  { "today_torn.csv", "SPC_TODAY_TORN", 13, 0, 0, 13, 0 },
  { "today_wind.csv", "SPC_TODAY_WIND", 120, 0, 120, 0, 0 },
  { "yesterday_hail.csv", "SPC_YESTERDAY_HAIL", 196, 196, 0, 0, 0 },
  { "yesterday_hail_1.csv", "SPC_YESTERDAY_HAIL_1", 55, 55, 0, 0, 1 },
  { "yesterday_raw.csv", "SPC_YESTERDAY_RAW", 32, 17, 13, 2, 32 },
  { "yesterday_torn.csv", "SPC_YESTERDAY_TORN", 29, 0, 0, 29, 0 },
  { "yesterday_torn_1.csv", "SPC_YESTERDAY_TORN_1", 3, 0, 0, 3, 0 },
  { "yesterday_wind.csv", "SPC_YESTERDAY_WIND", 297, 0, 297, 0, 0 },
  { "yesterday_wind_1.csv", "SPC_YESTERDAY_WIND_1", 11, 0, 11, 0, 0 },
};

#define EVENTS_FILE "StormEvents_details_2019_Texas.csv"

static gboolean
import (DbFixture                *f,
        const char               *path,
        const char               *storm,
        const StormReportFilter  *filter,
        StormImportResult        *result,
        GError                  **error)
{
  storm_import_result_init (result);
  return storm_import_reports (f->db, path, storm, filter, result, NULL, NULL, error);
}

static gint64
kind_count (DbFixture  *f,
            const char *code,
            const char *kind)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (f->db,
                                                   "SELECT count(*) FROM storm_reports r JOIN storms s ON s.id = r.storm_id "
                                                   "WHERE s.code = ?1 AND r.kind = ?2",
                                                   NULL);

  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
test_spc_files (DbFixture     *f,
                gconstpointer  data)
{
  gint64 total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (spc_files); i++)
    {
      const SpcFile *s = &spc_files[i];
      g_autofree char *path = shared_data ("spc-storm-reports", s->file);
      g_autoptr(GError) error = NULL;
      StormImportResult r;

      g_test_message ("%s", s->file);
      g_assert_true (import (f, path, NULL, NULL, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpint (r.n_rows, ==, s->rows);
      g_assert_cmpint (r.n_inserted, ==, s->rows);
      g_assert_cmpint (r.n_duplicates, ==, 0);
      g_assert_cmpint (r.n_skipped, ==, 0);
      g_assert_cmpint (r.n_warnings, ==, 0);
      g_assert_true (r.storm_created);
      g_assert_cmpint (r.storm_id, ==, storm_db_find_storm (f->db, s->code));
      storm_import_result_clear (&r);

      g_assert_cmpint (kind_count (f, s->code, "hail"), ==, s->hail);
      g_assert_cmpint (kind_count (f, s->code, "wind"), ==, s->wind);
      g_assert_cmpint (kind_count (f, s->code, "tornado"), ==, s->tornado);
      total += s->rows;
    }
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports"), ==, total);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storms"), ==, G_N_ELEMENTS (spc_files));
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM events WHERE action = 'import-reports' AND status = 'ok'"),
                   ==, G_N_ELEMENTS (spc_files));
  /* no date in the daily files but the raw one, whose title has it */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports WHERE at IS NOT NULL"), ==, 32);
  /* unknown magnitudes have no unit */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports WHERE (magnitude IS NULL) <> (unit IS NULL)"), ==, 0);
}

static void
test_spc_files_texas (DbFixture     *f,
                      gconstpointer  data)
{
  StormReportFilter filter = { .state = "TX" };

  for (guint i = 0; i < G_N_ELEMENTS (spc_files); i++)
    {
      const SpcFile *s = &spc_files[i];
      g_autofree char *path = shared_data ("spc-storm-reports", s->file);
      g_autoptr(GError) error = NULL;
      StormImportResult r;

      g_test_message ("%s", s->file);
      g_assert_true (import (f, path, "TX_ALL", &filter, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpint (r.n_rows, ==, s->rows);
      g_assert_cmpint (r.n_inserted, ==, s->tx);
      g_assert_cmpint (r.n_skipped, ==, s->rows - s->tx);
      g_assert_cmpint (r.n_duplicates, ==, 0);
      storm_import_result_clear (&r);
    }
  /* 20 + 5 + 4 + 1 + 32 */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports WHERE state = 'TX'"), ==, 62);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports"), ==, 62);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storms WHERE code = 'TX_ALL' AND region = 'TX'"), ==, 1);
}

static void
test_duplicates (DbFixture     *f,
                 gconstpointer  data)
{
  /* today.csv holds the three single-kind files (and 8 more tornado rows) */
  static const struct
  {
    const char *file;
    gint64      rows;
    gint64      inserted;
  } steps[] = {
    { "today.csv", 301, 301 },
    { "today_hail.csv", 160, 0 },
    { "today_wind.csv", 120, 0 },
    { "today_torn.csv", 13, 0 },
    { "today.csv", 301, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *path = shared_data ("spc-storm-reports", steps[i].file);
      g_autoptr(GError) error = NULL;
      StormImportResult r;

      g_assert_true (import (f, path, "TODAY", NULL, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpint (r.n_rows, ==, steps[i].rows);
      g_assert_cmpint (r.n_inserted, ==, steps[i].inserted);
      g_assert_cmpint (r.n_duplicates, ==, steps[i].rows - steps[i].inserted);
      g_assert_cmpint (r.storm_created, ==, i == 0);
      storm_import_result_clear (&r);
    }
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports"), ==, 301);
}

static void
test_spc_values (DbFixture     *f,
                 gconstpointer  data)
{
  g_autofree char *hail = shared_data ("spc-storm-reports", "20_hail.csv");
  g_autofree char *wind = shared_data ("spc-storm-reports", "20_wind.csv");
  g_autofree char *torn = shared_data ("spc-storm-reports", "20_torn.csv");
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  StormImportResult r;

  g_assert_true (import (f, hail, "MAY20", NULL, &r, &error));
  storm_import_result_clear (&r);
  g_assert_true (import (f, wind, "MAY20", NULL, &r, &error));
  storm_import_result_clear (&r);
  g_assert_true (import (f, torn, "MAY20", NULL, &r, &error));
  g_assert_no_error (error);
  storm_import_result_clear (&r);

  /* line 2 of 20_hail.csv: 1336,175,7 E AMSTERDAM,BATES,MO,38.35,-94.46,(EAX) */
  row = query_text (f->db, "SELECT coalesce (at, 'null') || '|' || kind || '|' || magnitude || '|' || unit || '|' || "
                           "location || '|' || county || '|' || state || '|' || lat || '|' || lon || '|' || comments "
                           "|| '|' || source || '|' || source_ref FROM storm_reports WHERE location = '7 E AMSTERDAM'");
  g_assert_cmpstr (row, ==, "null|hail|1.75|in|7 E AMSTERDAM|BATES|MO|38.35|-94.46|(EAX)|spc|20_hail.csv:2 1336Z");
  g_clear_pointer (&row, g_free);

  /* knots; UNK is no magnitude */
  row = query_text (f->db, "SELECT magnitude || ' ' || unit FROM storm_reports WHERE source_ref = '20_wind.csv:15 2020Z'");
  g_assert_cmpstr (row, ==, "60.0 kt");
  g_clear_pointer (&row, g_free);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports WHERE kind = 'wind' AND magnitude IS NULL"), ==, 110);

  /* 10 fields: the Comments commas put back */
  row = query_text (f->db, "SELECT comments FROM storm_reports WHERE source_ref = '20_torn.csv:2 1956Z'");
  g_assert_cmpstr (row, ==, "LIFTED AROUND 336 PM. ESTIMATED PATH LENGTH OF 20 MILES THRU NEWCASTLE,MOORE,AND SOUTH OKC. "
                            "PRELIMINARY DAMAGE RATING OF AT LEAST EF4. (OUN)");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports WHERE kind = 'tornado' AND magnitude IS NULL"), ==, 18);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storms WHERE code = 'MAY20' AND kind = 'mixed' "
                                     "AND start_at IS NULL"), ==, 1);
}

static void
test_raw_dates (DbFixture     *f,
                gconstpointer  data)
{
  g_autofree char *path = shared_data ("spc-storm-reports", "yesterday_raw.csv");
  StormReportFilter from_second = { .from = "2013-04-02" };
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  storm_import_result_clear (&r);
  /* "Raw Tornado LSR for 130401 12Z to 11:59Z the next day" */
  row = query_text (f->db, "SELECT at || '|' || kind || '|' || coalesce (magnitude, 'UNK') || '|' || coalesce (unit, '') "
                           "FROM storm_reports WHERE location = '9 S SILVERTON'");
  g_assert_cmpstr (row, ==, "2013-04-01T21:40:00Z|tornado|UNK|");
  g_clear_pointer (&row, g_free);
  row = query_text (f->db, "SELECT at || '|' || magnitude || '|' || unit || '|' || source_ref FROM storm_reports "
                           "WHERE location = 'SILVERTON'");
  g_assert_cmpstr (row, ==, "2013-04-01T21:41:00Z|66.0|mph|yesterday_raw.csv:7");
  g_clear_pointer (&row, g_free);
  /* before 12Z: the next calendar day */
  row = query_text (f->db, "SELECT at FROM storm_reports WHERE location = '5 NW TRUSCOTT'");
  g_assert_cmpstr (row, ==, "2013-04-02T00:24:00Z");
  g_clear_pointer (&row, g_free);
  row = query_text (f->db, "SELECT magnitude || ' ' || unit FROM storm_reports WHERE location = '2 N ESTELLINE'");
  g_assert_cmpstr (row, ==, "1.75 in");
  g_clear_pointer (&row, g_free);
  row = query_text (f->db, "SELECT kind || '|' || start_at || '|' || end_at FROM storms WHERE code = 'SPC_YESTERDAY_RAW'");
  g_assert_cmpstr (row, ==, "mixed|2013-04-01T20:42:00Z|2013-04-02T07:10:00Z");

  g_assert_true (import (f, path, "RAW_2ND", &from_second, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_inserted, ==, 13);
  g_assert_cmpint (r.n_skipped, ==, 19);
  storm_import_result_clear (&r);
}

static void
test_date_option (DbFixture     *f,
                  gconstpointer  data)
{
  g_autofree char *path = shared_data ("spc-storm-reports", "20_hail.csv");
  StormReportFilter day = { .date = "2013-05-20" };
  StormReportFilter next_day = { .date = "2013-05-20", .from = "2013-05-21", .to = "2013-05-21" };
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, "DAY", &day, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_inserted, ==, 99);
  storm_import_result_clear (&r);
  row = query_text (f->db, "SELECT at || '|' || source_ref FROM storm_reports WHERE location = '7 E AMSTERDAM'");
  g_assert_cmpstr (row, ==, "2013-05-20T13:36:00Z|20_hail.csv:2");
  g_clear_pointer (&row, g_free);
  row = query_text (f->db, "SELECT at FROM storm_reports WHERE location = '2 E ZEPHYR'");
  g_assert_cmpstr (row, ==, "2013-05-21T00:10:00Z");

  /* 28 rows before 12Z fall on the 21st */
  g_assert_true (import (f, path, "NEXT_DAY", &next_day, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_inserted, ==, 28);
  g_assert_cmpint (r.n_skipped, ==, 71);
  storm_import_result_clear (&r);
}

static void
assert_refused (DbFixture               *f,
                const char              *path,
                const StormReportFilter *filter,
                GQuark                   domain,
                int                      code,
                const char              *message)
{
  g_autofree char *before = db_digest (f->db);
  g_autofree char *after = NULL;
  g_autofree char *event = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  gint64 events = query_int (f->db, "SELECT count(*) FROM events");
  StormImportResult r;

  g_assert_false (import (f, path, NULL, filter, &r, &error));
  g_assert_error (error, domain, code);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpint (r.storm_id, ==, 0);
  storm_import_result_clear (&r);
  after = db_digest (f->db);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM events"), ==, events + 1);
  event = last_event (f->db);
  expected = g_strdup_printf ("import-reports|%s|failed|%s", path, message);
  g_assert_cmpstr (event, ==, expected);
}

static void
test_bad_filters (DbFixture     *f,
                  gconstpointer  data)
{
  g_autofree char *path = shared_data ("spc-storm-reports", "20_hail.csv");
  StormReportFilter no_day = { .from = "2013-05-20" };
  StormReportFilter state = { .state = "XX" };
  StormReportFilter date = { .from = "2013-02-30" };
  StormReportFilter range = { .from = "2013-05-21", .to = "2013-05-20" };
  StormReportFilter texas = { .state = "Texas" };
  StormImportResult r;

  assert_refused (f, path, &no_day, STORM_ERROR, STORM_ERROR_INVALID,
                  "20_hail.csv: SPC daily reports carry only the time of day; give the report date "
                  "(YYYY-MM-DD) to filter them by date");
  assert_refused (f, path, &state, STORM_ERROR, STORM_ERROR_INVALID,
                  "“XX” is not a US state; give its two-letter code, such as TX");
  assert_refused (f, path, &date, STORM_ERROR, STORM_ERROR_INVALID,
                  "“2013-02-30” is not a date; write dates as YYYY-MM-DD");
  assert_refused (f, path, &range, STORM_ERROR, STORM_ERROR_INVALID,
                  "The date range ends (2013-05-20) before it starts (2013-05-21).");

  /* a state name works as well as its code */
  g_assert_true (import (f, path, NULL, &texas, &r, NULL));
  g_assert_cmpint (r.n_inserted, ==, 20);
  storm_import_result_clear (&r);
}

static void
test_storm_events (DbFixture     *f,
                   gconstpointer  data)
{
  g_autofree char *path = shared_data ("storm-events", EVENTS_FILE);
  const char *code = "NCEI_STORMEVENTS_DETAILS_2019_TEXAS";
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  /* 539 rows; 87 of other event types (drought, floods, winter…) */
  g_assert_cmpint (r.n_rows, ==, 539);
  g_assert_cmpint (r.n_inserted, ==, 452);
  g_assert_cmpint (r.n_skipped, ==, 87);
  g_assert_cmpint (r.n_duplicates, ==, 0);
  /* zone-based High Wind and Strong Wind rows have no position */
  g_assert_cmpint (r.n_warnings, ==, 173);
  g_assert_cmpuint (r.warnings->len, ==, 173);
  g_assert_cmpstr (r.warnings->pdata[0], ==,
                   EVENTS_FILE ":19: High Wind in “EASTERN/CENTRAL EL PASO COUNTY” has no coordinates; kept without a position");
  g_assert_cmpint (r.storm_id, ==, storm_db_find_storm (f->db, code));
  storm_import_result_clear (&r);

  g_assert_cmpint (kind_count (f, code, "hail"), ==, 127);
  g_assert_cmpint (kind_count (f, code, "wind"), ==, 311);
  g_assert_cmpint (kind_count (f, code, "tornado"), ==, 14);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports WHERE lat IS NULL"), ==, 173);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports WHERE state = 'TX' AND at LIKE '2019-0_-__T__:__:00Z'"), ==, 452);

  /* 09-MAR-19 07:32:00 CST-6 */
  row = query_text (f->db, "SELECT at || '|' || kind || '|' || magnitude || '|' || unit || '|' || location || '|' || "
                           "county || '|' || lat || '|' || lon || '|' || source FROM storm_reports WHERE source_ref = '815423'");
  g_assert_cmpstr (row, ==, "2019-03-09T13:32:00Z|hail|1.5|in|CEDAR HILL|DALLAS|32.58|-96.95|ncei-storm-events");
  g_clear_pointer (&row, g_free);
  /* 08-MAR-19 12:00:00 MST-7, a zone without coordinates */
  row = query_text (f->db, "SELECT at || '|' || kind || '|' || magnitude || '|' || unit || '|' || coalesce (lat, 'null') "
                           "FROM storm_reports WHERE source_ref = '815595'");
  g_assert_cmpstr (row, ==, "2019-03-08T19:00:00Z|wind|61.0|kt|null");
  g_clear_pointer (&row, g_free);
  /* EF0; EFU and funnel clouds have no rating */
  row = query_text (f->db, "SELECT magnitude || ' ' || unit FROM storm_reports WHERE source_ref = '812924'");
  g_assert_cmpstr (row, ==, "0.0 EF");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_reports WHERE kind = 'tornado' AND magnitude IS NULL"), ==, 6);
  g_clear_pointer (&row, g_free);
  row = query_text (f->db, "SELECT kind || '|' || start_at || '|' || end_at FROM storms WHERE code = "
                           "'NCEI_STORMEVENTS_DETAILS_2019_TEXAS'");
  g_assert_cmpstr (row, ==, "mixed|2019-01-01T11:34:00Z|2019-03-31T18:50:00Z");

  /* again: all duplicates */
  g_assert_true (import (f, path, NULL, NULL, &r, &error));
  g_assert_cmpint (r.n_inserted, ==, 0);
  g_assert_cmpint (r.n_duplicates, ==, 452);
  g_assert_cmpint (r.n_warnings, ==, 0);
  storm_import_result_clear (&r);
}

static void
test_storm_events_filters (DbFixture     *f,
                           gconstpointer  data)
{
  static const struct
  {
    StormReportFilter filter;
    gint64            inserted;
    gint64            warnings;
  } cases[] = {
    { { .from = "2019-02-01", .to = "2019-02-28" }, 85, 71 },
    { { .from = "2019-03-13" }, 272, 67 },
    { { .state = "TX" }, 452, 173 },
    { { .state = "ok" }, 0, 0 },
  };
  g_autofree char *path = shared_data ("storm-events", EVENTS_FILE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *code = g_strdup_printf ("FILTER_%u", i);
      g_autoptr(GError) error = NULL;
      StormImportResult r;

      g_assert_true (import (f, path, code, &cases[i].filter, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpint (r.n_rows, ==, 539);
      g_assert_cmpint (r.n_inserted, ==, cases[i].inserted);
      g_assert_cmpint (r.n_skipped, ==, 539 - cases[i].inserted);
      g_assert_cmpint (r.n_warnings, ==, cases[i].warnings);
      storm_import_result_clear (&r);
    }
}

static void
test_header_only (DbFixture     *f,
                  gconstpointer  data)
{
  /* SPC publishes a bare header on a quiet day */
  g_autofree char *path = write_temp (f, "quiet_torn.csv", "Time,F_Scale,Location,County,State,Lat,Lon,Comments\n", -1);
  g_autoptr(GError) error = NULL;
  StormImportResult r;

  g_assert_true (import (f, path, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_rows, ==, 0);
  g_assert_true (r.storm_created);
  storm_import_result_clear (&r);
  g_assert_cmpint (storm_db_find_storm (f->db, "SPC_QUIET_TORN"), >, 0);
}

static void
test_exposure_recomputed (DbFixture     *f,
                          gconstpointer  data)
{
  g_autofree char *dallas = shared_data ("addresses", "dallas.csv");
  g_autofree char *near = write_temp (f, "near.csv",
    "Time,Size,Location,County,State,Lat,Lon,Comments\n2100,100,DOWNTOWN,DALLAS,TX,32.78,-96.80,(FWD)\n", -1);
  g_autofree char *nearer = write_temp (f, "nearer.csv",
    "Time,Size,Location,County,State,Lat,Lon,Comments\n2110,250,DEEP ELLUM,DALLAS,TX,32.7827,-96.7856,(FWD)\n", -1);
  g_autoptr(GError) error = NULL;
  StormImportResult r;

  storm_import_result_init (&r);
  g_assert_true (storm_import_properties (f->db, dallas, "EXPO", &r, NULL, NULL, &error));
  storm_import_result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties WHERE hail_distance_km IS NOT NULL"), ==, 0);

  g_assert_true (import (f, near, "EXPO", NULL, &r, &error));
  g_assert_no_error (error);
  storm_import_result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM storm_properties WHERE hail_distance_km IS NOT NULL"), ==, 34);
  g_assert_cmpfloat (query_double (f->db, "SELECT hail_max_in FROM storm_properties sp JOIN properties p "
                                          "ON p.id = sp.property_id WHERE p.name = 'Cane Rosso'"), ==, 1.0);

  /* a bigger stone right at Cane Rosso: nearest and largest move */
  g_assert_true (import (f, nearer, "EXPO", NULL, &r, &error));
  storm_import_result_clear (&r);
  g_assert_cmpfloat (query_double (f->db, "SELECT hail_max_in FROM storm_properties sp JOIN properties p "
                                          "ON p.id = sp.property_id WHERE p.name = 'Cane Rosso'"), ==, 2.5);
  g_assert_cmpint (query_int (f->db, "SELECT sp.nearest_report_id = r.id FROM storm_properties sp "
                                     "JOIN properties p ON p.id = sp.property_id, storm_reports r "
                                     "WHERE p.name = 'Cane Rosso' AND r.location = 'DEEP ELLUM'"), ==, 1);
  g_assert_cmpfloat (query_double (f->db, "SELECT hail_distance_km FROM storm_properties sp JOIN properties p "
                                          "ON p.id = sp.property_id WHERE p.name = 'Cane Rosso'"), <, 0.01);
}

static void
test_cancel (DbFixture     *f,
             gconstpointer  data)
{
  g_autofree char *path = shared_data ("storm-events", EVENTS_FILE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = db_digest (f->db);
  g_autofree char *after = NULL;
  g_autofree char *event = NULL;
  StormImportResult r;

  g_cancellable_cancel (cancellable);
  storm_import_result_init (&r);
  g_assert_false (storm_import_reports (f->db, path, NULL, NULL, &r, cancellable, NULL, &error));
  g_assert_error (error, STORM_ERROR, STORM_ERROR_CANCELLED);
  storm_import_result_clear (&r);
  after = db_digest (f->db);
  g_assert_cmpstr (before, ==, after);
  event = query_text (f->db, "SELECT status FROM events ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (event, ==, "cancelled");
}

typedef struct
{
  const char *file;
  gboolean    shared;     /* from shared/data/addresses instead of tests/data/bad */
  const char *message;
} BadCase;

static const BadCase bad_cases[] = {
  { "negative-hail.csv", FALSE, "negative-hail.csv:3: field “Size”: “-100” is negative; sizes and speeds are at least 0" },
  { "huge-hail.csv", FALSE, "huge-hail.csv:3: field “Size”: “99999” is not plausible (at most 1000)" },
  { "spc-bad-lat.csv", FALSE, "spc-bad-lat.csv:3: field “Lat”: “44.7S” is not a number" },
  { "spc-bad-time.csv", FALSE, "spc-bad-time.csv:3: field “Time”: “2561” is not a time of day (expected HHMM)" },
  { "spc-short-row.csv", FALSE, "spc-short-row.csv:3: 6 fields, but the header has 8" },
  { "spc-swapped.csv", FALSE, "spc-swapped.csv:3: fields “Lat” and “Lon”: -94.46, 38.35 look swapped (latitude must be between -90 and 90); "
                              "check which column holds which" },
  { "spc-lon-out-of-range.csv", FALSE, "spc-lon-out-of-range.csv:3: field “Lon”: “-285.66” is out of range (expected -180 to 180)" },
  /* Storm Events: real rows of the shared file, one field broken */
  { "storm-events-bad-zone.csv", FALSE, "storm-events-bad-zone.csv:3: field “CZ_TIMEZONE”: “XYZ” is not a time zone "
                                        "(expected a name and offset such as CST-6)" },
  { "storm-events-bad-time.csv", FALSE, "storm-events-bad-time.csv:3: field “BEGIN_DATE_TIME”: “07-FEB-19 26:10:00” is not a date and time "
                                        "(expected DD-MON-YY HH:MM:SS)" },
  { "storm-events-lat-out-of-range.csv", FALSE, "storm-events-lat-out-of-range.csv:3: field “BEGIN_LAT”: “133.57” is out of range (expected -90 to 90)" },
  { "storm-events-negative-magnitude.csv", FALSE, "storm-events-negative-magnitude.csv:3: field “MAGNITUDE”: “-0.88” is negative; "
                                                  "sizes and speeds are at least 0" },
  { "empty.csv", FALSE, "empty.csv: the file is empty" },
  { "dallas.csv", TRUE, "dallas.csv:1: not a NOAA storm report file: expected an SPC header (“Time,Size,…”, "
                        "“Time,Speed,…”, “Time,F_Scale,…”) or a Storm Events header (“BEGIN_YEARMONTH,…”)" },
};

static void
test_bad_input (DbFixture     *f,
                gconstpointer  data)
{
  const BadCase *bad = data;
  g_autofree char *existing = shared_data ("spc-storm-reports", "20_hail.csv");
  g_autofree char *path = bad->shared ? shared_data ("addresses", bad->file) : bad_data (bad->file);
  StormImportResult r;

  /* something to leave untouched */
  g_assert_true (import (f, existing, NULL, NULL, &r, NULL));
  storm_import_result_clear (&r);
  assert_refused (f, path, NULL, STORM_ERROR, STORM_ERROR_PARSE, bad->message);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/import-reports/" name, DbFixture, NULL, db_fixture_setup, func, db_fixture_teardown)
  ADD ("spc-files", test_spc_files);
  ADD ("spc-files-texas", test_spc_files_texas);
  ADD ("duplicates", test_duplicates);
  ADD ("spc-values", test_spc_values);
  ADD ("raw-dates", test_raw_dates);
  ADD ("date-option", test_date_option);
  ADD ("bad-filters", test_bad_filters);
  ADD ("storm-events", test_storm_events);
  ADD ("storm-events-filters", test_storm_events_filters);
  ADD ("header-only", test_header_only);
  ADD ("exposure-recomputed", test_exposure_recomputed);
  ADD ("cancel", test_cancel);
#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/import-reports/bad/%s", bad_cases[i].file);

      g_test_add (name, DbFixture, &bad_cases[i], db_fixture_setup, test_bad_input, db_fixture_teardown);
    }

  return g_test_run ();
}
