#define G_LOG_DOMAIN "storm-property-activity"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-attribution.h"
#include "storm-cycle-util.h"
#include "storm-next-action.h"
#include "storm-outcomes.h"
#include "storm-property-activity.h"
#include "storm-store-jobs.h"
#include "storm-store-properties.h"

#define THUMBNAIL_SIZE 96

typedef struct
{
  gint64  property_id;
  char   *path;
  char   *dir;
} AttachJob;

struct _StormPropertyActivity
{
  AdwBin               parent_instance;

  /* Template children */
  GtkStack            *stack;
  AdwActionRow        *next_row;
  GtkLabel            *rule_label;
  GtkLabel            *decision_label;
  GtkLabel            *reason_label;
  GtkLabel            *arm_label;
  GtkLabel            *uplift_label;
  AdwPreferencesGroup *outcome_group;
  GtkListBox          *outcome_list;
  GtkPopover          *touch_popover;
  GtkDropDown         *channel_dropdown;
  GtkDropDown         *result_dropdown;
  GtkListBox          *touch_list;
  AdwEntryRow         *note_entry;
  GtkListBox          *note_list;
  GtkStack            *attachment_stack;
  GtkFlowBox          *attachment_box;

  StormStore          *store;
  gulong               changed_id;
  gint64               storm_id;
  gint64               property_id;
  char                *title;          /* address, for dialogs */
  StormOutcomeRow     *current;        /* the current outcome, to prefill corrections */

  GCancellable        *attaching;
  GCancellable        *thumbnails;
  guint                reload_source;
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (StormPropertyActivity, storm_property_activity, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
attach_job_free (gpointer data)
{
  AttachJob *job = data;

  g_free (job->path);
  g_free (job->dir);
  g_free (job);
}

static void
update_loading (StormPropertyActivity *self)
{
  gboolean loading = self->attaching != NULL || self->reload_source != 0;

  if (loading == self->loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_actions (StormPropertyActivity *self)
{
  gboolean ready = self->store != NULL && self->property_id != 0;
  gboolean in_storm = ready && self->storm_id != 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.log-outcome", in_storm);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.record-outcome", in_storm);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.add-touch", in_storm);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.add-note", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.edit-note", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.save-note", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.attach", ready && self->attaching == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.attach-file", ready && self->attaching == NULL);
}

static AdwActionRow *
plain_row (const char *title,
           const char *subtitle)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (row, subtitle);
  return row;
}

static GtkWidget *
tag_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
show_error_row (GtkListBox   *list,
                const GError *error)
{
  AdwActionRow *row = plain_row (_("Cannot read this from the database"), error ? error->message : NULL);

  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  gtk_list_box_append (list, GTK_WIDGET (row));
}

static void
show_decision (StormPropertyActivity *self)
{
  StormDb *db = storm_store_get_db (self->store);
  StormPropertyContext context;
  g_auto(StormNextAction) action = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *today = _storm_cycle_date_from_today (0);
  g_autoptr(StormProperty) property = NULL;
  g_autofree char *rule = NULL;
  g_autofree char *title = NULL;
  g_autofree char *why = NULL;

  property = storm_db_get_property (db, self->storm_id, self->property_id, NULL);
  g_clear_pointer (&self->title, g_free);
  if (property != NULL)
    self->title = storm_property_dup_title (property);

  if (!storm_db_property_context (db, self->storm_id, self->property_id, &context, &error))
    {
      why = g_markup_escape_text (error->message, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->next_row), _("Cannot read this property"));
      adw_action_row_set_subtitle (self->next_row, why);
      gtk_label_set_label (self->rule_label, "");
      return;
    }
  storm_next_action_decide (&context, today, &action);
  /* The row shows markup: the action in bold, everything escaped. */
  title = g_markup_printf_escaped ("<b>%s</b>", action.action);
  why = g_markup_escape_text (action.why, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->next_row), title);
  adw_action_row_set_subtitle (self->next_row, why);
  /* Translators: the id of the rule that chose the next action */
  rule = g_strdup_printf (_("rule: %s"), action.rule);
  gtk_label_set_label (self->rule_label, rule);

  if (!context.has_decision)
    {
      gtk_label_set_label (self->decision_label, _("No policy applied yet"));
      gtk_label_set_label (self->reason_label, "—");
      gtk_label_set_label (self->arm_label, "—");
    }
  else
    {
      gboolean universal = g_str_equal (context.reason, "universal_control");
      gboolean rct = g_str_equal (context.reason, "rct_control");

      gtk_label_set_label (self->decision_label, g_str_equal (context.decision, "treat") ? _("Treat") : _("Hold"));
      gtk_label_set_label (self->reason_label, _storm_cycle_reason_label (context.reason));
      gtk_label_set_label (self->arm_label, universal ? _("Universal control: never contacted")
                                            : rct ? _("RCT control: held out in this storm")
                                            : _("Eligible for treatment"));
    }

  if (property == NULL || !isfinite (storm_property_get_info (property)->uplift))
    gtk_label_set_label (self->uplift_label, _("No score"));
  else
    {
      const StormPropertyInfo *info = storm_property_get_info (property);
      g_autofree char *text = NULL;

      if (isfinite (info->base_rate))
        /* Translators: uplift score and base conversion rate */
        text = g_strdup_printf (_("%.3f (base rate %.3f)"), info->uplift, info->base_rate);
      else
        text = g_strdup_printf ("%.3f", info->uplift);
      gtk_label_set_label (self->uplift_label, text);
    }
}

