// Fuzz target: a client's text frame as the server reads it. decode_request() (depth check, JSON
// parse, envelope), then the body through every operation's parser, since the server picks the
// parser by an "op" the client chose. Neither may throw, crash or leak; an error reply must
// always be encodable. And what read_plain_post() takes, the general way must read the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "protocol/admin_operations.hpp"
#include "protocol/announcement_operations.hpp"
#include "protocol/care_operations.hpp"
#include "protocol/emergency_operations.hpp"
#include "protocol/envelope.hpp"
#include "protocol/notification_operations.hpp"
#include "protocol/operations.hpp"
#include "protocol/plain_post.hpp"
#include "protocol/receipt_operations.hpp"
#include "protocol/record_operations.hpp"

namespace {

using namespace musubi::protocol;

// The server's default limits.max_json_depth.
constexpr std::size_t kMaxJsonDepth = 16;

template <class... Bodies>
void parse_as_each(const nlohmann::json& body, const BodyLimits& limits) {
  // A failed parse must name the problem, so that the client gets a useful error.
  const auto check = [&](auto out) {
    const auto error = parse(body, limits, out);
    if (error && error->message.empty()) std::abort();
  };
  (check(Bodies{}), ...);
}

// What the plain reader of room.post takes must read the same the general way.
void check_plain_post(std::string_view text, const Request* request, const BodyLimits& limits) {
  const auto plain = read_plain_post(text, limits, kMaxJsonDepth);
  if (!plain) return;
  if (request == nullptr || request->op != op::post || plain->id != request->id ||
      plain->id.type() != request->id.type()) {
    std::abort();
  }
  PostMessage body;
  if (parse(request->body, limits, body)) std::abort();
  if (body.room != plain->body.room || body.text != plain->body.text ||
      body.nonce != plain->body.nonce || !body.attachments.empty() ||
      !body.addressing.mentions.empty() || !body.addressing.mention_professions.empty() ||
      body.addressing.requires_ack) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto decoded = decode_request(text, kMaxJsonDepth);
  check_plain_post(text, std::get_if<Request>(&decoded), BodyLimits{});
  if (const auto* error = std::get_if<DecodeError>(&decoded)) {
    (void)encode_error(error->id, error->code, error->message);
    return 0;
  }
  const auto& request = std::get<Request>(decoded);
  if (!request.body.is_object()) std::abort();
  const BodyLimits limits;
  parse_as_each<SignIn, ResumeSession, RoomRef, MemberChange, PostMessage, FetchHistory, Subscribe,
                RegisterOrg, RetireOrg, ConfirmStaff, AddUser, ListUsers, UserRef, SearchDirectory,
                PostAnnouncement, ListAnnouncements, MarkAnnouncementsRead, StatisticsRange,
                RegisterPatient, PatientRef, RecordConsent, FileRequest, RequestRef, ActOnRequest,
                CloseRoom, RaiseEmergency, EmergencyRef, CloseEmergency, ListInbox, MarkInboxRead,
                Acknowledge, ListAcknowledgements, MarkRead, ShareReadState, PostRecord, EntryRef,
                Correct, Withdraw>(request.body, limits);
  // Replies echo the id and name the op; both must survive encoding whatever they hold.
  (void)encode_error(request.id, Errc::unknown_op, "unknown operation \"" + request.op + "\"");
  (void)encode_ok(request.id, request.body);
  return 0;
}
