#include "trade/etr/pint/registry.h"

#include <fmt/format.h>

#include "common/json.h"
#include "crypto/base64.h"
#include "trade/etr/pint/internal/tables.h"

namespace digitrade::trade::etr::pint {

namespace {

// Tables (docs/pint.md):
//   pint_ebls            one row per transport document we hold or held
//   pint_chain_entries   its envelope transfer chain, by position
//   pint_documents       additional documents, content-addressed
//   pint_ebl_documents   which documents belong to which eBL, with metadata
//   pint_accepted        the last entry of every transfer we accepted (DUPE)
//   pint_peers, pint_carriers, pint_parties   see peers.h
//   pint_transfers, pint_transfer_documents   see receiver.h
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE pint_ebls (
  td_checksum TEXT PRIMARY KEY,
  td_reference TEXT NOT NULL,
  transport_document TEXT NOT NULL,
  possessor TEXT,
  held INTEGER NOT NULL,
  surrendered INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX pint_ebls_reference ON pint_ebls (td_reference);
CREATE TABLE pint_chain_entries (
  td_checksum TEXT NOT NULL,
  position INTEGER NOT NULL,
  checksum TEXT NOT NULL,
  signed_content TEXT NOT NULL,
  PRIMARY KEY (td_checksum, position)
);
CREATE INDEX pint_chain_entries_checksum ON pint_chain_entries (checksum);
CREATE TABLE pint_documents (
  checksum TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  content_base64 TEXT NOT NULL
);
CREATE TABLE pint_ebl_documents (
  td_checksum TEXT NOT NULL,
  checksum TEXT NOT NULL,
  role TEXT NOT NULL,
  metadata TEXT NOT NULL,
  PRIMARY KEY (td_checksum, checksum)
);
CREATE TABLE pint_accepted (
  td_checksum TEXT NOT NULL,
  last_checksum TEXT NOT NULL,
  accepted_at BIGINT NOT NULL,
  PRIMARY KEY (td_checksum, last_checksum)
);
CREATE TABLE pint_peers (
  code TEXT PRIMARY KEY,
  base_url TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  certificate_pem TEXT,
  outbound_token TEXT,
  user_id TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX pint_peers_user ON pint_peers (user_id);
CREATE TABLE pint_carriers (
  code TEXT PRIMARY KEY,
  public_key_pem TEXT NOT NULL,
  certificate_pem TEXT,
  created_at BIGINT NOT NULL
);
CREATE TABLE pint_parties (
  code_list_provider TEXT NOT NULL,
  party_code TEXT NOT NULL,
  party_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (code_list_provider, party_code)
);
CREATE TABLE pint_transfers (
  reference TEXT PRIMARY KEY,
  td_checksum TEXT NOT NULL,
  last_checksum TEXT NOT NULL,
  sender TEXT NOT NULL,
  envelope TEXT NOT NULL,
  state TEXT NOT NULL,
  response TEXT,
  evidence_index BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX pint_transfers_last ON pint_transfers (td_checksum, last_checksum);
CREATE TABLE pint_transfer_documents (
  reference TEXT NOT NULL,
  checksum TEXT NOT NULL,
  size BIGINT NOT NULL,
  received INTEGER NOT NULL,
  PRIMARY KEY (reference, checksum)
);
CREATE TABLE pint_outbound (
  id TEXT PRIMARY KEY,
  td_checksum TEXT NOT NULL,
  peer TEXT NOT NULL,
  last_checksum TEXT NOT NULL,
  envelope TEXT NOT NULL,
  state TEXT NOT NULL,
  response_code TEXT,
  response TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
)sql";

std::string_view RoleName(DocumentRole r) {
  return r == DocumentRole::kVisualisation ? "visualisation" : "supporting";
}

int64_t Micros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
      .count();
}

Result<std::optional<Party>> PartyFromText(const std::optional<std::string>& text) {
  if (!text) return std::optional<Party>();
  DT_ASSIGN_OR_RETURN(auto o, json::ParseObject(*text));
  DT_ASSIGN_OR_RETURN(Party p, PartyFromJson(o));
  return std::optional<Party>(std::move(p));
}

Status InsertChain(storage::Executor& ex, const TransferRecord& r, std::size_t from) {
  for (std::size_t i = from; i < r.chain.size(); ++i) {
    DT_TRY(
        ex.Execute("INSERT INTO pint_chain_entries (td_checksum, position, checksum, "
                   "signed_content) VALUES ($1, $2, $3, $4)",
                   {r.transport_document_checksum, static_cast<int64_t>(i),
                    SignedContentChecksum(r.chain[i]), r.chain[i]}));
  }
  return {};
}

// The chain recorded so far must be a prefix of the new one.
Result<std::size_t> CheckExtends(storage::Executor& ex, const TransferRecord& r) {
  DT_ASSIGN_OR_RETURN(
      auto rows,
      ex.Query("SELECT position, checksum FROM pint_chain_entries WHERE td_checksum = $1 "
               "ORDER BY position",
               {r.transport_document_checksum}));
  if (rows.rows.size() > r.chain.size()) {
    return Conflict("the chain is shorter than the one recorded for this document");
  }
  for (std::size_t i = 0; i < rows.rows.size(); ++i) {
    if (rows.rows[i].Text(1) != SignedContentChecksum(r.chain[i])) {
      return Conflict(fmt::format("the chain differs from the one recorded at entry {}", i));
    }
  }
  return rows.rows.size();
}

}  // namespace

namespace internal {

Status LinkDocuments(storage::Executor& ex, const TransferRecord& r) {
  for (const auto& d : r.documents) {
    if (!d.content.empty()) {
      DT_TRY(ex.Execute(
          "INSERT INTO pint_documents (checksum, size, content_base64) VALUES ($1, $2, $3) "
          "ON CONFLICT (checksum) DO NOTHING",
          {d.metadata.document_checksum, static_cast<int64_t>(d.content.size()),
           crypto::Base64Encode(d.content)}));
    }
    DT_TRY(
        ex.Execute("INSERT INTO pint_ebl_documents (td_checksum, checksum, role, metadata) VALUES "
                   "($1, $2, $3, $4) "
                   "ON CONFLICT (td_checksum, checksum) DO UPDATE SET role = $3, metadata = $4",
                   {r.transport_document_checksum, d.metadata.document_checksum, RoleName(d.role),
                    json::Serialize(d.metadata.json)}));
  }
  return {};
}

Result<std::vector<StoredDocument>> LoadDocuments(storage::Executor& ex, const std::string& td) {
  std::vector<StoredDocument> out;
  DT_ASSIGN_OR_RETURN(
      auto docs, ex.Query("SELECT l.role, l.metadata, d.content_base64 FROM pint_ebl_documents l "
                          "JOIN pint_documents d ON d.checksum = l.checksum "
                          "WHERE l.td_checksum = $1 ORDER BY l.checksum",
                          {td}));
  for (const auto& d : docs.rows) {
    StoredDocument doc;
    doc.role =
        d.Text(0) == "visualisation" ? DocumentRole::kVisualisation : DocumentRole::kSupporting;
    DT_ASSIGN_OR_RETURN(auto meta, json::ParseObject(d.Text(1)));
    doc.metadata.json = meta;
    DT_ASSIGN_OR_RETURN(doc.content, crypto::Base64Decode(d.Text(2)));
    doc.metadata.document_checksum =
        meta.contains("documentChecksum") && meta.at("documentChecksum").is_string()
            ? std::string(meta.at("documentChecksum").get_string())
            : "";
    doc.metadata.size = static_cast<std::int64_t>(doc.content.size());
    out.push_back(std::move(doc));
  }
  return out;
}

Status MarkAccepted(storage::Executor& ex, const std::string& td, const std::string& last_checksum,
                    std::int64_t now_micros) {
  DT_TRY(ex.Execute(
      "INSERT INTO pint_accepted (td_checksum, last_checksum, accepted_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (td_checksum, last_checksum) DO NOTHING",
      {td, last_checksum, now_micros}));
  return {};
}

Result<std::vector<std::string>> AcceptedLast(storage::Executor& ex, const std::string& td) {
  DT_ASSIGN_OR_RETURN(
      auto rows, ex.Query("SELECT last_checksum FROM pint_accepted WHERE td_checksum = $1", {td}));
  std::vector<std::string> out;
  for (const auto& row : rows.rows) out.push_back(row.Text(0));
  return out;
}

}  // namespace internal

std::vector<storage::Migration> PintMigrations() {
  return {{.module = "pint", .version = 1, .sql = std::string(kSchemaV1)},
          // EtrEblRegistry: the PINT chain of an etr record, each entry with
          // the last etr action it covers. pint_ebls and pint_chain_entries
          // stay for databases that hold eBLs of SqlEblRegistry (migrations
          // are append-only); a platform no longer writes them.
          {.module = "pint", .version = 2, .sql = R"sql(
CREATE TABLE pint_etr_entries (
  record_id TEXT NOT NULL,
  position BIGINT NOT NULL,
  checksum TEXT NOT NULL,
  signed_content TEXT NOT NULL,
  etr_sequence BIGINT NOT NULL,
  PRIMARY KEY (record_id, position)
);
CREATE INDEX pint_etr_entries_checksum ON pint_etr_entries (checksum);
)sql"},
          // DCSA eBL Issuance API (issuance.h): the carrier's organisation and
          // callback, and each issuance request with its verdict and delivery.
          {.module = "pint", .version = 3, .sql = R"sql(
ALTER TABLE pint_carriers ADD COLUMN organisation_id TEXT;
ALTER TABLE pint_carriers ADD COLUMN callback_url TEXT;
ALTER TABLE pint_carriers ADD COLUMN callback_token TEXT;
CREATE TABLE pint_issuance_requests (
  reference TEXT PRIMARY KEY,
  carrier_code TEXT NOT NULL,
  organisation_id TEXT NOT NULL,
  td_checksum TEXT NOT NULL,
  response_code TEXT,
  reason TEXT,
  record_id TEXT,
  response TEXT,
  delivery TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT,
  delivered_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX pint_issuance_due ON pint_issuance_requests (delivery, next_attempt_at);
)sql"}};
}

Result<KnownChain> SqlEblRegistry::Known(const std::string& td) {
  KnownChain k;
  DT_ASSIGN_OR_RETURN(auto entries,
                      db_.Query("SELECT checksum FROM pint_chain_entries WHERE td_checksum = $1 "
                                "ORDER BY position",
                                {td}));
  for (const auto& row : entries.rows) k.entry_checksums.push_back(row.Text(0));
  DT_ASSIGN_OR_RETURN(k.accepted_last_checksums, internal::AcceptedLast(db_, td));
  return k;
}

Result<std::string> SqlEblRegistry::ChainEntry(const std::string& entry_checksum) {
  DT_ASSIGN_OR_RETURN(auto rows,
                      db_.Query("SELECT signed_content FROM pint_chain_entries WHERE checksum = $1",
                                {entry_checksum}));
  if (rows.empty()) return NotFound(fmt::format("no chain entry {}", entry_checksum));
  return rows.rows.front().Text(0);
}

Status SqlEblRegistry::Record(const TransferRecord& r) {
  const int64_t now = Micros(clock_);
  const auto& td = r.transport_document;
  const auto* ref = td.if_contains("transportDocumentReference");
  const std::string reference = ref && ref->is_string() ? std::string(ref->get_string()) : "";
  std::optional<std::string> possessor;
  if (r.possessor) possessor = json::Serialize(r.possessor->json);
  return db_.Transact([&](storage::Executor& ex) -> Status {
    DT_ASSIGN_OR_RETURN(std::size_t known, CheckExtends(ex, r));
    DT_TRY(ex.Execute(
        "INSERT INTO pint_ebls (td_checksum, td_reference, transport_document, possessor, held, "
        "surrendered, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (td_checksum) DO UPDATE SET "
        "possessor = $4, held = $5, surrendered = $6, updated_at = $7",
        {r.transport_document_checksum, reference, json::Serialize(td), possessor, r.held,
         r.surrendered, now}));
    DT_TRY(InsertChain(ex, r, known));
    DT_TRY(internal::LinkDocuments(ex, r));
    if (r.accepted && !r.chain.empty()) {
      DT_TRY(internal::MarkAccepted(ex, r.transport_document_checksum,
                                    SignedContentChecksum(r.chain.back()), now));
    }
    return {};
  });
}

Result<HeldEbl> SqlEblRegistry::Export(const std::string& key) {
  DT_ASSIGN_OR_RETURN(
      auto rows, db_.Query("SELECT td_checksum, td_reference, transport_document, possessor, held, "
                           "surrendered FROM pint_ebls WHERE td_checksum = $1 OR td_reference = $1 "
                           "ORDER BY updated_at DESC",
                           {key}));
  if (rows.empty())
    return NotFound(
        fmt::format("no eBL with transport document checksum or reference \"{}\"", key));
  const auto& row = rows.rows.front();
  HeldEbl e;
  e.transport_document_checksum = row.Text(0);
  e.transport_document_reference = row.Text(1);
  DT_ASSIGN_OR_RETURN(e.transport_document,
                      json::ParseObject(row.Text(2), {.max_bytes = 8 << 20, .max_depth = 64}));
  DT_ASSIGN_OR_RETURN(e.possessor, PartyFromText(row.OptionalText(3)));
  e.held = row.Int(4) != 0;
  e.surrendered = row.Int(5) != 0;
  DT_ASSIGN_OR_RETURN(
      auto chain, db_.Query("SELECT signed_content FROM pint_chain_entries WHERE td_checksum = $1 "
                            "ORDER BY position",
                            {e.transport_document_checksum}));
  for (const auto& c : chain.rows) e.chain.push_back(c.Text(0));
  DT_ASSIGN_OR_RETURN(e.documents, internal::LoadDocuments(db_, e.transport_document_checksum));
  return e;
}

Result<std::vector<std::uint8_t>> DocumentTables::Document(const std::string& checksum) {
  DT_ASSIGN_OR_RETURN(
      auto rows, documents_db_.Query(
                     "SELECT content_base64 FROM pint_documents WHERE checksum = $1", {checksum}));
  if (rows.empty()) return NotFound(fmt::format("no document {}", checksum));
  return crypto::Base64Decode(rows.rows.front().Text(0));
}

Status DocumentTables::StoreDocument(const std::string& checksum,
                                     const std::vector<std::uint8_t>& content) {
  DT_TRY(documents_db_.Execute(
      "INSERT INTO pint_documents (checksum, size, content_base64) VALUES ($1, $2, $3) "
      "ON CONFLICT (checksum) DO NOTHING",
      {checksum, static_cast<int64_t>(content.size()), crypto::Base64Encode(content)}));
  return {};
}

Result<bool> DocumentTables::HasDocument(const std::string& checksum) {
  DT_ASSIGN_OR_RETURN(
      auto rows,
      documents_db_.Query("SELECT 1 FROM pint_documents WHERE checksum = $1", {checksum}));
  return !rows.empty();
}

Status DocumentTables::AttachDocuments(const std::string& key,
                                       const std::vector<StoredDocument>& documents) {
  DT_ASSIGN_OR_RETURN(auto held, Export(key));
  return documents_db_.Transact([&](storage::Executor& ex) -> Status {
    return internal::LinkDocuments(
        ex,
        {.transport_document_checksum = held.transport_document_checksum, .documents = documents});
  });
}

}  // namespace digitrade::trade::etr::pint
