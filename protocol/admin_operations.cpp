#include "protocol/admin_operations.hpp"

#include "protocol/timestamp.hpp"

namespace musubi::protocol {

using nlohmann::json;

namespace {

std::optional<std::string> optional_date(FieldReader& r, const json& body, std::string_view name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  std::string date = r.date(name);
  if (r.error()) return std::nullopt;
  return date;
}

}  // namespace

std::optional<FieldError> parse(const json& body, const BodyLimits&, RegisterOrg& out) {
  FieldReader r(body);
  out.code = r.string("code", 1, kMaxCodeChars);
  out.name = r.plain_text("name", 1, kMaxPersonNameChars);
  out.type = r.string("type", 1, kMaxCodeChars);
  out.address = r.plain_text("address", 1, kMaxAddressChars);
  out.municipality = r.plain_text("municipality", 1, kMaxPlaceChars);
  out.association = r.optional_plain_text("association", kMaxPlaceChars);
  out.association_area = r.optional_plain_text("association_area", kMaxPlaceChars);
  out.registered_on = optional_date(r, body, "registered_on");
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, RetireOrg& out) {
  FieldReader r(body);
  out.org = r.string("org", 1, kMaxCodeChars);
  out.retired_on = optional_date(r, body, "retired_on");
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, ConfirmStaff& out) {
  FieldReader r(body);
  if (r.array("logins", kMaxConfirmLogins)) {
    out.logins = r.string_list("logins", kMaxConfirmLogins, kMaxCodeChars);
  }
  if (!r.error() && out.logins.empty()) {
    r.fail(Errc::invalid_request, "body.logins: name at least one user");
  }
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, AddUser& out) {
  FieldReader r(body);
  out.login = r.string("login", 1, kMaxCodeChars);
  out.name = r.plain_text("name", 1, kMaxPersonNameChars);
  out.org = r.optional_string("org", 1, kMaxCodeChars);
  out.profession = r.string("profession", 1, kMaxCodeChars);
  out.role = r.optional_string("role", 1, kMaxCodeChars).value_or("member");
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, ListUsers& out) {
  FieldReader r(body);
  out.org = r.optional_string("org", 1, kMaxCodeChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, UserRef& out) {
  FieldReader r(body);
  out.login = r.string("login", 1, kMaxCodeChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, SearchDirectory& out) {
  FieldReader r(body);
  out.query = r.optional_string("query", 0, kMaxPersonNameChars);
  if (out.query && out.query->empty()) out.query.reset();
  out.profession = r.optional_string("profession", 1, kMaxCodeChars);
  out.org = r.optional_string("org", 1, kMaxCodeChars);
  return r.error();
}

std::optional<FieldError> parse(const json& body, const BodyLimits&, ListAudit& out) {
  FieldReader r(body);
  const auto time_of = [&r](std::string_view name) -> std::optional<std::int64_t> {
    const auto text = r.optional_string(name, 1, 40);
    if (!text) return std::nullopt;
    const auto ms = parse_timestamp(*text);
    if (!ms) r.fail(Errc::invalid_request, "body." + std::string(name) + ": not an RFC 3339 time");
    return ms;
  };
  out.from_ms = time_of("from");
  out.to_ms = time_of("to");
  out.login = r.optional_string("login", 1, kMaxCodeChars);
  out.room = r.optional_string("room", 1, kMaxCodeChars);
  out.action = r.optional_string("action", 1, kMaxCodeChars);
  out.before = r.optional_integer("before", 1, INT64_MAX);
  out.limit = r.optional_integer("limit", 1, kMaxAuditPage).value_or(50);
  return r.error();
}

}  // namespace musubi::protocol
