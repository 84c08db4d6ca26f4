#define G_LOG_DOMAIN "storm-attribution-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "storm-attribution-view.h"
#include "storm-attribution.h"
#include "storm-cycle-util.h"
#include "storm-error.h"
#include "storm-import-outcomes.h"
#include "storm-store-storms.h"

typedef struct
{
  gint64            storm_id;
  char             *path;
  StormImportResult result;
} ImportJob;

typedef struct
{
  gint64                storm_id;
  StormAttributionModel model;
} CreditRequest;

struct _StormAttributionView
{
  AdwBin               parent_instance;

  /* Template children */
  AdwToastOverlay     *toast_overlay;
  GtkRevealer         *progress_revealer;
  GtkProgressBar      *progress_bar;
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *empty_page;
  GtkWidget           *empty_import_button;
  AdwPreferencesGroup *model_group;
  AdwComboRow         *model_row;
  AdwPreferencesGroup *table_group;
  GtkGrid             *table;
  GtkDrawingArea      *chart;

  StormStore          *store;
  gulong               changed_id;
  gint64               storm_id;
  char                *model;

  StormChannelCredit  *credit;       /* STORM_N_CHANNELS entries, NULL until read */
  GError              *error;
  GCancellable        *reading;
  GCancellable        *importing;
  ImportJob           *import_job;   /* valid while importing */
  guint                reload_source;
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (StormAttributionView, storm_attribution_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_read (StormAttributionView *self);

static void
import_job_free (gpointer data)
{
  ImportJob *job = data;

  storm_import_result_clear (&job->result);
  g_free (job->path);
  g_free (job);
}

static StormAttributionModel
current_model (StormAttributionView *self)
{
  StormAttributionModel model = STORM_ATTRIBUTION_LAST_TOUCH;

  storm_attribution_model_from_string (self->model, &model);
  return model;
}

static const char *
model_description (StormAttributionModel model)
{
  switch (model)
    {
    case STORM_ATTRIBUTION_FIRST_TOUCH:
      return _("All the credit for a conversion goes to its first touch: the channel that opened the door.");
    case STORM_ATTRIBUTION_LINEAR:
      return _("The credit for a conversion is shared equally by every touch before it.");
    case STORM_ATTRIBUTION_POSITION_BASED:
      return _("40 % of the credit goes to the first touch, 40 % to the last, and 20 % is shared by the touches "
               "between.");
    case STORM_ATTRIBUTION_LAST_TOUCH:
    default:
      return _("All the credit for a conversion goes to the last touch before it.");
    }
}

static void
update_loading (StormAttributionView *self)
{
  gboolean loading = self->reading != NULL || self->importing != NULL || self->reload_source != 0;

  if (loading)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  if (loading == self->loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_actions (StormAttributionView *self)
{
  gboolean idle = self->importing == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "attribution.import",
                                 idle && self->store != NULL && self->storm_id != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "attribution.import-file",
                                 idle && self->store != NULL && self->storm_id != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "attribution.cancel", !idle);
}

static gint64
n_touched (StormAttributionView *self)
{
  gint64 n = 0;

  for (guint c = 0; self->credit != NULL && c < STORM_N_CHANNELS; c++)
    n += self->credit[c].touched;
  return n;
}

static void
update_page (StormAttributionView *self)
{
  gboolean offer_import = FALSE;

  if (self->storm_id == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Storm Selected"));
      adw_status_page_set_description (self->empty_page, _("Choose a storm to see which channels brought its "
                                                           "conversions."));
    }
  else if (self->error != NULL)
    {
      adw_status_page_set_title (self->empty_page, _("Cannot Read the Touches"));
      adw_status_page_set_description (self->empty_page, self->error->message);
    }
  else if (self->credit == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      return;
    }
  else if (n_touched (self) == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Touches Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Touches are the door knocks, calls, SMS, mailers, ads and referrals that "
                                         "reached a property. Import them from a CSV file (property_id, channel, at, "
                                         "result) or log visits in Jobs, and conversions are credited here."));
      offer_import = TRUE;
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "content");
      return;
    }
  gtk_widget_set_visible (self->empty_import_button, offer_import);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static GtkWidget *
cell (const char *text,
      gboolean    heading,
      float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, heading ? "caption-heading" : "numeric");
  if (heading)
    gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
attach_row (GtkGrid    *grid,
            int         row,
            const char *channel,
            const char *touched,
            const char *conversions,
            const char *value,
            const char *rate,
            gboolean    heading)
{
  GtkWidget *first = cell (channel, heading, 0.0);

  gtk_widget_set_hexpand (first, TRUE);
  if (!heading)
    {
      gtk_widget_remove_css_class (first, "numeric");
      gtk_label_set_ellipsize (GTK_LABEL (first), PANGO_ELLIPSIZE_NONE);
    }
  gtk_grid_attach (grid, first, 0, row, 1, 1);
  gtk_grid_attach (grid, cell (touched, heading, 1.0), 1, row, 1, 1);
  gtk_grid_attach (grid, cell (conversions, heading, 1.0), 2, row, 1, 1);
  gtk_grid_attach (grid, cell (value, heading, 1.0), 3, row, 1, 1);
  gtk_grid_attach (grid, cell (rate, heading, 1.0), 4, row, 1, 1);
}

static void
show_credit (StormAttributionView *self)
{
  double total_conversions = 0, total_value = 0;
  g_autofree char *total_c = NULL;
  g_autofree char *total_v = NULL;

  adw_preferences_group_set_description (self->model_group, model_description (current_model (self)));
  adw_preferences_group_set_description (self->table_group,
                                         _("Touched counts the properties a channel reached; the conversion rate "
                                           "is its credited conversions per touched property."));
  _storm_cycle_remove_all (GTK_WIDGET (self->table));
  attach_row (self->table, 0, _("Channel"), _("Touched"), _("Conversions"), _("Value"), _("Rate"), TRUE);
  for (guint c = 0; c < STORM_N_CHANNELS; c++)
    {
      const StormChannelCredit *credit = &self->credit[c];
      g_autofree char *touched = _storm_cycle_format_count (credit->touched);
      g_autofree char *conversions = g_strdup_printf ("%'.2f", credit->conversions);
      g_autofree char *value = _storm_cycle_format_money (credit->value);
      g_autofree char *rate = _storm_cycle_format_percent (credit->touched > 0 ? credit->conversions / credit->touched
                                                                                : NAN);

      attach_row (self->table, c + 1, storm_channel_label (c), touched, conversions, value, rate, FALSE);
      total_conversions += credit->conversions;
      total_value += credit->value;
    }
  total_c = g_strdup_printf ("%'.2f", total_conversions);
  total_v = _storm_cycle_format_money (total_value);
  /* A property touched by two channels counts in both rows, so the
   * touched column has no meaningful total. */
  attach_row (self->table, STORM_N_CHANNELS + 1, _("All channels"), "—", total_c, total_v, "—", FALSE);
  for (int c = 0; c < 5; c++)
    {
      PangoAttrList *bold = pango_attr_list_new ();

      pango_attr_list_insert (bold, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      gtk_label_set_attributes (GTK_LABEL (gtk_grid_get_child_at (self->table, c, STORM_N_CHANNELS + 1)), bold);
      pango_attr_list_unref (bold);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  StormAttributionView *self = data;
  GtkWidget *widget = GTK_WIDGET (area);
  const double pad = 14, label_w = 110, value_w = 64;
  double row_h, max = 0, bar_max;
  GdkRGBA fg, accent;

  if (self->credit == NULL)
    return;
  for (guint c = 0; c < STORM_N_CHANNELS; c++)
    max = MAX (max, self->credit[c].conversions);
  row_h = (height - 2 * pad) / STORM_N_CHANNELS;
  bar_max = MAX (width - 2 * pad - label_w - value_w, 10);
  _storm_cycle_style_color (widget, NULL, &fg);
  _storm_cycle_style_color (widget, "accent_color", &accent);

  for (guint c = 0; c < STORM_N_CHANNELS; c++)
    {
      double y = pad + c * row_h;
      double w = max > 0 ? self->credit[c].conversions / max * bar_max : 0;
      g_autoptr(PangoLayout) name = gtk_widget_create_pango_layout (widget, storm_channel_label (c));
      g_autofree char *text = g_strdup_printf ("%'.2f", self->credit[c].conversions);
      g_autoptr(PangoLayout) value = gtk_widget_create_pango_layout (widget, text);
      int tw, th;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.8);
      pango_layout_set_width (name, (int) ((label_w - 8) * PANGO_SCALE));
      pango_layout_set_ellipsize (name, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (name, &tw, &th);
      cairo_move_to (cr, pad, y + (row_h - th) / 2);
      pango_cairo_show_layout (cr, name);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.08);
      cairo_rectangle (cr, pad + label_w, y + row_h * 0.2, bar_max, row_h * 0.6);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, accent.alpha);
      cairo_rectangle (cr, pad + label_w, y + row_h * 0.2, w, row_h * 0.6);
      cairo_fill (cr);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.8);
      pango_layout_get_pixel_size (value, &tw, &th);
      cairo_move_to (cr, pad + label_w + bar_max + 8, y + (row_h - th) / 2);
      pango_cairo_show_layout (cr, value);
    }
}

