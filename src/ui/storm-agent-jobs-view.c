#define G_LOG_DOMAIN "storm-agent-jobs-view"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-agent-jobs-view.h"
#include "storm-dash-ui.h"
#include "storm-error.h"
#include "storm-record-editor.h"
#include "storm-store-agent-jobs.h"

/* The agent jobs ledger: each job with its risk, tests, files and the
 * approval that gates its deployment. Approve records this user; Deploy
 * asks the store, which refuses without an approval. */
struct _StormAgentJobsView
{
  GtkWidget     parent_instance;

  GtkStack     *stack;
  GtkLabel     *summary_label;
  GtkDropDown  *filter_dropdown;
  GtkListBox   *list;
  GtkLabel     *filter_empty_label;
  GtkListBox   *rules_list;

  StormStore   *store;
  gulong        changed_id;
};

G_DEFINE_FINAL_TYPE (StormAgentJobsView, storm_agent_jobs_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Rows shown at most; the ledger is read newest first. */
#define MAX_JOBS 500

enum {
  FILTER_ALL,
  FILTER_WAITING,
  FILTER_HIGH,
  FILTER_FAILED,
  FILTER_DEPLOYED,
};

static const char *
col (sqlite3_stmt *stmt,
     int           i)
{
  return (const char *) sqlite3_column_text (stmt, i);
}

static GtkWidget *
detail_row (const char *title,
            const char *value,
            gboolean    monospace)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  if (monospace)
    gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static GtkWidget *
job_row (sqlite3_stmt *stmt,
         gint64        now)
{
  gint64 id = sqlite3_column_int64 (stmt, 0);
  const char *risk = col (stmt, 7);
  const char *result = col (stmt, 4);
  gboolean approved = col (stmt, 10) != NULL;
  gboolean deployed = col (stmt, 11) != NULL;
  gboolean rejected = sqlite3_column_int (stmt, 13) > 0;
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *badge = gtk_label_new (NULL);
  g_autofree char *title = g_markup_escape_text (col (stmt, 1), -1);
  g_autofree char *subtitle = NULL;
  g_autofree char *risk_text = NULL;
  g_autofree char *state_text = NULL;
  g_autofree char *tests = g_strdup_printf (_("%d passed, %d failed"), sqlite3_column_int (stmt, 5),
                                            sqlite3_column_int (stmt, 6));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  /* Translators: a change-risk level shown as a badge */
  risk_text = g_strdup_printf (_("%s risk"), g_str_equal (risk, "high") ? _("High")
                                             : g_str_equal (risk, "low") ? _("Low") : _("Medium"));
  gtk_label_set_text (GTK_LABEL (badge), risk_text);
  gtk_widget_add_css_class (badge, "risk-badge");
  gtk_widget_add_css_class (badge, g_str_equal (risk, "high") ? "risk-high" : g_str_equal (risk, "low") ? "risk-low" : "risk-medium");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (badge, 96, -1);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), badge);

  if (deployed)
    {
      g_autofree char *ago = storm_dash_ui_ago (col (stmt, 11), now);

      state_text = g_strdup_printf (_("Deployed %s"), ago);
    }
  else if (approved)
    state_text = g_strdup_printf (_("Approved by %s"), col (stmt, 9));
  else if (rejected)
    state_text = g_strdup (_("Rejected"));
  else
    state_text = g_strdup (_("Waiting for approval"));

  /* An expander row shows its actions last added first: Approve, Deploy. */
  if (!deployed)
    {
      GtkWidget *deploy = gtk_button_new_with_label (_("Deploy"));

      gtk_widget_set_valign (deploy, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (deploy), "agent-jobs.deploy");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (deploy), "x", id);
      gtk_widget_set_name (deploy, "deploy");
      gtk_widget_set_tooltip_text (deploy, _("Mark this job deployed; refused until a person approved it"));
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), deploy);
    }

  if (!approved && !rejected)
    {
      GtkWidget *approve = gtk_button_new_with_label (_("Approve"));

      gtk_widget_set_valign (approve, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (approve, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (approve), "agent-jobs.approve");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (approve), "x", id);
      gtk_widget_set_name (approve, "approve");
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), approve);
    }
  /* The state leads the subtitle: it stays readable in a narrow window. */
  subtitle = g_markup_printf_escaped ("<b>%s</b> · %s · %s · %s", state_text, col (stmt, 8) ? col (stmt, 8) : "",
                                      result ? result : _("no result yet"), tests);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), detail_row (_("Why this risk"), col (stmt, 12) ? col (stmt, 12) : "", FALSE));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), detail_row (_("Files touched"), col (stmt, 3), TRUE));
  if (col (stmt, 2) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), detail_row (_("Branch"), col (stmt, 2), TRUE));
  if (col (stmt, 14) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), detail_row (_("Build task"), col (stmt, 14), FALSE));
  if (approved)
    {
      g_autofree char *text = g_strdup_printf (_("%s, %s"), col (stmt, 9), col (stmt, 10));

      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), detail_row (_("Approved by"), text, FALSE));
    }
  if (deployed)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), detail_row (_("Deployed at"), col (stmt, 11), FALSE));
  g_object_set_data (G_OBJECT (row), "job-id", GINT_TO_POINTER ((int) id));
  return row;
}

