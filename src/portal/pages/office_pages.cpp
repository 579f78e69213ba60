// The office's back office: a new round from a rule profile (its rules in plain words beside the
// choice), accounts for the organisations taking part, and per round its progress (who reported
// demand, which enterprises declared products, bids received, complaints and questions due), its
// tables (counts, downloads, uploads as CSV or XLSX) and its timeline (checked as a round.json's
// is). Every write goes through the API as the signed-in office; nothing here decides a rule.
#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "portal/pages/page_helpers.hpp"
#include "portal/pages/workspace_forms.hpp"
#include "portal/portal_support.hpp"
#include "records/catalogue.hpp"
#include "tender/profile.hpp"

namespace procura {

namespace {

using pages::text_of;

// The tables the office supplies or completes before publication, in the order a round is built.
const char* const kOfficeTables[] = {"regions", "institutions", "enterprises", "products",
                                     "history", "demand",       "ceilings"};
const char* const kAccountRoles[] = {"institution", "enterprise", "expert", "observer",
                                     "insurer",     "auditor",    "office"};

std::string api_round(const std::string& id) {
  return "/api/rounds/" + url_part(id);
}
std::string office_round(const std::string& id) {
  return "/workspace/office/rounds/" + url_part(id);
}

void office_only(const PageContext& c) {
  if (c.role() != "office") throw PageError(403, c.t("error_office_only"));
}

// "2026-07-01T09:00" (a datetime-local input, read as UTC) or a full UTC time, as the API's text.
std::string utc_of(const std::string& local) {
  if (local.size() == 16 && local[10] == 'T') return local + ":00Z";
  if (local.size() == 19 && local[10] == 'T') return local + "Z";
  return local;
}
// A UTC time as a datetime-local input's value ("2026-07-01T09:00:00").
std::string local_of(const std::string& utc) {
  return utc.size() == 20 && utc.back() == 'Z' ? utc.substr(0, 19) : utc;
}

// The API's field names for the form's ("timeline.bidDeadline" is the form's bidDeadline).
FormError on_form_fields(const FormError& e) {
  FormError out = e;
  out.fields.clear();
  for (const auto& [field, text] : e.fields) {
    std::string f = field;
    if (f.rfind("timeline.", 0) == 0) f = f.substr(9);
    if (f == "buyer.id") f = "buyerId";
    if (f == "buyer.name") f = "buyerName";
    out.fields[f] = text;
  }
  return out;
}

json timeline_body(const PageContext& c) {
  json t = json::object();
  if (!c.field("basePeriod").empty()) t["basePeriod"] = c.field("basePeriod");
  for (const char* k : {"bidDeadline", "bidOpening", "negotiationEnd"})
    if (!c.field(k).empty()) t[k] = utc_of(c.field(k));
  if (!c.field("contractStart").empty()) t["contractStart"] = c.field("contractStart");
  return t;
}

json profile_options(const std::string& chosen) {
  json out = json::array();
  for (const auto& p : builtin_profiles()) {
    json rules = json::array();
    for (const auto& line : explain_profile(p)) rules.push_back(line);
    out.push_back({{"value", p.id},
                   {"label", p.title.empty() ? p.id : p.id + " · " + p.title},
                   {"selected", p.id == chosen},
                   {"rules", rules}});
  }
  return out;
}

long total_of(PortalCore& core, const PageContext& c, const std::string& path) {
  return core.get(c, path, {{"limit", "1"}}).value("total", 0L);
}

// How far a round has come: what the office follows before each stage move.
json progress_of(PortalCore& core, const PageContext& c, const json& r) {
  const std::string id = r.value("id", "");
  auto d = core.round_data(c, id);
  // The organisations of a table that have (`with`) and have not yet (`without`) done their part,
  // each with how many of it: institutions' demand lines, enterprises' products.
  auto sorted_by = [&](const std::map<std::string, json>& orgs, const auto& done, const char* what,
                       json& with, json& without) {
    with = json::array(), without = json::array();
    for (const auto& [oid, org] : orgs) {
      auto it = done.find(oid);
      const long n = it == done.end() ? 0 : static_cast<long>(it->second.size());
      (n > 0 ? with : without)
          .push_back({{"id", oid}, {"name", text_of(org, "name")}, {what, c.count(n)}});
    }
  };
  json reported, missing, declared, silent;
  sorted_by(d->institutions, d->demand_of, "lines", reported, missing);
  sorted_by(d->enterprises, d->products_of, "products", declared, silent);
  json p = {{"institutions", c.count(static_cast<long long>(d->institutions.size()))},
            {"reported", reported},
            {"reportedCount", c.count(static_cast<long long>(reported.size()))},
            {"missing", missing},
            {"hasMissing", !missing.empty()},
            {"enterprises", c.count(static_cast<long long>(d->enterprises.size()))},
            {"declared", declared},
            {"declaredCount", c.count(static_cast<long long>(declared.size()))},
            {"silent", silent},
            {"hasSilent", !silent.empty()},
            {"products", c.count(static_cast<long long>(d->products.size()))}};
  if (r.value("status", "draft") != "draft") {
    const json bids = core.get(c, api_round(id) + "/bid-count");
    p["bids"] = c.count(bids.value("received", 0L));
    p["withdrawn"] = c.count(bids.value("withdrawn", 0L));
    p["taking"] = true;
  }
  const std::string now = core.now_utc();
  json complaints = json::array();
  for (const auto& o : core.items(c, api_round(id) + "/complaints"))
    if (o.value("status", "") == "pending")
      complaints.push_back({{"number", o.value("id", "").substr(o.value("id", "").rfind('/') + 1)},
                            {"subject", o.value("subject", "")},
                            {"stage", c.t("complaint_stage_" + o.value("stage", ""))},
                            {"due", c.date(o.value("answerDue", ""))},
                            {"overdue", now > o.value("answerDue", "")}});
  json questions = json::array();
  for (const auto& q : core.items(c, api_round(id) + "/questions", {{"limit", "1000"}}))
    if (q.value("status", "") != "answered")
      questions.push_back({{"subject", q.value("subject", "")},
                           {"due", c.date(q.value("answerDue", ""))},
                           {"overdue", q.value("overdue", false)}});
  p["complaints"] = complaints;
  p["complaintsDue"] = c.count(static_cast<long long>(complaints.size()));
  p["questions"] = questions;
  p["questionsDue"] = c.count(static_cast<long long>(questions.size()));
  return p;
}

json round_line(PortalCore& core, const PageContext& c, const json& r) {
  const std::string id = r.value("id", "");
  return {{"id", id},
          {"title", r.value("title", id)},
          {"href", office_round(id)},
          {"phase", c.t("phase_" + pages::key_of(r.value("phase", "draft")))},
          {"progress", progress_of(core, c, r)}};
}

// The confirmation a redirect asked for: one of the office's own, never the link's words.
std::string done_text(const PageContext& c) {
  const std::string done = c.query("done"), rows = c.query("rows");
  if (done == "created" || done == "timeline") return c.t("done_office_" + done);
  if (done == "table" && !rows.empty() && rows.size() < 7 &&
      rows.find_first_not_of("0123456789") == std::string::npos)
    return c.t("done_office_table", {{"rows", rows}});
  return "";
}

ApiResponse office_home(PortalCore& core, PageContext& c, const FailedForm* failed = nullptr,
                        int status = 200) {
  if (!c.signed_in()) return redirect("/login?next=%2Fworkspace%2Foffice");
  office_only(c);
  const auto rounds = core.rounds(c);
  // A new round starts from the newest one's buyer, currency, attributes and profile.
  std::map<std::string, std::string> defaults = {
      {"currency", "CNY"}, {"ocidPrefix", "ocds-procura"}, {"profile", "alliance-3n-iol-2020"}};
  if (!rounds.empty()) {
    const json& last = rounds.back();
    defaults["currency"] = last.value("currency", "CNY");
    defaults["ocidPrefix"] = last.value("ocidPrefix", "ocds-procura");
    defaults["buyerId"] = last.value("buyer", json::object()).value("id", "");
    defaults["buyerName"] = last.value("buyer", json::object()).value("name", "");
    if (last.contains("profile") && last["profile"].is_string())
      defaults["profile"] = last["profile"].get<std::string>();
    std::string attrs;
    for (const auto& a : last.value("attributes", json::array()))
      attrs += (attrs.empty() ? "" : ", ") + a.get<std::string>();
    defaults["attributes"] = attrs;
  }
  json fresh = form_view("platform", "new-round", failed, defaults);
  fresh["action"] = "/workspace/office/new-round";
  fresh["profiles"] = profile_options(fresh["values"].value("profile", ""));
  json account = form_view("platform", "account", failed);
  account["action"] = "/workspace/office/account";
  account["values"].erase("password");
  account["values"].erase("confirmPassword");
  json roles = json::array();
  for (const char* role : kAccountRoles)
    roles.push_back({{"value", role},
                     {"label", c.t(std::string("role_") + role)},
                     {"selected", account["values"].value("role", "") == role}});
  account["roles"] = roles;
  std::set<std::string> orgs;  // the organisations the rounds name, for the account form
  json lines = json::array();
  for (auto it = rounds.rbegin(); it != rounds.rend(); ++it) {
    lines.push_back(round_line(core, c, *it));
    auto d = core.round_data(c, it->value("id", ""));
    for (const auto& [k, v] : d->institutions) orgs.insert(k);
    for (const auto& [k, v] : d->enterprises) orgs.insert(k);
  }
  account["orgs"] = json(std::vector<std::string>(orgs.begin(), orgs.end()));
  json view = {{"title", c.t("office_title")},
               {"newRound", fresh},
               {"account", account},
               {"rounds", lines},
               {"done", c.query("done") == "account" ? c.t("done_account") : ""}};
  if (failed) view["error"] = failed->message;
  return core.html(c, "office", view, status);
}

ApiResponse office_round_page(PortalCore& core, PageContext& c, const std::string& id,
                              const FailedForm* failed = nullptr, int status = 200) {
  if (!c.signed_in()) return redirect("/login?next=" + url_part(office_round(id)));
  office_only(c);
  const json r = core.get(c, api_round(id));
  const bool draft = r.value("status", "draft") == "draft";
  json tables = json::array();
  for (const char* name : kOfficeTables)
    tables.push_back({{"name", name},
                      {"title", c.t(std::string("document_") + name)},
                      {"count", c.count(total_of(core, c, api_round(id) + "/" + name))},
                      {"href", "/data/rounds/" + url_part(id) + "/tables/" + name + ".csv"}});
  json view = {{"title", c.t("office_round_title", {{"round", r.value("title", id)}})},
               {"round",
                {{"id", id},
                 {"title", r.value("title", id)},
                 {"href", "/rounds/" + url_part(id)},
                 {"phase", c.t("phase_" + pages::key_of(r.value("phase", "draft")))}}},
               {"progress", progress_of(core, c, r)},
               {"tables", tables},
               {"workspaceHref", "/workspace#round-" + url_part(id)},
               {"done", done_text(c)}};
  if (draft) {
    json upload = form_view(id, "table", failed);
    upload["action"] = office_round(id) + "/table";
    json options = json::array();
    for (const char* name : kOfficeTables)
      options.push_back({{"value", name},
                         {"label", c.t(std::string("document_") + name)},
                         {"selected", upload["values"].value("table", "") == name}});
    upload["tables"] = options;
    view["upload"] = upload;
    const json t = r.value("timeline", json::object());
    json timeline = form_view(id, "timeline", failed,
                              {{"basePeriod", t.value("basePeriod", "")},
                               {"bidDeadline", local_of(t.value("bidDeadline", ""))},
                               {"bidOpening", local_of(t.value("bidOpening", ""))},
                               {"negotiationEnd", local_of(t.value("negotiationEnd", ""))},
                               {"contractStart", t.value("contractStart", "")}});
    timeline["action"] = office_round(id) + "/timeline";
    view["timeline"] = timeline;
  }
  if (failed) view["error"] = failed->message;
  return core.html(c, "office_round", view, status);
}

FailedForm failed_of(const PageContext& c, const std::string& round, const std::string& form,
                     const FormError& e) {
  FailedForm f{round, form, e.what(), c.form, {}};
  for (const auto& [field, text] : e.fields) f.errors[field] = text;
  f.values.erase("xlsx");  // a workbook is chosen again, never written back into the page
  f.values.erase("fileName");
  return f;
}

ApiResponse office_act(PortalCore& core, PageContext& c, const std::string& form) {
  if (!c.signed_in()) return redirect("/login?next=%2Fworkspace%2Foffice");
  office_only(c);
  try {
    if (form == "new-round") {
      const json attributes = split_trimmed(c.field("attributes"), ',');
      json body = {{"id", c.field("id")},
                   {"title", c.field("title")},
                   {"ocidPrefix", c.field("ocidPrefix")},
                   {"currency", c.field("currency")},
                   {"buyer", {{"id", c.field("buyerId")}, {"name", c.field("buyerName")}}},
                   {"attributes", attributes},
                   {"profile", c.field("profile")},
                   {"timeline", timeline_body(c)}};
      core.send(c, "POST", "/api/rounds", body);
      return redirect(office_round(c.field("id")) + "?done=created");
    }
    if (form == "account") {
      if (c.field("password") != c.field("confirmPassword"))
        throw FormError(422, c.t("password_mismatch"),
                        {{"confirmPassword", c.t("password_mismatch")}});
      json body = {
          {"id", c.field("id")}, {"role", c.field("role")}, {"password", c.field("password")}};
      if (!c.field("name").empty()) body["name"] = c.field("name");
      if (!c.field("org").empty()) body["org"] = c.field("org");
      core.send(c, "POST", "/api/users", body);
      return redirect("/workspace/office?done=account#account");
    }
    throw PageError(404, c.t("error_no_page"));
  } catch (const FormError& e) {
    const FailedForm f = failed_of(c, "platform", form, on_form_fields(e));
    return office_home(core, c, &f, e.status >= 400 && e.status < 500 ? e.status : 422);
  }
}

ApiResponse office_round_act(PortalCore& core, PageContext& c, const std::string& id,
                             const std::string& form) {
  if (!c.signed_in()) return redirect("/login?next=" + url_part(office_round(id)));
  office_only(c);
  try {
    if (form == "table") {
      const std::string table = c.field("table");
      if (std::find_if(std::begin(kOfficeTables), std::end(kOfficeTables),
                       [&](const char* t) { return table == t; }) == std::end(kOfficeTables))
        throw FormError(422, c.t("office_pick_table"), {{"table", c.t("office_pick_table")}});
      const pages::Upload up = pages::uploaded_rows(c, *table_kind(table)->codec, json::object());
      const json answer = pages::send_upload(core, c, api_round(id) + "/" + table, up);
      return redirect(office_round(id) + "?done=table&rows=" +
                      std::to_string(answer.value("stored", json::array()).size()) + "#tables");
    }
    if (form == "timeline") {
      core.send(c, "PUT", api_round(id) + "/timeline", timeline_body(c));
      return redirect(office_round(id) + "?done=timeline#timeline");
    }
    throw PageError(404, c.t("error_no_page"));
  } catch (const FormError& e) {
    const FailedForm f = failed_of(c, id, form, on_form_fields(e));
    return office_round_page(core, c, id, &f, e.status >= 400 && e.status < 500 ? e.status : 422);
  }
}

}  // namespace

void add_office_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/workspace/office",
            [p](PageContext& c, const Params&) { return office_home(*p, c); });
  core.page("POST", "/workspace/office/{form}",
            [p](PageContext& c, const Params& a) { return office_act(*p, c, a[0]); });
  core.page("GET", "/workspace/office/rounds/{id}",
            [p](PageContext& c, const Params& a) { return office_round_page(*p, c, a[0]); });
  core.page("POST", "/workspace/office/rounds/{id}/{form}",
            [p](PageContext& c, const Params& a) { return office_round_act(*p, c, a[0], a[1]); });
}

}  // namespace procura
