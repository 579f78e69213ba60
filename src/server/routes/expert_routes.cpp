// The expert library (with declared interests), each round's reproducible panel draw, and a
// round's product groups (steps 0-2 of the engine, fixed once the round is published).
#include <algorithm>

#include "core/error.hpp"
#include "evaluation/draw.hpp"
#include "evaluation/panel.hpp"
#include "server/api_support.hpp"
#include "server/opening.hpp"
#include "server/validators.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;
constexpr const char* kDrawWhen =
    "a panel is drawn after the bid deadline (the bids' commitments then fix its seed) and "
    "before the award";
const std::vector<RoundPhase> kDrawPhases = {RoundPhase::kSealed, RoundPhase::kAwaitingOpening,
                                             RoundPhase::kOpened};

Expert expert_of(const json& d) {
  return {d.value("id", ""), d.value("name", ""),
          d.value("specialities", std::vector<std::string>{}),
          d.value("interests", std::vector<std::string>{})};
}

class ExpertRoutes {
 public:
  explicit ExpertRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route({"GET", "/api/experts", "read", "read the expert library", "expert"},
                [this](auto& s, auto&) {
                  long total = 0;
                  auto rows = core_.records().list(kind_named("expert"), "", s.reader(), s.now_utc,
                                                   0, kAll, total);
                  return json_response(200, {{"items", documents(rows)}, {"total", total}});
                });
    core_.route({"POST",
                 "/api/experts",
                 "keep-expert-library",
                 "add or update an expert in the library",
                 "",
                 false,
                 {json_body()}},
                [this](auto& s, auto&) { return put_expert(s); });
    core_.route({"POST",
                 "/api/experts/{expert}/interests",
                 "declare-interest",
                 "declare an expert's interest in an enterprise",
                 "",
                 false,
                 {json_body()}},
                [this](auto& s, auto& p) { return declare_interest(s, p[0]); });
    core_.route({"POST",
                 "/api/rounds/{id}/panel",
                 "draw-panel",
                 "draw a round's expert panel",
                 "",
                 true,
                 // After the deadline, when the bids' commitments that fix its seed can no longer
                 // change. Everything else it depends on was fixed by then too (the secret, the
                 // size and specialities at publication, the library at the deadline), so a draw
                 // after the opening picks the same panel; it is drawn before the award, which
                 // needs its access prices.
                 {round_in(kDrawPhases, kDrawWhen, "too_early", "wrong_phase"), json_body()}},
                [this](auto& s, auto& p) { return draw(s, p); });
    core_.route({"GET", "/api/rounds/{id}/panel", "read", "read a round's expert panel", "panel"},
                [this](auto& s, auto& p) {
                  auto panel =
                      core_.records().latest(kind_named("panel"), p[0], s.reader(), s.now_utc);
                  if (!panel)
                    throw ApiError(404, "not_found", "the round's panel has not been drawn yet");
                  return json_response(200, json::parse(panel->data));
                });
    core_.route(
        {"GET", "/api/rounds/{id}/groups", "read", "read a round's product groups", "round"},
        [this](auto& s, auto& p) { return groups(s, p[0]); });
  }

 private:
  ApiResponse put_expert(RequestScope& s) {
    const json& body = s.body();
    known_fields(body, {"id", "name", "specialities", "interests"});
    const std::string id = text_field(body, "id", true, 64);
    if (!is_id(id)) throw ApiError(422, "invalid", "'id' must be an expert's id", "id");
    json doc = {{"id", id},
                {"name", text_field(body, "name")},
                {"specialities", string_list(body, "specialities", true)},
                {"interests", string_list(body, "interests", false)},
                {"updatedAt", s.now_utc}};
    if (doc["specialities"].empty())
      throw ApiError(422, "invalid", "an expert has at least one speciality", "specialities");
    for (const auto& e : doc["interests"])
      if (!is_id(e.get<std::string>()))
        throw ApiError(422, "invalid", "'interests' must list enterprise ids", "interests");
    const bool exists = store_.latest("expert", id).has_value();
    core_.put(s, "expert", id, "", doc);
    return json_response(exists ? 200 : 201, doc);
  }

  ApiResponse declare_interest(RequestScope& s, const std::string& id) {
    if (s.caller.role == Role::kExpert && s.caller.org_id != id)
      throw ApiError(403, "forbidden", "an expert declares only their own interests");
    auto e = store_.latest("expert", id);
    if (!e) throw ApiError(404, "not_found", "no expert '" + id + "' in the library");
    const json& body = s.body();
    known_fields(body, {"enterprise"});
    const std::string enterprise = text_field(body, "enterprise", true, 64);
    if (!is_id(enterprise))
      throw ApiError(422, "invalid", "'enterprise' must be an enterprise's id", "enterprise");
    json doc = json::parse(e->data);
    auto interests = doc.value("interests", std::vector<std::string>{});
    if (std::find(interests.begin(), interests.end(), enterprise) != interests.end())
      throw ApiError(409, "exists", "the interest in '" + enterprise + "' is already declared");
    interests.push_back(enterprise);
    doc["interests"] = interests;
    doc["updatedAt"] = s.now_utc;
    core_.put(s, "expert", id, "", doc);
    return json_response(201, doc);
  }

  ApiResponse draw(RequestScope& s, const Params& p) {
    const std::string& round_id = p[0];
    const json& body = s.body();
    for (const char* fixed : {"size", "specialities", "seed"})
      if (body.is_object() && body.contains(fixed))
        throw ApiError(422, "fixed_at_publication",
                       std::string("the panel's ") + fixed +
                           " is not chosen at the draw: the size and specialities were fixed "
                           "when the round was published (draws.panel), and the seed is the "
                           "committed secret's with the bids' commitments",
                       fixed);
    known_fields(body, {"secret", "passphrase"});
    const json committed = s.round.value("draws", json::object()).value("panel", json::object());
    PanelRequest request;
    request.size = committed.value("size", 3);
    request.specialities = committed.value("specialities", std::vector<std::string>{});
    const DrawInput seed_of{round_id,
                            "panel",
                            revealed_panel_secret(s, s.round, text_field(body, "secret", false, 64),
                                                  text_field(body, "passphrase", false, 1000)),
                            {}};
    json doc;
    core_.commit(s, [&] {
      s.round = nullptr;  // the round and its bids as the batch sees them
      round_in(kDrawPhases, kDrawWhen, "too_early", "wrong_phase")(core_, s, p);
      if (store_.latest("panel", round_id))
        throw ApiError(409, "exists", "the round's panel is drawn; it is never drawn again");
      DrawInput input = seed_of;
      input.values = panel_draw_values(core_, round_id);
      request.seed = draw_seed(input);
      doc = panel_doc(s, round_id, request, input);
      core_.put(s, "panel", round_id, round_id, doc);
    });
    return json_response(201, doc);
  }

  // The expert library as it stood at the bid deadline (each expert's last revision by then):
  // what was fixed before the seed could be known. Experts added or changed later do not enter.
  std::vector<std::pair<Expert, long>> library_at(const std::string& deadline) {
    std::vector<std::pair<Expert, long>> out;
    for (const auto& o : store_.list("expert", "", 0, kAll)) {
      const ObjectRevision* then = nullptr;
      const auto revisions = store_.revisions("expert", o.id);
      for (const auto& r : revisions)
        if (r.at < deadline) then = &r;  // as a bid: taken while now < deadline
      if (then) out.emplace_back(expert_of(json::parse(then->data)), then->rev);
    }
    return out;
  }

  // The panel drawn with `request` (its seed made from `input`), with everything needed to draw
  // it again: the secret, the values, the seed's text, each eligible expert's ticket.
  json panel_doc(const RequestScope& s, const std::string& round_id, PanelRequest& request,
                 const DrawInput& input) {
    for (const auto& e : core_.rounds().input(round_id)->enterprises)
      request.participants.push_back(e.id);
    const std::string deadline = s.round["timeline"].value("bidDeadline", "");
    std::vector<Expert> library;
    json snapshot = json::array();
    for (const auto& [e, rev] : library_at(deadline)) {
      library.push_back(e);
      snapshot.push_back({{"id", e.id},
                          {"rev", rev},
                          {"specialities", e.specialities},
                          {"interests", e.interests}});
    }
    Panel panel;
    try {
      panel = draw_panel(library, request);
    } catch (const RuleError& e) {
      throw ApiError(409, "too_few_experts", e.what(), "size");
    }
    json members = json::array(), excluded = json::array(), draws = json::array(),
         values = json::array();
    for (const auto& m : panel.members)
      members.push_back({{"id", m}, {"drawKey", panel_draw_key(request.seed, m)}});
    for (const auto& m : panel.order)
      draws.push_back({{"id", m}, {"drawKey", panel_draw_key(request.seed, m)}});
    for (const auto& x : panel.excluded)
      excluded.push_back({{"expert", x.expert}, {"reason", x.reason}});
    for (const auto& v : input.values) values.push_back({{"bid", v.name}, {"commitment", v.value}});
    return {{"round", round_id},
            {"secret", input.secret},
            {"commitment", draw_commitment(input.secret)},
            {"bids", values},
            {"seedText", draw_seed_text(input)},
            {"seed", request.seed},
            {"size", request.size},
            {"specialities", request.specialities},
            {"participants", request.participants},
            {"library", snapshot},
            {"libraryAt", deadline},
            {"eligible", panel.eligible},
            {"members", members},
            {"excluded", excluded},
            {"draws", draws},
            {"method",
             "seed = BLAKE2b-256(seedText), seedText naming the round, the draw, the secret "
             "committed to at publication (BLAKE2b-256(secret) = commitment) and every bid's "
             "commitment at the deadline; each eligible expert's ticket (drawKey) is "
             "BLAKE2b-256(\"procura-panel-v1|\" + seed + \"|\" + expert id); members are "
             "the eligible experts with the smallest tickets"},
            {"drawnAt", s.now_utc}};
  }

  ApiResponse groups(RequestScope&, const std::string& round_id) {
    auto input = core_.rounds().input(round_id);
    auto result = core_.rounds().groups(round_id);
    json out = json::array();
    for (const auto& g : result->groups) {
      json products = json::array();
      for (int p : g.products) products.push_back(input->products[p].id);
      out.push_back({{"id", g.id},
                     {"key", g.key},
                     {"products", products},
                     {"route", g.competitive ? "bidding" : "negotiation"}});
    }
    return json_response(200, {{"items", out}, {"total", out.size()}});
  }

  ApiCore& core_;
  PlatformStore& store_;
};

}  // namespace

std::vector<std::string> round_group_ids(ApiCore& core, const std::string& round_id) {
  std::vector<std::string> out;
  for (const auto& g : core.rounds().groups(round_id)->groups) out.push_back(g.id);
  return out;
}

void add_expert_routes(ApiCore& core) {
  auto routes = std::make_shared<ExpertRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
