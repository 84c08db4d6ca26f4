#define G_LOG_DOMAIN "storm-packages-view"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-dash-ui.h"
#include "storm-packages-view.h"
#include "storm-record-editor.h"

/* What we sell and what we reuse: the service packages, the offer
 * ladder chosen per lead, the reusable asset log with its summary and
 * the template starters with the clients they were used for. */
struct _StormPackagesView
{
  GtkWidget   parent_instance;

  GtkStack   *stack;
  GtkLabel   *title_label;
  GtkLabel   *subtitle_label;
  GtkBox     *groups_box;

  StormStore *store;
  gulong      changed_id;
};

G_DEFINE_FINAL_TYPE (StormPackagesView, storm_packages_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define MAX_ROWS 200

static const char *
col (sqlite3_stmt *stmt,
     int           i)
{
  return (const char *) sqlite3_column_text (stmt, i);
}

static GtkWidget *
group (StormPackagesView *self,
       const char        *title,
       const char        *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->groups_box, group);
  return group;
}

static GtkWidget *
plain_row (const char *title,
           const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  return row;
}

static GtkWidget *
edit_button (const char *label,
             const char *action,
             gint64      id)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static guint
add_packages (StormPackagesView *self,
              StormDb           *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GtkWidget *packages = group (self, _("Service packages"), NULL);
  static const struct { int column; const char *title; } details[] = {
    { 2, N_("Scope") }, { 3, N_("Not included") }, { 4, N_("Ideal client") }, { 5, N_("Delivery") },
    { 7, N_("Revisions") }, { 10, N_("Custom upgrades") },
  };
  guint n = 0;

  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (packages),
                                           edit_button (_("_Add Package…"), "packages.edit", 0));
  stmt = storm_db_prepare (db,
                           "SELECT p.name, p.promise, p.scope, p.exclusions, p.ideal_client, p.delivery_steps, "
                           "  p.turnaround_days, p.revision_policy, p.price_min, p.price_max, p.custom_upgrades, "
                           "  (SELECT count (*) FROM leads l WHERE l.package_id = p.id), p.id "
                           "FROM service_packages p ORDER BY coalesce (p.price_min, 0), p.name LIMIT 200",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      GtkWidget *row = adw_expander_row_new ();
      g_autofree char *title = g_markup_escape_text (col (stmt, 0), -1);
      g_autofree char *subtitle = NULL;
      g_autofree char *leads = NULL;

      subtitle = g_markup_printf_escaped (_("%s · $%.0f–%.0f · %d days"), col (stmt, 1) ? col (stmt, 1) : "",
                                          sqlite3_column_double (stmt, 8), sqlite3_column_double (stmt, 9),
                                          sqlite3_column_int (stmt, 6));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
      for (guint i = 0; i < G_N_ELEMENTS (details); i++)
        if (col (stmt, details[i].column) != NULL)
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                                    storm_dash_ui_detail_row (_(details[i].title), col (stmt, details[i].column)));
      leads = g_strdup_printf ("%lld", (long long) sqlite3_column_int64 (stmt, 11));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), storm_dash_ui_detail_row (_("Leads on this package"), leads));
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                   edit_button (_("_Edit"), "packages.edit", sqlite3_column_int64 (stmt, 12)));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (packages), row);
      n++;
    }
  if (n == 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (packages), plain_row (_("No package yet"), NULL));
  return n;
}

static void
add_ladder (StormPackagesView *self,
            StormDb           *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GtkWidget *ladder = NULL;

  stmt = storm_db_prepare (db,
                           "SELECT coalesce (l.company, l.title), o.rung, p.name, o.why, o.upgrade_path, o.repeatability, "
                           "  (SELECT e.asking || ': ' || coalesce (e.actual_need, '') FROM expectation_snapshots e "
                           "   WHERE e.lead_id = l.id ORDER BY e.taken_at DESC LIMIT 1), "
                           "  l.id, o.id, (SELECT e.id FROM expectation_snapshots e "
                           "   WHERE e.lead_id = l.id ORDER BY e.taken_at DESC LIMIT 1) "
                           "FROM leads l LEFT JOIN offer_ladder o ON o.lead_id = l.id "
                           "LEFT JOIN service_packages p ON p.id = o.package_id "
                           "WHERE o.id IS NOT NULL OR l.stage IN ('QUALIFIED', 'PROPOSAL_SENT') "
                           "   OR EXISTS (SELECT 1 FROM expectation_snapshots e WHERE e.lead_id = l.id) "
                           "ORDER BY o.id IS NULL, l.company LIMIT 200",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *rung = col (stmt, 1);
      const char *rung_name = rung == NULL ? _("no rung chosen yet")
                              : g_str_equal (rung, "fast_cash_dfy") ? _("Fast-cash done for you")
                              : g_str_equal (rung, "productized") ? _("Productized") : _("Premium custom");
      g_autofree char *title = g_strdup_printf ("%s — %s", col (stmt, 0), rung_name);
      g_autoptr(GString) subtitle = g_string_new (col (stmt, 3) ? col (stmt, 3) : "");
      GtkWidget *row;

      if (ladder == NULL)
        ladder = group (self, _("Offer ladder and expectations"),
                        _("The rung chosen for each lead, why, the way up, and what they really need."));
      if (col (stmt, 4) != NULL)
        g_string_append_printf (subtitle, _(" · next: %s"), col (stmt, 4));
      if (col (stmt, 6) != NULL)
        g_string_append_printf (subtitle, _(" · asking %s"), col (stmt, 6));
      row = plain_row (title, subtitle->str);
      /* The target is the lead: the view finds its ladder or snapshot. */
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit_button (_("_Ladder"), "packages.edit-ladder",
                                                                    sqlite3_column_int64 (stmt, 7)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit_button (_("E_xpectations"), "packages.edit-expectation",
                                                                    sqlite3_column_int64 (stmt, 7)));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (ladder), row);
    }
}

