#pragma once
// A round's OCDS releases published as its stages happen (ocds/round_releases.hpp): the planning
// and tender releases when it is published, the opening release when its bids are opened, each
// dated then; the award's releases follow at the award (routes/round_routes.cpp). Not for use
// outside src/server; each function writes through ApiCore::put inside the request's transaction.
#include <string>
#include <vector>

#include "server/api_support.hpp"
#include "tender/round.hpp"

namespace procura {

// Publishes the planning and tender releases of the round being published (`round`: its
// document with `publishedAt`; its tables are stored).
void publish_tender_releases(ApiCore& core, RequestScope& s, const std::string& round_id,
                             const json& round);

// Publishes the opening release of the round whose bids `opened` were just opened (`round`: its
// document with `publishedAt` and `openedAt`), in the order the store lists them.
void publish_opening_release(ApiCore& core, RequestScope& s, const std::string& round_id,
                             const json& round, std::vector<Bid> opened);

}  // namespace procura
