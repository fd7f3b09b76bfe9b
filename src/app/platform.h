// The composition root's core: opens the database named by a URL, applies
// every module's migrations and builds the platform services over it. The
// only place (with serve.cc) that names concrete classes.
//
// Ownership: Platform owns everything it builds; references handed out live
// as long as the Platform. Thread-safe to use once built.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/random.h"
#include "crypto/timestamp.h"
#include "identity/directory.h"
#include "ledger/log.h"
#include "storage/database.h"
#include "signing/key_vault.h"
#include "trade/einvoice/registry.h"
#include "trade/einvoice/service.h"
#include "trade/etr/pint/service.h"
#include "trade/etr/registry.h"
#include "trust/registry.h"

namespace digitrade::app {

struct Platform {
  std::string database_kind;  // "sqlite" | "postgresql"
  std::unique_ptr<Clock> clock;
  std::unique_ptr<crypto::Random> random;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<identity::Directory> directory;
  std::unique_ptr<trade::einvoice::ValidationService> einvoice;
  std::unique_ptr<trust::TrustRegistry> trust;
  // Null when no key encryption key is configured (PostgreSQL without
  // DIGITRADE_KEK): server-side signing is then unavailable.
  std::unique_ptr<signing::KeyVault> signing;
  // The RFC 3161 timestamp authority, when DIGITRADE_TSA_KEY and
  // DIGITRADE_TSA_CERT name its PEM key and certificate (chain after the
  // leaf); null otherwise.
  std::unique_ptr<crypto::TimestampAuthority> tsa;
  // The evidence log, once OpenEvidenceLog() has run (serve does; offline
  // commands that do not append leave it closed). Declared last: it stops
  // its sequencer before the database closes.
  std::unique_ptr<ledger::Log> evidence_log;
  // Registered e-invoices (signed, logged); made by OpenEvidenceLog() with
  // the log, and destroyed before it.
  std::unique_ptr<trade::einvoice::Registry> einvoice_registry;
  // DCSA PINT, once OpenEvidenceLog() has run and when DIGITRADE_PINT_PLATFORM
  // and DIGITRADE_PINT_KEY name our platform code and PEM key (optional
  // DIGITRADE_PINT_ALG, DIGITRADE_PINT_CA for https:// peers); null
  // otherwise. After the log: destroyed before it.
  std::unique_ptr<trade::etr::pint::PeerTransport> pint_transport;
  std::unique_ptr<trade::etr::pint::PintService> pint;
  // Transferable records (eBL, warehouse receipts), opened with the
  // evidence log they append to; null while it is closed. After it, so it
  // is destroyed first.
  std::unique_ptr<trade::etr::Registry> etr;
};

struct EvidenceLogOptions {
  // Checkpoint origin and signing key name.
  std::string origin = "digitrade.local/log/evidence";
  // The signer key (PRIVATE+KEY+<origin>+...). When the file does not exist
  // a new Ed25519 key is generated and written there (mode 0600); every
  // server of one deployment must use the same key file.
  std::string key_file;
  // Names this process in the sequencer lease (default: host and pid).
  std::string instance_id;
  // How often a checkpoint is published while the log grows (they are also
  // published on demand); 0 keeps the library default (1 s).
  std::chrono::milliseconds checkpoint_interval{0};
};

// The default key file for a database URL: next to an SQLite file, else
// var/digitrade-log.key. Servers sharing a PostgreSQL database must share
// one key file: a server with another key refuses to open the log.
std::string DefaultLogKeyFile(const std::string& db_url);

// Opens (creating on first use) the platform's evidence log. Errors:
// invalid_argument (no key file, a key for another origin), and those of
// ledger::Log::Open.
Status OpenEvidenceLog(Platform& platform, const EvidenceLogOptions& options);

// `url` is "sqlite:PATH" (the parent directory is created if missing) or
// "postgresql://..." / "postgres://..." (a libpq URL). Errors:
// invalid_argument (unknown scheme), unavailable (cannot open or connect),
// and any migration error. The key encryption key of server-held signing
// keys is DIGITRADE_KEK (32 bytes, base64) or, for SQLite, the file
// signing.kek beside the database (created with mode 0600 on first use).
Result<std::unique_ptr<Platform>> OpenPlatform(const std::string& url);

}  // namespace digitrade::app
