#pragma once
// The workspace's forms, shared by the page modules that add forms to a round's workspace: a
// refused form shown again with what was typed and the API's reasons by field. Not for use
// outside src/portal.
#include <map>
#include <string>
#include <vector>

#include "portal/portal_support.hpp"
#include "records/codec.hpp"

namespace procura {

// A form that was refused: where it was, what was typed, and why.
struct FailedForm {
  std::string round, form, message;
  std::map<std::string, std::string> values, errors;
  bool warning = false;  // not refused: held for the visitor to confirm
};

// A form's view: where it posts (/workspace/rounds/{round}/{form}), its values (`defaults`, or
// what was typed when it is the refused one) and the refusal's reasons.
inline json form_view(const std::string& round_id, const std::string& form,
                      const FailedForm* failed, std::map<std::string, std::string> defaults = {}) {
  json f = {{"action", "/workspace/rounds/" + url_part(round_id) + "/" + form},
            {"values", json::object()},
            {"errors", json::object()},
            {"message", ""},
            {"failed", false}};
  for (const auto& [k, v] : defaults) f["values"][k] = v;
  if (failed && failed->round == round_id && failed->form == form) {
    for (const auto& [k, v] : failed->values) f["values"][k] = v;
    for (const auto& [k, v] : failed->errors) f["errors"][k] = v;
    f["message"] = failed->message;
    f["failed"] = true;
    f["fieldErrors"] = !failed->errors.empty();
    f["warning"] = failed->warning;
  }
  return f;
}

namespace pages {
// A bid receipt as the value of the browser's receipt cookie (kept an hour, HttpOnly, shown to the
// account that bid: sign_in_pages.cpp).
std::string receipt_cookie_value(const json& receipt);

// The visitor's name for an uploaded table (the form's `fileName`, its base name, printable, at
// most 100 bytes), or the words for text typed into the form (uploads.cpp).
std::string upload_name(const PageContext& c);

// A table uploaded in a form: its rows decoded, the line (or spreadsheet row) of each, and the
// visitor's name for it.
struct Upload {
  json rows = json::array();
  std::vector<long> lines;
  std::string name;
};

// The rows of a table uploaded in a form: an XLSX workbook (the `xlsx` field, base64) or else
// CSV text (the `csv` field), its header naming the codec's columns in snake_case, each row with
// the `fixed` fields set (they win over the file's). Throws FormError (422, on field `csv`) naming
// the visitor's file, the row and the column, and what was expected.
// Rows whose `skip_without` column (snake_case) is empty are left out (a template's untouched
// lines).
Upload uploaded_rows(const PageContext& c, const Codec& codec, const json& fixed,
                     const std::string& skip_without = "");

// POSTs an upload's rows to `path` through the API; a refusal (FormError on field `csv`) names
// the visitor's file and, for a row the API refuses, its line and column.
json send_upload(PortalCore& core, const PageContext& c, const std::string& path, const Upload& up);

// What a round's workspace holds for complaints: the form of the round's enterprises and assigned
// observers (`may_complain`) for the stages open to a challenge and their own complaints with
// their status; the office's answer form for each pending one (complaint_pages.cpp).
void complaint_work(PortalCore& core, const PageContext& c, const json& round, bool may_complain,
                    json& w, const FailedForm* failed);

// What a bidder should see before its bid goes in (the form's price and product): a price above
// the product's ceiling (the award rejects it) or with more decimals than cents; "" for none, or
// for a price the API will refuse with its own reason (workspace_checks.cpp).
std::string bid_warning(PortalCore& core, const PageContext& c, const std::string& round_id);

// The round's products awaiting an access price (negotiating, none set yet), as options with
// `chosen` selected.
json awaiting_access_prices(PortalCore& core, const PageContext& c, const std::string& id,
                            const std::string& chosen);
// What a round's workspace holds for an institution (`w`): while a draft, the round's catalogue
// to pick demand from (form demand-pick: each product with the base period's purchases in the
// institution's region and its reported quantity), the CSV template's link and the deadline; its
// reported lines; once awarded, its agreed volumes with why (institution_work.cpp).
void institution_work(PortalCore& core, const PageContext& c, const json& round, json& w,
                      const FailedForm* failed);

// What a round's workspace holds for an enterprise (`w`) after the opening: the offer form for
// its negotiating products until the negotiation ends, its offers; once awarded its awards with
// agreed volumes and contracts, its negotiations with the access price and outcome, and its
// products not admitted with the reason (enterprise_work.cpp).
void enterprise_work(PortalCore& core, const PageContext& c, const json& round, json& w,
                     const FailedForm* failed);

// The offer form's row: its product and price, in the round after the enterprise's last offer
// for that product (the API refuses one beyond the profile's rounds).
json offer_rows(PortalCore& core, const PageContext& c, const std::string& round_id);

// The demand lines the pick form changes (fields q.<product> and b.<product>), as the API's rows;
// throws FormError when none changes.
json picked_demand(PortalCore& core, const PageContext& c, const std::string& round_id);

// The round's catalogue as the institution's demand template (product_id, quantity, by_brand;
// its reported quantities filled in).
ApiResponse demand_template(PortalCore& core, const PageContext& c, const std::string& round_id);
}  // namespace pages

}  // namespace procura
