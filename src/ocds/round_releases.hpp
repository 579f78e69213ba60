#pragma once
// The whole round as OCDS 1.1 data: one release per stage (planning with aggregated demand,
// tender with lots = groups and sealed-bid commitments, awards with opened bids, contracts with
// agreed volumes), using the lots and bids extensions and Procura's own extension.
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "award/result.hpp"
#include "tender/round.hpp"

namespace procura {

// The extensions the releases declare (URLs of their extension.json).
const std::vector<std::string>& round_extensions();
// The licence of every package the platform publishes (Public Domain Dedication and License).
inline constexpr const char* kOcdsLicense = "http://opendatacommons.org/licenses/pddl/1.0/";
// The publisher of a round's packages, whoever serves them: the round's buyer (the alliance).
inline nlohmann::json ocds_publisher(const std::string& buyer_name) {
  return {{"name", buyer_name}};
}

// The releases of a round's stages as they happen, each dated when the platform published it
// (in.publication; the timeline's dates when empty), from the round's input and its groups
// (group_round, or the whole result): the planning (aggregated demand) and the tender (lots,
// items with quantities and ceilings, the tender period) at publication; the opening (every bid
// of in.bids with its commitment, price and nonce, or withdrawn) when the bids are opened.
// write_round_ocds writes the same releases again, identical, before the award's.
nlohmann::json planning_release(const RoundInput& in, const RoundResult& groups);
nlohmann::json tender_release(const RoundInput& in, const RoundResult& groups);
nlohmann::json opening_release(const RoundInput& in, const RoundResult& groups);

// Writes the round's releases in stage order (planning, tender, opening, award, contract) as a
// release package to `package` and as JSON lines to `lines`. Memory holds one release at a time and
// the contracts' agreed volumes are streamed, so national rounds publish in bounded memory.
void write_round_ocds(const RoundInput& in, const RoundResult& r, std::ostream& package,
                      std::ostream& lines);

// An exact decimal amount (10^-4 units) as a JSON number with `decimals` places.
nlohmann::json amount_json(Wide amount, int decimals);

}  // namespace procura
