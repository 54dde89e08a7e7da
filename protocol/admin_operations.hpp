#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/field_reader.hpp"
#include "protocol/operations.hpp"

namespace musubi::protocol {

// Operations of the network's administration: organizations, users, the directory of colleagues,
// announcements and statistics.
namespace op {
inline constexpr std::string_view register_org = "org.register";
inline constexpr std::string_view list_orgs = "org.list";
inline constexpr std::string_view retire_org = "org.retire";
inline constexpr std::string_view confirm_staff = "org.confirm_staff";
inline constexpr std::string_view add_user = "user.add";
inline constexpr std::string_view list_users = "user.list";
inline constexpr std::string_view disable_user = "user.disable";
inline constexpr std::string_view enable_user = "user.enable";
inline constexpr std::string_view reset_signin = "user.reset_signin";
inline constexpr std::string_view revoke_user_sessions = "user.revoke_sessions";
inline constexpr std::string_view search_directory = "directory.search";
inline constexpr std::string_view post_announcement = "announcement.post";
inline constexpr std::string_view list_announcements = "announcement.list";
inline constexpr std::string_view mark_announcements_read = "announcement.mark_read";
inline constexpr std::string_view statistics = "stats.summary";
inline constexpr std::string_view list_audit = "audit.list";
}  // namespace op

// Size rules of the administration bodies, shared with the CSV import.
inline constexpr std::size_t kMaxCodeChars = 64;  // organization codes and logins
inline constexpr std::size_t kMaxPersonNameChars = 100;
inline constexpr std::size_t kMaxAddressChars = 200;
inline constexpr std::size_t kMaxPlaceChars = 100;  // municipality, association, its area
inline constexpr std::size_t kMaxConfirmLogins = 1000;

// org.register. Codes (type) are checked against the vocabulary by the server; an empty
// association is read as "none" so that the membership rule, not the parser, refuses it.
struct RegisterOrg {
  std::string code;
  std::string name;
  std::string type;
  std::string address;
  std::string municipality;
  std::string association;
  std::string association_area;
  std::optional<std::string> registered_on;  // YYYY-MM-DD; absent: today
};

// org.retire.
struct RetireOrg {
  std::string org;
  std::optional<std::string> retired_on;  // YYYY-MM-DD; absent: today
};

// org.confirm_staff: the yearly confirmation (現況確認) that these users still work there.
struct ConfirmStaff {
  std::vector<std::string> logins;  // at least one
};

// user.add. `org` absent: the caller's own organization.
struct AddUser {
  std::string login;
  std::string name;
  std::optional<std::string> org;
  std::string profession;
  std::string role = "member";
};

// user.list. `org` absent: every organization (city administrators) or one's own.
struct ListUsers {
  std::optional<std::string> org;
};

// user.disable, user.enable, user.reset_signin, user.revoke_sessions.
struct UserRef {
  std::string login;
};

// directory.search: every filter optional.
struct SearchDirectory {
  std::optional<std::string> query;  // part of a login or name
  std::optional<std::string> profession;
  std::optional<std::string> org;
};

// audit.list: the audit log, newest first, for city administrators. Every filter optional.
inline constexpr std::int64_t kMaxAuditPage = 200;
struct ListAudit {
  std::optional<std::int64_t> from_ms;  // "from": RFC 3339, included
  std::optional<std::int64_t> to_ms;    // "to": RFC 3339, excluded
  std::optional<std::string> login;     // whose actions
  std::optional<std::string> room;      // room id
  std::optional<std::string> action;    // exact, or a prefix ending in "." ("sign_in.")
  std::optional<std::int64_t> before;   // entry id: the page after one already seen
  std::int64_t limit = 50;
};

std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, RegisterOrg& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, RetireOrg& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, ConfirmStaff& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, AddUser& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, ListUsers& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, UserRef& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&,
                                SearchDirectory& out);
std::optional<FieldError> parse(const nlohmann::json& body, const BodyLimits&, ListAudit& out);

}  // namespace musubi::protocol
