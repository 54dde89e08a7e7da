#pragma once

namespace musubi::storage {

class Database;

// Brings the schema up to the newest version, one numbered migration at a time, each in its own
// immediate transaction (so that two processes opening the same file at once do not both run it).
// Returns the schema version now in the file. Throws SqliteError.
int migrate(Database& db);

// The newest schema version this build knows.
int latest_schema_version();

// The schema version of a database file (PRAGMA user_version).
int schema_version(Database& db);

}  // namespace musubi::storage
