#include "server/patient_view.hpp"

#include "protocol/timestamp.hpp"

namespace musubi::server {

nlohmann::json patient_view(const storage::Patient& p,
                            const std::optional<storage::Consent>& consent) {
  nlohmann::json view = {{"patient", p.public_id}, {"name", p.name},
                         {"kana", p.kana},         {"birth_date", p.birth_date},
                         {"sex", p.sex},           {"municipality", p.municipality},
                         {"address", p.address},   {"consent", nullptr}};
  if (consent) {
    view["consent"] = {{"date", consent->consent_date},
                       {"obtained_by", consent->obtained_by},
                       {"note", consent->note},
                       {"recorded", protocol::format_timestamp(consent->recorded_ms)}};
  }
  return view;
}

}  // namespace musubi::server
