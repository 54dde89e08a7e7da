#include "server/user_view.hpp"

namespace musubi::server {

nlohmann::json user_view(const storage::User& user) {
  return nlohmann::json{{"login", user.login},
                        {"name", user.name},
                        {"role", user.role},
                        {"profession", user.profession},
                        {"org", {{"code", user.org_code}, {"name", user.org_name}}}};
}

}  // namespace musubi::server
