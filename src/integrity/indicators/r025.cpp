// R025 Excessive unsuccessful bids: a top tenderer (number of processes with a valid bid at or
// above the `percentile` (75) of all tenderers) whose ratio of won to valid is at or below the
// lower fence Q1 - 1.5 IQR of all ratios (or the configured threshold).
#include <cmath>

#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R025 : public Indicator {
 public:
  explicit R025(const FlagSettings& s)
      : percentile_(s.number("R025", "percentile", 75)),
        threshold_(s.number("R025", "threshold", std::nan(""))) {}
  const char* code() const override { return "R025"; }
  void fold(const Node&, const std::string&, SharedState& shared, FlagResults&) override {
    const std::vector<Node>& awards = shared.active_awards;
    const Node details = shared.bid_details;
    if (!shared.complete || awards.size() > 1) return;
    std::string_view winner;
    if (awards.size() == 1) {
      const Node suppliers = awards[0]["suppliers"];
      if (!suppliers.is_array() || suppliers.size() != 1) return;
      winner = sv(suppliers[0], "id");
    }
    IdSet valid;
    for (const auto& bid : *details) {
      const Node tenderers = bid["tenderers"];
      if (sv(bid, "status") != "valid" || !tenderers.is_array()) continue;
      if (tenderers.size() != 1) return;  // bids by several tenderers are not supported
      if (auto id = sv(tenderers[0], "id"); !id.empty()) valid.insert(id);
    }
    for (const auto& id : valid) {  // each tenderer counts once per process
      auto& [won, bids] = counts_[id];
      ++bids;
      won += id == winner;
    }
  }
  void finalize(SharedState& shared, FlagResults& out) override {
    if (counts_.empty()) return;
    std::vector<double> bids, ratios;
    for (const auto& [id, c] : counts_) {
      bids.push_back(c.second);
      ratios.push_back(static_cast<double>(c.first) / c.second);
    }
    const double top = quantile(bids, percentile_ / 100.0);
    const double fence =
        outlier_fence(ratios, threshold_, FenceSide::kLower, shared, out, code()).fence;
    out.meta[code()]["upper_fence"] = top;  // the top-tenderer cut, on numbers of valid bids
    for (const auto& [id, c] : counts_) {
      const double ratio = static_cast<double>(c.first) / c.second;
      if (c.second >= top && ratio <= fence) out.set("Tenderer", id, code(), ratio);
    }
  }

 private:
  double percentile_, threshold_;
  ById<std::pair<long, long>> counts_;  // tenderer -> (won, valid) processes
};
}  // namespace

std::unique_ptr<Indicator> make_r025(const FlagSettings& s) {
  return std::make_unique<R025>(s);
}

}  // namespace procura::integrity
