#include "award/index.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace procura {

namespace {
template <class T, class Id>
void build(std::unordered_map<std::string_view, int>& map, const std::vector<T>& items, Id id,
           const char* what) {
  map.reserve(items.size() * 2);
  for (std::size_t i = 0; i < items.size(); ++i)
    if (!map.emplace(id(items[i]), static_cast<int>(i)).second)
      throw RuleError(std::string(what) + ": duplicate id '" + std::string(id(items[i])) + "'");
}

int find(const std::unordered_map<std::string_view, int>& map, const std::string& id,
         const char* what, const char* ref) {
  auto it = map.find(id);
  if (it == map.end()) throw RuleError(std::string(what) + ": unknown " + ref + " '" + id + "'");
  return it->second;
}
}  // namespace

RoundIndex::RoundIndex(const RoundInput& input) : in(input) {
  build(product, in.products, [](const Product& p) -> std::string_view { return p.id; }, "products");
  build(enterprise, in.enterprises, [](const Enterprise& e) -> std::string_view { return e.id; }, "enterprises");
  build(region, in.regions, [](const Region& r) -> std::string_view { return r.id; }, "regions");
  build(institution, in.institutions, [](const Institution& i) -> std::string_view { return i.id; }, "institutions");

  const std::size_t np = in.products.size();
  enterprise_of.resize(np);
  for (std::size_t i = 0; i < np; ++i)
    enterprise_of[i] = find(enterprise, in.products[i].enterprise_id, "products", "enterprise");
  region_of.resize(in.institutions.size());
  for (std::size_t i = 0; i < in.institutions.size(); ++i)
    region_of[i] = find(region, in.institutions[i].region_id, "institutions", "region");

  demand.assign(np, 0);
  demand_lines.assign(np, {});
  for (std::size_t i = 0; i < in.demand.size(); ++i) {
    const auto& d = in.demand[i];
    int p = find(product, d.product_id, "demand", "product");
    find(institution, d.institution_id, "demand", "institution");
    demand[p] += d.quantity;
    demand_lines[p].push_back(static_cast<int>(i));
  }

  base_volume.assign(np, 0);
  ref_price.assign(np, 0);
  lowest_elsewhere.assign(np, 0);
  {
    std::vector<Wide> amount(np, 0);
    for (const auto& h : in.history) {
      int p = find(product, h.product_id, "history", "product");
      if (h.quantity <= 0) continue;
      if (region.count(h.region_id)) {
        base_volume[p] += h.quantity;
        amount[p] += Wide(h.price) * h.quantity;
      } else if (lowest_elsewhere[p] == 0 || h.price < lowest_elsewhere[p]) {
        lowest_elsewhere[p] = h.price;
      }
    }
    for (std::size_t p = 0; p < np; ++p)
      if (base_volume[p] > 0) ref_price[p] = static_cast<Price>(round_half_up(amount[p], base_volume[p]));
  }

  ceiling.assign(np, 0);
  for (const auto& c : in.ceilings) ceiling[find(product, c.product_id, "ceilings", "product")] = c.max_price;

  bid.assign(np, -1);
  for (std::size_t i = 0; i < in.bids.size(); ++i) {
    int p = find(product, in.bids[i].product_id, "bids", "product");
    if (bid[p] != -1) throw RuleError("bids: more than one bid for product '" + in.bids[i].product_id + "'");
    bid[p] = static_cast<int>(i);
  }
  access.assign(np, -1);
  for (std::size_t i = 0; i < in.access_prices.size(); ++i) {
    int p = find(product, in.access_prices[i].product_id, "access prices", "product");
    if (access[p] != -1)
      throw RuleError("access prices: more than one for product '" + in.access_prices[i].product_id + "'");
    access[p] = static_cast<int>(i);
  }
  offers.assign(np, {});
  for (std::size_t i = 0; i < in.offers.size(); ++i)
    offers[find(product, in.offers[i].product_id, "offers", "product")].push_back(static_cast<int>(i));
  for (auto& list : offers)
    std::sort(list.begin(), list.end(), [&](int a, int b) { return in.offers[a].round < in.offers[b].round; });
  revival.assign(np, -1);
  for (const auto& r : in.revivals) revival[find(product, r.product_id, "revivals", "product")] = r.accepted ? 1 : 0;
  for (const auto& r : in.region_preferences) {
    find(product, r.product_id, "region preferences", "product");
    find(region, r.region_id, "region preferences", "region");
  }
}

const std::string& RoundIndex::competitor_of(int p) const {
  return in.enterprises[enterprise_of[p]].competitor_key();
}

}  // namespace procura
