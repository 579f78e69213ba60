// Expert panels and complaints: the draw is reproducible and excludes declared interests;
// complaint forms name every problem at once; windows and holds follow the profile.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "evaluation/complaint.hpp"
#include "evaluation/draw.hpp"
#include "evaluation/observation.hpp"
#include "evaluation/panel.hpp"
#include "tender/clarification.hpp"

using namespace procura;

namespace {

std::vector<Expert> library() {
  return {{"X01", "A", {"ophthalmology"}, {}}, {"X02", "B", {"ophthalmology", "pharmacy"}, {"E02"}},
          {"X03", "C", {"pharmacy"}, {}},      {"X04", "D", {"health-economics"}, {"E09"}},
          {"X05", "E", {"ophthalmology"}, {}}, {"X06", "F", {"ophthalmology"}, {"E01", "E03"}}};
}

}  // namespace

TEST(Clock, ParsesAndAddsDays) {
  EXPECT_EQ(parse_utc("1970-01-02T00:00:00Z"), 86400);
  EXPECT_EQ(add_days("2024-02-28T10:00:00Z", 2), "2024-03-01T10:00:00Z");
  EXPECT_EQ(format_utc(*parse_utc("2026-11-23T04:34:27Z")), "2026-11-23T04:34:27Z");
  for (const char* bad : {"", "2024-02-28", "2024-02-28T10:00:00", "2024-13-01T00:00:00Z",
                          "2024-02-28T10:00:00Zx", "2024-02-28 10:00:00Z"})
    EXPECT_FALSE(parse_utc(bad)) << bad;
}

TEST(Panel, ExcludesInterestsAndMissingSpecialities) {
  struct Case {
    std::vector<std::string> participants, specialities;
    std::vector<std::string> excluded;  // expert ids
  };
  const Case cases[] = {
      {{"E01", "E02"}, {}, {"X02", "X06"}},
      {{"E09"}, {}, {"X04"}},
      {{"E03"}, {"ophthalmology"}, {"X03", "X04", "X06"}},
      {{}, {"pharmacy"}, {"X01", "X04", "X05", "X06"}},
  };
  for (const auto& c : cases) {
    const Panel p = draw_panel(library(), {"seed-1", 2, c.specialities, c.participants});
    std::vector<std::string> excluded;
    for (const auto& e : p.excluded) excluded.push_back(e.expert);
    EXPECT_EQ(excluded, c.excluded);
    EXPECT_EQ(p.eligible, 6 - static_cast<int>(c.excluded.size()));
    for (const auto& m : p.members)
      EXPECT_EQ(std::count(c.excluded.begin(), c.excluded.end(), m), 0) << m;
  }
  const Panel p = draw_panel(library(), {"s", 1, {}, {"E02"}});
  ASSERT_EQ(p.excluded.size(), 1u);
  EXPECT_EQ(p.excluded[0].reason, "declared an interest in E02");
}

TEST(Panel, SameSeedSamePanelAndTheOrderIsTheDrawKeys) {
  const PanelRequest r{"published-seed", 3, {}, {"E01"}};
  const Panel a = draw_panel(library(), r), b = draw_panel(library(), r);
  EXPECT_EQ(a.members, b.members);
  ASSERT_EQ(a.members.size(), 3u);
  for (std::size_t i = 1; i < a.members.size(); ++i)
    EXPECT_LT(panel_draw_key(r.seed, a.members[i - 1]), panel_draw_key(r.seed, a.members[i]));
  // Every eligible expert left out has a larger key than the last member.
  for (const auto& e : library()) {
    if (e.id == "X06" || std::count(a.members.begin(), a.members.end(), e.id) > 0) continue;
    EXPECT_GT(panel_draw_key(r.seed, e.id), panel_draw_key(r.seed, a.members.back())) << e.id;
  }
  // Seeds change panels: over 20 seeds, more than one distinct panel comes out.
  std::vector<std::vector<std::string>> seen;
  for (int s = 0; s < 20; ++s) {
    auto m = draw_panel(library(), {"seed-" + std::to_string(s), 2, {}, {}}).members;
    std::sort(m.begin(), m.end());
    if (std::find(seen.begin(), seen.end(), m) == seen.end()) seen.push_back(m);
  }
  EXPECT_GT(seen.size(), 3u);
}

