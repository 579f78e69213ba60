// A round page's evaluation and verification: the drawn panel with every ticket and exclusion,
// the assigned observers, and what the page itself checks from the round's published data (the
// panel draw against its commitment and the bids' commitments, each opened bid against its
// commitment, the releases published so far) and the commands that recompute the rest.
#include <algorithm>
#include <set>

#include "core/money.hpp"
#include "evaluation/draw.hpp"
#include "portal/pages/page_helpers.hpp"
#include "tender/commitment.hpp"

namespace procura::pages {

namespace {

// What the page checks, computed once per version of the round (a national round's bids and
// releases are read once, not per visit): the draw, the opened bids, the releases by stage.
json verification_facts(PortalCore& core, const PageContext& c, const json& round) {
  const std::string id = round.value("id", "");
  json facts = json::object();
  const json draw = round.value("draws", json::object()).value("panel", json::object());
  const std::string commitment = draw.value("commitment", "");
  if (!commitment.empty()) {
    facts["draw"] = {{"commitment", commitment}};
    try {
      const json panel = core.get(c, "/api/rounds/" + url_part(id) + "/panel");
      const std::string secret = panel.value("secret", "");
      DrawInput input{id, "panel", secret, {}};
      for (const auto& b : panel.value("bids", json::array()))
        input.values.push_back({b.value("bid", ""), b.value("commitment", "")});
      std::string seed;
      try {
        seed = draw_seed(input);
      } catch (const std::exception&) {
      }
      facts["draw"]["drawnAt"] = panel.value("drawnAt", "");
      facts["draw"]["bids"] = input.values.size();
      facts["draw"]["ok"] = is_draw_secret(secret) && draw_commitment(secret) == commitment &&
                            seed == panel.value("seed", "");
    } catch (const PageError&) {  // not drawn yet
    }
  }
  // A past round imported with its bids has no commitments to check them against.
  if (!round.value("openingSecretKey", "").empty() && !round.value("importedWithBids", false)) {
    long long count = 0, valid = 0;
    for (const auto& b : core.table(c, id, "bids")) {
      const std::string bid_commitment_text = b.value("commitment", "");
      if (b.value("status", "") == "withdrawn" || bid_commitment_text.empty() ||
          !b.contains("price"))
        continue;
      ++count;
      const Bid bid{b.value("productId", ""), parse_price(b.value("price", "")).value_or(0), "",
                    b.value("nonce", ""), ""};
      valid += bid_commitment(id, bid) == bid_commitment_text;
    }
    if (count > 0) facts["bids"] = {{"valid", valid}, {"count", count}};
  }
  // The releases by stage. Once awarded, each stage's release is dated when the round reached it
  // (the round's own times: its whole package, tens of megabytes for a national round, is not
  // read for this); before, the few releases published so far are read.
  std::vector<std::pair<std::string, std::string>> stages;  // date, tag
  if (round.value("status", "") == "awarded") {
    for (const auto& [tag, field] : {std::pair{"planning", "publishedAt"},
                                     {"tender", "publishedAt"},
                                     {"tenderUpdate", "openedAt"},
                                     {"award", "awardedAt"},
                                     {"contract", "awardedAt"}})
      if (!round.value(field, "").empty()) stages.emplace_back(round.value(field, ""), tag);
  } else {
    try {
      const json package = core.get(c, "/api/rounds/" + url_part(id) + "/ocds/releases");
      for (const auto& r : package.value("releases", json::array())) {
        const json tags = r.value("tag", json::array());
        stages.emplace_back(r.value("date", ""),
                            tags.empty() || !tags[0].is_string() ? "" : tags[0].get<std::string>());
      }
    } catch (const PageError&) {  // nothing published yet
    }
  }
  std::stable_sort(stages.begin(), stages.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (!stages.empty()) facts["releases"] = stages;
  return facts;
}

}  // namespace

json verification_view(PortalCore& core, const PageContext& c, const json& round,
                       const std::string& version) {
  const std::string id = round.value("id", "");
  const auto facts = core.memo("verification|" + id + "|" + version,
                               [&] { return verification_facts(core, c, round); });
  json checks = json::array();
  if (facts->contains("draw")) {
    const json& draw = (*facts)["draw"];
    checks.push_back(
        {{"ok", true},
         {"text", c.t("verify_draw_committed", {{"commitment", draw.value("commitment", "")}})}});
    if (draw.contains("ok")) {
      const bool ok = draw.value("ok", false);
      checks.push_back({{"ok", ok},
                        {"text", c.t(ok ? "verify_draw_ok" : "verify_draw_bad",
                                     {{"date", c.date(draw.value("drawnAt", ""))},
                                      {"count", c.count(draw.value("bids", 0LL))}})}});
    }
  }
  if (facts->contains("bids")) {
    const json& bids = (*facts)["bids"];
    checks.push_back(
        {{"ok", bids.value("valid", 0LL) == bids.value("count", 0LL)},
         {"text", c.t("verify_bids", {{"valid", c.count(bids.value("valid", 0LL))},
                                      {"count", c.count(bids.value("count", 0LL))}})}});
  }
  std::string list;
  for (const auto& stage : facts->value("releases", json::array()))
    list += (list.empty() ? "" : "; ") + c.t("release_tag_" + key_of(stage[1].get<std::string>())) +
            " " + c.date(stage[0].get<std::string>());
  if (!list.empty())
    checks.push_back({{"ok", true}, {"text", c.t("verify_releases", {{"list", list}})}});
  return {{"checks", checks},
          {"awarded", round.value("status", "") == "awarded"},
          {"openData", "/api/rounds/" + url_part(id) + "/open-data"}};
}

json panel_view(PortalCore& core, const PageContext& c, const json& round) {
  const std::string id = round.value("id", "");
  json panel;
  try {
    panel = core.get(c, "/api/rounds/" + url_part(id) + "/panel");
  } catch (const PageError&) {
    return nullptr;  // not drawn yet
  }
  json members = json::array(), excluded = json::array();
  std::set<std::string> on_panel;
  for (const auto& m : panel.value("members", json::array())) on_panel.insert(m.value("id", ""));
  for (const auto& t : panel.value("draws", json::array()))
    members.push_back({{"id", t.value("id", "")},
                       {"ticket", t.value("drawKey", "")},
                       {"member", on_panel.count(t.value("id", "")) > 0}});
  for (const auto& x : panel.value("excluded", json::array()))
    excluded.push_back({{"id", x.value("expert", "")}, {"reason", x.value("reason", "")}});
  return {{"note", c.t("round_panel_note", {{"date", c.date(panel.value("drawnAt", ""))}})},
          {"seed", panel.value("seed", "")},
          {"size", panel.value("size", 0)},
          {"tickets", members},
          {"excluded", excluded},
          {"hasExcluded", !excluded.empty()},
          {"href", "/api/rounds/" + url_part(id) + "/panel"}};
}

json observers_view(PortalCore& core, const PageContext& c, const std::string& round_id) {
  json out = json::array();
  for (const auto& o : core.items(c, "/api/rounds/" + url_part(round_id) + "/observers"))
    out.push_back({{"name", o.value("name", o.value("user", ""))},
                   {"organisation", o.value("organisation", "")},
                   {"assignedAt", c.date(o.value("assignedAt", ""))}});
  return out;
}

}  // namespace procura::pages
