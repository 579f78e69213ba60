#include "storage/sqlite_store.hpp"

#include <absl/container/flat_hash_map.h>

#include <memory>
#include <stdexcept>

#include "core/error.hpp"
#include "storage/sqlite_statement.hpp"
#include "tender/profile.hpp"

namespace procura {

namespace {

// Migrations, applied in order; the index + 1 is the schema version.
// Integer surrogate keys keep rows and indexes small; every foreign key has an index on the
// referencing side, so that deleting parents (when a round is replaced) never scans. See
// docs/storage.md for the one exception (demand lines).
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE round (
  key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, ocid_prefix TEXT NOT NULL,
  currency TEXT NOT NULL, buyer_id TEXT NOT NULL, buyer_name TEXT NOT NULL, attributes TEXT NOT NULL,
  profile TEXT NOT NULL, base_period TEXT, bid_deadline TEXT, bid_opening TEXT, negotiation_end TEXT,
  contract_start TEXT, input_digest TEXT NOT NULL);
CREATE TABLE region (key INTEGER PRIMARY KEY, round_key INTEGER NOT NULL REFERENCES round(key),
  id TEXT NOT NULL, name TEXT, UNIQUE (round_key, id));
CREATE TABLE institution (key INTEGER PRIMARY KEY, round_key INTEGER NOT NULL REFERENCES round(key),
  id TEXT NOT NULL, name TEXT, region_key INTEGER NOT NULL REFERENCES region(key), UNIQUE (round_key, id));
CREATE INDEX institution_region ON institution(region_key);
CREATE TABLE enterprise (key INTEGER PRIMARY KEY, round_key INTEGER NOT NULL REFERENCES round(key),
  id TEXT NOT NULL, name TEXT, supply_ok INTEGER NOT NULL, credit_ok INTEGER NOT NULL, licence TEXT NOT NULL,
  consortium_id TEXT, manufacturer_id TEXT, UNIQUE (round_key, id));
CREATE TABLE product (key INTEGER PRIMARY KEY, round_key INTEGER NOT NULL REFERENCES round(key),
  id TEXT NOT NULL, enterprise_key INTEGER NOT NULL REFERENCES enterprise(key), name TEXT,
  category TEXT NOT NULL, registration_id TEXT, registration_valid_until TEXT, gqce INTEGER NOT NULL,
  originator INTEGER NOT NULL, under_negotiation INTEGER NOT NULL, basic TEXT NOT NULL, additional TEXT NOT NULL,
  unit TEXT NOT NULL, strength_milli INTEGER NOT NULL, classification_scheme TEXT, classification_id TEXT,
  UNIQUE (round_key, id));
CREATE INDEX product_enterprise ON product(enterprise_key);
CREATE TABLE history (round_key INTEGER NOT NULL REFERENCES round(key), seq INTEGER NOT NULL,
  product_key INTEGER NOT NULL REFERENCES product(key), region_id TEXT NOT NULL, price INTEGER NOT NULL,
  quantity INTEGER NOT NULL, PRIMARY KEY (round_key, seq)) WITHOUT ROWID;
CREATE INDEX history_product ON history(product_key);
-- The bulk table (millions of lines): its institution and product keys are resolved by the
-- importer in the same transaction, which refuses any dangling id; secondary indexes on them
-- would cost more than the whole import (random inserts), so only the round is a foreign key.
CREATE TABLE demand (round_key INTEGER NOT NULL REFERENCES round(key), seq INTEGER NOT NULL,
  institution_key INTEGER NOT NULL, product_key INTEGER NOT NULL,
  quantity INTEGER NOT NULL, by_brand INTEGER NOT NULL, PRIMARY KEY (round_key, seq)) WITHOUT ROWID;
CREATE TABLE group_demand (round_key INTEGER NOT NULL REFERENCES round(key), seq INTEGER NOT NULL,
  institution_key INTEGER NOT NULL REFERENCES institution(key), category TEXT NOT NULL, basic TEXT NOT NULL,
  additional TEXT NOT NULL, quantity INTEGER NOT NULL, PRIMARY KEY (round_key, seq)) WITHOUT ROWID;
CREATE INDEX group_demand_institution ON group_demand(institution_key);
CREATE TABLE ceiling (product_key INTEGER PRIMARY KEY REFERENCES product(key), max_price INTEGER NOT NULL);
CREATE TABLE bid (product_key INTEGER PRIMARY KEY REFERENCES product(key), price INTEGER NOT NULL,
  submitted_at TEXT NOT NULL, nonce TEXT, commitment TEXT);
CREATE TABLE access_price (product_key INTEGER PRIMARY KEY REFERENCES product(key), price INTEGER NOT NULL, panel TEXT);
CREATE TABLE offer (round_key INTEGER NOT NULL REFERENCES round(key), seq INTEGER NOT NULL,
  product_key INTEGER NOT NULL REFERENCES product(key), round INTEGER NOT NULL, price INTEGER NOT NULL,
  PRIMARY KEY (round_key, seq)) WITHOUT ROWID;
CREATE INDEX offer_product ON offer(product_key);
CREATE TABLE revival (product_key INTEGER PRIMARY KEY REFERENCES product(key), accepted INTEGER NOT NULL);
CREATE TABLE region_preference (product_key INTEGER NOT NULL REFERENCES product(key), rank INTEGER NOT NULL,
  region_key INTEGER NOT NULL REFERENCES region(key), PRIMARY KEY (product_key, rank));
CREATE INDEX region_preference_region ON region_preference(region_key);
CREATE TABLE result (round_key INTEGER PRIMARY KEY REFERENCES round(key), results TEXT NOT NULL);
)sql",
    // 2: groups whose award a pending complaint holds.
    "ALTER TABLE round ADD COLUMN held_groups TEXT NOT NULL DEFAULT '';",
    // 3: parties' registrations (OCDS identifiers), where the round's files have them.
    R"sql(
ALTER TABLE round ADD COLUMN buyer_identifier_scheme TEXT NOT NULL DEFAULT '';
ALTER TABLE round ADD COLUMN buyer_identifier_id TEXT NOT NULL DEFAULT '';
ALTER TABLE institution ADD COLUMN identifier_scheme TEXT NOT NULL DEFAULT '';
ALTER TABLE institution ADD COLUMN identifier_id TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprise ADD COLUMN identifier_scheme TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprise ADD COLUMN identifier_id TEXT NOT NULL DEFAULT '';
)sql"};

