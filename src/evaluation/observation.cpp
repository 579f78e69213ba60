#include "evaluation/observation.hpp"

#include <algorithm>

namespace procura {

const std::vector<std::string>& observation_stages() {
  static const std::vector<std::string> kStages = {"publication", "deadline", "opening",
                                                   "evaluation", "award"};
  return kStages;
}

namespace {

// When `stage` happened ("" for not yet).
std::string reached(const std::string& stage, const ObservedRound& r) {
  if (stage == "publication" || stage == "rules") return r.published_at;
  if (stage == "deadline") return r.published_at.empty() ? "" : r.bid_deadline;
  if (stage == "opening" || stage == "evaluation") return r.opened_at;
  if (stage == "award") return r.awarded_at;
  return "";
}

}  // namespace

std::vector<std::string> stages_happened(const ObservedRound& round, const std::string& now) {
  std::vector<std::string> out;
  for (const auto& s : observation_stages()) {
    const std::string at = reached(s, round);
    if (!at.empty() && at <= now) out.push_back(s);
  }
  return out;
}

std::string check_observation_stage(const std::string& stage, const ObservedRound& round,
                                    const std::string& now) {
  if (stage.empty()) return "";
  const auto& all = observation_stages();
  if (std::find(all.begin(), all.end(), stage) == all.end() && stage != "rules")
    return "'stage' must be one of publication (or rules), deadline, opening, evaluation, award";
  const std::string at = reached(stage, round);
  if (at.empty() || at > now)
    return "the " + stage +
           " stage has not happened yet: an observation is tied to a stage "
           "that has";
  return "";
}

}  // namespace procura