static void
add_assets (StormPackagesView *self,
            StormDb           *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *week = NULL;
  g_autofree char *month = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) week_ago = g_date_time_add_days (now, -7);
  g_autoptr(GDateTime) month_ago = g_date_time_add_days (now, -30);
  gint64 n_week, n_month, delivered, with_asset;
  g_autoptr(GString) top = g_string_new (NULL);
  GtkWidget *assets;
  guint n = 0;

  week = g_date_time_format (week_ago, "%Y-%m-%dT%H:%M:%SZ");
  month = g_date_time_format (month_ago, "%Y-%m-%dT%H:%M:%SZ");
  stmt = storm_db_prepare (db, "SELECT count (*) FROM reusable_assets WHERE extracted = 1 AND created_at >= ?1", NULL);
  sqlite3_bind_text (stmt, 1, week, -1, SQLITE_STATIC);
  n_week = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, month, -1, SQLITE_STATIC);
  n_month = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  g_clear_pointer (&stmt, sqlite3_finalize);
  delivered = storm_db_count_rows (db, "SELECT count (*) FROM leads l JOIN lead_stages s ON s.code = l.stage "
                                       "WHERE s.kind = 'won'", 0);
  with_asset = storm_db_count_rows (db, "SELECT count (*) FROM leads l JOIN lead_stages s ON s.code = l.stage "
                                        "WHERE s.kind = 'won' AND EXISTS (SELECT 1 FROM reusable_assets a "
                                        "WHERE a.lead_id = l.id AND a.extracted = 1)", 0);
  stmt = storm_db_prepare (db, "SELECT kind, count (*) FROM reusable_assets WHERE extracted = 1 "
                               "GROUP BY kind ORDER BY count (*) DESC, kind LIMIT 3", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (top, "%s%s (%lld)", top->len ? ", " : "", col (stmt, 0),
                            (long long) sqlite3_column_int64 (stmt, 1));
  g_clear_pointer (&stmt, sqlite3_finalize);
  summary = g_strdup_printf (_("%lld this week, %lld this month · %.0f %% of won clients left an asset · top types: %s"),
                             (long long) n_week, (long long) n_month,
                             delivered > 0 ? 100.0 * with_asset / delivered : 0.0, top->len ? top->str : _("none"));
  assets = group (self, _("Reusable assets"), summary);

  stmt = storm_db_prepare (db,
                           "SELECT a.name, a.kind, a.extracted, a.not_extracted_reason, a.stored_at, a.reuse_confidence, "
                           "  a.reusability, a.can_productize, coalesce (a.project, l.company) "
                           "FROM reusable_assets a LEFT JOIN leads l ON l.id = a.lead_id "
                           "ORDER BY a.created_at DESC LIMIT 200",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *subtitle = NULL;

      if (sqlite3_column_int (stmt, 2))
        subtitle = g_strdup_printf (_("%s · %s · reuse confidence %s · reusability %d/5 · productize: %s"),
                                    col (stmt, 1), col (stmt, 4) ? col (stmt, 4) : _("not stored"),
                                    col (stmt, 5) ? col (stmt, 5) : "—", sqlite3_column_int (stmt, 6),
                                    col (stmt, 7) ? col (stmt, 7) : "—");
      else
        subtitle = g_strdup_printf (_("%s · not extracted: %s"), col (stmt, 1), col (stmt, 3));
      {
        g_autofree char *title = g_strdup_printf ("%s — %s", col (stmt, 0), col (stmt, 8) ? col (stmt, 8) : "");

        adw_preferences_group_add (ADW_PREFERENCES_GROUP (assets), plain_row (title, subtitle));
      }
      n++;
    }
  if (n == 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (assets), plain_row (_("No asset logged yet"), NULL));
}