static void
show_outcomes (StormPropertyActivity *self)
{
  g_autoptr(GPtrArray) outcomes = NULL;
  g_autoptr(GError) error = NULL;

  _storm_cycle_remove_all (GTK_WIDGET (self->outcome_list));
  g_clear_pointer (&self->current, storm_outcome_row_free);
  outcomes = storm_db_list_outcomes (storm_store_get_db (self->store), self->storm_id, self->property_id, &error);
  if (outcomes == NULL)
    {
      show_error_row (self->outcome_list, error);
      return;
    }
  if (outcomes->len == 0)
    {
      AdwActionRow *row = plain_row (_("No outcome logged yet"),
                                     _("Log one when the crew reports back: converted or not, with its value."));

      gtk_list_box_append (self->outcome_list, GTK_WIDGET (row));
      return;
    }
  for (guint i = 0; i < outcomes->len; i++)
    {
      StormOutcomeRow *o = g_ptr_array_index (outcomes, i);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *recorded = _storm_cycle_format_time (o->recorded_at);
      AdwActionRow *row;

      if (isfinite (o->value))
        {
          g_autofree char *value = _storm_cycle_format_money (o->value);

          /* Translators: "Converted · $9,500" */
          title = g_strdup_printf (_("%s · %s"), o->converted ? _("Converted") : _("Not converted"), value);
        }
      else
        title = g_strdup (o->converted ? _("Converted") : _("Not converted"));
      /* Translators: date it happened · source, by whom · when it was recorded */
      subtitle = g_strdup_printf (_("%s · %s, by %s · recorded %s"),
                                  o->occurred_at ? o->occurred_at : _("date unknown"), o->source,
                                  o->actor ? o->actor : _("unknown"), recorded);
      row = plain_row (title, subtitle);
      if (o->is_current)
        adw_action_row_add_suffix (row, tag_label (_("Current"), "accent"));
      else
        {
          adw_action_row_add_suffix (row, tag_label (_("Corrected"), "dim-label"));
          gtk_widget_add_css_class (GTK_WIDGET (row), "dim-label");
        }
      gtk_list_box_append (self->outcome_list, GTK_WIDGET (row));
    }
  if (((StormOutcomeRow *) g_ptr_array_index (outcomes, 0))->is_current)
    self->current = g_ptr_array_steal_index (outcomes, 0);
}

