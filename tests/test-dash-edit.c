/* Editing the dashboards' records under Xvfb: the record editor on
 * service packages, stage benchmarks, change-risk rules and a lead's
 * offer ladder, refused values that name their field and write nothing,
 * and the lead window with a client's results first. Screenshots of the
 * editor and the lead window (wide, narrow, dark) are written to the
 * working directory as test-dash-edit-*.png. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "storm-agent-jobs-view.h"
#include "storm-capture.h"
#include "storm-demo-dash.h"
#include "storm-error.h"
#include "storm-lead-window.h"
#include "storm-ops-health-view.h"
#include "storm-packages-view.h"
#include "storm-record-editor.h"
#include "storm-results-view.h"
#include "storm-sales-leak-view.h"
#include "storm-store-agent-jobs.h"
#include "storm-store-records.h"
#include "storm-store.h"

typedef struct
{
  char       *dir;
  StormStore *store;
  StormDb    *db;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("stormops-dash-edit-XXXXXX", NULL);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->store = storm_store_open (path, &error);
  g_assert_no_error (error);
  f->db = storm_store_get_db (f->store);
  g_assert_true (storm_demo_dash_generate (f->db, g_get_real_time () / G_USEC_PER_SEC, 24, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  GListModel *toplevels = gtk_window_get_toplevels ();
  const char *name;

  /* editors left open by a refusal */
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  g_clear_object (&f->store);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);

      g_remove (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
settle (void)
{
  for (int i = 0; i < 30; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
}

static char *
text_of (StormDb    *db,
         const char *sql,
         gint64      arg)
{
  g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  sqlite3_bind_int64 (stmt, 1, arg);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* Wide, narrow and dark, as a person sees the window. */
static void
screenshots (GtkWidget  *window,
             const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  static const struct { const char *suffix; int width; gboolean dark; } shots[] = {
    { "wide", 1000, FALSE }, { "narrow", 400, FALSE }, { "dark", 1000, TRUE },
  };

  gtk_window_present (GTK_WINDOW (window));
  for (guint i = 0; i < G_N_ELEMENTS (shots); i++)
    {
      g_autofree char *path = g_strdup_printf ("test-dash-edit-%s-%s.png", name, shots[i].suffix);
      g_autoptr(GError) error = NULL;

      adw_style_manager_set_color_scheme (style, shots[i].dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_DEFAULT);
      gtk_window_set_default_size (GTK_WINDOW (window), shots[i].width, 760);
      settle ();
      g_assert_true (storm_capture_widget_png (window, path, &error));
      g_assert_no_error (error);
      g_test_message ("screenshot: %s", path);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* The end of a long window: its last sections, as seen after scrolling. */
static void
screenshot_end (GtkWidget  *window,
                GtkWidget  *inside,
                const char *name)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (inside, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_autofree char *path = g_strdup_printf ("test-dash-edit-%s-end.png", name);
  g_autoptr(GError) error = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  settle ();
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  settle ();
  g_assert_true (storm_capture_widget_png (window, path, &error));
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);
}

static gint64
first_package (Fixture *f)
{
  return storm_db_count_rows (f->db, "SELECT min (id) FROM service_packages", 0);
}

static void
test_package (Fixture       *f,
              gconstpointer  data)
{
  gint64 id = first_package (f);
  g_autoptr(StormRecordEditor) editor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *price = NULL;
  g_autofree char *promise = NULL;
  gint64 n_packages = storm_db_count_rows (f->db, "SELECT count (*) FROM service_packages", 0);
  gint64 added;
  GtkWidget *dialog = NULL;
  GListModel *toplevels = NULL;

  /* the editor shows what the store holds */
  editor = g_object_ref_sink (storm_record_editor_new (f->store, "package", id, 0));
  name = storm_record_editor_get_value (editor, "name");
  {
    g_autofree char *stored_name = text_of (f->db, "SELECT name FROM service_packages WHERE id = ?1", id);

    g_assert_cmpstr (name, ==, stored_name);
  }
  g_clear_pointer (&name, g_free);
  screenshots (GTK_WIDGET (editor), "package");

  /* Save writes each kind of field, read back from the store */
  storm_record_editor_set_value (editor, "name", "Storm Rescue Plus");
  storm_record_editor_set_value (editor, "promise", "Roof dried in within 48 h\nor the next visit is free");
  storm_record_editor_set_value (editor, "price_max", "$14,500");
  storm_record_editor_set_value (editor, "turnaround_days", "9");
  g_assert_true (storm_record_editor_save (editor, &error));
  g_assert_no_error (error);
  name = text_of (f->db, "SELECT name FROM service_packages WHERE id = ?1", id);
  price = text_of (f->db, "SELECT price_max FROM service_packages WHERE id = ?1", id);
  promise = text_of (f->db, "SELECT promise FROM service_packages WHERE id = ?1", id);
  g_assert_cmpstr (name, ==, "Storm Rescue Plus");
  g_assert_cmpstr (price, ==, "14500.0");
  g_assert_cmpstr (promise, ==, "Roof dried in within 48 h\nor the next visit is free");
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT turnaround_days FROM service_packages WHERE id = ?1", id), ==, 9);
  g_clear_object (&editor);

  /* a new package */
  editor = g_object_ref_sink (storm_record_editor_new (f->store, "package", 0, 0));
  storm_record_editor_set_value (editor, "name", "Gutter Guard Express");
  storm_record_editor_set_value (editor, "price_min", "400");
  storm_record_editor_set_value (editor, "price_max", "900");
  g_assert_true (storm_record_editor_save (editor, &error));
  g_assert_no_error (error);
  added = storm_record_editor_get_id (editor);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM service_packages", 0), ==, n_packages + 1);
  g_clear_object (&editor);

  /* Delete asks first; confirmed, the package is gone */
  editor = g_object_ref_sink (storm_record_editor_new (f->store, "package", added, 0));
  gtk_window_present (GTK_WINDOW (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.delete", NULL));
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM service_packages", 0), ==, n_packages + 1);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        dialog = GTK_WIDGET (window);
    }
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM service_packages", 0), ==, n_packages);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  gint64 id = first_package (f);
  g_autoptr(StormRecordEditor) editor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  static const struct { const char *column; const char *text; const char *message; } bad[] = {
    { "price_min", "about 500", "Lowest price: enter an amount of 0 or more, like 1200 or 1200.50." },
    { "turnaround_days", "0", "Turnaround (days): enter a whole number from 1 to 365." },
    { "price_max", "1", "Highest price: it is below the lowest price." },
    { "name", "  ", "Name: fill this in." },
  };

  before = text_of (f->db, "SELECT name || price_min || price_max || turnaround_days FROM service_packages WHERE id = ?1", id);
  editor = g_object_ref_sink (storm_record_editor_new (f->store, "package", id, 0));
  gtk_window_present (GTK_WINDOW (editor));
  storm_record_editor_set_value (editor, "name", "Changed name");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *good = storm_record_editor_get_value (editor, bad[i].column);

      storm_record_editor_set_value (editor, bad[i].column, bad[i].text);
      g_assert_false (storm_record_editor_save (editor, &error));
      g_assert_error (error, STORM_ERROR, STORM_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, bad[i].message);
      g_assert_cmpstr (storm_record_editor_get_message (editor), ==, bad[i].message);
      g_clear_error (&error);
      /* nothing written, the window stays open with the message */
      after = text_of (f->db, "SELECT name || price_min || price_max || turnaround_days FROM service_packages WHERE id = ?1", id);
      g_assert_cmpstr (after, ==, before);
      g_clear_pointer (&after, g_free);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));
      if (i == 0)
        screenshots (GTK_WIDGET (editor), "refused");
      storm_record_editor_set_value (editor, bad[i].column, good);
    }

  /* the same checks hold without the editor: a percentage over 100 */
  {
    const StormRecordKind *kind = storm_record_kind_lookup ("stage-benchmark");
    g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
    gint64 stage = storm_db_count_rows (f->db, "SELECT rowid FROM lead_stages WHERE code = 'PROPOSAL_SENT'", 0);
    const char *column = NULL;

    g_hash_table_insert (values, "name", "Proposal sent");
    g_hash_table_insert (values, "benchmark_conversion", "135");
    g_assert_cmpint (storm_db_save_record (f->db, kind, stage, 0, values, &column, &error), ==, 0);
    g_assert_cmpstr (error->message, ==, "Conversion to next stage (%): enter a percentage from 0 to 100.");
    g_assert_cmpstr (column, ==, "benchmark_conversion");
    g_clear_error (&error);
  }
}

static void
test_benchmark (Fixture       *f,
                gconstpointer  data)
{
  gint64 stage = storm_db_count_rows (f->db, "SELECT rowid FROM lead_stages WHERE code = 'PROPOSAL_SENT'", 0);
  g_autoptr(StormRecordEditor) editor = g_object_ref_sink (storm_record_editor_new (f->store, "stage-benchmark", stage, 0));
  g_autoptr(GError) error = NULL;
  g_autofree char *conversion = storm_record_editor_get_value (editor, "benchmark_conversion");
  g_autofree char *stored = NULL;

  /* stored 0.35, shown as a percentage */
  g_assert_cmpstr (conversion, ==, "35");
  storm_record_editor_set_value (editor, "benchmark_conversion", "50 %");
  storm_record_editor_set_value (editor, "benchmark_days", "4.5");
  g_assert_true (storm_record_editor_save (editor, &error));
  g_assert_no_error (error);
  stored = text_of (f->db, "SELECT benchmark_conversion || ' ' || benchmark_days FROM lead_stages WHERE code = 'PROPOSAL_SENT'", 0);
  g_assert_cmpstr (stored, ==, "0.5 4.5");
}

static void
test_risk_rule (Fixture       *f,
                gconstpointer  data)
{
  const char *ui_files[] = { "src/ui/storm-window.ui", NULL };
  const char *doc_files[] = { "docs/guide.md", NULL };
  StormAgentJobSpec spec = { .task = "Restyle the window", .files = ui_files };
  gint64 rule = storm_db_count_rows (f->db, "SELECT id FROM risk_rules WHERE pattern = '*.ui'", 0);
  g_autoptr(StormRecordEditor) editor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *risk = NULL;
  gint64 job;

  job = storm_db_add_agent_job (f->db, &spec, &error);
  g_assert_no_error (error);
  risk = text_of (f->db, "SELECT risk_level || ' ' || risk_category FROM agent_jobs WHERE id = ?1", job);
  g_assert_cmpstr (risk, ==, "low ui-only");
  g_clear_pointer (&risk, g_free);

  /* a person decides UI files are riskier here */
  editor = g_object_ref_sink (storm_record_editor_new (f->store, "risk-rule", rule, 0));
  screenshots (GTK_WIDGET (editor), "risk-rule");
  storm_record_editor_set_value (editor, "level", "high");
  storm_record_editor_set_value (editor, "category", "ui-reviewed");
  g_assert_true (storm_record_editor_save (editor, &error));
  g_assert_no_error (error);
  g_clear_object (&editor);

  /* the job already recorded keeps its classification, a new one takes the rule */
  risk = text_of (f->db, "SELECT risk_level || ' ' || risk_category FROM agent_jobs WHERE id = ?1", job);
  g_assert_cmpstr (risk, ==, "low ui-only");
  g_clear_pointer (&risk, g_free);
  job = storm_db_add_agent_job (f->db, &spec, &error);
  g_assert_no_error (error);
  risk = text_of (f->db, "SELECT risk_level || ' ' || risk_category || ' ' || risk_reason FROM agent_jobs WHERE id = ?1", job);
  g_assert_cmpstr (risk, ==, "high ui-reviewed src/ui/storm-window.ui matches *.ui");
  g_clear_pointer (&risk, g_free);

  /* a rule added at position 1 goes first: the rest move down, none lost */
  editor = g_object_ref_sink (storm_record_editor_new (f->store, "risk-rule", 0, 0));
  storm_record_editor_set_value (editor, "position", "1");
  storm_record_editor_set_value (editor, "pattern", "docs/*");
  storm_record_editor_set_value (editor, "category", "docs-site");
  storm_record_editor_set_value (editor, "level", "medium");
  g_assert_true (storm_record_editor_save (editor, &error));
  g_assert_no_error (error);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM risk_rules", 0), ==, 12);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT position FROM risk_rules WHERE pattern = '*/auth/*'", 0), ==, 2);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT max (position) FROM risk_rules", 0), ==, 12);
  spec.files = doc_files;
  job = storm_db_add_agent_job (f->db, &spec, &error);
  g_assert_no_error (error);
  risk = text_of (f->db, "SELECT risk_level || ' ' || risk_category FROM agent_jobs WHERE id = ?1", job);
  g_assert_cmpstr (risk, ==, "medium docs-site");
}

