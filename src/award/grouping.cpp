// Step 1: grouping by functional attributes, and price-inversion detection.
#include <algorithm>
#include <cmath>
#include <map>

#include "award/steps.hpp"

namespace procura {

namespace {

void flag_inversions_by_attributes(const RoundIndex& ix, RoundResult& r) {
  // Within a basic-attribute family, A is inverted when its additional set strictly contains
  // the set of some group whose dearest product is dearer than A.
  std::map<std::string, std::vector<int>> groups_by_family;
  for (std::size_t g = 0; g < r.groups.size(); ++g)
    groups_by_family[family_key(ix.in.products[r.groups[g].products.front()])].push_back(
        static_cast<int>(g));
  for (const auto& [family, gs] : groups_by_family) {
    if (gs.size() < 2) continue;
    std::vector<Price> dearest(gs.size(), 0);
    for (std::size_t i = 0; i < gs.size(); ++i)
      for (int p : r.groups[gs[i]].products) dearest[i] = std::max(dearest[i], ix.ref_price[p]);
    for (std::size_t i = 0; i < gs.size(); ++i) {
      const auto& set_a = ix.in.products[r.groups[gs[i]].products.front()].additional;
      for (int a : r.groups[gs[i]].products) {
        if (ix.ref_price[a] == 0) continue;
        for (std::size_t j = 0; j < gs.size(); ++j) {
          const auto& set_b = ix.in.products[r.groups[gs[j]].products.front()].additional;
          if (i != j && strictly_contains(set_a, set_b) && ix.ref_price[a] < dearest[j]) {
            r.inverted[a] = true;
            break;
          }
        }
      }
    }
  }
}

}  // namespace

void group_products(const RoundIndex& ix, RoundResult& r) {
  const auto& in = ix.in;
  const std::size_t np = in.products.size();
  std::map<std::string, std::vector<int>> by_key;
  for (std::size_t p = 0; p < np; ++p)
    if (r.eligible[p]) by_key[group_key(in.products[p])].push_back(static_cast<int>(p));

  r.groups.clear();
  r.group_of.assign(np, -1);
  r.inverted.assign(np, false);
  for (auto& [key, products] : by_key) {
    Group g;
    g.id = "G" +
           std::string(r.groups.size() + 1 < 10    ? "00"
                       : r.groups.size() + 1 < 100 ? "0"
                                                   : "") +
           std::to_string(r.groups.size() + 1);
    g.key = key;
    g.products = std::move(products);
    // The reference strength for comparable prices: the product with most base-period volume.
    int ref = g.products.front();
    for (int p : g.products)
      if (ix.base_volume[p] > ix.base_volume[ref]) ref = p;
    g.reference_strength_milli = in.products[ref].strength_milli;
    for (int p : g.products) {
      r.group_of[p] = static_cast<int>(r.groups.size());
      g.demand += ix.demand[p];
    }
    r.groups.push_back(std::move(g));
  }

  // Group-level demand joins the group with the same functional attributes.
  std::map<std::string, int> group_of_key;
  for (std::size_t g = 0; g < r.groups.size(); ++g)
    group_of_key[r.groups[g].key] = static_cast<int>(g);
  r.unmatched_group_demand = 0;
  for (std::size_t i = 0; i < in.group_demand.size(); ++i) {
    const auto& line = in.group_demand[i];
    auto it = group_of_key.find(group_key(line.category, line.basic, line.additional));
    if (it == group_of_key.end()) {
      r.unmatched_group_demand += line.quantity;
      continue;
    }
    r.groups[it->second].group_lines.push_back(static_cast<int>(i));
    r.groups[it->second].demand += line.quantity;
  }

  switch (in.profile.inversion) {
    case InversionMode::kOff:
      break;
    case InversionMode::kAttributes:
      flag_inversions_by_attributes(ix, r);
      break;
    case InversionMode::kExternalPrice:
      for (std::size_t p = 0; p < np; ++p)
        if (r.eligible[p] && ix.lowest_elsewhere[p] > 0 && ix.ref_price[p] > ix.lowest_elsewhere[p])
          r.inverted[p] = true;
      break;
  }
}

}  // namespace procura
