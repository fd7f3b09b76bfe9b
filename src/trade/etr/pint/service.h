// PintService: one platform's PINT parts wired together (signer, peer
// directory, registry, receiver, sender, the DCSA PINT 3.0 schemas, and the
// etr engine's outbound transfers) over one
// database and evidence log.
// Built by app/ when the platform has a PINT identity (code and key).
//
// Ownership: owns the parts; borrows the database, clock, random source,
// log and transport, which must outlive it. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/random.h"
#include "ledger/log.h"
#include "storage/database.h"
#include "trade/etr/dcsa_schema.h"
#include "trade/etr/pint/etr_registry.h"
#include "trade/etr/pint/issuance.h"
#include "trade/etr/pint/peers.h"
#include "trade/etr/pint/receiver.h"
#include "trade/etr/pint/registry.h"
#include "trade/etr/pint/sender.h"
#include "trade/etr/pint/signer.h"
#include "trade/etr/registry.h"

namespace digitrade::trade::etr::pint {

struct PintConfig {
  std::string platform_code;    // our eblPlatform code
  std::string private_key_pem;  // RSA (2048+), P-256, P-384 or P-521
  std::string alg;              // JOSE name, empty: the key's default
};

class PintService {
 public:
  // With `etr` (whose platform code must be config.platform_code), eBLs are
  // the etr engine's records (EtrEblRegistry) and etr actions can send them
  // to other platforms (etr_transfers()); without it, PINT's own tables
  // (SqlEblRegistry). Errors: invalid_argument (code, key, algorithm, an etr
  // registry of another platform code); internal if the embedded DCSA
  // schemas do not load.
  static Result<std::unique_ptr<PintService>> Create(storage::Database& db, const Clock& clock,
                                                     crypto::Random& random, ledger::Log& evidence,
                                                     PeerTransport& transport,
                                                     const PintConfig& config,
                                                     etr::Registry* etr = nullptr);

  const PlatformSigner& signer() const { return signer_; }
  PeerDirectory& peers() { return *peers_; }
  EblRegistry& registry() { return *registry_; }
  Receiver& receiver() { return *receiver_; }
  Sender& sender() { return *sender_; }
  // Null without the etr engine.
  EtrTransfers* etr_transfers() { return etr_transfers_.get(); }
  // The DCSA eBL Issuance API's provider side; null without the etr engine.
  DcsaIssuance* issuance() { return issuance_.get(); }

 private:
  PintService(PlatformSigner signer, SchemaSet schemas)
      : signer_(std::move(signer)), schemas_(std::move(schemas)) {}

  PlatformSigner signer_;
  const SchemaSet schemas_;  // created once, shared by receiver and sender
  std::unique_ptr<PeerDirectory> peers_;
  std::unique_ptr<EblRegistry> registry_;
  std::unique_ptr<Receiver> receiver_;
  std::unique_ptr<Sender> sender_;
  std::unique_ptr<EtrTransfers> etr_transfers_;
  std::unique_ptr<DcsaIssuance> issuance_;  // last: its delivery thread stops first
};

}  // namespace digitrade::trade::etr::pint
