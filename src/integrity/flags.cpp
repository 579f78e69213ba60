#include "integrity/flags.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace procura::integrity {

std::string FlagSettings::get(const std::string& section, const std::string& key,
                              const std::string& fallback) const {
  auto s = sections.find(section);
  if (s == sections.end()) return fallback;
  auto k = s->second.find(key);
  return k == s->second.end() ? fallback : k->second;
}

std::set<std::string> FlagSettings::list(const std::string& section, const std::string& key) const {
  std::set<std::string> out;
  std::string v = get(section, key);
  std::size_t start = 0;
  while (start < v.size()) {
    auto end = v.find('|', start);
    if (end == std::string::npos) end = v.size();
    if (end > start) out.insert(v.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

double FlagSettings::number(const std::string& section, const std::string& key,
                            double fallback) const {
  std::string v = get(section, key);
  if (v.empty()) return fallback;
  return std::stod(v);
}

Json FlagResults::to_json(bool with_meta) const {
  Json out = Json::object();
  for (const auto& [group, ids] : groups) {
    Json g = Json::object();
    for (const auto& [id, codes] : ids)
      for (const auto& [code, value] : codes) g[id][code] = value;
    out[group] = std::move(g);
  }
  if (with_meta && !meta.empty()) {
    Json m = Json::object();
    for (const auto& [code, values] : meta)
      for (const auto& [k, v] : values) m[code][k] = std::round(v * 10'000.0) / 10'000.0;
    out["Meta"] = std::move(m);
  }
  return out;
}

std::string str(const Json& o, const char* key) {
  if (!o.is_object()) return "";
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<const Json*> submitted_bids(const Json& release) {
  std::vector<const Json*> out;
  auto bids = release.find("bids");
  if (bids == release.end() || !bids->is_object()) return out;
  auto details = bids->find("details");
  if (details == bids->end() || !details->is_array()) return out;
  for (const auto& bid : *details) {
    std::string status = str(bid, "status");
    if (!status.empty() && status != "invited" && status != "withdrawn") out.push_back(&bid);
  }
  return out;
}

bool complete_awards_and_bids(const Json& release, std::vector<const Json*>& awards,
                              const Json*& details) {
  awards.clear();
  auto a = release.find("awards");
  auto b = release.find("bids");
  if (a == release.end() || !a->is_array() || b == release.end() || !b->is_object()) return false;
  auto d = b->find("details");
  if (d == b->end() || !d->is_array()) return false;
  for (const auto& award : *a) {
    if (!award.is_object() || !award.contains("status") || !award["status"].is_string()) continue;
    const std::string s = award["status"].get<std::string>();
    if (s == "active")
      awards.push_back(&award);
    else if (s != "cancelled" && s != "unsuccessful")
      return false;  // pending, invalid
  }
  details = &*d;
  return true;
}

double quantile(std::vector<double> v, double tau) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double n = static_cast<double>(v.size());
  if (tau <= (2.0 / 3.0) / (n + 1.0 / 3.0)) return v.front();
  if (tau >= (n - 1.0 / 3.0) / (n + 1.0 / 3.0)) return v.back();
  const double h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0;
  const double f = std::floor(h);
  const auto i = static_cast<std::size_t>(f);
  return v[i - 1] + (h - f) * (v[i] - v[i - 1]);
}

Fence outlier_fence(const std::vector<double>& values, double threshold, FenceSide side,
                    std::map<std::string, double>& meta, const std::string& prefix) {
  const char* name = side == FenceSide::kLower ? "lower_fence" : "upper_fence";
  if (!std::isnan(threshold)) {
    meta[prefix + name] = threshold;
    return {threshold, 1.0};
  }
  if (values.empty()) return {std::nan(""), std::nan("")};
  const double q1 = quantile(values, 0.25), q3 = quantile(values, 0.75);
  const double fence = side == FenceSide::kLower ? q1 - 1.5 * (q3 - q1) : q3 + 1.5 * (q3 - q1);
  meta[prefix + "q1"] = q1;
  meta[prefix + "q3"] = q3;
  meta[prefix + name] = fence;
  return {fence, q1};
}

bool parse_datetime(const std::string& t, long long& seconds) {
  int y, mo, d, h, mi, s, consumed = 0;
  if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) !=
          6 ||
      consumed != 19)
    return false;
  std::size_t i = 19;
  if (i < t.size() && t[i] == '.')
    for (++i; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i) {
    }
  long offset = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i + 6 == t.size() && (t[i] == '+' || t[i] == '-') && t[i + 3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(t.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return false;
    offset = (t[i] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    i += 6;
  } else {
    return false;
  }
  if (i != t.size()) return false;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return false;
  seconds =
      sys_days{ymd}.time_since_epoch().count() * 86'400LL + h * 3600LL + mi * 60LL + s - offset;
  return true;
}

FlagRunner::FlagRunner(const FlagSettings& settings)
    : settings_(settings), indicators_(make_indicators(settings)) {
  exclude_details_ = settings_.list("exclusions", "procurement_method_details");
  no_price_comparison_ = settings_.list("", "no_price_comparison_procurement_methods");
  price_comparison_ = settings_.list("", "price_comparison_procurement_methods");
  shared_.currency = settings_.get("", "currency");
  ratios_ = settings_.enabled("R024") || settings_.enabled("R058");
}

namespace {

// Whether a process compares prices (for R024/R058): an allow list wins over a deny list.
bool compares_prices(const Json& release, const std::set<std::string>& allow,
                     const std::set<std::string>& deny) {
  const std::string details =
      release.contains("tender") ? str(release["tender"], "procurementMethodDetails") : "";
  if (!allow.empty()) return !details.empty() && allow.count(details);
  return details.empty() || !deny.count(details);
}

// The ratio between the winning bid and the lowest other valid bid, where the award is single,
// to a single supplier, and price-only (the winner's bid is the lowest).
void second_lowest_ratio(const Json& release, const std::string& ocid, SharedState& shared) {
  std::vector<const Json*> awards;
  const Json* details = nullptr;
  if (!complete_awards_and_bids(release, awards, details) || awards.size() != 1) return;
  const Json* suppliers = awards[0]->contains("suppliers") ? &(*awards[0])["suppliers"] : nullptr;
  if (!suppliers || !suppliers->is_array() || suppliers->size() != 1) return;
  const std::string supplier = str((*suppliers)[0], "id");
  if (supplier.empty()) return;
  bool have_winner = false, have_other = false;
  double winner = 0, other = 0;
  std::string other_id;
  for (const auto& bid : *details) {
    if (str(bid, "status") != "valid" || !bid.contains("value") || !bid.contains("tenderers"))
      continue;
    const Json& value = bid["value"];
    const Json& tenderers = bid["tenderers"];
    if (!value.is_object() || !value.contains("amount") || !value["amount"].is_number() ||
        str(value, "currency").empty())
      continue;
    if (!tenderers.is_array() || tenderers.size() != 1 || str(tenderers[0], "id").empty()) continue;
    if (!shared.currency_ok(str(value, "currency"))) continue;
    const double amount = value["amount"].get<double>();
    const std::string id = str(tenderers[0], "id");
    if (id == supplier) {
      if (!have_winner || amount < winner) winner = amount, have_winner = true;
    } else if (!have_other || amount < other) {
      other = amount, other_id = id, have_other = true;
    }
  }
  if (have_winner && have_other && other >= winner) {
    shared.second_lowest_ratio[ocid] = (other - winner) / winner;
    shared.winner_and_second[ocid] = {supplier, other_id};
  }
}

}  // namespace

void FlagRunner::add(const Json& release) {
  if (!release.is_object() || !release.contains("ocid") || !release["ocid"].is_string()) return;
  const std::string ocid = release["ocid"].get<std::string>();
  if (release.contains("tender")) {
    const Json& tender = release["tender"];
    if (str(tender, "status") == "cancelled") return;
    const std::string details = str(tender, "procurementMethodDetails");
    if (!details.empty() && exclude_details_.count(details)) return;
  }
  shared_.compares_prices = compares_prices(release, price_comparison_, no_price_comparison_);
  if (ratios_ && shared_.compares_prices) second_lowest_ratio(release, ocid, shared_);
  for (auto& ind : indicators_) ind->fold(release, ocid, shared_, results_);
}

FlagResults FlagRunner::finish() {
  for (auto& ind : indicators_) ind->finalize(shared_, results_);
  return std::move(results_);
}

}  // namespace procura::integrity