TEST(Panel, RefusesTooFewEligibleOrNoSeed) {
  EXPECT_THROW(draw_panel(library(), {"s", 3, {"pharmacy"}, {"E02"}}), RuleError);
  EXPECT_THROW(draw_panel(library(), {"", 1, {}, {}}), RuleError);
  EXPECT_THROW(draw_panel(library(), {"s", 0, {}, {}}), RuleError);
}

namespace {

ComplaintForm complete_form() {
  return {"opening",
          "G001",
          "Late bid accepted",
          "The bid of E03 for P3 carries a submission time after the deadline and was ranked.",
          "round rules, bid deadline",
          "Declare the bid late and rank again",
          {"opening record"}};
}

RoundStages stages() {
  return {"2026-01-01T00:00:00Z", "2026-02-01T10:00:00Z", "", {"G001", "G002"}};
}

std::vector<std::string> fields(const std::vector<FieldProblem>& v) {
  std::vector<std::string> out;
  for (const auto& p : v) out.push_back(p.field);
  return out;
}

}  // namespace

TEST(Complaint, FormProblemsAreAllNamedAtOnce) {
  RuleProfile profile;  // 10 days to complain
  const std::string in_time = "2026-02-05T00:00:00Z";
  struct Case {
    const char* name;
    void (*change)(ComplaintForm&);
    std::string now;
    std::vector<std::string> fields;
  };
  const Case cases[] = {
      {"complete", [](ComplaintForm&) {}, in_time, {}},
      {"unknown stage", [](ComplaintForm& f) { f.stage = "bidding"; }, in_time, {"stage"}},
      {"award not yet published", [](ComplaintForm& f) { f.stage = "award"; }, in_time, {"stage"}},
      {"window closed", [](ComplaintForm&) {}, "2026-02-11T10:00:00Z", {"stage"}},
      {"last second of the window", [](ComplaintForm&) {}, "2026-02-11T09:59:59Z", {}},
      {"group required", [](ComplaintForm& f) { f.group = ""; }, in_time, {"group"}},
      {"rules need no group",
       [](ComplaintForm& f) {
         f.stage = "rules";
         f.group = "";
       },
       in_time,
       {"stage"}},  // the rules stage closed on 2026-01-11
      {"unknown group", [](ComplaintForm& f) { f.group = "G9"; }, in_time, {"group"}},
      {"everything missing",
       [](ComplaintForm& f) { f = ComplaintForm{"opening", "", "", "   ", "", "", {" "}}; },
       in_time,
       {"group", "subject", "grounds", "rule", "remedy", "evidence[0]"}},
      {"grounds too short",
       [](ComplaintForm& f) { f.grounds = "It is unfair."; },
       in_time,
       {"grounds"}},
  };
  for (const auto& c : cases) {
    ComplaintForm f = complete_form();
    c.change(f);
    EXPECT_EQ(fields(check_complaint(f, stages(), profile, c.now)), c.fields) << c.name;
  }
  profile.complaint_days = 0;  // a profile may close complaints at once
  EXPECT_EQ(fields(check_complaint(complete_form(), stages(), profile, in_time)),
            std::vector<std::string>{"stage"});
}

TEST(Complaint, AnswerDueAndAnswerForm) {
  RuleProfile profile;
  profile.complaint_answer_days = 3;
  EXPECT_EQ(complaint_answer_due("2026-12-30T12:00:00Z", profile), "2027-01-02T12:00:00Z");
  EXPECT_TRUE(check_complaint_answer("upheld", "The bid was indeed late; ranking redone.").empty());
  EXPECT_EQ(fields(check_complaint_answer("maybe", "short")),
            (std::vector<std::string>{"decision", "reasoning"}));
  EXPECT_EQ(fields(check_hold_override("stock")), std::vector<std::string>{"reason"});
  EXPECT_TRUE(check_hold_override("Hospitals run out of lenses in March without it").empty());
}

