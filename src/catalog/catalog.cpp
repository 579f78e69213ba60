#include "catalog/catalog.hpp"

#include <algorithm>

namespace procura {

std::pair<std::string, std::string> identifier_problem(const PartyIdentifier& i) {
  if (i.empty()) return {};
  if (i.scheme.empty()) return {"scheme", "the register of the identifier, e.g. CN-USCC"};
  if (i.id.empty()) return {"id", "the number in the register " + i.scheme};
  auto capital_or_digit = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  const std::string& s = i.scheme;
  const bool scheme_ok = s.size() >= 5 && s.size() <= 23 && s[0] >= 'A' && s[0] <= 'Z' &&
                         s[1] >= 'A' && s[1] <= 'Z' && s[2] == '-' &&
                         std::all_of(s.begin() + 3, s.end(), capital_or_digit);
  if (!scheme_ok)
    return {"scheme",
            "an org-id.guide register code: two capital letters, a hyphen and 2 to 20 "
            "capital letters or digits (CN-USCC)"};
  const bool id_ok = i.id.size() <= 64 && std::all_of(i.id.begin(), i.id.end(), [](char c) {
                       return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
                              c == '/';
                     });
  if (!id_ok) return {"id", "1 to 64 letters, digits, '.', '-', '_' or '/'"};
  return {};
}

const std::string& Enterprise::competitor_key() const {
  if (!consortium_id.empty()) return consortium_id;
  if (!manufacturer_id.empty()) return manufacturer_id;
  return id;
}

std::string family_key(const Product& p) {
  std::string k = p.category;
  for (const auto& b : p.basic) k += "|" + b;
  return k;
}

std::string group_key(const std::string& category, const std::vector<std::string>& basic,
                      const std::vector<std::string>& additional) {
  std::string k = category;
  for (const auto& b : basic) k += "|" + b;
  k += "|{";
  for (std::size_t i = 0; i < additional.size(); ++i) k += (i ? "+" : "") + additional[i];
  return k + "}";
}

std::string group_key(const Product& p) {
  return group_key(p.category, p.basic, p.additional);
}

bool strictly_contains(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() > b.size() && std::includes(a.begin(), a.end(), b.begin(), b.end());
}

std::optional<Wide> median_price_ratio(std::vector<Price> prices, Price reference) {
  if (prices.empty() || reference <= 0) return std::nullopt;
  std::sort(prices.begin(), prices.end());
  const std::size_t n = prices.size();
  const Wide twice_median =
      n % 2 ? Wide(prices[n / 2]) * 2 : Wide(prices[n / 2 - 1]) + prices[n / 2];
  return round_half_up(twice_median * 100, Wide(reference) * 2);
}

}  // namespace procura
