#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_PACKAGES_VIEW (storm_packages_view_get_type ())

G_DECLARE_FINAL_TYPE (StormPackagesView, storm_packages_view, STORM, PACKAGES_VIEW, GtkWidget)

void storm_packages_view_set_store (StormPackagesView *self,
                                    StormStore        *store);

G_END_DECLS