static gpointer
read_credit (StormDb       *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  CreditRequest *request = data;
  StormChannelCredit *credit = g_new0 (StormChannelCredit, STORM_N_CHANNELS);

  if (!storm_attribution_compute (db, request->storm_id, request->model, credit, error))
    g_clear_pointer (&credit, g_free);
  return credit;
}

static void
credit_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  StormAttributionView *self = STORM_ATTRIBUTION_VIEW (source);
  g_autoptr(GError) error = NULL;
  StormChannelCredit *credit = _storm_cycle_read_finish (result, &error);

  if (g_task_get_cancellable (G_TASK (result)) != self->reading)
    {
      g_free (credit);
      return;
    }
  g_clear_object (&self->reading);
  g_clear_pointer (&self->credit, g_free);
  g_clear_error (&self->error);
  self->credit = credit;
  self->error = g_steal_pointer (&error);
  if (self->credit != NULL)
    show_credit (self);
  update_page (self);
  update_loading (self);
}

static void
start_read (StormAttributionView *self)
{
  CreditRequest *request;

  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  if (self->store == NULL || self->storm_id == 0)
    return;

  request = g_new0 (CreditRequest, 1);
  request->storm_id = self->storm_id;
  request->model = current_model (self);
  self->reading = g_cancellable_new ();
  _storm_cycle_read_async (self->store, self, read_credit, request, g_free, g_free,
                           self->reading, credit_read_cb, NULL);
  update_loading (self);
}

