// templates, record, plan, correct, withdraw, attach and download.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "clients/cli/cli_error.hpp"
#include "clients/cli/commands.hpp"
#include "clients/cli/server_session.hpp"
#include "clients/cli/terminal_text.hpp"
#include "clients/client/https_request.hpp"
#include "protocol/record_operations.hpp"

namespace musubi::cli {

using nlohmann::json;

namespace {

std::string read_file_or_stdin(const std::string& path) {
  if (path == "-") {
    return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError(CliError::Kind::usage, "cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json read_json_object(const std::string& path) {
  auto content = json::parse(read_file_or_stdin(path), nullptr, false);
  if (content.is_discarded() || !content.is_object()) {
    throw CliError(CliError::Kind::usage,
                   (path == "-" ? "stdin" : path) + " does not hold a JSON object");
  }
  return content;
}

void print_json(const json& value) {
  std::cout << value.dump(2, ' ', false, json::error_handler_t::replace) << std::endl;
}

// The server's {"error": {"code", "message"}} as a CliError.
[[noreturn]] void throw_http_error(const client::HttpsResponse& res) {
  const auto body = json::parse(res.body, nullptr, false);
  std::string message = "HTTP " + std::to_string(res.status);
  std::string code;
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    message = body["error"].value("message", message);
    code = body["error"].value("code", "");
  }
  throw CliError(CliError::Kind::server, terminal_safe(message), code);
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

client::ConnectOptions https_options(const Context& ctx, const State& state) {
  require_logged_in(state);
  auto options = resolve_settings(ctx.options, state).connect;
  options.timeout = std::chrono::minutes(5);  // a 20 MiB file on a slow line
  return options;
}

}  // namespace

int list_templates(const Context& ctx, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::list_templates, json::object());
  for (const auto& t : result["templates"]) {
    if (as_json) {
      std::cout << t.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    } else {
      std::cout << terminal_safe(t.value("id", "")) << "\t"
                << terminal_safe(t["title"].value("ja", "")) << " / "
                << terminal_safe(t["title"].value("en", "")) << "\n";
    }
  }
  return 0;
}

int post_record(const Context& ctx, const std::string& room, const std::string& template_id,
                const std::string& file, const Addressing& addressing) {
  const auto content = read_json_object(file);
  auto session = open_stored_session(ctx.options, ctx.store.load());
  json body = {{"room", room}, {"template", template_id}, {"content", content}};
  addressing.add_to(body);
  const auto result = session->call(protocol::op::post_record, body);
  std::cout << result.value("seq", json()).dump() << std::endl;
  addressing.report_notified(result);
  return 0;
}

int current_plan(const Context& ctx, const std::string& room, bool as_json) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::current_plan, {{"room", room}});
  if (as_json) {
    print_json(result);
    return 0;
  }
  for (const char* id : {"emergency_plan", "acp_decision"}) {
    const auto& record = result[id];
    std::cout << "== "
              << (std::string_view(id) == "emergency_plan" ? "急変時対応 (emergency plan)"
                                                           : "人生会議 (ACP decision)");
    if (record.is_null()) {
      std::cout << ": none recorded\n";
      continue;
    }
    std::cout << " #" << record["seq"].dump() << " by "
              << terminal_safe(record["author"].value("name", ""));
    if (record["revision"].is_object()) {
      std::cout << ", revised #" << record["revision"]["seq"].dump();
    }
    std::cout << "\n";
    print_json(record["content"]);
  }
  return 0;
}

int correct(const Context& ctx, const Correction& c) {
  json body = {{"room", c.room}, {"seq", c.seq}, {"reason", c.reason}};
  if (!c.text.empty() == !c.file.empty()) {
    throw CliError(CliError::Kind::usage, "give either --text (a message) or --file (a record)");
  }
  if (!c.text.empty()) {
    body["text"] = c.text;
  } else {
    body["content"] = read_json_object(c.file);
  }
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::correct, body);
  std::cout << result.value("seq", json()).dump() << std::endl;
  return 0;
}

int withdraw(const Context& ctx, const std::string& room, std::int64_t seq,
             const std::string& reason) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result =
      session->call(protocol::op::withdraw, {{"room", room}, {"seq", seq}, {"reason", reason}});
  std::cout << result.value("seq", json()).dump() << std::endl;
  return 0;
}

int export_fhir(const Context& ctx, const std::string& room, std::int64_t seq,
                const std::string& output) {
  auto session = open_stored_session(ctx.options, ctx.store.load());
  const auto result = session->call(protocol::op::export_fhir, {{"room", room}, {"seq", seq}});
  const auto text = result["bundle"].dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  if (output == "-") {
    std::cout << text;
    return 0;
  }
  std::ofstream out(output, std::ios::trunc);
  out << text;
  if (!out.flush()) throw CliError(CliError::Kind::local, "cannot write " + output);
  return 0;
}

int attach(const Context& ctx, const std::string& room, const std::string& file,
           const std::string& text) {
  const State state = ctx.store.load();
  client::HttpsRequest upload;
  upload.method = "POST";
  const auto name = std::filesystem::path(file).filename().string();
  upload.target = "/attachments?room=" + percent_encode(room) + "&name=" + percent_encode(name);
  upload.headers.push_back(client::bearer(state.token));
  upload.headers.emplace_back("Content-Type", "application/octet-stream");
  upload.body = read_file_or_stdin(file);
  client::HttpsResponse res;
  try {
    res = client::https_request(https_options(ctx, state), upload);
  } catch (const client::ClientError& e) {
    throw CliError(CliError::Kind::connect_failed, e.what());
  }
  if (res.status != 201) throw_http_error(res);
  const auto id = json::parse(res.body)["attachment"]["id"].get<std::string>();
  auto session = open_stored_session(ctx.options, state);
  const auto result =
      session->call(protocol::op::post, {{"room", room}, {"text", text}, {"attachments", {id}}});
  std::cout << result.value("seq", json()).dump() << "\t" << id << std::endl;
  return 0;
}

int download(const Context& ctx, const std::string& id, const std::string& output) {
  const State state = ctx.store.load();
  client::HttpsRequest get;
  get.target = "/attachments/" + percent_encode(id);
  get.headers.push_back(client::bearer(state.token));
  client::HttpsResponse res;
  try {
    res = client::https_request(https_options(ctx, state), get);
  } catch (const client::ClientError& e) {
    throw CliError(CliError::Kind::connect_failed, e.what());
  }
  if (res.status != 200) throw_http_error(res);
  if (output == "-") {
    std::cout.write(res.body.data(), static_cast<std::streamsize>(res.body.size()));
    return 0;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out.write(res.body.data(), static_cast<std::streamsize>(res.body.size()));
  if (!out.flush()) throw CliError(CliError::Kind::local, "cannot write " + output);
  std::cerr << "saved " << res.body.size() << " bytes ("
            << terminal_safe(res.header("Content-Type")) << ") to " << output << std::endl;
  return 0;
}

}  // namespace musubi::cli
