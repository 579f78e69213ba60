#include "demand/demand.hpp"

#include <algorithm>
#include <set>

namespace procura {

std::map<std::string, Price> reference_prices(const std::vector<HistoryLine>& history,
                                              const std::vector<std::string>& regions) {
  std::set<std::string> in(regions.begin(), regions.end());
  std::map<std::string, std::pair<Wide, Wide>> acc;
  for (const auto& h : history) {
    if (!in.count(h.region_id) || h.quantity <= 0) continue;
    auto& a = acc[h.product_id];
    a.first += Wide(h.price) * h.quantity;
    a.second += h.quantity;
  }
  std::map<std::string, Price> out;
  for (const auto& [id, a] : acc) out[id] = static_cast<Price>(round_half_up(a.first, a.second));
  return out;
}

std::map<std::string, Price> lowest_prices_elsewhere(
    const std::vector<HistoryLine>& history, const std::vector<std::string>& alliance_regions) {
  std::set<std::string> in(alliance_regions.begin(), alliance_regions.end());
  std::map<std::string, Price> out;
  for (const auto& h : history) {
    if (in.count(h.region_id) || h.quantity <= 0) continue;
    auto it = out.find(h.product_id);
    if (it == out.end() || h.price < it->second) out[h.product_id] = h.price;
  }
  return out;
}

std::vector<bool> mainstream_products(const std::vector<std::vector<int>>& groups,
                                      const std::vector<Units>& base_volume, int min_share_bp,
                                      int cum_share_bp) {
  std::vector<bool> out(base_volume.size(), false);
  std::vector<int> order;
  for (const auto& ids : groups) {
    Wide total = 0;
    for (int p : ids) total += base_volume[p];
    if (total == 0) continue;  // no history at all: nothing in this group is mainstream
    order = ids;
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      return base_volume[a] != base_volume[b] ? base_volume[a] > base_volume[b] : a < b;
    });
    Wide covered = 0;
    for (int p : order) {
      const Units v = base_volume[p];
      if (v == 0) break;
      bool share_ok = Wide(v) * 10'000 >= Wide(min_share_bp) * total;
      bool cum_needed = covered * 10'000 < Wide(cum_share_bp) * total;
      if (share_ok || cum_needed) out[p] = true;
      covered += v;
    }
  }
  return out;
}

std::vector<DemandFlag> demand_flags(const std::map<std::string, std::string>& region_of,
                                     const std::vector<HistoryLine>& history,
                                     const std::vector<DemandLine>& demand) {
  std::map<std::pair<std::string, std::string>, Units> base, reported;
  for (const auto& h : history) base[{h.product_id, h.region_id}] += h.quantity;
  for (const auto& d : demand) {
    auto it = region_of.find(d.institution_id);
    if (it != region_of.end()) reported[{d.product_id, it->second}] += d.quantity;
  }
  std::vector<DemandFlag> out;
  for (const auto& [key, quantity] : reported) {
    auto h = base.find(key);
    if (h != base.end() && h->second > 0 && quantity > 2 * h->second)
      out.push_back({key.first, key.second, quantity, h->second});
  }
  return out;
}

}  // namespace procura
