#define G_LOG_DOMAIN "storm-lead-window"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-dash-ui.h"
#include "storm-lead-window.h"
#include "storm-record-editor.h"
#include "storm-store-leads.h"

struct _StormLeadWindow
{
  AdwWindow    parent_instance;

  AdwWindowTitle *window_title;
  GtkBox         *groups_box;

  StormStore  *store;
  gulong       changed_id;
  guint        reload_id;
  gint64       lead_id;
  gint64       result_id;
  GStrv        stages;
  GtkWidget   *channel_row;
  GtkWidget   *note_row;
  gboolean     filling;
};

G_DEFINE_FINAL_TYPE (StormLeadWindow, storm_lead_window, ADW_TYPE_WINDOW)

static const char * const channels[] = { "call", "email", "sms", "meeting", "message", "other", NULL };

static const char *
col (sqlite3_stmt *stmt,
     int           i)
{
  return (const char *) sqlite3_column_text (stmt, i);
}

static GtkWidget *
group (StormLeadWindow *self,
       const char      *title,
       const char      *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->groups_box, group);
  return group;
}

static void
header_button (GtkWidget  *group,
               const char *label,
               const char *action,
               gboolean    enabled)
{
  GtkWidget *box = adw_preferences_group_get_header_suffix (ADW_PREFERENCES_GROUP (group));
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  if (box == NULL)
    {
      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_widget_set_valign (box, GTK_ALIGN_END);
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), box);
    }
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_sensitive (button, enabled);
  gtk_widget_add_css_class (button, "flat");
  gtk_box_append (GTK_BOX (box), button);
}

static void
detail (GtkWidget  *group,
        const char *title,
        const char *value)
{
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             storm_dash_ui_detail_row (title, value != NULL && *value != '\0' ? value : "—"));
}

static char *
number_text (sqlite3_stmt *stmt,
             int           i,
             const char   *unit)
{
  if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
    return g_strdup ("—");
  return g_strdup_printf ("%.4g%s%s", sqlite3_column_double (stmt, i), unit ? " " : "", unit ? unit : "");
}

/* The headline: how far from baseline to goal, as a bar. */
static void
progress_row (GtkWidget    *group,
              sqlite3_stmt *stmt,
              const char   *current,
              const char   *delta)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
  double baseline = sqlite3_column_double (stmt, 4);
  double goal = sqlite3_column_double (stmt, 5);
  double now = sqlite3_column_double (stmt, 6);
  double progress = goal != baseline ? CLAMP ((now - baseline) / (goal - baseline), 0, 1) : 0;
  g_autofree char *title = g_strdup_printf (_("%.0f %% of the way to the goal"), 100 * progress);
  g_autofree char *subtitle = g_strdup_printf (_("Now %s (%s from the baseline)"), current, delta ? delta : "—");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), progress);
  gtk_widget_set_size_request (bar, 120, 10);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* Results first: what the client gets, as evidence. */
