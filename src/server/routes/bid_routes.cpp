// Sealed bids: submitted (or replaced) by the product's enterprise while the round is open, sealed
// to the round's opening key with a commitment published at once, withdrawn by any account of
// that enterprise before the deadline, and listed for the enterprise itself.
#include <algorithm>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/money.hpp"
#include "server/api_support.hpp"
#include "server/validators.hpp"
#include "tender/commitment.hpp"

namespace procura {

namespace {

constexpr long kAll = 1L << 40;

bool is_nonce(const std::string& s) {
  return s.size() >= 32 && s.size() <= 128 && s.size() % 2 == 0 &&
         s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

class BidRoutes {
 public:
  explicit BidRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route({"GET",
                 "/api/rounds/{id}/bids",
                 "read",
                 "read a round's bids (sealed until the opening)",
                 "bid",
                 false,
                 {},
                 kPaging},
                [this](auto& s, auto& p) { return list(s, p[0]); });
    core_.route({"POST",
                 "/api/rounds/{id}/bids",
                 "submit-bid",
                 "submit or replace a bid",
                 "",
                 true,
                 {bidding_, json_body()}},
                [this](auto& s, auto& p) { return submit(s, p); });
    core_.route({"DELETE",
                 "/api/rounds/{id}/bids/{bid}",
                 "withdraw-bid",
                 "withdraw a bid",
                 "",
                 false,
                 {bidding_}},
                [this](auto& s, auto& p) { return withdraw(s, p[0], p[1]); });
    core_.route({"GET", "/api/rounds/{id}/bid-count", "read",
                 "count a round's bids so far (not whose)", "bid"},
                [this](auto& s, auto& p) { return count(s, p[0]); });
    core_.route({"GET", "/api/rounds/{id}/my-bids", "read-own-bids", "read your own bids", "bid"},
                [this](auto& s, auto& p) { return mine(s, p[0]); });
  }

 private:
  // A page of bids (by default all a national round holds: one file for `procura draw verify`).
  ApiResponse list(RequestScope& s, const std::string& round_id) {
    const long offset = query_number(s.request, "offset", 0, kAll),
               limit = query_number(s.request, "limit", 100000, 100000);
    long total = 0;
    auto bids = core_.records().list(kind_named("bid"), round_id, s.reader(), s.now_utc, offset,
                                     limit, total);
    return json_response(200, page_of(documents(bids), offset, limit, total, s.request));
  }

  // How many bids the round has taken so far: a bid per product, replaced in place; withdrawn
  // ones counted apart.
  ApiResponse count(RequestScope& s, const std::string& round_id) {
    const auto t = core_.records().tally(kind_named("bid"), round_id, s.reader(), s.now_utc);
    return json_response(200, {{"received", t.total - t.withdrawn}, {"withdrawn", t.withdrawn}});
  }

  // Everything but the write happens before the write batch: the checks, the seal (X25519, the
  // costly part) and the commitment; the batch only checks the round again and stores the bid.
  ApiResponse submit(RequestScope& s, const Params& p) {
    const std::string& round_id = p[0];
    const json round = s.round;
    const json& body = s.body();
    known_fields(body, {"productId", "price", "nonce"});
    const std::string product_id = text_field(body, "productId", true, 64);
    const std::string price_text = text_field(body, "price", true, 40);
    std::string nonce = text_field(body, "nonce", false, 128);
    if (nonce.empty()) nonce = new_token();  // 256 bits
    if (!is_nonce(nonce))
      throw ApiError(422, "invalid",
                     "'nonce' must be 32 to 128 lower-case hex digits (at least 128 bits), or "
                     "left out for the server to choose one",
                     "nonce");
    const auto owner = is_id(product_id) ? enterprise_of(round_id, product_id) : std::nullopt;
    if (!owner)
      throw ApiError(422, "unknown_product", "no product '" + product_id + "' in this round",
                     "productId");
    const std::string& enterprise = *owner;
    if (enterprise != s.caller.org_id)
      throw ApiError(403, "forbidden", "a bid is made by the product's own enterprise",
                     "productId");
    auto price = parse_price(price_text);
    if (!price || *price <= 0)
      throw ApiError(422, "invalid", "'price' must be a positive decimal with at most 4 decimals",
                     "price");
    Bid bid{product_id, *price, s.now_utc, nonce, ""};
    const std::string commitment = bid_commitment(round_id, bid);
    const json secret = {{"productId", product_id},
                         {"enterpriseId", enterprise},
                         {"price", format_price(*price)},
                         {"nonce", nonce},
                         {"submittedAt", s.now_utc}};
    const std::string id = core_.bid_id(round_id, product_id);
    json pub = {
        {"id", id}, {"round", round_id}, {"commitment", commitment}, {"status", "submitted"}};
    const ObjectRevision revision = core_.revision_of(
        s, "bid", id, round_id, pub, seal(round["openingPublicKey"], secret.dump()),
        org_owner(Role::kEnterprise, enterprise));
    core_.commit(s, [&] {
      // The round as the batch sees it, at the time the batch runs: a bid asked for before the
      // deadline but stored after it is refused, so that what the deadline fixed (the panel
      // draw's seed reads every bid then) never changes.
      RequestScope at_batch = s;
      at_batch.round = nullptr;
      at_batch.now = std::max(s.now, core_.clock_now());
      at_batch.now_utc = format_utc(at_batch.now);
      bidding_(core_, at_batch, p);
      core_.put(s, revision);
    });
    // The receipt: what the bidder keeps to check the commitment (the nonce is nowhere else
    // readable before the opening).
    json receipt = pub;
    receipt["nonce"] = nonce;
    receipt["submittedAt"] = s.now_utc;
    receipt["productId"] = product_id;
    receipt["price"] = format_price(*price);
    return json_response(201, receipt);
  }

  // The enterprise of a product of a round taking bids. Its tables were fixed when it was
  // published, so what is read once stays true: kept, for every request after the first.
  std::optional<std::string> enterprise_of(const std::string& round_id,
                                           const std::string& product_id) {
    const std::string key = round_id + "/" + product_id;
    {
      std::lock_guard lock(mutex_);
      if (auto it = enterprises_.find(key); it != enterprises_.end()) return it->second;
    }
    auto product = store_.latest("product", key);
    if (!product) return std::nullopt;
    std::string enterprise = json::parse(product->data).value("enterpriseId", "");
    std::lock_guard lock(mutex_);
    if (enterprises_.size() > 1000000) enterprises_.clear();
    enterprises_.emplace(key, enterprise);
    return enterprise;
  }

  ApiResponse withdraw(RequestScope& s, const std::string& round_id, const std::string& id) {
    auto b = store_.latest("bid", id);
    if (!b || b->context != round_id) throw ApiError(404, "not_found", "no bid '" + id + "'");
    if (!owns(s.reader(), b->owner))
      throw ApiError(403, "forbidden", "only its enterprise withdraws a bid");
    json pub = json::parse(b->data);
    if (pub.value("status", "") == "withdrawn")
      throw ApiError(409, "wrong_phase", "the bid is withdrawn already");
    pub["status"] = "withdrawn";
    core_.put(s, "bid", id, round_id, pub, b->sealed, b->owner);
    return json_response(200, pub);
  }

  // The caller's enterprise's own bids (any of its accounts submitted them), with when each
  // last changed: what the history of a bid tells, which its enterprise reads.
  ApiResponse mine(RequestScope& s, const std::string& round_id) {
    const RoundPhase phase = core_.phase(s.round, s);
    const Reader r = core_.reader_in(s, round_id);
    const RecordKind& kind = kind_named("bid");
    json items = json::array();
    for (const auto& b : store_.list("bid", round_id, 0, kAll)) {
      if (!owns(r, b.owner) || !may_read(kind.history, r, phase, b.owner)) continue;
      json d = json::parse(b.data);
      d["updatedAt"] = b.at;
      items.push_back(d);
    }
    return json_response(200, {{"items", items}, {"total", items.size()}});
  }

  ApiCore& core_;
  PlatformStore& store_;
  const Validator bidding_ =
      round_in({RoundPhase::kBidding},
               "bids are taken, replaced and withdrawn while the round is open for bidding",
               "wrong_phase", "deadline_passed");
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> enterprises_;  // "round/product" -> enterprise
};

}  // namespace

void add_bid_routes(ApiCore& core) {
  auto routes = std::make_shared<BidRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
