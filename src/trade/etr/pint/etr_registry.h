// EtrEblRegistry: PINT's EblRegistry over the etr engine (trade/etr), so an
// eBL is one record whatever way it came: issued here with /v1/etr, received
// over PINT, or back from another platform. EtrTransfers: an etr action whose
// recipient is on another platform, sent with the PINT Sender.
//
// What lives where (docs/pint.md, docs/etr.md "How PINT plugs in"):
//   - the record, its state and its chain of actions: etr (etr_records,
//     etr_actions). Entries received over PINT are etr actions of kind
//     etr.import; local actions are etr actions signed by their party.
//   - the PINT envelope transfer chain as sent and received: pint_etr_entries,
//     each entry with the last etr action it covers. An entry this platform
//     signs is stored when the transfer it belongs to is accepted; until then
//     the whole envelope is kept in pint_outbound, so a resend is
//     byte-identical (DUPE at the receiver) and a chain coming back must
//     extend exactly what we sent.
//   - additional documents: pint_documents, pint_ebl_documents.
//
// Thread-safety: safe from many threads. Singularity rests on etr: a
// transfer away locks the record (Registry::BeginTransferOut) in the same
// transaction that checks the chain state, so a local action and an
// outbound transfer naming the same state cannot both win.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "storage/database.h"
#include "trade/etr/pint/peers.h"
#include "trade/etr/pint/registry.h"
#include "trade/etr/pint/sender.h"
#include "trade/etr/registry.h"

namespace digitrade::trade::etr::pint {

class EtrEblRegistry final : public DocumentTables {
 public:
  // `etr` must use `platform_code` as its RegistryOptions::platform_code.
  EtrEblRegistry(storage::Database& db, const Clock& clock, etr::Registry& etr,
                 const SchemaSet& schemas)
      : DocumentTables(db), db_(db), clock_(clock), etr_(etr), schemas_(schemas) {}

  Result<KnownChain> Known(const std::string& transport_document_checksum) override;
  Result<std::string> ChainEntry(const std::string& entry_checksum) override;
  // An accepted transfer of a document we do not have creates the etr record
  // (held by the recipient: an etr party when its identifying code is
  // {codeListProvider: our code, partyCode: organisation id}, else the PINT
  // party ForeignPartyId names); one that comes back to a record held
  // elsewhere continues it; our own accepted send completes the pending etr
  // action. Errors: conflict (the chain does not extend ours, or the record
  // is held here: a fork), those of etr.
  Status Record(const TransferRecord& record) override;
  // By transport document checksum, reference or etr record id.
  Result<HeldEbl> Export(const std::string& key) override;
  // Locks the etr record (Registry::LockForPlatformSend) at the head `held`
  // was exported at.
  Status BeginSend(const HeldEbl& held, const Party& recipient) override;
  Status AbortSend(const HeldEbl& held) override;

 private:
  struct Entry {
    std::string checksum;
    std::string signed_content;
    std::int64_t etr_sequence = 0;
  };
  Result<std::vector<Entry>> Entries(storage::Executor& ex, const std::string& record_id);
  Status Import(const TransferRecord& r);
  Status Extend(const TransferRecord& r, const etr::Record& rec, std::size_t known);
  Result<etr::RecordState> StateAfter(const TransferRecord& r) const;
  std::string PartyId(const Party& p) const;

  storage::Database& db_;
  const Clock& clock_;
  etr::Registry& etr_;
  const SchemaSet& schemas_;
};

// The outcome of an etr action sent to another platform.
struct OutboundResult {
  etr::Record record;   // after the answer
  SendOutcome outcome;  // the receiver's signed answer
};

// Sends etr actions whose recipient is on another platform.
class EtrTransfers {
 public:
  EtrTransfers(etr::Registry& etr, Sender& sender, PeerDirectory& peers)
      : etr_(etr), sender_(sender), peers_(peers) {}

  // Verifies and locks (BeginTransferOut), sends the envelope whose last
  // entry carries the holder's transaction, then: RECE/DUPE completes the
  // action (the record is held elsewhere); any other code unlocks the record
  // and is failed_precondition naming the code and reason; no signed answer
  // is unavailable and the record stays locked: posting the same signed
  // action again resends the same envelope. Errors: those of
  // BeginTransferOut; not_found (the recipient's platform is no registered
  // peer; nothing is locked).
  Result<OutboundResult> Send(const std::string& record_id, std::string_view jws,
                              const std::string& caller_org);

 private:
  etr::Registry& etr_;
  Sender& sender_;
  PeerDirectory& peers_;
};

}  // namespace digitrade::trade::etr::pint
