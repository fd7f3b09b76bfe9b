// The platform's trust lists, per jurisdiction: our own (PEM bundles) and
// imported ETSI TS 119 612 lists, kept in the database so imports survive
// restarts, and handed to validators as immutable snapshots.
//
// Thread-safety: all methods may be called concurrently. Snapshot() is
// cheap (a shared_ptr copy); a snapshot never changes, imports publish a
// new one. The Database and Clock must outlive the registry.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/trust_list.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace digitrade::trust {

class TrustRegistry {
 public:
  TrustRegistry(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  static std::vector<storage::Migration> Migrations();

  // Reads every stored list. Errors: data_loss when a stored list no longer
  // parses; those of the database.
  Status Load();

  // Parses `content` (ETSI XML, or a PEM bundle named `name` for
  // `jurisdiction`), stores it, replacing any list of the same name, and
  // publishes it. Errors: those of crypto::LoadTrustList; invalid_argument
  // for a list without anchors; those of the database.
  // When `scheme_operators` is not empty, an ETSI list must carry a valid
  // XML signature by one of them (crypto::VerifyEtsiTrustListSignature);
  // errors: invalid_argument otherwise.
  Result<crypto::TrustList> Import(std::string_view content, std::string_view name,
                                   std::string_view jurisdiction,
                                   std::span<const crypto::Certificate> scheme_operators = {});

  // Publishes a list that is not stored (configuration, the demo CA).
  void AddTransient(crypto::TrustList list);

  std::shared_ptr<const crypto::TrustStore> Snapshot() const;

 private:
  void PublishLocked();

  storage::Database& db_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, crypto::TrustList> lists_;  // by name
  std::shared_ptr<const crypto::TrustStore> snapshot_ = std::make_shared<crypto::TrustStore>();
};

}  // namespace digitrade::trust
