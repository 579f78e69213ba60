#include "server/stage_releases.hpp"

#include "ocds/round_releases.hpp"
#include "records/round_repository.hpp"

namespace procura {

namespace {

// The round's input as stored, with the publication times of `round` (which the stored
// document may not carry yet: it is written in the same transaction).
RoundInput input_as_published(ApiCore& core, const std::string& round_id, const json& round) {
  RoundInput in = *core.rounds().input(round_id);
  in.publication = RoundRepository::rules_of(round).publication;
  return in;
}

void publish(ApiCore& core, RequestScope& s, const std::string& round_id, const json& release) {
  if (core.db().latest("release", release.value("id", ""))) return;  // published already
  core.put(s, "release", release.value("id", ""), round_id, release);
}

}  // namespace

void publish_tender_releases(ApiCore& core, RequestScope& s, const std::string& round_id,
                             const json& round) {
  RoundInput in = input_as_published(core, round_id, round);
  in.bids.clear();
  const auto groups = core.rounds().groups(round_id);  // steps 0-2, kept: no bid enters them
  publish(core, s, round_id, planning_release(in, *groups));
  publish(core, s, round_id, tender_release(in, *groups));
}

void publish_opening_release(ApiCore& core, RequestScope& s, const std::string& round_id,
                             const json& round, std::vector<Bid> opened) {
  RoundInput in = input_as_published(core, round_id, round);
  in.bids = std::move(opened);
  publish(core, s, round_id, opening_release(in, *core.rounds().groups(round_id)));
}

}  // namespace procura
