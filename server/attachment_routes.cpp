// POST /attachments?room=ID&name=FILE and GET /attachments/ID: files posted to a room, over
// HTTPS with the session token. The bytes are checked to be a PDF, JPEG or PNG whatever the
// client declares, stored under their SHA-256, and served only to the room's members; every
// upload and download is audited.
#include <variant>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "protocol/envelope.hpp"
#include "protocol/field_reader.hpp"
#include "protocol/timestamp.hpp"
#include "server/blob_store.hpp"
#include "server/clock.hpp"
#include "server/file_type.hpp"
#include "server/http_session.hpp"
#include "server/log.hpp"
#include "server/random_secrets.hpp"
#include "server/room_access.hpp"
#include "server/session_token.hpp"
#include "server/two_factor_policy.hpp"
#include "storage/attachments.hpp"
#include "storage/audit.hpp"
#include "storage/rooms.hpp"
#include "storage/store.hpp"

namespace musubi::server {

namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxNameChars = 200;

struct HttpRefusal {
  http::status status;
  std::string code;
  std::string message;
};

HttpRefusal unauthorized() {
  return {http::status::unauthorized, "invalid_token",
          "send a valid session token: Authorization: Bearer <token>"};
}

// The uploader's room, if it takes posts; otherwise its refusal in HTTP terms.
std::variant<storage::Membership, HttpRefusal> upload_room(storage::Database& db,
                                                           std::string_view room,
                                                           std::int64_t user_id) {
  auto writable = writable_room(db, room, user_id);
  if (auto* membership = std::get_if<storage::Membership>(&writable)) return std::move(*membership);
  const auto& refusal = std::get<OperationResult>(writable);
  if (refusal.error == protocol::Errc::room_closed) {
    return HttpRefusal{http::status::conflict, "room_closed", refusal.message};
  }
  return HttpRefusal{http::status::not_found, "not_found", refusal.message};
}

// A session that must enrol a second factor first reaches no patient's files.
HttpRefusal enrolment_required() {
  return {http::status::forbidden, "enrolment_required",
          "your role requires two-factor sign-in: enrol first"};
}

HttpRefusal not_found() {
  return {http::status::not_found, "not_found", "no such attachment"};
}

// A file name as shown to other members: UTF-8, no path, no control characters.
std::optional<std::string> valid_name(std::string_view text) {
  if (text.empty() || !protocol::is_valid_utf8(text) ||
      protocol::utf8_length(text) > kMaxNameChars) {
    return std::nullopt;
  }
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '/' || c == '\\') return std::nullopt;
  }
  return std::string(text);
}

// The `name` of an upload ("attachment" when absent); nullopt when badly encoded or not valid.
std::optional<std::string> upload_name(std::string_view target) {
  if (!has_query_parameter(target, "name")) return "attachment";
  const auto decoded = query_parameter(target, "name");
  return decoded ? valid_name(*decoded) : std::nullopt;
}

