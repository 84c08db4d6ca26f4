#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Leads from the CSV export of another CRM. Columns are found by their
 * usual names (Deal Name, Deal Stage, Amount, Create Date, Close Date,
 * Contact, Source, Owner…) or named by a mapping; the CRM's stage names
 * are matched to our stages by code or name, or through a stage map.
 * Each lead gets its stage history: created in the first stage at its
 * creation date, then moved to its stage at the close date (won or lost)
 * or the creation date. One transaction: nothing is kept on an error,
 * which names the file, the line and the field. */

typedef enum {
  STORM_LEAD_COLUMN_TITLE,
  STORM_LEAD_COLUMN_COMPANY,
  STORM_LEAD_COLUMN_CONTACT,
  STORM_LEAD_COLUMN_SOURCE,
  STORM_LEAD_COLUMN_STAGE,
  STORM_LEAD_COLUMN_VALUE,
  STORM_LEAD_COLUMN_OWNER,
  STORM_LEAD_COLUMN_CREATED,
  STORM_LEAD_COLUMN_CLOSED,
  STORM_LEAD_N_COLUMNS
} StormLeadColumn;

typedef struct _StormLeadMapping StormLeadMapping;

StormLeadMapping *storm_lead_mapping_new         (void);
void              storm_lead_mapping_free        (StormLeadMapping  *mapping);
/* "stage=Deal Stage,value=Amount,created=Create Date,closed=Close Date,
 * name=Deal Name,company=…,contact=…,source=…,owner=…" */
gboolean          storm_lead_mapping_set_columns (StormLeadMapping  *mapping,
                                                  const char        *spec,
                                                  GError           **error);
/* "Closed Won=SHIPPED,Appointment Scheduled=CONTACTED" */
gboolean          storm_lead_mapping_set_stages  (StormLeadMapping  *mapping,
                                                  const char        *spec,
                                                  GError           **error);

/* Returns the number of leads added, or -1 with @error set. */
gint64            storm_import_leads_csv         (StormDb                 *db,
                                                  const char              *path,
                                                  const StormLeadMapping  *mapping,
                                                  GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StormLeadMapping, storm_lead_mapping_free)

G_END_DECLS
