#include "tender/clarification.hpp"

#include <algorithm>
#include <cctype>

#include "core/clock.hpp"

namespace procura {

namespace {

std::size_t visible(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); }));
}

}  // namespace

std::vector<FieldProblem> check_question(const QuestionForm& form, const QuestionWindow& window,
                                         const std::vector<std::string>& groups,
                                         const std::string& now) {
  std::vector<FieldProblem> out;
  if (window.opens.empty() || now < window.opens)
    out.push_back({"question", "the round is not published yet: questions open at publication"});
  else if (now >= window.closes)
    out.push_back({"question", "questions closed at the bid deadline, " + window.closes});
  if (!form.group.empty() && std::find(groups.begin(), groups.end(), form.group) == groups.end())
    out.push_back({"group", "the round has no group '" + form.group + "'"});
  if (visible(form.subject) < 3)
    out.push_back({"subject", "give the question a subject of a few words"});
  if (visible(form.question) < 20)
    out.push_back({"question", "ask the question in full (at least 20 characters)"});
  return out;
}

std::string question_answer_due(const std::string& asked_at, const QuestionWindow& window,
                                const RuleProfile& profile) {
  const std::string due = add_days(asked_at, profile.complaint_answer_days);
  return std::min(due, window.closes);
}

std::vector<FieldProblem> check_question_answer(const std::string& answer,
                                                const QuestionWindow& window,
                                                const std::string& now) {
  std::vector<FieldProblem> out;
  if (now >= window.closes)
    out.push_back({"answer", "answers are taken until the bid deadline, " + window.closes +
                                 ", while they can still inform a bid"});
  if (visible(answer) < 20) out.push_back({"answer", "answer in full (at least 20 characters)"});
  return out;
}

}  // namespace procura