static gboolean
reload_cb (gpointer data)
{
  StormAttributionView *self = data;

  self->reload_source = 0;
  start_read (self);
  update_loading (self);
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (StormAttributionView *self,
                  const char           *table,
                  StormStore           *store)
{
  static const char * const tables[] = { "storms", "touches", "policy_outcomes", NULL };

  if (!g_strv_contains (tables, table) || self->storm_id == 0)
    return;
  /* One read after all the tables of a write have been announced. */
  _storm_cycle_schedule_once (&self->reload_source, reload_cb, self);
  update_loading (self);
}

static void
model_selected_cb (StormAttributionView *self)
{
  guint selected = adw_combo_row_get_selected (self->model_row);

  if (selected <= STORM_ATTRIBUTION_POSITION_BASED)
    storm_attribution_view_set_model (self, storm_attribution_model_to_string (selected));
}

/* Import */

static gboolean
import_job_run (StormDb        *db,
                gpointer        data,
                GCancellable   *cancellable,
                StormProgress  *progress,
                GError        **error)
{
  ImportJob *job = data;
  g_autoptr(GPtrArray) storms = storm_db_list_storms (db, error);
  const char *code = NULL;

  if (storms == NULL)
    return FALSE;
  for (guint i = 0; i < storms->len; i++)
    if (storm_storm_get_id (g_ptr_array_index (storms, i)) == job->storm_id)
      code = storm_storm_get_code (g_ptr_array_index (storms, i));
  if (code == NULL)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND, _("The storm no longer exists."));
      return FALSE;
    }
  return storm_import_touches (db, job->path, code, &job->result, cancellable, progress, error);
}

