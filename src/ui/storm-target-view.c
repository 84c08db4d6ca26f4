#define G_LOG_DOMAIN "storm-target-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "storm-cycle-util.h"
#include "storm-error.h"
#include "storm-policy.h"
#include "storm-report.h"
#include "storm-store-policy.h"
#include "storm-target-view.h"

#define N_TOP 20
/* Settings keys (in the database, next to the data they price). */
#define COST_KEY "roi_cost_per_door"
#define VALUE_KEY "roi_value_per_conversion"
/* Spin buttons and the RCT share re-read the storm; wait until the user
 * stops clicking instead of reading once per click. */
#define SETTLE_MS 350

enum {
  RELOAD_PREVIEW = 1 << 0,
  RELOAD_REPORT = 1 << 1,
};

typedef struct
{
  StormReport  report;
  GPtrArray   *executions;   /* StormExecution, newest first */
  GPtrArray   *top;          /* StormDecisionRow */
} ReportData;

typedef struct
{
  gint64             storm_id;
  StormPolicyParams  params;
  char              *actor;
  StormPolicySummary summary;
} ApplyJob;

struct _StormTargetView
{
  AdwBin               parent_instance;

  /* Template children */
  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *empty_page;
  GtkWidget           *empty_actions;
  AdwComboRow         *mode_row;
  GtkAdjustment       *threshold_adjustment;
  GtkScale            *threshold_scale;
  AdwActionRow        *rct_row;
  GtkAdjustment       *rct_adjustment;
  GtkAdjustment       *doors_adjustment;
  GtkLabel            *preview_treat_label;
  GtkLabel            *preview_hold_label;
  GtkLabel            *preview_universal_label;
  GtkLabel            *preview_rct_label;
  GtkLabel            *preview_expected_label;
  GtkLabel            *preview_lift_label;
  GtkLabel            *preview_routes_label;
  GtkLabel            *preview_properties_label;
  GtkRevealer         *progress_revealer;
  GtkProgressBar      *progress_bar;
  GtkWidget           *no_policy_label;
  GtkWidget           *applied_box;
  AdwActionRow        *current_row;
  GtkLabel            *policy_treat_label;
  GtkLabel            *policy_hold_label;
  GtkLabel            *policy_universal_label;
  GtkLabel            *policy_rct_label;
  AdwPreferencesGroup *conversions_group;
  GtkLabel            *conv_treat_label;
  GtkLabel            *conv_rct_label;
  GtkLabel            *conv_universal_label;
  GtkLabel            *conv_control_label;
  AdwActionRow        *no_outcomes_row;
  AdwActionRow        *lift_row;
  AdwActionRow        *wald_row;
  AdwActionRow        *p_row;
  AdwActionRow        *relative_row;
  AdwActionRow        *rct_lift_row;
  AdwActionRow        *predicted_row;
  AdwActionRow        *error_row;
  AdwActionRow        *detectable_row;
  GtkLabel            *lift_label;
  GtkLabel            *wald_label;
  GtkLabel            *p_label;
  GtkLabel            *relative_label;
  GtkLabel            *rct_lift_label;
  GtkLabel            *predicted_label;
  GtkLabel            *error_label;
  GtkAdjustment       *cost_adjustment;
  GtkAdjustment       *value_adjustment;
  GtkLabel            *roi_cost_label;
  GtkLabel            *roi_conversions_label;
  GtkLabel            *roi_value_label;
  GtkLabel            *roi_label;
  GtkDrawingArea      *calibration_chart;
  GtkGrid             *calibration_grid;
  GtkDrawingArea      *qini_chart;
  GtkLabel            *qini_label;
  GtkListBox          *top_list;
  AdwPreferencesGroup *history_group;
  GtkListBox          *history_list;

  StormStore          *store;
  gulong               changed_id;
  gint64               storm_id;

  StormPolicyPreview  *preview;
  StormPolicySummary   summary;        /* the preview at the current controls */
  gint64               n_scored;
  GError              *preview_error;
  ReportData          *report;

  GCancellable        *preview_loading;
  GCancellable        *report_loading;
  GCancellable        *applying;
  ApplyJob            *apply_job;      /* valid while applying */

