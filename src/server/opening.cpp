#include "server/opening.hpp"

#include <algorithm>

#include "platform/opening_shares.hpp"
#include "records/round_repository.hpp"
#include "server/stage_releases.hpp"
#include "tender/commitment.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

// The keyholder key an account has set ("" for none).
std::string key_of(PlatformStore& store, const std::string& account) {
  auto r = store.latest("keyholder-key", account);
  return r ? json::parse(r->data).value("publicKey", "") : "";
}

}  // namespace

int opening_threshold(const json& round) {
  return RoundRepository::rules_of(round).profile.opening_threshold;
}

std::vector<Keyholder> keyholders_for(ApiCore& core, const RequestScope& s,
                                      const std::string& round_id, int threshold) {
  PlatformStore& store = core.db();
  std::vector<Keyholder> out;
  std::vector<std::string> missing;
  auto add = [&](const std::string& account, const std::string& role, bool must_have_key) {
    const std::string key = key_of(store, account);
    if (key.empty()) {
      if (must_have_key) missing.push_back(account);
      return;
    }
    out.push_back({account, role, 0, "", key, ""});
  };
  // Every keyholder key set, by role: the platform's office accounts and its auditors.
  std::vector<std::pair<std::string, std::string>> with_keys;
  for (const auto& r : store.list("keyholder-key", "", 0, kAll)) {
    const json d = json::parse(r.data);
    with_keys.emplace_back(d.value("role", ""), d.value("account", ""));
  }
  std::sort(with_keys.begin(), with_keys.end());
  if (s.caller.role == Role::kOffice && store.user(s.caller.user_id))
    add(s.caller.user_id, "office", true);
  else
    for (const auto& [role, account] : with_keys)
      if (role == "office") add(account, "office", false);
  for (const auto& o : store.list("observer", round_id, 0, kAll))
    add(json::parse(o.data).value("user", ""), "observer", true);
  for (const auto& [role, account] : with_keys)
    if (role == "auditor") add(account, "auditor", false);
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "'" : ", '") + m + "'";
    throw ApiError(409, "keyholder_without_key",
                   "the round's keyholders " + names +
                       " have set no keyholder key (PUT /api/me/keyholder-key, or the workspace)");
  }
  if (static_cast<int>(out.size()) < threshold)
    throw ApiError(409, "too_few_keyholders",
                   "the round needs at least " + std::to_string(threshold) +
                       " keyholders with keys (the office, its observers, the auditors); it has " +
                       std::to_string(out.size()));
  for (std::size_t i = 0; i < out.size(); ++i) out[i].number = static_cast<int>(i + 1);
  return out;
}

void split_opening_key(ApiCore& core, RequestScope& s, const std::string& round_id, json& round,
                       const std::vector<Keyholder>& keyholders, int threshold) {
  const KeyPair opening = new_opening_keys();
  const auto shares =
      split_secret(opening.secret_hex, threshold, static_cast<int>(keyholders.size()));
  json names = json::array();
  for (std::size_t i = 0; i < keyholders.size(); ++i) {
    const Keyholder& k = keyholders[i];
    const std::string id = round_id + "/" + k.account;
    const std::string hash = share_hash(round_id, shares[i]);
    core.db().put_opening_share({round_id, k.account, shares[i].number, k.public_key,
                                 seal(k.public_key, shares[i].hex), ""});
    core.put(s, "keyholder", id, round_id,
             {{"round", round_id},
              {"account", k.account},
              {"role", k.role},
              {"number", shares[i].number},
              {"shareHash", hash}});
    names.push_back(k.account);
  }
  round["openingPublicKey"] = opening.public_hex;
  round["opening"] = {{"threshold", threshold}, {"keyholders", names}};
}

void open_bids(ApiCore& core, RequestScope& s, const std::string& round_id, json round,
               const KeyPair& opening) {
  std::vector<Bid> opened;  // as the engine reads them (round_repository.hpp)
  for (const auto& b : core.db().list("bid", round_id, 0, kAll)) {
    auto text = unseal(opening, b.sealed);
    const json secret = text ? json::parse(*text, nullptr, false) : json();
    if (!secret.is_object())
      throw std::runtime_error("bid " + b.id + " cannot be opened with the round's key");
    json pub = json::parse(b.data);
    const std::string price = secret.value("price", "");
    Bid bid{secret.value("productId", ""), parse_price(price).value_or(0),
            secret.value("submittedAt", ""), secret.value("nonce", ""), ""};
    pub["productId"] = bid.product_id;
    pub["enterpriseId"] = secret.value("enterpriseId", "");
    pub["price"] = price;
    pub["nonce"] = bid.nonce;
    pub["submittedAt"] = bid.submitted_at;
    pub["commitmentValid"] = bid_commitment(round_id, bid) == pub.value("commitment", "");
    pub["sealed"] = b.sealed;
    core.put(s, "bid", b.id, round_id, pub, b.sealed, b.owner);
    const bool withdrawn = pub.value("status", "") == "withdrawn";
    opened.push_back({bid.product_id, withdrawn ? 0 : bid.price, bid.submitted_at, bid.nonce,
                      withdrawn ? "" : pub.value("commitment", "")});
  }
  round["status"] = "opened";
  round["openedAt"] = s.now_utc;
  round["openingSecretKey"] = opening.secret_hex;  // anyone can now open the sealed bids
  core.put(s, "round", round_id, round_id, round);
  publish_opening_release(core, s, round_id, round, std::move(opened));
}

