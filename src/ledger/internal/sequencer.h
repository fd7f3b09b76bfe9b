// The sequencer of one log: group commit, leadership, forwarding.
//
// Callers Submit() leaves from any thread and block. One thread takes what
// has queued up (at most max_batch), and:
//  - as leader (holder of the log's lease row), runs the guards of guarded
//    appends, assigns indexes to what they accepted, extends the in-memory
//    right edge, signs a checkpoint for the new size and commits the
//    guards' writes, entries, tiles, forwarded assignments and the new tree
//    head in one transaction, then answers every caller of the batch;
//  - as follower, runs the guards and writes the accepted leaves to the
//    pending table for the leader in one transaction, and answers callers
//    once the leader has given them indexes.
// A batch that fails is not acknowledged; its callers get the error (or,
// when the lease was lost, their leaves are forwarded instead).
//
// SubmitAsync() queues the same way without blocking: the request carries
// its own guard and a callback, which the thread that answers the batch
// calls instead of waking a waiter.
//
// Thread-safety: Submit() and SubmitAsync() from any thread. The LogStore, Clock and NoteSigner
// must outlive the Sequencer; the destructor stops the thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "ledger/internal/log_store.h"
#include "ledger/internal/right_edge.h"
#include "ledger/log.h"
#include "ledger/note.h"

namespace digitrade::ledger::internal {

class Sequencer {
 public:
  Sequencer(LogStore& store, const Clock& clock, const NoteSigner& signer, TreeHasher hasher,
            LogOptions options);
  ~Sequencer();
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;

  // Starts the thread. Errors: storage errors reading the forwarding state.
  Status Start();

  // Blocks until the leaf is committed (or fails). With a guard, the guard
  // runs in the batch transaction and may decline (nullopt); without one
  // the result is never nullopt. The guard must outlive the call.
  using Outcome = Result<std::optional<AppendResult>>;
  Outcome Submit(std::string leaf, const AppendGuard* guard);
  // Submit without waiting: `done` gets the outcome, on the notifier or the
  // sequencer thread, or on the calling thread when the log is closing.
  void SubmitAsync(std::string leaf, AppendGuard guard, AppendCallback done);

  bool is_leader() const { return leader_.load(); }

 private:
  // Waiting appenders sleep on the wake word of the channel they joined
  // (every request queued between two takes shares one), so answering a
  // whole batch costs one futex wake, not one per appender.
  struct Channel {
    std::atomic<std::uint32_t> word{0};
  };
  struct Request {
    std::string leaf;
    Hash leaf_hash{};
    const AppendGuard* guard = nullptr;
    bool declined = false;  // by its guard, in the last run of the batch
    std::shared_ptr<Channel> channel;  // null for an asynchronous request
    std::optional<Outcome> result;     // written before `ready`
    std::atomic<bool> ready{false};
    // An asynchronous request owns its guard and is answered by a call.
    std::optional<AppendGuard> owned_guard;
    AppendCallback callback;
  };
  using RequestPtr = std::shared_ptr<Request>;

  RequestPtr NewRequest(std::string leaf) const;
  // Queues the request; an error when the log cannot take it.
  Status Enqueue(const RequestPtr& req);
  void Run();
  std::vector<RequestPtr> TakeQueued();
  void Requeue(std::vector<RequestPtr> requests);
  void FailAll(std::vector<RequestPtr>& requests, const Error& error);
  // Publishes each request's result and wakes the channels they wait on,
  // or calls the request's callback.
  static void Complete(const std::vector<RequestPtr>& requests);
  static void Wait(const Request& request);
  std::int64_t NowMicros() const;

  void TryLead();
  Status LoadEdge();
  void LeadStep(std::vector<RequestPtr> local);
  Status CommitBatch(std::vector<RequestPtr>& local, std::vector<PendingRow> pending);
  // Runs the guards of `local` (in their order) and returns the requests
  // they accepted; the declined are marked. Errors: a guard's error.
  static Result<std::vector<RequestPtr>> RunGuards(storage::Executor& ex,
                                                   const std::vector<RequestPtr>& local,
                                                   std::optional<std::uint64_t> first_index);
  // Sorts by the guards' order keys (stable), when any request has a guard.
  static void OrderGuarded(std::vector<RequestPtr>& requests);
  void Maintain();
  void Forward(std::vector<RequestPtr> local);
  void CollectForwarded();
  void Shutdown();
  // Answers callers on the notifier thread (waking each is a system call).
  // `requests` hold the appended ones (indexes first_index, ...) and the
  // ones their guards declined, in any order.
  void Acknowledge(std::vector<RequestPtr> requests, std::uint64_t first_index,
                   std::string checkpoint);
  void Notify();

  LogStore& store_;
  const Clock& clock_;
  const NoteSigner& signer_;
  const TreeHasher hasher_;
  const LogOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RequestPtr> queue_;
  std::shared_ptr<Channel> open_channel_;  // joined by requests queued since the last take
  bool stop_ = false;
  std::optional<Error> fatal_;
  std::thread thread_;
  std::atomic<bool> leader_{false};

  // Acknowledgements of committed batches, in commit order.
  struct Completion {
    std::vector<RequestPtr> requests;
    std::uint64_t first_index = 0;
    std::string checkpoint;
  };
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::deque<Completion> done_;
  bool done_stop_ = false;
  std::thread notifier_;

  // Owned by the sequencer thread.
  std::optional<RightEdge> edge_;
  std::int64_t lease_renewed_at_ = 0;
  std::int64_t swept_at_ = 0;  // last DeleteUncollected
  std::int64_t last_published_at_ = 0;
  std::uint64_t last_published_size_ = 0;
  std::int64_t next_seq_ = 0;
  std::map<std::int64_t, RequestPtr> forwarded_;
};

}  // namespace digitrade::ledger::internal
