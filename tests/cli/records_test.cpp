// musubi record / plan / correct / withdraw / attach / download / export-fhir against a real
// musubid, as a nurse and a helper would use them.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"
#include "tests/support/template_examples.hpp"

namespace musubi::testing {
namespace {

using Records = CliTest;
using nlohmann::json;

TEST_F(Records, ANurseRecordsThePlanAndAHelperReadsItInOneCommand) {
  const auto nurse = signed_in_user("sato", "佐藤 花子");
  const auto helper = signed_in_user("kato", "加藤 ヘルパー", kStation, "home_helper");
  const auto room = open_room(nurse, "佐藤 一郎");
  nurse.ok({"room", "add", room, "kato"});

  EXPECT_NE(nurse.ok({"templates"}).find("emergency_plan\t急変時対応"), std::string::npos);
  const auto plan_file = (kTemplateExamples / "emergency_plan" / "valid-full.json").string();
  const auto acp_file = (kTemplateExamples / "acp_decision" / "valid-minimal.json").string();
  const auto plan_seq = trim(nurse.ok({"record", room, "emergency_plan", plan_file}));
  const auto acp_seq = trim(nurse.ok({"record", room, "acp_decision", "-"}, read_file(acp_file)));

  const auto plan = json::parse(helper.ok({"plan", room, "--json"}));
  EXPECT_EQ(plan["emergency_plan"]["seq"].dump(), plan_seq);
  EXPECT_EQ(plan["acp_decision"]["seq"].dump(), acp_seq);
  EXPECT_EQ(plan["emergency_plan"]["content"], json::parse(read_file(plan_file)));
  const auto text = helper.ok({"plan", room});
  EXPECT_NE(text.find("急変時対応"), std::string::npos);

  // An invalid record is refused with the field named; nothing is posted.
  const auto bad = nurse.run({"record", room, "acp_decision", "-"}, R"({"cpr": "maybe"})");
  EXPECT_EQ(bad.exit_code(), 1);
  EXPECT_NE(bad.err.find("body.content."), std::string::npos) << bad.err;

  // Corrections and withdrawals show up in the history.
  const auto msg = trim(nurse.ok({"post", room, "血圧 182/96"}));
  nurse.ok({"correct", room, msg, "--text", "血圧 128/96", "--reason", "打ち間違い"});
  nurse.ok({"withdraw", room, acp_seq, "--reason", "別の患者の記録"});
  const auto history = helper.ok({"history", room});
  EXPECT_NE(history.find("corrected #" + msg + " (打ち間違い): 血圧 128/96"), std::string::npos)
      << history;
  EXPECT_NE(history.find("withdrew #" + acp_seq + ": 別の患者の記録"), std::string::npos);
  EXPECT_NE(history.find("recorded a emergency_plan"), std::string::npos);
  // The helper cannot correct the nurse's entry.
  const auto refused = helper.run({"correct", room, msg, "--text", "x"});
  EXPECT_EQ(refused.exit_code(), 1);
}

TEST_F(Records, AttachDownloadAndFhirExport) {
  const auto nurse = signed_in_user("sato", "佐藤 花子");
  const auto pharmacist = signed_in_user("ito", "伊藤 薬剤師", kStation, "pharmacist");
  const auto outsider = signed_in_user("mori", "森 看護師");
  const auto room = open_room(nurse, "佐藤 一郎");
  nurse.ok({"room", "add", room, "ito"});

  const auto pdf = dir_.path() / "退院時サマリー.pdf";
  const std::string bytes = "%PDF-1.4\n% test\n%%EOF\n";
  std::ofstream(pdf, std::ios::binary) << bytes;
  const auto out = trim(nurse.ok({"attach", room, pdf.string(), "--text", "紹介状です"}));
  const auto id = out.substr(out.find('\t') + 1);
  EXPECT_TRUE(id.starts_with("att_")) << out;
  EXPECT_NE(pharmacist.ok({"history", room}).find("[attached: 退院時サマリー.pdf (application/pdf"),
            std::string::npos);

  const auto saved = dir_.path() / "saved.pdf";
  pharmacist.ok({"download", id, "-o", saved.string()});
  EXPECT_EQ(read_file(saved), bytes);
  const auto denied = outsider.run({"download", id, "-o", "-"});
  EXPECT_EQ(denied.exit_code(), 1);
  EXPECT_EQ(denied.err, "musubi: no such attachment\n");

  // A file that is not a PDF, JPEG or PNG is refused by its bytes.
  const auto script = dir_.path() / "fake.pdf";
  std::ofstream(script) << "#!/bin/sh\necho hi\n";
  const auto spoofed = nurse.run({"attach", room, script.string()});
  EXPECT_EQ(spoofed.exit_code(), 1);
  EXPECT_NE(spoofed.err.find("only PDF, JPEG and PNG"), std::string::npos) << spoofed.err;

  const auto summary = (kTemplateExamples / "discharge_summary" / "valid-full.json").string();
  const auto seq = trim(nurse.ok({"record", room, "discharge_summary", summary}));
  const auto bundle = json::parse(pharmacist.ok({"export-fhir", room, seq, "-o", "-"}));
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["type"], "document");
}

TEST_F(Records, ReadMarksTheRoomAndReadersShowWhoHasReadIt) {
  const auto nurse = signed_in_user("sato", "佐藤 花子");
  const auto pharmacist = signed_in_user("ito", "伊藤 薬剤師", kStation, "pharmacist");
  const auto room = open_room(nurse, "佐藤 一郎");
  nurse.ok({"room", "add", room, "ito"});
  const auto seq = trim(nurse.ok({"post", room, "麻薬の残数を確認してください"}));
  EXPECT_NE(pharmacist.ok({"rooms"}).find("\t3 unread\n"), std::string::npos);
  EXPECT_EQ(pharmacist.ok({"read", room}), seq + "\n");
  EXPECT_NE(pharmacist.ok({"rooms"}).find("\t0 unread\n"), std::string::npos);
  const auto readers = nurse.ok({"readers", room});
  EXPECT_NE(readers.find("ito\t伊藤 薬剤師\t" + seq + "\tread everything\n"), std::string::npos)
      << readers;
  EXPECT_NE(readers.find("sato\t佐藤 花子\t0\t" + seq + " not read\n"), std::string::npos)
      << readers;
}

}  // namespace
}  // namespace musubi::testing
