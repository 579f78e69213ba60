// Clarification questions on a published round (the rules in src/tender/clarification.hpp): an
// enterprise asks until the bid deadline, the office answers, both are published; who asked is
// the question's history, which the catalogue keeps from the public and the office.
#include <algorithm>

#include "server/api_support.hpp"
#include "server/validators.hpp"
#include "tender/clarification.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

QuestionWindow window_of(const json& round) {
  return {round.value("publishedAt", ""),
          round.value("timeline", json::object()).value("bidDeadline", "")};
}

class QuestionRoutes {
 public:
  explicit QuestionRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route({"POST",
                 "/api/rounds/{id}/questions",
                 "ask-question",
                 "ask a clarification question",
                 "",
                 false,
                 {round_published("questions are asked once the round is published"), json_body()}},
                [this](auto& s, auto& p) { return ask(s, p[0]); });
    core_.route({"GET",
                 "/api/rounds/{id}/questions",
                 "read",
                 "read a round's clarification questions and answers",
                 "question",
                 false,
                 {},
                 kPaging},
                [this](auto& s, auto& p) { return list(s, p[0]); });
    core_.route(
        {"POST",
         "/api/rounds/{id}/questions/{question}/answer",
         "answer-question",
         "answer a clarification question",
         "",
         false,
         {round_published("questions are answered once the round is published"), json_body()}},
        [this](auto& s, auto& p) { return answer(s, p[0], p[1]); });
  }

 private:
  ApiResponse list(RequestScope& s, const std::string& round_id) {
    const long offset = query_number(s.request, "offset", 0, kAll),
               limit = query_number(s.request, "limit", 100, 1000);
    long total = 0;
    std::vector<json> all;
    for (const auto& o : core_.records().list(kind_named("question"), round_id, s.reader(),
                                              s.now_utc, 0, kAll, total)) {
      json d = json::parse(o.data);
      d["overdue"] = d.value("status", "") == "pending" && s.now_utc > d.value("answerDue", "");
      all.push_back(std::move(d));
    }
    // In the order they were asked (the ids of the public's list sort as text: Q10 before Q2).
    std::stable_sort(all.begin(), all.end(), [](const json& a, const json& b) {
      return a.value("askedAt", "") < b.value("askedAt", "");
    });
    json items = json::array();
    for (long i = offset; i < total && i < offset + limit; ++i)
      items.push_back(std::move(all[static_cast<std::size_t>(i)]));
    json out = page_of(items, offset, limit, total, s.request);
    const QuestionWindow w = window_of(s.round);
    out["window"] = {{"opens", w.opens}, {"closes", w.closes}};
    return json_response(200, out);
  }

  ApiResponse ask(RequestScope& s, const std::string& round_id) {
    const json& body = s.body();
    known_fields(body, {"subject", "question", "group"});
    QuestionForm form{text_field(body, "subject", false, 300),
                      text_field(body, "question", false, 5000),
                      text_field(body, "group", false, 64)};
    const QuestionWindow window = window_of(s.round);
    const auto problems = check_question(form, window, round_group_ids(core_, round_id), s.now_utc);
    refuse_problems(problems, "incomplete_question", "the question cannot be asked");
    const auto input = core_.rounds().input(round_id);
    const std::string id = round_id + "/Q" + std::to_string(store_.count("question", round_id) + 1);
    // Who asked is the record's owner and its revision's actor, never its content.
    json doc = {{"id", id},
                {"round", round_id},
                {"subject", form.subject},
                {"question", form.question},
                {"group", form.group},
                {"askedAt", s.now_utc},
                {"answerDue", question_answer_due(s.now_utc, window, input->profile)},
                {"status", "pending"}};
    core_.put(s, "question", id, round_id, doc, "", user_owner(s.caller.user_id));
    return json_response(201, doc);
  }

  ApiResponse answer(RequestScope& s, const std::string& round_id, const std::string& question) {
    auto o = is_id(question) ? store_.latest("question", round_id + "/" + question) : std::nullopt;
    if (!o) throw ApiError(404, "not_found", "no question '" + question + "' in this round");
    json doc = json::parse(o->data);
    if (doc.value("status", "") != "pending")
      throw ApiError(409, "exists", "the question is answered; answers are final");
    const json& body = s.body();
    known_fields(body, {"answer"});
    const std::string text = text_field(body, "answer", false, 10000);
    const auto problems = check_question_answer(text, window_of(s.round), s.now_utc);
    refuse_problems(problems, "incomplete_answer", "the answer");
    doc["status"] = "answered";
    doc["answer"] = text;
    doc["answeredAt"] = s.now_utc;
    doc["answeredLate"] = s.now_utc > doc.value("answerDue", "");
    core_.put(s, "question", doc["id"], round_id, doc, "", o->owner);
    return json_response(200, doc);
  }

  ApiCore& core_;
  PlatformStore& store_;
};

}  // namespace

void add_question_routes(ApiCore& core) {
  auto routes = std::make_shared<QuestionRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
