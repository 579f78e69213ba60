#include "award/engine.hpp"

#include "award/steps.hpp"

namespace procura {

const char* stage_name(Stage s) {
  return s == Stage::kBidding ? "bidding" : "negotiation";
}

const char* group_status_name(GroupStatus s) {
  switch (s) {
    case GroupStatus::kAwarded:
      return "awarded";
    case GroupStatus::kFailed:
      return "failed";
    case GroupStatus::kNegotiation:
      return "negotiation";
    case GroupStatus::kHeld:
      return "held";
  }
  return "";
}

const char* bid_status_name(BidStatus s) {
  switch (s) {
    case BidStatus::kWon:
      return "won";
    case BidStatus::kEliminated:
      return "eliminated";
    case BidStatus::kInvalid:
      return "invalid";
    case BidStatus::kWithdrawn:
      return "withdrawn";
    case BidStatus::kLate:
      return "late";
    case BidStatus::kTampered:
      return "tampered";
    case BidStatus::kMissing:
      return "missing";
  }
  return "";
}

RoundResult group_round(const RoundInput& input) {
  RoundIndex ix(input);
  RoundResult r;
  qualify(ix, r);
  group_products(ix, r);
  route_groups(ix, r);
  return r;
}

std::vector<std::string> group_ids(const RoundInput& input) {
  std::vector<std::string> out;
  for (const auto& g : group_round(input).groups) out.push_back(g.id);
  return out;
}

RoundResult run_round(const RoundInput& input) {
  RoundIndex ix(input);
  RoundResult r;
  qualify(ix, r);
  group_products(ix, r);
  route_groups(ix, r);
  run_bidding(ix, r);
  run_negotiation(ix, r);
  hold_groups(ix, r);
  allocate_volume(ix, r);
  set_contract_terms(ix, r);
  compute_metrics(ix, r);
  return r;
}

}  // namespace procura