static void
import_progress_cb (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  StormAttributionView *self = user_data;

  if (self->importing != NULL)
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StormAttributionView) self = user_data;
  g_autoptr(GError) error = NULL;
  ImportJob *job = self->import_job;
  gboolean ok;

  /* Announces the written tables, which schedules the re-read. */
  ok = storm_store_run_finish (STORM_STORE (source), result, &error);
  self->import_job = NULL;
  g_clear_object (&self->importing);
  if (self->stack == NULL)
    return;  /* disposed while the import ran */
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  if (!ok)
    {
      if (_storm_cycle_is_cancelled (error))
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     adw_toast_new (_("The import was cancelled. Nothing was kept.")));
      else
        _storm_cycle_show_error (GTK_WIDGET (self), _("Cannot Import the Touches"), error);
    }
  else
    {
      g_autofree char *added = _storm_cycle_format_count (job->result.n_inserted);
      g_autofree char *known = _storm_cycle_format_count (job->result.n_duplicates);
      g_autofree char *title = g_strdup_printf (_("Imported %s touches (%s already known)"), added, known);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
    }
  update_actions (self);
  update_loading (self);
}

static void
import_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StormAttributionView *self = STORM_ATTRIBUTION_VIEW (widget);
  static const char * const tables[] = { "touches", NULL };
  g_autofree char *basename = NULL;
  StormProgress *progress;
  ImportJob *job;

  if (self->importing != NULL || self->store == NULL || self->storm_id == 0)
    return;

  job = g_new0 (ImportJob, 1);
  job->storm_id = self->storm_id;
  job->path = g_variant_dup_string (parameter, NULL);
  storm_import_result_init (&job->result);
  basename = g_path_get_basename (job->path);

  self->importing = g_cancellable_new ();
  self->import_job = job;
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  {
    g_autofree char *text = g_strdup_printf (_("Importing touches from %s…"), basename);
    gtk_progress_bar_set_text (self->progress_bar, text);
  }
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  progress = storm_progress_new (import_progress_cb, g_object_ref (self), g_object_unref);
  storm_store_run_async (self->store, tables, import_job_run, job, import_job_free, progress,
                         self->importing, import_done_cb, g_object_ref (self));
  update_actions (self);
  update_loading (self);
}