static void
add_rules (StormAgentJobsView *self,
           StormDb            *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rules_list))) != NULL)
    gtk_list_box_remove (self->rules_list, child);
  stmt = storm_db_prepare (db, "SELECT id, position, pattern, category, level FROM risk_rules ORDER BY position", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *badge = gtk_label_new (col (stmt, 4));
      g_autofree char *title = g_strdup_printf ("%lld. %s", (long long) sqlite3_column_int64 (stmt, 1), col (stmt, 2));
      g_autofree char *level_class = g_strdup_printf ("risk-%s", col (stmt, 4));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), col (stmt, 3));
      gtk_widget_add_css_class (badge, "risk-badge");
      gtk_widget_add_css_class (badge, level_class);
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("document-edit-symbolic"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "agent-jobs.edit-rule");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", sqlite3_column_int64 (stmt, 0));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->rules_list, row);
    }
}

static void
reload (StormAgentJobsView *self)
{
  static const char * const filters[] = {
    [FILTER_ALL] = "1",
    [FILTER_WAITING] = "approved_at IS NULL AND rejected = 0",
    [FILTER_HIGH] = "risk_level = 'high'",
    [FILTER_FAILED] = "result IN ('failure', 'partial')",
    [FILTER_DEPLOYED] = "deployed_at IS NOT NULL",
  };
  guint filter = gtk_drop_down_get_selected (self->filter_dropdown);
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *summary = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 total, waiting;
  GtkWidget *child;
  StormDb *db;
  guint shown = 0;

  if (!storm_dash_ui_shown_or_defer (GTK_WIDGET (self), (void (*) (gpointer)) reload))
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  if (self->store == NULL)
    return;
  db = storm_store_get_db (self->store);
  total = storm_db_count_rows (db, "SELECT count (*) FROM agent_jobs", 0);
  if (total <= 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  waiting = storm_db_count_rows (db, "SELECT count (*) FROM agent_jobs j WHERE approved_at IS NULL AND NOT EXISTS "
                                     "(SELECT 1 FROM approvals a WHERE a.kind = 'agent_deploy' AND a.subject_id = j.id "
                                     " AND a.rejected = 1)", 0);
  summary = g_strdup_printf (ngettext ("%lld agent job, %lld waiting for approval",
                                       "%lld agent jobs, %lld waiting for approval", total),
                             (long long) total, (long long) waiting);
  gtk_label_set_text (self->summary_label, summary);

  if (filter >= G_N_ELEMENTS (filters))
    filter = FILTER_ALL;
  sql = g_strdup_printf ("SELECT id, task, branch, files_touched, result, tests_passed, tests_failed, risk_level, "
                         "  risk_category, approved_by, approved_at, deployed_at, risk_reason, "
                         "  (SELECT count (*) FROM approvals a WHERE a.kind = 'agent_deploy' AND a.subject_id = j.id "
                         "   AND a.rejected = 1) AS rejected, build_task "
                         "FROM agent_jobs j WHERE %s ORDER BY created_at DESC, id DESC LIMIT %d",
                         filters[filter], MAX_JOBS);
  stmt = storm_db_prepare (db, sql, NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gtk_list_box_append (self->list, job_row (stmt, now));
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list), shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->filter_empty_label), shown == 0);
  add_rules (self, db);
  gtk_stack_set_visible_child_name (self->stack, "jobs");
}

