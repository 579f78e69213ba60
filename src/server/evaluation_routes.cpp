// The evaluation of a round on the platform: the expert library and each round's panel, the
// civil-society observers with their observations and final reports, and complaints with the
// office's answers and hold overrides. The rules are in src/evaluation/; this file maps them to
// routes and stored objects.
#include <algorithm>
#include <memory>

#include "award/engine.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "evaluation/complaint.hpp"
#include "evaluation/panel.hpp"
#include "platform/secrets.hpp"
#include "report/report.hpp"
#include "server/api_support.hpp"
#include "tender/commitment.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

// An array of strings (non-empty ones unless `allow_empty`: a form checks them itself).
std::vector<std::string> string_list(const json& body, const char* key, bool required,
                                     bool allow_empty = false) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required)
      throw ApiError(422, "missing_field", std::string("'") + key + "' is required", key);
    return {};
  }
  if (!it->is_array())
    throw ApiError(422, "wrong_type", std::string("'") + key + "' must be an array of strings",
                   key);
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string() || (!allow_empty && v.get<std::string>().empty()))
      throw ApiError(422, "wrong_type",
                     std::string("'") + key + "' must list non-empty strings, got " + v.dump(),
                     key);
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<json> latest_docs(PlatformStore& store, const std::string& kind,
                              const std::string& round_id) {
  std::vector<json> out;
  for (const auto& o : store.list(kind, round_id, 0, kAll)) out.push_back(json::parse(o.data));
  return out;
}

bool observer_assigned(PlatformStore& store, const std::string& round_id,
                       const std::string& user_id) {
  return store.latest("observer", round_id + "/" + user_id).has_value();
}

json items(const std::vector<json>& docs) {
  return {{"items", docs}, {"total", docs.size()}};
}

ApiResponse problems_response(const std::vector<FieldProblem>& problems, const char* code,
                              const std::string& what) {
  json all = json::array();
  std::string message = what + ": ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    all.push_back({{"field", problems[i].field}, {"message", problems[i].message}});
    message += (i ? "; " : "") + problems[i].field + ": " + problems[i].message;
  }
  throw ApiError(422, code, message, problems.front().field, all);
}

