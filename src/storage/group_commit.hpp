#pragma once
// Group commit for a store with one writer connection. Each request runs in a savepoint of a
// shared batch transaction; the batch's first request commits it (one durable commit) for every
// request that joined while it ran, and every request returns only once its batch is committed.
// A request that throws (in its work or when its savepoint is released) is rolled back to its
// savepoint alone; if even that fails, the whole batch is abandoned and fails for every member.
// The statements are the store's.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace procura {

class GroupCommit {
 public:
  // The writer's statements, each run on the writer connection.
  struct Writer {
    std::function<void()> begin;      // open a batch (and take any lock it needs)
    std::function<void()> savepoint;  // start a request
    std::function<void()> undo;       // roll back to the request's savepoint
    std::function<void()> release;    // end a request that succeeded
    std::function<void()> commit;     // commit the batch
    std::function<void()> rollback;   // abandon the batch; must not throw
  };

  explicit GroupCommit(Writer writer) : w_(std::move(writer)) {}

  // Whether this thread is inside a request of this batch (its statements go to the writer).
  bool in_request() const { return owner() == this; }

  // Runs `f` as one request; nested calls run inside the enclosing request.
  void run(const std::function<void()>& f) {
    if (in_request()) return f();
    ++arriving_;
    std::unique_lock lock(mutex_);
    --arriving_;
    writable_.wait(lock, [&] { return !committing_; });
    if (!batch_open_) {
      w_.begin();
      batch_open_ = true;
      batch_ = std::make_shared<Outcome>();
    }
    if (abandoned_) throw std::runtime_error("the commit failed: " + abandoned_why_);
    try {
      w_.savepoint();
      owner() = this;
      f();
      w_.release();
    } catch (...) {
      owner() = nullptr;
      undo_request();
      throw;
    }
    owner() = nullptr;
    // Each batch keeps its own outcome: a member that wakes after later batches have ended still
    // reads its own batch's.
    const std::shared_ptr<Outcome> mine = batch_;
    if (++members_ > 1) {  // a follower: the batch's first request commits it
      committed_.wait(lock, [&] { return mine->done; });
      if (!mine->failure.empty()) throw std::runtime_error("the commit failed: " + mine->failure);
      return;
    }
    // The leader: let the requests already waiting for the writer join, then commit once.
    for (int i = 0; i < 64 && arriving_ > 0; ++i) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    }
    committing_ = true;
    std::string why = abandoned_why_;
    if (abandoned_) {
      abandoned_ = false;
    } else {
      try {
        w_.commit();
      } catch (const std::exception& e) {
        why = *e.what() ? e.what() : "the commit failed";
        w_.rollback();
      }
    }
    abandoned_why_.clear();
    batch_open_ = false;
    members_ = 0;
    mine->failure = why;
    mine->done = true;
    committing_ = false;
    committed_.notify_all();
    writable_.notify_all();
    if (!why.empty()) throw std::runtime_error(why);
  }

 private:
  // Rolls the failed request back to its savepoint; a batch that cannot be is abandoned.
  void undo_request() {
    try {
      w_.undo();
    } catch (const std::exception& e) {
      w_.rollback();
      if (members_ == 0) {
        batch_open_ = false;
        return;
      }
      abandoned_ = true;  // the members' work is gone: their leader reports the failure
      abandoned_why_ = *e.what() ? e.what() : "a request could not be rolled back";
      return;
    }
    if (members_ == 0) {  // nobody else in the batch: end it
      w_.rollback();
      batch_open_ = false;
    }
  }

  static const GroupCommit*& owner() {
    thread_local const GroupCommit* o = nullptr;
    return o;
  }

  struct Outcome {
    bool done = false;
    std::string failure;  // why the batch was not committed ("" when it was)
  };

  Writer w_;
  std::mutex mutex_;
  std::condition_variable writable_, committed_;
  std::atomic<int> arriving_{0};  // requests waiting for the writer
  bool batch_open_ = false, committing_ = false, abandoned_ = false;
  std::string abandoned_why_;
  std::shared_ptr<Outcome> batch_;  // the open batch's outcome
  long members_ = 0;
};

}  // namespace procura