static void
add_results (StormLeadWindow *self,
             StormDb         *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GtkWidget *results = group (self, _("Client results"), _("What this client gets from the work, with the evidence."));

  stmt = storm_db_prepare (db,
                           "SELECT id, target, metric, unit, baseline, goal, current, current - baseline, interventions, "
                           "  what_worked, what_failed, proof, confidence, next_action, "
                           "  (SELECT count (*) FROM client_result_entries e WHERE e.result_id = r.id) "
                           "FROM client_results r WHERE lead_id = ?1",
                           NULL);
  sqlite3_bind_int64 (stmt, 1, self->lead_id);
  self->result_id = 0;
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      /* a copy: the entries below are read after this statement is finalized */
      g_autofree char *unit = g_strdup (col (stmt, 3));
      g_autofree char *baseline = number_text (stmt, 4, unit);
      g_autofree char *goal = number_text (stmt, 5, unit);
      g_autofree char *current = number_text (stmt, 6, unit);
      g_autofree char *delta = NULL;
      g_autofree char *target = NULL;

      self->result_id = sqlite3_column_int64 (stmt, 0);
      if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
        delta = g_strdup_printf ("%+.4g%s%s", sqlite3_column_double (stmt, 7), unit ? " " : "", unit ? unit : "");
      target = g_strdup (col (stmt, 1) ? col (stmt, 1) : col (stmt, 2));
      detail (results, _("Target"), target);
      progress_row (results, stmt, current, delta);
      detail (results, _("Baseline"), baseline);
      detail (results, _("Goal"), goal);
      detail (results, _("Current"), current);
      detail (results, _("Delta"), delta);
      detail (results, _("Interventions"), col (stmt, 8));
      detail (results, _("What worked"), col (stmt, 9));
      detail (results, _("What failed"), col (stmt, 10));
      detail (results, _("Proof"), col (stmt, 11));
      detail (results, _("Confidence"), col (stmt, 12));
      detail (results, _("Next action"), col (stmt, 13));
      g_clear_pointer (&stmt, sqlite3_finalize);

      stmt = storm_db_prepare (db, "SELECT at, value, note FROM client_result_entries WHERE result_id = ?1 "
                                   "ORDER BY at DESC LIMIT 12", NULL);
      sqlite3_bind_int64 (stmt, 1, self->result_id);
      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autofree char *title = g_strdup_printf (_("Entry %.10s"), col (stmt, 0));
          g_autofree char *value = g_strdup_printf ("%.4g%s%s%s%s", sqlite3_column_double (stmt, 1), unit ? " " : "",
                                                    unit ? unit : "", col (stmt, 2) ? " — " : "",
                                                    col (stmt, 2) ? col (stmt, 2) : "");

          detail (results, title, value);
        }
    }
  else
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (results),
                               storm_dash_ui_detail_row (_("No result recorded yet"),
                                                         _("Set a target and a baseline to measure against.")));
  header_button (results, self->result_id ? _("_Edit") : _("_Set Target…"), "lead.edit-result", TRUE);
  header_button (results, _("Add _Entry…"), "lead.add-entry", self->result_id != 0);
}

static gboolean
add_fields (StormLeadWindow *self,
            StormDb         *db,
            char           **stage,
            gboolean        *won)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *value = NULL;
  GtkWidget *lead;

  stmt = storm_db_prepare (db,
                           "SELECT l.title, l.company, l.contact, l.source, l.stage, l.value, l.offer_type, p.name, l.owner, "
                           "  l.created_at, l.last_contact_at, s.kind = 'won', s.name, l.stage_entered_at "
                           "FROM leads l JOIN lead_stages s ON s.code = l.stage "
                           "LEFT JOIN service_packages p ON p.id = l.package_id WHERE l.id = ?1",
                           NULL);
  sqlite3_bind_int64 (stmt, 1, self->lead_id);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  *stage = g_strdup (col (stmt, 4));
  *won = sqlite3_column_int (stmt, 11);
  adw_window_title_set_title (self->window_title, col (stmt, 0));
  {
    g_autofree char *subtitle = g_strdup_printf ("%s%s%s", col (stmt, 1) ? col (stmt, 1) : "", col (stmt, 1) ? " · " : "",
                                                 col (stmt, 12));

    adw_window_title_set_subtitle (self->window_title, subtitle);
  }
  gtk_window_set_title (GTK_WINDOW (self), col (stmt, 0));

  lead = group (self, _("Lead"), NULL);
  if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
    value = g_strdup_printf ("$%.0f", sqlite3_column_double (stmt, 5));
  detail (lead, _("Title"), col (stmt, 0));
  detail (lead, _("Company"), col (stmt, 1));
  detail (lead, _("Contact"), col (stmt, 2));
  detail (lead, _("Source"), col (stmt, 3));
  detail (lead, _("Value"), value);
  detail (lead, _("Offer type"), col (stmt, 6));
  detail (lead, _("Package"), col (stmt, 7));
  detail (lead, _("Owner"), col (stmt, 8));
  detail (lead, _("Created"), col (stmt, 9));
  detail (lead, _("Last contact"), col (stmt, 10));
  header_button (lead, _("_Edit"), "lead.edit", TRUE);
  return TRUE;
}

static void
stage_selected_cb (AdwComboRow     *row,
                   GParamSpec      *pspec,
                   StormLeadWindow *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->filling || self->stages == NULL || selected >= g_strv_length (self->stages))
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "lead.set-stage", "s", self->stages[selected]);
}

