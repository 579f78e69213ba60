#include "catalog/catalog.hpp"

#include <algorithm>

namespace procura {

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

}  // namespace procura