TEST(Clarification, QuestionsAreTakenFromPublicationUntilTheDeadline) {
  const QuestionWindow window{"2026-01-01T00:00:00Z", "2026-01-31T09:00:00Z"};
  const std::vector<std::string> groups = {"G001", "G002"};
  const QuestionForm good{"Ties", "How are ties between equal bids broken?", "G001"};
  struct Case {
    const char* name;
    QuestionForm form;
    QuestionWindow window;
    std::string now;
    std::vector<std::string> fields;
  };
  const Case cases[] = {
      {"complete", good, window, "2026-01-10T00:00:00Z", {}},
      {"about the whole round", {"Ties", good.question, ""}, window, "2026-01-10T00:00:00Z", {}},
      {"the first second", good, window, "2026-01-01T00:00:00Z", {}},
      {"before publication", good, window, "2025-12-31T23:59:59Z", {"question"}},
      {"not published at all", good, {"", ""}, "2026-01-10T00:00:00Z", {"question"}},
      {"the last second", good, window, "2026-01-31T08:59:59Z", {}},
      {"at the deadline", good, window, "2026-01-31T09:00:00Z", {"question"}},
      {"unknown group", {"Ties", good.question, "G9"}, window, "2026-01-10T00:00:00Z", {"group"}},
      {"blank subject", {"  \t ", good.question, ""}, window, "2026-01-10T00:00:00Z", {"subject"}},
      {"19 characters",
       {"Ties", "Is a tie split?  12", ""},
       window,
       "2026-01-10T00:00:00Z",
       {"question"}},
      {"everything wrong",
       {"", "", "G9"},
       window,
       "2026-02-01T00:00:00Z",
       {"question", "group", "subject", "question"}},
  };
  for (const auto& c : cases)
    EXPECT_EQ(fields(check_question(c.form, c.window, groups, c.now)), c.fields) << c.name;
}

TEST(Clarification, AnswersAreDueWithinTheAnswerDaysAndByTheDeadline) {
  RuleProfile profile;
  profile.complaint_answer_days = 7;
  const QuestionWindow window{"2026-01-01T00:00:00Z", "2026-01-31T09:00:00Z"};
  // 7 days after the question, or the deadline when that comes first.
  EXPECT_EQ(question_answer_due("2026-01-10T12:00:00Z", window, profile), "2026-01-17T12:00:00Z");
  EXPECT_EQ(question_answer_due("2026-01-28T12:00:00Z", window, profile), "2026-01-31T09:00:00Z");
  const std::string answer = "By the time of the bid, as the profile says.";
  EXPECT_TRUE(check_question_answer(answer, window, "2026-01-31T08:59:59Z").empty());
  EXPECT_EQ(fields(check_question_answer(answer, window, "2026-01-31T09:00:00Z")),
            std::vector<std::string>{"answer"});
  EXPECT_EQ(fields(check_question_answer("Yes.", window, "2026-01-20T00:00:00Z")),
            std::vector<std::string>{"answer"});
}

TEST(Observation, IsTiedToAStageThatHasHappened) {
  const ObservedRound opened{"2026-01-01T00:00:00Z", "2026-01-31T09:00:00Z", "2026-01-31T10:00:00Z",
                             ""};
  struct Case {
    const char* stage;
    std::string now;
    bool taken;
  };
  const Case cases[] = {
      {"", "2026-01-02T00:00:00Z", true},  // the round as a whole
      {"publication", "2026-01-01T00:00:00Z", true},
      {"rules", "2026-01-01T00:00:00Z", true},  // the complaints' name for it
      {"deadline", "2026-01-31T08:59:59Z", false},
      {"deadline", "2026-01-31T09:00:00Z", true},
      {"opening", "2026-01-31T09:59:59Z", false},
      {"opening", "2026-01-31T10:00:00Z", true},
      {"evaluation", "2026-02-01T00:00:00Z", true},
      {"award", "2026-02-01T00:00:00Z", false},    // not awarded
      {"bidding", "2026-02-01T00:00:00Z", false},  // no such stage
  };
  for (const auto& c : cases)
    EXPECT_EQ(check_observation_stage(c.stage, opened, c.now).empty(), c.taken)
        << c.stage << " at " << c.now;
  EXPECT_EQ(stages_happened(opened, "2026-01-31T09:30:00Z"),
            (std::vector<std::string>{"publication", "deadline"}));
  EXPECT_TRUE(stages_happened({"", "2026-01-31T09:00:00Z", "", ""}, "2027-01-01T00:00:00Z").empty())
      << "a draft round has no stage to observe";
}

