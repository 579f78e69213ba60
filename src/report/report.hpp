#pragma once
// Results of a round for people (terminal table, self-contained HTML with charts) and for
// machines (JSON, CSV tables). Figures are the published ones: rounded once, in publish_*.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "award/result.hpp"
#include "tender/round.hpp"

namespace procura {

// The machine-readable results: metrics, groups, bids, negotiations, awards, rejections,
// region picks and contracts (allocations are in the CSV tables only).
nlohmann::json result_json(const RoundInput& in, const RoundResult& r);
// Agreed volumes by institution: [{award, product, institution, units}].
nlohmann::json allocations_json(const RoundInput& in, const RoundResult& r);
// Just the metrics block of result_json.
nlohmann::json metrics_json(const Metrics& m, int price_decimals);

// Writes awards.csv, groups.csv, bids.csv, negotiations.csv, allocations.csv, rejections.csv,
// contracts.csv and metrics.csv into `dir`.
void write_result_csv(const RoundInput& in, const RoundResult& r, const std::string& dir);

// The headline metrics as labelled, published text, in reading order (shared by the terminal
// table and the HTML report).
std::vector<std::pair<std::string, std::string>> metric_rows(const RoundInput& in,
                                                             const Metrics& m);

// A readable summary table for the terminal.
void print_summary(const RoundInput& in, const RoundResult& r, std::ostream& out);

// A self-contained HTML report (inline CSS and SVG charts, no scripts or network).
std::string html_report(const RoundInput& in, const RoundResult& r);

}  // namespace procura
