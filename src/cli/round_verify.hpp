#pragma once
// `procura round verify`: anyone's recomputation of an awarded round from what the platform
// published (GET /api/rounds/{id}/open-data: the round, its tables, its opened bids with their
// nonces and the published opening key, its access prices and offers, and its results,
// allocations and release package). It opens every stored bid with the published key and checks
// each against its published price, nonce and commitment, rebuilds the engine's input, reruns
// steps 0-7 and compares every published item — qualification, groups, routes, ranks, winners,
// prices, agreed volumes, institution allocations, contracts and the headline metrics — printing
// each difference with the published and the recomputed value. Returns 0 when everything
// matches, 1 on any difference; throws InputError when the file is not a round's open data, or
// the round is not awarded, lacks a part or still withholds a table. What it proves: that the
// published results follow from the published inputs by the published rules. That the inputs
// are the ones fixed at their time (bids at the deadline, rules at publication) is shown by
// copies saved then (`deadline_bids_path`, the feed, the signed audit heads).
#include <string>

namespace procura {

// `deadline_bids_path` (optional): the round's bids as someone saved them after the deadline
// (GET /api/rounds/{id}/bids), whose commitments must be those of the bids opened.
int verify_round(const std::string& open_data_path, std::size_t most_shown,
                 const std::string& deadline_bids_path);

}  // namespace procura
