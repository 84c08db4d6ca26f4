#pragma once

#include <adwaita.h>

#include "storm-store.h"

G_BEGIN_DECLS

#define STORM_TYPE_SALES_LEAK_VIEW (storm_sales_leak_view_get_type ())

G_DECLARE_FINAL_TYPE (StormSalesLeakView, storm_sales_leak_view, STORM, SALES_LEAK_VIEW, GtkWidget)

StormStore *storm_sales_leak_view_get_store   (StormSalesLeakView *self);
void        storm_sales_leak_view_set_store   (StormSalesLeakView *self,
                                               StormStore         *store);
gboolean    storm_sales_leak_view_get_loading (StormSalesLeakView *self);

G_END_DECLS