class EvaluationRoutes {
 public:
  explicit EvaluationRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    const std::vector<Role> everyone = all_roles();
    const std::vector<Role> office = {Role::kOffice};
    core_.route("GET", "/api/experts", everyone, "read the expert library",
                [this](auto&, auto&, auto&) {
                  return json_response(200, items(latest_docs(store_, "expert", "")));
                });
    core_.route("POST", "/api/experts", office, "add or update an expert in the library",
                [this](auto& r, auto& c, auto&) { return put_expert(r, c); });
    core_.route("POST", "/api/experts/{expert}/interests", {Role::kOffice, Role::kExpert},
                "declare an expert's interest in an enterprise",
                [this](auto& r, auto& c, auto& p) { return declare_interest(r, c, p[0]); });
    core_.route("POST", "/api/rounds/{id}/panel", office, "draw a round's expert panel",
                [this](auto& r, auto& c, auto& p) { return draw(r, c, p[0]); });
    core_.route("GET", "/api/rounds/{id}/panel", everyone, "read a round's expert panel",
                [this](auto&, auto&, auto& p) { return read_panel(p[0]); });
    core_.route("GET", "/api/rounds/{id}/groups", everyone, "read a round's product groups",
                [this](auto&, auto&, auto& p) { return groups(p[0]); });
    core_.route("POST", "/api/rounds/{id}/observers", office, "assign an observer to a round",
                [this](auto& r, auto& c, auto& p) { return assign_observer(r, c, p[0]); });
    core_.route("GET", "/api/rounds/{id}/observers", everyone, "read a round's observers",
                [this](auto&, auto&, auto& p) {
                  core_.round_doc(p[0]);
                  return json_response(200, items(latest_docs(store_, "observer", p[0])));
                });
    core_.route("GET", "/api/rounds/{id}/evaluation",
                {Role::kOffice, Role::kExpert, Role::kObserver, Role::kAuditor},
                "read a round's evaluation record",
                [this](auto&, auto& c, auto& p) { return evaluation(c, p[0]); });
    core_.route("POST", "/api/rounds/{id}/observations", {Role::kObserver}, "file an observation",
                [this](auto& r, auto& c, auto& p) { return observe(r, c, p[0]); });
    core_.route("GET", "/api/rounds/{id}/observations", everyone, "read a round's observations",
                [this](auto&, auto&, auto& p) {
                  core_.round_doc(p[0]);
                  return json_response(200, items(latest_docs(store_, "observation", p[0])));
                });
    core_.route("POST", "/api/rounds/{id}/observer-reports", {Role::kObserver},
                "publish an observer's final report",
                [this](auto& r, auto& c, auto& p) { return report(r, c, p[0]); });
    core_.route("GET", "/api/rounds/{id}/observer-reports", everyone,
                "read a round's observer reports", [this](auto&, auto&, auto& p) {
                  core_.round_doc(p[0]);
                  return json_response(200, items(latest_docs(store_, "observer-report", p[0])));
                });
    core_.route("POST", "/api/rounds/{id}/complaints", {Role::kEnterprise, Role::kObserver},
                "file a complaint",
                [this](auto& r, auto& c, auto& p) { return complain(r, c, p[0]); });
    core_.route("GET", "/api/rounds/{id}/complaints", everyone, "read a round's complaints",
                [this](auto&, auto&, auto& p) { return complaints(p[0]); });
    core_.route("POST", "/api/rounds/{id}/complaints/{complaint}/answer", office,
                "answer a complaint",
                [this](auto& r, auto& c, auto& p) { return answer(r, c, p[0], p[1]); });
    core_.route("POST", "/api/rounds/{id}/complaints/{complaint}/override", office,
                "release a complaint's hold on an award",
                [this](auto& r, auto& c, auto& p) { return override_hold(r, c, p[0], p[1]); });
  }

 private:
  // --- experts and panels ---------------------------------------------------------------------

  static Expert expert_of(const json& d) {
    return {d.value("id", ""), d.value("name", ""),
            d.value("specialities", std::vector<std::string>{}),
            d.value("interests", std::vector<std::string>{})};
  }

  ApiResponse put_expert(const ApiRequest& r, const Caller& c) {
    const json body = parse_body(r.body);
    const std::string id = text_field(body, "id");
    if (id.find_first_of("/ ") != std::string::npos)
      throw ApiError(422, "invalid", "'id' must not hold spaces or slashes", "id");
    json doc = {{"id", id},
                {"name", text_field(body, "name")},
                {"specialities", string_list(body, "specialities", true)},
                {"interests", string_list(body, "interests", false)},
                {"updatedAt", utc_now()}};
    for (const auto& [k, v] : body.items())
      if (!doc.contains(k)) throw ApiError(422, "unknown_field", "unknown field '" + k + "'", k);
    if (doc["specialities"].empty())
      throw ApiError(422, "invalid", "an expert has at least one speciality", "specialities");
    const bool exists = store_.latest("expert", id).has_value();
    core_.put("expert", id, "", doc, c);
    return json_response(exists ? 200 : 201, doc);
  }

  ApiResponse declare_interest(const ApiRequest& r, const Caller& c, const std::string& id) {
    if (c.role == Role::kExpert && c.org_id != id)
      throw ApiError(403, "forbidden", "an expert declares only their own interests");
    auto e = store_.latest("expert", id);
    if (!e) throw ApiError(404, "not_found", "no expert '" + id + "' in the library");
    const json body = parse_body(r.body);
    const std::string enterprise = text_field(body, "enterprise");
    json doc = json::parse(e->data);
    auto interests = doc.value("interests", std::vector<std::string>{});
    if (std::find(interests.begin(), interests.end(), enterprise) != interests.end())
      throw ApiError(409, "exists", "the interest in '" + enterprise + "' is already declared");
    interests.push_back(enterprise);
    doc["interests"] = interests;
    doc["updatedAt"] = utc_now();
    core_.put("expert", id, "", doc, c);
    return json_response(201, doc);
  }

  std::vector<std::string> participants(const std::string& round_id) {
    std::vector<std::string> out;
    for (const auto& d : latest_docs(store_, "enterprises", round_id))
      out.push_back(d.value("enterprise_id", ""));
    return out;
  }

  ApiResponse draw(const ApiRequest& r, const Caller& c, const std::string& round_id) {
    const json round = core_.round_doc(round_id);
    if (round.value("status", "draft") == "draft")
      throw ApiError(409, "wrong_phase",
                     "a panel is drawn once the round is published (its enterprises are known)");
    if (store_.latest("panel", round_id))
      throw ApiError(409, "exists", "the round's panel is drawn; it is never drawn again");
    const json body = parse_body(r.body);
    if (!body.is_object() || !body.contains("size") || !body["size"].is_number_integer())
      throw ApiError(422, "invalid", "'size' must be a whole number of members", "size");
    PanelRequest request;
    request.size = body["size"].get<int>();
    request.specialities = string_list(body, "specialities", false);
    request.seed = text_field(body, "seed", false);
    if (request.seed.empty()) request.seed = new_token().substr(0, 32);
    request.participants = participants(round_id);
    std::vector<Expert> library;
    json library_ids = json::array();
    for (const auto& o : store_.list("expert", "", 0, kAll)) {
      library.push_back(expert_of(json::parse(o.data)));
      library_ids.push_back({{"id", o.id}, {"rev", o.rev}});
    }
    Panel panel;
    try {
      panel = draw_panel(library, request);
    } catch (const RuleError& e) {
      throw ApiError(409, "too_few_experts", e.what(), "size");
    }
    json members = json::array(), excluded = json::array(), draws = json::array();
    for (const auto& m : panel.members)
      members.push_back({{"id", m}, {"drawKey", panel_draw_key(request.seed, m)}});
    for (const auto& m : panel.order)
      draws.push_back({{"id", m}, {"drawKey", panel_draw_key(request.seed, m)}});
    for (const auto& x : panel.excluded)
      excluded.push_back({{"expert", x.expert}, {"reason", x.reason}});
    json doc = {{"round", round_id},
                {"seed", request.seed},
                {"size", request.size},
                {"specialities", request.specialities},
                {"participants", request.participants},
                {"library", library_ids},
                {"eligible", panel.eligible},
                {"members", members},
                {"excluded", excluded},
                {"draws", draws},
                {"method",
                 "members are the eligible experts with the smallest "
                 "BLAKE2b-256(\"procura-panel-v1|\" + seed + \"|\" + expert id)"},
                {"drawnAt", utc_now()}};
    core_.put("panel", round_id, round_id, doc, c);
    return json_response(201, doc);
  }

  ApiResponse read_panel(const std::string& round_id) {
    core_.round_doc(round_id);
    auto p = store_.latest("panel", round_id);
    if (!p) throw ApiError(404, "not_found", "the round's panel has not been drawn yet");
    return json_response(200, json::parse(p->data));
  }

  // --- groups ---------------------------------------------------------------------------------

  ApiResponse groups(const std::string& round_id) {
    const json round = core_.round_doc(round_id);
    if (round.value("status", "draft") == "draft")
      throw ApiError(409, "wrong_phase", "groups are fixed when the round is published");
    LoadedRound loaded = core_.load_round(round_id, false);
    RoundResult result = group_round(loaded.input);
    json out = json::array();
    for (const auto& g : result.groups) {
      json products = json::array();
      for (int p : g.products) products.push_back(loaded.input.products[p].id);
      out.push_back({{"id", g.id},
                     {"key", g.key},
                     {"products", products},
                     {"route", g.competitive ? "bidding" : "negotiation"}});
    }
    return json_response(200, {{"items", out}, {"total", out.size()}});
  }

  // --- observers ------------------------------------------------------------------------------

  bool assigned(const std::string& round_id, const std::string& user_id) {
    return observer_assigned(store_, round_id, user_id);
  }

  void require_assigned(const std::string& round_id, const Caller& c) {
    if (!assigned(round_id, c.user_id))
      throw ApiError(
          403, "not_assigned",
          "you are not an observer of round '" + round_id + "'; the office assigns them");
  }

  ApiResponse assign_observer(const ApiRequest& r, const Caller& c, const std::string& round_id) {
    core_.round_doc(round_id);
    const json body = parse_body(r.body);
    const std::string user = text_field(body, "user");
    auto u = store_.user(user);
    if (!u || u->role != "observer")
      throw ApiError(422, "invalid", "'" + user + "' is not an observer's account", "user");
    if (assigned(round_id, user))
      throw ApiError(409, "exists", "'" + user + "' already observes this round");
    json doc = {{"round", round_id},
                {"user", user},
                {"name", u->name},
                {"organisation", u->org_id},
                {"assignedAt", utc_now()}};
    core_.put("observer", round_id + "/" + user, round_id, doc, c);
    return json_response(201, doc);
  }

  ApiResponse observe(const ApiRequest& r, const Caller& c, const std::string& round_id) {
    const json round = core_.round_doc(round_id);
    require_assigned(round_id, c);
    if (round.value("status", "draft") == "draft")
      throw ApiError(409, "wrong_phase", "observations start when the round is published");
    const json body = parse_body(r.body);
    const std::string text = text_field(body, "text");
    if (text.size() < 10)
      throw ApiError(422, "invalid", "an observation says what was seen (at least 10 characters)",
                     "text");
    const std::string id =
        round_id + "/observation-" + std::to_string(store_.count("observation", round_id) + 1);
    json doc = {{"id", id},
                {"round", round_id},
                {"observer", c.user_id},
                {"organisation", c.org_id},
                {"stage", text_field(body, "stage", false)},
                {"group", text_field(body, "group", false)},
                {"text", text},
                {"textHash", blake2b_hex(text)},
                {"at", utc_now()}};
    core_.put("observation", id, round_id, doc, c, "", c.user_id);
    return json_response(201, doc);
  }

  ApiResponse report(const ApiRequest& r, const Caller& c, const std::string& round_id) {
    const json round = core_.round_doc(round_id);
    require_assigned(round_id, c);
    const std::string status = round.value("status", "draft");
    if (status != "opened" && status != "awarded")
      throw ApiError(409, "wrong_phase", "a final report follows the evaluation (after opening)");
    const std::string id = round_id + "/" + c.user_id;
    if (store_.latest("observer-report", id))
      throw ApiError(409, "exists", "your final report is published; it is never replaced");
    const json body = parse_body(r.body);
    std::vector<FieldProblem> problems;
    const std::string opinion = text_field(body, "opinion", false);
    if (opinion != "compliant" && opinion != "compliant-with-reservations" &&
        opinion != "non-compliant")
      problems.push_back(
          {"opinion", "expected compliant, compliant-with-reservations or non-compliant"});
    const std::string summary = text_field(body, "summary", false);
    if (summary.size() < 20)
      problems.push_back({"summary", "summarise what you observed (at least 20 characters)"});
    const auto findings = string_list(body, "findings", false);
    const auto recommendations = string_list(body, "recommendations", false);
    if (!problems.empty()) problems_response(problems, "incomplete_report", "the report");
    json doc = {{"id", id},
                {"round", round_id},
                {"observer", c.user_id},
                {"organisation", c.org_id},
                {"opinion", opinion},
                {"summary", summary},
                {"findings", findings},
                {"recommendations", recommendations},
                {"observations", store_.count("observation", round_id)},
                {"publishedAt", utc_now()}};
    core_.put("observer-report", id, round_id, doc, c, "", c.user_id);
    return json_response(201, doc);
  }

  ApiResponse evaluation(const Caller& c, const std::string& round_id) {
    const json round = core_.round_doc(round_id);
    if (!procura::may_read_evaluation(core_, round_id, c))
      throw ApiError(403, c.role == Role::kObserver ? "not_assigned" : "not_on_panel",
                     "the evaluation record is read by the office, the auditors, the round's "
                     "panel and its assigned observers");
    const std::string status = round.value("status", "draft");
    if (status != "opened" && status != "awarded")
      throw ApiError(409, "wrong_phase", "the evaluation record begins when the bids are opened");
    LoadedRound loaded = core_.load_round(round_id, true);
    json record = {{"round", round_id},
                   {"status", status},
                   {"openedAt", round.value("openedAt", "")},
                   {"bids", latest_docs(store_, "bid", round_id)},
                   {"accessPrices", latest_docs(store_, "access_prices", round_id)},
                   {"offers", latest_docs(store_, "offers", round_id)},
                   {"observations", latest_docs(store_, "observation", round_id)},
                   {"complaints", complaint_list(round_id)},
                   {"evaluation", result_json(loaded.input, run_round(loaded.input))}};
    if (auto p = store_.latest("panel", round_id)) record["panel"] = json::parse(p->data);
    return json_response(200, record);
  }

  // --- complaints -----------------------------------------------------------------------------

  json complaint_list(const std::string& round_id) {
    const std::string now = utc_now();
    json out = json::array();
    for (auto d : latest_docs(store_, "complaint", round_id)) {
      d["overdue"] = d.value("status", "") == "pending" && now > d.value("answerDue", "");
      out.push_back(d);
    }
    return out;
  }

  ApiResponse complaints(const std::string& round_id) {
    const bool published = core_.round_doc(round_id).value("status", "draft") != "draft";
    const json list = complaint_list(round_id);
    json held = json::array();
    if (published)
      held = held_groups_of(core_, round_id,
                            [&] { return group_ids(core_.load_round(round_id, false).input); });
    return json_response(200, {{"items", list}, {"total", list.size()}, {"heldGroups", held}});
  }

  ApiResponse complain(const ApiRequest& r, const Caller& c, const std::string& round_id) {
    const json round = core_.round_doc(round_id);
    if (c.role == Role::kObserver) require_assigned(round_id, c);
    if (c.role == Role::kEnterprise) {
      const auto all = participants(round_id);
      if (std::find(all.begin(), all.end(), c.org_id) == all.end())
        throw ApiError(403, "not_participant",
                       "only the round's enterprises and observers file complaints");
    }
    const json body = parse_body(r.body);
    if (!body.is_object()) throw ApiError(422, "invalid", "expected a complaint form object");
    ComplaintForm form{
        text_field(body, "stage", false),          text_field(body, "group", false),
        text_field(body, "subject", false),        text_field(body, "grounds", false),
        text_field(body, "rule", false),           text_field(body, "remedy", false),
        string_list(body, "evidence", false, true)};
    for (const auto& [k, v] : body.items())
      if (k != "stage" && k != "group" && k != "subject" && k != "grounds" && k != "rule" &&
          k != "remedy" && k != "evidence")
        throw ApiError(422, "unknown_field", "unknown field '" + k + "'", k);
    RoundStages stages{round.value("publishedAt", ""),
                       round.value("openedAt", ""),
                       round.value("awardedAt", ""),
                       {}};
    const LoadedRound loaded = core_.load_round(round_id, false);  // read once: groups, profile
    if (!stages.published_at.empty()) stages.groups = group_ids(loaded.input);
    const RuleProfile& profile = loaded.input.profile;
    const std::string now = utc_now();
    const auto problems = check_complaint(form, stages, profile, now);
    if (!problems.empty())
      problems_response(problems, "incomplete_complaint", "the complaint cannot be filed");
    const std::string id =
        round_id + "/C" + std::to_string(store_.count("complaint", round_id) + 1);
    json doc = {
        {"id", id},
        {"round", round_id},
        {"stage", form.stage},
        {"group", form.group},
        {"subject", form.subject},
        {"grounds", form.grounds},
        {"rule", form.rule},
        {"remedy", form.remedy},
        {"evidence", form.evidence},
        {"complainant", {{"user", c.user_id}, {"role", role_name(c.role)}, {"org", c.org_id}}},
        {"filedAt", now},
        {"answerDue", complaint_answer_due(now, profile)},
        {"status", "pending"},
        {"holds", form.group.empty() ? "every group" : form.group}};
    core_.put("complaint", id, round_id, doc, c, "", c.user_id);
    return json_response(201, doc);
  }

  json pending_complaint(const std::string& round_id, const std::string& complaint) {
    const std::string id = round_id + "/" + complaint;
    auto o = store_.latest("complaint", id);
    if (!o) throw ApiError(404, "not_found", "no complaint '" + complaint + "' in this round");
    json doc = json::parse(o->data);
    if (doc.value("status", "") != "pending")
      throw ApiError(409, "wrong_phase",
                     "the complaint is " + doc.value("status", "") + "; answers are final");
    return doc;
  }

  ApiResponse answer(const ApiRequest& r, const Caller& c, const std::string& round_id,
                     const std::string& complaint) {
    json doc = pending_complaint(round_id, complaint);
    const json body = parse_body(r.body);
    const std::string decision = text_field(body, "decision", false);
    const std::string reasoning = text_field(body, "reasoning", false);
    const auto problems = check_complaint_answer(decision, reasoning);
    if (!problems.empty()) problems_response(problems, "incomplete_answer", "the answer");
    const std::string now = utc_now();
    doc["status"] = decision;
    doc["answer"] = {
        {"decision", decision}, {"reasoning", reasoning}, {"by", c.user_id}, {"at", now}};
    doc["answeredLate"] = now > doc.value("answerDue", "");
    core_.put("complaint", doc["id"], round_id, doc, c, "", doc["complainant"].value("user", ""));
    return json_response(200, doc);
  }

  ApiResponse override_hold(const ApiRequest& r, const Caller& c, const std::string& round_id,
                            const std::string& complaint) {
    json doc = pending_complaint(round_id, complaint);
    if (doc.contains("holdOverride"))
      throw ApiError(409, "exists", "the hold was already released");
    const json body = parse_body(r.body);
    const std::string reason = text_field(body, "reason", false);
    const auto problems = check_hold_override(reason);
    if (!problems.empty()) problems_response(problems, "incomplete_override", "the override");
    doc["holdOverride"] = {{"reason", reason}, {"by", c.user_id}, {"at", utc_now()}};
    doc["holds"] = "";
    core_.put("complaint", doc["id"], round_id, doc, c, "", doc["complainant"].value("user", ""));
    return json_response(200, doc);
  }

  ApiCore& core_;
  PlatformStore& store_;
};

}  // namespace