  guint                reload_source;
  guint                reload_flags;
  guint                rct_timeout;
  guint                roi_timeout;
  gboolean             syncing;
  gboolean             announcing;
  gboolean             controls_pending;
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (StormTargetView, storm_target_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_preview_load (StormTargetView *self);
static void start_report_load  (StormTargetView *self);

static void
report_data_free (gpointer data)
{
  ReportData *report = data;

  storm_report_clear (&report->report);
  g_clear_pointer (&report->executions, g_ptr_array_unref);
  g_clear_pointer (&report->top, g_ptr_array_unref);
  g_free (report);
}

static void
apply_job_free (gpointer data)
{
  ApplyJob *job = data;

  g_free (job->actor);
  g_free (job);
}

static const StormExecution *
current_execution (StormTargetView *self)
{
  if (self->report == NULL)
    return NULL;
  for (guint i = 0; i < self->report->executions->len; i++)
    {
      const StormExecution *e = g_ptr_array_index (self->report->executions, i);

      if (e->is_current)
        return e;
    }
  return NULL;
}

static void
set_label_count (GtkLabel *label,
                 gint64    n)
{
  g_autofree char *text = _storm_cycle_format_count (n);

  gtk_label_set_label (label, text);
}

static void
set_label_take (GtkLabel *label,
                char     *text)
{
  gtk_label_set_label (label, text);
  g_free (text);
}

static void
update_loading (StormTargetView *self)
{
  gboolean loading = self->preview_loading != NULL || self->report_loading != NULL ||
                     self->applying != NULL || self->reload_source != 0 ||
                     self->rct_timeout != 0 || self->roi_timeout != 0;

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
update_actions (StormTargetView *self)
{
  gboolean can_apply = self->store != NULL && self->storm_id != 0 && self->preview != NULL &&
                       self->n_scored > 0 && self->applying == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "target.apply", can_apply);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "target.cancel", self->applying != NULL);
}

static void
show_empty (StormTargetView *self,
            const char      *icon,
            const char      *title,
            const char      *description,
            gboolean         offer_import)
{
  adw_status_page_set_icon_name (self->empty_page, icon);
  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, description);
  gtk_widget_set_visible (self->empty_actions, offer_import);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
update_page (StormTargetView *self)
{
  if (self->storm_id == 0)
    show_empty (self, "find-location-symbolic", _("No Storm Selected"),
                _("Choose a storm to decide which doors to knock and which to hold out."), FALSE);
  else if (self->preview_error != NULL)
    show_empty (self, "dialog-error-symbolic", _("Cannot Read This Storm"),
                self->preview_error->message, FALSE);
  else if (self->preview == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else if (self->summary.n_properties == 0)
    show_empty (self, "find-location-symbolic", _("No Properties in This Storm"),
                _("Import properties or load the demo storm to target doors."), TRUE);
  else if (self->n_scored == 0)
    show_empty (self, "dialog-question-symbolic", _("No Uplift Scores"),
                _("None of this storm’s properties has an uplift score, so there is nothing to rank. "
                  "Import properties with an uplift column (and a base rate) to use a treatment policy."),
                TRUE);
  else
    gtk_stack_set_visible_child_name (self->stack, "content");
}

static StormPolicyMode
selected_mode (StormTargetView *self)
{
  guint selected = adw_combo_row_get_selected (self->mode_row);

  return selected <= STORM_POLICY_CUSTOM ? (StormPolicyMode) selected : STORM_POLICY_CUSTOM;
}

static double
current_threshold (StormTargetView *self)
{
  return gtk_adjustment_get_value (self->threshold_adjustment);
}

static void
update_preview (StormTargetView *self)
{
  StormPolicySummary *s = &self->summary;

  if (self->preview == NULL)
    return;
  storm_policy_preview_evaluate (self->preview, current_threshold (self),
                                 (gint64) gtk_adjustment_get_value (self->doors_adjustment), s);
  set_label_count (self->preview_treat_label, s->n_treat);
  set_label_count (self->preview_hold_label, s->n_hold);
  set_label_count (self->preview_universal_label, s->n_universal);
  set_label_count (self->preview_rct_label, s->n_rct);
  set_label_count (self->preview_routes_label, s->routes_needed);
  set_label_count (self->preview_properties_label, s->n_properties);
  set_label_take (self->preview_expected_label, g_strdup_printf ("%'.1f", s->expected_conversions));
  set_label_take (self->preview_lift_label, _storm_cycle_format_points (s->predicted_lift));
}

static void
set_interval_subtitle (AdwActionRow    *row,
                       const StormLift *lift)
{
  g_autofree char *lower = _storm_cycle_format_points (lift->newcombe.lower);
  g_autofree char *upper = _storm_cycle_format_points (lift->newcombe.upper);
  g_autofree char *text = g_strdup_printf (_("95 %% Newcombe interval: %s to %s"), lower, upper);

  adw_action_row_set_subtitle (row, text);
}

static void
show_lift (StormTargetView *self)
{
  const StormReport *r = &self->report->report;
  gboolean measurable = r->n_outcomes > 0 && r->has_lift;
  AdwActionRow *rows[] = { self->lift_row, self->wald_row, self->p_row, self->relative_row,
                           self->rct_lift_row, self->predicted_row, self->error_row, self->detectable_row };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_set_visible (GTK_WIDGET (rows[i]), measurable);
  gtk_widget_set_visible (GTK_WIDGET (self->no_outcomes_row), !measurable);
  if (r->n_outcomes == 0)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->no_outcomes_row), _("No outcomes logged yet"));
      adw_action_row_set_subtitle (self->no_outcomes_row,
                                   _("Log outcomes in Jobs, import them from a CSV file or post them to the local API; "
                                     "the measured lift appears here."));
    }
  else if (!measurable)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->no_outcomes_row), _("Lift cannot be measured"));
      adw_action_row_set_subtitle (self->no_outcomes_row,
                                   _("Both the treated group and the control group need properties in them."));
    }
  if (!measurable)
    return;

  set_label_take (self->lift_label, _storm_cycle_format_points (r->lift.lift));
  set_interval_subtitle (self->lift_row, &r->lift);
  {
    g_autofree char *lower = _storm_cycle_format_points (r->lift.wald.lower);
    g_autofree char *upper = _storm_cycle_format_points (r->lift.wald.upper);

    /* Translators: an interval, "lower to upper" */
    set_label_take (self->wald_label, g_strdup_printf (_("%s to %s"), lower, upper));
  }
  set_label_take (self->p_label, _storm_cycle_format_p_value (r->lift.p_value));
  {
    g_autofree char *z = g_strdup_printf (_("z = %.2f; below 0.05 is unlikely to be chance"), r->lift.z);
    adw_action_row_set_subtitle (self->p_row, z);
  }
  if (isfinite (r->lift.relative_lift))
    {
      set_label_take (self->relative_label, g_strdup_printf (_("%+.0f %%"), r->lift.relative_lift * 100.0));
      adw_action_row_set_subtitle (self->relative_row, _("Lift divided by the control rate"));
    }
  else
    {
      gtk_label_set_label (self->relative_label, "—");
      adw_action_row_set_subtitle (self->relative_row, _("Undefined while no control property has converted"));
    }
  if (r->has_lift_rct)
    {
      set_label_take (self->rct_lift_label, _storm_cycle_format_points (r->lift_rct.lift));
      set_interval_subtitle (self->rct_lift_row, &r->lift_rct);
    }
  else
    {
      gtk_label_set_label (self->rct_lift_label, "—");
      adw_action_row_set_subtitle (self->rct_lift_row, _("This storm has no RCT control properties"));
    }
  set_label_take (self->predicted_label, _storm_cycle_format_points (r->predicted_lift));
  adw_action_row_set_subtitle (self->predicted_row, _("Mean uplift score of the treated, when the policy was applied"));
  set_label_take (self->error_label, _storm_cycle_format_points (r->prediction_error));
  {
    g_autofree char *nt = _storm_cycle_format_count (r->n_treat);
    g_autofree char *nc = _storm_cycle_format_count (r->n_control);
    g_autofree char *d = g_strdup_printf ("%.1f", r->detectable_difference * 100.0);
    g_autofree char *text = NULL;

    text = g_strdup_printf (_("With %s treated and %s in control, a true lift of %s points or more shows as "
                              "significant 80 %% of the time (two-sided test at 5 %%). A smaller lift can be real "
                              "and still not show."),
                            nt, nc, d);
    adw_action_row_set_subtitle (self->detectable_row, text);
  }
}

