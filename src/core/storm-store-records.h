#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Editable records of the dashboards' tables, described field by field
 * so one editor serves them all and every write is checked the same way:
 * service packages, a lead's offer ladder and expectation snapshots,
 * stage benchmarks, change-risk rules, leads and client results. */

typedef enum {
  STORM_FIELD_TEXT,
  STORM_FIELD_MULTILINE,
  STORM_FIELD_NUMBER,      /* an integer */
  STORM_FIELD_MONEY,       /* an amount ≥ 0; "$1,200" is read as 1200 */
  STORM_FIELD_PERCENT,     /* typed 0–100, stored 0–1 */
  STORM_FIELD_DECIMAL,     /* any number */
  STORM_FIELD_CHOICE,      /* one of choices */
  STORM_FIELD_REFERENCE,   /* the id of a row listed by choices_sql */
  STORM_FIELD_DATE,        /* 2026-12-02 or an ISO 8601 time */
} StormFieldKind;

typedef struct {
  const char          *column;
  const char          *label;          /* marked for gettext, untranslated */
  StormFieldKind       kind;
  gboolean             required;
  double               min;            /* NUMBER, MONEY, DECIMAL: when min < max */
  double               max;
  const char * const  *choices;        /* CHOICE: codes, NULL-terminated */
  const char * const  *choice_labels;  /* CHOICE: labels marked for gettext, same order */
  const char          *choices_sql;    /* REFERENCE: SELECT id, label */
} StormField;

typedef struct _StormRecordKind StormRecordKind;

struct _StormRecordKind {
  const char        *name;           /* "package", "risk-rule" … */
  const char        *table;
  const char        *title;          /* in a sentence; marked for gettext, untranslated */
  const char        *new_title;      /* window titles, likewise */
  const char        *edit_title;
  const char        *parent_column;  /* lead_id for per-lead records, else NULL */
  gboolean           can_add;
  gboolean           can_delete;
  const StormField  *fields;
  guint              n_fields;
  /* Checks across fields and makes room for the row; runs inside the
   * transaction, before the row is written. */
  gboolean         (*before_write) (StormDb               *db,
                                   const StormRecordKind *kind,
                                   gint64                 id,
                                   GHashTable            *values,
                                   const char           **bad_column,
                                   GError               **error);
};

/* NULL when there is no kind of that name. */
const StormRecordKind *storm_record_kind_lookup   (const char             *name);
const StormField      *storm_record_kind_field    (const StormRecordKind  *kind,
                                                   const char             *column);

/* The record's fields as text, column → value (absent when NULL), as the
 * editor shows them (percent as 0–100). NULL with @error set when there
 * is no such row. */
GHashTable *storm_db_load_record    (StormDb                *db,
                                     const StormRecordKind  *kind,
                                     gint64                  id,
                                     GError                **error);
/* Checks @values (column → text; a missing or empty value is NULL) and
 * writes them in one transaction: an update of @id, or a new row when
 * @id is 0 (under @parent_id for a per-lead kind). A bad value is refused
 * with STORM_ERROR_INVALID and a message starting with the field's
 * label, and @bad_column (if not NULL) names its column; nothing is
 * written then. Returns the row's id, 0 on error. */
gint64      storm_db_save_record    (StormDb                *db,
                                     const StormRecordKind  *kind,
                                     gint64                  id,
                                     gint64                  parent_id,
                                     GHashTable             *values,
                                     const char            **bad_column,
                                     GError                **error);
gboolean    storm_db_delete_record  (StormDb                *db,
                                     const StormRecordKind  *kind,
                                     gint64                  id,
                                     GError                **error);

G_END_DECLS
