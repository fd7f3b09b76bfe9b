#include "ledger/internal/sequencer.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <utility>

#include "ledger/checkpoint.h"

namespace digitrade::ledger::internal {
namespace {

std::int64_t Micros(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

// A raw futex rather than std::atomic::wait: libstdc++'s wait spins with
// sched_yield before sleeping, which with hundreds of waiting appenders on
// two cores cost more than the sleep itself.
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
              std::atomic<std::uint32_t>::is_always_lock_free);

void FutexWait(std::atomic<std::uint32_t>& word, std::uint32_t seen) {
  // Returns at once when the word is no longer `seen`; spurious returns are
  // handled by the caller's loop.
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, seen, nullptr,
          nullptr, 0);
}

void FutexWakeAll(std::atomic<std::uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
          nullptr, 0);
}

}  // namespace

Sequencer::Sequencer(LogStore& store, const Clock& clock, const NoteSigner& signer,
                     TreeHasher hasher, LogOptions options)
    : store_(store),
      clock_(clock),
      signer_(signer),
      hasher_(hasher),
      options_(std::move(options)) {}

Sequencer::~Sequencer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(done_mu_);
    done_stop_ = true;
  }
  done_cv_.notify_all();
  if (notifier_.joinable()) notifier_.join();  // after answering every committed append
}

Status Sequencer::Start() {
  DT_ASSIGN_OR_RETURN(next_seq_, store_.NextSeq(options_.instance_id));
  notifier_ = std::thread([this] { Notify(); });
  thread_ = std::thread([this] { Run(); });
  return {};
}

void Sequencer::Acknowledge(std::vector<RequestPtr> requests, std::uint64_t first_index,
                            std::string checkpoint) {
  {
    std::lock_guard lock(done_mu_);
    done_.push_back({std::move(requests), first_index, std::move(checkpoint)});
  }
  done_cv_.notify_one();
}

void Sequencer::Complete(const std::vector<RequestPtr>& requests) {
  for (const auto& r : requests) {
    if (!r->callback) r->ready.store(true, std::memory_order_release);
  }
  const Channel* last = nullptr;
  for (const auto& r : requests) {
    if (r->callback) {
      // Released before the call returns: whatever the callback holds (a
      // connection, a response channel) must not outlive the answer here.
      AppendCallback done = std::move(r->callback);
      r->callback = nullptr;
      r->guard = nullptr;
      r->owned_guard.reset();
      done(std::move(*r->result));
      continue;
    }
    if (r->channel.get() == last) continue;  // a batch is usually one channel
    last = r->channel.get();
    r->channel->word.fetch_add(1, std::memory_order_release);
    FutexWakeAll(r->channel->word);
  }
}

void Sequencer::Wait(const Request& request) {
  while (true) {
    const std::uint32_t seen = request.channel->word.load(std::memory_order_acquire);
    if (request.ready.load(std::memory_order_acquire)) return;
    FutexWait(request.channel->word, seen);
  }
}

void Sequencer::Notify() {
  while (true) {
    Completion c;
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait(lock, [&] { return done_stop_ || !done_.empty(); });
      if (done_.empty()) return;  // stopping, nothing left to answer
      c = std::move(done_.front());
      done_.pop_front();
    }
    std::uint64_t index = c.first_index;
    for (const auto& r : c.requests) {
      if (r->declined) {
        r->result.emplace(std::nullopt);
      } else {
        r->result.emplace(AppendResult{index++, r->leaf_hash, c.checkpoint});
      }
    }
    Complete(c.requests);
  }
}

std::int64_t Sequencer::NowMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch())
      .count();
}

Sequencer::RequestPtr Sequencer::NewRequest(std::string leaf) const {
  auto req = std::make_shared<Request>();
  req->leaf_hash = hasher_.HashLeaf(AsBytes(leaf));  // on the caller's thread, in parallel
  req->leaf = std::move(leaf);
  return req;
}