static GtkWidget *
grid_label (const char *text,
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
show_calibration (StormTargetView *self)
{
  GArray *bands = self->report->report.bands;
  const char *headings[] = { N_("Band"), N_("Treated"), N_("Control"), N_("Predicted"), N_("Measured") };

  _storm_cycle_remove_all (GTK_WIDGET (self->calibration_grid));
  if (bands->len == 0 || self->report->report.n_outcomes == 0)
    {
      GtkWidget *label = grid_label (bands->len == 0 ? _("No scored treated or control properties yet.")
                                                     : _("Measured lift per band appears once outcomes are logged."),
                                     FALSE, 0.0);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_NONE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (self->calibration_grid, label, 0, 0, 5, 1);
      gtk_widget_queue_draw (GTK_WIDGET (self->calibration_chart));
      return;
    }
  for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
    gtk_grid_attach (self->calibration_grid, grid_label (_(headings[c]), TRUE, c == 0 ? 0.0 : 1.0), c, 0, 1, 1);
  for (guint i = 0; i < bands->len; i++)
    {
      const StormBandRow *b = &g_array_index (bands, StormBandRow, i);
      g_autofree char *band = g_strdup_printf ("%.2f–%.2f", b->band_lower, b->band_lower + 0.05);
      g_autofree char *treated = g_strdup_printf ("%'" G_GINT64_FORMAT " / %'" G_GINT64_FORMAT, b->x_treat, b->n_treat);
      g_autofree char *control = g_strdup_printf ("%'" G_GINT64_FORMAT " / %'" G_GINT64_FORMAT, b->x_control, b->n_control);
      g_autofree char *predicted = _storm_cycle_format_points (b->predicted);
      g_autofree char *actual = _storm_cycle_format_points (b->actual);

      gtk_grid_attach (self->calibration_grid, grid_label (band, FALSE, 0.0), 0, i + 1, 1, 1);
      gtk_grid_attach (self->calibration_grid, grid_label (treated, FALSE, 1.0), 1, i + 1, 1, 1);
      gtk_grid_attach (self->calibration_grid, grid_label (control, FALSE, 1.0), 2, i + 1, 1, 1);
      gtk_grid_attach (self->calibration_grid, grid_label (predicted, FALSE, 1.0), 3, i + 1, 1, 1);
      gtk_grid_attach (self->calibration_grid, grid_label (actual, FALSE, 1.0), 4, i + 1, 1, 1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->calibration_chart));
}

static void
show_qini (StormTargetView *self)
{
  const StormReport *r = &self->report->report;
  g_autofree char *top = NULL;
  g_autofree char *text = NULL;

  if (r->qini->len < 2 || r->n_outcomes == 0)
    {
      gtk_label_set_label (self->qini_label, _("The curve appears once outcomes are logged."));
      gtk_widget_queue_draw (GTK_WIDGET (self->qini_chart));
      return;
    }
  top = _storm_cycle_format_points (g_array_index (r->qini, StormQiniPoint, 1).uplift_at_k);
  text = g_strdup_printf (_("Qini coefficient %.2f: the area between the curve and random targeting; above 0 means "
                            "the scores rank better than chance. Measured lift in the top 10 %% by score: %s."),
                          r->qini_coefficient, top);
  gtk_label_set_label (self->qini_label, text);
  gtk_widget_queue_draw (GTK_WIDGET (self->qini_chart));
}

static GtkWidget *
suffix_label (const char *text,
              const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
show_top (StormTargetView *self)
{
  GPtrArray *top = self->report->top;

  _storm_cycle_remove_all (GTK_WIDGET (self->top_list));
  for (guint i = 0; i < top->len; i++)
    {
      const StormDecisionRow *d = g_ptr_array_index (top, i);
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      g_autofree char *uplift = g_strdup_printf ("%.3f", d->uplift);
      gboolean has_address = d->address != NULL && d->address[0] != '\0';

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), has_address ? d->address : d->ext_id);
      adw_action_row_set_title_lines (row, 1);
      adw_action_row_set_subtitle (row, d->ext_id);
      adw_action_row_set_subtitle_lines (row, 1);
      adw_action_row_add_suffix (row, suffix_label (uplift, "numeric"));
      gtk_list_box_append (self->top_list, GTK_WIDGET (row));
    }
}

static void
show_history (StormTargetView *self)
{
  GPtrArray *executions = self->report->executions;

  _storm_cycle_remove_all (GTK_WIDGET (self->history_list));
  gtk_widget_set_visible (GTK_WIDGET (self->history_group), executions->len > 0);
  for (guint i = 0; i < executions->len; i++)
    {
      const StormExecution *e = g_ptr_array_index (executions, i);
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *when = _storm_cycle_format_time (e->created_at);
      g_autofree char *treat = _storm_cycle_format_count (e->n_treat);
      g_autofree char *hold = _storm_cycle_format_count (e->n_hold);
      g_autofree char *control = _storm_cycle_format_count (e->n_universal + e->n_rct);

      /* Translators: "Moderate · threshold 0.15" */
      title = g_strdup_printf (_("%s · threshold %.2f"), _storm_cycle_mode_label (e->mode), e->threshold);
      /* Translators: when · who · execution id · counts */
      subtitle = g_strdup_printf (_("%s · %s · execution %lld · treat %s, hold %s, control %s"),
                                  when, e->actor, (long long) e->id, treat, hold, control);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (row, subtitle);
      if (e->is_current)
        adw_action_row_add_suffix (row, suffix_label (_("Current"), "accent"));
      gtk_list_box_append (self->history_list, GTK_WIDGET (row));
    }
}

static void
sync_controls_from_execution (StormTargetView *self,
                              const StormExecution *e)
{
  StormPolicyMode mode;

  if (!storm_policy_mode_from_string (e->mode, &mode))
    mode = STORM_POLICY_CUSTOM;
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->mode_row, mode);
  gtk_adjustment_set_value (self->threshold_adjustment, e->threshold);
  gtk_adjustment_set_value (self->rct_adjustment, round (e->rct_pct * 100.0));
  self->syncing = FALSE;
  update_preview (self);
}

static void
show_report (StormTargetView *self)
{
  const StormReport *r = &self->report->report;
  const StormExecution *e = current_execution (self);
  gboolean has_history = self->report->executions->len > 0;

  /* Arms are drawn once, by the storm's first policy, and then kept. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->rct_row), !has_history);
  adw_action_row_set_subtitle (self->rct_row,
                               has_history ? _("Fixed by the storm’s first policy: a control group never moves")
                                           : _("Share of the remaining properties held out at random"));
  if (self->controls_pending && e != NULL)
    sync_controls_from_execution (self, e);
  self->controls_pending = FALSE;

  show_history (self);
  gtk_widget_set_visible (self->applied_box, e != NULL);
  gtk_widget_set_visible (self->no_policy_label, e == NULL);
  if (e == NULL)
    return;

  {
    g_autofree char *title = g_strdup_printf (_("%s · threshold %.2f"), _storm_cycle_mode_label (e->mode), e->threshold);
    g_autofree char *when = _storm_cycle_format_time (e->created_at);
    g_autofree char *subtitle = g_strdup_printf (_("Applied %s by %s · execution %lld"),
                                                 when, e->actor, (long long) e->id);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->current_row), title);
    adw_action_row_set_subtitle (self->current_row, subtitle);
  }
  set_label_count (self->policy_treat_label, e->n_treat);
  set_label_count (self->policy_hold_label, e->n_hold);
  set_label_count (self->policy_universal_label, e->n_universal);
  set_label_count (self->policy_rct_label, e->n_rct);

  {
    g_autofree char *n = _storm_cycle_format_count (r->n_outcomes);
    g_autofree char *text = g_strdup_printf (_("From %s logged outcomes. A property without an outcome counts as "
                                               "not converted yet."), n);

    adw_preferences_group_set_description (self->conversions_group, text);
  }
  set_label_take (self->conv_treat_label, _storm_cycle_format_rate (r->x_treat, r->n_treat));
  set_label_take (self->conv_rct_label, _storm_cycle_format_rate (r->x_rct, r->n_rct));
  set_label_take (self->conv_universal_label, _storm_cycle_format_rate (r->x_universal, r->n_universal));
  set_label_take (self->conv_control_label, _storm_cycle_format_rate (r->x_control, r->n_control));

  show_lift (self);

  set_label_take (self->roi_cost_label, _storm_cycle_format_money (r->cost));
  set_label_take (self->roi_conversions_label,
                  r->has_lift && r->n_outcomes > 0 ? g_strdup_printf ("%'.1f", r->incremental_conversions)
                                                   : g_strdup ("—"));
  set_label_take (self->roi_value_label,
                  r->has_lift && r->n_outcomes > 0 ? _storm_cycle_format_money (r->incremental_value)
                                                   : g_strdup ("—"));
  set_label_take (self->roi_label,
                  isfinite (r->roi) && r->n_outcomes > 0 ? g_strdup_printf (_("%+'.0f %%"), r->roi * 100.0)
                                                         : g_strdup ("—"));

  show_calibration (self);
  show_qini (self);
  show_top (self);
}

typedef struct
{
  gint64 storm_id;
  double rct_pct;
} PreviewRequest;

static gpointer
load_preview (StormDb       *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  const PreviewRequest *request = data;

  return storm_policy_preview_load (db, request->storm_id, request->rct_pct, cancellable, error);
}

static void
preview_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  StormTargetView *self = STORM_TARGET_VIEW (source);
  g_autoptr(GError) error = NULL;
  StormPolicyPreview *preview;
  StormPolicySummary all;

  preview = _storm_cycle_read_finish (result, &error);
  if (g_task_get_cancellable (G_TASK (result)) != self->preview_loading)
    {
      g_clear_pointer (&preview, storm_policy_preview_free);
      return;
    }
  g_clear_object (&self->preview_loading);

  g_clear_pointer (&self->preview, storm_policy_preview_free);
  g_clear_error (&self->preview_error);
  if (preview == NULL)
    self->preview_error = g_steal_pointer (&error);
  else
    {
      self->preview = preview;
      /* Every scored eligible property clears the lowest threshold. */
      storm_policy_preview_evaluate (preview, -G_MAXDOUBLE, 0, &all);
      self->n_scored = all.n_treat;
      update_preview (self);
    }
  update_page (self);
  update_actions (self);
  update_loading (self);
}

