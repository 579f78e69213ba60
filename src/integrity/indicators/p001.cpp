// P001 Unit price far above other buyers' (procurement benchmark index, domain.md §6.2): the
// unit price a process paid for a product (the highest, if several of its items share the
// product's classification and unit) divided by the median of the prices the other processes
// paid for it exceeds the threshold (1.5), given at least `minimum_observations` (3) other
// processes. Items of the same process are never each other's benchmark: a joint round that
// buys one product in many lots is one process. Value: the highest index in the process (and,
// for the buyer, over its processes); each lot of the process is flagged with its own price
// against the same benchmark ("Lot" group).
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
    for (const auto& p : awarded_item_prices(release, shared)) {
      Observation& o = observations_[p.key][ocid];
      o.buyer = buyer;
      o.price = std::max(o.price, p.price);
      if (!p.lot.empty()) o.lots[p.lot] = std::max(o.lots[p.lot], p.price);
    }
  }
  void finalize(SharedState&, FlagResults& out) override {
    long largest = 0;
    for (const auto& [key, by_process] : observations_) {
      const auto n = static_cast<long>(by_process.size());
      largest = std::max(largest, n);
      if (n < 2 || n - 1 < minimum_) continue;
      std::vector<double> prices;
      for (const auto& [ocid, o] : by_process) prices.push_back(o.price);
      std::sort(prices.begin(), prices.end());
      for (const auto& [ocid, o] : by_process) {
        const double benchmark = median_without(prices, o.price);
        const double index = o.price / benchmark;
        if (index <= threshold_) continue;
        raise(out, "OCID", ocid, index);
        if (!o.buyer.empty()) raise(out, "Buyer", o.buyer, index);
        for (const auto& [lot, price] : o.lots)
          if (price / benchmark > threshold_)
            raise(out, "Lot", lot_key(ocid, lot), price / benchmark);
      }
    }
    out.sets[code()][""] = {largest, minimum_ + 1};
  }

 private:
  struct Observation {
    std::string buyer;
    double price = 0;                    // the highest the process paid
    std::map<std::string, double> lots;  // lot -> the highest price in it
  };
  // The median of sorted `prices` with one occurrence of `own` left out.
  static double median_without(const std::vector<double>& prices, double own) {
    const auto at = std::lower_bound(prices.begin(), prices.end(), own) - prices.begin();
    auto other = [&](std::size_t r) {
      return prices[r < static_cast<std::size_t>(at) ? r : r + 1];
    };
    const std::size_t m = prices.size() - 1;
    return m % 2 ? other(m / 2) : (other(m / 2 - 1) + other(m / 2)) / 2;
  }
  void raise(FlagResults& out, const char* group, const std::string& id, double v) {
    auto& slot = out.groups[group][id];
    auto it = slot.find(code());
    if (it == slot.end() || it->second < v) slot[code()] = v;
  }
  double threshold_;
  long minimum_;
  // product key -> process -> what it paid
  std::map<std::string, std::map<std::string, Observation>> observations_;
};
}  // namespace

std::unique_ptr<Indicator> make_p001(const FlagSettings& s) {
  return std::make_unique<P001>(s);
}

}  // namespace procura::integrity
