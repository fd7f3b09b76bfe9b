// EblRegistry: what this platform holds, or held, of each eBL that moved over
// PINT: the transport document, its envelope transfer chain, its additional
// documents and the current possessor. The receiver asks it for duplicate
// (DUPE) and fork (DISE) detection and hands it every accepted transfer; the
// sender exports from it and records what it sent.
//
// EtrEblRegistry (etr_registry.h) implements it over the etr engine's records
// and is what a platform uses. SqlEblRegistry below keeps eBLs in PINT's own
// tables only; the receiver and sender unit tests use it as the interface's
// second implementation (docs/pint.md, Storage).
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
  // Records of the etr engine (EtrEblRegistry):
  std::string record_id;
  std::string record_head;  // the etr head it was exported at
  // The carrier's IssuanceManifest when `chain` is empty (issued here, never
  // sent): the next entry is the first and carries it.
  std::string issuance_manifest;
  // Transactions of local actions not yet in any chain entry: the next entry
  // carries them before the new one.
  std::vector<Transaction> local_transactions;
  // The holder is a party with etr keys: only its signed action may send the
  // record away (a pending one, see EtrTransfers); an admin's send is refused.
  bool holder_signs = false;
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
  // Around a send the platform signs for the possessor (Sender::Send without
  // a holder's transaction): BeginSend reserves `held` for `recipient` (no
  // local action and no other send until Record or AbortSend; calling it
  // again for the same pending send is a retry); AbortSend releases it after
  // a refusal. Errors: conflict (it moved), failed_precondition (reserved
  // for another send, or gone).
  virtual Status BeginSend(const HeldEbl& held, const Party& recipient) = 0;
  virtual Status AbortSend(const HeldEbl& held) = 0;
  // Links additional documents (stored with their content) to the eBL
  // `checksum_or_reference`: they travel with its next transfers. Errors:
  // not_found.
  virtual Status AttachDocuments(const std::string& checksum_or_reference,
                                 const std::vector<StoredDocument>& documents) = 0;
};

// Schema of the PINT module (registry, peers, transfers).
std::vector<storage::Migration> PintMigrations();

// The additional-document half of EblRegistry over pint_documents and
// pint_ebl_documents, shared by both implementations (AttachDocuments finds
// the eBL through the implementation's Export).
class DocumentTables : public EblRegistry {
 public:
  explicit DocumentTables(storage::Database& db) : documents_db_(db) {}
  Result<std::vector<std::uint8_t>> Document(const std::string& checksum) override;
  Status StoreDocument(const std::string& checksum,
                       const std::vector<std::uint8_t>& content) override;
  Result<bool> HasDocument(const std::string& checksum) override;
  Status AttachDocuments(const std::string& checksum_or_reference,
                         const std::vector<StoredDocument>& documents) override;

 private:
  storage::Database& documents_db_;
};

class SqlEblRegistry final : public DocumentTables {
 public:
  SqlEblRegistry(storage::Database& db, const Clock& clock)
      : DocumentTables(db), db_(db), clock_(clock) {}

  Result<KnownChain> Known(const std::string& transport_document_checksum) override;
  Result<std::string> ChainEntry(const std::string& entry_checksum) override;
  Status Record(const TransferRecord& record) override;
  Result<HeldEbl> Export(const std::string& checksum_or_reference) override;
  // No reservation here: two sends race at the receivers.
  Status BeginSend(const HeldEbl&, const Party&) override { return {}; }
  Status AbortSend(const HeldEbl&) override { return {}; }

 private:
  storage::Database& db_;
  const Clock& clock_;
};

}  // namespace digitrade::trade::etr::pint
