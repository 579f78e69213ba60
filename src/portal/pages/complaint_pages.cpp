// A round's complaints in full (stage, group, grounds, the rule said to be broken, the remedy
// asked, when filed, when the answer is due, the answer and any hold released, with their
// status), the windows in which each stage may be challenged; and the complaint forms of the
// workspace: the round's enterprises and observers file and track theirs, the office answers.
#include "portal/pages/page_helpers.hpp"
#include "portal/pages/workspace_forms.hpp"

namespace procura {

namespace pages {

namespace {

json complaint_view(const PageContext& c, const json& o, const std::string& now) {
  const std::string status = o.value("status", "pending");
  const json answer = o.value("answer", json::object());
  const json released = o.value("holdOverride", json::object());
  std::string evidence;
  for (const auto& e : o.value("evidence", json::array()))
    if (e.is_string()) evidence += (evidence.empty() ? "" : "; ") + e.get<std::string>();
  const std::string id = o.value("id", "");
  const json who = o.value("complainant", json::object());
  return {{"id", id},
          {"number", id.substr(id.rfind('/') + 1)},
          {"stage", c.t("complaint_stage_" + o.value("stage", ""))},
          {"group", o.value("group", "")},
          {"subject", o.value("subject", "")},
          {"grounds", o.value("grounds", "")},
          {"rule", o.value("rule", "")},
          {"remedy", o.value("remedy", "")},
          {"evidence", evidence},
          {"complainantUser", who.value("user", "")},
          {"complainant", c.t("role_" + who.value("role", "")) +
                              (who.value("org", "").empty() ? "" : " " + who.value("org", ""))},
          {"filed", c.date(o.value("filedAt", ""))},
          {"due", c.date(o.value("answerDue", ""))},
          {"status", c.t("complaint_" + key_of(status))},
          {"pending", status == "pending"},
          {"overdue", status == "pending" && now > o.value("answerDue", "")},
          {"holds", status == "pending" && !o.value("holds", "").empty()
                        ? c.t("complaint_holds", {{"groups", o.value("holds", "")}})
                        : ""},
          {"decision", answer.empty() ? "" : c.t("complaint_" + answer.value("decision", ""))},
          {"reasoning", answer.value("reasoning", "")},
          {"answered", c.date(answer.value("at", ""))},
          {"late", o.value("answeredLate", false)},
          {"released", released.value("reason", "")},
          {"releasedAt", c.date(released.value("at", ""))}};
}

}  // namespace

json complaints_of(PortalCore& core, const PageContext& c, const std::string& round_id) {
  const json page = core.get(c, "/api/rounds/" + url_part(round_id) + "/complaints");
  const std::string now = core.now_utc();
  json items = json::array();
  for (const auto& o : page.value("items", json::array()))
    items.push_back(complaint_view(c, o, now));
  json windows = json::array();
  for (const char* stage : {"rules", "opening", "award"}) {
    const json w = page.value("windows", json::object()).value(stage, json::object());
    windows.push_back({{"stage", c.t(std::string("complaint_stage_") + stage)},
                       {"value", stage},
                       {"published", !w.empty()},
                       {"open", w.value("open", false)},
                       {"opens", c.date(w.value("opens", ""))},
                       {"closes", c.date(w.value("closes", ""))}});
  }
  return {{"items", items},
          {"windows", windows},
          {"held", page.value("heldGroups", json::array())},
          {"answerDays", c.count(page.value("answerDays", 0))}};
}

void complaint_work(PortalCore& core, const PageContext& c, const json& round, bool may_complain,
                    json& w, const FailedForm* failed) {
  const std::string id = round.value("id", "");
  if (round.value("status", "draft") == "draft") return;
  const json all = complaints_of(core, c, id);
  const std::string me = c.me.value("user", c.me.value("id", ""));
  if (c.role() == "office") {
    json pending = json::array();
    for (const auto& o : all["items"]) {
      if (!o.value("pending", false)) continue;
      json item = o;
      item["form"] = form_view(id, "complaint-answer-" + o.value("number", ""), failed);
      item["formId"] = "complaint-answer-" + id + "-" + o.value("number", "");
      pending.push_back(item);
    }
    if (!pending.empty()) w["complaintsToAnswer"] = pending;
    return;
  }
  if (!may_complain) return;
  json stages = json::array();
  for (const auto& s : all["windows"])
    if (s.value("open", false)) stages.push_back(s);
  if (!stages.empty()) {
    json form = form_view(id, "complaint", failed);
    for (auto& s : stages)
      s["selected"] = form["values"].value("stage", "") == s.value("value", "");
    form["stages"] = stages;
    w["forms"]["complaint"] = form;
  }
  // The caller's own complaints, to track.
  json mine = json::array();
  for (const auto& o : all["items"])
    if (o.value("complainantUser", "") == me) mine.push_back(o);
  if (!mine.empty()) {
    w["myComplaints"] = mine;
    w["hasMyComplaints"] = true;
  }
  w["complaintsHref"] = "/rounds/" + url_part(id) + "/complaints";
}

}  // namespace pages

namespace {

ApiResponse complaints_page(PortalCore& core, PageContext& c, const std::string& id) {
  const json round = core.get(c, "/api/rounds/" + url_part(id));
  json view = pages::complaints_of(core, c, id);
  view["round"] = {
      {"id", id}, {"title", round.value("title", id)}, {"href", "/rounds/" + url_part(id)}};
  view["hasItems"] = !view["items"].empty();
  view["hasHeld"] = !view["held"].empty();
  view["title"] = c.t("round_complaints") + " · " + round.value("title", id);
  view["lead"] = c.t("complaints_lead", {{"days", view.value("answerDays", "")}});
  return core.html(c, "complaints", view);
}

}  // namespace

void add_complaint_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/rounds/{id}/complaints",
            [p](PageContext& c, const Params& a) { return complaints_page(*p, c, a[0]); });
}

}  // namespace procura
