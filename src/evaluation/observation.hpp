#pragma once
// Which stage of a round an observer's observation may be tied to: one that has happened. An
// observation is a witness's account, published at once and never changed; tying it to a stage
// still to come would publish a claim about what nobody has seen yet. Times are UTC
// "YYYY-MM-DDTHH:MM:SSZ" text ("" for a stage not reached). Pure.
#include <string>
#include <vector>

namespace procura {

// When a round reached each stage an observation may name.
struct ObservedRound {
  std::string published_at;  // publication (and the bidding it opens)
  std::string bid_deadline;  // the deadline: from then on it has happened
  std::string opened_at;     // the opening, and the evaluation that follows it
  std::string awarded_at;    // the award
};

// The stages in their order: publication, deadline, opening, evaluation, award ("rules", the
// complaints' name for the published round, is taken for publication).
const std::vector<std::string>& observation_stages();

// The stages that have happened at `now`, in order.
std::vector<std::string> stages_happened(const ObservedRound& round, const std::string& now);

// "" when `stage` is empty (the round as a whole) or has happened; otherwise what is wrong, in
// words (an unknown stage, or one to come).
std::string check_observation_stage(const std::string& stage, const ObservedRound& round,
                                    const std::string& now);

}  // namespace procura