static void
add_starters (StormPackagesView *self,
              StormDb           *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GtkWidget *starters = NULL;

  stmt = storm_db_prepare (db,
                           "SELECT t.name, t.niche, t.stack, t.status, t.results, t.reusable_modules, "
                           "  (SELECT group_concat (coalesce (l.company, l.title), ', ') FROM template_starter_leads tl "
                           "   JOIN leads l ON l.id = tl.lead_id WHERE tl.starter_id = t.id) "
                           "FROM template_starters t ORDER BY t.status = 'proven' DESC, t.status = 'tested' DESC, t.name "
                           "LIMIT 200",
                           NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *title = g_strdup_printf ("%s — %s", col (stmt, 0), col (stmt, 3));
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s · modules: %s · clients: %s"),
                                                   col (stmt, 1) ? col (stmt, 1) : "", col (stmt, 2) ? col (stmt, 2) : "",
                                                   col (stmt, 5) ? col (stmt, 5) : "—",
                                                   col (stmt, 6) ? col (stmt, 6) : _("none yet"));

      if (starters == NULL)
        starters = group (self, _("Template starters"), NULL);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (starters), plain_row (title, subtitle));
    }
}

static void
reload (StormPackagesView *self)
{
  StormDb *db;
  gint64 n;
  g_autofree char *title = NULL;

  if (!storm_dash_ui_shown_or_defer (GTK_WIDGET (self), (void (*) (gpointer)) reload))
    return;
  storm_dash_ui_clear_box (self->groups_box);
  if (self->store == NULL)
    return;
  db = storm_store_get_db (self->store);
  n = storm_db_count_rows (db, "SELECT (SELECT count (*) FROM service_packages) + (SELECT count (*) FROM reusable_assets) "
                               "+ (SELECT count (*) FROM template_starters)", 0);
  if (n <= 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  n = add_packages (self, db);
  add_ladder (self, db);
  add_assets (self, db);
  add_starters (self, db);
  title = g_strdup_printf (ngettext ("%lld package on offer", "%lld packages on offer", n), (long long) n);
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->subtitle_label, _("What we sell, what each project leaves behind to reuse, and the starters built from it."));
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
store_changed_cb (StormStore        *store,
                  const char        *table,
                  StormPackagesView *self)
{
  if (g_strv_contains (storm_dash_ui_tables (), table))
    reload (self);
}

static void
load_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  storm_dash_ui_load_demo (widget, STORM_PACKAGES_VIEW (widget)->store);
}

static void
import_json_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  storm_dash_ui_import_json (widget, STORM_PACKAGES_VIEW (widget)->store);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  storm_record_editor_open (widget, STORM_PACKAGES_VIEW (widget)->store, "package", g_variant_get_int64 (parameter), 0);
}

/* A lead's offer ladder (one per lead) or its latest expectation
 * snapshot; a new one when it has none. */
static void
edit_per_lead_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  StormPackagesView *self = STORM_PACKAGES_VIEW (widget);
  gboolean ladder = g_str_equal (action_name, "packages.edit-ladder");
  gint64 lead = g_variant_get_int64 (parameter);
  gint64 id;

  id = storm_db_count_rows (storm_store_get_db (self->store),
                            ladder ? "SELECT coalesce (max (id), 0) FROM offer_ladder WHERE lead_id = ?1"
                                   : "SELECT coalesce ((SELECT id FROM expectation_snapshots WHERE lead_id = ?1 "
                                     "ORDER BY taken_at DESC, id DESC LIMIT 1), 0)",
                            lead);
  storm_record_editor_open (widget, self->store, ladder ? "offer-ladder" : "expectation", MAX (id, 0), lead);
}

static void
storm_packages_view_dispose (GObject *object)
{
  StormPackagesView *self = STORM_PACKAGES_VIEW (object);

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_PACKAGES_VIEW);

  G_OBJECT_CLASS (storm_packages_view_parent_class)->dispose (object);
}

static void
storm_packages_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, STORM_PACKAGES_VIEW (object)->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_packages_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_STORE:
      storm_packages_view_set_store (STORM_PACKAGES_VIEW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_packages_view_class_init (StormPackagesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_packages_view_dispose;
  object_class->get_property = storm_packages_view_get_property;
  object_class->set_property = storm_packages_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STORM_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stormops/StormOps/storm-packages-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormPackagesView, stack);
  gtk_widget_class_bind_template_child (widget_class, StormPackagesView, title_label);
  gtk_widget_class_bind_template_child (widget_class, StormPackagesView, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, StormPackagesView, groups_box);
  gtk_widget_class_install_action (widget_class, "dash.import-json", NULL, import_json_action);
  gtk_widget_class_install_action (widget_class, "dash.load-demo", NULL, load_demo_action);
  gtk_widget_class_install_action (widget_class, "packages.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "packages.edit-ladder", "x", edit_per_lead_action);
  gtk_widget_class_install_action (widget_class, "packages.edit-expectation", "x", edit_per_lead_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
storm_packages_view_init (StormPackagesView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
storm_packages_view_set_store (StormPackagesView *self,
                               StormStore        *store)
{
  g_return_if_fail (STORM_IS_PACKAGES_VIEW (self));
  g_return_if_fail (store == NULL || STORM_IS_STORE (store));

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_set_object (&self->store, store);
  if (store != NULL)
    self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}