static void
test_offer_ladder (Fixture       *f,
                   gconstpointer  data)
{
  gint64 lead = storm_db_count_rows (f->db, "SELECT min (id) FROM leads WHERE stage = 'QUALIFIED' AND id NOT IN "
                                            "(SELECT lead_id FROM offer_ladder)", 0);
  g_autoptr(StormRecordEditor) editor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *package = g_strdup_printf ("%lld", (long long) first_package (f));

  g_assert_cmpint (lead, >, 0);
  editor = g_object_ref_sink (storm_record_editor_new (f->store, "offer-ladder", 0, lead));
  storm_record_editor_set_value (editor, "rung", "productized");
  storm_record_editor_set_value (editor, "package_id", package);
  storm_record_editor_set_value (editor, "repeatability", "6");
  g_assert_false (storm_record_editor_save (editor, &error));
  g_assert_cmpstr (error->message, ==, "Repeatability (1–5): enter a whole number from 1 to 5.");
  g_clear_error (&error);
  storm_record_editor_set_value (editor, "repeatability", "4");
  g_assert_true (storm_record_editor_save (editor, &error));
  g_assert_no_error (error);
  stored = text_of (f->db, "SELECT rung || ' ' || package_id || ' ' || repeatability FROM offer_ladder WHERE lead_id = ?1", lead);
  g_assert_true (g_str_has_prefix (stored, "productized "));
  g_assert_true (g_str_has_suffix (stored, " 4"));
  g_clear_object (&editor);

  /* a new expectation snapshot for the same lead */
  editor = g_object_ref_sink (storm_record_editor_new (f->store, "expectation", 0, lead));
  storm_record_editor_set_value (editor, "asking", "over");
  storm_record_editor_set_value (editor, "taken_at", "2026-11-30");
  storm_record_editor_set_value (editor, "actual_need", "A dry roof before the next hail week");
  g_assert_true (storm_record_editor_save (editor, &error));
  g_assert_no_error (error);
  g_clear_pointer (&stored, g_free);
  stored = text_of (f->db, "SELECT taken_at || ' ' || asking FROM expectation_snapshots WHERE lead_id = ?1 "
                           "ORDER BY id DESC LIMIT 1", lead);
  g_assert_cmpstr (stored, ==, "2026-11-30T00:00:00Z over");
}

