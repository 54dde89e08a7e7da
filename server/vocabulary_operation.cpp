// meta.vocabulary: the codes the protocol uses, with their Japanese and English labels, so that
// clients show the city's words without hard-coding them.
#include "server/connection.hpp"
#include "server/domain/vocabulary.hpp"

namespace musubi::server {

using nlohmann::json;

namespace {

json terms(std::span<const domain::Term> list) {
  json out = json::array();
  for (const auto& t : list)
    out.push_back(json{{"code", t.code}, {"ja", t.ja}, {"en", t.en}});
  return out;
}

const domain::Term kCloseReasons[] = {
    {"death", "死亡（看取り）", "Death"},
    {"moved", "転居", "Moved away"},
    {"end_of_service", "サービス終了", "End of service"},
};

const domain::Term kRequestStates[] = {
    {"awaiting_physician", "主治医の回答待ち", "Waiting for the attending physician"},
    {"physician_declined", "主治医が参加を辞退", "The physician declined"},
    {"awaiting_stand_in", "代理参加者の回答待ち", "Waiting for the stand-in"},
    {"awaiting_visiting_nurse", "訪問看護師の参加待ち", "Waiting for a visiting nurse"},
    {"open", "開設済み", "Room open"},
    {"withdrawn", "取り下げ", "Withdrawn"},
};

const domain::Term kReports[] = {
    {"keep_informed", "主治医に報告", "The physician is kept informed"},
    {"after_the_fact", "主治医に事後報告", "Reported to the physician afterwards"},
    {"participation_declined", "参加辞退を主治医に報告し部屋を開設",
     "Reported to the physician; the room opens without them"},
};

const domain::Term kStandInKinds[] = {
    {"clinic_staff", "診療所内の関係職員", "Clinic staff"},
    {"hospital_liaison", "病院の地域連携室等の職員", "Hospital liaison office staff"},
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
                            {"request_states", terms(kRequestStates)},
                            {"reports", terms(kReports)},
                            {"stand_in_kinds", terms(kStandInKinds)},
                            {"sexes", terms(kSexes)}});
}

}  // namespace musubi::server
