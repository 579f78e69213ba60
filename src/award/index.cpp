#include "award/index.hpp"

#include <algorithm>
#include <thread>

#include "core/error.hpp"

namespace procura {

namespace {
template <class T, class Id>
void build(IdMap& map, const std::vector<T>& items, Id id, const char* what) {
  map.reserve(items.size() * 2);
  for (std::size_t i = 0; i < items.size(); ++i)
    if (!map.emplace(std::string(id(items[i])), static_cast<int>(i)).second)
      throw RuleError(std::string(what) + ": duplicate id '" + std::string(id(items[i])) + "'");
}

int find(const IdMap& map, const std::string& id, const char* what, const char* ref) {
  auto it = map.find(id);
  if (it == map.end()) throw RuleError(std::string(what) + ": unknown " + ref + " '" + id + "'");
  return it->second;
}
}  // namespace

RoundIndex::RoundIndex(const RoundInput& input) : in(input) {
  build(
      product, in.products, [](const Product& p) -> std::string_view { return p.id; }, "products");
  build(
      enterprise, in.enterprises, [](const Enterprise& e) -> std::string_view { return e.id; },
      "enterprises");
  build(
      region, in.regions, [](const Region& r) -> std::string_view { return r.id; }, "regions");
  build(
      institution, in.institutions, [](const Institution& i) -> std::string_view { return i.id; },
      "institutions");

  const std::size_t np = in.products.size();
  enterprise_of.resize(np);
  for (std::size_t i = 0; i < np; ++i)
    enterprise_of[i] = find(enterprise, in.products[i].enterprise_id, "products", "enterprise");
  region_of.resize(in.institutions.size());
  for (std::size_t i = 0; i < in.institutions.size(); ++i)
    region_of[i] = find(region, in.institutions[i].region_id, "institutions", "region");

  // Demand lines are the bulk of a round. Two threads each take half of the lines: resolve
  // ids and count lines per product; then each lays out its half product by product (a
  // counting sort that keeps input order).
  const std::size_t nd = in.demand.size();
  std::vector<int> line_product(nd), line_institution(nd);
  struct Part {
    std::size_t from = 0, to = 0;
    std::vector<std::size_t> count;
    std::vector<Units> quantity;
    bool unresolved = false;
  };
  const int parts_n = nd > 100'000 ? 2 : 1;
  std::vector<Part> parts(static_cast<std::size_t>(parts_n));
  for (int t = 0; t < parts_n; ++t)
    parts[t].from = nd * t / parts_n, parts[t].to = nd * (t + 1) / parts_n;
  auto resolve = [&](Part& part) {
    part.count.assign(np, 0);
    part.quantity.assign(np, 0);
    const std::string* last_institution = nullptr;  // institutions report their lines together
    int last_index = -1;
    for (std::size_t i = part.from; i < part.to; ++i) {
      const DemandLine& d = in.demand[i];
      auto p = product.find(d.product_id);
      if (!last_institution || d.institution_id != *last_institution) {
        auto q = institution.find(d.institution_id);
        last_index = q == institution.end() ? -1 : q->second;
        last_institution = &d.institution_id;
      }
      line_institution[i] = last_index;
      if (p == product.end() || last_index < 0) {
        part.unresolved = true;
        line_product[i] = -1;
        continue;
      }
      line_product[i] = p->second;
      ++part.count[p->second];
      part.quantity[p->second] += d.quantity;
    }
  };
  auto on_threads = [&](auto&& fn) {
    if (parts_n == 1) return fn(parts[0]);
    std::thread other([&] { fn(parts[1]); });
    fn(parts[0]);
    other.join();
  };
  on_threads(resolve);
  for (const auto& part : parts)
    if (part.unresolved)
      for (std::size_t i = part.from; i < part.to; ++i) {
        find(product, in.demand[i].product_id, "demand", "product");
        find(institution, in.demand[i].institution_id, "demand", "institution");
      }
  demand.assign(np, 0);
  demand_begin.assign(np + 1, 0);
  for (const auto& part : parts)
    for (std::size_t p = 0; p < np; ++p) {
      demand_begin[p + 1] += part.count[p];
      demand[p] += part.quantity[p];
    }
  for (std::size_t p = 0; p < np; ++p) demand_begin[p + 1] += demand_begin[p];
  demand_refs.resize(nd);
  std::vector<std::size_t> offset(demand_begin.begin(), demand_begin.end() - 1);
  for (auto& part : parts)  // a part's lines of a product follow those of the parts before it
    for (std::size_t p = 0; p < np; ++p) {
      const std::size_t c = part.count[p];
      part.count[p] = offset[p];
      offset[p] += c;
    }
  on_threads([&](Part& part) {
    std::vector<std::size_t>& next = part.count;  // now: where this part's next line goes
    for (std::size_t i = part.from; i < part.to; ++i) {
      const DemandLine& d = in.demand[i];
      demand_refs[next[line_product[i]]++] = {line_institution[i], d.by_brand, d.quantity};
    }
  });

  group_demand_institution.reserve(in.group_demand.size());
  for (const auto& g : in.group_demand)
    group_demand_institution.push_back(
        find(institution, g.institution_id, "group demand", "institution"));

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
      if (base_volume[p] > 0)
        ref_price[p] = static_cast<Price>(round_half_up(amount[p], base_volume[p]));
  }

  ceiling.assign(np, 0);
  for (const auto& c : in.ceilings)
    ceiling[find(product, c.product_id, "ceilings", "product")] = c.max_price;

  bid.assign(np, -1);
  for (std::size_t i = 0; i < in.bids.size(); ++i) {
    int p = find(product, in.bids[i].product_id, "bids", "product");
    if (bid[p] != -1)
      throw RuleError("bids: more than one bid for product '" + in.bids[i].product_id + "'");
    bid[p] = static_cast<int>(i);
  }
  access.assign(np, -1);
  for (std::size_t i = 0; i < in.access_prices.size(); ++i) {
    int p = find(product, in.access_prices[i].product_id, "access prices", "product");
    if (access[p] != -1)
      throw RuleError("access prices: more than one for product '" +
                      in.access_prices[i].product_id + "'");
    access[p] = static_cast<int>(i);
  }
  offers.assign(np, {});
  for (std::size_t i = 0; i < in.offers.size(); ++i)
    offers[find(product, in.offers[i].product_id, "offers", "product")].push_back(
        static_cast<int>(i));
  for (auto& list : offers)
    std::sort(list.begin(), list.end(),
              [&](int a, int b) { return in.offers[a].round < in.offers[b].round; });
  revival.assign(np, -1);
  for (const auto& r : in.revivals)
    revival[find(product, r.product_id, "revivals", "product")] = r.accepted ? 1 : 0;
  for (const auto& r : in.region_preferences) {
    find(product, r.product_id, "region preferences", "product");
    find(region, r.region_id, "region preferences", "region");
  }
}

const std::string& RoundIndex::competitor_of(int p) const {
  return in.enterprises[enterprise_of[p]].competitor_key();
}

}  // namespace procura
