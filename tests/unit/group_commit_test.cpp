// Group commit's promise: a request returns only once its own batch is committed, and throws
// when that batch failed, however many batches have ended since (the defect: one failure slot,
// so that a member of a failed batch that woke after the next batch had also failed was told its
// write was kept).
#include "storage/group_commit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace procura {
namespace {

// A writer whose every commit fails: no request may report success.
TEST(GroupCommit, EveryMemberOfAFailedBatchIsToldSo) {
  std::atomic<int> commits{0};
  GroupCommit commit({[] {}, [] {}, [] {}, [] {},
                      [&] {
                        ++commits;
                        std::this_thread::yield();
                        throw std::runtime_error("disk full");
                      },
                      [] {}});
  std::atomic<int> succeeded{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        try {
          commit.run([] {});
          ++succeeded;
        } catch (const std::runtime_error&) {
          ++failed;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(succeeded.load(), 0) << "writes acknowledged although their batch was rolled back";
  EXPECT_EQ(failed.load(), 16 * 300);
  EXPECT_GT(commits.load(), 0);
}

// Batches that fail and succeed in turn: each request learns its own batch's outcome.
TEST(GroupCommit, EachRequestLearnsItsOwnBatchsOutcome) {
  std::atomic<long> batch{0};
  std::atomic<long> kept{0}, lost{0};
  thread_local long joined = -1;
  GroupCommit* self = nullptr;
  std::vector<long> outcome(100000, 0);  // batch -> 1 kept, 2 failed
  GroupCommit commit({[&] { ++batch; }, [] {}, [] {}, [] {},
                      [&] {
                        const long b = batch.load();
                        outcome[b] = b % 2 ? 2 : 1;
                        if (b % 2) throw std::runtime_error("odd batches fail");
                      },
                      [] {}});
  self = &commit;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 12; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        bool ok = true;
        try {
          self->run([&] { joined = batch.load(); });
        } catch (const std::runtime_error&) {
          ok = false;
        }
        if (ok != (outcome[joined] == 1)) ++wrong;
        (ok ? kept : lost)++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(kept.load(), 0);
  EXPECT_GT(lost.load(), 0);
}

}  // namespace
}  // namespace procura