// Tables of a round, children before parents: the order in which a round is deleted.
const char* const kDeleteRound[] = {
    "DELETE FROM result WHERE round_key = ?1",
    "DELETE FROM region_preference WHERE product_key IN (SELECT key FROM product WHERE round_key = "
    "?1)",
    "DELETE FROM revival WHERE product_key IN (SELECT key FROM product WHERE round_key = ?1)",
    "DELETE FROM offer WHERE round_key = ?1",
    "DELETE FROM access_price WHERE product_key IN (SELECT key FROM product WHERE round_key = ?1)",
    "DELETE FROM bid WHERE product_key IN (SELECT key FROM product WHERE round_key = ?1)",
    "DELETE FROM ceiling WHERE product_key IN (SELECT key FROM product WHERE round_key = ?1)",
    "DELETE FROM demand WHERE round_key = ?1",
    "DELETE FROM group_demand WHERE round_key = ?1",
    "DELETE FROM history WHERE round_key = ?1",
    "DELETE FROM product WHERE round_key = ?1",
    "DELETE FROM enterprise WHERE round_key = ?1",
    "DELETE FROM institution WHERE round_key = ?1",
    "DELETE FROM region WHERE round_key = ?1",
    "DELETE FROM round WHERE key = ?1"};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ";") + x;
  return s;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    auto end = s.find(';', start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { run("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    run("COMMIT");
    done_ = true;
  }

 private:
  void run(const char* sql) { sqlite_exec(db_, sql); }
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace

SqliteStore::SqliteStore(const std::string& path) : db_(open_sqlite(path, 5000)) {
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA foreign_keys=ON");
  exec("PRAGMA synchronous=NORMAL");
  migrate();
}

SqliteStore::~SqliteStore() {
  sqlite3_close(db_);
}

void SqliteStore::exec(const char* sql) {
  sqlite_exec(db_, sql);
}

int SqliteStore::schema_version() {
  Statement s(db_, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.integer(0));
}

void SqliteStore::migrate() {
  const int have = schema_version();
  const int want = static_cast<int>(std::size(kMigrations));
  if (have > want)
    throw std::runtime_error("the database was written by a newer Procura (schema " +
                             std::to_string(have) + ")");
  for (int v = have; v < want; ++v) {
    Transaction t(db_);
    exec(kMigrations[v]);
    exec(("PRAGMA user_version=" + std::to_string(v + 1)).c_str());
    t.commit();
  }
}

ImportOutcome SqliteStore::import_round(
    const RoundInput& in, const std::string& digest,
    const std::function<void(std::size_t, std::size_t)>& progress) {
  Transaction t(db_);
  ImportOutcome out{ImportOutcome::Kind::kCreated, 0};
  {
    Statement q(db_, "SELECT key, input_digest FROM round WHERE id = ?");
    q.bind(1, in.id);
    if (q.step()) {
      if (q.text(1) == digest) return {ImportOutcome::Kind::kUnchanged, 0};
      out.kind = ImportOutcome::Kind::kReplaced;
      const std::int64_t old = q.integer(0);
      for (const char* sql : kDeleteRound) Statement(db_, sql).insert(old);
    }
  }
  const std::size_t total = in.regions.size() + in.institutions.size() + in.enterprises.size() +
                            in.products.size() + in.history.size() + in.demand.size() +
                            in.group_demand.size() + in.ceilings.size() + in.bids.size() +
                            in.access_prices.size() + in.offers.size() + in.revivals.size() +
                            in.region_preferences.size();
  std::size_t done = 0;
  auto tick = [&] {
    ++out.rows;
    if (progress && (++done & 0xFFFF) == 0) progress(done, total);
  };
  const auto& tl = in.timeline;
  Statement(db_, "INSERT INTO round VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
      .insert(in.id, in.title, in.ocid_prefix, in.currency, in.buyer_id, in.buyer_name,
              join(in.attribute_names), profile_to_json(in.profile).dump(), tl.base_period,
              tl.bid_deadline, tl.bid_opening, tl.negotiation_end, tl.contract_start, digest,
              join(in.held_groups), in.buyer_identifier.scheme, in.buyer_identifier.id);
  const std::int64_t rk = sqlite3_last_insert_rowid(db_);
  // Keys of the rows just inserted, by id; a dangling id is refused before anything is kept.
  using Keys = absl::flat_hash_map<std::string_view, std::int64_t>;
  auto key_of = [&](const Keys& keys, const std::string& id, const char* what) {
    auto it = keys.find(id);
    if (it == keys.end()) throw RuleError(std::string("unknown ") + what + " '" + id + "'");
    return it->second;
  };
  Keys regions, institutions, enterprises, products;
  Statement reg(db_, "INSERT INTO region VALUES (NULL,?,?,?)");
  for (const auto& r : in.regions)
    reg.insert(rk, r.id, r.name), regions[r.id] = sqlite3_last_insert_rowid(db_), tick();
  Statement ins(db_, "INSERT INTO institution VALUES (NULL,?,?,?,?,?,?)");
  for (const auto& i : in.institutions)
    ins.insert(rk, i.id, i.name, key_of(regions, i.region_id, "region"), i.identifier.scheme,
               i.identifier.id),
        institutions[i.id] = sqlite3_last_insert_rowid(db_), tick();
  Statement ent(db_, "INSERT INTO enterprise VALUES (NULL,?,?,?,?,?,?,?,?,?,?)");
  for (const auto& e : in.enterprises)
    ent.insert(rk, e.id, e.name, std::int64_t{e.supply_capacity_ok}, std::int64_t{e.credit_ok},
               std::string(1, e.licence), e.consortium_id, e.manufacturer_id, e.identifier.scheme,
               e.identifier.id),
        enterprises[e.id] = sqlite3_last_insert_rowid(db_), tick();
  Statement prod(db_, "INSERT INTO product VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (const auto& p : in.products)
    prod.insert(rk, p.id, key_of(enterprises, p.enterprise_id, "enterprise"), p.name, p.category,
                p.registration_id, p.registration_valid_until, std::int64_t{p.gqce},
                std::int64_t{p.originator}, std::int64_t{p.under_negotiation}, join(p.basic),
                join(p.additional), p.unit, p.strength_milli, p.classification_scheme,
                p.classification_id),
        products[p.id] = sqlite3_last_insert_rowid(db_), tick();
  Statement his(db_, "INSERT INTO history VALUES (?,?,?,?,?,?)");
  std::int64_t seq = 0;
  for (const auto& h : in.history)
    his.insert(rk, ++seq, key_of(products, h.product_id, "product"), h.region_id, h.price,
               h.quantity),
        tick();
  Statement dem(db_, "INSERT INTO demand VALUES (?,?,?,?,?,?)");
  seq = 0;
  for (const auto& d : in.demand)
    dem.insert(rk, ++seq, key_of(institutions, d.institution_id, "institution"),
               key_of(products, d.product_id, "product"), d.quantity, std::int64_t{d.by_brand}),
        tick();
  Statement gde(db_, "INSERT INTO group_demand VALUES (?,?,?,?,?,?,?)");
  seq = 0;
  for (const auto& g : in.group_demand)
    gde.insert(rk, ++seq, key_of(institutions, g.institution_id, "institution"), g.category,
               join(g.basic), join(g.additional), g.quantity),
        tick();
  Statement cei(db_, "INSERT INTO ceiling VALUES (?,?)");
  for (const auto& c : in.ceilings)
    cei.insert(key_of(products, c.product_id, "product"), c.max_price), tick();
  Statement bid(db_, "INSERT INTO bid VALUES (?,?,?,?,?)");
  for (const auto& b : in.bids)
    bid.insert(key_of(products, b.product_id, "product"), b.price, b.submitted_at, b.nonce,
               b.commitment),
        tick();
  Statement acc(db_, "INSERT INTO access_price VALUES (?,?,?)");
  for (const auto& a : in.access_prices)
    acc.insert(key_of(products, a.product_id, "product"), a.price, a.panel), tick();
  Statement off(db_, "INSERT INTO offer VALUES (?,?,?,?,?)");
  seq = 0;
  for (const auto& o : in.offers)
    off.insert(rk, ++seq, key_of(products, o.product_id, "product"), std::int64_t{o.round},
               o.price),
        tick();
  Statement rev(db_, "INSERT INTO revival VALUES (?,?)");
  for (const auto& r : in.revivals)
    rev.insert(key_of(products, r.product_id, "product"), std::int64_t{r.accepted}), tick();
  Statement pre(db_, "INSERT INTO region_preference VALUES (?,?,?)");
  for (const auto& p : in.region_preferences)
    pre.insert(key_of(products, p.product_id, "product"), std::int64_t{p.rank},
               key_of(regions, p.region_id, "region")),
        tick();
  t.commit();
  return out;
}

RoundInput SqliteStore::load_round(const std::string& id) {
  RoundInput in;
  std::int64_t rk = 0;
  {
    Statement q(
        db_,
        "SELECT "
        "key,id,title,ocid_prefix,currency,buyer_id,buyer_name,attributes,profile,base_period,"
        "bid_deadline,bid_opening,negotiation_end,contract_start,held_groups,buyer_identifier_"
        "scheme,"
        "buyer_identifier_id FROM round WHERE "
        "id = ?");
    q.bind(1, id);
    if (!q.step()) throw RuleError("no round '" + id + "' in the database; import it first");
    rk = q.integer(0);
    in.id = q.text(1);
    in.title = q.text(2);
    in.ocid_prefix = q.text(3);
    in.currency = q.text(4);
    in.buyer_id = q.text(5);
    in.buyer_name = q.text(6);
    in.attribute_names = split(q.text(7));
    in.profile = profile_from_json(nlohmann::json::parse(q.text(8)), "database");
    in.timeline = {q.text(9), q.text(10), q.text(11), q.text(12), q.text(13)};
    in.held_groups = split(q.text(14));
    in.buyer_identifier = {q.text(15), q.text(16)};
  }
  auto each = [&](const char* sql, auto fn) {
    Statement q(db_, sql);
    q.bind(1, rk);
    while (q.step()) fn(q);
  };
  each("SELECT id,name FROM region WHERE round_key=? ORDER BY key", [&](Statement& q) {
    in.regions.push_back({q.text(0), q.text(1)});
  });
  each(
      "SELECT i.id,i.name,r.id,i.identifier_scheme,i.identifier_id FROM institution i JOIN region "
      "r "
      "ON r.key = i.region_key WHERE i.round_key=? ORDER BY i.key",
      [&](Statement& q) {
        in.institutions.push_back({q.text(0), q.text(1), q.text(2), {q.text(3), q.text(4)}});
      });
  each(
      "SELECT id,name,supply_ok,credit_ok,licence,consortium_id,manufacturer_id,identifier_scheme,"
      "identifier_id FROM enterprise WHERE round_key=? ORDER BY key",
      [&](Statement& q) {
        in.enterprises.push_back({q.text(0),
                                  q.text(1),
                                  q.integer(2) != 0,
                                  q.integer(3) != 0,
                                  q.text(4).empty() ? 'A' : q.text(4)[0],
                                  q.text(5),
                                  q.text(6),
                                  {q.text(7), q.text(8)}});
      });
  each(
      "SELECT "
      "p.id,e.id,p.name,p.category,p.registration_id,p.registration_valid_until,p.gqce,p."
      "originator,p.under_negotiation,"
      "p.basic,p.additional,p.unit,p.strength_milli,p.classification_scheme,p.classification_id "
      "FROM product p JOIN enterprise e ON e.key = p.enterprise_key WHERE p.round_key=? ORDER BY "
      "p.key",
      [&](Statement& q) {
        Product p;
        p.id = q.text(0);
        p.enterprise_id = q.text(1);
        p.name = q.text(2);
        p.category = q.text(3);
        p.registration_id = q.text(4);
        p.registration_valid_until = q.text(5);
        p.gqce = q.integer(6) != 0;
        p.originator = q.integer(7) != 0;
        p.under_negotiation = q.integer(8) != 0;
        p.basic = split(q.text(9));
        p.additional = split(q.text(10));
        p.unit = q.text(11);
        p.strength_milli = q.integer(12);
        p.classification_scheme = q.text(13);
        p.classification_id = q.text(14);
        in.products.push_back(std::move(p));
      });
  each(
      "SELECT p.id,h.region_id,h.price,h.quantity FROM history h JOIN product p ON p.key = "
      "h.product_key WHERE h.round_key=? ORDER BY h.seq",
      [&](Statement& q) {
        in.history.push_back({q.text(0), q.text(1), q.integer(2), q.integer(3)});
      });
  each(
      "SELECT i.id,p.id,d.quantity,d.by_brand FROM demand d JOIN institution i ON i.key = "
      "d.institution_key "
      "JOIN product p ON p.key = d.product_key WHERE d.round_key=? ORDER BY d.seq",
      [&](Statement& q) {
        in.demand.push_back({q.text(0), q.text(1), q.integer(2), q.integer(3) != 0});
      });
  each(
      "SELECT i.id,g.category,g.basic,g.additional,g.quantity FROM group_demand g JOIN institution "
      "i ON i.key = "
      "g.institution_key WHERE g.round_key=? ORDER BY g.seq",
      [&](Statement& q) {
        in.group_demand.push_back(
            {q.text(0), q.text(1), split(q.text(2)), split(q.text(3)), q.integer(4)});
      });
  each(
      "SELECT p.id,c.max_price FROM ceiling c JOIN product p ON p.key = c.product_key WHERE "
      "p.round_key=? ORDER BY c.rowid",
      [&](Statement& q) {
        in.ceilings.push_back({q.text(0), q.integer(1)});
      });
  each(
      "SELECT p.id,b.price,b.submitted_at,b.nonce,b.commitment FROM bid b JOIN product p ON p.key "
      "= b.product_key WHERE p.round_key=? ORDER BY b.rowid",
      [&](Statement& q) {
        in.bids.push_back({q.text(0), q.integer(1), q.text(2), q.text(3), q.text(4)});
      });
  each(
      "SELECT p.id,a.price,a.panel FROM access_price a JOIN product p ON p.key = a.product_key "
      "WHERE p.round_key=? ORDER BY a.rowid",
      [&](Statement& q) {
        in.access_prices.push_back({q.text(0), q.integer(1), q.text(2)});
      });
  each(
      "SELECT p.id,o.round,o.price FROM offer o JOIN product p ON p.key = o.product_key WHERE "
      "o.round_key=? ORDER BY o.seq",
      [&](Statement& q) {
        in.offers.push_back({q.text(0), static_cast<int>(q.integer(1)), q.integer(2)});
      });
  each(
      "SELECT p.id,v.accepted FROM revival v JOIN product p ON p.key = v.product_key WHERE "
      "p.round_key=? ORDER BY v.rowid",
      [&](Statement& q) {
        in.revivals.push_back({q.text(0), q.integer(1) != 0});
      });
  each(
      "SELECT p.id,x.rank,r.id FROM region_preference x JOIN product p ON p.key = x.product_key "
      "JOIN region r ON r.key = x.region_key "
      "WHERE p.round_key=? ORDER BY x.rowid",
      [&](Statement& q) {
        in.region_preferences.push_back({q.text(0), static_cast<int>(q.integer(1)), q.text(2)});
      });
  return in;
}

std::vector<StoredRound> SqliteStore::rounds() {
  std::vector<StoredRound> out;
  Statement q(db_, "SELECT id,title,profile,input_digest FROM round ORDER BY id");
  while (q.step())
    out.push_back(
        {q.text(0), q.text(1), nlohmann::json::parse(q.text(2)).value("id", ""), q.text(3)});
  return out;
}

void SqliteStore::save_results(const std::string& round_id, const std::string& results_json) {
  Statement(db_,
            "INSERT INTO result SELECT key, ? FROM round WHERE id = ? ON CONFLICT(round_key) DO "
            "UPDATE SET results = excluded.results")
      .insert(results_json, round_id);
}

}  // namespace procura