// The media type without parameters, lower case: "image/png; x=y" -> "image/png".
std::string bare_media_type(std::string_view declared) {
  std::string out(declared.substr(0, declared.find(';')));
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 6266 / RFC 8187: an ASCII fallback and the UTF-8 name, percent-encoded.
std::string content_disposition(std::string_view name) {
  std::string ascii;
  std::string encoded;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = std::isalnum(u) || c == '.' || c == '-' || c == '_';
    ascii += plain ? c : '_';
    if (plain) {
      encoded += c;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      encoded += '%';
      encoded += kHex[u >> 4];
      encoded += kHex[u & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

json attachment_view(const storage::Attachment& a) {
  return json{
      {"id", a.public_id},          {"name", a.name},
      {"media_type", a.media_type}, {"size", a.size},
      {"sha256", a.sha256},         {"uploaded", protocol::format_timestamp(a.uploaded_ms)}};
}

}  // namespace

void HttpSession::start_upload() {
  const auto& request = parser_->get();
  if (request.method() != http::verb::post) {
    auto refusal =
        error_response(request, http::status::method_not_allowed, "method_not_allowed", "use POST");
    refusal.set(http::field::allow, "POST");
    refusal.keep_alive(false);
    return write(std::move(refusal));
  }
  const auto token = bearer_token(request);
  if (!token) {
    const auto r = unauthorized();
    return refuse(r.status, r.code, r.message);
  }
  const auto room = query_parameter(request.target(), "room");
  if (!room || room->empty()) {
    return refuse(http::status::bad_request, "invalid_request",
                  "name the room: POST /attachments?room=ROOM&name=FILE");
  }
  const auto name = upload_name(request.target());
  if (!name) {
    return refuse(http::status::bad_request, "invalid_request",
                  "name: a file name of 1 to 200 characters, without / \\ or control characters");
  }
  const auto length = parser_->content_length();
  if (!length) {
    return refuse(http::status::length_required, "invalid_request",
                  "send the file with a Content-Length");
  }
  const auto max = services_.config.limits.max_attachment_bytes;
  if (*length > max) {
    return refuse(http::status::payload_too_large, "too_large",
                  "a file may have at most " + std::to_string(max) + " bytes");
  }
  if (*length == 0)
    return refuse(http::status::bad_request, "invalid_request", "the file is empty");

  // Who and where are checked before the body is read: nobody else may fill the disk.
  services_.store.write(
      [hash = hash_token(*token), room = *room,
       lifetimes = SessionLifetimes::of(services_.config.security), peer = peer_,
       security = services_.config.security](
          storage::Database& db) -> std::variant<std::int64_t, HttpRefusal> {
        const auto holder = use_session_token(db, hash, now_ms(), lifetimes, peer);
        if (!holder) return unauthorized();
        if (must_enrol(security, holder->user)) return enrolment_required();
        auto target = upload_room(db, room, holder->user.id);
        if (auto* refusal = std::get_if<HttpRefusal>(&target)) return std::move(*refusal);
        return holder->user.id;
      },
      [self = shared_from_this()](std::optional<std::variant<std::int64_t, HttpRefusal>> outcome) {
        boost::asio::dispatch(self->stream_.get_executor(), [self, outcome = std::move(outcome)] {
          if (!outcome) {
            return self->refuse(http::status::service_unavailable, "unavailable",
                                "storage unavailable");
          }
          if (const auto* r = std::get_if<HttpRefusal>(&*outcome)) {
            return self->refuse(r->status, r->code, r->message);
          }
          self->read_upload_body(std::get<std::int64_t>(*outcome));
        });
      });
}

void HttpSession::read_upload_body(std::int64_t user_id) {
  parser_->body_limit(services_.config.limits.max_attachment_bytes);
  expire_after(std::chrono::seconds(services_.config.timeouts.upload_seconds));
  auto read_body = [self = shared_from_this(), user_id] {
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     beast::bind_front_handler(&HttpSession::on_upload_body, self, user_id));
  };
  if (!beast::iequals(parser_->get()[http::field::expect], "100-continue")) return read_body();
  // The client waits for this before sending the file (curl does for large bodies).
  auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                  parser_->get().version());
  http::async_write(stream_, *go_on, [go_on, read_body](beast::error_code ec, std::size_t) {
    if (!ec) read_body();
  });
}

void HttpSession::on_upload_body(std::int64_t user_id, beast::error_code ec, std::size_t) {
  if (ec == http::error::body_limit) {
    return refuse(http::status::payload_too_large, "too_large", "the file is too large");
  }
  if (ec) return;
  expire_after(std::chrono::seconds(services_.config.timeouts.http_request_seconds));
  // Hashing and writing 20 MiB blocks: not on a network thread.
  boost::asio::post(services_.work_pool,
                    [self = shared_from_this(), user_id, request = parser_->release()]() mutable {
                      self->store_upload(user_id, std::move(request));
                    });
}

// On the work pool.
void HttpSession::store_upload(std::int64_t user_id, HttpRequest request) {
  // Answers on the connection's executor (this runs on the work pool, then in a storage
  // callback).
  auto respond = [self = shared_from_this()](HttpResponse response) {
    boost::asio::dispatch(
        self->stream_.get_executor(),
        [self, response = std::move(response)]() mutable { self->write(std::move(response)); });
  };
  auto refusal = [&](http::status status, std::string_view code, std::string_view message) {
    respond(error_response(request, status, code, message));
  };
  const auto detected = detect_file_type(request.body());
  if (!detected) {
    return refusal(http::status::unsupported_media_type, "unsupported_media_type",
                   "only PDF, JPEG and PNG files can be attached");
  }
  const auto declared = bare_media_type(request[http::field::content_type]);
  if (!declared.empty() && declared != "application/octet-stream" && declared != *detected) {
    return refusal(
        http::status::unsupported_media_type, "unsupported_media_type",
        "the content is " + std::string(*detected) + ", not the type the request declares");
  }
  storage::Attachment a;
  try {
    a.sha256 = services_.blobs.put(request.body());
  } catch (const std::exception& e) {
    MUSUBI_LOG(error) << "storing an attachment failed: " << e.what();
    return refusal(http::status::service_unavailable, "unavailable", "storage unavailable");
  }
  a.public_id = "att_" + random_base32(20);
  a.uploader_id = user_id;
  a.media_type = std::string(*detected);
  a.size = static_cast<std::int64_t>(request.body().size());
  a.name = *upload_name(request.target());
  const auto room = *query_parameter(request.target(), "room");
  request.body().clear();
  request.body().shrink_to_fit();
  services_.store.write(
      [a = std::move(a), room](storage::Database& db) mutable -> std::variant<json, HttpRefusal> {
        // Checked again: membership may have changed while the file travelled.
        auto target = upload_room(db, room, a.uploader_id);
        if (auto* refused = std::get_if<HttpRefusal>(&target)) return std::move(*refused);
        a.room_id = std::get<storage::Membership>(target).room_id;
        a.uploaded_ms = now_ms();
        a.id = storage::insert_attachment(db, a);
        storage::append_audit(
            db, a.uploaded_ms, a.uploader_id, "attachment.upload", a.room_id,
            "id=" + a.public_id + " sha256=" + a.sha256 + " size=" + std::to_string(a.size));
        json view = attachment_view(a);
        view["room"] = room;
        return view;
      },
      [respond,
       request = std::move(request)](std::optional<std::variant<json, HttpRefusal>> outcome) {
        if (!outcome) {
          return respond(error_response(request, http::status::service_unavailable, "unavailable",
                                        "storage unavailable"));
        }
        if (const auto* r = std::get_if<HttpRefusal>(&*outcome)) {
          return respond(error_response(request, r->status, r->code, r->message));
        }
        respond(json_response(request, http::status::created,
                              protocol::dump(json{{"attachment", std::get<json>(*outcome)}})));
      });
}

void HttpSession::download(const HttpRequest& request) {
  const auto token = bearer_token(request);
  if (!token) {
    const auto r = unauthorized();
    return write(error_response(request, r.status, r.code, r.message));
  }
  services_.store.write(
      [hash = hash_token(*token), id = *attachment_in_path(request.target()),
       lifetimes = SessionLifetimes::of(services_.config.security), peer = peer_,
       security = services_.config.security](
          storage::Database& db) -> std::variant<storage::Attachment, HttpRefusal> {
        const auto now = now_ms();
        const auto holder = use_session_token(db, hash, now, lifetimes, peer);
        if (!holder) return unauthorized();
        if (must_enrol(security, holder->user)) return enrolment_required();
        auto a = storage::find_attachment(db, id);
        // Members of its room, once it is part of a message; before that, its uploader only.
        // Anyone else learns nothing, not even that it exists.
        if (!a || !storage::member_role(db, a->room_id, holder->user.id) ||
            (!a->event_seq && a->uploader_id != holder->user.id)) {
          return not_found();
        }
        storage::append_audit(db, now, holder->user.id, "attachment.download", a->room_id,
                              "id=" + a->public_id + " sha256=" + a->sha256);
        return std::move(*a);
      },
      [self = shared_from_this(),
       request](std::optional<std::variant<storage::Attachment, HttpRefusal>> outcome) {
        boost::asio::dispatch(self->stream_.get_executor(), [self, request,
                                                             outcome = std::move(outcome)] {
          if (!outcome) {
            return self->write(error_response(request, http::status::service_unavailable,
                                              "unavailable", "storage unavailable"));
          }
          if (const auto* r = std::get_if<HttpRefusal>(&*outcome)) {
            return self->write(error_response(request, r->status, r->code, r->message));
          }
          const auto& a = std::get<storage::Attachment>(*outcome);
          beast::error_code ec;
          http::file_body::value_type file;
          file.open(self->services_.blobs.path_of(a.sha256).c_str(), beast::file_mode::scan, ec);
          if (ec) {
            MUSUBI_LOG(error) << "attachment " << a.public_id << " is missing its file";
            return self->write(error_response(request, http::status::service_unavailable,
                                              "unavailable", "the file is not available"));
          }
          FileResponse response{http::status::ok, request.version()};
          set_security_headers(response);
          response.set(http::field::content_type, a.media_type);
          response.set(http::field::content_disposition, content_disposition(a.name));
          response.set(http::field::etag, "\"" + a.sha256 + "\"");
          response.keep_alive(request.keep_alive());
          response.body() = std::move(file);
          response.prepare_payload();
          self->write(std::move(response));
        });
      });
}

}  // namespace musubi::server