static void
chooser_response_cb (GtkNativeDialog      *chooser,
                     int                   response,
                     StormAttributionView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self), "attribution.import-file", "s", path);
    }
  g_object_unref (chooser);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StormAttributionView *self = STORM_ATTRIBUTION_VIEW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (widget);

  chooser = gtk_file_chooser_native_new (_("Import Touches"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* The view stays alive while its chooser is open. */
  g_signal_connect_data (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self),
                         _storm_cycle_closure_unref, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_cancellable_cancel (STORM_ATTRIBUTION_VIEW (widget)->importing);
}

/* GObject */

static void
storm_attribution_view_dispose (GObject *object)
{
  StormAttributionView *self = STORM_ATTRIBUTION_VIEW (object);

  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  g_cancellable_cancel (self->importing);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_pointer (&self->credit, g_free);
  g_clear_error (&self->error);

  /* AdwBin keeps its own pointer to the child: let it drop the child
   * before the template does. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_ATTRIBUTION_VIEW);

  G_OBJECT_CLASS (storm_attribution_view_parent_class)->dispose (object);
}

static void
storm_attribution_view_finalize (GObject *object)
{
  StormAttributionView *self = STORM_ATTRIBUTION_VIEW (object);

  g_clear_object (&self->importing);
  g_free (self->model);

  G_OBJECT_CLASS (storm_attribution_view_parent_class)->finalize (object);
}

static void
storm_attribution_view_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  StormAttributionView *self = STORM_ATTRIBUTION_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_attribution_view_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  StormAttributionView *self = STORM_ATTRIBUTION_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      storm_attribution_view_set_model (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_attribution_view_class_init (StormAttributionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_attribution_view_dispose;
  object_class->finalize = storm_attribution_view_finalize;
  object_class->get_property = storm_attribution_view_get_property;
  object_class->set_property = storm_attribution_view_set_property;

  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, "last-touch",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-attribution-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, stack);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, spinner);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, empty_import_button);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, model_group);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, model_row);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, table_group);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, table);
  gtk_widget_class_bind_template_child (widget_class, StormAttributionView, chart);

  gtk_widget_class_bind_template_callback (widget_class, model_selected_cb);

  gtk_widget_class_install_property_action (widget_class, "attribution.model", "model");
  gtk_widget_class_install_action (widget_class, "attribution.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "attribution.import-file", "s", import_file_action);
  gtk_widget_class_install_action (widget_class, "attribution.cancel", NULL, cancel_action);
}

static void
storm_attribution_view_init (StormAttributionView *self)
{
  self->model = g_strdup (storm_attribution_model_to_string (STORM_ATTRIBUTION_LAST_TOUCH));
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  update_page (self);
  update_actions (self);
}

StormAttributionView *
storm_attribution_view_new (void)
{
  return g_object_new (STORM_TYPE_ATTRIBUTION_VIEW, NULL);
}

void
storm_attribution_view_set_storm (StormAttributionView *self,
                                  StormStore           *store,
                                  gint64                storm_id)
{
  g_return_if_fail (STORM_IS_ATTRIBUTION_VIEW (self));
  g_return_if_fail (store == NULL || STORM_IS_STORE (store));

  if (store == NULL)
    storm_id = 0;
  if (self->store == store && self->storm_id == storm_id)
    return;
  if (self->store != store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->changed_id, self->store);
      g_set_object (&self->store, store);
      if (store != NULL)
        self->changed_id = g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
    }
  self->storm_id = storm_id;
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_pointer (&self->credit, g_free);
  g_clear_error (&self->error);
  start_read (self);
  update_page (self);
  update_actions (self);
  update_loading (self);
}

const char *
storm_attribution_view_get_model (StormAttributionView *self)
{
  g_return_val_if_fail (STORM_IS_ATTRIBUTION_VIEW (self), NULL);

  return self->model;
}

void
storm_attribution_view_set_model (StormAttributionView *self,
                                  const char           *model)
{
  StormAttributionModel parsed;

  g_return_if_fail (STORM_IS_ATTRIBUTION_VIEW (self));

  if (!storm_attribution_model_from_string (model, &parsed))
    {
      g_critical ("Unknown attribution model “%s”", model);
      return;
    }
  if (g_strcmp0 (self->model, model) == 0)
    return;
  g_free (self->model);
  self->model = g_strdup (model);
  adw_combo_row_set_selected (self->model_row, parsed);
  start_read (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

gboolean
storm_attribution_view_get_loading (StormAttributionView *self)
{
  g_return_val_if_fail (STORM_IS_ATTRIBUTION_VIEW (self), FALSE);

  return self->loading;
}
