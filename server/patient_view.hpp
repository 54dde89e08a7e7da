#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "storage/patients.hpp"

namespace musubi::server {

// How a patient appears on the wire, with their latest consent (null when none is recorded).
nlohmann::json patient_view(const storage::Patient& patient,
                            const std::optional<storage::Consent>& consent);

}  // namespace musubi::server