static void
show_touches (StormPropertyActivity *self)
{
  g_autoptr(GPtrArray) touches = NULL;
  g_autoptr(GError) error = NULL;

  _storm_cycle_remove_all (GTK_WIDGET (self->touch_list));
  touches = storm_db_list_touches (storm_store_get_db (self->store), self->storm_id, self->property_id, &error);
  if (touches == NULL)
    {
      show_error_row (self->touch_list, error);
      return;
    }
  if (touches->len == 0)
    {
      gtk_list_box_append (self->touch_list,
                           GTK_WIDGET (plain_row (_("No touches yet"),
                                                  _("Door knocks, calls and mailers show here, oldest first."))));
      return;
    }
  for (guint i = 0; i < touches->len; i++)
    {
      StormTouch *t = g_ptr_array_index (touches, i);
      g_autofree char *when = _storm_cycle_format_time (t->at);
      /* Translators: channel · result */
      g_autofree char *title = g_strdup_printf (_("%s · %s"), _storm_cycle_channel_label (t->channel),
                                                _storm_cycle_result_label (t->result));
      /* Translators: time · where the touch was recorded from */
      g_autofree char *subtitle = g_strdup_printf (_("%s · from %s"), when, t->source);

      gtk_list_box_append (self->touch_list, GTK_WIDGET (plain_row (title, subtitle)));
    }
}

static void
show_notes (StormPropertyActivity *self)
{
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;

  _storm_cycle_remove_all (GTK_WIDGET (self->note_list));
  notes = storm_db_list_notes (storm_store_get_db (self->store), self->property_id, &error);
  if (notes == NULL)
    {
      show_error_row (self->note_list, error);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->note_list), notes->len > 0);
  for (guint i = 0; i < notes->len; i++)
    {
      StormNote *n = g_ptr_array_index (notes, i);
      g_autofree char *created = _storm_cycle_format_time (n->created_at);
      g_autofree char *subtitle = NULL;
      AdwActionRow *row;
      GtkWidget *edit;

      if (n->updated_at != NULL)
        {
          g_autofree char *updated = _storm_cycle_format_time (n->updated_at);

          subtitle = g_strdup_printf (_("%s · edited %s"), created, updated);
        }
      row = plain_row (n->body, subtitle ? subtitle : created);
      adw_action_row_set_title_lines (row, 0);
      edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
      gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (edit, _("Edit Note"));
      gtk_widget_add_css_class (edit, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "activity.edit-note");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (edit), g_variant_new_int64 (n->id));
      adw_action_row_add_suffix (row, edit);
      g_object_set_data_full (G_OBJECT (edit), "note-body", g_strdup (n->body), g_free);
      gtk_list_box_append (self->note_list, GTK_WIDGET (row));
    }
}

/* A square thumbnail, cropped from the middle of the photo, at twice the
 * shown size so it stays sharp on high-density screens. */
static void
thumbnail_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  const int side = 2 * THUMBNAIL_SIZE;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GdkPixbuf) middle = NULL;
  GError *error = NULL;
  double scale;
  int width, height;

  if (gdk_pixbuf_get_file_info (task_data, &width, &height) == NULL || width <= 0 || height <= 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not an image");
      return;
    }
  scale = (double) side / MIN (width, height);
  scaled = gdk_pixbuf_new_from_file_at_scale (task_data, MAX (side, (int) ceil (width * scale)),
                                              MAX (side, (int) ceil (height * scale)), FALSE, &error);
  if (scaled == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  middle = gdk_pixbuf_new_subpixbuf (scaled, (gdk_pixbuf_get_width (scaled) - side) / 2,
                                     (gdk_pixbuf_get_height (scaled) - side) / 2, side, side);
  g_task_return_pointer (task, gdk_pixbuf_copy (middle), g_object_unref);
}

static void
thumbnail_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkWidget) icon = user_data;
  g_autoptr(GdkPixbuf) pixbuf = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GdkTexture) texture = NULL;

  /* Unreadable images keep their icon. */
  if (pixbuf == NULL)
    return;
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_image_set_from_paintable (GTK_IMAGE (source), GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (source), TRUE);
  gtk_widget_set_visible (icon, FALSE);
}

