// P001 Unit price far above other buyers' (procurement benchmark index, domain.md §6.2): an
// awarded item's unit price divided by the median unit price paid in the other processes for
// the same classification and unit exceeds the threshold (1.5), given at least
// `minimum_observations` (3) other prices. Value: the highest index in the process (and, for
// the buyer, over its processes).
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
  void fold(const Json& release, const std::string& ocid, SharedState& shared,
            FlagResults&) override {
    const std::string buyer = release.contains("buyer") ? str(release["buyer"], "id") : "";
    for (const auto& p : awarded_item_prices(release, shared))
      observations_[p.key].push_back({ocid, buyer, p.price});
  }
  void finalize(SharedState&, FlagResults& out) override {
    for (const auto& [key, obs] : observations_) {
      for (const auto& o : obs) {
        std::vector<double> others;
        for (const auto& x : obs)
          if (x.ocid != o.ocid) others.push_back(x.price);
        if (static_cast<long>(others.size()) < minimum_) continue;
        const double index = o.price / median(others);
        if (index <= threshold_) continue;
        raise(out, "OCID", o.ocid, index);
        if (!o.buyer.empty()) raise(out, "Buyer", o.buyer, index);
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