static void
start_preview_load (StormTargetView *self)
{
  PreviewRequest *request;

  g_cancellable_cancel (self->preview_loading);
  g_clear_object (&self->preview_loading);
  if (self->store == NULL || self->storm_id == 0)
    return;

  request = g_new0 (PreviewRequest, 1);
  request->storm_id = self->storm_id;
  request->rct_pct = gtk_adjustment_get_value (self->rct_adjustment) / 100.0;
  self->preview_loading = g_cancellable_new ();
  _storm_cycle_read_async (self->store, self, load_preview, request, g_free,
                           (GDestroyNotify) storm_policy_preview_free,
                           self->preview_loading, preview_loaded_cb, NULL);
  update_loading (self);
}

typedef struct
{
  gint64             storm_id;
  StormReportOptions options;
} ReportRequest;

static gpointer
load_report (StormDb       *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  ReportRequest *request = data;
  ReportData *report = g_new0 (ReportData, 1);

  if (!storm_report_compute (db, request->storm_id, &request->options, &report->report, error) ||
      (report->executions = storm_db_list_executions (db, request->storm_id, error)) == NULL)
    {
      report_data_free (report);
      return NULL;
    }
  if (report->report.execution_id != 0)
    report->top = storm_db_top_decisions (db, report->report.execution_id, N_TOP, error);
  else
    report->top = g_ptr_array_new ();
  if (report->top == NULL)
    {
      report_data_free (report);
      return NULL;
    }
  return report;
}

static void
report_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  StormTargetView *self = STORM_TARGET_VIEW (source);
  g_autoptr(GError) error = NULL;
  ReportData *report;

  report = _storm_cycle_read_finish (result, &error);
  if (g_task_get_cancellable (G_TASK (result)) != self->report_loading)
    {
      g_clear_pointer (&report, report_data_free);
      return;
    }
  g_clear_object (&self->report_loading);

  if (report == NULL)
    _storm_cycle_show_error (GTK_WIDGET (self), _("Cannot Measure This Storm"), error);
  else
    {
      g_clear_pointer (&self->report, report_data_free);
      self->report = report;
      show_report (self);
    }
  update_loading (self);
}

static void
start_report_load (StormTargetView *self)
{
  ReportRequest *request;

  g_cancellable_cancel (self->report_loading);
  g_clear_object (&self->report_loading);
  if (self->store == NULL || self->storm_id == 0)
    return;

  request = g_new0 (ReportRequest, 1);
  request->storm_id = self->storm_id;
  request->options.cost_per_door = gtk_adjustment_get_value (self->cost_adjustment);
  request->options.value_per_conversion = gtk_adjustment_get_value (self->value_adjustment);
  self->report_loading = g_cancellable_new ();
  _storm_cycle_read_async (self->store, self, load_report, request, g_free, report_data_free,
                           self->report_loading, report_loaded_cb, NULL);
  update_loading (self);
}

static gboolean
reload_cb (gpointer data)
{
  StormTargetView *self = data;
  guint flags = self->reload_flags;

  self->reload_source = 0;
  self->reload_flags = 0;
  if (flags & RELOAD_PREVIEW)
    start_preview_load (self);
  if (flags & RELOAD_REPORT)
    start_report_load (self);
  update_loading (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reload (StormTargetView *self,
                 guint            flags)
{
  if (self->store == NULL || self->storm_id == 0)
    return;
  self->reload_flags |= flags;
  /* One read after all the tables of a write have been announced. */
  _storm_cycle_schedule_once (&self->reload_source, reload_cb, self);
  update_loading (self);
}

static void
store_changed_cb (StormTargetView *self,
                  const char      *table,
                  StormStore      *store)
{
  static const char * const storm_tables[] = {
    "storms", "properties", "storm_properties", "settings", NULL
  };
  /* A policy run stores exactly the arms the preview computed from the
   * same hashes, so it leaves the preview as it is. */
  static const char * const report_tables[] = {
    "experiment_assignments", "policy_executions", "policy_decisions_log", "policy_outcomes", NULL
  };

  if (self->announcing)
    return;
  if (g_strv_contains (storm_tables, table))
    schedule_reload (self, RELOAD_PREVIEW | RELOAD_REPORT);
  else if (g_strv_contains (report_tables, table))
    schedule_reload (self, RELOAD_REPORT);
}

static void
mode_selected_cb (StormTargetView *self)
{
  StormPolicyMode mode = selected_mode (self);

  if (self->syncing || mode == STORM_POLICY_CUSTOM)
    return;
  self->syncing = TRUE;
  gtk_adjustment_set_value (self->threshold_adjustment, storm_policy_mode_threshold (mode));
  self->syncing = FALSE;
  update_preview (self);
}

static void
threshold_changed_cb (StormTargetView *self)
{
  double value = current_threshold (self);
  StormPolicyMode mode = STORM_POLICY_CUSTOM;

  if (!self->syncing)
    {
      for (StormPolicyMode m = STORM_POLICY_AGGRESSIVE; m < STORM_POLICY_CUSTOM; m++)
        if (fabs (storm_policy_mode_threshold (m) - value) < 1e-9)
          mode = m;
      self->syncing = TRUE;
      adw_combo_row_set_selected (self->mode_row, mode);
      self->syncing = FALSE;
    }
  update_preview (self);
}

static gboolean
rct_settled_cb (gpointer data)
{
  StormTargetView *self = data;

  self->rct_timeout = 0;
  start_preview_load (self);
  update_loading (self);
  return G_SOURCE_REMOVE;
}

static void
rct_changed_cb (StormTargetView *self)
{
  if (self->storm_id == 0)
    return;
  g_clear_handle_id (&self->rct_timeout, g_source_remove);
  self->rct_timeout = g_timeout_add (SETTLE_MS, rct_settled_cb, self);
  update_loading (self);
}

static void
doors_changed_cb (StormTargetView *self)
{
  update_preview (self);
}

static gboolean
roi_settled_cb (gpointer data)
{
  StormTargetView *self = data;

  self->roi_timeout = 0;
  start_report_load (self);
  update_loading (self);
  return G_SOURCE_REMOVE;
}

static void
save_setting (StormTargetView *self,
              const char      *key,
              double           value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!storm_db_set_setting (storm_store_get_db (self->store), key,
                             g_ascii_dtostr (text, sizeof text, value), &error))
    g_warning ("Cannot keep %s: %s", key, error->message);
}

static void
roi_changed_cb (StormTargetView *self)
{
  if (self->syncing || self->storm_id == 0)
    return;
  save_setting (self, COST_KEY, gtk_adjustment_get_value (self->cost_adjustment));
  save_setting (self, VALUE_KEY, gtk_adjustment_get_value (self->value_adjustment));
  /* Others learn of the write; this view re-measures once the user stops
   * clicking, not on its own announcement. */
  self->announcing = TRUE;
  storm_store_notify_changed (self->store, "settings");
  self->announcing = FALSE;
  g_clear_handle_id (&self->roi_timeout, g_source_remove);
  self->roi_timeout = g_timeout_add (SETTLE_MS, roi_settled_cb, self);
  update_loading (self);
}

static void
load_roi_settings (StormTargetView *self)
{
  StormReportOptions defaults;
  g_autofree char *cost = NULL;
  g_autofree char *value = NULL;

  storm_report_options_init (&defaults);
  if (self->store != NULL)
    {
      cost = storm_db_get_setting (storm_store_get_db (self->store), COST_KEY);
      value = storm_db_get_setting (storm_store_get_db (self->store), VALUE_KEY);
    }
  self->syncing = TRUE;
  gtk_adjustment_set_value (self->cost_adjustment, cost ? g_ascii_strtod (cost, NULL) : defaults.cost_per_door);
  gtk_adjustment_set_value (self->value_adjustment,
                            value ? g_ascii_strtod (value, NULL) : defaults.value_per_conversion);
  self->syncing = FALSE;
}

/* Charts */

#define MIN_LABEL_GAP 14

static void
draw_text (GtkWidget  *widget,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      xalign,
           double      yalign)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();
  int w, h;

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * xalign, y - h * yalign);
  pango_cairo_show_layout (cr, layout);
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *color,
            double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
