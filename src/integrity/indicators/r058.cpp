// R058 Heavily discounted bid: the difference between the winning bid and the second-lowest
// valid bid is at or above the upper fence Q3 + 1.5 IQR (or the configured threshold). The
// winner is flagged with 0.0.
#include <cmath>

#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R058 : public Indicator {
 public:
  explicit R058(const FlagSettings& s) : threshold_(s.number("R058", "threshold", std::nan(""))) {}
  const char* code() const override { return "R058"; }
  void fold(const Node&, const std::string&, SharedState&, FlagResults&) override {}
  void finalize(SharedState& shared, FlagResults& out) override {
    std::vector<double> v;
    for (const auto& [ocid, r] : shared.second_lowest_ratio) v.push_back(r);
    const double fence = outlier_fence(v, threshold_, FenceSide::kUpper, shared, out, code()).fence;
    if (std::isnan(fence)) return;
    for (const auto& [ocid, ratio] : shared.second_lowest_ratio) {
      if (ratio < fence) continue;
      out.set("OCID", ocid, code(), ratio);
      out.set("Tenderer", shared.winner_and_second[ocid].first, code(), 0.0);
    }
  }

 private:
  double threshold_;
};
}  // namespace

std::unique_ptr<Indicator> make_r058(const FlagSettings& s) {
  return std::make_unique<R058>(s);
}

}  // namespace procura::integrity
