// EblRegistry: what this platform holds, or held, of each eBL that moved over
// PINT: the transport document, its envelope transfer chain, its additional
// documents and the current possessor. The receiver asks it for duplicate
// (DUPE) and fork (DISE) detection and hands it every accepted transfer; the
// sender exports from it and records what it sent.
//
// The etr engine (trade/etr) will implement this interface over its own
// records once both land; SqlEblRegistry below is the storage-backed
// implementation used until then (tables in docs/pint.md).
//
// Thread-safety: implementations are safe to call from many threads.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "trade/etr/pint/verify.h"

namespace digitrade::trade::etr::pint {

enum class DocumentRole { kVisualisation, kSupporting };

struct StoredDocument {
  DocumentRole role = DocumentRole::kSupporting;
  DocumentMetadata metadata;
  std::vector<std::uint8_t> content;
};

// An eBL as held: enough to build the next envelope.
struct HeldEbl {
  std::string transport_document_checksum;
  std::string transport_document_reference;
  boost::json::object transport_document;
  std::vector<std::string> chain;  // compact JWS entries, first to last
  std::vector<StoredDocument> documents;
  std::optional<Party> possessor;
  bool held = false;         // in our possession: we may send it on
  bool surrendered = false;  // SACC recorded: terminal
};

// A transfer to record: accepted from a peer, issued here, or sent away.
struct TransferRecord {
  std::string transport_document_checksum;
  boost::json::object transport_document;
  std::vector<std::string> chain;
  std::vector<StoredDocument> documents;  // content may be empty: already stored
  std::optional<Party> possessor;
  bool held = false;
  bool surrendered = false;
  bool accepted = false;  // an accepted incoming transfer (for DUPE detection)
};

class EblRegistry {
 public:
  virtual ~EblRegistry() = default;

  // The chain we know for the document and the transfers we accepted.
  virtual Result<KnownChain> Known(const std::string& transport_document_checksum) = 0;
  // The signed chain entry with this checksum, if we recorded it (for the
  // DUPE response). Errors: not_found.
  virtual Result<std::string> ChainEntry(const std::string& entry_checksum) = 0;
  // Records a transfer (see TransferRecord). The chain must extend the one
  // recorded. Errors: conflict (it does not: a fork), storage errors.
  virtual Status Record(const TransferRecord& record) = 0;
  // The eBL by transport document checksum or reference. Errors: not_found.
  virtual Result<HeldEbl> Export(const std::string& checksum_or_reference) = 0;
  // Content of an additional document we hold. Errors: not_found.
  virtual Result<std::vector<std::uint8_t>> Document(const std::string& checksum) = 0;
  // Stores an additional document (content-addressed; idempotent).
  virtual Status StoreDocument(const std::string& checksum,
                               const std::vector<std::uint8_t>& content) = 0;
  // Whether a document with this checksum is stored.
  virtual Result<bool> HasDocument(const std::string& checksum) = 0;
};

// Schema of the PINT module (registry, peers, transfers).
std::vector<storage::Migration> PintMigrations();

class SqlEblRegistry final : public EblRegistry {
 public:
  SqlEblRegistry(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<KnownChain> Known(const std::string& transport_document_checksum) override;
  Result<std::string> ChainEntry(const std::string& entry_checksum) override;
  Status Record(const TransferRecord& record) override;
  Result<HeldEbl> Export(const std::string& checksum_or_reference) override;
  Result<std::vector<std::uint8_t>> Document(const std::string& checksum) override;
  Status StoreDocument(const std::string& checksum,
                       const std::vector<std::uint8_t>& content) override;
  Result<bool> HasDocument(const std::string& checksum) override;

 private:
  storage::Database& db_;
  const Clock& clock_;
};

}  // namespace digitrade::trade::etr::pint