draw_no_data (GtkWidget  *widget,
              cairo_t    *cr,
              int         width,
              int         height,
              const char *text)
{
  GdkRGBA fg;

  _storm_cycle_style_color (widget, NULL, &fg);
  set_source (cr, &fg, 0.55);
  draw_text (widget, cr, text, width / 2.0, height / 2.0, 0.5, 0.5);
}

static void
draw_qini (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        data)
{
  StormTargetView *self = data;
  GtkWidget *widget = GTK_WIDGET (area);
  const double left = 56, right = 16, top = 14, bottom = 26;
  double plot_w = width - left - right, plot_h = height - top - bottom;
  double ymin = 0, ymax = 0, last;
  GArray *points;
  GdkRGBA fg, accent;
  char text[64];

  if (self->report == NULL || self->report->report.n_outcomes == 0 || self->report->report.qini->len < 2)
    {
      draw_no_data (widget, cr, width, height, _("No outcomes yet"));
      return;
    }
  points = self->report->report.qini;
  for (guint i = 0; i < points->len; i++)
    {
      double q = g_array_index (points, StormQiniPoint, i).qini;

      ymin = MIN (ymin, q);
      ymax = MAX (ymax, q);
    }
  if (ymax - ymin < 1)
    ymax = ymin + 1;
  last = g_array_index (points, StormQiniPoint, points->len - 1).qini;

#define X(f) (left + (f) * plot_w)
#define Y(q) (top + (ymax - (q)) / (ymax - ymin) * plot_h)

  _storm_cycle_style_color (widget, NULL, &fg);
  _storm_cycle_style_color (widget, "accent_color", &accent);

  /* axes and zero line */
  set_source (cr, &fg, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, X (0), Y (0) + 0.5);
  cairo_line_to (cr, X (1), Y (0) + 0.5);
  cairo_move_to (cr, X (0) + 0.5, top);
  cairo_line_to (cr, X (0) + 0.5, top + plot_h);
  cairo_stroke (cr);

  set_source (cr, &fg, 0.7);
  draw_text (widget, cr, "0", left - 6, Y (0), 1.0, 0.5);
  /* Axis labels too close to the zero line would overprint it. */
  if (Y (0) - Y (ymax) >= MIN_LABEL_GAP)
    {
      g_snprintf (text, sizeof text, "%'.0f", ymax);
      draw_text (widget, cr, text, left - 6, Y (ymax), 1.0, 0.5);
    }
  if (Y (ymin) - Y (0) >= MIN_LABEL_GAP)
    {
      g_snprintf (text, sizeof text, "%'.0f", ymin);
      draw_text (widget, cr, text, left - 6, Y (ymin), 1.0, 0.5);
    }
  draw_text (widget, cr, "0 %", X (0), height - 2, 0.0, 1.0);
  draw_text (widget, cr, "50 %", X (0.5), height - 2, 0.5, 1.0);
  draw_text (widget, cr, "100 %", X (1), height - 2, 1.0, 1.0);

  /* random targeting */
  set_source (cr, &fg, 0.5);
  cairo_set_dash (cr, (double[]) { 5, 4 }, 2, 0);
  cairo_move_to (cr, X (0), Y (0));
  cairo_line_to (cr, X (1), Y (last));
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  /* the model's ranking */
  set_source (cr, &accent, 1.0);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < points->len; i++)
    {
      const StormQiniPoint *p = &g_array_index (points, StormQiniPoint, i);

      cairo_line_to (cr, X (p->fraction), Y (p->qini));
    }
  cairo_stroke (cr);
  for (guint i = 0; i < points->len; i++)
    {
      const StormQiniPoint *p = &g_array_index (points, StormQiniPoint, i);

      cairo_arc (cr, X (p->fraction), Y (p->qini), 3, 0, 2 * G_PI);
      cairo_fill (cr);
    }
#undef X
#undef Y
}