Status Sequencer::Enqueue(const RequestPtr& req) {
  {
    std::lock_guard lock(mu_);
    if (fatal_) return std::unexpected(*fatal_);
    if (stop_) return Unavailable("log is closing");
    if (!req->callback) {
      if (!open_channel_) open_channel_ = std::make_shared<Channel>();
      req->channel = open_channel_;
    }
    queue_.push_back(req);
  }
  cv_.notify_one();
  return {};
}

Sequencer::Outcome Sequencer::Submit(std::string leaf, const AppendGuard* guard) {
  auto req = NewRequest(std::move(leaf));
  req->guard = guard;
  DT_TRY(Enqueue(req));
  Wait(*req);
  return std::move(*req->result);
}

void Sequencer::SubmitAsync(std::string leaf, AppendGuard guard, AppendCallback done) {
  auto req = NewRequest(std::move(leaf));
  req->owned_guard.emplace(std::move(guard));
  req->guard = &*req->owned_guard;
  req->callback = std::move(done);
  if (auto st = Enqueue(req); !st) {
    AppendCallback callback = std::move(req->callback);
    callback(std::unexpected(std::move(st.error())));
  }
}

std::vector<Sequencer::RequestPtr> Sequencer::TakeQueued() {
  std::vector<RequestPtr> out;
  const std::size_t n = std::min(queue_.size(), options_.max_batch);
  out.reserve(n);
  open_channel_.reset();  // later appenders wait on a new channel
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return out;
}

void Sequencer::Requeue(std::vector<RequestPtr> requests) {
  std::lock_guard lock(mu_);
  for (auto it = requests.rbegin(); it != requests.rend(); ++it) queue_.push_front(*it);
}

void Sequencer::FailAll(std::vector<RequestPtr>& requests, const Error& error) {
  for (auto& r : requests) r->result.emplace(std::unexpected(error));
  Complete(requests);
  requests.clear();
}

void Sequencer::Run() {
  while (true) {
    std::vector<RequestPtr> local;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.poll_interval, [&] { return stop_ || !queue_.empty(); });
      if (stop_) break;
      local = TakeQueued();
    }
    if (!leader_) TryLead();
    if (leader_) {
      LeadStep(std::move(local));
    } else {
      Forward(std::move(local));
    }
    CollectForwarded();
  }
  Shutdown();
}

void Sequencer::TryLead() {
  auto row = store_.Load();
  if (!row) return;
  const std::int64_t now = NowMicros();
  const bool free = row->lease_holder.empty() || row->lease_holder == options_.instance_id ||
                    row->lease_expires < now;
  if (!free) return;
  auto won =
      store_.TryAcquireLease(options_.instance_id, now, now + Micros(options_.lease_duration));
  if (!won || !*won) return;
  edge_.reset();
  if (auto st = LoadEdge(); !st) {
    // Reported to every caller from now on; a corrupt tree must not grow.
    if (st.error().code() == ErrorCode::kDataLoss) {
      std::lock_guard lock(mu_);
      fatal_ = st.error();
    }
    (void)store_.ReleaseLease(options_.instance_id);
    return;
  }
  lease_renewed_at_ = now;
  leader_ = true;
}

Status Sequencer::LoadEdge() {
  DT_ASSIGN_OR_RETURN(LogRow row, store_.Load());
  DT_ASSIGN_OR_RETURN(auto partial, store_.ReadPartialTiles(row.size));
  DT_ASSIGN_OR_RETURN(RightEdge edge, RightEdge::FromPartialTiles(hasher_, row.size, partial));
  if (edge.Root() != row.root) {
    return DataLoss("stored tiles of " + row.origin + " do not hash to the stored root at size " +
                    std::to_string(row.size));
  }
  DT_ASSIGN_OR_RETURN(auto published, store_.LastPublished());
  last_published_size_ = published.first;
  last_published_at_ = published.second;
  edge_ = std::move(edge);
  return {};
}

