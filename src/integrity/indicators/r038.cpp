// R038 Excessive disqualified bids: the ratio of disqualified to submitted bids of a buyer,
// procuring entity or tenderer is at or above the upper fence Q3 + 1.5 IQR of its group (or the
// configured threshold). Organizations with fewer submitted bids than the minimum are left out:
// `minimum_submitted_bids` for tenderers, `minimum_contracting_processes` for buyers and
// procuring entities, which Cardinal compares with their number of submitted bids too.
#include <cmath>

#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
struct Counts {
  long disqualified = 0, submitted = 0;
};

class R038 : public Indicator {
 public:
  explicit R038(const FlagSettings& s)
      : threshold_(s.number("R038", "threshold", std::nan(""))),
        min_bids_(static_cast<long>(s.number("R038", "minimum_submitted_bids", 2))),
        min_processes_(static_cast<long>(s.number("R038", "minimum_contracting_processes", 2))) {}
  const char* code() const override { return "R038"; }
  void fold(const Node& release, const std::string&, SharedState& shared, FlagResults&) override {
    long disqualified = 0, submitted = 0;
    for (Node bid : shared.submitted) {
      ++submitted;
      const bool d = sv(bid, "status") == "disqualified";
      disqualified += d;
      for (const Node t : bid["tenderers"]) {
        const auto id = sv(t, "id");
        if (id.empty()) continue;
        auto& c = by_group_[2][id];
        ++c.submitted;
        c.disqualified += d;
      }
    }
    if (submitted == 0) return;
    auto add = [&](int group, std::string_view id) {
      if (id.empty()) return;
      auto& c = by_group_[group][id];
      c.disqualified += disqualified;
      c.submitted += submitted;
    };
    add(0, sv(release["buyer"], "id"));
    add(1, sv(release["tender"]["procuringEntity"], "id"));
  }
  void finalize(SharedState& shared, FlagResults& out) override {
    for (int g = 0; g < 3; ++g) {
      const char* group = kGroups[g];
      const bool tenderers = g == 2;
      std::map<std::string, double> ratios;
      for (const auto& [id, c] : by_group_[g])
        if (c.submitted >= (tenderers ? min_bids_ : min_processes_) && c.submitted > 0)
          ratios[id] = static_cast<double>(c.disqualified) / c.submitted;
      if (ratios.empty()) {  // nothing to compare: no fence, as Cardinal
        out.sets[code()][group] = {0, shared.minimum_set};
        continue;
      }
      std::vector<double> v;
      for (const auto& [id, r] : ratios) v.push_back(r);
      const double fence =
          outlier_fence(v, threshold_, FenceSide::kUpper, shared, out, code(), group).fence;
      // Ratios are never negative: when 75 % have no disqualified bids, nothing stands out.
      if (fence <= 0) continue;
      for (const auto& [id, r] : ratios)
        if (r >= fence) out.set(group, id, code(), r);
    }
  }

 private:
  double threshold_;
  long min_bids_, min_processes_;
  static constexpr const char* kGroups[] = {"Buyer", "ProcuringEntity", "Tenderer"};
  ById<Counts> by_group_[3];
};
}  // namespace

std::unique_ptr<Indicator> make_r038(const FlagSettings& s) {
  return std::make_unique<R038>(s);
}

}  // namespace procura::integrity
