// Complaints against a stage of a round (the rules in src/evaluation/complaint.hpp): filed by the
// round's enterprises and observers with every problem named at once, answered by the office or
// their hold on an award released with a published reason.
#include <algorithm>

#include "evaluation/complaint.hpp"
#include "server/api_support.hpp"
#include "server/validators.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

class ComplaintRoutes {
 public:
  explicit ComplaintRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route({"POST",
                 "/api/rounds/{id}/complaints",
                 "complain",
                 "file a complaint",
                 "",
                 false,
                 {json_body()}},
                [this](auto& s, auto& p) { return complain(s, p[0]); });
    core_.route(
        {"GET", "/api/rounds/{id}/complaints", "read", "read a round's complaints", "complaint"},
        [this](auto& s, auto& p) { return list(s, p[0]); });
    core_.route({"POST",
                 "/api/rounds/{id}/complaints/{complaint}/answer",
                 "answer-complaint",
                 "answer a complaint",
                 "",
                 false,
                 {json_body()}},
                [this](auto& s, auto& p) { return answer(s, p[0], p[1]); });
    core_.route({"POST",
                 "/api/rounds/{id}/complaints/{complaint}/override",
                 "override-hold",
                 "release a complaint's hold on an award",
                 "",
                 false,
                 {json_body()}},
                [this](auto& s, auto& p) { return override_hold(s, p[0], p[1]); });
  }

 private:
  ApiResponse list(RequestScope& s, const std::string& round_id) {
    const json& round = s.round;
    long total = 0;
    json items = json::array();
    for (const auto& o : core_.records().list(kind_named("complaint"), round_id, s.reader(),
                                              s.now_utc, 0, kAll, total)) {
      json d = json::parse(o.data);
      d["overdue"] = d.value("status", "") == "pending" && s.now_utc > d.value("answerDue", "");
      items.push_back(d);
    }
    json held = json::array();
    if (core_.phase(round, s) != RoundPhase::kDraft)
      held = held_groups_of(core_, round_id, [&] { return round_group_ids(core_, round_id); });
    // When each stage may be challenged (a stage not published yet has no window).
    const auto input = core_.rounds().input(round_id);
    const RoundStages stages{round.value("publishedAt", ""),
                             round.value("openedAt", ""),
                             round.value("awardedAt", ""),
                             {}};
    json windows = json::object();
    for (auto stage : {ComplaintStage::kRules, ComplaintStage::kOpening, ComplaintStage::kAward})
      if (auto w = complaint_window(stage, stages, input->profile))
        windows[complaint_stage_name(stage)] = {
            {"opens", w->opens},
            {"closes", w->closes},
            {"open", w->opens <= s.now_utc && s.now_utc < w->closes}};
    return json_response(200, {{"items", items},
                               {"total", total},
                               {"heldGroups", held},
                               {"windows", windows},
                               {"answerDays", input->profile.complaint_answer_days}});
  }

  ApiResponse complain(RequestScope& s, const std::string& round_id) {
    const json& round = s.round;
    const auto input = core_.rounds().input(round_id);
    if (s.caller.role == Role::kObserver && !core_.reader_in(s, round_id).observer)
      throw ApiError(403, "not_assigned", "you are not an observer of round '" + round_id + "'");
    if (s.caller.role == Role::kEnterprise &&
        std::none_of(input->enterprises.begin(), input->enterprises.end(),
                     [&](const Enterprise& e) { return e.id == s.caller.org_id; }))
      throw ApiError(403, "not_participant",
                     "only the round's enterprises and observers file complaints");
    const json& body = s.body();
    known_fields(body, {"stage", "group", "subject", "grounds", "rule", "remedy", "evidence"});
    ComplaintForm form{
        text_field(body, "stage", false, 20),    text_field(body, "group", false, 64),
        text_field(body, "subject", false, 300), text_field(body, "grounds", false, 10000),
        text_field(body, "rule", false, 1000),   text_field(body, "remedy", false, 2000),
        string_list(body, "evidence", false)};
    RoundStages stages{round.value("publishedAt", ""),
                       round.value("openedAt", ""),
                       round.value("awardedAt", ""),
                       {}};
    if (!stages.published_at.empty()) stages.groups = round_group_ids(core_, round_id);
    const auto problems = check_complaint(form, stages, input->profile, s.now_utc);
    refuse_problems(problems, "incomplete_complaint", "the complaint cannot be filed");
    const std::string id =
        round_id + "/C" + std::to_string(store_.count("complaint", round_id) + 1);
    json doc = {{"id", id},
                {"round", round_id},
                {"stage", form.stage},
                {"group", form.group},
                {"subject", form.subject},
                {"grounds", form.grounds},
                {"rule", form.rule},
                {"remedy", form.remedy},
                {"evidence", form.evidence},
                {"complainant",
                 {{"user", s.caller.user_id},
                  {"role", role_name(s.caller.role)},
                  {"org", s.caller.org_id}}},
                {"filedAt", s.now_utc},
                {"answerDue", complaint_answer_due(s.now_utc, input->profile)},
                {"status", "pending"},
                {"holds", form.group.empty() ? "every group" : form.group}};
    core_.put(s, "complaint", id, round_id, doc, "", user_owner(s.caller.user_id));
    return json_response(201, doc);
  }

  std::pair<json, ObjectRevision> pending(const std::string& round_id,
                                          const std::string& complaint) {
    auto o =
        is_id(complaint) ? store_.latest("complaint", round_id + "/" + complaint) : std::nullopt;
    if (!o) throw ApiError(404, "not_found", "no complaint '" + complaint + "' in this round");
    json doc = json::parse(o->data);
    if (doc.value("status", "") != "pending")
      throw ApiError(409, "wrong_phase",
                     "the complaint is " + doc.value("status", "") + "; answers are final");
    return {doc, *o};
  }

  ApiResponse answer(RequestScope& s, const std::string& round_id, const std::string& complaint) {
    auto [doc, stored] = pending(round_id, complaint);
    const json& body = s.body();
    known_fields(body, {"decision", "reasoning"});
    const std::string decision = text_field(body, "decision", false, 20);
    const std::string reasoning = text_field(body, "reasoning", false, 10000);
    const auto problems = check_complaint_answer(decision, reasoning);
    refuse_problems(problems, "incomplete_answer", "the answer");
    doc["status"] = decision;
    doc["answer"] = {{"decision", decision},
                     {"reasoning", reasoning},
                     {"by", s.caller.user_id},
                     {"at", s.now_utc}};
    doc["answeredLate"] = s.now_utc > doc.value("answerDue", "");
    core_.put(s, "complaint", doc["id"], round_id, doc, "", stored.owner);
    return json_response(200, doc);
  }

  ApiResponse override_hold(RequestScope& s, const std::string& round_id,
                            const std::string& complaint) {
    auto [doc, stored] = pending(round_id, complaint);
    if (doc.contains("holdOverride"))
      throw ApiError(409, "exists", "the hold was already released");
    const json& body = s.body();
    known_fields(body, {"reason"});
    const std::string reason = text_field(body, "reason", false, 10000);
    const auto problems = check_hold_override(reason);
    refuse_problems(problems, "incomplete_override", "the override");
    doc["holdOverride"] = {{"reason", reason}, {"by", s.caller.user_id}, {"at", s.now_utc}};
    doc["holds"] = "";
    core_.put(s, "complaint", doc["id"], round_id, doc, "", stored.owner);
    return json_response(200, doc);
  }

  ApiCore& core_;
  PlatformStore& store_;
};

}  // namespace

std::vector<std::string> held_groups_of(
    ApiCore& core, const std::string& round_id,
    const std::function<std::vector<std::string>()>& all_groups) {
  std::vector<ComplaintState> states;
  bool every_group = false;  // a pending complaint names no group: the round's groups are needed
  for (const auto& o : core.db().list("complaint", round_id, 0, kAll)) {
    const json d = json::parse(o.data);
    states.push_back({d.value("id", ""), d.value("group", ""), d.value("status", "") == "pending",
                      d.contains("holdOverride")});
    every_group |= states.back().pending && states.back().group.empty();
  }
  return held_groups(states, every_group ? all_groups() : std::vector<std::string>{});
}

void add_complaint_routes(ApiCore& core) {
  auto routes = std::make_shared<ComplaintRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
