#pragma once
// The phases of a round on the platform, from its stored status and the time, and what each
// phase allows. Pure: the caller passes `now`.
#include <optional>
#include <string>
#include <string_view>

#include "tender/round.hpp"

namespace procura {

// In order: a phase never goes back.
enum class RoundPhase {
  kDraft,            // tables (alliance, catalogue, history, demand, ceilings) still change
  kBidding,          // published, before the bid deadline: bids are taken
  kSealed,           // after the deadline, before the opening time
  kAwaitingOpening,  // the opening time has come; the office has not opened yet
  kOpened,           // bids opened: access prices and offers are taken
  kAwarded,          // the award is published (it may still hold groups)
};

// "draft", "bidding", "sealed", "awaiting-opening", "opened", "awarded".
const char* phase_name(RoundPhase p);
std::optional<RoundPhase> parse_phase(std::string_view name);

// The phase of a round whose stored status is `status` ("draft", "published", "opened",
// "awarded") and whose timeline is `timeline`, at `now` ("YYYY-MM-DDTHH:MM:SSZ").
RoundPhase round_phase(std::string_view status, const std::string& bid_deadline,
                       const std::string& bid_opening, const std::string& now);

// The round's own tables (alliance, catalogue, history, demand, ceilings) are fixed once it is
// published; those taken after the opening (access prices, offers) only until the award.
bool takes_round_tables(RoundPhase p);
bool takes_negotiation(RoundPhase p);

// Problems of a timeline as a whole (each field already a valid time or date): the opening not
// before the deadline, the negotiation not before the opening, the contracts not starting before
// the bid deadline's day, a base period ("YYYY") not after the deadline's year. Returns the field
// at fault and why, or nothing.
struct TimelineProblem {
  std::string field, message;
};
std::optional<TimelineProblem> timeline_problem(const Timeline& t);

}  // namespace procura
