// round.json: the round's identity, buyer, attribute names, rule profile and timeline.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "io/round_files.hpp"
#include "records/codec.hpp"
#include "tender/phase.hpp"

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
  // YYYY-MM-DDTHH:MM:SSZ on the calendar, compared as text, so the form must be exact.
  if (!v.empty() && !parse_utc(v))
    throw InputError(src, 0, field,
                     "expected a UTC time such as 2020-06-01T09:00:00Z, got '" + v + "'");
}

// Text of at most `max` bytes, valid UTF-8 without control characters.
void check_text(const std::string& v, std::size_t max, const std::string& src,
                const std::string& field) {
  if (v.size() > max || !is_clean_text(v, false))
    throw InputError(src, 0, field,
                     "expected one line of text of at most " + std::to_string(max) + " bytes");
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
  } catch (const nlohmann::json::exception& e) {  // a number too large for a double, say
    throw InputError(path, 0, "", std::string("unreadable JSON: ") + e.what());
  }
  if (!j.is_object()) throw InputError(path, 1, "", "expected a JSON object");
  rules_from_json(j, path, round);
}

void rules_from_json(const nlohmann::json& j, const std::string& path, RoundInput& round) {
  if (!j.is_object()) throw InputError(path, 0, "", "expected a JSON object");
  check_keys(j,
             {"id", "title", "ocidPrefix", "currency", "buyer", "attributes", "profile", "timeline",
              "heldGroups"},
             path, "");
  round.id = get_string(j, "id", path, "", true);
  if (!is_id(round.id))
    throw InputError(path, 0, "id",
                     "expected an id: 1 to 64 letters, digits, '.', '_' or '-', starting with a "
                     "letter or digit");
  round.title = get_string(j, "title", path, "", false);
  check_text(round.title, 300, path, "title");
  if (j.contains("ocidPrefix")) round.ocid_prefix = get_string(j, "ocidPrefix", path, "", true);
  if (!is_id(round.ocid_prefix) || round.ocid_prefix.size() > 40)
    throw InputError(path, 0, "ocidPrefix", "expected a prefix such as ocds-procura");
  if (j.contains("currency")) round.currency = get_string(j, "currency", path, "", true);
  if (round.currency.size() != 3 ||
      round.currency.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
    throw InputError(path, 0, "currency", "expected an ISO 4217 code such as CNY");
  if (!j.contains("buyer") || !j["buyer"].is_object())
    throw InputError(path, 0, "buyer", "expected an object with id and name");
  check_keys(j["buyer"], {"id", "name", "identifier"}, path, "buyer.");
  round.buyer_id = get_string(j["buyer"], "id", path, "buyer.", true);
  if (!is_id(round.buyer_id)) throw InputError(path, 0, "buyer.id", "expected an id");
  round.buyer_name = get_string(j["buyer"], "name", path, "buyer.", true);
  check_text(round.buyer_name, 200, path, "buyer.name");
  if (j["buyer"].contains("identifier")) {
    const auto& i = j["buyer"]["identifier"];
    if (!i.is_object())
      throw InputError(path, 0, "buyer.identifier", "expected an object with scheme and id");
    check_keys(i, {"scheme", "id"}, path, "buyer.identifier.");
    round.buyer_identifier = {get_string(i, "scheme", path, "buyer.identifier.", true),
                              get_string(i, "id", path, "buyer.identifier.", true)};
    if (auto [part, expected] = identifier_problem(round.buyer_identifier); !part.empty())
      throw InputError(path, 0, "buyer.identifier." + part, "expected " + expected);
  }
  round.attribute_names = string_array(j, "attributes", path);
  if (round.attribute_names.size() > 20)
    throw InputError(path, 0, "attributes", "expected at most 20 attribute names");
  for (const auto& a : round.attribute_names) check_text(a, 100, path, "attributes");
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
  if (round.timeline.bid_deadline.empty())
    throw InputError(path, 0, "timeline.bidDeadline",
                     "expected a UTC time such as 2020-06-01T09:00:00Z");
  if (round.timeline.bid_opening.empty())
    throw InputError(path, 0, "timeline.bidOpening",
                     "expected a UTC time such as 2020-06-01T09:00:00Z");
  check_timestamp(round.timeline.bid_deadline, path, "timeline.bidDeadline");
  check_timestamp(round.timeline.bid_opening, path, "timeline.bidOpening");
  check_timestamp(round.timeline.negotiation_end, path, "timeline.negotiationEnd");
  const auto& cs = round.timeline.contract_start;
  if (!parse_date(cs))
    throw InputError(path, 0, "timeline.contractStart",
                     "expected a date such as 2020-09-01, got '" + cs + "'");
  if (auto problem = timeline_problem(round.timeline))
    throw InputError(path, 0, problem->field, problem->message);
}

}  // namespace procura