static void
filter_changed_cb (StormAgentJobsView *self)
{
  reload (self);
}

static void
store_changed_cb (StormStore         *store,
                  const char         *table,
                  StormAgentJobsView *self)
{
  if (g_strv_contains (storm_dash_ui_tables (), table))
    reload (self);
}

const char *
storm_agent_jobs_view_get_person (void)
{
  return storm_dash_ui_person ();
}

static void
notify_changed (StormAgentJobsView *self)
{
  storm_store_notify_changed (self->store, "approvals");
  storm_store_notify_changed (self->store, "agent_jobs");
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StormAgentJobsView *self = STORM_AGENT_JOBS_VIEW (widget);
  g_autoptr(GError) error = NULL;
  const char *person = storm_agent_jobs_view_get_person ();
  g_autofree char *message = NULL;

  if (self->store == NULL)
    return;
  if (!storm_db_approve_agent_job (storm_store_get_db (self->store), g_variant_get_int64 (parameter), person, NULL, &error))
    {
      storm_dash_ui_toast (widget, error->message);
      return;
    }
  message = g_strdup_printf (_("Approved by %s"), person);
  storm_dash_ui_toast (widget, message);
  notify_changed (self);
}

static void
deploy_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StormAgentJobsView *self = STORM_AGENT_JOBS_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!storm_db_deploy_agent_job (storm_store_get_db (self->store), g_variant_get_int64 (parameter), NULL, &error))
    {
      storm_dash_ui_toast (widget, error->message);
      return;
    }
  storm_dash_ui_toast (widget, _("Marked deployed"));
  notify_changed (self);
}

static void
load_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  storm_dash_ui_load_demo (widget, STORM_AGENT_JOBS_VIEW (widget)->store);
}

static void
import_json_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  storm_dash_ui_import_json (widget, STORM_AGENT_JOBS_VIEW (widget)->store);
}

static void
edit_rule_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  storm_record_editor_open (widget, STORM_AGENT_JOBS_VIEW (widget)->store, "risk-rule",
                            g_variant_get_int64 (parameter), 0);
}

static void
storm_agent_jobs_view_dispose (GObject *object)
{
  StormAgentJobsView *self = STORM_AGENT_JOBS_VIEW (object);

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_AGENT_JOBS_VIEW);

  G_OBJECT_CLASS (storm_agent_jobs_view_parent_class)->dispose (object);
}

static void
storm_agent_jobs_view_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  StormAgentJobsView *self = STORM_AGENT_JOBS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_agent_jobs_view_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  StormAgentJobsView *self = STORM_AGENT_JOBS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      storm_agent_jobs_view_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_agent_jobs_view_class_init (StormAgentJobsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_agent_jobs_view_dispose;
  object_class->get_property = storm_agent_jobs_view_get_property;
  object_class->set_property = storm_agent_jobs_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STORM_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stormops/StormOps/storm-agent-jobs-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormAgentJobsView, stack);
  gtk_widget_class_bind_template_child (widget_class, StormAgentJobsView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StormAgentJobsView, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StormAgentJobsView, list);
  gtk_widget_class_bind_template_child (widget_class, StormAgentJobsView, filter_empty_label);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_install_action (widget_class, "agent-jobs.approve", "x", approve_action);
  gtk_widget_class_install_action (widget_class, "agent-jobs.deploy", "x", deploy_action);
  gtk_widget_class_install_action (widget_class, "agent-jobs.edit-rule", "x", edit_rule_action);
  gtk_widget_class_bind_template_child (widget_class, StormAgentJobsView, rules_list);
  gtk_widget_class_install_action (widget_class, "dash.import-json", NULL, import_json_action);
  gtk_widget_class_install_action (widget_class, "dash.load-demo", NULL, load_demo_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
storm_agent_jobs_view_init (StormAgentJobsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StormStore *
storm_agent_jobs_view_get_store (StormAgentJobsView *self)
{
  g_return_val_if_fail (STORM_IS_AGENT_JOBS_VIEW (self), NULL);

  return self->store;
}

void
storm_agent_jobs_view_set_store (StormAgentJobsView *self,
                                 StormStore         *store)
{
  g_return_if_fail (STORM_IS_AGENT_JOBS_VIEW (self));
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
