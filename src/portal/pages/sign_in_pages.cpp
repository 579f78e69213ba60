// Signing in and out, and the bid receipt kept in the bidder's browser: the session cookie, the
// watchlist this browser followed joined to the account's, and a receipt page that reloads and
// prints without bidding again.
#include <sodium.h>

#include "portal/pages/workspace_forms.hpp"
#include "portal/portal_support.hpp"

namespace procura {

namespace {

// A bid receipt kept in the bidder's browser only (an HttpOnly cookie for the receipt page, for an
// hour, dropped at sign-in and sign-out, shown to the account that bid), so that the page can be
// reloaded and printed without submitting the bid again.
}  // namespace

namespace pages {
std::string receipt_cookie_value(const json& receipt) {
  const std::string text = receipt.dump();
  std::string out(sodium_base64_encoded_len(text.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                    text.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();  // the terminating NUL
  return out;
}
}  // namespace pages

namespace {

json receipt_of_cookie(const std::string& value) {
  std::string bytes(value.size(), '\0');
  std::size_t len = 0;
  if (value.empty() || sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()),
                                         bytes.size(), value.data(), value.size(), nullptr, &len,
                                         nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return nullptr;
  bytes.resize(len);
  json j = json::parse(bytes, nullptr, false);
  return j.is_object() ? j : json();
}

ApiResponse receipt_page(PortalCore& core, PageContext& c) {
  if (!c.signed_in()) return redirect("/login?next=%2Fworkspace");
  std::string value;
  for (std::size_t at = 0; at < c.request.cookie.size();) {
    auto end = c.request.cookie.find(';', at);
    if (end == std::string::npos) end = c.request.cookie.size();
    std::string pair = c.request.cookie.substr(at, end - at);
    pair.erase(0, pair.find_first_not_of(' '));
    if (pair.rfind("procura_receipt=", 0) == 0) value = pair.substr(16);
    at = end + 1;
  }
  json receipt = receipt_of_cookie(value);
  // Its price and nonce are its account's: not shown to another signed in on this browser.
  if (receipt.is_null() || receipt.value("account", "") != c.me.value("user", ""))
    throw PageError(404, c.t("error_no_receipt"));
  receipt["roundHref"] = "/rounds/" + url_part(receipt.value("round", ""));
  receipt["submittedAtText"] = c.date(receipt.value("submittedAt", ""));
  return core.html(c, "receipt", {{"receipt", receipt}, {"title", c.t("receipt_title")}});
}

ApiResponse login_page(PortalCore& core, PageContext& c, const std::string& error = "",
                       int status = 200) {
  const std::string next =
      local_target(c.query("next").empty() ? c.field("next") : c.query("next"), "/workspace");
  json view = {
      {"next", next}, {"user", c.field("user")}, {"error", error}, {"title", c.t("login_title")}};
  return core.html(c, "login", view, status);
}

ApiResponse login(PortalCore& core, PageContext& c) {
  try {
    const json answer = core.send(c, "POST", "/api/login",
                                  {{"user", c.field("user")}, {"password", c.field("password")}});
    const std::string next = local_target(c.field("next"), "/workspace");
    // What this browser followed before signing in joins the account's watchlist (a cookie
    // the account's list refuses, edited by hand or too long, is left out: signing in goes on).
    c.token = answer.value("token", "");
    if (!c.watch.empty()) {
      try {
        json items = core.get(c, "/api/me/watchlist").value("items", json::array());
        for (const auto& item : c.watch)
          if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
        core.send(c, "PUT", "/api/me/watchlist", {{"items", items}});
      } catch (const FormError&) {
      }
    }
    return redirect(next, {{"Set-Cookie", cookie(c, "procura_session", answer.value("token", ""),
                                                 answer.value("expiresIn", 3600L), true)},
                           {"Set-Cookie", cookie(c, "procura_receipt", "", 0, true)}});
  } catch (const FormError& e) {
    return login_page(core, c, e.status == 429 ? c.t("login_too_many") : c.t("login_failed"),
                      e.status);
  }
}

}  // namespace

void add_sign_in_pages(PortalCore& core) {
  PortalCore* p = &core;
  core.page("GET", "/login", [p](PageContext& c, const Params&) { return login_page(*p, c); });
  core.page("POST", "/login", [p](PageContext& c, const Params&) { return login(*p, c); });
  core.page("POST", "/logout", [p](PageContext& c, const Params&) {
    if (c.signed_in()) {  // the session ends on the server, not only in this browser
      try {
        p->send(c, "POST", "/api/logout", nullptr);
      } catch (const FormError&) {
      }
    }
    return redirect("/", {{"Set-Cookie", cookie(c, "procura_session", "", 0, true)},
                          {"Set-Cookie", cookie(c, "procura_receipt", "", 0, true)}});
  });
  core.page("GET", "/workspace/receipt",
            [p](PageContext& c, const Params&) { return receipt_page(*p, c); });
}

}  // namespace procura
