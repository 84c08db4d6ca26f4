#pragma once

#include "storm-store-db.h"

G_BEGIN_DECLS

/* Idempotency keys of the HTTP API (table api_idempotency_keys): the
 * first response to a request with a key is kept, written in the same
 * transaction as the request's changes, and returned again when the
 * client retries. */

/* Looks @key up. FALSE with STORM_ERROR_REFUSED when the key was used
 * for a different request (@request_hash differs). */
gboolean storm_api_idempotency_lookup (StormDb     *db,
                                       const char  *key,
                                       const char  *request_hash,
                                       gboolean    *found,
                                       guint       *status,
                                       char       **response,
                                       GError     **error);
gboolean storm_api_idempotency_store  (StormDb     *db,
                                       const char  *key,
                                       const char  *request_hash,
                                       guint        status,
                                       const char  *response,
                                       GError     **error);

/* Forgets keys older than @days: a client retries within minutes, and
 * the table would otherwise grow by a row per write forever. Returns the
 * number of keys removed, or -1 with @error. */
gint64   storm_api_idempotency_prune  (StormDb     *db,
                                       guint        days,
                                       GError     **error);

G_END_DECLS
