// Step 4b: holds. A pending complaint against a group holds its award: the group keeps its
// bids' ranking (published), but no award, agreed volume or contract comes out of it until the
// complaint is answered or the office overrides the hold.
#include <algorithm>

#include "award/steps.hpp"

namespace procura {

void hold_groups(const RoundIndex& ix, RoundResult& r) {
  const auto& held = ix.in.held_groups;
  if (held.empty()) return;
  std::vector<bool> is_held(r.groups.size(), false);
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    if (std::find(held.begin(), held.end(), r.groups[g].id) == held.end()) continue;
    is_held[g] = true;
    Group& grp = r.groups[g];
    grp.status = GroupStatus::kHeld;
    grp.winners = 0;
    grp.base = 0;
    grp.note = "award held by a pending complaint";
  }
  std::erase_if(r.awards, [&](const Award& a) { return is_held[a.group]; });
  for (auto& b : r.bids)
    if (b.group >= 0 && is_held[b.group] && b.status == BidStatus::kWon)
      b.reason = "ranked to win; the award is held by a pending complaint";
}

}  // namespace procura
