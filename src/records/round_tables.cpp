#include "records/round_tables.hpp"

#include <map>

#include "core/money.hpp"

namespace procura {

using json = nlohmann::json;

namespace {

[[noreturn]] void row_fail(std::size_t row, const std::string& field, const std::string& message) {
  throw RowError(row, field, message);
}

bool too_precise(const json& row, const char* field, int decimals) {
  return !parse_price(Codec::text_of(row, field), decimals);
}

}  // namespace

std::vector<CheckedRow> check_rows(const RecordKind& kind, const std::vector<json>& rows,
                                   const RoundInput& rules, RoundRepository& repository,
                                   const std::string& round_id) {
  std::vector<CheckedRow> out;
  std::map<std::string, std::size_t> seen;
  std::map<std::string, std::shared_ptr<const std::unordered_set<std::string>>> known;
  auto known_keys = [&](const std::string& kind_name) {
    auto& k = known[kind_name];
    if (!k) k = repository.keys(*record_kind(kind_name), round_id);
    return k;
  };
  const int decimals = rules.profile.price_decimals;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    json row;
    try {
      row = kind.codec->decode(rows[i]);
    } catch (const FieldError& e) {
      row_fail(i, e.field, e.what());
    }
    const std::string key = kind.codec->key_of(row);
    if (auto [it, fresh] = seen.emplace(key, i); !fresh)
      row_fail(
          i, kind.codec->key().front(),
          "the same " + kind.name + " as row " + std::to_string(it->second) + " (" + key + ")");
    for (const auto& f : kind.codec->fields()) {
      if (f.refers.empty() || !row.contains(f.name)) continue;
      const std::string value = row[f.name].get<std::string>();
      if (!known_keys(f.refers)->count(value))
        row_fail(i, f.name,
                 "'" + f.name + "' names no " + f.refers + " of round " + round_id + ": '" + value +
                     "'");
    }
    if (kind.codec->field("identifierScheme")) {
      const PartyIdentifier identifier{Codec::text_of(row, "identifierScheme"),
                                       Codec::text_of(row, "identifierId")};
      for (const char* f : {"identifierScheme", "identifierId"})  // "" is no identifier
        if (row.contains(f) && Codec::text_of(row, f).empty()) row.erase(f);
      if (auto [part, expected] = identifier_problem(identifier); !part.empty()) {
        const std::string field = part == "scheme" ? "identifierScheme" : "identifierId";
        row_fail(i, field, "'" + field + "': expected " + expected);
      }
    }
    const std::size_t attributes = rules.attribute_names.size();
    if (kind.name == "product" && attributes > 0 &&
        row.value("basic", json::array()).size() != attributes)
      row_fail(i, "basic",
               "'basic' must hold " + std::to_string(attributes) +
                   " values, one per attribute of the round");
    if (kind.name == "ceiling" && too_precise(row, "maxPrice", decimals))
      row_fail(i, "maxPrice",
               "'maxPrice' has more than the profile's " + std::to_string(decimals) + " decimals");
    if (kind.name == "offer") {
      if (too_precise(row, "price", decimals))
        row_fail(i, "price",
                 "'price' has more than the profile's " + std::to_string(decimals) + " decimals");
      if (row["negotiationRound"].get<long long>() > rules.profile.negotiation_rounds)
        row_fail(i, "negotiationRound",
                 "'negotiationRound' must be a negotiation round from 1 to " +
                     std::to_string(rules.profile.negotiation_rounds));
    }
    out.push_back({key, std::move(row)});
  }
  return out;
}

}  // namespace procura