void Sequencer::LeadStep(std::vector<RequestPtr> local) {
  std::vector<PendingRow> pending;
  if (local.size() < options_.max_batch) {
    auto rows = store_.ReadUnassigned(options_.max_batch - local.size());
    if (rows) pending = std::move(*rows);
  }
  if (local.empty() && pending.empty()) {
    Maintain();
    return;
  }
  auto st = CommitBatch(local, std::move(pending));
  if (st) return;
  edge_.reset();
  if (st.error().code() == ErrorCode::kConflict) {
    // Someone else sequences now: these leaves were not written; forward them.
    leader_ = false;
    Requeue(std::move(local));
    return;
  }
  leader_ = false;  // reload the tree from the database before the next batch
  FailAll(local, st.error().WithContext("append not committed"));
}

Result<std::vector<Sequencer::RequestPtr>> Sequencer::RunGuards(
    storage::Executor& ex, const std::vector<RequestPtr>& local,
    std::optional<std::uint64_t> first_index) {
  std::vector<RequestPtr> accepted;
  accepted.reserve(local.size());
  for (const auto& r : local) {
    r->declined = false;
    if (r->guard != nullptr) {
      std::optional<std::uint64_t> index;
      if (first_index) index = *first_index + accepted.size();
      DT_ASSIGN_OR_RETURN(const bool ok, r->guard->run(ex, index));
      if (!ok) {
        r->declined = true;
        continue;
      }
    }
    accepted.push_back(r);
  }
  return accepted;
}

Status Sequencer::CommitBatch(std::vector<RequestPtr>& local, std::vector<PendingRow> pending) {
  if (!edge_) DT_TRY(LoadEdge());
  OrderGuarded(local);
  BatchWrite b;
  b.old_size = edge_->size();
  b.now = NowMicros();
  b.lease_expires = b.now + Micros(options_.lease_duration);
  b.publish = b.now - last_published_at_ >= Micros(options_.checkpoint_interval);
  RightEdge staged = *edge_;
  // Inside the transaction, after the fence: the guards see (and lock) the
  // state this batch commits over, and only what they accept is appended.
  const auto fill = [&](storage::Executor& ex, BatchWrite& w) -> Status {
    staged = *edge_;  // a rerun starts from scratch
    w.leaves.clear();
    w.leaf_hashes.clear();
    w.assigned.clear();
    DT_ASSIGN_OR_RETURN(auto accepted, RunGuards(ex, local, w.old_size));
    for (const auto& r : accepted) {
      w.leaves.push_back(r->leaf);
      w.leaf_hashes.push_back(r->leaf_hash);
      staged.Append(r->leaf_hash);
    }
    for (const auto& row : pending) {
      const Hash h = hasher_.HashLeaf(AsBytes(row.leaf));
      w.leaves.push_back(row.leaf);
      w.leaf_hashes.push_back(h);
      w.assigned.emplace_back(row, staged.size());
      staged.Append(h);
    }
    w.new_size = staged.size();
    w.root = staged.Root();
    w.tiles = staged.TakeWrites();
    DT_ASSIGN_OR_RETURN(w.checkpoint,
                        SignNote(Checkpoint{signer_.name(), w.new_size, w.root, {}}.ToText(),
                                 std::span<const NoteSigner>(&signer_, 1)));
    return {};
  };
  DT_TRY(store_.CommitBatch(options_.instance_id, b, fill));

  edge_ = std::move(staged);
  lease_renewed_at_ = b.now;
  if (b.publish) {
    last_published_at_ = b.now;
    last_published_size_ = b.new_size;
  }
  Acknowledge(std::move(local), b.old_size, std::move(b.checkpoint));
  local.clear();
  return {};
}

