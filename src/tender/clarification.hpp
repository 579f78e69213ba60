#pragma once
// Clarification questions on a published round (the tender notice's Q&A): an enterprise asks,
// the office answers, both are published. A question is taken from the round's publication until
// its bid deadline; its answer is due within the profile's answer days, and never later than the
// deadline (an answer after it could no longer inform a bid). Who asked is never published.
// Times are UTC "YYYY-MM-DDTHH:MM:SSZ" text. Pure: knows nothing of HTTP or storage.
#include <string>
#include <vector>

#include "evaluation/complaint.hpp"  // FieldProblem
#include "tender/profile.hpp"

namespace procura {

struct QuestionForm {
  std::string subject;   // one line, 3 to 300 characters
  std::string question;  // the question itself, at least 20 characters
  std::string group;     // the group it is about ("" = the round as a whole)
};

// When a round takes questions: `opens` (its publication) <= now < `closes` (its bid deadline).
struct QuestionWindow {
  std::string opens, closes;
};

// Every problem of a question at once (empty = it is taken): a round not yet published or past
// its deadline, an unknown group, a subject or question too short to say anything.
std::vector<FieldProblem> check_question(const QuestionForm& form, const QuestionWindow& window,
                                         const std::vector<std::string>& groups,
                                         const std::string& now);

// When the office must answer a question asked at `asked_at`: within the profile's answer days,
// and by the deadline at the latest.
std::string question_answer_due(const std::string& asked_at, const QuestionWindow& window,
                                const RuleProfile& profile);

// The office's answer: at least 20 characters, given before the deadline.
std::vector<FieldProblem> check_question_answer(const std::string& answer,
                                                const QuestionWindow& window,
                                                const std::string& now);

}  // namespace procura
