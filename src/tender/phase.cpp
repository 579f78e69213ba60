#include "tender/phase.hpp"

namespace procura {

namespace {

constexpr const char* kNames[] = {"draft",  "bidding", "sealed", "awaiting-opening",
                                  "opened", "awarded"};

}  // namespace

const char* phase_name(RoundPhase p) {
  return kNames[static_cast<int>(p)];
}

std::optional<RoundPhase> parse_phase(std::string_view name) {
  for (int i = 0; i < 6; ++i)
    if (name == kNames[i]) return static_cast<RoundPhase>(i);
  return std::nullopt;
}

RoundPhase round_phase(std::string_view status, const std::string& bid_deadline,
                       const std::string& bid_opening, const std::string& now) {
  if (status == "awarded") return RoundPhase::kAwarded;
  if (status == "opened") return RoundPhase::kOpened;
  if (status != "published") return RoundPhase::kDraft;
  if (now < bid_deadline) return RoundPhase::kBidding;
  if (now < bid_opening) return RoundPhase::kSealed;
  return RoundPhase::kAwaitingOpening;
}

bool takes_round_tables(RoundPhase p) {
  return p == RoundPhase::kDraft;
}

bool takes_negotiation(RoundPhase p) {
  return p == RoundPhase::kOpened;
}

std::optional<TimelineProblem> timeline_problem(const Timeline& t) {
  if (t.bid_opening < t.bid_deadline)
    return TimelineProblem{"timeline.bidOpening",
                           "the opening must not be before the bid deadline"};
  if (!t.negotiation_end.empty() && t.negotiation_end < t.bid_opening)
    return TimelineProblem{"timeline.negotiationEnd",
                           "the negotiation must not end before the bids are opened"};
  if (!t.contract_start.empty() && t.contract_start < t.bid_deadline.substr(0, 10))
    return TimelineProblem{
        "timeline.contractStart",
        "contracts must not start before the bid deadline (" + t.bid_deadline.substr(0, 10) + ")"};
  if (!t.base_period.empty()) {
    const bool year = t.base_period.size() == 4 &&
                      t.base_period.find_first_not_of("0123456789") == std::string::npos;
    if (!year)
      return TimelineProblem{"timeline.basePeriod",
                             "expected a year such as 2019, not '" + t.base_period + "'"};
    if (t.base_period > t.bid_deadline.substr(0, 4))
      return TimelineProblem{"timeline.basePeriod",
                             "the base period must not be after the bid deadline's year (" +
                                 t.bid_deadline.substr(0, 4) + ")"};
  }
  return std::nullopt;
}

}  // namespace procura