void Sequencer::Maintain() {
  const std::int64_t now = NowMicros();
  if (now - lease_renewed_at_ >= Micros(options_.lease_duration) / 3) {
    auto kept =
        store_.TryAcquireLease(options_.instance_id, now, now + Micros(options_.lease_duration));
    if (!kept || !*kept) {
      leader_ = false;
      edge_.reset();
      return;
    }
    lease_renewed_at_ = now;
  }
  // Forwarded appends that were sequenced but never collected belong to a
  // server that stopped; after ten lease periods nobody will ask for them.
  const std::int64_t keep = 10 * Micros(options_.lease_duration);
  if (now - swept_at_ >= Micros(options_.lease_duration)) {
    if (store_.DeleteUncollected(now - keep)) swept_at_ = now;
  }
  if (edge_ && edge_->size() > last_published_size_ &&
      now - last_published_at_ >= Micros(options_.checkpoint_interval)) {
    if (store_.PublishCurrent(now)) {
      last_published_at_ = now;
      last_published_size_ = edge_->size();
    }
  }
}

void Sequencer::OrderGuarded(std::vector<RequestPtr>& requests) {
  const auto key = [](const RequestPtr& r) -> std::string_view {
    return r->guard != nullptr ? std::string_view(r->guard->order_key) : std::string_view();
  };
  if (std::ranges::none_of(requests, [](const RequestPtr& r) { return r->guard != nullptr; })) {
    return;
  }
  std::ranges::stable_sort(
      requests, [&](const RequestPtr& x, const RequestPtr& y) { return key(x) < key(y); });
}

void Sequencer::Forward(std::vector<RequestPtr> local) {
  if (local.empty()) return;
  OrderGuarded(local);
  std::vector<RequestPtr> accepted;
  const std::int64_t first_seq = next_seq_;
  auto st = store_.InsertPending(
      NowMicros(), [&](storage::Executor& ex) -> Result<std::vector<PendingRow>> {
        DT_ASSIGN_OR_RETURN(accepted, RunGuards(ex, local, std::nullopt));
        std::vector<PendingRow> rows;
        std::int64_t seq = first_seq;
        for (const auto& r : accepted) rows.push_back({options_.instance_id, seq++, r->leaf});
        return rows;
      });
  if (!st) {
    FailAll(local, st.error().WithContext("cannot forward append"));
    return;
  }
  std::vector<RequestPtr> declined;
  for (auto& r : local) {
    if (r->declined) {
      r->result.emplace(std::nullopt);
      declined.push_back(r);
    }
  }
  Complete(declined);
  for (auto& r : accepted) forwarded_[next_seq_++] = std::move(r);
}

void Sequencer::CollectForwarded() {
  if (forwarded_.empty()) return;
  auto assigned = store_.TakeAssigned(options_.instance_id);
  if (!assigned || assigned->empty()) return;
  auto row = store_.Load();  // its checkpoint covers every index assigned so far
  std::vector<RequestPtr> answered;
  for (const auto& [seq, index] : *assigned) {
    auto it = forwarded_.find(seq);
    if (it == forwarded_.end()) continue;  // from an earlier run of this instance
    if (row) {
      it->second->result.emplace(AppendResult{index, it->second->leaf_hash, row->checkpoint});
    } else {
      it->second->result.emplace(std::unexpected(row.error()));
    }
    answered.push_back(std::move(it->second));
    forwarded_.erase(it);
  }
  Complete(answered);
}

void Sequencer::Shutdown() {
  std::vector<RequestPtr> left;
  {
    std::lock_guard lock(mu_);
    left.assign(queue_.begin(), queue_.end());
    queue_.clear();
  }
  for (auto& [seq, r] : forwarded_) left.push_back(r);
  forwarded_.clear();
  FailAll(left, Error(ErrorCode::kUnavailable, "log is closing"));
  if (leader_) (void)store_.ReleaseLease(options_.instance_id);
  leader_ = false;
}

}  // namespace digitrade::ledger::internal
