// P001 Unit price far above other buyers' (procurement benchmark index, domain.md §6.2): the
// unit price a process paid for a product (the highest, if several items share its
// classification and unit) divided by the median of the prices the other processes paid for it
// exceeds the threshold (1.5), given at least `minimum_observations` (3) other processes. Value:
// the highest index in the process (and, for the buyer, over its processes).
#include <algorithm>
#include <map>

#include "integrity/indicators/health.hpp"
#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class P001 : public Indicator {
 public:
  explicit P001(const FlagSettings& s)
      : threshold_(s.number("P001", "threshold", 1.5)),
        minimum_(static_cast<long>(s.number("P001", "minimum_observations", 3))) {}
  const char* code() const override { return "P001"; }
  void fold(const Node& release, const std::string& ocid, SharedState& shared,
            FlagResults&) override {
    const std::string buyer = release.contains("buyer") ? str(release["buyer"], "id") : "";
    for (const auto& p : awarded_item_prices(release, shared))
      observations_[p.key].push_back({ocid, buyer, p.price});
  }
  void finalize(SharedState&, FlagResults& out) override {
    for (auto& entry : observations_) {
      auto& obs = entry.second;
      if (static_cast<long>(obs.size()) - 1 < minimum_) continue;
      std::sort(obs.begin(), obs.end(),
                [](const Observation& a, const Observation& b) { return a.price < b.price; });
      const std::size_t n = obs.size();
      for (std::size_t i = 0; i < n; ++i) {
        // The median of the other n-1 prices: sorted order with position i left out.
        auto other = [&](std::size_t r) { return obs[r < i ? r : r + 1].price; };
        const std::size_t m = n - 1;
        const double benchmark = m % 2 ? other(m / 2) : (other(m / 2 - 1) + other(m / 2)) / 2;
        const double index = obs[i].price / benchmark;
        if (index <= threshold_) continue;
        raise(out, "OCID", obs[i].ocid, index);
        if (!obs[i].buyer.empty()) raise(out, "Buyer", obs[i].buyer, index);
      }
    }
  }

 private:
  struct Observation {
    std::string ocid, buyer;
    double price;
  };
  void raise(FlagResults& out, const char* group, const std::string& id, double v) {
    auto& slot = out.groups[group][id];
    auto it = slot.find(code());
    if (it == slot.end() || it->second < v) slot[code()] = v;
  }
  double threshold_;
  long minimum_;
  std::map<std::string, std::vector<Observation>> observations_;
};
}  // namespace

std::unique_ptr<Indicator> make_p001(const FlagSettings& s) {
  return std::make_unique<P001>(s);
}

}  // namespace procura::integrity
