#define G_LOG_DOMAIN "storm-property-list"

#include "config.h"

#include "storm-property-list.h"
#include "storm-store-properties.h"

/* A GListModel over the properties of one storm. It keeps only the row ids
 * (loaded on a worker thread) and builds a StormProperty when a row asks
 * for it, so a million-property storm opens at once. */
struct _StormPropertyList
{
  GObject       parent_instance;
  StormStore   *store;
  gint64        storm_id;
  char         *search;
  GArray       *ids;
  GCancellable *loading;
  gulong        changed_id;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StormPropertyList, storm_property_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORM_ID,
  PROP_SEARCH,
  PROP_LOADING,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char   *path;
  gint64  storm_id;
  char   *search;
} Query;

static void
query_free (gpointer data)
{
  Query *query = data;

  g_free (query->path);
  g_free (query->search);
  g_free (query);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Query *query = task_data;
  g_autoptr(StormDb) db = NULL;
  GError *error = NULL;
  GArray *ids;

  db = storm_db_open (query->path, &error);
  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ids = storm_db_property_ids (db, query->storm_id, query->search, cancellable, &error);
  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_array_unref);
}

static void
replace_ids (StormPropertyList *self,
             GArray            *ids)
{
  guint removed = self->ids->len;

  g_array_unref (self->ids);
  self->ids = ids;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, ids->len);
  if (removed != ids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(StormPropertyList) self = user_data;
  g_autoptr(GError) error = NULL;
  GArray *ids;

  ids = g_task_propagate_pointer (G_TASK (result), &error);
  if (ids == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Cannot list properties: %s", error->message);
          g_clear_object (&self->loading);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
        }
      return;
    }
  g_clear_object (&self->loading);
  replace_ids (self, ids);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
reload (StormPropertyList *self)
{
  g_autoptr(GTask) task = NULL;
  Query *query;

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);

  if (self->storm_id == 0)
    {
      replace_ids (self, g_array_new (FALSE, FALSE, sizeof (gint64)));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      return;
    }

  self->loading = g_cancellable_new ();
  query = g_new0 (Query, 1);
  query->path = g_strdup (storm_store_get_path (self->store));
  query->storm_id = self->storm_id;
  query->search = g_strdup (self->search);

  task = g_task_new (NULL, self->loading, load_cb, g_object_ref (self));
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, query, query_free);
  g_task_run_in_thread (task, load_thread);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
store_changed_cb (StormStore        *store,
                  const char        *table,
                  StormPropertyList *self)
{
  if (g_str_equal (table, "properties") || g_str_equal (table, "storm_properties"))
    reload (self);
}

static GType
storm_property_list_get_item_type (GListModel *model)
{
  return STORM_TYPE_PROPERTY;
}

static guint
storm_property_list_get_n_items (GListModel *model)
{
  return STORM_PROPERTY_LIST (model)->ids->len;
}

static gpointer
storm_property_list_get_item (GListModel *model,
                              guint       position)
{
  StormPropertyList *self = STORM_PROPERTY_LIST (model);
  g_autoptr(GError) error = NULL;
  StormProperty *property;

  if (position >= self->ids->len)
    return NULL;
  property = storm_db_get_property (storm_store_get_db (self->store), self->storm_id,
                                    g_array_index (self->ids, gint64, position), &error);
  if (property == NULL)
    g_warning ("%s", error->message);
  return property;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = storm_property_list_get_item_type;
  iface->get_n_items = storm_property_list_get_n_items;
  iface->get_item = storm_property_list_get_item;
}

static void
storm_property_list_dispose (GObject *object)
{
  StormPropertyList *self = (StormPropertyList *) object;

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (storm_property_list_parent_class)->dispose (object);
}

static void
storm_property_list_finalize (GObject *object)
{
  StormPropertyList *self = (StormPropertyList *) object;

  g_clear_pointer (&self->ids, g_array_unref);
  g_free (self->search);

  G_OBJECT_CLASS (storm_property_list_parent_class)->finalize (object);
}

static void
storm_property_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StormPropertyList *self = STORM_PROPERTY_LIST (object);

  switch (prop_id)
    {
    case PROP_STORM_ID:
      g_value_set_int64 (value, self->storm_id);
      break;

    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, storm_property_list_get_loading (self));
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_property_list_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  StormPropertyList *self = STORM_PROPERTY_LIST (object);

  switch (prop_id)
    {
    case PROP_STORM_ID:
      storm_property_list_set_storm (self, g_value_get_int64 (value));
      break;

    case PROP_SEARCH:
      storm_property_list_set_search (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_property_list_class_init (StormPropertyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = storm_property_list_dispose;
  object_class->finalize = storm_property_list_finalize;
  object_class->get_property = storm_property_list_get_property;
  object_class->set_property = storm_property_list_set_property;

  properties[PROP_STORM_ID] =
    g_param_spec_int64 ("storm-id", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
storm_property_list_init (StormPropertyList *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

StormPropertyList *
storm_property_list_new (StormStore *store)
{
  StormPropertyList *self;

  g_return_val_if_fail (STORM_IS_STORE (store), NULL);

  self = g_object_new (STORM_TYPE_PROPERTY_LIST, NULL);
  self->store = g_object_ref (store);
  self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  return self;
}

void
storm_property_list_set_storm (StormPropertyList *self,
                               gint64             storm_id)
{
  g_return_if_fail (STORM_IS_PROPERTY_LIST (self));

  if (self->storm_id == storm_id)
    return;
  self->storm_id = storm_id;
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORM_ID]);
}

gint64
storm_property_list_get_storm (StormPropertyList *self)
{
  g_return_val_if_fail (STORM_IS_PROPERTY_LIST (self), 0);

  return self->storm_id;
}

void
storm_property_list_set_search (StormPropertyList *self,
                                const char        *search)
{
  g_return_if_fail (STORM_IS_PROPERTY_LIST (self));

  if (g_strcmp0 (self->search, search) == 0)
    return;
  g_free (self->search);
  self->search = g_strdup (search);
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

const char *
storm_property_list_get_search (StormPropertyList *self)
{
  g_return_val_if_fail (STORM_IS_PROPERTY_LIST (self), NULL);

  return self->search;
}

gboolean
storm_property_list_get_loading (StormPropertyList *self)
{
  g_return_val_if_fail (STORM_IS_PROPERTY_LIST (self), FALSE);

  return self->loading != NULL;
}