static void
add_stage (StormLeadWindow *self,
           StormDb         *db,
           const char      *stage)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *stages = group (self, _("Stage"), _("A change is recorded in the stage history with who made it."));
  GtkWidget *row = adw_combo_row_new ();

  g_clear_pointer (&self->stages, g_strfreev);
  self->stages = storm_db_list_lead_stages (db, NULL);
  stmt = storm_db_prepare (db, "SELECT name FROM lead_stages ORDER BY position", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    gtk_string_list_append (names, col (stmt, 0));
  g_clear_pointer (&stmt, sqlite3_finalize);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Current stage"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
  self->filling = TRUE;
  for (guint i = 0; self->stages != NULL && self->stages[i] != NULL; i++)
    if (g_strcmp0 (self->stages[i], stage) == 0)
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
  self->filling = FALSE;
  g_signal_connect (row, "notify::selected", G_CALLBACK (stage_selected_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (stages), row);

  stmt = storm_db_prepare (db, "SELECT replace (substr (h.at, 1, 16), 'T', ' '), coalesce (f.name, '—'), "
                               "  coalesce (t.name, h.to_stage), h.actor "
                               "FROM lead_stage_history h LEFT JOIN lead_stages f ON f.code = h.from_stage "
                               "LEFT JOIN lead_stages t ON t.code = h.to_stage "
                               "WHERE h.lead_id = ?1 ORDER BY h.at DESC, h.id DESC LIMIT 50", NULL);
  sqlite3_bind_int64 (stmt, 1, self->lead_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *title = g_strdup_printf ("%s → %s", col (stmt, 1), col (stmt, 2));
      g_autofree char *when = g_strdup_printf ("%s%s%s", col (stmt, 0), col (stmt, 3) ? " · " : "",
                                               col (stmt, 3) ? col (stmt, 3) : "");

      detail (stages, title, when);
    }
}

static void
add_touches (StormLeadWindow *self,
             StormDb         *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *touches = group (self, _("Touches"), NULL);
  const char *channel_labels[] = { _("Call"), _("Email"), _("SMS"), _("Meeting"), _("Message"), _("Other") };

  for (guint i = 0; i < G_N_ELEMENTS (channel_labels); i++)
    gtk_string_list_append (labels, channel_labels[i]);
  self->channel_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->channel_row), _("Channel"));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->channel_row), G_LIST_MODEL (labels));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (touches), self->channel_row);
  self->note_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->note_row), _("Note"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (touches), self->note_row);
  header_button (touches, _("_Log Touch"), "lead.add-touch", TRUE);

  stmt = storm_db_prepare (db, "SELECT at, channel, note FROM lead_touches WHERE lead_id = ?1 ORDER BY at DESC LIMIT 50",
                           NULL);
  sqlite3_bind_int64 (stmt, 1, self->lead_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *title = g_strdup_printf ("%s · %.10s", col (stmt, 1), col (stmt, 0));

      detail (touches, title, col (stmt, 2));
    }
}

static void
add_proposals (StormLeadWindow *self,
               StormDb         *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GtkWidget *proposals = group (self, _("Proposals"), NULL);
  guint n = 0;

  stmt = storm_db_prepare (db, "SELECT coalesce (title, ''), amount, sent_at, outcome, outcome_at FROM proposals "
                               "WHERE lead_id = ?1 ORDER BY created_at DESC LIMIT 50", NULL);
  sqlite3_bind_int64 (stmt, 1, self->lead_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *title = g_strdup_printf ("%s · $%.0f", col (stmt, 0), sqlite3_column_double (stmt, 1));
      g_autofree char *state = NULL;

      if (col (stmt, 3) != NULL)
        state = g_strdup_printf (_("%s on %.10s"), col (stmt, 3), col (stmt, 4));
      else if (col (stmt, 2) != NULL)
        state = g_strdup_printf (_("sent %.10s, no outcome yet"), col (stmt, 2));
      else
        state = g_strdup (_("not sent: waits for approval"));
      detail (proposals, title, state);
      n++;
    }
  if (n == 0)
    detail (proposals, _("No proposal yet"), NULL);
}

static void
reload (StormLeadWindow *self)
{
  StormDb *db = storm_store_get_db (self->store);
  g_autofree char *stage = NULL;
  gboolean won = FALSE;
  GtkWidget *lead_group;

  storm_dash_ui_clear_box (self->groups_box);
  self->channel_row = self->note_row = NULL;
  if (!add_fields (self, db, &stage, &won))
    {
      adw_window_title_set_title (self->window_title, _("Lead Not Found"));
      gtk_box_append (self->groups_box, gtk_label_new (_("This lead was deleted.")));
      return;
    }
  if (won)
    {
      lead_group = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box));
      g_object_ref (lead_group);
      gtk_box_remove (self->groups_box, lead_group);
      add_results (self, db);
      gtk_box_append (self->groups_box, lead_group);
      g_object_unref (lead_group);
    }
  add_stage (self, db, stage);
  add_touches (self, db);
  add_proposals (self, db);
}

