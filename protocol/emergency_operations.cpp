#include "protocol/emergency_operations.hpp"

#include <algorithm>
#include <iterator>

namespace musubi::protocol {

using nlohmann::json;

namespace {
constexpr std::size_t kMaxNoteChars = 500;

constexpr EmergencyOutcome kOutcomes[] = {
    {"stable_at_home", "在宅で様子を見る", "Stable, stays at home"},
    {"transported", "救急搬送した", "Taken to hospital by ambulance"},
    {"admitted", "入院した", "Admitted"},
    {"died", "死亡を確認した", "Death confirmed"},
    {"false_alarm", "緊急ではなかった", "Not an emergency"},
    {"other", "その他", "Other"},
};
}  // namespace

std::span<const EmergencyOutcome> emergency_outcomes() {
  return kOutcomes;
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, RaiseEmergency& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.note = r.optional_string("note", 1, kMaxNoteChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, EmergencyRef& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.emergency = r.optional_integer("emergency", 1, INT64_MAX);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, CloseEmergency& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.emergency = r.integer("emergency", 1, INT64_MAX);
  out.outcome = r.string("outcome", 1, kMaxIdChars);
  const auto known = [&](const EmergencyOutcome& o) { return o.code == out.outcome; };
  if (!r.error() && std::none_of(std::begin(kOutcomes), std::end(kOutcomes), known)) {
    std::string codes;
    for (const auto& o : kOutcomes)
      codes += (codes.empty() ? "" : ", ") + std::string(o.code);
    r.fail(Errc::invalid_request, "body.outcome: must be one of " + codes);
  }
  out.note = r.optional_string("note", 1, kMaxNoteChars);
  return r.error();
}

}  // namespace musubi::protocol