static void
draw_calibration (GtkDrawingArea *area,
                  cairo_t        *cr,
                  int             width,
                  int             height,
                  gpointer        data)
{
  StormTargetView *self = data;
  GtkWidget *widget = GTK_WIDGET (area);
  const double left = 56, right = 16, top = 28, bottom = 26;
  double plot_w = width - left - right, plot_h = height - top - bottom;
  double ymin = 0, ymax = 0, group_w, bar_w;
  GArray *bands;
  GdkRGBA fg, accent;
  char text[64];

  if (self->report == NULL || self->report->report.bands->len == 0 || self->report->report.n_outcomes == 0)
    {
      draw_no_data (widget, cr, width, height, _("No outcomes yet"));
      return;
    }
  bands = self->report->report.bands;
  for (guint i = 0; i < bands->len; i++)
    {
      const StormBandRow *b = &g_array_index (bands, StormBandRow, i);

      if (isfinite (b->predicted))
        ymin = MIN (ymin, b->predicted), ymax = MAX (ymax, b->predicted);
      if (isfinite (b->actual))
        ymin = MIN (ymin, b->actual), ymax = MAX (ymax, b->actual);
    }
  if (ymax - ymin < 0.01)
    ymax = ymin + 0.01;
  group_w = plot_w / bands->len;
  bar_w = MIN (group_w * 0.35, 28);

#define Y(v) (top + (ymax - (v)) / (ymax - ymin) * plot_h)

  _storm_cycle_style_color (widget, NULL, &fg);
  _storm_cycle_style_color (widget, "accent_color", &accent);

  set_source (cr, &fg, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, left, Y (0) + 0.5);
  cairo_line_to (cr, left + plot_w, Y (0) + 0.5);
  cairo_stroke (cr);

  set_source (cr, &fg, 0.7);
  draw_text (widget, cr, "0", left - 6, Y (0), 1.0, 0.5);
  if (Y (0) - Y (ymax) >= MIN_LABEL_GAP)
    {
      g_snprintf (text, sizeof text, "%+.0f", ymax * 100.0);
      draw_text (widget, cr, text, left - 6, Y (ymax), 1.0, 0.5);
    }
  if (Y (ymin) - Y (0) >= MIN_LABEL_GAP)
    {
      g_snprintf (text, sizeof text, "%+.0f", ymin * 100.0);
      draw_text (widget, cr, text, left - 6, Y (ymin), 1.0, 0.5);
    }

  for (guint i = 0; i < bands->len; i++)
    {
      const StormBandRow *b = &g_array_index (bands, StormBandRow, i);
      double cx = left + group_w * (i + 0.5);

      if (isfinite (b->predicted))
        {
          set_source (cr, &fg, 0.35);
          cairo_rectangle (cr, cx - bar_w, MIN (Y (0), Y (b->predicted)), bar_w - 1,
                           fabs (Y (b->predicted) - Y (0)));
          cairo_fill (cr);
        }
      if (isfinite (b->actual))
        {
          set_source (cr, &accent, 1.0);
          cairo_rectangle (cr, cx + 1, MIN (Y (0), Y (b->actual)), bar_w - 1, fabs (Y (b->actual) - Y (0)));
          cairo_fill (cr);
        }
      /* Label every band while there is room, else every other one. */
      if (group_w >= 40 || i % 2 == 0)
        {
          set_source (cr, &fg, 0.7);
          g_snprintf (text, sizeof text, "%.2f", b->band_lower);
          draw_text (widget, cr, text, cx, height - 2, 0.5, 1.0);
        }
    }

  /* legend */
  set_source (cr, &fg, 0.35);
  cairo_rectangle (cr, left, 8, 10, 10);
  cairo_fill (cr);
  set_source (cr, &fg, 0.8);
  draw_text (widget, cr, _("Predicted"), left + 14, 13, 0.0, 0.5);
  set_source (cr, &accent, 1.0);
  cairo_rectangle (cr, left + 100, 8, 10, 10);
  cairo_fill (cr);
  set_source (cr, &fg, 0.8);
  draw_text (widget, cr, _("Measured (points)"), left + 114, 13, 0.0, 0.5);
#undef Y
}

/* Evidence: the counts behind each number group and the rows they come
 * from, one translatable line at a time. */

#define LL(x) ((long long) (x))

static char *
evidence_preview (StormTargetView *self)
{
  const StormPolicySummary *s = &self->summary;
  double rct = gtk_adjustment_get_value (self->rct_adjustment);
  gint64 doors = (gint64) gtk_adjustment_get_value (self->doors_adjustment);
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("storm %lld: %lld properties (storm_properties)\n"),
                          LL (self->storm_id), LL (s->n_properties));
  g_string_append_printf (out, _("universal control: %lld (stored arm, else the hash of the property id with this "
                                 "database’s salt falls below the universal share)\n"),
                          LL (s->n_universal));
  g_string_append_printf (out, _("RCT control: %lld (stored arm, else the hash with the storm’s seed falls below "
                                 "%.0f %% of the rest)\n"),
                          LL (s->n_rct), rct);
  g_string_append_printf (out, _("eligible with an uplift score: %lld\n"), LL (self->n_scored));
  g_string_append_printf (out, _("treat: %lld (eligible, uplift ≥ %.2f)\n"), LL (s->n_treat), s->threshold);
  g_string_append_printf (out, _("hold: %lld (eligible, uplift below %.2f or no score)\n"),
                          LL (s->n_hold), s->threshold);
  g_string_append_printf (out, _("expected conversions: %.2f = Σ (base rate + uplift) over the treated\n"),
                          s->expected_conversions);
  g_string_append_printf (out, _("predicted lift: %.4f = Σ uplift / %lld treated\n"),
                          isfinite (s->predicted_lift) ? s->predicted_lift : 0.0, LL (s->n_treat));
  g_string_append_printf (out, _("routes needed: %lld = %lld treated / %lld doors per route, rounded up\n"),
                          LL (s->routes_needed), LL (s->n_treat), LL (doors));
  g_string_append (out, _("source: storm_properties JOIN properties LEFT JOIN experiment_assignments, read once and sorted "
                          "by uplift"));
  return g_string_free (out, FALSE);
}

static char *
evidence_policy (const StormExecution *e)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("execution: %lld (policy_executions.id, current)\n"), LL (e->id));
  g_string_append_printf (out, _("mode: %s, threshold %.4f\n"), e->mode, e->threshold);
  g_string_append_printf (out, _("universal control share: %.1f %%, RCT control share: %.1f %%\n"),
                          e->universal_pct * 100.0, e->rct_pct * 100.0);
  g_string_append_printf (out, _("applied: %s by %s\n"), e->created_at, e->actor);
  g_string_append_printf (out, _("treat / above_threshold: %lld\n"), LL (e->n_treat));
  g_string_append_printf (out, _("hold / below_threshold: %lld\n"), LL (e->n_hold));
  g_string_append_printf (out, _("hold / universal_control: %lld\n"), LL (e->n_universal));
  g_string_append_printf (out, _("hold / rct_control: %lld\n"), LL (e->n_rct));
  g_string_append_printf (out, _("total: %lld properties\n"), LL (e->n_properties));
  g_string_append_printf (out, _("expected conversions: %.2f, predicted lift: %.4f\n"),
                          e->expected_conversions, isfinite (e->predicted_lift) ? e->predicted_lift : 0.0);
  g_string_append_printf (out, _("rows: policy_decisions_log where execution_id = %lld"), LL (e->id));
  return g_string_free (out, FALSE);
}

static char *
evidence_conversions (const StormReport *r)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("treatment: %lld converted of %lld treated in execution %lld "
                                 "(policy_decisions_log JOIN policy_outcomes)\n"),
                          LL (r->x_treat), LL (r->n_treat), LL (r->execution_id));
  g_string_append_printf (out, _("RCT control: %lld converted of %lld (reason rct_control)\n"),
                          LL (r->x_rct), LL (r->n_rct));
  g_string_append_printf (out, _("universal control: %lld converted of %lld (reason universal_control)\n"),
                          LL (r->x_universal), LL (r->n_universal));
  g_string_append_printf (out, _("all controls: %lld converted of %lld\n"), LL (r->x_control), LL (r->n_control));
  g_string_append_printf (out, _("outcomes logged: %lld (policy_outcomes where storm_id = %lld and is_current = 1; "
                                 "corrections stay as history)\n"),
                          LL (r->n_outcomes), LL (r->storm_id));
  g_string_append (out, _("properties held below the threshold are neither treated nor control and are not "
                          "counted"));
  return g_string_free (out, FALSE);
}

