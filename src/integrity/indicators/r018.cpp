// R018 Single bid received: one tenderer in a competitive procedure (open or selective).
#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {
namespace {
class R018 : public Indicator {
 public:
  explicit R018(const FlagSettings& s) : methods_(s.list("R018", "procurement_methods")) {
    if (methods_.empty()) methods_ = {"open", "selective"};
  }
  const char* code() const override { return "R018"; }
  void fold(const Node& release, const std::string& ocid, SharedState&, FlagResults& out) override {
    if (!release.contains("tender") || !release["tender"].is_object()) return;
    const Node& tender = release["tender"];
    const Node n = tender["numberOfTenderers"];
    if (!n.is_number_integer() || n.get<long>() != 1) return;
    if (methods_.count(str(tender, "procurementMethod"))) out.set("OCID", ocid, code(), 1.0);
  }

 private:
  std::set<std::string> methods_;
};
}  // namespace

std::unique_ptr<Indicator> make_r018(const FlagSettings& s) {
  return std::make_unique<R018>(s);
}

}  // namespace procura::integrity
