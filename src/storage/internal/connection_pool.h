// A bounded pool of database connections, shared by the drivers.
//
// Connections are made on demand by a factory, up to `max_size`. Acquire()
// hands out an idle connection or makes a new one; when all are in use it
// waits on a condition variable (no polling) until one is returned or the
// timeout passes. A Lease gives its connection back when destroyed; the pool
// first asks the connection to Recycle() itself (end any transaction) and
// closes it when that fails, so a connection always comes out clean.
//
// Conn provides:
//   bool Healthy();  // false when the connection is known to be broken
//   bool Recycle();  // back to a clean idle state; false when it cannot be
//
// Thread-safety: Acquire() may be called from any thread. A Lease and its
// connection belong to one thread at a time. The pool owns idle connections,
// a Lease the one it holds; the pool must outlive every Lease.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace digitrade::storage::internal {

template <typename Conn>
class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<Conn>>()>;

  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(std::move(conn_));
    }

    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}

    ConnectionPool* pool_;
    std::unique_ptr<Conn> conn_;
  };

  // `max_size` >= 1.
  ConnectionPool(std::size_t max_size, std::chrono::milliseconds wait_timeout, Factory factory)
      : max_size_(max_size), wait_timeout_(wait_timeout), factory_(std::move(factory)) {}

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Errors: unavailable when no connection is free within the timeout; the
  // factory's errors when a new connection cannot be made.
  Result<Lease> Acquire() {
    std::unique_ptr<Conn> conn;
    {
      std::unique_lock lock(mu_);
      const bool ready =
          cv_.wait_for(lock, wait_timeout_, [&] { return !idle_.empty() || open_ < max_size_; });
      if (!ready) {
        return Unavailable(fmt::format("no free database connection within {} ms (pool of {})",
                                       wait_timeout_.count(), max_size_));
      }
      if (idle_.empty()) {
        ++open_;
      } else {
        conn = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    // A broken idle connection keeps its slot and is replaced by a new one.
    if (conn != nullptr && !conn->Healthy()) conn.reset();
    if (conn == nullptr) {
      Result<std::unique_ptr<Conn>> made = factory_();
      if (!made) {
        Forget();
        return std::unexpected(std::move(made).error());
      }
      conn = std::move(*made);
    }
    return Lease(this, std::move(conn));
  }

 private:
  void Return(std::unique_ptr<Conn> conn) {
    if (!conn->Recycle()) {
      conn.reset();
      Forget();
      return;
    }
    {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

  // Gives up the slot of a connection that was closed or never made.
  void Forget() {
    {
      std::lock_guard lock(mu_);
      --open_;
    }
    cv_.notify_one();
  }

  const std::size_t max_size_;
  const std::chrono::milliseconds wait_timeout_;
  const Factory factory_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;  // most recently used last
  std::size_t open_ = 0;                     // idle + leased
};

}  // namespace digitrade::storage::internal
