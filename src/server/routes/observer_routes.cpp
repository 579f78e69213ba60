// Civil-society observers: assigned by the office, filing timestamped observations from the
// publication, reading the evaluation record once the bids are opened (as do the office, the
// auditors and the panel: the audience of access prices) and publishing one final report each.
#include <set>

#include "evaluation/complaint.hpp"
#include "evaluation/observation.hpp"
#include "report/report.hpp"
#include "server/api_support.hpp"
#include "server/validators.hpp"
#include "tender/commitment.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

class ObserverRoutes {
 public:
  explicit ObserverRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route(
        {"POST", "/api/rounds/{id}/observers", "assign-observer", "assign an observer to a round"},
        [this](auto& s, auto& p) { return assign(s, p[0]); });
    core_.route(
        {"GET", "/api/rounds/{id}/observers", "read", "read a round's observers", "observer"},
        [this](auto& s, auto& p) { return list(s, "observer", p[0]); });
    core_.route({"POST",
                 "/api/rounds/{id}/observations",
                 "observe",
                 "file an observation",
                 "",
                 false,
                 {assigned(), round_published("observations start when the round is published"),
                  json_body()}},
                [this](auto& s, auto& p) { return observe(s, p[0]); });
    core_.route({"GET", "/api/rounds/{id}/observations", "read", "read a round's observations",
                 "observation"},
                [this](auto& s, auto& p) { return list(s, "observation", p[0]); });
    core_.route({"POST",
                 "/api/rounds/{id}/observer-reports",
                 "report",
                 "publish an observer's final report",
                 "",
                 false,
                 {assigned(),
                  round_in({RoundPhase::kOpened, RoundPhase::kAwarded},
                           "a final report follows the evaluation (after the opening)"),
                  json_body()}},
                [this](auto& s, auto& p) { return report(s, p[0]); });
    core_.route({"GET", "/api/rounds/{id}/observer-reports", "read",
                 "read a round's observer reports", "observer-report"},
                [this](auto& s, auto& p) { return list(s, "observer-report", p[0]); });
    core_.route({"GET",
                 "/api/rounds/{id}/evaluation",
                 "read-evaluation",
                 "read a round's evaluation record",
                 "access-price",
                 false,
                 {evaluator(), round_in({RoundPhase::kOpened, RoundPhase::kAwarded},
                                        "the evaluation record begins when the bids are opened")}},
                [this](auto& s, auto& p) { return evaluation(s, p[0]); });
    core_.route({"GET",
                 "/api/rounds/{id}/proposed-awards",
                 "read",
                 "read the winners the opened bids propose, before the award",
                 "bid",
                 false,
                 {round_in({RoundPhase::kOpened},
                           "proposed winners are shown from the opening until the award",
                           "wrong_phase", "awarded")}},
                [this](auto& s, auto& p) { return proposed(s, p[0]); });
  }

 private:
  ApiResponse list(RequestScope& s, const char* kind, const std::string& round_id) {
    long total = 0;
    auto rows =
        core_.records().list(kind_named(kind), round_id, s.reader(), s.now_utc, 0, kAll, total);
    return json_response(200, {{"items", documents(rows)}, {"total", total}});
  }

  // The caller is one of the round's assigned observers.
  static Validator assigned() {
    return [](ApiCore& core, RequestScope& s, const Params& p) {
      known_round()(core, s, p);
      if (!core.reader_in(s, p.at(0)).observer)
        throw ApiError(
            403, "not_assigned",
            "you are not an observer of round '" + p.at(0) + "'; the office assigns them");
    };
  }

  ApiResponse assign(RequestScope& s, const std::string& round_id) {
    const json& body = s.body();
    known_fields(body, {"user"});
    const std::string user = text_field(body, "user", true, 64);
    auto u = is_id(user) ? store_.user(user) : std::nullopt;
    if (!u || u->role != "observer")
      throw ApiError(422, "invalid", "'" + user + "' is not an observer's account", "user");
    if (store_.latest("observer", round_id + "/" + user))
      throw ApiError(409, "exists", "'" + user + "' already observes this round");
    json doc = {{"round", round_id},
                {"user", user},
                {"name", u->name},
                {"organisation", u->org_id},
                {"assignedAt", s.now_utc}};
    core_.put(s, "observer", round_id + "/" + user, round_id, doc);
    return json_response(201, doc);
  }

  ApiResponse observe(RequestScope& s, const std::string& round_id) {
    const json& body = s.body();
    known_fields(body, {"text", "stage", "group"});
    const std::string text = text_field(body, "text", true, 5000);
    if (text.size() < 10)
      throw ApiError(422, "invalid", "an observation says what was seen (at least 10 characters)",
                     "text");
    const std::string stage = text_field(body, "stage", false, 40);
    const ObservedRound reached{s.round.value("publishedAt", ""),
                                s.round.value("timeline", json::object()).value("bidDeadline", ""),
                                s.round.value("openedAt", ""), s.round.value("awardedAt", "")};
    if (auto problem = check_observation_stage(stage, reached, s.now_utc); !problem.empty())
      throw ApiError(422, "invalid", problem, "stage");
    const std::string group = text_field(body, "group", false, 64);
    if (!group.empty() && !is_id(group))
      throw ApiError(422, "invalid", "'group' must be a group's id", "group");
    const std::string id =
        round_id + "/observation-" + std::to_string(store_.count("observation", round_id) + 1);
    json doc = {{"id", id},
                {"round", round_id},
                {"observer", s.caller.user_id},
                {"organisation", s.caller.org_id},
                {"stage", stage},
                {"group", group},
                {"text", text},
                {"textHash", blake2b_hex(text)},
                {"at", s.now_utc}};
    core_.put(s, "observation", id, round_id, doc, "", user_owner(s.caller.user_id));
    return json_response(201, doc);
  }

  ApiResponse report(RequestScope& s, const std::string& round_id) {
    const std::string id = round_id + "/" + s.caller.user_id;
    if (store_.latest("observer-report", id))
      throw ApiError(409, "exists", "your final report is published; it is never replaced");
    const json& body = s.body();
    known_fields(body, {"opinion", "summary", "findings", "recommendations"});
    std::vector<std::pair<std::string, std::string>> problems;
    const std::string opinion = text_field(body, "opinion", false, 40);
    if (opinion != "compliant" && opinion != "compliant-with-reservations" &&
        opinion != "non-compliant")
      problems.emplace_back("opinion",
                            "expected compliant, compliant-with-reservations or non-compliant");
    const std::string summary = text_field(body, "summary", false, 10000);
    if (summary.size() < 20)
      problems.emplace_back("summary", "summarise what you observed (at least 20 characters)");
    const auto findings = string_list(body, "findings", false);
    const auto recommendations = string_list(body, "recommendations", false);
    if (!problems.empty()) form_problems(problems, "incomplete_report", "the report");
    json doc = {{"id", id},
                {"round", round_id},
                {"observer", s.caller.user_id},
                {"organisation", s.caller.org_id},
                {"opinion", opinion},
                {"summary", summary},
                {"findings", findings},
                {"recommendations", recommendations},
                {"observations", store_.count("observation", round_id)},
                {"publishedAt", s.now_utc}};
    core_.put(s, "observer-report", id, round_id, doc, "", user_owner(s.caller.user_id));
    return json_response(201, doc);
  }

  // The evaluation record: the opened bids, access prices, offers, observations, complaints,
  // the panel and the engine's evaluation of the current data (computed once per change). Read
  // by the audience of access prices before the award: the office, auditors, the round's panel
  // and its observers.
  ApiResponse evaluation(RequestScope& s, const std::string& round_id) {
    const json& round = s.round;
    auto rows = [&](const char* kind) {
      long total = 0;
      return documents(
          core_.records().list(kind_named(kind), round_id, s.reader(), s.now_utc, 0, kAll, total));
    };
    const auto input = core_.rounds().input(round_id);
    const auto result = core_.rounds().evaluation(round_id, {});
    json record = {{"round", round_id},
                   {"status", round.value("status", "")},
                   {"openedAt", round.value("openedAt", "")},
                   {"bids", rows("bid")},
                   {"accessPrices", rows("access-price")},
                   {"offers", rows("offer")},
                   {"observations", rows("observation")},
                   {"complaints", rows("complaint")},
                   {"evaluation", result_json(*input, *result)}};
    if (auto p = store_.latest("panel", round_id)) record["panel"] = json::parse(p->data);
    return json_response(200, record);
  }

  // The winners of the competitive groups as the opened bids rank them: everything they depend
  // on (the tables, the opened bids) is public from the opening. Negotiated groups wait for the
  // award (their access prices are sealed until then), and so do volumes, which the hospitals'
  // choices and the whole award settle.
  ApiResponse proposed(RequestScope& s, const std::string& round_id) {
    const auto input = core_.rounds().input(round_id);
    const auto result = core_.rounds().evaluation(round_id, {});
    const json r = result_json(*input, *result);
    json items = json::array();
    for (const auto& a : r.value("awards", json::array())) {
      if (a.value("stage", "") != "bidding") continue;
      items.push_back({{"product", a["product"]},
                       {"enterprise", a["enterprise"]},
                       {"group", a["group"]},
                       {"rank", a["rank"]},
                       {"price", a["price"]},
                       {"referencePrice", a["referencePrice"]},
                       {"decrease", a["decrease"]}});
    }
    // The competitive groups' outcome and each bid's place in them, with the engine's reasons.
    std::set<std::string> competitive;
    json groups = json::array(), bids = json::array();
    for (const auto& g : r.value("groups", json::array())) {
      if (g.value("route", "") != "bidding") continue;
      competitive.insert(g.value("id", ""));
      groups.push_back({{"id", g["id"]},
                        {"status", g["status"]},
                        {"validBidders", g["validBidders"]},
                        {"winners", g["winners"]},
                        {"note", g.value("note", "")}});
    }
    for (const auto& b : r.value("bids", json::array()))
      if (competitive.count(b.value("group", "")))
        bids.push_back({{"product", b["product"]},
                        {"group", b["group"]},
                        {"status", b["status"]},
                        {"rank", b["rank"]},
                        {"reason", b.value("reason", "")}});
    const RoundStages stages{
        s.round.value("publishedAt", ""), s.round.value("openedAt", ""), "", {}};
    json out = {{"items", items}, {"total", items.size()}, {"groups", groups}, {"bids", bids}};
    if (auto w = complaint_window(ComplaintStage::kOpening, stages, input->profile))
      out["complaintWindow"] = {{"opens", w->opens}, {"closes", w->closes}};
    return json_response(200, out);
  }

  ApiCore& core_;
  PlatformStore& store_;
};

}  // namespace

void add_observer_routes(ApiCore& core) {
  auto routes = std::make_shared<ObserverRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
