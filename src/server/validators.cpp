#include "server/validators.hpp"

#include <algorithm>

namespace procura {

Validator known_round() {
  return [](ApiCore& core, RequestScope& s, const Params& p) {
    if (s.round.is_null()) s.round = core.round_doc(p.at(0));
  };
}

Validator round_in(std::vector<RoundPhase> phases, std::string what, std::string early,
                   std::string late) {
  return [phases = std::move(phases), what = std::move(what), early = std::move(early),
          late = std::move(late)](ApiCore& core, RequestScope& s, const Params& p) {
    known_round()(core, s, p);
    const RoundPhase phase = core.phase(s.round, s);
    if (std::find(phases.begin(), phases.end(), phase) != phases.end()) return;
    throw ApiError(409, phase < phases.front() ? early : late,
                   what + " (the round is " + phase_name(phase) + ")");
  };
}

Validator round_published(std::string what) {
  return round_in({RoundPhase::kBidding, RoundPhase::kSealed, RoundPhase::kAwaitingOpening,
                   RoundPhase::kOpened, RoundPhase::kAwarded},
                  std::move(what));
}

Validator json_body() {
  return [](ApiCore&, RequestScope& s, const Params&) { s.body(); };
}

Validator evaluator() {
  return [](ApiCore& core, RequestScope& s, const Params& p) {
    known_round()(core, s, p);
    AudienceRule before = kind_named("access-price").content;
    before.never_public = true;  // who reads access prices before they are disclosed
    if (!reads_all(before, core.reader_in(s, p.at(0)), RoundPhase::kDraft))
      throw ApiError(403, s.caller.role == Role::kObserver ? "not_assigned" : "not_on_panel",
                     "the evaluation record is read by the office, the auditors, the round's "
                     "panel and its assigned observers");
  };
}

std::pair<std::string, std::string> one_of(const json& body, const char* first,
                                           std::size_t first_max, const char* second,
                                           std::size_t second_max, const std::string& expected) {
  const std::string a = text_field(body, first, false, first_max);
  const std::string b = text_field(body, second, false, second_max);
  if (a.empty() == b.empty()) throw ApiError(422, "invalid", expected, a.empty() ? first : second);
  return a.empty() ? std::pair{std::string(second), b} : std::pair{std::string(first), a};
}

void refuse_problems(const std::vector<FieldProblem>& problems, const char* code,
                     const std::string& what) {
  if (problems.empty()) return;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& p : problems) pairs.emplace_back(p.field, p.message);
  form_problems(pairs, code, what);
}

}  // namespace procura
