#include "records/round_repository.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "award/engine.hpp"
#include "core/error.hpp"
#include "core/money.hpp"
#include "io/round_files.hpp"

namespace procura {

using json = nlohmann::json;

namespace {

constexpr long kAll = 1L << 40;

std::string text(const json& row, const char* field) {
  return Codec::text_of(row, field);
}

bool flag(const json& row, const char* field, bool fallback) {
  auto it = row.find(field);
  return it != row.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

Units count(const json& row, const char* field) {
  auto it = row.find(field);
  return it != row.end() && it->is_number_integer() ? it->get<Units>() : 0;
}

Price money(const json& row, const char* field) {
  return parse_price(text(row, field)).value_or(0);
}

std::vector<std::string> list(const json& row, const char* field) {
  std::vector<std::string> out;
  auto it = row.find(field);
  if (it == row.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::vector<std::string> sorted_set(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

RoundInput round_input_of(const json& round_doc, const RecordRows& rows) {
  RoundInput in = RoundRepository::rules_of(round_doc);
  for (const auto& r : rows("region")) in.regions.push_back({text(r, "regionId"), text(r, "name")});
  for (const auto& r : rows("institution"))
    in.institutions.push_back({text(r, "institutionId"),
                               text(r, "name"),
                               text(r, "regionId"),
                               {text(r, "identifierScheme"), text(r, "identifierId")}});
  for (const auto& r : rows("enterprise")) {
    Enterprise e;
    e.id = text(r, "enterpriseId");
    e.name = text(r, "name");
    e.supply_capacity_ok = flag(r, "supplyCapacityOk", true);
    e.credit_ok = flag(r, "creditOk", true);
    e.licence = text(r, "licence").empty() ? 'A' : text(r, "licence")[0];
    e.consortium_id = text(r, "consortiumId");
    e.manufacturer_id = text(r, "manufacturerId");
    e.identifier = {text(r, "identifierScheme"), text(r, "identifierId")};
    in.enterprises.push_back(std::move(e));
  }
  for (const auto& r : rows("product")) {
    Product p;
    p.id = text(r, "productId");
    p.enterprise_id = text(r, "enterpriseId");
    p.name = text(r, "name");
    p.category = text(r, "category");
    p.registration_id = text(r, "registrationId");
    p.registration_valid_until = text(r, "registrationValidUntil");
    p.gqce = flag(r, "gqce", false);
    p.originator = flag(r, "originator", false);
    p.under_negotiation = flag(r, "underNegotiation", false);
    p.basic = list(r, "basic");
    p.additional = sorted_set(list(r, "additional"));
    if (!text(r, "unit").empty()) p.unit = text(r, "unit");
    p.strength_milli = money(r, "strength") / 10;
    p.classification_scheme = text(r, "classificationScheme");
    p.classification_id = text(r, "classificationId");
    in.products.push_back(std::move(p));
  }
  for (const auto& r : rows("history-line"))
    in.history.push_back(
        {text(r, "productId"), text(r, "regionId"), money(r, "price"), count(r, "quantity")});
  for (const auto& r : rows("demand-line"))
    in.demand.push_back({text(r, "institutionId"), text(r, "productId"), count(r, "quantity"),
                         flag(r, "byBrand", false)});
  for (const auto& r : rows("ceiling"))
    in.ceilings.push_back({text(r, "productId"), money(r, "maxPrice")});
  for (const auto& r : rows("access-price"))
    in.access_prices.push_back({text(r, "productId"), money(r, "accessPrice"), text(r, "panel")});
  for (const auto& r : rows("offer"))
    in.offers.push_back(
        {text(r, "productId"),
         static_cast<int>(count(r, r.contains("negotiationRound") ? "negotiationRound" : "round")),
         money(r, "price")});
  // Bids enter once opened: each with its price, time, nonce and published commitment; a
  // withdrawn bid as a withdrawal (price 0), which is not checked against the commitment of the
  // price it withdrew.
  for (const auto& b : rows("bid")) {
    if (!b.contains("productId")) continue;  // still sealed
    const bool withdrawn = b.value("status", "") == "withdrawn";
    in.bids.push_back({text(b, "productId"), withdrawn ? 0 : money(b, "price"),
                       text(b, "submittedAt"), text(b, "nonce"),
                       withdrawn ? "" : text(b, "commitment")});
  }
  return in;
}

namespace {

RoundInput assemble(PlatformStore& store, const std::string& round_id) {
  auto doc = store.latest("round", round_id);
  if (!doc) throw RuleError("no round '" + round_id + "'");
  return round_input_of(json::parse(doc->data), [&](const std::string& kind) {
    std::vector<json> out;
    for (const auto& r : store.list(kind, round_id, 0, kAll)) out.push_back(json::parse(r.data));
    return out;
  });
}

}  // namespace

RoundInput RoundRepository::rules_of(const json& doc) {
  json fields = json::object();
  for (const char* k :
       {"id", "title", "ocidPrefix", "currency", "buyer", "attributes", "profile", "timeline"})
    if (doc.contains(k)) fields[k] = doc[k];
  RoundInput in;
  rules_from_json(fields, "round " + doc.value("id", std::string()), in);
  in.publication = {doc.value("publishedAt", ""), doc.value("openedAt", ""),
                    doc.value("completedAt", doc.value("awardedAt", "")),
                    /*package_uri=*/""};  // the award sets where its package is published
  return in;
}

template <class T, class F>
std::shared_ptr<const T> RoundRepository::timed(const std::string& what,
                                                const std::string& round_id, long version,
                                                F&& make) {
  const auto start = std::chrono::steady_clock::now();
  auto made = std::make_shared<const T>(make());
  if (log_) {
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", took.count());
    log_("round " + round_id + " version " + std::to_string(version) + ": " + what + " in " + ms +
         " ms");
  }
  return made;
}

RoundRepository::Kept& RoundRepository::kept(const std::string& round_id, long version) {
  auto& k = rounds_[round_id];
  if (k.version != version) k = Kept{version, {}, {}, {}, 0};
  k.used = ++uses_;
  if (rounds_.size() > kRoundsKept) {
    auto oldest = std::min_element(
        rounds_.begin(), rounds_.end(),
        [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    if (oldest->first != round_id) rounds_.erase(oldest);
  }
  return rounds_[round_id];
}

std::shared_ptr<const RoundInput> RoundRepository::input(const std::string& round_id) {
  return input_at(round_id, store_.context_version(round_id));
}

// The input kept for `version`; assembled from reads made after `version` was read, so it is
// never older than the version it is kept under.
std::shared_ptr<const RoundInput> RoundRepository::input_at(const std::string& round_id,
                                                            long version) {
  {
    std::lock_guard lock(mutex_);
    if (auto& k = kept(round_id, version); k.input) return k.input;
  }
  std::lock_guard computing(compute_);
  {
    std::lock_guard lock(mutex_);
    if (auto& k = kept(round_id, version); k.input) return k.input;
  }
  auto made = timed<RoundInput>("the input was assembled", round_id, version,
                                [&] { return assemble(store_, round_id); });
  std::lock_guard lock(mutex_);
  auto& k = kept(round_id, version);
  if (!k.input) k.input = made;
  return k.input;
}

std::shared_ptr<const RoundResult> RoundRepository::groups(const std::string& round_id) {
  const long version = store_.context_version(round_id);
  auto in = input_at(round_id, version);
  {
    std::lock_guard lock(mutex_);
    if (auto& k = kept(round_id, version); k.groups) return k.groups;
  }
  auto made = timed<RoundResult>("the groups were formed", round_id, version,
                                 [&] { return group_round(*in); });
  std::lock_guard lock(mutex_);
  auto& k = kept(round_id, version);
  if (!k.groups) k.groups = made;
  return k.groups;
}

std::shared_ptr<const RoundResult> RoundRepository::evaluation(
    const std::string& round_id, const std::vector<std::string>& held) {
  const long version = store_.context_version(round_id);
  auto in = input_at(round_id, version);
  {
    std::lock_guard lock(mutex_);
    auto& k = kept(round_id, version);
    if (auto it = k.evaluations.find(held); it != k.evaluations.end()) return it->second;
  }
  std::lock_guard computing(compute_);
  {
    std::lock_guard lock(mutex_);
    auto& k = kept(round_id, version);
    if (auto it = k.evaluations.find(held); it != k.evaluations.end()) return it->second;
  }
  RoundInput with_holds = *in;
  with_holds.held_groups = held;
  auto made = timed<RoundResult>("the engine ran", round_id, version,
                                 [&] { return run_round(with_holds); });
  std::lock_guard lock(mutex_);
  auto& k = kept(round_id, version);
  return k.evaluations.emplace(held, made).first->second;
}

std::shared_ptr<const std::unordered_set<std::string>> RoundRepository::keys(
    const RecordKind& kind, const std::string& round_id) {
  const long version = store_.last_seq(kind.name, round_id);
  const std::string key = kind.name + "|" + round_id;
  {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(key);
    if (it != keys_.end() && it->second.version == version) return it->second.keys;
  }
  auto made = std::make_shared<std::unordered_set<std::string>>();
  for (const auto& r : store_.list(kind.name, round_id, 0, kAll))
    made->insert(kind.codec->key_of(json::parse(r.data)));
  std::lock_guard lock(mutex_);
  if (keys_.size() > 64) keys_.clear();
  keys_[key] = {version, made};
  return made;
}

}  // namespace procura
