#pragma once
// Complaints (bid protests) against a stage of a round: who may file, until when, what a
// complete complaint must say, when the answer is due, and which group awards a pending
// complaint holds. Times are UTC "YYYY-MM-DDTHH:MM:SSZ" text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tender/profile.hpp"

namespace procura {

// The stages a complaint can challenge: the published round (its rules, tables and ceilings),
// the opening of the bids, and the award.
enum class ComplaintStage { kRules, kOpening, kAward };
const char* complaint_stage_name(ComplaintStage s);
std::optional<ComplaintStage> parse_complaint_stage(std::string_view name);

struct ComplaintForm {
  std::string stage;                  // "rules", "opening" or "award"
  std::string group;                  // the affected group ("G001"); required for opening and award
  std::string subject;                // one line
  std::string grounds;                // the facts, and why they break the rule
  std::string rule;                   // the rule, clause or document said to be broken
  std::string remedy;                 // what the complainant asks the office to do
  std::vector<std::string> evidence;  // references to documents (optional)
};

// A field of a form that is missing or wrong, and what is expected instead.
struct FieldProblem {
  std::string field;
  std::string message;
};

// When each stage of a round was published ("" = not yet), and the round's group ids.
struct RoundStages {
  std::string published_at, opened_at, awarded_at;
  std::vector<std::string> groups;
};

struct ComplaintWindow {
  std::string opens, closes;  // a complaint is taken when opens <= now < closes
};

// The window of a stage: from its publication for profile.complaint_days days; nothing when
// the stage has not been published yet.
std::optional<ComplaintWindow> complaint_window(ComplaintStage stage, const RoundStages& round,
                                                const RuleProfile& profile);

// Every problem of a complaint at once (empty = it is complete and in time), so that the
// complainant can fix them all before filing.
std::vector<FieldProblem> check_complaint(const ComplaintForm& form, const RoundStages& round,
                                          const RuleProfile& profile, const std::string& now);

// The day the office must have answered by.
std::string complaint_answer_due(const std::string& filed_at, const RuleProfile& profile);

// The office's answer: "upheld" or "dismissed", with reasons; problems as above.
std::vector<FieldProblem> check_complaint_answer(const std::string& decision,
                                                 const std::string& reasoning);

// An office override of a hold needs a published reason (for instance a risk of stock-out).
std::vector<FieldProblem> check_hold_override(const std::string& reason);

struct ComplaintState {
  std::string id;
  std::string group;        // "" = every group of the round
  bool pending = false;     // not answered yet
  bool overridden = false;  // the office released the hold with a published reason
};

// The groups whose award is held: those named by a pending, not overridden complaint (every
// group for a pending complaint that names none), sorted and unique.
std::vector<std::string> held_groups(const std::vector<ComplaintState>& complaints,
                                     const std::vector<std::string>& all_groups);

}  // namespace procura
