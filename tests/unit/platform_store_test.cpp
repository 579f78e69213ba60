// The platform store's promises on SQLite and on PostgreSQL: a request reads its own writes,
// concurrent requests share commits but fail alone, a statement that fails fails its request
// only, and the changes counter follows every commit (another server's too, on PostgreSQL).
// The Sqlite/ tests run anywhere; the Postgres/ ones need PGURL (ctest runs them under
// tests/server/with_postgres.sh) and fail without it.
#include "storage/platform_store.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "integrity/audit_chain.hpp"

namespace procura {
namespace {

namespace fs = std::filesystem;

// A fresh, empty database for one test: a SQLite file, or a PostgreSQL schema of its own.
std::string fresh_database(const std::string& backend, const std::string& test) {
  if (backend == "sqlite") {
    const fs::path dir = fs::temp_directory_path() / "procura-store-test";
    fs::create_directories(dir);
    const fs::path file = dir / (test + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
    return file.string();
  }
  const char* url = std::getenv("PGURL");
  if (!url) throw std::runtime_error("PGURL is not set: run under tests/server/with_postgres.sh");
  PGconn* c = PQconnectdb(url);
  const std::string sql = "DROP SCHEMA IF EXISTS " + test + " CASCADE; CREATE SCHEMA " + test;
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string why = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("cannot make schema " + test + ": " + why);
  return std::string(url) + (std::string(url).find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + test;
}

ObjectRevision revision(const std::string& kind, const std::string& id, const std::string& data) {
  return {0, kind, id, "r1", 0, data, "", "", "tester", "2026-11-23T10:00:00Z", "salt", "hash"};
}

// Appends the next audit entry of the chain, as the API does for each state-changing request.
void audit(PlatformStore& s, const std::string& action) {
  auto last = s.last_audit();
  s.append_audit(next_audit_entry(last ? &*last : nullptr, "2026-11-23T10:00:00Z", "tester", action,
                                  {{"bid", action, "r1", std::string(64, 'a')}}));
}

class StoreTest : public testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<PlatformStore> open(const std::string& test) {
    return open_platform_store(fresh_database(GetParam(), test), 6);
  }
};

TEST_P(StoreTest, ARequestReadsItsOwnWrites) {
  auto s = open("own_writes");
  s->transaction([&] {
    EXPECT_FALSE(s->latest("bid", "b1"));
    s->put(revision("bid", "b1", R"({"v":1})"));
    auto first = s->latest("bid", "b1");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->rev, 1);
    EXPECT_EQ(first->data, R"({"v":1})");
    s->put(revision("bid", "b1", R"({"v":2})"));
    auto second = s->latest("bid", "b1");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->rev, 2);
    EXPECT_GT(second->seq, first->seq);
    EXPECT_EQ(s->count("bid", "r1"), 1);
  });
  auto kept = s->latest("bid", "b1");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->data, R"({"v":2})");
  EXPECT_EQ(s->revisions("bid", "b1").size(), 2u);
}

TEST_P(StoreTest, ConcurrentRequestsShareCommitsAndFailAlone) {
  auto s = open("concurrent");
  constexpr int kThreads = 12, kEach = 15;
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "o" + std::to_string(t) + "-" + std::to_string(i);
        try {
          s->transaction([&] {
            s->put(revision("bid", id, "{}"));
            // A tally every request raises: a refused request's raise must vanish with it.
            auto tally = s->latest("tally", "t");
            const int n = tally ? std::stoi(tally->data) : 0;
            s->put(revision("tally", "t", std::to_string(n + 1)));
            EXPECT_EQ(s->latest("tally", "t")->data, std::to_string(n + 1));
            audit(*s, "POST " + id);
            if (i % 3 == 0) throw std::invalid_argument("refused " + id);
          });
        } catch (const std::invalid_argument&) {
          ++refused;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused.load(), kThreads * 5);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kEach; ++i) {
      const std::string id = "o" + std::to_string(t) + "-" + std::to_string(i);
      EXPECT_EQ(s->latest("bid", id).has_value(), i % 3 != 0) << id;
    }
  const int kept = kThreads * 10;
  EXPECT_EQ(s->latest("tally", "t")->data, std::to_string(kept));
  EXPECT_EQ(s->revisions("tally", "t").size(), static_cast<std::size_t>(kept));
  const auto feed = s->feed(0, 10000);
  ASSERT_EQ(feed.size(), static_cast<std::size_t>(kept * 2));
  for (std::size_t i = 1; i < feed.size(); ++i) EXPECT_GT(feed[i].seq, feed[i - 1].seq);
  const auto chain = s->audit(0, 10000);
  EXPECT_EQ(chain.size(), static_cast<std::size_t>(kept));  // none of the refused
  const auto check = verify_audit_chain(chain);
  EXPECT_TRUE(check.ok) << check.reason << " at " << check.first_broken;
}

TEST_P(StoreTest, ATablesLastSeqGrowsWithEachOfItsChangesOnly) {
  auto s = open("last_seq");
  EXPECT_EQ(s->last_seq("products", "r1"), 0);
  s->transaction([&] { s->put(revision("products", "r1/P1", R"({"v":1})")); });
  const long first = s->last_seq("products", "r1");
  EXPECT_GT(first, 0);
  s->transaction([&] { s->put(revision("demand", "r1/D1", "{}")); });  // another table
  EXPECT_EQ(s->last_seq("products", "r1"), first);
  s->transaction([&] { s->put(revision("products", "r1/P1", R"({"v":2})")); });  // a revision
  const long second = s->last_seq("products", "r1");
  EXPECT_GT(second, first);
  EXPECT_EQ(second, s->latest("products", "r1/P1")->seq);
  EXPECT_EQ(s->last_seq("products", "r2"), 0);
}

