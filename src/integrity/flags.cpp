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

void FlagResults::merge(FlagResults&& other) {
  for (auto& [group, ids] : other.groups)
    for (auto& [id, codes] : ids) groups[group][id].merge(codes);
  for (auto& [code, values] : other.meta) meta[code].merge(values);
  for (auto& [code, parts] : other.sets) sets[code].merge(parts);
}

std::string str(const Node& o, const char* key) {
  return o[key].get<std::string>();
}

std::vector<Node> submitted_bids(const Node& release) {
  std::vector<Node> out;
  for (const Node bid : release["bids"]["details"]) {
    std::string status = str(bid, "status");
    if (!status.empty() && status != "invited" && status != "withdrawn") out.push_back(bid);
  }
  return out;
}

bool complete_awards_and_bids(const Node& release, std::vector<Node>& awards, Node& details) {
  awards.clear();
  const Node a = release["awards"], d = release["bids"]["details"];
  if (!a.is_array() || !d.is_array()) return false;
  for (const Node award : a) {
    if (!award["status"].is_string()) continue;
    const std::string s = str(award, "status");
    if (s == "active")
      awards.push_back(award);
    else if (s != "cancelled" && s != "unsuccessful")
      return false;  // pending, invalid
  }
  details = d;
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

Fence outlier_fence(const std::vector<double>& values, double threshold, FenceSide side,
                    const SharedState& shared, FlagResults& out, const char* code,
                    const std::string& part) {
  const bool fixed = !std::isnan(threshold);
  const long size = static_cast<long>(values.size());
  out.sets[code][part] = {size, fixed ? 0 : shared.minimum_set};
  if (!fixed && size < shared.minimum_set) return {std::nan(""), std::nan("")};
  return outlier_fence(values, threshold, side, out.meta[code], part.empty() ? "" : part + "_");
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

FlagRunner::FlagRunner(const FlagSettings& settings, unsigned part, unsigned parts)
    : settings_(settings) {
  auto all = make_indicators(settings);
  for (std::size_t i = part; i < all.size(); i += parts) indicators_.push_back(std::move(all[i]));
  exclude_details_ = settings_.list("exclusions", "procurement_method_details");
  no_price_comparison_ = settings_.list("", "no_price_comparison_procurement_methods");
  price_comparison_ = settings_.list("", "price_comparison_procurement_methods");
  shared_.currency = settings_.get("", "currency");
  shared_.minimum_set = static_cast<long>(settings_.number("", "minimum_comparison_set", 0));
  for (const auto& ind : indicators_)
    ratios_ = ratios_ || ind->code() == std::string("R024") || ind->code() == std::string("R058");
  for (const char* code : {"R024", "R058", "R036", "P001", "P002", "P004"})
    currencies_ = currencies_ || settings_.enabled(code);
}

namespace {

// Whether a process compares prices (for R024/R058): an allow list wins over a deny list.
bool compares_prices(const Node& release, const std::set<std::string>& allow,
                     const std::set<std::string>& deny) {
  const std::string details =
      release.contains("tender") ? str(release["tender"], "procurementMethodDetails") : "";
  if (!allow.empty()) return !details.empty() && allow.count(details);
  return details.empty() || !deny.count(details);
}

// The ratio between the winning bid and the lowest other valid bid, where the award is single,
// to a single supplier, and price-only (the winner's bid is the lowest).
void second_lowest_ratio(const std::string& ocid, SharedState& shared) {
  const std::vector<Node>& awards = shared.active_awards;
  const Node details = shared.bid_details;
  if (!shared.complete || awards.size() != 1) return;
  const Node suppliers = awards[0]["suppliers"];
  if (!suppliers.is_array() || suppliers.size() != 1) return;
  const std::string supplier = str(suppliers[std::size_t{0}], "id");
  if (supplier.empty()) return;
  bool have_winner = false, have_other = false;
  double winner = 0, other = 0;
  std::string other_id;
  for (const Node bid : details) {
    if (str(bid, "status") != "valid" || !bid.contains("value") || !bid.contains("tenderers"))
      continue;
    const Node value = bid["value"];
    const Node tenderers = bid["tenderers"];
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

// The first currency of a release's bid values, award values, then awarded items' unit values.
std::string first_currency(const Node& release) {
  for (const Node bid : release["bids"]["details"])
    if (auto c = bid["value"]["currency"].string_view(); !c.empty()) return std::string(c);
  for (const Node award : release["awards"])
    if (auto c = award["value"]["currency"].string_view(); !c.empty()) return std::string(c);
  for (const Node award : release["awards"])
    for (const Node item : award["items"])
      if (auto c = item["unit"]["value"]["currency"].string_view(); !c.empty())
        return std::string(c);
  return "";
}

}  // namespace

void FlagRunner::add(const Json& release) {
  add(Node(parser_.parse(release.dump()).value()));
}

void FlagRunner::add(const Node& release) {
  if (!release["ocid"].is_string()) return;
  const std::string ocid = release["ocid"].get<std::string>();
  if (release.contains("tender")) {
    const Node tender = release["tender"];
    if (str(tender, "status") == "cancelled") return;
    const std::string details = str(tender, "procurementMethodDetails");
    if (!details.empty() && exclude_details_.count(details)) return;
  }
  if (currencies_ && shared_.currency.empty()) shared_.currency = first_currency(release);
  shared_.submitted = submitted_bids(release);
  shared_.complete = complete_awards_and_bids(release, shared_.active_awards, shared_.bid_details);
  shared_.compares_prices = compares_prices(release, price_comparison_, no_price_comparison_);
  if (ratios_ && shared_.compares_prices) second_lowest_ratio(ocid, shared_);
  for (auto& ind : indicators_) ind->fold(release, ocid, shared_, results_);
}

FlagResults FlagRunner::finish() {
  for (auto& ind : indicators_) ind->finalize(shared_, results_);
  return std::move(results_);
}

}  // namespace procura::integrity
