// R036 Lowest bid disqualified: a process with an active award whose lowest submitted bid (in
// the main currency) was disqualified.
#include <algorithm>

#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R036 : public Indicator {
 public:
  explicit R036(const FlagSettings&) {}
  const char* code() const override { return "R036"; }
  void fold(const Node& release, const std::string& ocid, SharedState& shared,
            FlagResults& out) override {
    const Node awards = release["awards"];
    if (!awards.is_array()) return;
    if (!shared.compares_prices) return;
    if (std::none_of(awards->begin(), awards->end(),
                     [](const Node& a) { return str(a, "status") == "active"; }))
      return;
    bool have = false, disqualified = false;
    double lowest = 0;
    for (Node bid : shared.submitted) {
      if (!bid->contains("value") || !(*bid)["value"].is_object()) continue;
      const Node& value = (*bid)["value"];
      // Without every submitted bid's amount, the lowest bid is unknown.
      if (!value.contains("amount") || !value["amount"].is_number() ||
          str(value, "currency").empty())
        return;
      if (!shared.currency_ok(str(value, "currency"))) continue;
      const double amount = value["amount"].get<double>();
      if (!have || amount < lowest) {
        have = true;
        lowest = amount;
        disqualified = str(*bid, "status") == "disqualified";
      }
    }
    if (disqualified) out.set("OCID", ocid, code(), 1.0);
  }
};
}  // namespace

std::unique_ptr<Indicator> make_r036(const FlagSettings& s) {
  return std::make_unique<R036>(s);
}

}  // namespace procura::integrity
