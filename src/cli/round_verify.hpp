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
// the round is not awarded or still withholds a table.
#include <string>

namespace procura {

int verify_round(const std::string& open_data_path, std::size_t most_shown);

}  // namespace procura
