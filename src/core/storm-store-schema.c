#define G_LOG_DOMAIN "storm-store-schema"

#include "config.h"

#include "storm-store-db.h"
#include "storm-store-schema.h"

/* Numbered migrations. A released migration is never edited: a change
 * to the schema is a new entry at the end, and STORM_SCHEMA_VERSION
 * moves with it. Written in standard SQL where that costs nothing. */
static const char * const migrations[] = {
  NULL,

  /* 1: foundation — storms, reports, properties, per-storm scores, events. */
  "CREATE TABLE settings ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT"
  ");"
  "CREATE TABLE storms ("
  "  id         INTEGER PRIMARY KEY,"
  "  code       TEXT NOT NULL UNIQUE,"
  "  name       TEXT NOT NULL,"
  "  kind       TEXT NOT NULL DEFAULT 'hail' CHECK (kind IN ('hail', 'wind', 'tornado', 'mixed')),"
  "  start_at   TEXT,"
  "  end_at     TEXT,"
  "  region     TEXT,"
  "  notes      TEXT,"
  "  is_demo    INTEGER NOT NULL DEFAULT 0,"
  "  seed       INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
  ");"
  "CREATE TABLE storm_reports ("
  "  id         INTEGER PRIMARY KEY,"
  "  storm_id   INTEGER NOT NULL REFERENCES storms (id) ON DELETE CASCADE,"
  "  at         TEXT,"
  "  kind       TEXT NOT NULL CHECK (kind IN ('hail', 'wind', 'tornado')),"
  "  magnitude  REAL,"
  "  unit       TEXT,"
  "  location   TEXT,"
  "  county     TEXT,"
  "  state      TEXT,"
  "  lat        REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),"
  "  lon        REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),"
  "  comments   TEXT,"
  "  source     TEXT NOT NULL,"
  "  source_ref TEXT,"
  "  dedup_key  TEXT NOT NULL,"
  "  UNIQUE (storm_id, dedup_key)"
  ");"
  "CREATE INDEX storm_reports_kind ON storm_reports (storm_id, kind);"
  "CREATE TABLE properties ("
  "  id         INTEGER PRIMARY KEY,"
  "  ext_id     TEXT NOT NULL UNIQUE,"
  "  name       TEXT,"
  "  address    TEXT NOT NULL DEFAULT '',"
  "  city       TEXT,"
  "  state      TEXT,"
  "  zip        TEXT,"
  "  lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),"
  "  lon        REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),"
  "  year_built INTEGER,"
  "  roof_age   INTEGER,"
  "  value      REAL"
  ");"
  "CREATE INDEX properties_zip ON properties (zip);"
  "CREATE TABLE storm_properties ("
  "  storm_id          INTEGER NOT NULL REFERENCES storms (id) ON DELETE CASCADE,"
  "  property_id       INTEGER NOT NULL REFERENCES properties (id) ON DELETE CASCADE,"
  "  uplift            REAL,"
  "  base_rate         REAL,"
  "  hail_distance_km  REAL,"
  "  hail_max_in       REAL,"
  "  nearest_report_id INTEGER REFERENCES storm_reports (id) ON DELETE SET NULL,"
  "  PRIMARY KEY (storm_id, property_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX storm_properties_property ON storm_properties (property_id);"
  "CREATE TABLE events ("
  "  id          INTEGER PRIMARY KEY,"
  "  at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
  "  actor       TEXT NOT NULL,"
  "  action      TEXT NOT NULL,"
  "  subject     TEXT,"
  "  status      TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'partial', 'failed', 'cancelled')),"
  "  duration_ms INTEGER,"
  "  detail      TEXT"
  ");"
  "CREATE INDEX events_at ON events (at);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == STORM_SCHEMA_VERSION + 1);

const char *
storm_schema_migration (int version)
{
  if (version < 1 || version > STORM_SCHEMA_VERSION)
    return NULL;
  return migrations[version];
}
