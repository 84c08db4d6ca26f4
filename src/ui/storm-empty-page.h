#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STORM_TYPE_EMPTY_PAGE (storm_empty_page_get_type ())

G_DECLARE_FINAL_TYPE (StormEmptyPage, storm_empty_page, STORM, EMPTY_PAGE, GtkWidget)

const char *storm_empty_page_get_page (StormEmptyPage *self);
void        storm_empty_page_set_page (StormEmptyPage *self,
                                       const char     *page);

G_END_DECLS
