// The e-invoice registry: valid invoices stored, signed with their
// organisation's server-held key (enveloped XMLDSig) and registered on the
// verifiable evidence log, so that anyone holding the signed document (a
// bank financing the invoice, a buyer, customs) can later check it.
//
// Register() validates (ValidationService), refuses invoices with fatal
// findings or on which the reference crashes, refuses duplicates (same seller
// and invoice number, or the same original bytes), signs through
// signing::KeyVault (XML signatures: ECDSA and RSA keys only, see
// crypto/xmldsig.h), stores the original bytes, the report and the signed
// document, and appends one "einvoice.registered" entry to the log: the JCS
// (RFC 8785) object described in docs/einvoice.md, which holds the SHA-256 of
// the signed XML. The log's index, leaf hash and covering checkpoint are
// stored with the invoice.
//
// Thread-safety: all methods may be called concurrently. The Database,
// ValidationService, KeyVault, Log and Clock must outlive the registry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/random.h"
#include "ledger/log.h"
#include "ledger/proof_json.h"
#include "signing/key_vault.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "trade/einvoice/report.h"
#include "trade/einvoice/service.h"

namespace digitrade::trade::einvoice {

inline constexpr std::string_view kRegisteredKind = "einvoice.registered";

// What the registry reads from an invoice (UBL or CII) for its log record.
// Party identifiers are "vat:<id>", "legal:<id>", "id:<scheme>:<id>",
// "endpoint:<scheme>:<id>" (the first present, in that order), else
// "name:<name>"; empty when the party has none of them.
struct InvoiceFacts {
  std::string invoice_number;  // BT-1
  std::string issue_date;      // BT-2, YYYY-MM-DD
  std::string seller;          // BT-31 / BT-30 / BT-29 / BT-34 / BT-27
  std::string buyer;           // BT-48 / BT-47 / BT-46 / BT-49 / BT-44
  std::string total;           // BT-112, invoice total with VAT, as written
  std::string currency;        // BT-5
};

// Reads the facts from a parsed document. Missing values come back empty.
InvoiceFacts ExtractFacts(const XmlDocument& doc);

struct LogEntryInfo {
  std::uint64_t index = 0;
  std::string leaf_hash;   // base64, as the ledger API serves it
  std::string checkpoint;  // signed note covering the entry
};

struct Registration {
  std::string id;  // "einv_" + 20 hex
  std::string organisation_id;
  std::string key_id;  // signing key used
  InvoiceFacts facts;
  std::string syntax;  // "ubl-invoice" | "ubl-creditnote" | "cii"
  std::string customization_id;
  std::vector<std::string> rule_sets;
  std::string verdict;         // "clean" | "warnings"
  std::string original_sha256;  // hex
  std::string signed_sha256;    // hex
  std::string record;           // the JCS log record
  std::optional<LogEntryInfo> log;  // absent only if the append never completed
  std::int64_t created_at = 0;      // Unix seconds
};

struct RegisterRequest {
  std::string organisation_id;
  std::string xml;
  std::vector<std::string> rule_sets;  // empty: chosen by CustomizationID
  std::string key_id;                  // empty: the organisation's first key that can sign XML
};

enum class RegisterStatus { kRegistered, kRejected, kDuplicate };

struct RegisterOutcome {
  RegisterStatus status = RegisterStatus::kRegistered;
  Report report;
  // The new registration, or for kDuplicate the existing one; absent for kRejected.
  std::optional<Registration> registration;
  std::string duplicate_reason;  // for kDuplicate: what matched
};

struct RegistrationPage {
  std::vector<Registration> items;
  std::string next_cursor;  // empty at the end
};

// What a verifier needs to check a registration with public material only:
// the log entry (kind and record), a signed checkpoint covering it, and the
// inclusion proof against that checkpoint's tree.
struct LogEvidence {
  std::string origin;
  std::string verifier_key;  // note verifier key of the log
  std::string kind;          // kRegisteredKind
  std::string record;        // the entry's data
  std::string checkpoint;    // signed note
  ledger::InclusionProofDoc proof;
};

class Registry {
 public:
  static std::vector<storage::Migration> Migrations();

  Registry(storage::Database& db, const Clock& clock, crypto::Random& random,
           ValidationService& validator, signing::KeyVault* vault, ledger::Log* log)
      : db_(db), clock_(clock), random_(random), validator_(validator), vault_(vault), log_(log) {}

  // Validates, and for an invoice without fatal findings signs, stores and
  // registers it. Rejection (fatal findings, reference crash) and duplicates
  // are outcomes, not errors. Errors: those of ValidationService::Validate
  // (unreadable document); failed_precondition (no signing configured or no
  // log, no usable key, key without certificate, key type XML cannot carry,
  // no invoice number); permission_denied (key of another organisation);
  // not_found (key_id); unavailable / storage errors. Nothing is stored when
  // an error is returned.
  Result<RegisterOutcome> Register(const RegisterRequest& request);

  // Errors: not_found.
  Result<Registration> Get(const std::string& id);
  // The signed XML. Errors: not_found.
  Result<std::string> SignedXml(const std::string& id);
  // The stored report (JSON text, as ReportJson). Errors: not_found.
  Result<std::string> ReportJsonText(const std::string& id);
  // Newest first. `after` is a cursor from a previous page.
  Result<RegistrationPage> List(const std::string& organisation_id, int limit,
                                const std::string& after);
  // By the SHA-256 (hex, lower case) of the signed document. Errors: not_found.
  Result<Registration> FindBySignedSha256(const std::string& sha256_hex);
  // The proof of `r`'s log entry against the log's latest checkpoint (or the
  // one acknowledged at registration, if the latest does not cover it yet).
  // Errors: failed_precondition (no log, or the append never completed);
  // data_loss (the stored entry is not the record); those of the log.
  Result<LogEvidence> Evidence(const Registration& r);

 private:
  Result<signing::SigningKeyInfo> ChooseKey(const RegisterRequest& request);
  Result<std::optional<RegisterOutcome>> FindDuplicate(const InvoiceFacts& facts,
                                                       const std::string& original_sha256);
  Status Insert(const Registration& r, std::string_view original_xml, std::string_view signed_xml,
                const std::string& report_json);
  Status RecordLogEntry(Registration& r);
  Result<Registration> GetWhere(std::string_view column, const std::string& value);
  std::int64_t Now() const;

  storage::Database& db_;
  const Clock& clock_;
  crypto::Random& random_;
  ValidationService& validator_;
  signing::KeyVault* vault_;
  ledger::Log* log_;
};

}  // namespace digitrade::trade::einvoice