static GtkWidget *
attachment_tile (StormPropertyActivity *self,
                 const StormAttachment *a)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GIcon) gicon = g_content_type_get_icon (a->mime_type ? a->mime_type : "application/octet-stream");
  GtkWidget *icon = gtk_image_new_from_gicon (gicon);
  GtkWidget *label = gtk_label_new (a->file_name);

  gtk_image_set_pixel_size (GTK_IMAGE (icon), 48);
  gtk_widget_set_size_request (icon, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_box_append (GTK_BOX (box), icon);
  if (a->mime_type != NULL && g_str_has_prefix (a->mime_type, "image/"))
    {
      GtkWidget *thumb = gtk_image_new ();
      g_autoptr(GTask) task = g_task_new (thumb, self->thumbnails, thumbnail_done_cb, g_object_ref (icon));

      gtk_image_set_pixel_size (GTK_IMAGE (thumb), THUMBNAIL_SIZE);
      gtk_widget_set_halign (thumb, GTK_ALIGN_CENTER);
      gtk_widget_set_overflow (thumb, GTK_OVERFLOW_HIDDEN);
      gtk_widget_add_css_class (thumb, "card");
      gtk_widget_set_visible (thumb, FALSE);
      gtk_box_append (GTK_BOX (box), thumb);
      g_task_set_task_data (task, g_strdup (a->stored_path), g_free);
      g_task_run_in_thread (task, thumbnail_thread);
    }
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), label);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, a->file_name);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "activity.open-attachment");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (a->stored_path));
  return button;
}

static void
show_attachments (StormPropertyActivity *self)
{
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (self->thumbnails);
  g_clear_object (&self->thumbnails);
  self->thumbnails = g_cancellable_new ();
  _storm_cycle_remove_all (GTK_WIDGET (self->attachment_box));
  attachments = storm_db_list_attachments (storm_store_get_db (self->store), self->property_id, &error);
  if (attachments == NULL)
    g_warning ("Cannot list attachments: %s", error->message);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    gtk_flow_box_append (self->attachment_box, attachment_tile (self, g_ptr_array_index (attachments, i)));
  gtk_stack_set_visible_child_name (self->attachment_stack,
                                    attachments != NULL && attachments->len > 0 ? "list" : "none");
}

/* Reads are single-property index lookups on the main connection: quick
 * enough to keep in step with what the user just did. */
static void
refresh (StormPropertyActivity *self)
{
  if (self->store == NULL || self->property_id == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  show_decision (self);
  show_outcomes (self);
  show_touches (self);
  show_notes (self);
  show_attachments (self);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static gboolean
reload_cb (gpointer data)
{
  StormPropertyActivity *self = data;

  self->reload_source = 0;
  refresh (self);
  update_loading (self);
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (StormPropertyActivity *self,
                  const char            *table,
                  StormStore            *store)
{
  static const char * const tables[] = {
    "properties", "storm_properties", "policy_executions", "policy_decisions_log", "policy_outcomes",
    "touches", "property_notes", "property_attachments", "follow_ups", NULL
  };

  if (self->property_id == 0 || !g_strv_contains (tables, table))
    return;
  /* One read after all the tables of a write have been announced. */
  _storm_cycle_schedule_once (&self->reload_source, reload_cb, self);
  update_loading (self);
}

/* Outcomes */

static void
record_outcome_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (widget);
  g_autoptr(GError) error = NULL;
  StormOutcomeChange change;
  StormOutcome outcome = { 0 };
  const char *date;

  g_variant_get (parameter, "(bd&s)", &outcome.converted, &outcome.value, &date);
  outcome.property_id = self->property_id;
  outcome.occurred_at = date[0] ? date : NULL;
  outcome.source = "manual";
  outcome.actor = g_get_user_name ();
  if (!storm_outcome_record (storm_store_get_db (self->store), self->storm_id, &outcome, &change, &error))
    {
      _storm_cycle_show_error (widget, _("Cannot Log the Outcome"), error);
      return;
    }
  adw_preferences_group_set_description (self->outcome_group,
                                         change == STORM_OUTCOME_UNCHANGED
                                           ? _("That outcome was already logged; nothing changed.")
                                           : change == STORM_OUTCOME_CORRECTED
                                           ? _("Corrected. The earlier entry is kept below as history.")
                                           : _("Outcome logged."));
  if (change != STORM_OUTCOME_UNCHANGED)
    storm_store_notify_changed (self->store, "policy_outcomes");
}

static void
outcome_response_cb (AdwMessageDialog      *dialog,
                     const char            *response,
                     StormPropertyActivity *self)
{
  GtkSwitch *converted = g_object_get_data (G_OBJECT (dialog), "converted");
  GtkEditable *value = g_object_get_data (G_OBJECT (dialog), "value");
  GtkEditable *date = g_object_get_data (G_OBJECT (dialog), "date");
  g_autofree char *value_text = g_strstrip (g_strdup (gtk_editable_get_text (value)));
  g_autofree char *date_text = g_strstrip (g_strdup (gtk_editable_get_text (date)));
  double amount = NAN;
  char *end = NULL;

  if (!g_str_equal (response, "log"))
    return;
  if (value_text[0] != '\0')
    {
      amount = g_ascii_strtod (value_text, &end);
      if (end == value_text || *end != '\0' || !isfinite (amount) || amount < 0)
        {
          g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                 _("“%s” is not an amount: write a number such as 9500 or "
                                                   "9500.50, or leave it empty."),
                                                 value_text);

          _storm_cycle_show_error (GTK_WIDGET (self), _("Cannot Log the Outcome"), error);
          return;
        }
    }
  if (date_text[0] != '\0' && !_storm_cycle_valid_date (date_text))
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                             _("“%s” is not a date like 2024-05-31."), date_text);

      _storm_cycle_show_error (GTK_WIDGET (self), _("Cannot Log the Outcome"), error);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "activity.record-outcome", "(bds)",
                              gtk_switch_get_active (converted), amount, date_text);
}