static gboolean
reload_idle_cb (gpointer data)
{
  StormLeadWindow *self = data;

  self->reload_id = 0;
  reload (self);
  return G_SOURCE_REMOVE;
}

/* After the current handler returns: a change made from one of this
 * window's own rows (the stage combo) must not destroy that row while it
 * is still notifying. */
static void
store_changed_cb (StormStore      *store,
                  const char      *table,
                  StormLeadWindow *self)
{
  if (g_strv_contains (storm_dash_ui_tables (), table) && self->reload_id == 0)
    self->reload_id = g_idle_add_full (G_PRIORITY_DEFAULT, reload_idle_cb, self, NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StormLeadWindow *self = STORM_LEAD_WINDOW (widget);

  storm_record_editor_open (widget, self->store, "lead", self->lead_id, 0);
}

static void
edit_result_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StormLeadWindow *self = STORM_LEAD_WINDOW (widget);

  storm_record_editor_open (widget, self->store, "client-result", self->result_id, self->lead_id);
}

static void
add_entry_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormLeadWindow *self = STORM_LEAD_WINDOW (widget);

  if (self->result_id != 0)
    storm_record_editor_open (widget, self->store, "result-entry", 0, self->result_id);
}

static void
set_stage_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormLeadWindow *self = STORM_LEAD_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!storm_db_set_lead_stage (storm_store_get_db (self->store), self->lead_id, g_variant_get_string (parameter, NULL),
                                NULL, storm_dash_ui_person (), &error))
    {
      storm_dash_ui_toast (GTK_WIDGET (self->groups_box), error->message);
      return;
    }
  storm_store_notify_changed (self->store, "leads");
}

static void
add_touch_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormLeadWindow *self = STORM_LEAD_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  guint channel;

  if (self->channel_row == NULL)
    return;
  channel = adw_combo_row_get_selected (ADW_COMBO_ROW (self->channel_row));
  note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->note_row))));
  if (storm_db_add_lead_touch (storm_store_get_db (self->store), self->lead_id,
                               channel < G_N_ELEMENTS (channels) - 1 ? channels[channel] : "other", NULL,
                               *note ? note : NULL, &error) == 0)
    {
      storm_dash_ui_toast (GTK_WIDGET (self->groups_box), error->message);
      return;
    }
  storm_store_notify_changed (self->store, "lead_touches");
}

static void
storm_lead_window_dispose (GObject *object)
{
  StormLeadWindow *self = STORM_LEAD_WINDOW (object);

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_pointer (&self->stages, g_strfreev);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_LEAD_WINDOW);

  G_OBJECT_CLASS (storm_lead_window_parent_class)->dispose (object);
}

static void
storm_lead_window_class_init (StormLeadWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_lead_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stormops/StormOps/storm-lead-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StormLeadWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, StormLeadWindow, groups_box);
  gtk_widget_class_install_action (widget_class, "lead.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "lead.edit-result", NULL, edit_result_action);
  gtk_widget_class_install_action (widget_class, "lead.add-entry", NULL, add_entry_action);
  gtk_widget_class_install_action (widget_class, "lead.set-stage", "s", set_stage_action);
  gtk_widget_class_install_action (widget_class, "lead.add-touch", NULL, add_touch_action);
}

static void
storm_lead_window_init (StormLeadWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StormLeadWindow *
storm_lead_window_new (StormStore *store,
                       gint64      lead_id)
{
  StormLeadWindow *self;

  g_return_val_if_fail (STORM_IS_STORE (store), NULL);

  self = g_object_new (STORM_TYPE_LEAD_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->lead_id = lead_id;
  self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  reload (self);
  return self;
}

StormLeadWindow *
storm_lead_window_open (GtkWidget  *parent,
                        StormStore *store,
                        gint64      lead_id)
{
  StormLeadWindow *self = storm_lead_window_new (store, lead_id);
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

gint64
storm_lead_window_get_lead (StormLeadWindow *self)
{
  g_return_val_if_fail (STORM_IS_LEAD_WINDOW (self), 0);
  return self->lead_id;
}
