#define G_LOG_DOMAIN "storm-record-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "storm-error.h"
#include "storm-record-editor.h"
#include "storm-store-records.h"

typedef struct {
  const StormField *field;
  GtkWidget        *row;
  GtkTextBuffer    *buffer;   /* multiline */
  GPtrArray        *codes;    /* choice and reference: code per combo item, "" for none */
} FieldRow;

struct _StormRecordEditor
{
  AdwWindow              parent_instance;

  AdwWindowTitle        *window_title;
  GtkLabel              *message_label;
  AdwPreferencesGroup   *fields_group;
  GtkWidget             *delete_button;

  StormStore            *store;
  const StormRecordKind *kind;
  gint64                 id;
  gint64                 parent_id;
  GArray                *rows;       /* FieldRow */
  char                  *message;
};

G_DEFINE_FINAL_TYPE (StormRecordEditor, storm_record_editor, ADW_TYPE_WINDOW)

static void
field_row_clear (gpointer data)
{
  FieldRow *row = data;

  g_clear_pointer (&row->codes, g_ptr_array_unref);
}

static FieldRow *
find_row (StormRecordEditor *self,
          const char        *column)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      FieldRow *row = &g_array_index (self->rows, FieldRow, i);

      if (g_strcmp0 (row->field->column, column) == 0)
        return row;
    }
  return NULL;
}

static GtkWidget *
multiline_row (const StormField  *field,
               GtkTextBuffer    **buffer)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (_(field->label));
  GtkWidget *view = gtk_text_view_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->label));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_widget_set_size_request (view, -1, 56);
  /* a framed area in light and dark alike, so it reads as a field */
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  return row;
}

static GtkWidget *
choice_row (StormRecordEditor *self,
            const StormField  *field,
            GPtrArray        **codes)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  *codes = g_ptr_array_new_with_free_func (g_free);
  if (!field->required)
    {
      gtk_string_list_append (labels, _("None"));
      g_ptr_array_add (*codes, g_strdup (""));
    }
  if (field->kind == STORM_FIELD_CHOICE)
    for (guint i = 0; field->choices[i] != NULL; i++)
      {
        gtk_string_list_append (labels, _(field->choice_labels[i]));
        g_ptr_array_add (*codes, g_strdup (field->choices[i]));
      }
  else
    {
      g_autoptr(sqlite3_stmt) stmt = storm_db_prepare (storm_store_get_db (self->store), field->choices_sql, NULL);

      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          gtk_string_list_append (labels, (const char *) sqlite3_column_text (stmt, 1));
          g_ptr_array_add (*codes, g_strdup_printf ("%lld", (long long) sqlite3_column_int64 (stmt, 0)));
        }
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->label));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  return row;
}

static void
build_rows (StormRecordEditor *self)
{
  for (guint i = 0; i < self->kind->n_fields; i++)
    {
      FieldRow row = { &self->kind->fields[i] };

      switch (row.field->kind)
        {
        case STORM_FIELD_MULTILINE:
          row.row = multiline_row (row.field, &row.buffer);
          break;
        case STORM_FIELD_CHOICE:
        case STORM_FIELD_REFERENCE:
          row.row = choice_row (self, row.field, &row.codes);
          break;
        default:
          row.row = adw_entry_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row.row), _(row.field->label));
          if (row.field->kind == STORM_FIELD_NUMBER)
            adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row.row), GTK_INPUT_PURPOSE_DIGITS);
          else if (row.field->kind != STORM_FIELD_TEXT && row.field->kind != STORM_FIELD_DATE)
            adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row.row), GTK_INPUT_PURPOSE_NUMBER);
        }
      g_array_append_val (self->rows, row);
      adw_preferences_group_add (self->fields_group, row.row);
    }
}

char *
storm_record_editor_get_value (StormRecordEditor *self,
                               const char        *column)
{
  FieldRow *row;

  g_return_val_if_fail (STORM_IS_RECORD_EDITOR (self), NULL);

  if ((row = find_row (self, column)) == NULL)
    return NULL;
  if (row->buffer != NULL)
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (row->buffer, &start, &end);
      return gtk_text_buffer_get_text (row->buffer, &start, &end, FALSE);
    }
  if (row->codes != NULL)
    {
      guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row->row));

      return selected < row->codes->len ? g_strdup (g_ptr_array_index (row->codes, selected)) : g_strdup ("");
    }
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (row->row)));
}

void
storm_record_editor_set_value (StormRecordEditor *self,
                               const char        *column,
                               const char        *text)
{
  FieldRow *row;

  g_return_if_fail (STORM_IS_RECORD_EDITOR (self));

  if ((row = find_row (self, column)) == NULL)
    {
      g_critical ("%s has no field %s", self->kind->name, column);
      return;
    }
  if (text == NULL)
    text = "";
  if (row->buffer != NULL)
    gtk_text_buffer_set_text (row->buffer, text, -1);
  else if (row->codes != NULL)
    {
      for (guint i = 0; i < row->codes->len; i++)
        if (g_str_equal (g_ptr_array_index (row->codes, i), text))
          adw_combo_row_set_selected (ADW_COMBO_ROW (row->row), i);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (row->row), text);
}