static char *
evidence_lift (const StormReport *r)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("treatment: %lld/%lld = %.4f\n"), LL (r->x_treat), LL (r->n_treat), r->lift.p1);
  g_string_append_printf (out, _("control (RCT + universal): %lld/%lld = %.4f\n"),
                          LL (r->x_control), LL (r->n_control), r->lift.p2);
  g_string_append_printf (out, _("lift = %.4f − %.4f = %.4f\n"), r->lift.p1, r->lift.p2, r->lift.lift);
  g_string_append_printf (out, _("Newcombe hybrid score 95 %% interval: [%.4f, %.4f] (from the Wilson interval of "
                                 "each arm; Newcombe 1998, method 10)\n"),
                          r->lift.newcombe.lower, r->lift.newcombe.upper);
  g_string_append_printf (out, _("Wald 95 %% interval: [%.4f, %.4f]\n"), r->lift.wald.lower, r->lift.wald.upper);
  g_string_append_printf (out, _("pooled z = %.4f, two-sided p = %.4g\n"), r->lift.z, r->lift.p_value);
  g_string_append_printf (out, _("relative lift = lift / control rate = %.4f\n"), r->lift.relative_lift);
  if (r->has_lift_rct)
    g_string_append_printf (out, _("against the RCT control only (%lld/%lld): lift %.4f, Newcombe [%.4f, %.4f]\n"),
                            LL (r->x_rct), LL (r->n_rct), r->lift_rct.lift,
                            r->lift_rct.newcombe.lower, r->lift_rct.newcombe.upper);
  g_string_append_printf (out, _("predicted lift (policy_executions.predicted_lift): %.4f\n"), r->predicted_lift);
  g_string_append_printf (out, _("prediction error = %.4f − %.4f = %.4f\n"),
                          r->lift.lift, r->predicted_lift, r->prediction_error);
  g_string_append_printf (out, _("detectable difference (80 %% power, 5 %% two-sided, %lld vs %lld): %.4f\n"),
                          LL (r->n_treat), LL (r->n_control), r->detectable_difference);
  g_string_append_printf (out, _("rows: policy_decisions_log (execution %lld) JOIN policy_outcomes"),
                          LL (r->execution_id));
  return g_string_free (out, FALSE);
}

static char *
evidence_roi (StormTargetView   *self,
              const StormReport *r)
{
  double cost = gtk_adjustment_get_value (self->cost_adjustment);
  double value = gtk_adjustment_get_value (self->value_adjustment);
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("cost = %lld treated doors × %.2f = %.2f\n"), LL (r->n_treat), cost, r->cost);
  g_string_append_printf (out, _("incremental conversions = lift %.4f × %lld treated = %.2f\n"),
                          r->lift.lift, LL (r->n_treat), r->incremental_conversions);
  g_string_append_printf (out, _("incremental value = %.2f × %.2f = %.2f\n"),
                          r->incremental_conversions, value, r->incremental_value);
  g_string_append_printf (out, _("ROI = (value − cost) / cost = %.4f\n"), r->roi);
  g_string_append_printf (out, _("cost per door and value per conversion are kept in the database settings (%s, %s)"),
                          COST_KEY, VALUE_KEY);
  return g_string_free (out, FALSE);
}

static char *
evidence_calibration (const StormReport *r)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < r->bands->len; i++)
    {
      const StormBandRow *b = &g_array_index (r->bands, StormBandRow, i);

      g_string_append_printf (out,
                              _("%.2f–%.2f (uplift_band %d): treated %lld/%lld, control %lld/%lld, "
                                "predicted %.4f, measured %.4f\n"),
                              b->band_lower, b->band_lower + 0.05, (int) round (b->band_lower * 20),
                              LL (b->x_treat), LL (b->n_treat), LL (b->x_control), LL (b->n_control),
                              b->predicted, b->actual);
    }
  g_string_append_printf (out, _("rows: policy_decisions_log (execution %lld) JOIN policy_outcomes, treated and control "
                                 "properties with a score"),
                          LL (r->execution_id));
  return g_string_free (out, FALSE);
}

static char *
evidence_qini (const StormReport *r)
{
  GString *out = g_string_new (_("share   k   Q(k)   uplift at k\n"));

  for (guint i = 0; i < r->qini->len; i++)
    {
      const StormQiniPoint *p = &g_array_index (r->qini, StormQiniPoint, i);

      g_string_append_printf (out, "%3.0f %%  %lld  %.2f  %.4f\n",
                              p->fraction * 100.0, LL (p->k), p->qini, p->uplift_at_k);
    }
  g_string_append_printf (out, _("Q(k) = Y_T(k) − Y_C(k) · N_T(k) / N_C(k) over the treated and control properties "
                                 "of execution %lld ranked by uplift score, highest first\n"),
                          LL (r->execution_id));
  g_string_append_printf (out, _("Qini coefficient: %.4f"), r->qini_coefficient);
  return g_string_free (out, FALSE);
}

static void
show_evidence_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  StormTargetView *self = STORM_TARGET_VIEW (widget);
  const char *which = g_variant_get_string (parameter, NULL);
  const StormExecution *e = current_execution (self);
  const StormReport *r = self->report ? &self->report->report : NULL;
  g_autofree char *details = NULL;
  const char *heading = NULL;
  const char *body = NULL;

  if (g_str_equal (which, "preview") && self->preview != NULL)
    {
      heading = _("Scenario Preview");
      body = _("What the policy would do at this threshold, computed from the storm’s rows without writing anything.");
      details = evidence_preview (self);
    }
  else if (e == NULL || r == NULL)
    return;
  else if (g_str_equal (which, "policy"))
    {
      heading = _("Current Policy");
      body = _("The current execution and the count of its logged decisions by reason.");
      details = evidence_policy (e);
    }
  else if (g_str_equal (which, "conversions"))
    {
      heading = _("Conversions So Far");
      body = _("Converted properties by arm of the current execution.");
      details = evidence_conversions (r);
    }
  else if (g_str_equal (which, "lift"))
    {
      heading = _("Measured Lift");
      body = _("The counts behind the lift and how each number is computed.");
      details = evidence_lift (r);
    }
  else if (g_str_equal (which, "roi"))
    {
      heading = _("Return on Investment");
      body = _("How the cost, the incremental value and the return are computed.");
      details = evidence_roi (self, r);
    }
  else if (g_str_equal (which, "calibration"))
    {
      heading = _("Calibration by Uplift Band");
      body = _("Each band’s counts, predicted lift and measured lift.");
      details = evidence_calibration (r);
    }
  else if (g_str_equal (which, "qini"))
    {
      heading = _("Uplift Model Quality");
      body = _("The points of the Qini curve.");
      details = evidence_qini (r);
    }
  else
    return;

  _storm_cycle_show_evidence (widget, heading, body, details);
}

/* Apply */

static void
apply_progress_cb (double      fraction,
                   const char *message,
                   gpointer    user_data)
{
  StormTargetView *self = user_data;

  if (self->applying == NULL)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, message);
}

static gboolean
apply_job_run (StormDb        *db,
               gpointer        data,
               GCancellable   *cancellable,
               StormProgress  *progress,
               GError        **error)
{
  ApplyJob *job = data;

  return storm_policy_apply (db, job->storm_id, &job->params, &job->summary, cancellable, progress, error);
}

