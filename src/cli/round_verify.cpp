#include "cli/round_verify.hpp"

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "award/engine.hpp"
#include "cli/input.hpp"
#include "core/error.hpp"
#include "core/money.hpp"
#include "io/json_diff.hpp"
#include "ocds/round_releases.hpp"
#include "platform/secrets.hpp"
#include "records/round_repository.hpp"
#include "report/report.hpp"
#include "tender/commitment.hpp"

namespace procura {

using json = nlohmann::json;

namespace {

struct Tally {
  std::size_t checked = 0, differences = 0, uncommitted = 0;
};

void differs(Tally& t, const std::string& item, const std::string& published,
             const std::string& recomputed) {
  ++t.differences;
  std::cout << "DIFFERS  " << item << ": published " << (published.empty() ? "-" : published)
            << ", recomputed " << (recomputed.empty() ? "-" : recomputed) << "\n";
}

// Every stored bid opens with the published key to its published product, price and nonce, and
// its commitment is the hash of the canonical text (a withdrawn bid: its box still opens).
void check_bids(const json& round, const json& bids, Tally& t) {
  const auto keys = opening_keys_from_secret(round.value("openingSecretKey", ""));
  if (!keys) {
    differs(t, "round.openingSecretKey", round.value("openingSecretKey", ""),
            "an X25519 secret key whose public key is the round's");
    return;
  }
  if (keys->public_hex != round.value("openingPublicKey", ""))
    differs(t, "round.openingPublicKey", round.value("openingPublicKey", ""), keys->public_hex);
  const std::string id = round.value("id", "");
  const bool imported_with_bids = round.value("importedWithBids", false);
  for (const auto& b : bids) {
    ++t.checked;
    const std::string at = "records.bid[" + b.value("id", "") + "]";
    auto text = unseal(*keys, b.value("sealed", ""));
    const json opened = text ? json::parse(*text, nullptr, false) : json();
    if (!opened.is_object()) {
      differs(t, at + ".sealed", "a sealed bid", "a box the published key does not open");
      continue;
    }
    const std::string price = opened.value("price", "");
    for (const auto& [field, value] : {std::pair{"productId", opened.value("productId", "")},
                                       {"nonce", opened.value("nonce", "")},
                                       {"submittedAt", opened.value("submittedAt", "")}})
      if (b.value(field, "") != value) differs(t, at + "." + field, b.value(field, ""), value);
    const auto p = parse_price(b.value("price", ""));
    if (!p || p != parse_price(price)) differs(t, at + ".price", b.value("price", ""), price);
    const Bid bid{opened.value("productId", ""), parse_price(price).value_or(0),
                  opened.value("submittedAt", ""), opened.value("nonce", ""), ""};
    const std::string commitment = bid_commitment(id, bid);
    if (b.value("commitment", "").empty() && imported_with_bids) {
      ++t.uncommitted;  // a past round imported with its bids: they were never committed to
      continue;
    }
    if (b.value("commitment", "") != commitment)
      differs(t, at + ".commitment", b.value("commitment", ""), commitment);
  }
}

// The bids as someone saved them after the deadline (their commitments, public from then) are
// the bids opened: none added, none dropped, no commitment changed since.
void check_deadline_bids(const json& saved, const json& opened, Tally& t) {
  std::map<std::string, std::string> now;
  for (const auto& b : opened) now[b.value("id", "")] = b.value("commitment", "");
  for (const auto& b : saved) {
    ++t.checked;
    const std::string id = b.value("id", "");
    auto it = now.find(id);
    if (it == now.end())
      differs(t, "records.bid[" + id + "]", b.value("commitment", ""), "");
    else if (it->second != b.value("commitment", ""))
      differs(t, "records.bid[" + id + "].commitment (saved at the deadline)",
              b.value("commitment", ""), it->second);
    if (it != now.end()) now.erase(it);
  }
  for (const auto& [id, commitment] : now)
    differs(t, "records.bid[" + id + "] (not among the bids saved at the deadline)", "",
            commitment);
}

void compare(const json& published, const json& recomputed, const std::string& what,
             std::size_t most, Tally& t) {
  std::size_t total = 0;
  for (const auto& d : json_differences(published, recomputed, what, most, total))
    differs(t, d.path, d.published, d.recomputed);
  if (total > most) {
    std::cout << "         ... and " << (total - most) << " more differences in " << what << "\n";
    t.differences += total - most;
  }
  ++t.checked;
}

}  // namespace

int verify_round(const std::string& path, std::size_t most_shown,
                 const std::string& deadline_bids_path) {
  json deadline_bids;
  if (!deadline_bids_path.empty()) {
    Input saved(deadline_bids_path);
    deadline_bids = json::parse(saved.stream(), nullptr, false);
    if (deadline_bids.is_object() && deadline_bids.contains("items"))
      deadline_bids = deadline_bids["items"];
    if (!deadline_bids.is_array())
      throw InputError(saved.name(), 0, "",
                       "expected the round's bids as saved after the deadline (GET "
                       "/api/rounds/{id}/bids)");
  }
  Input in(path);
  const json data = json::parse(in.stream(), nullptr, false);
  if (data.is_discarded() || !data.is_object() || !data.contains("round") ||
      !data.contains("records"))
    throw InputError(in.name(), 0, "",
                     "expected a round's open data (GET /api/rounds/{id}/open-data)");
  const json& round = data["round"];
  if (round.value("status", "") != "awarded" || !data.contains("results"))
    throw InputError(in.name(), 0, "round.status",
                     "the round is not awarded: there are no results to recompute yet");
  for (const char* part : {"allocations", "releasePackage"})
    if (!data.contains(part))
      throw InputError(in.name(), 0, part,
                       std::string("the open data of an awarded round has its ") + part);
  if (!data.value("withheld", json::array()).empty())
    throw InputError(in.name(), 0, "withheld",
                     "the open data withholds " + data["withheld"].dump() +
                         ": download it again once they are disclosed");
  const json& records = data["records"];
  RoundInput input;
  try {
    input = round_input_of(round, [&](const std::string& kind) {
      std::vector<json> rows;
      for (const auto& r : records.value(kind, json::array())) rows.push_back(r);
      return rows;
    });
  } catch (const InputError& e) {
    throw InputError(in.name(), 0, "round." + e.field, e.detail);
  }
  input.held_groups = round.value("heldGroups", std::vector<std::string>{});
  // Where the package is published is not computed: it is taken as published.
  if (data.contains("releasePackage") && data["releasePackage"].is_object() &&
      data["releasePackage"].contains("uri") && data["releasePackage"]["uri"].is_string())
    input.publication.package_uri = data["releasePackage"]["uri"].get<std::string>();
  Tally t;
  check_bids(round, records.value("bid", json::array()), t);
  if (!deadline_bids.empty())
    check_deadline_bids(deadline_bids, records.value("bid", json::array()), t);
  const RoundResult result = run_round(input);
  compare(data["results"], result_json(input, result), "results", most_shown, t);
  compare(data["allocations"], allocations_json(input, result), "allocations", most_shown, t);
  std::ostringstream package, lines;
  write_round_ocds(input, result, package, lines);
  compare(data["releasePackage"], json::parse(package.str()), "releasePackage", most_shown, t);
  std::cout << "round " << input.id << ": " << records.value("bid", json::array()).size()
            << " bids opened and checked, steps 0-7 rerun on " << input.products.size()
            << " products, " << input.demand.size() << " demand lines; "
            << (t.uncommitted ? std::to_string(t.uncommitted) +
                                    " bids imported without commitments (a past round); "
                              : std::string())
            << (t.differences ? std::to_string(t.differences) + " difference(s)"
                              : std::string("every published item recomputed"))
            << "\n";
  return t.differences ? 1 : 0;
}

}  // namespace procura
