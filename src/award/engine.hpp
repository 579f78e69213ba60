#pragma once
// Runs a whole round, steps 0-7. Deterministic: equal inputs give equal results.
#include "award/result.hpp"
#include "tender/round.hpp"

namespace procura {

// Throws RuleError when the inputs are inconsistent (unknown ids, duplicate bids...).
RoundResult run_round(const RoundInput& input);

}  // namespace procura
