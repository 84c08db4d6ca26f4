#pragma once

#include "storm-phases-page.h"
#include "storm-window.h"

G_BEGIN_DECLS

typedef enum {
  STORM_IMPORT_PROPERTIES,
  STORM_IMPORT_REPORTS,
} StormImportKind;

struct _StormWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkListBox           *sidebar_list;
  GtkDropDown          *storm_dropdown;
  GListStore           *storms;
  GtkStack             *title_stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwWindowTitle       *page_title;
  GtkRevealer          *demo_revealer;
  GtkRevealer          *operation_revealer;
  GtkLabel             *operation_label;
  GtkProgressBar       *operation_bar;
  GtkStack             *stack;
  StormPhasesPage      *phases;
  AdwStatusPage        *error_page;
  GtkLabel             *error_path_label;

  GSettings            *settings;
  StormStore           *store;
  StormStorm           *storm;
  gulong                store_changed_id;

  /* The storm list is read on a worker: counting a million-property
   * storm's rows must not delay the window. */
  GCancellable         *storms_loading;
  gboolean              storms_loaded;
  gboolean              syncing_storms;
  char                 *pending_code;
  gint64                pending_id;
  gboolean              load_demo_when_empty;

  /* The import or demo job running, if any: one at a time. */
  GCancellable         *operation;
  GPtrArray            *import_warnings;
  gint64                n_import_warnings;

  gboolean              busy;
  gboolean              no_storms;
};

void _storm_window_class_actions_init (StormWindowClass *klass);
void _storm_window_update_actions     (StormWindow      *self);
void _storm_window_update_busy        (StormWindow      *self);
void _storm_window_reload_storms      (StormWindow      *self);
void _storm_window_select_when_loaded (StormWindow      *self,
                                       const char       *code,
                                       gint64            storm_id);
void _storm_window_load_demo          (StormWindow      *self);
gboolean _storm_window_has_demo_storm (StormWindow      *self);
void _storm_window_start_import       (StormWindow      *self,
                                       StormImportKind   kind,
                                       const char       *path,
                                       const char       *display_name,
                                       const char       *storm_code,
                                       const char       *state);

G_END_DECLS
