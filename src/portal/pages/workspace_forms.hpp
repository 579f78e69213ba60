#pragma once
// The workspace's forms, shared by the page modules that add forms to a round's workspace: a
// refused form shown again with what was typed and the API's reasons by field. Not for use
// outside src/portal.
#include <map>
#include <string>

#include "portal/portal_support.hpp"

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
}  // namespace pages

}  // namespace procura
