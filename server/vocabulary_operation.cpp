// meta.vocabulary: the codes the protocol uses, with their Japanese and English labels, so that
// clients show the city's words without hard-coding them.
#include "server/connection.hpp"
#include "server/domain/vocabulary.hpp"

namespace musubi::server {

using nlohmann::json;

namespace {

json terms(std::span<const domain::Term> list) {
  json out = json::array();
  for (const auto& t : list) out.push_back(json{{"code", t.code}, {"ja", t.ja}, {"en", t.en}});
  return out;
}

const domain::Term kCloseReasons[] = {
    {"death", "死亡（看取り）", "Death"},
    {"moved", "転居", "Moved away"},
    {"end_of_service", "サービス終了", "End of service"},
};

const domain::Term kSexes[] = {
    {"female", "女性", "Female"},
    {"male", "男性", "Male"},
    {"other", "その他", "Other"},
    {"unknown", "不明", "Unknown"},
};

}  // namespace

void Connection::vocabulary(const protocol::Request& request) {
  reply_ok(request.id, json{{"org_types", terms(domain::org_type_terms())},
                            {"professions", terms(domain::profession_terms())},
                            {"roles", terms(domain::role_terms())},
                            {"close_reasons", terms(kCloseReasons)},
                            {"sexes", terms(kSexes)}});
}

}  // namespace musubi::server