TEST(Complaint, PendingComplaintsHoldTheirGroups) {
  const std::vector<std::string> all = {"G001", "G002", "G003"};
  struct Case {
    std::vector<ComplaintState> complaints;
    std::vector<std::string> held;
  };
  const Case cases[] = {
      {{}, {}},
      {{{"C1", "G002", true, false}}, {"G002"}},
      {{{"C1", "G002", false, false}}, {}},  // answered
      {{{"C1", "G002", true, true}}, {}},    // overridden
      {{{"C1", "G003", true, false}, {"C2", "G001", true, false}, {"C3", "G003", true, false}},
       {"G001", "G003"}},
      {{{"C1", "", true, false}}, all},  // the rules: every group
  };
  for (const auto& c : cases) EXPECT_EQ(held_groups(c.complaints, all), c.held);
}

// The draw's seed: its text as docs/verification.md defines it, hashed as coreutils' b2sum -l 256
// hashes it (the expected hashes printed by b2sum over the same text and over the secret).
TEST(DrawSeed, IsBlake2bOfTheDocumentedTextWithValuesSorted) {
  const std::string secret(64, 'a');
  const DrawInput input{"r1", "panel", secret, {{"b2", "c2"}, {"b1", "c1"}}};
  EXPECT_EQ(draw_seed_text(input), "procura-draw-v1\nround r1\ndraw panel\nsecret " + secret +
                                       "\nvalue b1 c1\nvalue b2 c2\n");
  EXPECT_EQ(draw_seed(input), "b2c9882befb2327f90efb3d88cb63db90d8cf0376ec3dfdee8de0b43aa1931a4");
  EXPECT_EQ(draw_commitment(secret),
            "b1e70fb5c59f0727f1c099e3ddccadc0857c8d21a4b5cd9b637ef964e94c2b29");
}

TEST(DrawSeed, EveryValueAndTheSecretMoveTheSeed) {
  const DrawInput base{"r1", "panel", std::string(64, 'a'), {{"b1", "c1"}, {"b2", "c2"}}};
  DrawInput other_value = base, other_secret = base, other_round = base, fewer = base;
  other_value.values[1].value = "c3";
  other_secret.secret[63] = 'b';
  other_round.round = "r2";
  fewer.values.pop_back();
  for (const auto& changed : {other_value, other_secret, other_round, fewer})
    EXPECT_NE(draw_seed(changed), draw_seed(base));
}

TEST(DrawSeed, RefusesWhatCouldMakeTwoTextsAlike) {
  struct Case {
    const char* what;
    DrawInput input;
  };
  const std::string s(64, 'a');
  const std::vector<Case> cases = {
      {"short secret", {"r1", "panel", std::string(63, 'a'), {}}},
      {"upper-case secret", {"r1", "panel", std::string(64, 'A'), {}}},
      {"space in a value", {"r1", "panel", s, {{"b1", "c1 value b2 c2"}}}},
      {"line break in a name", {"r1", "panel", s, {{"b1\nvalue", "c1"}}}},
      {"empty value", {"r1", "panel", s, {{"b1", ""}}}},
      {"space in the round", {"r 1", "panel", s, {}}},
  };
  for (const auto& c : cases) EXPECT_THROW(draw_seed(c.input), RuleError) << c.what;
  EXPECT_FALSE(is_draw_secret(std::string(64, 'g')));
  EXPECT_TRUE(is_draw_secret(s));
}
