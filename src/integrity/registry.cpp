// The one list of red-flag indicators. Adding an indicator: a file in indicators/ and a line here.
#include "integrity/indicators/indicators.hpp"

namespace procura::integrity {

std::vector<std::unique_ptr<Indicator>> make_indicators(const FlagSettings& settings) {
  using Factory = std::unique_ptr<Indicator> (*)(const FlagSettings&);
  static const std::pair<const char*, Factory> kIndicators[] = {
      {"R003", make_r003}, {"R018", make_r018}, {"R024", make_r024}, {"R025", make_r025},
      {"R028", make_r028}, {"R030", make_r030}, {"R035", make_r035}, {"R036", make_r036},
      {"R038", make_r038}, {"R048", make_r048}, {"R058", make_r058}, {"P001", make_p001},
      {"P002", make_p002}, {"P003", make_p003}, {"P004", make_p004}};
  std::vector<std::unique_ptr<Indicator>> out;
  for (const auto& [code, make] : kIndicators)
    if (settings.enabled(code)) out.push_back(make(settings));
  return out;
}

}  // namespace procura::integrity
