#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Leads, their stage history, touches and proposals (migration 4). */

typedef struct {
  const char *title;
  const char *company;
  const char *contact;
  const char *source;
  const char *stage;       /* NULL: the first stage */
  double      value;       /* < 0: unknown */
  const char *offer_type;
  gint64      package_id;  /* 0: none */
  const char *owner;
  const char *created_at;  /* NULL: now */
  gboolean    is_demo;
} StormLeadSpec;

/* Adds a lead and the first row of its stage history (entered at
 * created_at). Returns its id, or 0 with @error set. */
gint64   storm_db_add_lead             (StormDb              *db,
                                        const StormLeadSpec  *spec,
                                        const char           *actor,
                                        GError              **error);
/* Moves a lead to @stage; the store records the change in its history,
 * at @at (NULL: now). */
gboolean storm_db_set_lead_stage       (StormDb              *db,
                                        gint64                lead_id,
                                        const char           *stage,
                                        const char           *at,
                                        const char           *actor,
                                        GError              **error);
gint64   storm_db_add_lead_touch       (StormDb              *db,
                                        gint64                lead_id,
                                        const char           *channel,
                                        const char           *at,
                                        const char           *note,
                                        GError              **error);
gboolean storm_db_delete_lead          (StormDb              *db,
                                        gint64                lead_id,
                                        GError              **error);

gint64   storm_db_add_proposal         (StormDb              *db,
                                        gint64                lead_id,
                                        const char           *title,
                                        double                amount,
                                        const char           *created_at,
                                        GError              **error);
/* Refused (STORM_ERROR_REFUSED) unless a person approved sending it. */
gboolean storm_db_mark_proposal_sent   (StormDb              *db,
                                        gint64                proposal_id,
                                        const char           *at,
                                        GError              **error);
gboolean storm_db_set_proposal_outcome (StormDb              *db,
                                        gint64                proposal_id,
                                        const char           *outcome,
                                        const char           *at,
                                        GError              **error);

/* Stage codes in order, NULL-terminated. */
GStrv    storm_db_list_lead_stages     (StormDb              *db,
                                        GError              **error);

G_END_DECLS