TEST_P(StoreTest, VersionsOfAContextAndOfAKind) {
  auto s = open("versions");
  EXPECT_EQ(s->context_version("r1"), 0);
  EXPECT_EQ(s->kind_version("round"), 0);
  s->transaction([&] { s->put(revision("round", "r1", "{}")); });
  const long round = s->kind_version("round");
  EXPECT_EQ(round, s->latest("round", "r1")->seq);
  s->transaction([&] { s->put(revision("product", "r1/P1", "{}")); });
  EXPECT_EQ(s->kind_version("round"), round) << "another kind leaves the round's version";
  EXPECT_EQ(s->context_version("r1"), s->latest("product", "r1/P1")->seq);
  EXPECT_EQ(s->last_feed_seq(), s->context_version("r1"));
  EXPECT_EQ(s->context_version("r2"), 0);
}

TEST_P(StoreTest, TheThrottleCountsByKeyAndWindowAndIsPruned) {
  auto s = open("throttle");
  s->transaction([&] {
    s->put_user({"u1", "U", "office", "", "hash"});
    s->put_session("live", "u1", 2000);
    s->put_session("expired", "u1", 1000);
    EXPECT_EQ(s->throttle_add("source:1.2.3.4", 60), 1);
    EXPECT_EQ(s->throttle_add("source:1.2.3.4", 60), 2);
    EXPECT_EQ(s->throttle_add("source:1.2.3.4", 120), 1);
    EXPECT_EQ(s->throttle_add("account:u1|source:1.2.3.4", 60), 1);
  });
  EXPECT_EQ(s->throttle_count("source:1.2.3.4", 60), 2);
  EXPECT_EQ(s->throttle_count("source:5.6.7.8", 60), 0);
  s->transaction([&] { s->prune(1500, 100, 10); });  // windows before 100, sessions before 1500
  EXPECT_EQ(s->throttle_count("source:1.2.3.4", 60), 0);
  EXPECT_EQ(s->throttle_count("source:1.2.3.4", 120), 1);
  EXPECT_TRUE(s->session_user("live", 1500));
  EXPECT_FALSE(s->session_user("expired", 900)) << "pruned, though it had not expired at 900";
  s->transaction([&] { s->delete_session("live"); });
  EXPECT_FALSE(s->session_user("live", 1500));
}

TEST_P(StoreTest, ChangesGrowWithEveryCommit) {
  auto s = open("changes");
  const auto before = s->changes();
  s->transaction([&] { s->put(revision("round", "r1", "{}")); });
  const auto after = s->changes();
  EXPECT_GT(after, before);
  s->transaction([&] { s->put(revision("round", "r1", R"({"status":"published"})")); });
  EXPECT_GT(s->changes(), after);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest, testing::Values("sqlite"));

// A database of the earlier record layer (schema 4) is refused by name, not misread.
TEST(SqliteStore, ADatabaseOfTheEarlierLayoutIsRefused) {
  const std::string file = fresh_database("sqlite", "earlier");
  {
    sqlite3* db = nullptr;
    sqlite3_open(file.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE revision (seq INTEGER); PRAGMA user_version=4", nullptr, nullptr,
                 nullptr);
    sqlite3_close(db);
  }
  try {
    open_platform_store(file, 2);
    FAIL() << "the earlier database was opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("earlier version of Procura"), std::string::npos)
        << e.what();
  }
}
INSTANTIATE_TEST_SUITE_P(Postgres, StoreTest, testing::Values("postgres"));

// PostgreSQL only: a statement the server refuses (here text that is not UTF-8) is reported by
// its own request, which is rolled back with its audit entry; the next request works.
TEST(PostgresStore, AStatementTheServerRefusesFailsItsRequestOnly) {
  auto s = open_platform_store(fresh_database("postgres", "refused"), 4);
  s->transaction([&] {
    s->put(revision("bid", "good", "{}"));
    audit(*s, "POST good");
  });
  EXPECT_THROW(s->transaction([&] {
    s->put(revision("bid", "bad", "{\"name\":\"\xff\"}"));
    audit(*s, "POST bad");
  }),
               std::runtime_error);
  EXPECT_FALSE(s->latest("bid", "bad"));
  s->transaction([&] {
    EXPECT_FALSE(s->latest("bid", "bad"));
    s->put(revision("bid", "after", "{}"));
    audit(*s, "POST after");
  });
  EXPECT_TRUE(s->latest("bid", "after"));
  const auto chain = s->audit(0, 100);
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[1].action, "POST after");
  EXPECT_TRUE(verify_audit_chain(chain).ok);
}

// PostgreSQL only: two servers on one database. What one commits, the other reads in its next
// transaction (nothing is kept from an earlier batch), and its changes counter moves when the
// first one's notice arrives.
TEST(PostgresStore, AnotherServersCommitIsSeenAndCounted) {
  const std::string db = fresh_database("postgres", "shared");
  auto a = open_platform_store(db, 3);
  auto b = open_platform_store(db, 3);
  a->transaction([&] { a->put(revision("round", "r1", R"({"v":1})")); });
  b->transaction([&] { EXPECT_EQ(b->latest("round", "r1")->data, R"({"v":1})"); });
  // b listens from when it is opened: its counter holds still until a commits.
  const auto seen = b->changes();
  ASSERT_EQ(b->changes(), seen) << "b's counter does not hold: it is not listening";
  a->transaction([&] { a->put(revision("round", "r1", R"({"v":2})")); });
  EXPECT_TRUE(b->wait_for_changes(seen, std::chrono::seconds(10))) << "b never heard of a's commit";
  EXPECT_GT(b->changes(), seen);
  b->transaction([&] { EXPECT_EQ(b->latest("round", "r1")->data, R"({"v":2})"); });
}

}  // namespace
}  // namespace procura
