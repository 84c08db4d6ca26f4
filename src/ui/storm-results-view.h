#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_RESULTS_VIEW (storm_results_view_get_type ())

G_DECLARE_FINAL_TYPE (StormResultsView, storm_results_view, STORM, RESULTS_VIEW, GtkWidget)

void storm_results_view_set_store (StormResultsView *self,
                                   StormStore       *store);

G_END_DECLS
