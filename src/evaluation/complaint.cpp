#include "evaluation/complaint.hpp"

#include <algorithm>

#include "core/clock.hpp"

namespace procura {

const char* complaint_stage_name(ComplaintStage s) {
  switch (s) {
    case ComplaintStage::kRules:
      return "rules";
    case ComplaintStage::kOpening:
      return "opening";
    case ComplaintStage::kAward:
      return "award";
  }
  return "";
}

std::optional<ComplaintStage> parse_complaint_stage(std::string_view name) {
  for (auto s : {ComplaintStage::kRules, ComplaintStage::kOpening, ComplaintStage::kAward})
    if (name == complaint_stage_name(s)) return s;
  return std::nullopt;
}

std::optional<ComplaintWindow> complaint_window(ComplaintStage stage, const RoundStages& round,
                                                const RuleProfile& profile) {
  const std::string& at = stage == ComplaintStage::kRules     ? round.published_at
                          : stage == ComplaintStage::kOpening ? round.opened_at
                                                              : round.awarded_at;
  if (at.empty()) return std::nullopt;
  return ComplaintWindow{at, add_days(at, profile.complaint_days)};
}

namespace {

// Free text must say something: at least `min` characters that are not blanks.
bool too_short(const std::string& text, std::size_t min) {
  return static_cast<std::size_t>(std::count_if(
             text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); })) < min;
}

}  // namespace

std::vector<FieldProblem> check_complaint(const ComplaintForm& form, const RoundStages& round,
                                          const RuleProfile& profile, const std::string& now) {
  std::vector<FieldProblem> out;
  const auto stage = parse_complaint_stage(form.stage);
  if (!stage) {
    out.push_back({"stage", "say which stage you challenge: rules, opening or award"});
  } else {
    const auto window = complaint_window(*stage, round, profile);
    if (!window)
      out.push_back({"stage", std::string("the ") + form.stage +
                                  " stage has not been published yet: nothing to challenge"});
    else if (now >= window->closes)
      out.push_back({"stage", "complaints against the " + form.stage + " stage closed at " +
                                  window->closes + " (" + std::to_string(profile.complaint_days) +
                                  " days after " + window->opens + ")"});
  }
  const bool group_required = stage && *stage != ComplaintStage::kRules;
  if (form.group.empty()) {
    if (group_required)
      out.push_back({"group", "name the group whose " + form.stage + " you challenge"});
  } else if (std::find(round.groups.begin(), round.groups.end(), form.group) ==
             round.groups.end()) {
    out.push_back({"group", "the round has no group '" + form.group + "'"});
  }
  if (too_short(form.subject, 5))
    out.push_back({"subject", "give the complaint a subject of a few words"});
  if (too_short(form.grounds, 40))
    out.push_back(
        {"grounds", "state the facts and why they break the rule (at least 40 characters)"});
  if (too_short(form.rule, 3))
    out.push_back({"rule", "name the rule, clause or document that was broken"});
  if (too_short(form.remedy, 5)) out.push_back({"remedy", "say what you ask the office to do"});
  for (std::size_t i = 0; i < form.evidence.size(); ++i)
    if (too_short(form.evidence[i], 3))
      out.push_back({"evidence[" + std::to_string(i) + "]", "an empty evidence reference"});
  return out;
}

std::string complaint_answer_due(const std::string& filed_at, const RuleProfile& profile) {
  return add_days(filed_at, profile.complaint_answer_days);
}

std::vector<FieldProblem> check_complaint_answer(const std::string& decision,
                                                 const std::string& reasoning) {
  std::vector<FieldProblem> out;
  if (decision != "upheld" && decision != "dismissed")
    out.push_back({"decision", "expected 'upheld' or 'dismissed'"});
  if (too_short(reasoning, 20))
    out.push_back({"reasoning", "give the reasons of the decision (at least 20 characters)"});
  return out;
}

std::vector<FieldProblem> check_hold_override(const std::string& reason) {
  if (!too_short(reason, 20)) return {};
  return {{"reason", "a hold is released only with a published reason (at least 20 characters)"}};
}

std::vector<std::string> held_groups(const std::vector<ComplaintState>& complaints,
                                     const std::vector<std::string>& all_groups) {
  std::vector<std::string> out;
  for (const auto& c : complaints) {
    if (!c.pending || c.overridden) continue;
    if (c.group.empty())
      out.insert(out.end(), all_groups.begin(), all_groups.end());
    else
      out.push_back(c.group);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace procura
