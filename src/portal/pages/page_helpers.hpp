#pragma once
// Shared by the portal's page modules: texts of a row, names by id, the comparable unit of a
// price, a follow button's view, exact sums of amounts. Not for use outside src/portal.
#include <algorithm>
#include <map>
#include <string>

#include "core/money.hpp"
#include "portal/portal_support.hpp"

namespace procura::pages {

inline std::string key_of(std::string s) {
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

// The engine's reason for a negotiation ("exclusive; no offer reached the access price"), each
// part in the visitor's words (a part without a translation as the engine wrote it).
inline std::string negotiation_reason(const PageContext& c, const std::string& reason) {
  std::string out;
  for (std::size_t at = 0; at <= reason.size();) {
    auto semi = reason.find(';', at);
    if (semi == std::string::npos) semi = reason.size();
    std::string part = reason.substr(at, semi - at);
    part.erase(0, part.find_first_not_of(' '));
    std::string key = "negotiation_" + key_of(part);
    std::replace(key.begin(), key.end(), ' ', '_');
    const std::string text = c.t(key);
    if (!part.empty()) out += (out.empty() ? "" : "; ") + (text == key ? part : text);
    at = semi + 1;
  }
  return out;
}

// The award engine's reason for a bid or note on a group ("ranked 5, beyond the 3 winning
// places"; "no valid bid; the group failed"), each "; " part in the visitor's words: a part with
// figures through its pattern (engine_ranked_out and the like, the figures in the visitor's
// format), a fixed part through "engine_" + its words joined by '_', a part the catalogue lacks as
// the engine wrote it.
std::string engine_text(const PageContext& c, const std::string& text);

// What the follow button and the Atom link of an entity's page need.
inline json followable(const PageContext& c, const std::string& kind, const std::string& id) {
  const std::string item = kind + ":" + id;
  return {{"watchItem", item},
          {"watched", std::find(c.watch.begin(), c.watch.end(), item) != c.watch.end()},
          {"atom", "/atom/" + kind + "s/" + url_part(id)}};
}

// Exact sum of decimal amounts ("123.45") in 10^-4 units.
struct Sum {
  Wide total = 0;
  void add(const json& v) {
    if (!v.is_string()) return;
    if (auto p = parse_price(v.get<std::string>())) total += *p;
  }
  std::string text() const { return format_amount(total, 2); }
};

inline std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

inline std::string name_of(const std::map<std::string, json>& table, const std::string& id) {
  auto it = table.find(id);
  if (it == table.end()) return id;
  const std::string n = text_of(it->second, "name");
  return n.empty() ? id : n;
}

// The unit a price is compared in: "piece", or "piece of 10 mg" when a strength is declared.
inline std::string comparable_unit(const PageContext& c, const json& product) {
  const std::string unit = text_of(product, "unit").empty() ? "piece" : text_of(product, "unit");
  const std::string strength = text_of(product, "strength");
  const std::string unit_text = c.t("unit_" + unit) == "unit_" + unit ? unit : c.t("unit_" + unit);
  if (strength.empty()) return c.t("per_unit", {{"unit", unit_text}});
  return c.t("per_unit_strength", {{"unit", unit_text}, {"strength", c.number(strength)}});
}

// A round page's verification section: the checks the page makes from the round's published
// data ({ok, text} each; made once per `version` of the round) and the link to its open data
// for `procura round verify`.
json verification_view(PortalCore& core, const PageContext& c, const json& round,
                       const std::string& version);

// A round page's expert panel once drawn (members, every eligible expert's ticket, the excluded
// with their reasons, the seed), null before; and its assigned observers.
json panel_view(PortalCore& core, const PageContext& c, const json& round);
json observers_view(PortalCore& core, const PageContext& c, const std::string& round_id);

// A round's tender notice while it is open or being evaluated (deadline, bids received so far,
// its groups a page at a time with their specification, products, ceilings and demand, its
// documents with their BLAKE2b-256 hashes); null for drafts and awarded rounds.
json notice_view(PortalCore& core, const PageContext& c, const RoundData& d);
// The round's clarification questions and answers, in the order asked.
json questions_view(PortalCore& core, const PageContext& c, const std::string& round_id);
// The round's ceiling prices by product ({productId: maxPrice}), once per version.
std::shared_ptr<const json> round_ceilings(PortalCore& core, const PageContext& c,
                                           const RoundData& d);
// The round's published tables as CSV documents, [{name, csv, hash, bytes}] in reading order, once
// per version.
std::shared_ptr<const json> round_documents(PortalCore& core, const PageContext& c,
                                            const RoundData& d);

// A round's complaints as the complaints page shows them, with the window of each stage.
json complaints_of(PortalCore& core, const PageContext& c, const std::string& round_id);

}  // namespace procura::pages
