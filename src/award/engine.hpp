#pragma once
// Runs a whole round, steps 0-7. Deterministic: equal inputs give equal results.
#include "award/result.hpp"
#include "tender/round.hpp"

namespace procura {

// Throws RuleError when the inputs are inconsistent (unknown ids, duplicate bids...).
RoundResult run_round(const RoundInput& input);
// Steps 0-2 only (qualification, grouping, routing): the round's groups, fixed once its tables
// are, without bids.
RoundResult group_round(const RoundInput& input);
// The ids of the round's groups ("G001", ...), in order.
std::vector<std::string> group_ids(const RoundInput& input);

}  // namespace procura