static void
log_outcome_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;
  GtkWidget *list = gtk_list_box_new ();
  AdwActionRow *converted_row = plain_row (_("Converted"), _("Signed, or booked the job"));
  GtkWidget *converted = gtk_switch_new ();
  GtkWidget *value = adw_entry_row_new ();
  GtkWidget *date = adw_entry_row_new ();
  g_autofree char *today = _storm_cycle_date_from_today (0);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Log Outcome"), self->title));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "log", _("_Log"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "log", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "log");
  adw_message_dialog_set_close_response (dialog, "cancel");

  gtk_widget_set_valign (converted, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (converted_row, converted);
  adw_action_row_set_activatable_widget (converted_row, converted);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (value), _("Value in dollars (optional)"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (date), _("Date (YYYY-MM-DD)"));
  gtk_editable_set_text (GTK_EDITABLE (date), today);
  /* A correction starts from what is logged now. */
  if (self->current != NULL)
    {
      gtk_switch_set_active (GTK_SWITCH (converted), self->current->converted);
      if (isfinite (self->current->value))
        {
          g_autofree char *text = g_strdup_printf ("%.2f", self->current->value);
          gtk_editable_set_text (GTK_EDITABLE (value), text);
        }
      if (self->current->occurred_at != NULL)
        gtk_editable_set_text (GTK_EDITABLE (date), self->current->occurred_at);
    }
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (converted_row));
  gtk_list_box_append (GTK_LIST_BOX (list), value);
  gtk_list_box_append (GTK_LIST_BOX (list), date);
  adw_message_dialog_set_extra_child (dialog, list);

  g_object_set_data (G_OBJECT (dialog), "converted", converted);
  g_object_set_data (G_OBJECT (dialog), "value", value);
  g_object_set_data (G_OBJECT (dialog), "date", date);
  g_signal_connect_object (dialog, "response", G_CALLBACK (outcome_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Touches and notes */

static void
add_touch_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (widget);
  guint channel = gtk_drop_down_get_selected (self->channel_dropdown);
  guint result = gtk_drop_down_get_selected (self->result_dropdown);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(GError) error = NULL;

  if (channel >= STORM_N_CHANNELS || result >= g_strv_length ((char **) _storm_cycle_touch_results))
    return;
  gtk_popover_popdown (self->touch_popover);
  if (!storm_db_add_touch (storm_store_get_db (self->store), self->storm_id, self->property_id,
                           storm_channel_to_string (channel), at, _storm_cycle_touch_results[result],
                           "manual", g_get_user_name (), NULL, &error))
    {
      _storm_cycle_show_error (widget, _("Cannot Log the Touch"), error);
      return;
    }
  storm_store_notify_changed (self->store, "touches");
}

static void
add_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (widget);
  g_autoptr(GError) error = NULL;

  if (storm_db_add_note (storm_store_get_db (self->store), self->storm_id, self->property_id,
                         gtk_editable_get_text (GTK_EDITABLE (self->note_entry)), g_get_user_name (),
                         &error) == 0)
    {
      _storm_cycle_show_error (widget, _("Cannot Add the Note"), error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
  storm_store_notify_changed (self->store, "property_notes");
}

static void
note_apply_cb (StormPropertyActivity *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->note_entry));

  if (text[0] != '\0')
    gtk_widget_activate_action (GTK_WIDGET (self), "activity.add-note", NULL);
}

