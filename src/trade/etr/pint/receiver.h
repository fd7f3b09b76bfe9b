// Receiver: the receiving side of DCSA PINT 3.0 (start envelope transfer,
// transfer additional document, finish envelope transfer, receiver
// validation). It verifies envelopes (verify.h), keeps the state of each
// transfer in the database so retries are idempotent and a crash between
// steps loses nothing, hands accepted transfers to the EblRegistry, signs the
// responses the spec signs, and appends every decision to the evidence log
// (kinds "etr.pint.accepted" and "etr.pint.rejected").
//
// Transport-neutral: the HTTP adapter (http/api/pint_api.cc) maps a Reply to
// a response. Errors (Result) are the unsigned failures: unknown envelope
// reference (not_found), a caller that is not the transfer's sender
// (permission_denied), malformed document bodies (invalid_argument),
// storage and log errors (retry).
//
// Thread-safety: safe from many threads. Ownership: borrows everything; all
// must outlive the Receiver.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/random.h"
#include "ledger/log.h"
#include "storage/database.h"
#include "trade/etr/pint/context.h"
#include "trade/etr/pint/peers.h"
#include "trade/etr/pint/registry.h"
#include "trade/etr/pint/signer.h"

namespace digitrade::trade::etr::pint {

// An answer to the sending platform.
struct Reply {
  int status = 200;
  // A JSON string (a signed EnvelopeTransferFinishedResponse), an object
  // (EnvelopeTransferStartedResponse) or null (204).
  boost::json::value body;
  std::optional<ResponseCode> code;  // for signed responses
  std::string reason;
};

struct ReceiverLimits {
  std::size_t max_envelope_bytes = 8 << 20;
  std::size_t max_document_bytes = 16 << 20;  // decoded
};

// The responseCode inside a signed response, read without verifying it (for
// our own stored responses). nullopt when it has none.
std::optional<ResponseCode> ResponseCodeOf(std::string_view signed_response);

class Receiver {
 public:
  explicit Receiver(const PintContext& context, ReceiverLimits limits = {})
      : ctx_(context), limits_(limits) {}

  // POST /v3/envelopes from platform `caller`.
  Result<Reply> StartTransfer(const std::string& caller, std::string_view body);
  // PUT /v3/envelopes/{reference}/additional-documents/{checksum}; `body` is
  // the JSON string holding the base64 document.
  Result<Reply> PutDocument(const std::string& caller, const std::string& reference,
                            const std::string& checksum, std::string_view body);
  // PUT /v3/envelopes/{reference}/finish-transfer.
  Result<Reply> FinishTransfer(const std::string& caller, const std::string& reference);
  // POST /v3/receiver-validation: the party's name, or not_found.
  Result<std::string> ValidateReceiver(const IdentifyingCode& code);

  // A signed EnvelopeTransferFinishedResponse (exposed for tests and tools).
  Result<Reply> Signed(ResponseCode code, const std::string& last_checksum, std::string reason,
                       const boost::json::object& extra = {});

 private:
  struct Transfer;
  Result<Reply> Rejected(const std::string& caller, const Rejection& r,
                         const std::string& td_checksum, const std::string& last_checksum);
  Result<Reply> Duplicate(const VerifiedEnvelope& v);
  Result<Reply> Repeat(const Transfer& t);
  Result<Reply> Accept(const Transfer& t, const VerifiedEnvelope& v);
  Result<std::vector<std::string>> Missing(const std::string& reference);
  Result<std::optional<Transfer>> LoadTransfer(const std::string& reference);
  Result<std::optional<std::string>> OpenTransferFor(const VerifiedEnvelope& v);
  Result<std::string> CreateTransfer(const std::string& caller, std::string_view body,
                                     const VerifiedEnvelope& v);
  Result<Reply> StartedOrAccepted(const std::string& reference, const VerifiedEnvelope& v);
  Status Close(const std::string& reference, std::string_view state, const Reply& reply,
               std::optional<std::uint64_t> evidence_index);
  Result<std::uint64_t> Evidence(std::string_view kind, boost::json::object event);

  PintContext ctx_;
  ReceiverLimits limits_;
};

}  // namespace digitrade::trade::etr::pint