static void
show_message (StormRecordEditor *self,
              const char        *message,
              const char        *bad_column)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  for (guint i = 0; i < self->rows->len; i++)
    {
      FieldRow *row = &g_array_index (self->rows, FieldRow, i);

      if (g_strcmp0 (row->field->column, bad_column) == 0)
        {
          gtk_widget_add_css_class (row->row, "error");
          gtk_widget_grab_focus (row->row);
        }
      else
        gtk_widget_remove_css_class (row->row, "error");
    }
}

gboolean
storm_record_editor_save (StormRecordEditor  *self,
                          GError            **error)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GError) local_error = NULL;
  const char *bad_column = NULL;
  gint64 id;

  g_return_val_if_fail (STORM_IS_RECORD_EDITOR (self), FALSE);

  for (guint i = 0; i < self->kind->n_fields; i++)
    {
      const char *column = self->kind->fields[i].column;

      g_hash_table_insert (values, (gpointer) column, storm_record_editor_get_value (self, column));
    }
  id = storm_db_save_record (storm_store_get_db (self->store), self->kind, self->id, self->parent_id, values,
                             &bad_column, &local_error);
  if (id == 0)
    {
      show_message (self, local_error->message, bad_column);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  show_message (self, NULL, NULL);
  self->id = id;
  storm_store_notify_changed (self->store, self->kind->table);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  storm_record_editor_save (STORM_RECORD_EDITOR (widget), NULL);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
delete_response_cb (AdwMessageDialog  *dialog,
                    const char        *response,
                    StormRecordEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;
  if (!storm_db_delete_record (storm_store_get_db (self->store), self->kind, self->id, &error))
    {
      show_message (self, error->message, NULL);
      return;
    }
  storm_store_notify_changed (self->store, self->kind->table);
  gtk_window_close (GTK_WINDOW (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StormRecordEditor *self = STORM_RECORD_EDITOR (widget);
  GtkWidget *dialog;
  g_autofree char *body = g_strdup_printf (_("The %s is removed from the database with what belongs only to it. "
                                            "This cannot be undone."), _(self->kind->title));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Delete?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
storm_record_editor_dispose (GObject *object)
{
  StormRecordEditor *self = STORM_RECORD_EDITOR (object);

  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_RECORD_EDITOR);

  G_OBJECT_CLASS (storm_record_editor_parent_class)->dispose (object);
}

static void
storm_record_editor_finalize (GObject *object)
{
  StormRecordEditor *self = STORM_RECORD_EDITOR (object);

  g_clear_pointer (&self->rows, g_array_unref);
  g_free (self->message);

  G_OBJECT_CLASS (storm_record_editor_parent_class)->finalize (object);
}

static void
storm_record_editor_class_init (StormRecordEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_record_editor_dispose;
  object_class->finalize = storm_record_editor_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stormops/StormOps/storm-record-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, StormRecordEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, StormRecordEditor, message_label);
  gtk_widget_class_bind_template_child (widget_class, StormRecordEditor, fields_group);
  gtk_widget_class_bind_template_child (widget_class, StormRecordEditor, delete_button);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
}

static void
storm_record_editor_init (StormRecordEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_array_new (FALSE, TRUE, sizeof (FieldRow));
  g_array_set_clear_func (self->rows, field_row_clear);
}

StormRecordEditor *
storm_record_editor_new (StormStore *store,
                         const char *kind_name,
                         gint64      id,
                         gint64      parent_id)
{
  StormRecordEditor *self;
  const StormRecordKind *kind;
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (STORM_IS_STORE (store), NULL);
  kind = storm_record_kind_lookup (kind_name);
  g_return_val_if_fail (kind != NULL, NULL);

  self = g_object_new (STORM_TYPE_RECORD_EDITOR, NULL);
  self->store = g_object_ref (store);
  self->kind = kind;
  self->id = id;
  self->parent_id = parent_id;
  build_rows (self);

  title = g_strdup (id != 0 ? _(kind->edit_title) : _(kind->new_title));
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_widget_set_visible (self->delete_button, id != 0 && kind->can_delete);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete", id != 0 && kind->can_delete);

  if (id != 0)
    {
      values = storm_db_load_record (storm_store_get_db (store), kind, id, &error);
      if (values == NULL)
        show_message (self, error->message, NULL);
      for (guint i = 0; values != NULL && i < kind->n_fields; i++)
        storm_record_editor_set_value (self, kind->fields[i].column,
                                       g_hash_table_lookup (values, kind->fields[i].column));
    }
  else
    for (guint i = 0; i < kind->n_fields; i++)
      if (kind->fields[i].kind == STORM_FIELD_DATE)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

          storm_record_editor_set_value (self, kind->fields[i].column, today);
        }
  return self;
}

StormRecordEditor *
storm_record_editor_open (GtkWidget  *parent,
                          StormStore *store,
                          const char *kind,
                          gint64      id,
                          gint64      parent_id)
{
  StormRecordEditor *self = storm_record_editor_new (store, kind, id, parent_id);
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

const char *
storm_record_editor_get_message (StormRecordEditor *self)
{
  g_return_val_if_fail (STORM_IS_RECORD_EDITOR (self), NULL);
  return self->message;
}

gint64
storm_record_editor_get_id (StormRecordEditor *self)
{
  g_return_val_if_fail (STORM_IS_RECORD_EDITOR (self), 0);
  return self->id;
}
