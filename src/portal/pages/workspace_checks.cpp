// Checks and choices the workspace's forms make before they post: a bid that needs its bidder's
// confirmation, the products a panel expert may still price.
#include <set>

#include "core/money.hpp"
#include "portal/pages/page_helpers.hpp"
#include "portal/pages/workspace_forms.hpp"

namespace procura::pages {

// What a bidder should see before a bid goes in: a price above the product's ceiling (the engine
// rejects it) or with more decimals than the currency's cents (compared to the cent as typed).
// "" when there is nothing to warn of, or the price is not a price (the API says why).
std::string bid_warning(PortalCore& core, const PageContext& c, const std::string& round_id) {
  const std::string text = c.field("price");
  const auto price = parse_price(text);
  if (!price) return "";
  auto d = core.round_data(c, round_id);
  const std::string currency = d->round.value("currency", "");
  const std::string ceiling = pages::round_ceilings(core, c, *d)->value(c.field("productId"), "");
  const auto limit = parse_price(ceiling);
  if (limit && *price > *limit)
    return c.t("bid_warning_ceiling", {{"price", c.money(format_price(*price, 2), currency)},
                                       {"ceiling", c.money(ceiling, currency)}});
  const auto dot = text.find('.');
  if (dot != std::string::npos && text.size() - dot - 1 > 2)
    return c.t("bid_warning_decimals", {{"price", text}});
  return "";
}

json awaiting_access_prices(PortalCore& core, const PageContext& c, const std::string& id,
                            const std::string& chosen) {
  const std::string round_path = "/api/rounds/" + url_part(id);
  std::set<std::string> priced;
  for (const auto& a : core.table(c, id, "access-prices")) priced.insert(text_of(a, "productId"));
  auto d = core.round_data(c, id);
  json awaiting = json::array();
  for (const auto& g : core.items(c, round_path + "/groups"))
    if (g.value("route", "") == "negotiation")
      for (const auto& p : g.value("products", json::array()))
        if (p.is_string() && !priced.count(p.get<std::string>())) {
          const std::string pid = p.get<std::string>();
          awaiting.push_back(
              {{"value", pid},
               {"label", pid + " · " + name_of(d->products, pid) + " · " + g.value("id", "")},
               {"selected", chosen == pid}});
        }
  return awaiting;
}

}  // namespace procura::pages
