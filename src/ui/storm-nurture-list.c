#define G_LOG_DOMAIN "storm-nurture-list"

#include "config.h"

#include "storm-nurture-item.h"
#include "storm-nurture-list.h"

struct _StormNurtureList
{
  GObject    parent_instance;
  GPtrArray *items;
};

static GType
list_get_item_type (GListModel *model)
{
  return STORM_TYPE_NURTURE_ITEM;
}

static guint
list_get_n_items (GListModel *model)
{
  return STORM_NURTURE_LIST (model)->items->len;
}

static gpointer
list_get_item (GListModel *model,
               guint       position)
{
  StormNurtureList *self = STORM_NURTURE_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (StormNurtureList, storm_nurture_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
storm_nurture_list_finalize (GObject *object)
{
  StormNurtureList *self = STORM_NURTURE_LIST (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (storm_nurture_list_parent_class)->finalize (object);
}

static void
storm_nurture_list_class_init (StormNurtureListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = storm_nurture_list_finalize;
}

static void
storm_nurture_list_init (StormNurtureList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

StormNurtureList *
storm_nurture_list_new (void)
{
  return g_object_new (STORM_TYPE_NURTURE_LIST, NULL);
}

void
storm_nurture_list_set_items (StormNurtureList *self,
                              GPtrArray        *items)
{
  g_autoptr(GPtrArray) old = NULL;

  g_return_if_fail (STORM_IS_NURTURE_LIST (self));
  g_return_if_fail (items != NULL);

  old = g_steal_pointer (&self->items);
  self->items = g_ptr_array_ref (items);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, items->len);
}

void
storm_nurture_list_clear (StormNurtureList *self)
{
  g_autoptr(GPtrArray) empty = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (STORM_IS_NURTURE_LIST (self));

  if (self->items->len > 0)
    storm_nurture_list_set_items (self, empty);
}
