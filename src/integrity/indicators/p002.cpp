// P002 Median price ratio against a reference price list (HAI/WHO method, domain.md §6):
// for each buyer and product, MPR = median unit price paid / reference unit price (references
// with at least `minimum_sources` (3) sources, in the main currency); the buyer's value is the
// median MPR over its products, flagged at or above the threshold (1.5). Each lot of a process
// is judged the same way on its own items ("Lot" group): one buyer's joint round is many lots.
#include <map>
#include <set>

#include "integrity/indicators/health.hpp"
#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class P002 : public Indicator {
 public:
  explicit P002(const FlagSettings& s) : threshold_(s.number("P002", "threshold", 1.5)) {
    const long minimum = static_cast<long>(s.number("P002", "minimum_sources", 3));
    for (const auto& r : s.reference_prices)
      if (r.sources >= minimum && r.price > 0) references_[price_key(r.scheme, r.id, r.unit)] = r;
  }
  const char* code() const override { return "P002"; }
  void fold(const Node& release, const std::string& ocid, SharedState& shared,
            FlagResults&) override {
    const std::string buyer = release.contains("buyer") ? str(release["buyer"], "id") : "";
    if (buyer.empty()) return;
    if (currency_.empty()) currency_ = shared.currency;
    for (const auto& p : awarded_item_prices(release, shared)) {
      if (!references_.count(p.key)) continue;
      prices_[buyer][p.key].push_back(p.price);
      if (!p.lot.empty()) lot_prices_[lot_key(ocid, p.lot)][p.key].push_back(p.price);
      priced_.insert(p.key);
    }
  }
  void finalize(SharedState& shared, FlagResults& out) override {
    judge(prices_, "Buyer", shared, out);
    judge(lot_prices_, "Lot", shared, out);
    out.sets[code()][""] = {static_cast<long>(priced_.size()), 1};
  }

 private:
  using Prices = std::map<std::string, std::map<std::string, std::vector<double>>>;
  // Flags each holder (buyer or lot) whose median MPR over its products is at the threshold.
  void judge(const Prices& by_holder, const char* group, const SharedState& shared,
             FlagResults& out) const {
    for (const auto& [holder, by_product] : by_holder) {
      std::vector<double> mprs;
      for (const auto& [key, prices] : by_product) {
        const auto& ref = references_.at(key);
        if (!ref.currency.empty() && ref.currency != shared.currency) continue;
        mprs.push_back(median(prices) / ref.price);
      }
      if (mprs.empty()) continue;
      const double mpr = median(mprs);
      if (mpr >= threshold_) out.set(group, holder, code(), mpr);
    }
  }
  double threshold_;
  std::string currency_;
  std::map<std::string, ReferencePrice> references_;
  Prices prices_;                 // buyer -> product -> prices
  Prices lot_prices_;             // "ocid/lot" -> product -> prices
  std::set<std::string> priced_;  // products priced with a usable reference
};
}  // namespace

std::unique_ptr<Indicator> make_p002(const FlagSettings& s) {
  return std::make_unique<P002>(s);
}

}  // namespace procura::integrity