static void
apply_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(StormTargetView) self = user_data;
  g_autoptr(GError) error = NULL;
  ApplyJob *job = self->apply_job;
  gboolean ok;

  /* Announces the written tables, which schedules the re-read. */
  ok = storm_store_run_finish (STORM_STORE (source), result, &error);
  self->apply_job = NULL;
  g_clear_object (&self->applying);
  if (self->stack == NULL)
    return;  /* disposed while the policy was applied */
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);

  if (!ok && _storm_cycle_is_cancelled (error))
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (_("Applying the policy was cancelled. Nothing was changed.")));
  else if (!ok)
    _storm_cycle_show_error (GTK_WIDGET (self), _("Cannot Apply the Policy"), error);
  else
    {
      g_autofree char *treat = _storm_cycle_format_count (job->summary.n_treat);
      g_autofree char *title = g_strdup_printf (_("Policy applied: %s properties to treat"), treat);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
    }
  update_actions (self);
  update_loading (self);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StormTargetView *self = STORM_TARGET_VIEW (widget);
  static const char * const tables[] = {
    "experiment_assignments", "policy_executions", "policy_decisions_log", NULL
  };
  StormProgress *progress;
  ApplyJob *job;

  if (self->applying != NULL || self->store == NULL || self->storm_id == 0)
    return;

  job = g_new0 (ApplyJob, 1);
  job->storm_id = self->storm_id;
  job->actor = g_strdup (g_get_user_name ());
  storm_policy_params_init (&job->params);
  job->params.mode = selected_mode (self);
  job->params.threshold = current_threshold (self);
  job->params.rct_pct = gtk_adjustment_get_value (self->rct_adjustment) / 100.0;
  job->params.actor = job->actor;

  self->applying = g_cancellable_new ();
  self->apply_job = job;
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _("Applying the policy…"));
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);

  progress = storm_progress_new (apply_progress_cb, g_object_ref (self), g_object_unref);
  storm_store_run_async (self->store, tables, apply_job_run, job, apply_job_free, progress,
                         self->applying, apply_done_cb, g_object_ref (self));
  update_actions (self);
  update_loading (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StormTargetView *self = STORM_TARGET_VIEW (widget);

  g_cancellable_cancel (self->applying);
}

/* GObject */

static void
cancel_reads (StormTargetView *self)
{
  g_cancellable_cancel (self->preview_loading);
  g_clear_object (&self->preview_loading);
  g_cancellable_cancel (self->report_loading);
  g_clear_object (&self->report_loading);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->rct_timeout, g_source_remove);
  g_clear_handle_id (&self->roi_timeout, g_source_remove);
  self->reload_flags = 0;
}

static void
storm_target_view_dispose (GObject *object)
{
  StormTargetView *self = STORM_TARGET_VIEW (object);

  cancel_reads (self);
  g_cancellable_cancel (self->applying);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_pointer (&self->preview, storm_policy_preview_free);
  g_clear_pointer (&self->report, report_data_free);
  g_clear_error (&self->preview_error);

  /* AdwBin keeps its own pointer to the child: let it drop the child
   * before the template does. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STORM_TYPE_TARGET_VIEW);

  G_OBJECT_CLASS (storm_target_view_parent_class)->dispose (object);
}

static void
storm_target_view_finalize (GObject *object)
{
  StormTargetView *self = STORM_TARGET_VIEW (object);

  g_clear_object (&self->applying);

  G_OBJECT_CLASS (storm_target_view_parent_class)->finalize (object);
}

static void
storm_target_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StormTargetView *self = STORM_TARGET_VIEW (object);

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
storm_target_view_class_init (StormTargetViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = storm_target_view_dispose;
  object_class->finalize = storm_target_view_finalize;
  object_class->get_property = storm_target_view_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/storm-target-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, stack);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, spinner);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, empty_actions);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, mode_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, threshold_scale);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, rct_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, rct_adjustment);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, doors_adjustment);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, preview_treat_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, preview_hold_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, preview_universal_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, preview_rct_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, preview_expected_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, preview_lift_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, preview_routes_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, preview_properties_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, no_policy_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, applied_box);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, current_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, policy_treat_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, policy_hold_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, policy_universal_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, policy_rct_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, conversions_group);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, conv_treat_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, conv_rct_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, conv_universal_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, conv_control_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, no_outcomes_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, lift_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, wald_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, p_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, relative_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, rct_lift_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, predicted_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, error_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, detectable_row);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, lift_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, wald_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, p_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, relative_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, rct_lift_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, predicted_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, error_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, cost_adjustment);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, value_adjustment);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, roi_cost_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, roi_conversions_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, roi_value_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, roi_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, calibration_chart);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, calibration_grid);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, qini_chart);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, qini_label);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, top_list);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, history_group);
  gtk_widget_class_bind_template_child (widget_class, StormTargetView, history_list);
  gtk_widget_class_bind_template_callback (widget_class, mode_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, threshold_changed_cb);

  gtk_widget_class_install_action (widget_class, "target.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "target.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "target.show-evidence", "s", show_evidence_action);
}

static void
storm_target_view_init (StormTargetView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (StormPolicyMode m = STORM_POLICY_AGGRESSIVE; m < STORM_POLICY_CUSTOM; m++)
    gtk_scale_add_mark (self->threshold_scale, storm_policy_mode_threshold (m), GTK_POS_BOTTOM, NULL);
  adw_combo_row_set_selected (self->mode_row, STORM_POLICY_MODERATE);
  g_signal_connect_swapped (self->rct_adjustment, "value-changed", G_CALLBACK (rct_changed_cb), self);
  g_signal_connect_swapped (self->doors_adjustment, "value-changed", G_CALLBACK (doors_changed_cb), self);
  g_signal_connect_swapped (self->cost_adjustment, "value-changed", G_CALLBACK (roi_changed_cb), self);
  g_signal_connect_swapped (self->value_adjustment, "value-changed", G_CALLBACK (roi_changed_cb), self);
  gtk_drawing_area_set_draw_func (self->qini_chart, draw_qini, self, NULL);
  gtk_drawing_area_set_draw_func (self->calibration_chart, draw_calibration, self, NULL);
  update_page (self);
  update_actions (self);
}

StormTargetView *
storm_target_view_new (void)
{
  return g_object_new (STORM_TYPE_TARGET_VIEW, NULL);
}

void
storm_target_view_set_storm (StormTargetView *self,
                             StormStore      *store,
                             gint64           storm_id)
{
  g_return_if_fail (STORM_IS_TARGET_VIEW (self));
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

  cancel_reads (self);
  g_clear_pointer (&self->preview, storm_policy_preview_free);
  g_clear_pointer (&self->report, report_data_free);
  g_clear_error (&self->preview_error);
  self->n_scored = 0;
  memset (&self->summary, 0, sizeof self->summary);

  /* A storm starts from the default policy, or from its current one once
   * the report shows it. */
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->mode_row, STORM_POLICY_MODERATE);
  gtk_adjustment_set_value (self->threshold_adjustment, storm_policy_mode_threshold (STORM_POLICY_MODERATE));
  gtk_adjustment_set_value (self->rct_adjustment, STORM_POLICY_DEFAULT_RCT_PCT * 100.0);
  self->syncing = FALSE;
  g_clear_handle_id (&self->rct_timeout, g_source_remove);
  self->controls_pending = TRUE;
  load_roi_settings (self);
  gtk_widget_set_visible (self->applied_box, FALSE);
  gtk_widget_set_visible (self->no_policy_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->history_group), FALSE);

  start_preview_load (self);
  start_report_load (self);
  update_page (self);
  update_actions (self);
  update_loading (self);
}

gint64
storm_target_view_get_storm (StormTargetView *self)
{
  g_return_val_if_fail (STORM_IS_TARGET_VIEW (self), 0);

  return self->storm_id;
}

gboolean
storm_target_view_get_loading (StormTargetView *self)
{
  g_return_val_if_fail (STORM_IS_TARGET_VIEW (self), FALSE);

  return self->loading;
}
