#define G_LOG_DOMAIN "storm-store"

#include "config.h"

#include "storm-error.h"
#include "storm-store.h"

struct _StormStore
{
  GObject  parent_instance;
  StormDb *db;
};

G_DEFINE_FINAL_TYPE (StormStore, storm_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char              *path;
  char             **tables;
  StormStoreJobFunc  func;
  gpointer           data;
  GDestroyNotify     data_destroy;
  StormProgress     *progress;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->data_destroy != NULL)
    job->data_destroy (job->data);
  g_clear_pointer (&job->progress, storm_progress_free);
  g_strfreev (job->tables);
  g_free (job->path);
  g_free (job);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(StormDb) db = NULL;
  GError *error = NULL;

  db = storm_db_open (job->path, &error);
  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!job->func (db, job->data, cancellable, job->progress, &error))
    {
      storm_db_rollback (db);
      g_task_return_error (task, error);
      return;
    }
  g_assert (sqlite3_get_autocommit (storm_db_handle (db)));
  g_task_return_boolean (task, TRUE);
}

static void
storm_store_finalize (GObject *object)
{
  StormStore *self = (StormStore *) object;

  g_clear_pointer (&self->db, storm_db_close);

  G_OBJECT_CLASS (storm_store_parent_class)->finalize (object);
}

static void
storm_store_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  StormStore *self = STORM_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, storm_store_get_path (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
storm_store_class_init (StormStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = storm_store_finalize;
  object_class->get_property = storm_store_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StormStore::changed:
   * @table: the table whose rows changed
   *
   * Emitted on the main thread after a write commits; detailed by table.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
storm_store_init (StormStore *self)
{
}

StormStore *
storm_store_open (const char  *path,
                  GError     **error)
{
  StormStore *self;
  StormDb *db;

  g_return_val_if_fail (path != NULL, NULL);

  db = storm_db_open (path, error);
  if (db == NULL)
    return NULL;
  self = g_object_new (STORM_TYPE_STORE, NULL);
  self->db = db;
  return self;
}

const char *
storm_store_get_path (StormStore *self)
{
  g_return_val_if_fail (STORM_IS_STORE (self), NULL);

  return storm_db_path (self->db);
}

StormDb *
storm_store_get_db (StormStore *self)
{
  g_return_val_if_fail (STORM_IS_STORE (self), NULL);

  return self->db;
}

void
storm_store_notify_changed (StormStore *self,
                            const char *table)
{
  g_return_if_fail (STORM_IS_STORE (self));
  g_return_if_fail (table != NULL);

  g_signal_emit (self, signals[CHANGED], g_quark_from_string (table), table);
}

void
storm_store_run_async (StormStore          *self,
                       const char * const  *tables,
                       StormStoreJobFunc    func,
                       gpointer             data,
                       GDestroyNotify       data_destroy,
                       StormProgress       *progress,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (STORM_IS_STORE (self));
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->path = g_strdup (storm_db_path (self->db));
  job->tables = g_strdupv ((char **) tables);
  job->func = func;
  job->data = data;
  job->data_destroy = data_destroy;
  job->progress = progress;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, storm_store_run_async);
  g_task_set_task_data (task, job, job_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

gboolean
storm_store_run_finish (StormStore    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  GTask *task = G_TASK (result);
  Job *job;

  g_return_val_if_fail (STORM_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  job = g_task_get_task_data (task);
  /* Even a failed job may have logged an event; tell listeners. */
  for (guint i = 0; job->tables != NULL && job->tables[i] != NULL; i++)
    storm_store_notify_changed (self, job->tables[i]);
  storm_store_notify_changed (self, "events");

  return g_task_propagate_boolean (task, error);
}
