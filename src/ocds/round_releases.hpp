#pragma once
// The whole round as OCDS 1.1 data: one release per stage (planning with aggregated demand,
// tender with lots = groups and sealed-bid commitments, awards with opened bids, contracts with
// agreed volumes), using the lots and bids extensions and Procura's own extension.
#include <nlohmann/json.hpp>
#include <vector>

#include "award/result.hpp"
#include "tender/round.hpp"

namespace procura {

// The extensions the releases declare (URLs of their extension.json).
const std::vector<std::string>& round_extensions();

// Releases in stage order: planning, tender, award, contract.
std::vector<nlohmann::json> round_releases(const RoundInput& in, const RoundResult& r);

// A release package holding `releases`; publishedDate is the latest release date.
nlohmann::json release_package(const RoundInput& in, const std::vector<nlohmann::json>& releases);

// An exact decimal amount (10^-4 units) as a JSON number with `decimals` places.
nlohmann::json amount_json(Wide amount, int decimals);

}  // namespace procura
