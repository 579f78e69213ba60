// Keyholders: each sets a keyholder key (from a passphrase, or a public key made elsewhere),
// reads its share of a round's opening key sealed to that key, and hands the share back from the
// opening time; the share that completes the threshold opens the bids (server/opening.hpp).
#include <algorithm>
#include <cctype>

#include "platform/opening_shares.hpp"
#include "server/api_support.hpp"
#include "server/opening.hpp"
#include "server/validators.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

class OpeningRoutes {
 public:
  explicit OpeningRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route({"PUT",
                 "/api/me/keyholder-key",
                 "set-keyholder-key",
                 "set your keyholder key (from a passphrase, or a public key)",
                 "",
                 true,
                 {json_body()}},
                [this](auto& s, auto&) { return set_key(s); });
    core_.route({"GET", "/api/me/keyholder-key", "set-keyholder-key", "read your keyholder key",
                 "keyholder-key"},
                [this](auto& s, auto&) { return read_key(s); });
    core_.route({"GET", "/api/rounds/{id}/keyholders", "read",
                 "read a round's keyholders and when each handed its share back", "keyholder"},
                [this](auto& s, auto& p) { return keyholders(s, p[0]); });
    core_.route(
        {"GET", "/api/rounds/{id}/shares/mine", "hold-opening-share",
         "read your share of a round's opening key, sealed to your keyholder key", "opening-share"},
        [this](auto& s, auto& p) { return my_share(s, p[0]); });
    core_.route({"POST",
                 "/api/rounds/{id}/shares",
                 "hold-opening-share",
                 "hand back your share of a round's opening key",
                 "",
                 true,
                 {round_in({RoundPhase::kAwaitingOpening},
                           "shares are handed back from the opening time until the bids are "
                           "opened",
                           "too_early", "wrong_phase"),
                  json_body()}},
                [this](auto& s, auto& p) { return hand_back(s, p); });
  }

 private:
  ApiResponse set_key(RequestScope& s) {
    const json& body = s.body();
    known_fields(body, {"passphrase", "publicKey"});
    auto [field, key] = one_of(body, "passphrase", 1000, "publicKey", 64,
                               "give a 'passphrase' (at least " + std::to_string(kMinPassphrase) +
                                   " characters; the server derives your key from it and keeps "
                                   "only the public key) or a 'publicKey' (64 hex digits, made "
                                   "with `procura keyholder key`)");
    if (field == "passphrase") {
      key = keyholder_keys_of(s, key,
                              "a keyholder's passphrase has at least " +
                                  std::to_string(kMinPassphrase) + " characters")
                .public_hex;
    } else if (!is_public_key(key)) {
      throw ApiError(422, "invalid", "'publicKey' must be 64 lower-case hex digits (X25519)",
                     "publicKey");
    }
    const json doc = {{"account", s.caller.user_id},
                      {"role", role_name(s.caller.role)},
                      {"publicKey", key},
                      {"setAt", s.now_utc}};
    core_.commit(s, [&] {
      core_.put(s, "keyholder-key", s.caller.user_id, "", doc, "", user_owner(s.caller.user_id));
    });
    return json_response(200, doc);
  }

  ApiResponse read_key(RequestScope& s) {
    auto r = core_.records().latest(kind_named("keyholder-key"), s.caller.user_id, s.reader(),
                                    s.now_utc);
    if (!r) throw ApiError(404, "not_found", "you have set no keyholder key");
    return json_response(200, json::parse(r->data));
  }

  ApiResponse keyholders(RequestScope& s, const std::string& round_id) {
    long total = 0;
    auto rows = core_.records().list(kind_named("keyholder"), round_id, s.reader(), s.now_utc, 0,
                                     kAll, total);
    json items = documents(rows);
    std::sort(items.begin(), items.end(), [](const json& a, const json& b) {
      return a.value("number", 0) < b.value("number", 0);
    });
    return json_response(200, {{"items", items},
                               {"total", total},
                               {"opening", s.round.value("opening", json::object())}});
  }

  // The caller's own share, as handed out: sealed to its keyholder key (the audience of
  // opening shares: their keyholder's alone, on this path only).
  ApiResponse my_share(RequestScope& s, const std::string& round_id) {
    auto mine = store_.opening_share(round_id, s.caller.user_id);
    if (!mine)
      throw ApiError(404, "not_keyholder",
                     "you hold no share of round '" + round_id +
                         "' (it is not published, or "
                         "you are not one of its keyholders)");
    return json_response(200, {{"round", round_id},
                               {"account", mine->account},
                               {"number", mine->number},
                               {"publicKey", mine->public_key},
                               {"sealedShare", mine->sealed},
                               {"handedBack", !mine->share.empty()}});
  }

  // The share, checked against its published hash before anything is stored; the one that
  // completes the threshold opens the bids in the same transaction.
  ApiResponse hand_back(RequestScope& s, const Params& p) {
    const std::string& round_id = p[0];
    const std::string id = round_id + "/" + s.caller.user_id;
    const auto holder = store_.latest("keyholder", id);
    auto mine = store_.opening_share(round_id, s.caller.user_id);
    if (!holder || !mine)
      throw ApiError(403, "not_keyholder", "you are not a keyholder of round '" + round_id + "'");
    json published = json::parse(holder->data);
    const json& body = s.body();
    known_fields(body, {"share", "passphrase"});
    // Not a structured binding: the share is used in the commit's lambda (clang 14).
    const auto given_as = one_of(body, "share", 200, "passphrase", 1000,
                                 "give your 'share' (hex, unsealed with `procura keyholder "
                                 "unseal`) or your keyholder 'passphrase' (the server unseals "
                                 "the share with it)");
    std::string share = given_as.second;
    if (given_as.first == "passphrase") {
      const KeyPair keys = keyholder_keys_of(s, share, "this passphrase does not open your share");
      auto opened = keys.public_hex == mine->public_key ? unseal(keys, mine->sealed) : std::nullopt;
      if (!opened)
        throw ApiError(422, "invalid", "this passphrase does not open your share", "passphrase");
      share = *opened;
    }
    std::transform(share.begin(), share.end(), share.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const KeyShare given{published.value("number", 0), share};
    if (share_hash(round_id, given) != published.value("shareHash", ""))
      throw ApiError(422, "invalid",
                     "this is not your share of this round's opening key (its hash differs "
                     "from the published one)",
                     "share");
    json answer;
    core_.commit(s, [&] {
      s.round = nullptr;  // the round and the shares as the batch sees them
      round_in({RoundPhase::kAwaitingOpening}, "shares are taken until the bids are opened",
               "too_early", "wrong_phase")(core_, s, p);
      if (json::parse(store_.latest("keyholder", id)->data).contains("submittedAt"))
        throw ApiError(409, "exists", "you have handed back your share already");
      published["submittedAt"] = s.now_utc;
      core_.put(s, "keyholder", id, round_id, published);
      mine->share = share;
      store_.put_opening_share(*mine);
      answer = open_if_enough(s, round_id);
    });
    return json_response(201, answer);
  }

  // Opens the bids when the shares handed back reach the threshold, and publishes those shares.
  json open_if_enough(RequestScope& s, const std::string& round_id) {
    const json round = s.round;
    const int threshold = round.value("opening", json::object()).value("threshold", 2);
    std::vector<KeyShare> shares;
    for (const auto& o : store_.opening_shares(round_id))
      if (!o.share.empty()) shares.push_back({o.number, o.share});
    json out = {{"round", round_id},        {"account", s.caller.user_id},
                {"submittedAt", s.now_utc}, {"handedBack", shares.size()},
                {"threshold", threshold},   {"opened", false}};
    if (static_cast<int>(shares.size()) < threshold) return out;
    auto keys = opening_keys_from_secret(combine_shares(shares));
    if (!keys || keys->public_hex != round.value("openingPublicKey", ""))
      throw std::runtime_error("the shares of round " + round_id +
                               " do not rebuild its opening key");
    open_bids(core_, s, round_id, round, *keys);
    for (const auto& r : store_.list("keyholder", round_id, 0, kAll)) {
      json d = json::parse(r.data);
      for (const auto& sh : shares)
        if (sh.number == d.value("number", 0)) {
          d["share"] = sh.hex;  // published: anyone rebuilds the key from the shares
          core_.put(s, "keyholder", r.id, round_id, d);
        }
    }
    out["opened"] = true;
    return out;
  }

  ApiCore& core_;
  PlatformStore& store_;
};

}  // namespace

void add_opening_routes(ApiCore& core) {
  auto routes = std::make_shared<OpeningRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