void add_evaluation_routes(ApiCore& core) {
  auto routes = std::make_shared<EvaluationRoutes>(core);
  routes->add();
  core.keep(routes);
}

std::vector<std::string> held_groups_of(
    ApiCore& core, const std::string& round_id,
    const std::function<std::vector<std::string>()>& all_groups) {
  std::vector<ComplaintState> states;
  bool every_group = false;  // a pending complaint names no group: the round's groups are needed
  for (const auto& d : latest_docs(core.db(), "complaint", round_id)) {
    states.push_back({d.value("id", ""), d.value("group", ""), d.value("status", "") == "pending",
                      d.contains("holdOverride")});
    every_group |= states.back().pending && states.back().group.empty();
  }
  return held_groups(states, every_group ? all_groups() : std::vector<std::string>{});
}

bool on_round_panel(ApiCore& core, const std::string& round_id, const std::string& expert_id) {
  auto p = core.db().latest("panel", round_id);
  if (!p) return false;
  const json panel = json::parse(p->data);  // named: a range over a temporary's member dangles
  for (const auto& m : panel["members"])
    if (m.value("id", "") == expert_id) return true;
  return false;
}

bool may_read_evaluation(ApiCore& core, const std::string& round_id, const Caller& c) {
  switch (c.role) {
    case Role::kOffice:
    case Role::kAuditor:
      return true;
    case Role::kObserver:
      return observer_assigned(core.db(), round_id, c.user_id);
    case Role::kExpert:
      return on_round_panel(core, round_id, c.org_id);
    default:
      return false;
  }
}

}  // namespace procura
