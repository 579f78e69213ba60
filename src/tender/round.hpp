#pragma once
// Everything a round is decided from: its rules, the alliance, the catalogue, history, demand,
// ceilings, sealed bids, negotiation access prices and offers. Pure data.
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "demand/demand.hpp"
#include "tender/profile.hpp"

namespace procura {

struct Timeline {
  std::string base_period;   // e.g. "2019"
  std::string bid_deadline;  // ISO 8601 date-time (UTC, 'Z')
  std::string bid_opening;
  std::string negotiation_end;
  std::string contract_start;  // ISO date
};

// When the platform published each stage of the round (ISO 8601, UTC): its releases are dated
// then, not back-dated to the timeline. Empty for a round run from files, whose releases take
// the timeline's dates.
struct Publication {
  std::string published_at;  // the tender: planning and tender releases
  std::string opened_at;     // the bids opened: the opening release
  std::string awarded_at;    // the award (or its completion): award and contract releases
  // The absolute URI the release package is published at; "" names it by URN
  // ("urn:procura:<ocid>:releases"), as a package written away from the platform.
  std::string package_uri;
};

// A ceiling (maximum valid declared price) for one specification model.
struct Ceiling {
  std::string product_id;
  Price max_price = 0;
};

// A sealed bid: the commitment is published at submission, the price at opening.
struct Bid {
  std::string product_id;
  Price price = 0;  // 0 = withdrawn
  std::string submitted_at;
  std::string nonce;       // hex, chosen by the bidder
  std::string commitment;  // hex BLAKE2b-256 of the bid's canonical text
};

// The expert panel's negotiation access price for one product (sealed until negotiation ends).
struct AccessPrice {
  std::string product_id;
  Price price = 0;
  std::string panel;  // expert ids, ';'-separated
};

// One negotiation offer; rounds are 1-based.
struct Offer {
  std::string product_id;
  int round = 1;
  Price price = 0;
};

// A bidder's answer to the revival price (r10/r11).
struct RevivalAnswer {
  std::string product_id;
  bool accepted = false;
};

// A winner's ordered region preferences for the region draft.
struct RegionPreference {
  std::string product_id;
  int rank = 1;
  std::string region_id;
};

struct RoundInput {
  std::string id;
  std::string title;
  std::string ocid_prefix = "ocds-procura";
  std::string currency = "CNY";
  std::string buyer_id;
  std::string buyer_name;
  PartyIdentifier buyer_identifier = {};     // round.json's buyer.identifier, where it has one
  std::vector<std::string> attribute_names;  // names of the basic attributes, in order
  RuleProfile profile;
  Timeline timeline;
  Publication publication;
  std::vector<Region> regions;
  std::vector<Institution> institutions;
  std::vector<Enterprise> enterprises;
  std::vector<Product> products;
  std::vector<HistoryLine> history;
  std::vector<DemandLine> demand;
  std::vector<GroupDemandLine> group_demand;
  std::vector<Ceiling> ceilings;
  std::vector<Bid> bids;
  std::vector<AccessPrice> access_prices;
  std::vector<Offer> offers;
  std::vector<RevivalAnswer> revivals;
  std::vector<RegionPreference> region_preferences;
  // Groups ("G001") whose award is held by a pending complaint: ranked, not awarded.
  std::vector<std::string> held_groups;

  std::string ocid() const { return ocid_prefix + "-" + id; }
};

}  // namespace procura
