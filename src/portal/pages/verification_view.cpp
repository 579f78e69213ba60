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

// The panel: committed at publication; once drawn, whether its revealed secret and its seed check.
void draw_checks(PortalCore& core, const PageContext& c, const json& round, json& checks) {
  const std::string id = round.value("id", "");
  const json draw = round.value("draws", json::object()).value("panel", json::object());
  const std::string commitment = draw.value("commitment", "");
  if (commitment.empty()) return;
  checks.push_back(
      {{"ok", true}, {"text", c.t("verify_draw_committed", {{"commitment", commitment}})}});
  json panel;
  try {
    panel = core.get(c, "/api/rounds/" + url_part(id) + "/panel");
  } catch (const PageError&) {
    return;  // not drawn yet
  }
  const std::string secret = panel.value("secret", "");
  DrawInput input{id, "panel", secret, {}};
  for (const auto& b : panel.value("bids", json::array()))
    input.values.push_back({b.value("bid", ""), b.value("commitment", "")});
  std::string seed;
  try {
    seed = draw_seed(input);
  } catch (const std::exception&) {
  }
  const bool ok = is_draw_secret(secret) && draw_commitment(secret) == commitment &&
                  seed == panel.value("seed", "");
  checks.push_back(
      {{"ok", ok},
       {"text", c.t(ok ? "verify_draw_ok" : "verify_draw_bad",
                    {{"date", c.date(panel.value("drawnAt", ""))},
                     {"count", c.count(static_cast<long long>(input.values.size()))}})}});
}

// Every opened bid against its commitment, recomputed here (a withdrawn bid, or one imported
// without a commitment, is not counted).
void bid_checks(PortalCore& core, const PageContext& c, const json& round, json& checks) {
  const std::string id = round.value("id", "");
  if (round.value("openingSecretKey", "").empty()) return;
  long long count = 0, valid = 0;
  for (const auto& b : core.table(c, id, "bids")) {
    const std::string commitment = b.value("commitment", "");
    if (b.value("status", "") == "withdrawn" || commitment.empty() || !b.contains("price"))
      continue;
    ++count;
    const Bid bid{b.value("productId", ""), parse_price(b.value("price", "")).value_or(0), "",
                  b.value("nonce", ""), ""};
    valid += bid_commitment(id, bid) == commitment;
  }
  if (count == 0) return;
  checks.push_back(
      {{"ok", valid == count},
       {"text", c.t("verify_bids", {{"valid", c.count(valid)}, {"count", c.count(count)}})}});
}

// The releases published so far, by stage, with when each was published.
void release_checks(PortalCore& core, const PageContext& c, const json& round, json& checks) {
  json records;
  try {
    records = core.get(c, "/api/rounds/" + url_part(round.value("id", "")) + "/ocds/records");
  } catch (const PageError&) {
    return;
  }
  std::vector<std::pair<std::string, std::string>> stages;  // date, tag
  for (const auto& rec : records.value("records", json::array()))
    for (const auto& r : rec.value("releases", json::array())) {
      const json tags = r.value("tag", json::array());
      stages.emplace_back(r.value("date", ""),
                          tags.empty() || !tags[0].is_string() ? "" : tags[0].get<std::string>());
    }
  std::sort(stages.begin(), stages.end());
  std::string list;
  for (const auto& [date, tag] : stages)
    list += (list.empty() ? "" : "; ") + c.t("release_tag_" + key_of(tag)) + " " + c.date(date);
  if (!list.empty())
    checks.push_back({{"ok", true}, {"text", c.t("verify_releases", {{"list", list}})}});
}

}  // namespace

json verification_view(PortalCore& core, const PageContext& c, const json& round) {
  json checks = json::array();
  draw_checks(core, c, round, checks);
  bid_checks(core, c, round, checks);
  release_checks(core, c, round, checks);
  const std::string id = round.value("id", "");
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
