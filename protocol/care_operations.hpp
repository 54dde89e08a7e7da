#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/field_reader.hpp"
#include "protocol/operations.hpp"

namespace musubi::protocol {

// Operations of the care-team domain: patients, requests to open a room, the end of a room.
namespace op {
inline constexpr std::string_view vocabulary = "meta.vocabulary";
inline constexpr std::string_view register_patient = "patient.register";
inline constexpr std::string_view get_patient = "patient.get";
inline constexpr std::string_view list_patients = "patient.list";
inline constexpr std::string_view record_consent = "patient.record_consent";
inline constexpr std::string_view file_request = "request.file";
inline constexpr std::string_view list_requests = "request.list";
inline constexpr std::string_view get_request = "request.get";
inline constexpr std::string_view act_on_request = "request.act";
inline constexpr std::string_view room_info = "room.info";
inline constexpr std::string_view close_room = "room.close";
}  // namespace op

struct RegisterPatient {
  std::string name;
  std::string kana;
  std::string birth_date;
  std::string sex;  // female, male, other, unknown
  std::string municipality;
  std::string address;
};

struct PatientRef {
  std::string patient;
};

struct RecordConsent {
  std::string patient;
  std::string date;
  std::string obtained_by;
  std::string note;
};

// A request to open a room for a patient, naming the attending physician and the first team.
struct FileRequest {
  std::string patient;
  std::string physician;          // login
  std::vector<std::string> team;  // logins
  std::string note;
};

struct RequestRef {
  std::string request;
};

// One step of the room-opening workflow; `login` names the stand-in (ask_stand_in) or the new
// team member (add_team_member).
struct ActOnRequest {
  std::string request;
  std::string action;
  std::optional<std::string> login;
  std::string note;
};

struct CloseRoom {
  std::string room;
  std::string reason;  // death, moved, end_of_service
  std::string note;
};

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&,
                                RegisterPatient& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, PatientRef& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, RecordConsent& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, FileRequest& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, RequestRef& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, ActOnRequest& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, CloseRoom& out);

}  // namespace musubi::protocol
