// R024 Price close to winning bid: the difference between the winning bid and the second-lowest
// valid bid is at or below the lower fence Q1 - 1.5 IQR (or the configured threshold). The
// winner and the second-lowest bidder are flagged with 0.0.
#include <cmath>

#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R024 : public Indicator {
 public:
  explicit R024(const FlagSettings& s) : threshold_(s.number("R024", "threshold", std::nan(""))) {}
  const char* code() const override { return "R024"; }
  void fold(const Node&, const std::string&, SharedState&, FlagResults&) override {}
  void finalize(SharedState& shared, FlagResults& out) override {
    std::vector<double> v;
    for (const auto& [ocid, r] : shared.second_lowest_ratio) v.push_back(r);
    const auto [fence, q1] = outlier_fence(v, threshold_, FenceSide::kLower, shared, out, code());
    // Differences are never negative: when 75 % of processes have none, nothing stands out.
    if (!(q1 > 0.0 && fence > 0.0)) return;
    for (const auto& [ocid, ratio] : shared.second_lowest_ratio) {
      if (ratio > fence) continue;
      out.set("OCID", ocid, code(), ratio);
      const auto& [winner, second] = shared.winner_and_second[ocid];
      out.set("Tenderer", winner, code(), 0.0);
      out.set("Tenderer", second, code(), 0.0);
    }
  }

 private:
  double threshold_;
};
}  // namespace

std::unique_ptr<Indicator> make_r024(const FlagSettings& s) {
  return std::make_unique<R024>(s);
}

}  // namespace procura::integrity