KeyPair keyholder_keys_of(const RequestScope& s, const std::string& passphrase,
                          const std::string& refusal) {
  if (passphrase.size() < kMinPassphrase) throw ApiError(422, "invalid", refusal, "passphrase");
  return keyholder_keys(s.caller.user_id, passphrase);
}

PanelCommitment panel_commitment_of(const json& body) {
  PanelCommitment out;
  out.commitment = text_field(body, "drawCommitment", false, 64);
  if (!out.commitment.empty() && !is_draw_secret(out.commitment))  // a BLAKE2b-256: 64 hex
    throw ApiError(422, "invalid",
                   "'drawCommitment' must be the 64 lower-case hex digits of BLAKE2b-256 of "
                   "your secret (procura draw secret makes one)",
                   "drawCommitment");
  if (body.contains("panelSize")) {
    const json& size = body["panelSize"];
    if (!size.is_number_integer() || size.get<long long>() < 1 || size.get<long long>() > 50)
      throw ApiError(422, "invalid", "'panelSize' must be a whole number of members from 1 to 50",
                     "panelSize");
    out.size = size.get<int>();
  }
  out.specialities = string_list(body, "panelSpecialities", false);
  return out;
}

void commit_panel_draw(json& round, const std::vector<Keyholder>& keyholders,
                       const PanelCommitment& panel) {
  json draw = {{"size", panel.size}, {"specialities", panel.specialities}};
  if (!panel.commitment.empty()) {
    draw.update({{"commitment", panel.commitment},
                 {"secretBy", "office"},
                 {"sealedSecrets", json::array()}});
    round["draws"]["panel"] = draw;
    return;
  }
  const std::string secret = new_token();  // 256 fresh bits, kept only sealed
  json sealed = json::array();
  for (const auto& k : keyholders)
    if (k.role == "office")
      sealed.push_back({{"account", k.account}, {"sealedSecret", seal(k.public_key, secret)}});
  if (sealed.empty())
    throw ApiError(409, "no_draw_holder",
                   "no office keyholder has a key to hold the panel draw's secret: set one, or "
                   "publish with your own 'drawCommitment'");
  draw.update({{"commitment", draw_commitment(secret)},
               {"secretBy", "platform"},
               {"sealedSecrets", sealed}});
  round["draws"]["panel"] = draw;
}

std::string revealed_panel_secret(const RequestScope& s, const json& round,
                                  const std::string& secret, const std::string& passphrase) {
  const json draw = round.value("draws", json::object()).value("panel", json::object());
  const std::string commitment = draw.value("commitment", "");
  if (commitment.empty())
    throw ApiError(409, "no_commitment",
                   "the round committed to no draw secret when it was published: its panel "
                   "cannot be drawn unsteered");
  if (secret.empty() == passphrase.empty())
    throw ApiError(422, "invalid",
                   "give the draw's 'secret' (64 hex digits) or your keyholder 'passphrase' "
                   "(the server unseals the secret sealed to your key at publication)",
                   secret.empty() ? "secret" : "passphrase");
  std::string revealed = secret;
  if (!passphrase.empty()) {
    const KeyPair keys =
        keyholder_keys_of(s, passphrase, "this passphrase does not open the draw's secret");
    for (const auto& box : draw.value("sealedSecrets", json::array()))
      if (box.value("account", "") == s.caller.user_id)
        if (auto opened = unseal(keys, box.value("sealedSecret", ""))) revealed = *opened;
    if (revealed.empty())
      throw ApiError(422, "invalid", "this passphrase does not open the draw's secret",
                     "passphrase");
  }
  if (draw_commitment(revealed) != commitment)
    throw ApiError(422, "wrong_secret",
                   "this is not the secret the round committed to (its BLAKE2b-256 differs from "
                   "the published commitment)",
                   "secret");
  return revealed;
}

std::vector<DrawValue> panel_draw_values(ApiCore& core, const std::string& round_id) {
  std::vector<DrawValue> out;
  for (const auto& b : core.db().list("bid", round_id, 0, kAll))
    out.push_back({b.id, json::parse(b.data).value("commitment", "")});
  return out;
}

}  // namespace procura
