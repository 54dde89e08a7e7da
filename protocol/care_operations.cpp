#include "protocol/care_operations.hpp"

namespace musubi::protocol {

using nlohmann::json;

namespace {
constexpr std::size_t kMaxNameChars = 100;
constexpr std::size_t kMaxAddressChars = 200;
constexpr std::size_t kMaxNoteChars = 2000;
constexpr std::size_t kMaxTeam = 50;
}  // namespace

std::optional<FieldError> parse(const json& body, const BodyLimits&, RegisterPatient& out) {
  FieldReader r(body);
  out.name = r.plain_text("name", 1, kMaxNameChars);
  out.kana = r.plain_text("kana", 1, kMaxNameChars);
  out.birth_date = r.date("birth_date");
  out.sex = r.one_of("sex", {"female", "male", "other", "unknown"});
  out.municipality = r.plain_text("municipality", 1, kMaxNameChars);
  out.address = r.plain_text("address", 1, kMaxAddressChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, PatientRef& out) {
  FieldReader r(body);
  out.patient = r.string("patient", 1, kMaxIdChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, RecordConsent& out) {
  FieldReader r(body);
  out.patient = r.string("patient", 1, kMaxIdChars);
  out.date = r.date("date");
  out.obtained_by = r.plain_text("obtained_by", 1, kMaxNameChars);
  out.note = r.optional_string("note", 0, kMaxNoteChars).value_or("");
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, FileRequest& out) {
  FieldReader r(body);
  out.patient = r.string("patient", 1, kMaxIdChars);
  out.physician = r.string("physician", 1, kMaxIdChars);
  out.team = r.string_list("team", kMaxTeam, kMaxIdChars);
  out.note = r.optional_string("note", 0, kMaxNoteChars).value_or("");
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, RequestRef& out) {
  FieldReader r(body);
  out.request = r.string("request", 1, kMaxIdChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, ActOnRequest& out) {
  FieldReader r(body);
  out.request = r.string("request", 1, kMaxIdChars);
  out.action = r.one_of("action",
                        {"accept", "decline", "ask_stand_in", "stand_in_accept", "stand_in_decline",
                         "proceed_without_physician", "add_team_member", "withdraw"});
  out.login = r.optional_string("login", 1, kMaxIdChars);
  out.note = r.optional_string("note", 0, kMaxNoteChars).value_or("");
  if (!r.error() && (out.action == "ask_stand_in" || out.action == "add_team_member") &&
      !out.login) {
    r.fail(Errc::invalid_request, "body.login: required for " + out.action);
  }
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, CloseRoom& out) {
  FieldReader r(body);
  out.room = r.string("room", 1, kMaxIdChars);
  out.reason = r.one_of("reason", {"death", "moved", "end_of_service"});
  out.note = r.optional_string("note", 0, kMaxNoteChars).value_or("");
  return r.error();
}

}  // namespace musubi::protocol
