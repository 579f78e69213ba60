#pragma once
// Generates synthetic rounds of any size for property tests and benchmarks: groups of
// interchangeable products from distinct enterprises, base-period history, institutions'
// demand, ceilings, sealed bids and negotiation offers. Deterministic for a given seed.
#include <cstdint>
#include <string>

#include "tender/round.hpp"

namespace procura {

struct GeneratorSpec {
  std::string profile = "alliance-3n-iol-2020";
  int groups = 100;
  int products = 2'000;  // spread over the groups (at least one each)
  int enterprises = 200;
  int regions = 9;
  int institutions = 1'000;
  long demand_lines = 50'000;
  std::uint64_t seed = 1;
};

RoundInput generate_round(const GeneratorSpec& spec);

// Writes a round as a round folder (round.json and CSV tables) readable by load_round_folder.
void write_round_folder(const RoundInput& round, const std::string& dir);

}  // namespace procura