static const char *
group_title (GtkWidget *box,
             guint      index)
{
  GtkWidget *child = gtk_widget_get_first_child (box);

  for (guint i = 0; i < index && child != NULL; i++)
    child = gtk_widget_get_next_sibling (child);
  g_assert_true (ADW_IS_PREFERENCES_GROUP (child));
  return adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (child));
}

static AdwComboRow *
find_combo (GtkWidget *widget)
{
  if (ADW_IS_COMBO_ROW (widget))
    return ADW_COMBO_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      AdwComboRow *found = find_combo (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_lead_window (Fixture       *f,
                  gconstpointer  data)
{
  gint64 building = storm_db_count_rows (f->db, "SELECT min (l.id) FROM leads l JOIN client_results r ON r.lead_id = l.id "
                                                "WHERE l.stage = 'BUILDING'", 0);
  gint64 fresh = storm_db_count_rows (f->db, "SELECT min (id) FROM leads WHERE stage = 'NEW'", 0);
  gint64 result = storm_db_count_rows (f->db, "SELECT id FROM client_results WHERE lead_id = ?1", building);
  gint64 history = storm_db_count_rows (f->db, "SELECT count (*) FROM lead_stage_history WHERE lead_id = ?1", building);
  g_autoptr(StormLeadWindow) window = NULL;
  g_autoptr(StormRecordEditor) editor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *current = NULL;
  GtkWidget *box;

  g_assert_cmpint (building, >, 0);
  g_assert_cmpint (fresh, >, 0);

  /* a client we build for: results first, then the lead */
  window = g_object_ref_sink (storm_lead_window_new (f->store, building));
  box = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), STORM_TYPE_LEAD_WINDOW, "groups_box"));
  g_assert_cmpstr (group_title (box, 0), ==, "Client results");
  g_assert_cmpstr (group_title (box, 1), ==, "Lead");
  g_assert_cmpstr (group_title (box, 2), ==, "Stage");
  g_assert_cmpstr (group_title (box, 3), ==, "Touches");
  g_assert_cmpstr (group_title (box, 4), ==, "Proposals");
  screenshots (GTK_WIDGET (window), "lead-building");
  screenshot_end (GTK_WIDGET (window), box, "lead-building");

  /* an entry added through the editor becomes the current result, and the window follows */
  editor = g_object_ref_sink (storm_record_editor_new (f->store, "result-entry", 0, result));
  storm_record_editor_set_value (editor, "value", "47.5");
  storm_record_editor_set_value (editor, "note", "After the second crew week");
  storm_record_editor_set_value (editor, "at", "2099-01-01");
  g_assert_true (storm_record_editor_save (editor, &error));
  g_assert_no_error (error);
  current = text_of (f->db, "SELECT current FROM client_results WHERE id = ?1", result);
  g_assert_cmpstr (current, ==, "47.5");
  g_assert_cmpstr (group_title (box, 0), ==, "Client results");

  /* a stage change goes through the store: recorded in the history with this user */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "lead.set-stage", "s", "SHIPPED"));
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM lead_stage_history WHERE lead_id = ?1", building),
                   ==, history + 1);
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM lead_stage_history WHERE lead_id = ?1 "
                                               "AND to_stage = 'SHIPPED' AND actor IS NOT NULL", building), ==, 1);
  /* the stage row does the same: back to BUILDING, one more history row */
  settle ();
  {
    GtkWidget *stage_group = gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (gtk_widget_get_first_child (box)));
    AdwComboRow *combo = find_combo (stage_group);

    g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (stage_group)), ==, "Stage");
    g_assert_nonnull (combo);
    /* SHIPPED is the seventh stage */
    g_assert_cmpuint (adw_combo_row_get_selected (combo), ==, 6);
    adw_combo_row_set_selected (combo, 5);
    settle ();
    g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM lead_stage_history WHERE lead_id = ?1", building),
                     ==, history + 2);
    g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM leads WHERE id = ?1 AND stage = 'BUILDING'",
                                         building), ==, 1);
  }

  /* an unknown stage is refused, nothing written */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "lead.set-stage", "s", "WON"));
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM lead_stage_history WHERE lead_id = ?1", building),
                   ==, history + 2);

  /* Log Touch */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "lead.add-touch", NULL));
  g_assert_cmpint (storm_db_count_rows (f->db, "SELECT count (*) FROM lead_touches WHERE lead_id = ?1 AND channel = 'call' "
                                               "AND at >= strftime ('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 minute')", building),
                   ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);

  /* a new lead: its fields first, no results section */
  window = g_object_ref_sink (storm_lead_window_new (f->store, fresh));
  box = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), STORM_TYPE_LEAD_WINDOW, "groups_box"));
  g_assert_cmpstr (group_title (box, 0), ==, "Lead");
  g_assert_cmpstr (group_title (box, 1), ==, "Stage");
  screenshots (GTK_WIDGET (window), "lead-new");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

