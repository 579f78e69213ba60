#pragma once
// Validators a route declares where it is defined (as openprocurement's views declare theirs):
// each checks one thing about a request before its handler runs and refuses it with a 4xx that
// says why; they run in the order declared, after the role matrix, and what they establish (the
// round, the body) is in the RequestScope for the handler. Not for use outside src/server.
#include <functional>
#include <string>
#include <vector>

#include "evaluation/complaint.hpp"  // FieldProblem
#include "server/api_support.hpp"

namespace procura {

// The round named by the path's first id exists: its document is `s.round` (404 otherwise).
// Every route under /api/rounds/{id} has it first, without declaring it (ApiCore::route).
Validator known_round();

// The round (known_round) is in one of `phases`; otherwise 409 saying "`what` (the round is
// <phase>)", with `early` as the code before the first of `phases` and `late` after.
Validator round_in(std::vector<RoundPhase> phases, std::string what,
                   std::string early = "wrong_phase", std::string late = "wrong_phase");

// The round (known_round) is past its draft: its enterprises, products and groups are fixed.
Validator round_published(std::string what);

// The body is JSON (400 otherwise, before anything else reads it): `s.body()`.
Validator json_body();

// The caller reads the round's evaluation record: the audience of access prices before they are
// disclosed (the office, auditors, the round's panel and its observers); 403 otherwise.
Validator evaluator();

// Exactly one of two alternative text fields of `body` (fields read by text_field, at most
// `first_max` and `second_max` bytes): which was given and its text. 422 saying `expected`,
// naming the first field when neither is given and the second when both are.
std::pair<std::string, std::string> one_of(const json& body, const char* first,
                                           std::size_t first_max, const char* second,
                                           std::size_t second_max, const std::string& expected);

// Refuses a form with every problem a domain check found (422, `code`), unless there are none.
void refuse_problems(const std::vector<FieldProblem>& problems, const char* code,
                     const std::string& what);

}  // namespace procura
