#include <gtest/gtest.h>

#include <filesystem>

#include "award/engine.hpp"
#include "io/round_files.hpp"
#include "report/report.hpp"
#include "storage/sqlite_store.hpp"

using namespace procura;
namespace fs = std::filesystem;

namespace {
const std::string kDemo = std::string(PROCURA_SOURCE_DIR) + "/examples/iol-3n-2020";

fs::path fresh_db(const std::string& name) {
  auto p = fs::temp_directory_path() / ("procura-store-" + name + ".db");
  for (auto ext : {"", "-wal", "-shm"}) fs::remove(p.string() + ext);
  return p;
}

long count(const fs::path& db, const std::string& table) {
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h, ("SELECT count(*) FROM " + table).c_str(), -1, &s, nullptr);
  sqlite3_step(s);
  long n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(h);
  return n;
}
}  // namespace

TEST(SqliteStore, ImportIsIdempotentAndRoundTrips) {
  auto db = fresh_db("idem");
  auto loaded = load_round_folder(kDemo);
  SqliteStore store(db.string());
  EXPECT_EQ(store.schema_version(), 3);
  auto first = store.import_round(loaded.input, loaded.digest);
  EXPECT_EQ(first.kind, ImportOutcome::Kind::kCreated);
  EXPECT_EQ(first.rows, loaded.rows);
  const long demand = count(db, "demand");
  EXPECT_EQ(demand, static_cast<long>(loaded.input.demand.size()));
  auto second = store.import_round(loaded.input, loaded.digest);
  EXPECT_EQ(second.kind, ImportOutcome::Kind::kUnchanged);
  EXPECT_EQ(count(db, "demand"), demand);
  // What comes back out of the database decides the round exactly as the files do.
  auto stored = store.load_round(loaded.input.id);
  EXPECT_EQ(result_json(stored, run_round(stored)).dump(),
            result_json(loaded.input, run_round(loaded.input)).dump());
  // Parties' registrations come back as the files have them (E01: examples/.../enterprises.csv).
  ASSERT_EQ(stored.enterprises.size(), loaded.input.enterprises.size());
  EXPECT_EQ(stored.enterprises[0].identifier.scheme, "CN-USCC");
  EXPECT_EQ(stored.enterprises[0].identifier.id, "91110000100000001W");
  for (std::size_t i = 0; i < stored.institutions.size(); ++i)
    EXPECT_EQ(stored.institutions[i].identifier.id, loaded.input.institutions[i].identifier.id);
}

// A database of schema 2 (before parties' registrations) is brought to 3 when opened: its round
// stays, and a round imported after keeps its identifiers.
TEST(SqliteStore, ASchemaTwoDatabaseIsMigrated) {
  auto db = fresh_db("migrate");
  auto loaded = load_round_folder(kDemo);
  { SqliteStore store(db.string()); }
  {  // the schema as version 2 left it: the six columns of migration 3 dropped
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.string().c_str(), &h), SQLITE_OK);
    const char* down =
        "ALTER TABLE round DROP COLUMN buyer_identifier_scheme;"
        "ALTER TABLE round DROP COLUMN buyer_identifier_id;"
        "ALTER TABLE institution DROP COLUMN identifier_scheme;"
        "ALTER TABLE institution DROP COLUMN identifier_id;"
        "ALTER TABLE enterprise DROP COLUMN identifier_scheme;"
        "ALTER TABLE enterprise DROP COLUMN identifier_id;"
        "PRAGMA user_version=2;";
    ASSERT_EQ(sqlite3_exec(h, down, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
    sqlite3_close(h);
  }
  SqliteStore store(db.string());
  EXPECT_EQ(store.schema_version(), 3);
  store.import_round(loaded.input, loaded.digest);
  EXPECT_EQ(store.load_round(loaded.input.id).enterprises[0].identifier.id, "91110000100000001W");
}

TEST(SqliteStore, ChangedInputsReplaceTheRoundAtomically) {
  auto db = fresh_db("replace");
  auto loaded = load_round_folder(kDemo);
  SqliteStore store(db.string());
  store.import_round(loaded.input, loaded.digest);
  loaded.input.demand.pop_back();
  auto again = store.import_round(loaded.input, "other-digest");
  EXPECT_EQ(again.kind, ImportOutcome::Kind::kReplaced);
  EXPECT_EQ(count(db, "demand"), static_cast<long>(loaded.input.demand.size()));
  EXPECT_EQ(count(db, "round"), 1);
}

TEST(SqliteStore, FailedImportLeavesTheDatabaseAsItWas) {
  auto db = fresh_db("rollback");
  auto loaded = load_round_folder(kDemo);
  SqliteStore store(db.string());
  store.import_round(loaded.input, loaded.digest);
  const long demand = count(db, "demand"), products = count(db, "product");
  // A demand line for a product that does not exist violates a foreign key half-way through.
  auto broken = loaded.input;
  broken.demand.push_back({broken.institutions[0].id, "NO-SUCH-PRODUCT", 5, false});
  EXPECT_THROW(store.import_round(broken, "broken-digest"), std::runtime_error);
  EXPECT_EQ(count(db, "demand"), demand);
  EXPECT_EQ(count(db, "product"), products);
  EXPECT_EQ(store.rounds().at(0).digest, loaded.digest);
}

TEST(SqliteStore, UnknownRoundIsARuleError) {
  SqliteStore store(fresh_db("unknown").string());
  EXPECT_THROW(store.load_round("nope"), std::runtime_error);
}

namespace {
// A scenario folder with the shared alliance files, as the scenario runner assembles it.
std::string assemble_scenario(const std::string& name) {
  fs::path src = fs::path(PROCURA_SOURCE_DIR) / "tests/scenarios";
  fs::path dir = fs::temp_directory_path() / ("procura-store-scenario-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(src / "_common"))
    fs::copy_file(e.path(), dir / e.path().filename());
  for (const auto& e : fs::directory_iterator(src / name))
    fs::copy_file(e.path(), dir / e.path().filename(), fs::copy_options::overwrite_existing);
  return dir.string();
}
}  // namespace

TEST(SqliteStore, EveryInputTableRoundTrips) {
  // Between them these rounds use every optional table: group demand, revivals, region draft.
  for (const char* name : {"alliance-group-level-demand", "drug-r11-anchor-and-revival",
                           "alliance-withdrawals-reroute", "alliance-tampered-and-late-bids"}) {
    auto loaded = load_round_folder(assemble_scenario(name));
    SqliteStore store(fresh_db(std::string("trip-") + name).string());
    store.import_round(loaded.input, loaded.digest);
    auto stored = store.load_round(loaded.input.id);
    EXPECT_EQ(stored.group_demand.size(), loaded.input.group_demand.size()) << name;
    EXPECT_EQ(result_json(stored, run_round(stored)).dump(),
              result_json(loaded.input, run_round(loaded.input)).dump())
        << name;
  }
}