static void
save_note_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (widget);
  g_autoptr(GError) error = NULL;
  gint64 note_id;
  const char *body;

  g_variant_get (parameter, "(x&s)", &note_id, &body);
  if (!storm_db_update_note (storm_store_get_db (self->store), note_id, body, &error))
    {
      _storm_cycle_show_error (widget, _("Cannot Save the Note"), error);
      return;
    }
  storm_store_notify_changed (self->store, "property_notes");
}

static void
note_response_cb (AdwMessageDialog      *dialog,
                  const char            *response,
                  StormPropertyActivity *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  gint64 note_id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "note-id");

  if (g_str_equal (response, "save"))
    gtk_widget_activate_action (GTK_WIDGET (self), "activity.save-note", "(xs)", note_id,
                                gtk_editable_get_text (entry));
}

static GtkWidget *
find_note_button (GtkWidget *widget,
                  gint64     note_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GVariant *target;
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && (target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (child))) &&
          g_variant_is_of_type (target, G_VARIANT_TYPE_INT64) && g_variant_get_int64 (target) == note_id &&
          g_object_get_data (G_OBJECT (child), "note-body") != NULL)
        return child;
      if ((found = find_note_button (child, note_id)) != NULL)
        return found;
    }
  return NULL;
}

static void
edit_note_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  gint64 note_id = g_variant_get_int64 (parameter);
  GtkWidget *button = find_note_button (GTK_WIDGET (self->note_list), note_id);
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  gint64 *id;

  if (button == NULL)
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Edit Note"), NULL));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), g_object_get_data (G_OBJECT (button), "note-body"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (dialog, entry);
  id = g_new (gint64, 1);
  *id = note_id;
  g_object_set_data_full (G_OBJECT (dialog), "note-id", id, g_free);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (note_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Attachments */

static gboolean
attach_job_run (StormDb        *db,
                gpointer        data,
                GCancellable   *cancellable,
                StormProgress  *progress,
                GError        **error)
{
  AttachJob *job = data;

  return storm_db_add_attachment (db, job->property_id, job->path, job->dir, error) != 0;
}

static void
attach_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StormPropertyActivity) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  /* Announces the written table, which schedules the refresh. */
  ok = storm_store_run_finish (STORM_STORE (source), result, &error);
  g_clear_object (&self->attaching);
  if (self->stack == NULL)
    return;  /* disposed while the file was copied */
  if (!ok && !_storm_cycle_is_cancelled (error))
    _storm_cycle_show_error (GTK_WIDGET (self), _("Cannot Add the Attachment"), error);
  update_actions (self);
  update_loading (self);
}

static void
attach_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (widget);
  static const char * const tables[] = { "property_attachments", NULL };
  AttachJob *job;

  if (self->attaching != NULL)
    return;
  job = g_new0 (AttachJob, 1);
  job->property_id = self->property_id;
  job->path = g_variant_dup_string (parameter, NULL);
  job->dir = g_build_filename (g_get_user_data_dir (), "stormops", "attachments", NULL);
  self->attaching = g_cancellable_new ();
  /* Copying a large photo must not hold up the window. */
  storm_store_run_async (self->store, tables, attach_job_run, job, attach_job_free, NULL,
                         self->attaching, attach_done_cb, g_object_ref (self));
  update_actions (self);
  update_loading (self);
}

static void
chooser_response_cb (GtkNativeDialog       *chooser,
                     int                    response,
                     StormPropertyActivity *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self), "activity.attach-file", "s", path);
    }
  g_object_unref (chooser);
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (widget);

  chooser = gtk_file_chooser_native_new (_("Add a Photo or Document"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_file_filter_set_name (images, _("Photos"));
  gtk_file_filter_add_pixbuf_formats (images);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), images);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* The view stays alive while its chooser is open. */
  g_signal_connect_data (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (widget),
                         _storm_cycle_closure_unref, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_attachment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GdkAppLaunchContext) context = gdk_display_get_app_launch_context (gtk_widget_get_display (widget));

  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), NULL, NULL, NULL);
}

/* GObject */

