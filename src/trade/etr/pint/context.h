// PintContext: what the receiver and the sender of one platform share. All
// borrowed: the owner (PintService, or a test) keeps them alive longer than
// any Receiver or Sender built over them. Thread-safe as its parts are.
#pragma once

#include "common/clock.h"
#include "crypto/random.h"
#include "ledger/log.h"
#include "storage/database.h"
#include "trade/etr/dcsa_schema.h"
#include "trade/etr/pint/peers.h"
#include "trade/etr/pint/registry.h"
#include "trade/etr/pint/signer.h"

namespace digitrade::trade::etr::pint {

struct PintContext {
  storage::Database& db;
  const Clock& clock;
  crypto::Random& random;
  EblRegistry& registry;
  PeerDirectory& peers;
  const PlatformSigner& signer;
  ledger::Log& evidence;     // decisions are appended here
  const SchemaSet& schemas;  // EBL_PINT_v3.0.0, created once by the owner
};

}  // namespace digitrade::trade::etr::pint
