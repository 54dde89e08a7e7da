#include "server/config.hpp"

#include <limits>
#include <set>
#include <stdexcept>

#include <toml++/toml.h>

#include "server/domain/retention.hpp"
#include "server/domain/vocabulary.hpp"

namespace musubi::server {

namespace {

// Reads one table, refusing keys it does not know.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string path) : table_(table), path_(std::move(path)) {}

  // Call after the last read: refuses keys nobody asked for.
  void finish() const {
    for (const auto& [key, value] : table_) {
      if (!known_.contains(std::string(key.str()))) {
        throw std::runtime_error("unknown setting " + name(key.str()));
      }
    }
  }

  template <class T>
  void read(std::string_view key, T& out) {
    known_.insert(std::string(key));
    const toml::node* node = table_.get(key);
    if (!node) return;
    if constexpr (std::is_same_v<T, bool>) {
      if (auto v = node->value<bool>()) return void(out = *v);
    } else if constexpr (std::is_same_v<T, double>) {
      if (auto v = node->value<double>()) return void(out = *v);
    } else if constexpr (std::is_integral_v<T>) {
      if (auto v = node->value<std::int64_t>(); v && *v >= 0) {
        if (static_cast<std::uint64_t>(*v) >
            static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
          throw std::runtime_error(name(key) + ": too large");
        }
        return void(out = static_cast<T>(*v));
      }
    } else if constexpr (std::is_same_v<T, std::string> ||
                         std::is_same_v<T, std::filesystem::path>) {
      if (auto v = node->value<std::string>()) return void(out = *v);
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      if (const auto* array = node->as_array()) {
        std::vector<std::string> items;
        for (const auto& item : *array) {
          auto v = item.value<std::string>();
          if (!v) throw std::runtime_error(name(key) + ": expected an array of strings");
          items.push_back(*v);
        }
        return void(out = std::move(items));
      }
    }
    throw std::runtime_error(name(key) + ": wrong type");
  }

  const toml::table* table(std::string_view key) {
    known_.insert(std::string(key));
    const toml::node* node = table_.get(key);
    if (!node) return nullptr;
    if (const auto* t = node->as_table()) return t;
    throw std::runtime_error(name(key) + ": expected a table");
  }

 private:
  std::string name(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const toml::table& table_;
  std::string path_;
  std::set<std::string> known_;
};

}  // namespace

void load_config_file(const std::filesystem::path& file, ServerConfig& config) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(file.string() + ": " + std::string(e.description()));
  }
  try {
    TableReader top(root, "");
    top.read("municipality", config.municipality);
    top.read("listen", config.listen);
    top.read("data", config.data_dir);
    top.read("cert", config.cert_file);
    top.read("key", config.key_file);
    top.read("threads", config.threads);
    if (const auto* t = top.table("limits")) {
      TableReader r(*t, "limits");
      auto& l = config.limits;
      r.read("max_frame_bytes", l.max_frame_bytes);
      r.read("max_json_depth", l.max_json_depth);
      r.read("max_text_chars", l.max_text_chars);
      r.read("requests_per_second", l.requests_per_second);
      r.read("request_burst", l.request_burst);
      r.read("send_queue_bytes", l.send_queue_bytes);
      r.read("max_connections_per_address", l.max_connections_per_address);
      r.read("max_attachment_bytes", l.max_attachment_bytes);
      r.read("max_failed_signins", l.max_failed_signins);
      r.read("lockout_seconds", l.lockout_seconds);
      r.read("max_lockout_seconds", l.max_lockout_seconds);
      r.read("max_failed_signins_per_address", l.max_failed_signins_per_address);
      r.read("max_address_wait_seconds", l.max_address_wait_seconds);
      r.finish();
    }
    if (const auto* t = top.table("storage")) {
      TableReader r(*t, "storage");
      r.read("synchronous", config.storage.synchronous);
      r.read("readers", config.storage.readers);
      r.read("max_batch", config.storage.max_batch);
      r.read("commit_interval_us", config.storage.commit_interval_us);
      r.finish();
      if (config.storage.commit_interval_us > StorageConfig::kMaxCommitIntervalUs) {
        throw std::runtime_error("storage.commit_interval_us: at most 100000 (0.1 s)");
      }
    }
    if (const auto* t = top.table("security")) {
      TableReader r(*t, "security");
      r.read("token_ttl_days", config.security.token_ttl_days);
      r.read("shared_device_idle_minutes", config.security.shared_device_idle_minutes);
      r.read("argon2_ops", config.security.argon2_ops);
      r.read("argon2_memory_kib", config.security.argon2_memory_kib);
      r.read("allowed_origins", config.security.allowed_origins);
      r.read("two_factor_roles", config.security.two_factor_roles);
      for (const auto& role : config.security.two_factor_roles) {
        if (!domain::parse_role(role)) {
          throw std::runtime_error("security.two_factor_roles: unknown role \"" + role +
                                   "\" (city_admin, org_contact, member)");
        }
      }
      r.finish();
      if (config.security.token_ttl_days < 1) {
        throw std::runtime_error("security.token_ttl_days: at least 1");
      }
      if (config.security.shared_device_idle_minutes < 1 ||
          config.security.shared_device_idle_minutes >= 24 * 60) {
        throw std::runtime_error("security.shared_device_idle_minutes: 1 to 1439 (under a day)");
      }
    }
    if (const auto* t = top.table("timeouts")) {
      TableReader r(*t, "timeouts");
      auto& o = config.timeouts;
      r.read("tls_handshake_seconds", o.tls_handshake_seconds);
      r.read("http_request_seconds", o.http_request_seconds);
      r.read("upload_seconds", o.upload_seconds);
      r.read("websocket_idle_seconds", o.websocket_idle_seconds);
      r.read("close_seconds", o.close_seconds);
      r.read("shutdown_seconds", o.shutdown_seconds);
      r.read("revocation_poll_ms", o.revocation_poll_ms);
      r.read("emergency_escalation_seconds", o.emergency_escalation_seconds);
      r.finish();
    }
    if (const auto* t = top.table("retention")) {
      TableReader r(*t, "retention");
      r.read("closed_room_years", config.retention.closed_room_years);
      r.finish();
      // Refused here, at start-up, rather than when records are about to be deleted.
      if (const auto problem =
              domain::retention_years_problem(config.retention.closed_room_years)) {
        throw std::runtime_error("retention.closed_room_years: " + *problem);
      }
    }
    top.finish();
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  }
}

ListenAddress parse_listen_address(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw std::runtime_error("listen address must be HOST:PORT, got \"" + text + "\"");
  }
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  unsigned long value = 0;
  const bool digits = port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
  if (digits) value = std::stoul(port);
  if (!digits || value > 65535) {
    throw std::runtime_error("listen port must be 0-65535, got \"" + port + "\"");
  }
  address.port = static_cast<unsigned short>(value);
  return address;
}

}  // namespace musubi::server
