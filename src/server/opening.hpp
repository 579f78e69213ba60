#pragma once
// A round's opening, held by its keyholders: the opening key made at publication and split among
// them (platform/opening_shares.hpp), and the bids opened once enough of them hand their shares
// back after the opening time. Not for use outside src/server. Every function writes through
// ApiCore::put and must be called inside the request's transaction.
#include <string>
#include <vector>

#include "evaluation/draw.hpp"
#include "platform/secrets.hpp"
#include "server/api_support.hpp"

namespace procura {

// A keyholder of a round, as published (kind "keyholder").
struct Keyholder {
  std::string account, role;
  int number = 0;            // its share's number
  std::string share_hash;    // what its share must hash to (share_hash())
  std::string public_key;    // the keyholder key its share was sealed to
  std::string submitted_at;  // "" until it hands its share back
};

// The accounts that hold a round's opening key, in the order of their share numbers: the
// publishing office account (every office account with a keyholder key when the platform itself
// publishes an imported round), each observer assigned to the round, and every auditor account
// with a keyholder key. 409 `keyholder_without_key` naming an office or observer keyholder that
// has set no key, 409 `too_few_keyholders` when there are fewer than the profile's threshold.
std::vector<Keyholder> keyholders_for(ApiCore& core, const RequestScope& s,
                                      const std::string& round_id, int threshold);

// Makes the round's opening key, splits its secret among `keyholders` (any `threshold` of them
// open the bids), stores each share sealed to its keyholder's key (the store's opening shares,
// a table no read path serves but the keyholder's own) and publishes each keyholder with its
// share's hash (kind "keyholder"). Sets the round's `openingPublicKey` and `opening` ({threshold,
// keyholders}). The secret key is kept nowhere.
void split_opening_key(ApiCore& core, RequestScope& s, const std::string& round_id, json& round,
                       const std::vector<Keyholder>& keyholders, int threshold);

// Opens every sealed bid of the round with `opening` and publishes it (price, nonce, time and
// whether its commitment checks); sets the round opened, with `openingSecretKey` so that anyone
// can open the stored boxes, and stores the round. Throws std::runtime_error when a bid cannot
// be opened with the key (a damaged store).
void open_bids(ApiCore& core, RequestScope& s, const std::string& round_id, json round,
               const KeyPair& opening);

// The caller's keyholder keys from its passphrase (Argon2id: never inside the write batch); 422
// on the field "passphrase", saying `refusal`, when it is too short to be one.
KeyPair keyholder_keys_of(const RequestScope& s, const std::string& passphrase,
                          const std::string& refusal);

// What a round fixes of its panel draw when it is published: the secret's commitment (the
// office's own, or "" for one made here), the panel's size and the specialities asked for.
struct PanelCommitment {
  std::string commitment;
  int size = 3;
  std::vector<std::string> specialities;
};

// Commits the round to its panel draw (evaluation/draw.hpp) at publication: to the office's own
// commitment (64 hex digits; 422 otherwise), or to a fresh secret made here, sealed to the key of
// each office keyholder and kept nowhere else (409 `no_draw_holder` when no office keyholder has
// a key), with the panel's size and specialities, which nobody changes later. Sets the round's
// `draws.panel` = {commitment, secretBy ("office" or "platform"), sealedSecrets [{account,
// sealedSecret}], size, specialities}.
void commit_panel_draw(json& round, const std::vector<Keyholder>& keyholders,
                       const PanelCommitment& panel);

// A publication body's panel draw: {"drawCommitment"?, "panelSize"? (1 to 50, default 3),
// "panelSpecialities"?}; 422 naming the field at fault.
PanelCommitment panel_commitment_of(const json& body);

// The secret of the round's panel draw, revealed by the caller: given as `secret`, or unsealed
// from the round's sealed secrets with the caller's keyholder `passphrase` (exactly one of the
// two). 422 when it is not the committed secret, or the passphrase does not open it; 409
// `no_commitment` when the round committed to none. Slow with a passphrase: outside the batch.
std::string revealed_panel_secret(const RequestScope& s, const json& round,
                                  const std::string& secret, const std::string& passphrase);

// The public values a panel draw's seed is fixed by: every bid of the round (at the deadline
// they can no longer change) as its id and commitment.
std::vector<DrawValue> panel_draw_values(ApiCore& core, const std::string& round_id);

// The opening threshold of a round's profile (2 unless its profile says otherwise).
int opening_threshold(const json& round);

}  // namespace procura
