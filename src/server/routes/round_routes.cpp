// Rounds and their stage moves: creation (rules checked as a round.json is), publication, the
// opening of the sealed bids, and the award (run on the repository's input, published as results,
// agreed volumes and OCDS releases, never rewritten).
#include <sstream>

#include "award/engine.hpp"
#include "core/error.hpp"
#include "io/round_files.hpp"
#include "ocds/round_releases.hpp"
#include "report/report.hpp"
#include "server/api_support.hpp"
#include "server/opening.hpp"
#include "server/stage_releases.hpp"
#include "server/validators.hpp"
#include "tender/commitment.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

const std::vector<const char*> kRoundFields = {"id",    "title",      "ocidPrefix", "currency",
                                               "buyer", "attributes", "profile",    "timeline"};

class RoundRoutes {
 public:
  explicit RoundRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route({"GET", "/api/rounds", "read", "list rounds", "round", false, {}, kPaging},
                [this](auto& s, auto&) { return list(s); });
    core_.route({"POST", "/api/rounds", "create-round", "create a round", "", false, {json_body()}},
                [this](auto& s, auto&) { return create(s); });
    core_.route({"GET", "/api/rounds/{id}", "read", "read a round", "round"},
                [this](auto& s, auto&) {
                  return json_response(200, versioned(core_.with_phase(s.round, s), s));
                });
    core_.route({"POST",
                 "/api/rounds/{id}/publish",
                 "publish-round",
                 "publish a round for bidding",
                 "",
                 false,
                 {round_in({RoundPhase::kDraft}, "only a draft round is published")}},
                [this](auto& s, auto& p) { return publish(s, p[0]); });
    core_.route({"PUT",
                 "/api/rounds/{id}/timeline",
                 "edit-round",
                 "change a draft round's timeline",
                 "",
                 false,
                 {round_in({RoundPhase::kDraft}, "a round's timeline changes while it is a draft"),
                  json_body()}},
                [this](auto& s, auto& p) { return edit_timeline(s, p[0]); });
    core_.route({"POST", "/api/rounds/{id}/award", "award-round", "run the award"},
                [this](auto& s, auto& p) { return award(s, p[0]); });
  }

 private:
  // The round with its version: the newest revision in the round of the kinds whose history the
  // reader reads (a bid before the opening does not move the version anyone else sees).
  json versioned(json round, const RequestScope& s) {
    const std::string id = round.value("id", "");
    const Reader r = core_.reader_in(s, id);
    const RoundPhase phase = core_.phase(round, s);
    std::vector<std::string> kinds;
    for (const auto& k : record_kinds())
      if (k.context == Context::kRound && k.backing == Backing::kRevisions &&
          RecordReader::access(k, r, phase, true) == Access::kAll)
        kinds.push_back(k.name);
    round["version"] = core_.round_version(id, kinds);
    return round;
  }

  ApiResponse list(RequestScope& s) {
    const long offset = query_number(s.request, "offset", 0, kAll),
               limit = query_number(s.request, "limit", 100, 1000);
    long total = 0;
    json items = json::array();
    for (const auto& o :
         core_.records().list(kind_named("round"), "", s.reader(), s.now_utc, offset, limit, total))
      items.push_back(versioned(core_.with_phase(json::parse(o.data), s), s));
    return json_response(200, page_of(items, offset, limit, total, s.request));
  }

  ApiResponse create(RequestScope& s) {
    const json& body = s.body();
    if (!body.is_object()) throw ApiError(422, "invalid", "expected a round object (round.json)");
    for (const auto& item : body.items()) {
      const std::string& k = item.key();
      if (std::find_if(kRoundFields.begin(), kRoundFields.end(),
                       [&](const char* f) { return k == f; }) == kRoundFields.end())
        throw ApiError(422, "unknown_field", "unknown field '" + k + "'", k);
    }
    try {
      RoundInput probe;
      rules_from_json(body, "round", probe);
    } catch (const InputError& e) {
      throw ApiError(422, "invalid", e.detail, e.field);
    }
    const std::string id = body["id"].get<std::string>();
    if (store_.latest("round", id))
      throw ApiError(409, "exists", "round '" + id + "' exists; rounds are never replaced");
    // The opening key is made at publication, when the keyholders are known (server/opening.hpp).
    json doc = body;
    doc["status"] = "draft";
    doc["createdAt"] = s.now_utc;
    core_.put(s, "round", id, id, doc);
    return json_response(201, core_.with_phase(doc, s));
  }

  // A draft's timeline replaced whole, checked as a round.json's is (each time, their order) and
  // with a bid deadline still to come; the round's revision keeps the one it replaces.
  ApiResponse edit_timeline(RequestScope& s, const std::string& round_id) {
    const json& body = s.body();
    if (!body.is_object()) throw ApiError(422, "invalid", "expected a timeline object");
    json round = s.round;
    json probe = json::object();  // the round's rules as created, with the new timeline
    for (const char* k : kRoundFields)
      if (round.contains(k)) probe[k] = round[k];
    probe["timeline"] = body;
    try {
      RoundInput in;
      rules_from_json(probe, "round", in);
    } catch (const InputError& e) {
      throw ApiError(422, "invalid", e.detail, e.field);
    }
    if (body.value("bidDeadline", "") <= s.now_utc)
      throw ApiError(422, "invalid", "the bid deadline must be later than now (" + s.now_utc + ")",
                     "timeline.bidDeadline");
    if (round["timeline"] == body) return json_response(200, core_.with_phase(round, s));
    round["timeline"] = body;
    core_.put(s, "round", round_id, round_id, round);
    return json_response(200, core_.with_phase(round, s));
  }

  ApiResponse publish(RequestScope& s, const std::string& round_id) {
    json round = s.round;
    // The body is optional: what the round fixes of its panel draw (the office's own
    // commitment to the secret, the panel's size and specialities).
    PanelCommitment panel;
    if (!s.request.body.empty()) {
      known_fields(s.body(), {"drawCommitment", "panelSize", "panelSpecialities"});
      panel = panel_commitment_of(s.body());
    }
    if (s.now_utc >= round["timeline"].value("bidDeadline", ""))
      throw ApiError(409, "deadline_passed", "the bid deadline has passed; set a later one");
    for (const char* kind : {"region", "institution", "enterprise", "product", "demand-line"})
      if (store_.count(kind, round_id) == 0)
        throw ApiError(409, "incomplete",
                       std::string("the round has no ") + kind_named(kind).table + " yet");
    const int threshold = opening_threshold(round);
    const auto keyholders = keyholders_for(core_, s, round_id, threshold);
    commit_panel_draw(round, keyholders, panel);
    split_opening_key(core_, s, round_id, round, keyholders, threshold);
    round["status"] = "published";
    round["publishedAt"] = s.now_utc;
    core_.put(s, "round", round_id, round_id, round);
    publish_tender_releases(core_, s, round_id, round);
    return json_response(200, core_.with_phase(round, s));
  }

  // Groups held by pending complaints are ranked but not awarded; once their complaints are
  // answered or their holds overridden, a further call completes the award (the same inputs give
  // the same results; changed releases are published under new ids).
  ApiResponse award(RequestScope& s, const std::string& round_id) {
    json round = core_.round_doc(round_id);
    const std::string status = round.value("status", "");
    const bool completing =
        status == "awarded" && !round.value("heldGroups", json::array()).empty();
    if (status != "opened" && !completing)
      throw ApiError(409, "wrong_phase",
                     status == "awarded" ? "the round is awarded and no group is held"
                                         : std::string("a round is awarded after its bids are "
                                                       "opened (it is ") +
                                               phase_name(core_.phase(round, s)) + ")");
    const std::string end = round["timeline"].value("negotiationEnd", "");
    if (!end.empty() && s.now_utc < end)
      throw ApiError(409, "wrong_phase", "the negotiation is open until " + end);
    const auto held =
        held_groups_of(core_, round_id, [&] { return round_group_ids(core_, round_id); });
    if (completing && held == round["heldGroups"].get<std::vector<std::string>>())
      throw ApiError(409, "still_held",
                     "the held groups' complaints are still pending and not overridden");
    auto input = core_.rounds().input(round_id);
    RoundInput in = *input;
    in.held_groups = held;
    in.publication.awarded_at = s.now_utc;  // the award's releases are dated now
    in.publication.package_uri = ocds_package_uri(core_, round_id, in.ocid(), "releases");
    const auto result = core_.rounds().evaluation(round_id, held);
    const int run = round.value("awardRuns", 0) + 1;
    const std::string suffix = run == 1 ? "" : "/" + std::to_string(run);
    store_.put_file("results/" + round_id + suffix, result_json(in, *result).dump());
    store_.put_file("allocations/" + round_id + suffix, allocations_json(in, *result).dump());
    std::ostringstream package, lines;
    write_round_ocds(in, *result, package, lines);
    store_.put_file("ocds-package/" + round_id + suffix, package.str());
    std::istringstream releases(lines.str());
    for (std::string line; std::getline(releases, line);) {
      if (line.empty()) continue;
      json rel = json::parse(line);
      const std::string id = rel.value("id", "");
      auto before = store_.latest("release", id);
      if (before && json::parse(before->data) == rel) continue;  // unchanged: published already
      if (before) rel["id"] = id + "-" + std::to_string(run);    // a release is never rewritten
      core_.put(s, "release", rel["id"], round_id, rel);
    }
    round["status"] = "awarded";
    round[run == 1 ? "awardedAt" : "completedAt"] = s.now_utc;
    round["awardRuns"] = run;
    round["resultsFile"] = "results/" + round_id + suffix;
    round["ocdsFile"] = "ocds-package/" + round_id + suffix;
    round["allocationsFile"] = "allocations/" + round_id + suffix;
    round["heldGroups"] = held;
    core_.put(s, "round", round_id, round_id, round);
    return json_response(200, core_.with_phase(round, s));
  }

  ApiCore& core_;
  PlatformStore& store_;
};

}  // namespace

void add_round_routes(ApiCore& core) {
  auto routes = std::make_shared<RoundRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
