// An enterprise's part of a round after its bids: negotiation offers for its products in groups
// that negotiate (after the opening, until the negotiation ends; each offer's round is the next
// of its own), and once awarded what the round gave it: each product's award with its agreed
// volume and contract, each negotiation with its offers, the access price and the outcome, and
// each product not selected with the engine's reason.
#include <map>
#include <set>

#include "portal/pages/page_helpers.hpp"
#include "portal/pages/workspace_forms.hpp"

namespace procura::pages {

namespace {

// The enterprise's offers by product, in round order.
std::map<std::string, std::vector<std::string>> offers_of(PortalCore& core, const PageContext& c,
                                                          const std::string& id) {
  std::map<std::string, std::vector<std::string>> offers;
  for (const auto& o : core.table(c, id, "offers")) {
    auto& list = offers[text_of(o, "productId")];
    const auto n = static_cast<std::size_t>(std::max(1, o.value("negotiationRound", 1)));
    if (list.size() < n) list.resize(n);
    list[n - 1] = text_of(o, "price");
  }
  return offers;
}

template <class F>
std::map<std::string, json> by(const json& items, const char* key, F&& keep) {
  std::map<std::string, json> out;
  for (const auto& i : items)
    if (keep(i)) out[i.value(key, "")] = i;
  return out;
}

// The engine's reason for a product it did not admit, in the visitor's language (English gives
// the engine's own words, with their figures).
std::string rejection_reason(const PageContext& c, const json& rejection) {
  const std::string key = "rejection_" + rejection.value("code", "");
  const std::string text = c.t(key);
  if (c.lang == "en" || text == key) return rejection.value("reason", "");
  return text;
}

void offer_form(PortalCore& core, const PageContext& c, const json& r, const RoundData& d,
                const std::vector<std::string>& own, json& w, const FailedForm* failed) {
  const std::string id = r.value("id", "");
  std::set<std::string> negotiating;
  for (const auto& g : core.items(c, "/api/rounds/" + url_part(id) + "/groups"))
    if (g.value("route", "") == "negotiation")
      for (const auto& p : g.value("products", json::array()))
        negotiating.insert(p.get<std::string>());
  auto offers = offers_of(core, c, id);
  json form = form_view(id, "offer", failed), products = json::array(), made = json::array();
  const std::string currency = r.value("currency", "");
  for (const auto& pid : own) {
    if (!negotiating.count(pid)) continue;
    const auto& mine = offers[pid];
    const std::string next = std::to_string(mine.size() + 1);
    products.push_back(
        {{"value", pid},
         {"label",
          c.t("offer_product",
              {{"product", pid}, {"name", text_of(d.products.at(pid), "name")}, {"round", next}})},
         {"selected", form["values"].value("productId", "") == pid}});
    for (std::size_t i = 0; i < mine.size(); ++i)
      made.push_back({{"product", pid},
                      {"round", std::to_string(i + 1)},
                      {"price", c.money(mine[i], currency)}});
  }
  if (products.empty()) return;
  form["products"] = products;
  form["currency"] = currency;
  form["ends"] = r["timeline"].value("negotiationEnd", "");
  form["endsText"] = c.date(r["timeline"].value("negotiationEnd", ""));
  w["forms"]["offer"] = form;
  w["myOffers"] = made;
  w["hasOffers"] = !made.empty();
}

void results_of(const PageContext& c, const json& r, const RoundData& d,
                const std::vector<std::string>& own, json& w) {
  const std::string currency = r.value("currency", "");
  const auto always = [](const json&) { return true; };
  const auto contracts = by(d.results.value("contracts", json::array()), "award", always);
  const auto negotiations = by(d.results.value("negotiations", json::array()), "product", always);
  const auto rejections = by(d.results.value("rejections", json::array()), "product", always);
  std::map<std::string, long long> agreed;
  for (const auto& [inst, lines] : d.agreed_of)
    for (const auto& [pid, units] : lines) agreed[pid] += units;
  json awards = json::array(), talks = json::array(), refused = json::array();
  for (const auto& pid : own) {
    if (auto a = d.award_of.find(pid); a != d.award_of.end()) {
      const json& award = *a->second;
      const auto k = contracts.find(award.value("id", ""));
      json row = {{"product", pid},
                  {"group", award.value("group", "")},
                  {"stage", c.t("route_" + award.value("stage", ""))},
                  {"rank", award.value("rank", 0)},
                  {"price", c.money(award.value("price", ""), currency)},
                  {"volume", c.count(agreed[pid])}};
      if (k != contracts.end())
        row["contract"] = {{"id", k->second.value("id", "")},
                           {"start", k->second.value("start", "")},
                           {"end", k->second.value("end", "")},
                           {"value", c.money(k->second.value("value", ""), currency)},
                           {"paymentDays", k->second.value("paymentDays", 0)},
                           {"prepayment", c.percent(k->second.value("prepayment", "0"))}};
      awards.push_back(row);
    }
    if (auto n = negotiations.find(pid); n != negotiations.end()) {
      const json& x = n->second;
      std::string offers;
      for (const auto& o : x.value("offers", json::array()))
        offers += (offers.empty() ? "" : " → ") + c.money(o.get<std::string>(), currency);
      talks.push_back(
          {{"product", pid},
           {"group", x.value("group", "")},
           {"offers", offers.empty() ? "—" : offers},
           {"accessPrice", c.money(x.value("accessPrice", ""), currency)},
           {"success", x.value("success", false)},
           {"outcome",
            x.value("success", false)
                ? c.t("offer_agreed", {{"round", std::to_string(x.value("successRound", 0))}})
                : negotiation_reason(c, x.value("reason", ""))}});
    }
    if (auto x = rejections.find(pid); x != rejections.end())
      refused.push_back({{"product", pid}, {"reason", rejection_reason(c, x->second)}});
  }
  w["myAwards"] = awards;
  w["hasAwards"] = !awards.empty();
  w["myNegotiations"] = talks;
  w["hasNegotiations"] = !talks.empty();
  w["myRejections"] = refused;
  w["hasRejections"] = !refused.empty();
}

}  // namespace

void enterprise_work(PortalCore& core, const PageContext& c, const json& r, json& w,
                     const FailedForm* failed) {
  const std::string id = r.value("id", ""), status = r.value("status", "draft");
  if (status != "opened" && status != "awarded") return;
  auto d = core.round_data(c, id);
  const auto it = d->products_of.find(c.me.value("org", ""));
  if (it == d->products_of.end()) return;
  if (status == "opened" && core.now_utc() < r["timeline"].value("negotiationEnd", ""))
    offer_form(core, c, r, *d, it->second, w, failed);
  if (status == "awarded") results_of(c, r, *d, it->second, w);
}

json offer_rows(PortalCore& core, const PageContext& c, const std::string& round_id) {
  const std::string pid = c.field("productId");
  const auto offers = offers_of(core, c, round_id);
  const auto it = offers.find(pid);
  const long next = it == offers.end() ? 1 : static_cast<long>(it->second.size()) + 1;
  return json::array(
      {{{"productId", pid}, {"negotiationRound", next}, {"price", c.field("price")}}});
}

}  // namespace procura::pages