static guint
count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    n++;
  return n;
}

/* The views open the editor and the lead window on their own rows. */
static void
test_from_views (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  StormAgentJobsView *jobs = g_object_new (STORM_TYPE_AGENT_JOBS_VIEW, "vexpand", TRUE, NULL);
  StormPackagesView *packages = g_object_new (STORM_TYPE_PACKAGES_VIEW, "vexpand", TRUE, NULL);
  StormResultsView *results = g_object_new (STORM_TYPE_RESULTS_VIEW, "vexpand", TRUE, NULL);
  StormOpsHealthView *health = g_object_new (STORM_TYPE_OPS_HEALTH_VIEW, NULL);
  StormSalesLeakView *leak = g_object_new (STORM_TYPE_SALES_LEAK_VIEW, NULL);
  GtkWidget *rules = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (jobs), STORM_TYPE_AGENT_JOBS_VIEW, "rules_list"));
  StormRecordEditor *editor;
  StormLeadWindow *lead;
  g_autofree char *name = NULL;
  gint64 package = first_package (f);
  gint64 client = storm_db_count_rows (f->db, "SELECT min (id) FROM leads WHERE stage = 'SHIPPED'", 0);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (jobs));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (packages));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (results));
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 2000);
  gtk_window_present (GTK_WINDOW (window));
  storm_agent_jobs_view_set_store (jobs, f->store);
  storm_packages_view_set_store (packages, f->store);
  storm_results_view_set_store (results, f->store);
  g_object_ref_sink (health);
  g_object_ref_sink (leak);
  storm_ops_health_view_set_store (health, f->store);
  storm_sales_leak_view_set_store (leak, f->store);
  settle ();

  /* Agent jobs lists the rules; Add Rule opens an empty editor, Save shows the rule */
  g_assert_cmpuint (count_children (rules), ==, 11);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (jobs), "agent-jobs.edit-rule", "x", (gint64) 0));
  editor = find_toplevel (STORM_TYPE_RECORD_EDITOR);
  g_assert_nonnull (editor);
  g_assert_cmpint (storm_record_editor_get_id (editor), ==, 0);
  storm_record_editor_set_value (editor, "position", "20");
  storm_record_editor_set_value (editor, "pattern", "*/crm/*");
  storm_record_editor_set_value (editor, "category", "client-data");
  storm_record_editor_set_value (editor, "level", "high");
  g_assert_true (storm_record_editor_save (editor, NULL));
  settle ();
  g_assert_null (find_toplevel (STORM_TYPE_RECORD_EDITOR));
  g_assert_cmpuint (count_children (rules), ==, 12);

  /* Packages: Edit opens that package */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (packages), "packages.edit", "x", package));
  editor = find_toplevel (STORM_TYPE_RECORD_EDITOR);
  g_assert_nonnull (editor);
  name = storm_record_editor_get_value (editor, "name");
  {
    g_autofree char *stored_name = text_of (f->db, "SELECT name FROM service_packages WHERE id = ?1", package);

    g_assert_cmpstr (name, ==, stored_name);
  }
  gtk_window_destroy (GTK_WINDOW (editor));

  /* Results ledger: a client row opens the lead */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results), "results.open-lead", "x", client));
  lead = find_toplevel (STORM_TYPE_LEAD_WINDOW);
  g_assert_nonnull (lead);
  g_assert_cmpint (storm_lead_window_get_lead (lead), ==, client);
  gtk_window_destroy (GTK_WINDOW (lead));

  /* Ops health: a stale lead's link opens the lead itself */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (health), "ops.open-target", "s", "sales-leak:lead:3"));
  lead = find_toplevel (STORM_TYPE_LEAD_WINDOW);
  g_assert_nonnull (lead);
  g_assert_cmpint (storm_lead_window_get_lead (lead), ==, 3);
  gtk_window_destroy (GTK_WINDOW (lead));

  /* Sales leak: a stuck lead opens; a stage's edit button opens its benchmarks */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (leak), "leak.open-lead", "x", (gint64) 11));
  lead = find_toplevel (STORM_TYPE_LEAD_WINDOW);
  g_assert_nonnull (lead);
  g_assert_cmpint (storm_lead_window_get_lead (lead), ==, 11);
  gtk_window_destroy (GTK_WINDOW (lead));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (leak), "leak.edit-benchmark", "s", "PROPOSAL_SENT"));
  editor = find_toplevel (STORM_TYPE_RECORD_EDITOR);
  g_assert_nonnull (editor);
  g_clear_pointer (&name, g_free);
  name = storm_record_editor_get_value (editor, "name");
  g_assert_cmpstr (name, ==, "Proposal sent");
  gtk_window_destroy (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (health);
  g_object_unref (leak);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkCssProvider) css = NULL;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/stormops/StormOps/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add ("/dash-edit/package", Fixture, NULL, fixture_setup, test_package, fixture_teardown);
  g_test_add ("/dash-edit/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/dash-edit/benchmark", Fixture, NULL, fixture_setup, test_benchmark, fixture_teardown);
  g_test_add ("/dash-edit/risk-rule", Fixture, NULL, fixture_setup, test_risk_rule, fixture_teardown);
  g_test_add ("/dash-edit/offer-ladder", Fixture, NULL, fixture_setup, test_offer_ladder, fixture_teardown);
  g_test_add ("/dash-edit/lead-window", Fixture, NULL, fixture_setup, test_lead_window, fixture_teardown);
  g_test_add ("/dash-edit/from-views", Fixture, NULL, fixture_setup, test_from_views, fixture_teardown);

  return g_test_run ();
}
