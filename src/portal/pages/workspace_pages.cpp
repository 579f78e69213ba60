// The workspaces: each role's steps of a round as forms over the API. A refused form
// is shown again with the API's reasons next to its fields; nothing is stored.

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/money.hpp"
#include "core/text.hpp"
#include "evaluation/observation.hpp"
#include "io/csv_reader.hpp"
#include "portal/pages/page_helpers.hpp"
#include "portal/pages/workspace_forms.hpp"
#include "portal/portal_support.hpp"
#include "records/catalogue.hpp"

namespace procura {

namespace {

using pages::text_of;

std::string round_path(const std::string& id) {
  return "/api/rounds/" + url_part(id);
}

bool observer_of(PortalCore& core, const PageContext& c, const std::string& round_id) {
  for (const auto& o : core.items(c, round_path(round_id) + "/observers"))
    if (o.value("user", "") == c.me.value("user", c.me.value("id", ""))) return true;
  return false;
}

// The caller's place among the round's keyholders (null when it holds no share): its share's
// number, the threshold, and when it handed the share back.
json keyholder_of(PortalCore& core, const PageContext& c, const json& round) {
  if (round.value("status", "draft") == "draft" || !round.contains("opening")) return nullptr;
  const std::string me = c.me.value("user", c.me.value("id", ""));
  for (const auto& k : core.items(c, round_path(round.value("id", "")) + "/keyholders"))
    if (k.value("account", "") == me)
      return {{"number", k.value("number", 0)},
              {"threshold", round["opening"].value("threshold", 2)},
              {"submittedAt", k.value("submittedAt", "")}};
  return nullptr;
}

// What a keyholder does in a round: hand its share back from the opening time, once.
void keyholder_work(PortalCore& core, const PageContext& c, const json& r, json& w,
                    const FailedForm* failed) {
  const json k = keyholder_of(core, c, r);
  if (k.is_null()) return;
  const std::string phase = r.value("phase", "draft"), id = r.value("id", "");
  w["notes"].push_back(
      c.t("keyholder_note", {{"number", std::to_string(k.value("number", 0))},
                             {"threshold", std::to_string(k["threshold"].get<int>())}}));
  if (!k.value("submittedAt", "").empty())
    w["notes"].push_back(
        c.t("keyholder_handed_back", {{"at", c.date(k.value("submittedAt", ""))}}));
  else if (phase == "awaiting-opening")
    w["forms"]["share"] = form_view(id, "share", failed);
  else if (phase == "bidding" || phase == "sealed")
    w["notes"].push_back(
        c.t("keyholder_at_opening", {{"at", c.date(r["timeline"].value("bidOpening", ""))}}));
}

bool on_panel(PortalCore& core, const PageContext& c, const std::string& round_id) {
  try {
    const json panel = core.get(c, round_path(round_id) + "/panel");
    for (const auto& m : panel.value("members", json::array()))
      if ((m.is_string() ? m.get<std::string>() : m.value("id", "")) == c.me.value("org", ""))
        return true;
  } catch (const PageError&) {
  }
  return false;
}

// The office's pending clarification questions of a round taking bids, each with its answer form.
void questions_to_answer(PortalCore& core, const PageContext& c, const std::string& id, json& w,
                         const FailedForm* failed) {
  json pending = json::array();
  for (const auto& q : pages::questions_view(core, c, id)) {
    if (q.value("answered", false)) continue;
    json item = q;
    item["form"] = form_view(id, "answer-" + q.value("number", ""), failed);
    item["formId"] = "answer-" + id + "-" + q.value("number", "");
    pending.push_back(item);
  }
  if (!pending.empty()) w["questions"] = pending;
}

json round_workspace(PortalCore& core, const PageContext& c, const json& r,
                     const FailedForm* failed) {
  const std::string id = r.value("id", ""), phase = r.value("phase", "draft"),
                    status = r.value("status", "draft"), role = c.role();
  const std::string org = c.me.value("org", "");
  json w = {{"id", id},
            {"title", r.value("title", id)},
            {"href", "/rounds/" + url_part(id)},
            {"phase", c.t("phase_" +
                          [&] {
                            std::string k = phase;
                            std::replace(k.begin(), k.end(), '-', '_');
                            return k;
                          }())},
            {"forms", json::object()},
            {"notes", json::array()}};
  json& forms = w["forms"];
  if (role == "office") {
    if (status == "draft") forms["publish"] = form_view(id, "publish", failed);
    if (status == "opened" ||
        (status == "awarded" && !r.value("heldGroups", json::array()).empty()))
      forms["award"] = form_view(id, "award", failed);
    // The panel is drawn after the deadline, its seed fixed by the bids' commitments and the
    // secret the round committed to at publication (unsealed with the keyholder passphrase).
    if (phase == "bidding") w["notes"].push_back(c.t("note_panel_after_deadline"));
    if (phase == "sealed" || phase == "awaiting-opening" || phase == "opened") {
      bool drawn = true;
      try {
        core.get(c, round_path(id) + "/panel");
      } catch (const PageError&) {
        drawn = false;
      }
      if (!drawn) {
        const json fixed = r.value("draws", json::object()).value("panel", json::object());
        json form = form_view(id, "panel", failed);
        form["panelFixed"] =
            c.t("note_panel_fixed", {{"size", std::to_string(fixed.value("size", 3))}});
        forms["panel"] = form;
      }
    }
    forms["observer"] = form_view(id, "observer", failed);
    if (phase == "bidding") questions_to_answer(core, c, id, w, failed);
  } else if (role == "institution") {
    pages::institution_work(core, c, r, w, failed);
  } else if (role == "enterprise") {
    if (status == "draft") {  // the basic attributes asked in the round's own names and order
      forms["product"] = form_view(id, "product", failed, {{"unit", "piece"}});
      std::string names;
      for (const auto& a : r.value("attributes", json::array()))
        names += (names.empty() ? "" : "; ") + a.get<std::string>();
      forms["product"]["attributeNames"] = names;
    }
    if (phase == "bidding") {
      json bid = form_view(id, "bid", failed);
      json options = json::array();
      auto d = core.round_data(c, id);
      const json& ceilings = *pages::round_ceilings(core, c, *d);
      const std::string currency = r.value("currency", "");
      const auto own = d->products_of.find(org);
      for (const auto& pid :
           own == d->products_of.end() ? std::vector<std::string>{} : own->second) {
        const json& p = d->products.at(pid);
        const std::string ceiling = ceilings.value(pid, "");
        options.push_back(
            {{"value", pid},
             {"label",
              pid + " · " + text_of(p, "name") + " · " +
                  (ceiling.empty() ? c.t("notice_no_ceiling")
                                   : c.t("bid_ceiling", {{"price", c.money(ceiling, currency)},
                                                         {"unit", pages::comparable_unit(c, p)}}))},
             {"selected", bid["values"].value("productId", "") == pid}});
      }
      bid["currency"] = currency;
      bid["products"] = options;
      if (!options.empty()) forms["bid"] = bid;  // an enterprise with no product here bids nothing
      json mine = json::array();
      for (const auto& b : core.items(c, round_path(id) + "/my-bids"))
        mine.push_back({{"id", b.value("id", "")},
                        {"commitment", b.value("commitment", "")},
                        {"submittedAt", c.date(b.value("updatedAt", ""))},
                        {"status", c.t("bidstatus_" + b.value("status", ""))},
                        {"active", b.value("status", "") == "submitted"},
                        {"withdraw", "/workspace/rounds/" + url_part(id) + "/withdraw"}});
      w["myBids"] = mine;
      w["hasBids"] = !mine.empty();
      forms["question"] = form_view(id, "question", failed);
    }
    pages::enterprise_work(core, c, r, w, failed);
  } else if (role == "expert") {
    if (on_panel(core, c, id)) {
      w["onPanel"] = true;
      if (status == "opened") {
        // The products awaiting an access price: those that negotiate and have none yet.
        json form = form_view(id, "access-price", failed);
        json awaiting =
            pages::awaiting_access_prices(core, c, id, form["values"].value("productId", ""));
        form["awaiting"] = awaiting;
        form["awaitingCount"] = c.count(static_cast<long long>(awaiting.size()));
        forms["access"] = form;
      } else
        w["notes"].push_back(c.t("note_access_after_opening"));
    }
  } else if (role == "observer") {
    if (observer_of(core, c, id)) {
      w["assigned"] = true;
      if (status != "draft") {
        // Only stages that have happened; "" is the round as a whole.
        json form = form_view(id, "observation", failed);
        const ObservedRound reached{r.value("publishedAt", ""),
                                    r["timeline"].value("bidDeadline", ""), r.value("openedAt", ""),
                                    r.value("awardedAt", "")};
        const std::string chosen = form["values"].value("stage", "");
        json stages = json::array({{{"value", ""}, {"label", c.t("stage_whole")}}});
        for (const auto& st : stages_happened(reached, core.now_utc()))
          stages.push_back(
              {{"value", st}, {"label", c.t("observed_stage_" + st)}, {"selected", st == chosen}});
        form["stages"] = stages;
        if (form.value("warning", false)) form["preview"] = form["values"].value("text", "");
        forms["observation"] = form;
      }
      if (status == "opened" || status == "awarded") {
        forms["report"] = form_view(id, "report", failed);
        const json record = core.get(c, round_path(id) + "/evaluation");
        json bids = json::array();
        for (const auto& b : record.value("bids", json::array()))
          bids.push_back({{"product", b.value("productId", "")},
                          {"enterprise", b.value("enterpriseId", "")},
                          {"price", c.money(b.value("price", ""), r.value("currency", ""))},
                          {"commitmentValid", b.value("commitmentValid", false)},
                          {"status", c.t("bidstatus_" + b.value("status", ""))}});
        if (bids.size() > 200) bids.erase(bids.begin() + 200, bids.end());
        w["record"] = {
            {"bids", bids},
            {"bidCount",
             c.count(static_cast<long long>(record.value("bids", json::array()).size()))},
            {"accessPrices",
             c.count(static_cast<long long>(record.value("accessPrices", json::array()).size()))},
            {"observations",
             c.count(static_cast<long long>(record.value("observations", json::array()).size()))},
            {"href", round_path(id) + "/evaluation"}};
      }
    }
  }
  if (role == "office" || role == "observer" || role == "auditor")
    keyholder_work(core, c, r, w, failed);
  const bool participant =
      role == "enterprise" && status != "draft" && core.round_data(c, id)->enterprises.count(org);
  if (role == "office" || participant || w.value("assigned", false))
    pages::complaint_work(core, c, r, participant || w.value("assigned", false), w, failed);
  w["hasForms"] =
      !forms.empty() || !w["notes"].empty() || w.contains("record") || w.contains("myBids") ||
      w.contains("demandLines") || w.contains("agreedVolumes") || w.contains("myAwards") ||
      w.contains("questions") || w.contains("complaintsToAnswer") || w.contains("myComplaints");
  return w;
}

ApiResponse workspace(PortalCore& core, PageContext& c, const FailedForm* failed = nullptr,
                      int status = 200, json extra = json::object()) {
  if (!c.signed_in()) return redirect("/login?next=%2Fworkspace");
  json rounds = json::array();
  for (const auto& r : core.rounds(c)) {
    json w = round_workspace(core, c, r, failed);
    if (w["hasForms"].get<bool>() || c.role() == "office") rounds.push_back(w);
  }
  const std::string done = c.query("done");
  json view = {{"rounds", rounds},
               {"role", c.t("role_" + c.role())},
               {"is_" + c.role(), true},
               {"done", done.empty() ? "" : c.t("done_" + done)},
               {"title", c.t("nav_workspace")}};
  if (c.role() == "office" || c.role() == "observer" || c.role() == "auditor") {
    json key = form_view("platform", "keyholder-key", failed);
    key["action"] = "/workspace/keyholder-key";
    try {
      key["publicKey"] = core.get(c, "/api/me/keyholder-key").value("publicKey", "");
    } catch (const PageError&) {  // none set yet
    }
    view["keyholderKey"] = key;
  }
  if (c.role() == "expert") {  // the expert's declared interests, and a form for another
    json form = form_view("platform", "interest", failed);
    form["action"] = "/workspace/interest";
    json interests = json::array();
    for (const auto& e : core.items(c, "/api/experts"))
      if (e.value("id", "") == c.me.value("org", ""))
        interests = e.value("interests", json::array());
    form["interests"] = interests;
    form["hasInterests"] = !interests.empty();
    view["interest"] = form;
  }
  json password = form_view("platform", "password", failed);
  password["action"] = "/workspace/password";
  password["values"] = json::object();  // a password is never written back into a page
  view["password"] = password;
  if (c.role() == "office") {
    json form = form_view("platform", "reference-prices", failed);
    form["action"] = "/workspace/reference-prices";
    form["count"] =
        c.count(core.get(c, "/api/reference-prices", {{"limit", "1"}}).value("total", 0L));
    view["referencePrices"] = form;
  }
  if (failed) view["error"] = failed->message;
  for (auto& [k, v] : extra.items()) view[k] = v;
  return core.html(c, "workspace", view, status);
}

json body_of(const PageContext& c, const std::string& form, const std::string& org) {
  auto pick = [&](std::initializer_list<const char*> keys) {
    json b = json::object();
    for (const char* k : keys)
      if (!c.field(k).empty()) b[k] = c.field(k);
    return b;
  };
  if (form == "panel") return pick({"passphrase"});
  if (form == "password") {
    if (c.field("newPassword") != c.field("confirmPassword"))
      throw FormError(422, c.t("password_mismatch"),
                      {{"confirmPassword", c.t("password_mismatch")}});
    return pick({"currentPassword", "newPassword"});
  }
  if (form == "observer") return pick({"user"});
  if (form == "share" || form == "keyholder-key") return pick({"passphrase"});
  if (form == "product") {
    json b = pick({"productId", "name", "category", "unit", "strength", "registrationId",
                   "registrationValidUntil", "classificationScheme", "classificationId"});
    for (const char* k : {"basic", "additional"})
      if (!c.field(k).empty()) b[k] = split_list(c.field(k));
    b["enterpriseId"] = org;
    return json::array({b});
  }
  if (form == "bid") return pick({"productId", "price"});
  if (form == "question") return pick({"subject", "question", "group"});
  if (form == "interest") return pick({"enterprise"});
  if (form == "complaint") return pick({"stage", "group", "subject", "grounds", "rule", "remedy"});
  if (form.rfind("complaint-answer-", 0) == 0) return pick({"decision", "reasoning"});
  if (form.rfind("answer-", 0) == 0) return pick({"answer"});
  if (form == "access-price") return json::array({pick({"productId", "accessPrice"})});

  if (form == "observation") return pick({"text", "stage"});
  if (form == "report") {  // findings and recommendations one a line
    json b = pick({"opinion", "summary"});
    for (const char* k : {"findings", "recommendations"}) b[k] = split_trimmed(c.field(k), '\n');
    return b;
  }
  return nullptr;
}

// The API route each form posts to.
std::string target_of(const std::string& round_id, const std::string& form,
                      const std::string& c_org) {
  static const std::map<std::string, std::string> kTargets = {{"publish", "/publish"},
                                                              {"share", "/shares"},
                                                              {"award", "/award"},
                                                              {"panel", "/panel"},
                                                              {"observer", "/observers"},
                                                              {"demand-csv", "/demand"},
                                                              {"demand-pick", "/demand"},
                                                              {"offer", "/offers"},
                                                              {"product", "/products"},
                                                              {"bid", "/bids"},
                                                              {"question", "/questions"},
                                                              {"complaint", "/complaints"},
                                                              {"access-price", "/access-prices"},
                                                              {"observation", "/observations"},
                                                              {"report", "/observer-reports"}};
  if (form == "reference-prices") return "/api/reference-prices";  // the platform's, not a round's
  if (form == "keyholder-key") return "/api/me/keyholder-key";
  if (form == "password") return "/api/me/password";
  if (form == "interest") return "/api/experts/" + url_part(c_org) + "/interests";
  if (form.rfind("answer-", 0) == 0)
    return round_path(round_id) + "/questions/" + url_part(form.substr(7)) + "/answer";
  if (form.rfind("complaint-answer-", 0) == 0)
    return round_path(round_id) + "/complaints/" + url_part(form.substr(17)) + "/answer";
  auto it = kTargets.find(form);
  return it == kTargets.end() ? "" : round_path(round_id) + it->second;
}

// The demand flags of an answer, in the visitor's words.
json demand_flags(const PageContext& c, const json& answer) {
  json flags = json::array();
  for (const auto& f : answer.value("flags", json::array()))
    flags.push_back(c.t("demand_flag", {{"key", f.value("productRegion", "")},
                                        {"reported", c.number(f["reported"].dump())},
                                        {"history", c.number(f["history"].dump())}}));
  return flags;
}

// Demand picked from the catalogue: checked first without storing (a dry run), held for the
// institution to confirm when it would be flagged as far above the base period, then stored.
ApiResponse report_demand(PortalCore& core, PageContext& c, const std::string& round_id) {
  const json lines = pages::picked_demand(core, c, round_id);
  const std::string target = round_path(round_id) + "/demand";
  if (c.field("confirm") != "yes") {
    const json flags = demand_flags(c, core.send(c, "POST", target, lines, {{"dryRun", "true"}}));
    if (!flags.empty()) {
      FailedForm held{round_id, "demand-pick", c.t("demand_confirm_note"), c.form, {}};
      held.warning = true;
      return workspace(core, c, &held, 200, {{"demandFlags", flags}});
    }
  }
  core.send(c, "POST", target, lines);
  return redirect("/workspace?done=demand#round-" + url_part(round_id));
}

ApiResponse act(PortalCore& core, PageContext& c, const std::string& round_id,
                const std::string& form) {
  if (!c.signed_in()) return redirect("/login?next=%2Fworkspace");
  const std::string org = c.me.value("org", "");
  try {
    if (form == "withdraw") {
      core.send(c, "DELETE", round_path(round_id) + "/bids/" + url_part(c.field("bid")), nullptr);
      return redirect("/workspace?done=withdraw#round-" + url_part(round_id));
    }
    // A stage move cannot be undone: it waits for the office to confirm it in the form.
    // An observation is published at once and never changed: the observer sees it first.
    if (form == "observation" && c.field("confirm") != "yes") {
      FailedForm held{round_id, form, c.t("observation_preview_note"), c.form, {}};
      held.warning = true;
      return workspace(core, c, &held, 200);
    }
    if ((form == "publish" || form == "award") && c.field("confirm") != "yes") {
      FailedForm held{round_id, form, c.t("confirm_" + form), c.form, {}};
      held.warning = true;
      return workspace(core, c, &held, 200);
    }
    if (form == "demand-pick") return report_demand(core, c, round_id);
    if (form == "bid" && c.field("confirm") != "yes")
      if (auto warning = pages::bid_warning(core, c, round_id); !warning.empty()) {
        FailedForm held{round_id, form, warning, c.form, {{"price", warning}}};
        held.warning = true;
        return workspace(core, c, &held, 200);
      }
    const std::string target = target_of(round_id, form, org);
    if (target.empty()) throw PageError(404, c.t("error_no_page"));
    // An upload is read only for the role that may post it (reading it costs the server).
    if ((form == "demand-csv" && c.role() != "institution") ||
        (form == "reference-prices" && c.role() != "office"))
      throw FormError(403, c.t("error_role_page"), {});
    json answer;
    if (form == "demand-csv")
      answer = pages::send_upload(core, c, target,
                                  pages::uploaded_rows(c, *table_kind("demand")->codec,
                                                       {{"institutionId", org}}, "quantity"));
    else if (form == "offer")
      answer = core.send(c, "POST", target, pages::offer_rows(core, c, round_id));
    else if (form == "reference-prices")
      answer = pages::send_upload(core, c, target,
                                  pages::uploaded_rows(c, reference_price_codec(), json::object()));
    else
      answer =
          core.send(c, form == "keyholder-key" ? "PUT" : "POST", target, body_of(c, form, org));
    if (form == "bid") {  // post, then redirect: the receipt page reloads without bidding again
      const json receipt = {{"round", round_id},
                            {"id", answer.value("id", "")},
                            {"commitment", answer.value("commitment", "")},
                            {"nonce", answer.value("nonce", "")},
                            {"submittedAt", answer.value("submittedAt", "")},
                            {"product", answer.value("productId", "")},
                            {"price", answer.value("price", "")},
                            {"account", c.me.value("user", "")}};
      std::string set =
          cookie(c, "procura_receipt", pages::receipt_cookie_value(receipt), 3600, true);
      return redirect("/workspace/receipt", {{"Set-Cookie", set}});
    }
    if (form == "demand-csv") {
      const json flags = demand_flags(c, answer);
      if (!flags.empty()) {
        return workspace(core, c, nullptr, 200,
                         {{"done", c.t("done_demand")}, {"demandFlags", flags}});
      }
    }
    if (form.rfind("answer-", 0) == 0)
      return redirect("/workspace?done=answer#round-" + url_part(round_id));
    if (form.rfind("complaint-answer-", 0) == 0)
      return redirect("/workspace?done=complaint_answer#round-" + url_part(round_id));
    return redirect("/workspace?done=" + form +
                    (round_id == "platform" ? "#" + form : "#round-" + url_part(round_id)));
  } catch (const FormError& e) {
    // The API's reasons are English; other languages get the reason's kind in their words first.
    auto local = [&](const std::string& text) {
      const std::string key = "form_error_" + e.code;
      if (c.lang == "en" || c.t(key) == key) return text;
      return c.t(key) + " — " + text;
    };
    FailedForm failed{round_id, form, local(e.what()), c.form, {}};
    for (const auto& [field, text] : e.fields) failed.errors[field] = local(text);
    if (form == "demand-csv" || form == "reference-prices")
      failed.errors = {{"csv", failed.message}};  // the file is the one field
    return workspace(core, c, &failed, e.status >= 400 && e.status < 500 ? e.status : 422);
  }
}

}  // namespace

void add_workspace_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/workspace/rounds/{id}/demand-template.csv",
            [p](PageContext& c, const Params& a) {
              if (!c.signed_in()) return redirect("/login?next=%2Fworkspace");
              return pages::demand_template(*p, c, a[0]);
            });
  core.page("GET", "/workspace", [p](PageContext& c, const Params&) { return workspace(*p, c); });
  core.page("POST", "/workspace/rounds/{id}/{form}",
            [p](PageContext& c, const Params& a) { return act(*p, c, a[0], a[1]); });
  for (const char* form : {"reference-prices", "keyholder-key", "password", "interest"})
    core.page("POST", std::string("/workspace/") + form,
              [p, form](PageContext& c, const Params&) { return act(*p, c, "platform", form); });
}

}  // namespace procura
