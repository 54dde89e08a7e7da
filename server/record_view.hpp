#pragma once

#include <nlohmann/json.hpp>

#include "storage/events.hpp"

namespace musubi::server {

// The current version of a record: the original (seq, author, template) with its latest
// revision's content, and that revision (or null).
nlohmann::json current_view(storage::Database& db, const storage::StoredEvent& record);

}  // namespace musubi::server
