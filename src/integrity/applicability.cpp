#include "integrity/applicability.hpp"

#include <functional>
#include <map>

namespace procura::integrity {

namespace {

using Json = nlohmann::json;

const Json& at(const Json& j, std::initializer_list<const char*> path) {
  static const Json kNull;
  const Json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return kNull;
    cur = &(*cur)[k];
  }
  return *cur;
}

long bids_with(const Json& r, const std::function<bool(const Json&)>& ok) {
  long n = 0;
  for (const auto& b : at(r, {"bids", "details"}))
    if (b.is_object() && ok(b)) ++n;
  return n;
}

bool has_awards(const Json& r) {
  const Json& a = at(r, {"awards"});
  return a.is_array() && !a.empty();
}

bool awarded_items_priced(const Json& r) {
  for (const auto& a : at(r, {"awards"}))
    for (const auto& item : at(a, {"items"}))
      if (at(item, {"unit", "value", "amount"}).is_number() &&
          at(item, {"classification", "id"}).is_string())
        return true;
  return false;
}

bool valid_bid(const Json& b) {
  return b.value("status", "") == "valid" && at(b, {"value", "amount"}).is_number();
}

const std::map<std::string, std::function<bool(const Json&)>>& rules() {
  static const std::map<std::string, std::function<bool(const Json&)>> kRules = {
      {"R003",
       [](const Json& r) {
         return at(r, {"tender", "tenderPeriod", "startDate"}).is_string() &&
                at(r, {"tender", "tenderPeriod", "endDate"}).is_string();
       }},
      {"R018",
       [](const Json& r) {
         return at(r, {"tender", "numberOfTenderers"}).is_number() &&
                at(r, {"tender", "procurementMethod"}).is_string();
       }},
      {"R024", [](const Json& r) { return has_awards(r) && bids_with(r, valid_bid) >= 2; }},
      {"R058", [](const Json& r) { return has_awards(r) && bids_with(r, valid_bid) >= 2; }},
      {"R025", [](const Json& r) { return has_awards(r) && bids_with(r, valid_bid) >= 1; }},
      {"R028", [](const Json& r) { return bids_with(r, valid_bid) >= 2; }},
      {"R030",
       [](const Json& r) {
         return has_awards(r) && at(r, {"tender", "tenderPeriod", "endDate"}).is_string() &&
                bids_with(r, [](const Json& b) { return b.contains("date"); }) >= 1;
       }},
      {"R035", [](const Json& r) { return has_awards(r) && bids_with(r, valid_bid) >= 1; }},
      {"R036", [](const Json& r) { return has_awards(r) && bids_with(r, valid_bid) >= 1; }},
      {"R038",
       [](const Json& r) {
         return bids_with(r, [](const Json& b) { return b.contains("status"); }) >= 1;
       }},
      {"R048", awarded_items_priced},
      {"P001", awarded_items_priced},
      {"P002", awarded_items_priced},
      {"P003",
       [](const Json& r) {
         return bids_with(r, [](const Json& b) { return b.contains("tenderers"); }) >= 1;
       }},
      {"P004", awarded_items_priced},
  };
  return kRules;
}

}  // namespace

bool computable(const std::string& code, const nlohmann::json& compiled) {
  auto it = rules().find(code);
  return it != rules().end() && it->second(compiled);
}

}  // namespace procura::integrity
