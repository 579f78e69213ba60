// round.json: the round's identity, buyer, attribute names, rule profile and timeline.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.hpp"
#include "io/round_files.hpp"

namespace procura {

namespace {

std::string get_string(const nlohmann::json& j, const char* key, const std::string& src,
                       const std::string& prefix, bool required) {
  if (!j.contains(key)) {
    if (required) throw InputError(src, 0, prefix + key, "required field is missing");
    return "";
  }
  if (!j[key].is_string())
    throw InputError(src, 0, prefix + key, "expected a string, got " + j[key].dump());
  return j[key].get<std::string>();
}

void check_keys(const nlohmann::json& j, std::initializer_list<const char*> known,
                const std::string& src, const std::string& prefix) {
  for (const auto& [k, v] : j.items()) {
    bool ok = false;
    for (const char* n : known) ok = ok || k == n;
    if (!ok) throw InputError(src, 0, prefix + k, "unknown field");
  }
}

void check_timestamp(const std::string& v, const std::string& src, const std::string& field) {
  // YYYY-MM-DDTHH:MM:SSZ, compared as text, so the form must be exact.
  bool ok = v.size() == 20 && v[4] == '-' && v[7] == '-' && v[10] == 'T' && v[13] == ':' &&
            v[16] == ':' && v[19] == 'Z';
  if (!v.empty() && !ok)
    throw InputError(src, 0, field,
                     "expected a UTC time such as 2020-06-01T09:00:00Z, got '" + v + "'");
}

// An optional array of strings; empty when absent.
std::vector<std::string> string_array(const nlohmann::json& j, const char* key,
                                      const std::string& path) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) throw InputError(path, 0, key, "expected an array of strings");
  for (const auto& v : j[key]) {
    if (!v.is_string()) throw InputError(path, 0, key, "expected strings, got " + v.dump());
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

void read_round_rules(const std::string& path, RoundInput& round) {
  std::ifstream f(path);
  if (!f) throw InputError(path, 0, "", "cannot open the file");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    long line = 1 + static_cast<long>(std::count(
                        text.begin(),
                        text.begin() + static_cast<long>(std::min(e.byte, text.size())), '\n'));
    throw InputError(path, line, "", std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) throw InputError(path, 1, "", "expected a JSON object");
  check_keys(j,
             {"id", "title", "ocidPrefix", "currency", "buyer", "attributes", "profile", "timeline",
              "heldGroups"},
             path, "");
  round.id = get_string(j, "id", path, "", true);
  if (round.id.find_first_of(" /\\|") != std::string::npos)
    throw InputError(path, 0, "id", "expected an id without spaces, slashes or '|'");
  round.title = get_string(j, "title", path, "", false);
  if (j.contains("ocidPrefix")) round.ocid_prefix = get_string(j, "ocidPrefix", path, "", true);
  if (j.contains("currency")) round.currency = get_string(j, "currency", path, "", true);
  if (round.currency.size() != 3)
    throw InputError(path, 0, "currency", "expected an ISO 4217 code such as CNY");
  if (!j.contains("buyer") || !j["buyer"].is_object())
    throw InputError(path, 0, "buyer", "expected an object with id and name");
  check_keys(j["buyer"], {"id", "name"}, path, "buyer.");
  round.buyer_id = get_string(j["buyer"], "id", path, "buyer.", true);
  round.buyer_name = get_string(j["buyer"], "name", path, "buyer.", true);
  round.attribute_names = string_array(j, "attributes", path);
  round.held_groups = string_array(j, "heldGroups", path);
  if (!j.contains("profile")) throw InputError(path, 0, "profile", "required field is missing");
  if (j["profile"].is_string()) {
    try {
      round.profile = builtin_profile(j["profile"].get<std::string>());
    } catch (const RuleError& e) {
      throw InputError(path, 0, "profile", e.what());
    }
  } else {
    round.profile = profile_from_json(j["profile"], path);
  }
  if (!j.contains("timeline") || !j["timeline"].is_object())
    throw InputError(path, 0, "timeline", "expected an object");
  const auto& t = j["timeline"];
  check_keys(t, {"basePeriod", "bidDeadline", "bidOpening", "negotiationEnd", "contractStart"},
             path, "timeline.");
  round.timeline.base_period = get_string(t, "basePeriod", path, "timeline.", false);
  round.timeline.bid_deadline = get_string(t, "bidDeadline", path, "timeline.", true);
  round.timeline.bid_opening = get_string(t, "bidOpening", path, "timeline.", true);
  round.timeline.negotiation_end = get_string(t, "negotiationEnd", path, "timeline.", false);
  round.timeline.contract_start = get_string(t, "contractStart", path, "timeline.", true);
  check_timestamp(round.timeline.bid_deadline, path, "timeline.bidDeadline");
  check_timestamp(round.timeline.bid_opening, path, "timeline.bidOpening");
  check_timestamp(round.timeline.negotiation_end, path, "timeline.negotiationEnd");
  if (round.timeline.bid_opening < round.timeline.bid_deadline)
    throw InputError(path, 0, "timeline.bidOpening",
                     "the opening must not be before the bid deadline");
  const auto& cs = round.timeline.contract_start;
  if (cs.size() != 10 || cs[4] != '-' || cs[7] != '-')
    throw InputError(path, 0, "timeline.contractStart",
                     "expected a date such as 2020-09-01, got '" + cs + "'");
}

}  // namespace procura
