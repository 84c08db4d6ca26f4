#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Approvals: everything that waits for a person before it reaches a
 * client or production (migration 4). The store's triggers refuse to
 * send a proposal or deploy an agent job without an approved row here. */

#define STORM_APPROVAL_PROPOSAL_SEND  "proposal_send"
#define STORM_APPROVAL_FOLLOW_UP_SEND "follow_up_send"
#define STORM_APPROVAL_AGENT_DEPLOY   "agent_deploy"

/* The pending approval of @kind for @subject_id, or a new one. */
gint64   storm_db_request_approval  (StormDb     *db,
                                     const char  *kind,
                                     gint64       subject_id,
                                     const char  *summary,
                                     const char  *requested_by,
                                     const char  *requested_at,
                                     gboolean     is_demo,
                                     GError     **error);
/* Records that @person approved, at @at (NULL: now). Refused when
 * @person is empty or one of the app's own actors, or when the approval
 * was already decided. */
gboolean storm_db_approve           (StormDb     *db,
                                     gint64       approval_id,
                                     const char  *person,
                                     const char  *at,
                                     GError     **error);
gboolean storm_db_reject            (StormDb     *db,
                                     gint64       approval_id,
                                     const char  *note,
                                     GError     **error);
gint64   storm_db_count_pending_approvals (StormDb *db);

G_END_DECLS
