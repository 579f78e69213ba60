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

}  // namespace procura
