// DcsaIssuance: the eBL solution provider's side of the DCSA eBL Issuance
// API 3.0.3. A carrier's own system (a user of the carrier's organisation)
// submits an IssuanceRequest; we check it at once (ISS schema with the JSON
// path of every violation, the carrier's organisation, the issuance manifest
// against the carrier's registered key and the document, issueTo and
// visualisation), claim the transportDocumentReference (the same one twice
// is a conflict), decide, and later POST the IssuanceResponse to the
// carrier's callback (Carrier::callback_url + /v3/ebl-issuance-responses).
//
// Verdicts (docs/pint.md "DCSA Issuance API"):
//   ISSU  the record is created on the etr engine, held by issueTo. Its
//         first PINT chain entry (the ISSUE transaction, actor the carrier's
//         organisation) is signed with this platform's PINT key, with the
//         carrier's manifest in it, exactly as Sender::RecordIssued does: the
//         record exports over PINT and proves control like any other.
//   BREQ  issueTo is no party of this platform, or the document was refused
//         on review (a PINT TransportDocument violation).
//   REFU  issueTo names another eBL platform (we do not issue across).
//
// Delivery never blocks the request: DeliverDue() sends what is due, with
// exponential back-off between attempts and a last state (delivered, failed
// after max_attempts, no_callback) kept on the request (Get). StartDelivery()
// runs it on a thread of its own.
//
// Thread-safety: safe from many threads and servers sharing one database (an
// attempt is claimed by moving its due time, so only one server makes it).
// Borrows everything it is built on; the delivery thread stops in the
// destructor.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/result.h"
#include "storage/database.h"
#include "trade/etr/dcsa_schema.h"
#include "trade/etr/pint/peers.h"
#include "trade/etr/pint/sender.h"
#include "trade/etr/registry.h"

namespace digitrade::trade::etr::pint {

// A parsed IssuanceRequest: valid against the ISS schema.
struct IssuanceRequest {
  boost::json::object document;  // the TransportDocument
  boost::json::object issue_to;  // as sent (the manifest's issueToChecksum covers it)
  std::string manifest;          // issuanceManifestSignedContent
  std::optional<StoredDocument> visualisation;
  std::string reference;  // document.transportDocumentReference
  std::string carrier_code;
};

// Parses and validates a request body against `iss` (EBL_ISS_v3.0.3).
// Errors: invalid_argument naming the JSON path ("$.document.carrierCode:
// ..."; malformed JSON, every schema violation, content not base64),
// resource_exhausted over 16 MiB.
Result<IssuanceRequest> ParseIssuanceRequest(std::string_view body, const SchemaSet& iss);

struct IssuanceStatus {
  std::string reference;
  std::string carrier_code;
  std::string organisation_id;
  std::string transport_document_checksum;
  std::string response_code;     // ISSU | BREQ | REFU
  std::string reason;            // empty for ISSU
  std::string record_id;         // the etr record, for ISSU
  boost::json::object response;  // the IssuanceResponse sent to the carrier
  std::string delivery;          // pending | delivered | failed | no_callback
  std::int64_t attempts = 0;
  std::string last_error;
  std::optional<std::int64_t> delivered_at;  // Unix microseconds
  std::int64_t created_at = 0;
};

struct IssuanceOptions {
  int max_attempts = 10;
  std::chrono::seconds first_retry{5};  // then doubling, at most an hour
  std::chrono::seconds lease{60};       // an attempt in progress is not retried before
};

class DcsaIssuance {
 public:
  // Errors: internal if the embedded ISS schemas do not load.
  static Result<std::unique_ptr<DcsaIssuance>> Create(storage::Database& db, const Clock& clock,
                                                      PeerDirectory& peers, Sender& sender,
                                                      EblRegistry& registry, etr::Registry& etr,
                                                      PeerTransport& transport,
                                                      IssuanceOptions options = {});
  ~DcsaIssuance();

  // Checks and decides a request of a user of `organisation_id`. Errors:
  // invalid_argument (those of ParseIssuanceRequest; the manifest does not
  // verify or match: "$.issuanceManifestSignedContent: ..."),
  // permission_denied (the carrierCode is not registered here for this
  // organisation), conflict (the transportDocumentReference was submitted or
  // issued before; nothing changes), unavailable/internal (storage: nothing
  // is kept, the carrier may retry).
  Result<IssuanceStatus> Submit(std::string_view body, const std::string& organisation_id);

  // Errors: not_found.
  Result<IssuanceStatus> Get(const std::string& reference);

  // Makes every delivery attempt that is due; returns how many it made.
  Result<int> DeliverDue();

  // Runs DeliverDue every `poll` and whenever a request is decided.
  void StartDelivery(std::chrono::milliseconds poll = std::chrono::milliseconds(1000));

  const SchemaSet& schemas() const { return schemas_; }

 private:
  DcsaIssuance(storage::Database& db, const Clock& clock, PeerDirectory& peers, Sender& sender,
               EblRegistry& registry, etr::Registry& etr, PeerTransport& transport,
               IssuanceOptions options, SchemaSet schemas);
  struct Verdict;
  Result<Carrier> CarrierFor(const IssuanceRequest& req, const std::string& organisation_id);
  Result<IssuedEbl> ToIssued(const IssuanceRequest& req, const std::string& organisation_id);
  Status Claim(const IssuanceRequest& req, const std::string& organisation_id,
               const std::string& td_checksum);
  Result<Verdict> Decide(const IssuedEbl& issued);
  Status Deliver(const storage::Row& row);

  storage::Database& db_;
  const Clock& clock_;
  PeerDirectory& peers_;
  Sender& sender_;
  EblRegistry& registry_;
  etr::Registry& etr_;
  PeerTransport& transport_;
  const IssuanceOptions options_;
  const SchemaSet schemas_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool poke_ = false;
  std::thread worker_;
};

}  // namespace digitrade::trade::etr::pint