static void
storm_property_activity_dispose (GObject *object)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (object);

  g_cancellable_cancel (self->thumbnails);
  g_clear_object (&self->thumbnails);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_pointer (&self->current, storm_outcome_row_free);

  /* AdwBin keeps its own pointer to the child: let it drop the child
   * before the template does. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_PROPERTY_ACTIVITY);

  G_OBJECT_CLASS (storm_property_activity_parent_class)->dispose (object);
}

static void
storm_property_activity_finalize (GObject *object)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (object);

  g_clear_object (&self->attaching);
  g_free (self->title);

  G_OBJECT_CLASS (storm_property_activity_parent_class)->finalize (object);
}

static void
storm_property_activity_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  StormPropertyActivity *self = STORM_PROPERTY_ACTIVITY (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_property_activity_class_init (StormPropertyActivityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_property_activity_dispose;
  object_class->finalize = storm_property_activity_finalize;
  object_class->get_property = storm_property_activity_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-property-activity.ui");
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, stack);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, next_row);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, rule_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, decision_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, reason_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, arm_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, uplift_label);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, outcome_group);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, outcome_list);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, touch_popover);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, channel_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, result_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, touch_list);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, note_entry);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, note_list);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, attachment_stack);
  gtk_widget_class_bind_template_child (widget_class, StormPropertyActivity, attachment_box);
  gtk_widget_class_bind_template_callback (widget_class, note_apply_cb);

  gtk_widget_class_install_action (widget_class, "activity.log-outcome", NULL, log_outcome_action);
  gtk_widget_class_install_action (widget_class, "activity.record-outcome", "(bds)", record_outcome_action);
  gtk_widget_class_install_action (widget_class, "activity.add-touch", NULL, add_touch_action);
  gtk_widget_class_install_action (widget_class, "activity.add-note", NULL, add_note_action);
  gtk_widget_class_install_action (widget_class, "activity.edit-note", "x", edit_note_action);
  gtk_widget_class_install_action (widget_class, "activity.save-note", "(xs)", save_note_action);
  gtk_widget_class_install_action (widget_class, "activity.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "activity.attach-file", "s", attach_file_action);
  gtk_widget_class_install_action (widget_class, "activity.open-attachment", "s", open_attachment_action);
}

static void
storm_property_activity_init (StormPropertyActivity *self)
{
  g_autoptr(GtkStringList) channels = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) results = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint c = 0; c < STORM_N_CHANNELS; c++)
    gtk_string_list_append (channels, storm_channel_label (c));
  for (guint r = 0; _storm_cycle_touch_results[r] != NULL; r++)
    gtk_string_list_append (results, _storm_cycle_result_label (_storm_cycle_touch_results[r]));
  gtk_drop_down_set_model (self->channel_dropdown, G_LIST_MODEL (channels));
  gtk_drop_down_set_model (self->result_dropdown, G_LIST_MODEL (results));
  update_actions (self);
}

StormPropertyActivity *
storm_property_activity_new (void)
{
  return g_object_new (STORM_TYPE_PROPERTY_ACTIVITY, NULL);
}

void
storm_property_activity_set_property_id (StormPropertyActivity *self,
                                         StormStore            *store,
                                         gint64                 storm_id,
                                         gint64                 property_id)
{
  g_return_if_fail (STORM_IS_PROPERTY_ACTIVITY (self));
  g_return_if_fail (store == NULL || STORM_IS_STORE (store));

  if (store == NULL)
    property_id = storm_id = 0;
  if (self->store != store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->changed_id, self->store);
      g_set_object (&self->store, store);
      if (store != NULL)
        self->changed_id = g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
    }
  if (self->storm_id != storm_id || self->property_id != property_id)
    adw_preferences_group_set_description (self->outcome_group, NULL);
  self->storm_id = storm_id;
  self->property_id = property_id;
  g_clear_handle_id (&self->reload_source, g_source_remove);
  refresh (self);
  update_actions (self);
  update_loading (self);
}

gint64
storm_property_activity_get_property_id (StormPropertyActivity *self)
{
  g_return_val_if_fail (STORM_IS_PROPERTY_ACTIVITY (self), 0);

  return self->property_id;
}

gboolean
storm_property_activity_get_loading (StormPropertyActivity *self)
{
  g_return_val_if_fail (STORM_IS_PROPERTY_ACTIVITY (self), FALSE);

  return self->loading;
}
