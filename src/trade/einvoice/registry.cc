#include "trade/einvoice/registry.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>

#include "crypto/base64.h"
#include "crypto/hash.h"
#include "crypto/jcs.h"
#include "ledger/checkpoint.h"

namespace digitrade::trade::einvoice {

namespace {

using XPathContext = std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)>;

std::string Trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// The string value of the first node `path` selects, trimmed; "" if none.
std::string Text(xmlXPathContext* xp, const std::string& path) {
  const std::string expr = "string((" + path + ")[1])";
  std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> obj(
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expr.c_str()), xp),
      &xmlXPathFreeObject);
  if (!obj || obj->type != XPATH_STRING || obj->stringval == nullptr) return "";
  return Trim(reinterpret_cast<const char*>(obj->stringval));
}

// "<prefix>:<scheme>:<value>" (scheme left out when absent), or "".
std::string SchemedId(xmlXPathContext* xp, std::string_view prefix, const std::string& path) {
  const std::string value = Text(xp, path);
  if (value.empty()) return "";
  const std::string scheme = Text(xp, "(" + path + ")[1]/@schemeID");
  return scheme.empty() ? fmt::format("{}:{}", prefix, value)
                        : fmt::format("{}:{}:{}", prefix, scheme, value);
}

struct PartyPaths {
  std::string vat, legal, id, endpoint, name;
};

std::string PartyId(xmlXPathContext* xp, const PartyPaths& p) {
  if (auto v = Text(xp, p.vat); !v.empty()) return "vat:" + v;
  if (auto v = Text(xp, p.legal); !v.empty()) return "legal:" + v;
  if (auto v = SchemedId(xp, "id", p.id); !v.empty()) return v;
  if (auto v = SchemedId(xp, "endpoint", p.endpoint); !v.empty()) return v;
  if (auto v = Text(xp, p.name); !v.empty()) return "name:" + v;
  return "";
}

PartyPaths UblParty(const std::string& role) {
  const std::string base = "/*/cac:" + role + "/cac:Party";
  return {.vat = base + "/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
          .legal = base + "/cac:PartyLegalEntity/cbc:CompanyID",
          .id = base + "/cac:PartyIdentification/cbc:ID",
          .endpoint = base + "/cbc:EndpointID",
          .name = base + "/cac:PartyLegalEntity/cbc:RegistrationName"};
}

PartyPaths CiiParty(const std::string& role) {
  const std::string base =
      "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
      "ram:ApplicableHeaderTradeAgreement/ram:" +
      role;
  return {.vat = base + "/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
          .legal = base + "/ram:SpecifiedLegalOrganization/ram:ID",
          .id = base + "/ram:ID | " + base + "/ram:GlobalID",
          .endpoint = base + "/ram:URIUniversalCommunication/ram:URIID",
          .name = base + "/ram:Name"};
}

// CII dates are format 102 (YYYYMMDD); the record uses ISO 8601.
std::string IsoDate(std::string d) {
  if (d.size() == 8 && d.find_first_not_of("0123456789") == std::string::npos) {
    return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
  }
  return d;
}

std::string Sha256Hex(std::string_view data) { return crypto::ToHex(crypto::Sha256(data)); }

std::vector<std::string> SplitRuleSets(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// The log record: RFC 8785 canonical JSON (see docs/einvoice.md).
Result<std::string> RecordFor(const Registration& r) {
  boost::json::array rule_sets;
  for (const auto& s : r.rule_sets) rule_sets.emplace_back(s);
  const boost::json::object o{{"id", r.id},
                              {"signed_sha256", r.signed_sha256},
                              {"seller", r.facts.seller},
                              {"buyer", r.facts.buyer},
                              {"invoice_number", r.facts.invoice_number},
                              {"issue_date", r.facts.issue_date},
                              {"total", r.facts.total},
                              {"currency", r.facts.currency},
                              {"rule_sets", std::move(rule_sets)},
                              {"verdict", r.verdict}};
  return crypto::CanonicalizeJson(boost::json::value(o));
}

bool CanSignXml(crypto::KeyType t) {
  return t == crypto::KeyType::kEcP256 || t == crypto::KeyType::kEcP384 ||
         t == crypto::KeyType::kRsa;
}

Status CheckXmlKey(const signing::SigningKeyInfo& k) {
  if (!CanSignXml(k.type)) {
    return FailedPrecondition(fmt::format(
        "signing key {} is {}: XML signatures support ECDSA (ec-p256, ec-p384) and RSA keys "
        "only (xmlsec1 1.2.37 has no EdDSA or SM2 signature method)",
        k.id, crypto::KeyTypeName(k.type)));
  }
  if (!k.certificate_pem) {
    return FailedPrecondition(fmt::format(
        "signing key {} has no certificate: XML signatures carry the signer's certificate "
        "(PUT /v1/signing-keys/{}/certificate)",
        k.id, k.id));
  }
  return {};
}

constexpr const char* kListColumns =
    "id, organisation_id, key_id, invoice_number, issue_date, seller, buyer, total, currency, "
    "syntax, customization_id, rule_sets, verdict, original_sha256, signed_sha256, record, "
    "log_index, leaf_hash, checkpoint, created_at";

Registration FromRow(const storage::Row& row) {
  Registration r;
  r.id = row.Text("id");
  r.organisation_id = row.Text("organisation_id");
  r.key_id = row.Text("key_id");
  r.facts = {.invoice_number = row.Text("invoice_number"),
             .issue_date = row.Text("issue_date"),
             .seller = row.Text("seller"),
             .buyer = row.Text("buyer"),
             .total = row.Text("total"),
             .currency = row.Text("currency")};
  r.syntax = row.Text("syntax");
  r.customization_id = row.Text("customization_id");
  r.rule_sets = SplitRuleSets(row.Text("rule_sets"));
  r.verdict = row.Text("verdict");
  r.original_sha256 = row.Text("original_sha256");
  r.signed_sha256 = row.Text("signed_sha256");
  r.record = row.Text("record");
  if (auto index = row.OptionalInt("log_index"); index) {
    r.log = LogEntryInfo{.index = static_cast<std::uint64_t>(*index),
                         .leaf_hash = row.Text("leaf_hash"),
                         .checkpoint = row.Text("checkpoint")};
  }
  r.created_at = row.Int("created_at");
  return r;
}

storage::Bytes ToBytes(std::string_view s) { return storage::Bytes(s.begin(), s.end()); }

}  // namespace

InvoiceFacts ExtractFacts(const XmlDocument& doc) {
  XPathContext xp(xmlXPathNewContext(doc.doc()), &xmlXPathFreeContext);
  if (!xp) return {};
  const std::pair<const char*, const char*> ns[] = {
      {"cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"},
      {"cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"},
      {"rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"},
      {"ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"},
      {"udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}};
  for (const auto& [prefix, uri] : ns) {
    xmlXPathRegisterNs(xp.get(), reinterpret_cast<const xmlChar*>(prefix),
                       reinterpret_cast<const xmlChar*>(uri));
  }
  InvoiceFacts f;
  if (doc.syntax() != Syntax::kCii) {
    f.invoice_number = Text(xp.get(), "/*/cbc:ID");
    f.issue_date = Text(xp.get(), "/*/cbc:IssueDate");
    f.currency = Text(xp.get(), "/*/cbc:DocumentCurrencyCode");
    f.total = Text(xp.get(), "/*/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount");
    f.seller = PartyId(xp.get(), UblParty("AccountingSupplierParty"));
    f.buyer = PartyId(xp.get(), UblParty("AccountingCustomerParty"));
    return f;
  }
  const std::string tx = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction";
  const std::string settlement = tx + "/ram:ApplicableHeaderTradeSettlement";
  f.invoice_number = Text(xp.get(), "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID");
  f.issue_date = IsoDate(Text(
      xp.get(),
      "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"));
  f.currency = Text(xp.get(), settlement + "/ram:InvoiceCurrencyCode");
  f.total = Text(xp.get(), settlement +
                               "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
                               "ram:GrandTotalAmount");
  f.seller = PartyId(xp.get(), CiiParty("SellerTradeParty"));
  f.buyer = PartyId(xp.get(), CiiParty("BuyerTradeParty"));
  return f;
}

std::vector<storage::Migration> Registry::Migrations() {
  constexpr const char* kSchema = R"(
CREATE TABLE einvoices (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  invoice_number TEXT NOT NULL,
  issue_date TEXT NOT NULL,
  seller TEXT NOT NULL,
  buyer TEXT NOT NULL,
  total TEXT NOT NULL,
  currency TEXT NOT NULL,
  syntax TEXT NOT NULL,
  customization_id TEXT NOT NULL,
  rule_sets TEXT NOT NULL,
  verdict TEXT NOT NULL,
  original_sha256 TEXT NOT NULL UNIQUE,
  signed_sha256 TEXT NOT NULL UNIQUE,
  original_xml BLOB NOT NULL,
  signed_xml BLOB NOT NULL,
  report_json TEXT NOT NULL,
  record TEXT NOT NULL,
  log_index BIGINT,
  leaf_hash TEXT,
  checkpoint TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (seller, invoice_number)
);
CREATE INDEX einvoices_by_organisation ON einvoices (organisation_id, created_at, id);)";
  std::string postgres(kSchema);
  for (auto pos = postgres.find("BLOB"); pos != std::string::npos; pos = postgres.find("BLOB")) {
    postgres.replace(pos, 4, "BYTEA");
  }
  return {{.module = "einvoice", .version = 1, .sql = kSchema, .postgres_sql = postgres}};
}

std::int64_t Registry::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
}

Result<signing::SigningKeyInfo> Registry::ChooseKey(const RegisterRequest& request) {
  if (!request.key_id.empty()) {
    DT_ASSIGN_OR_RETURN(auto key, vault_->GetKey(request.key_id));
    if (key.organisation_id != request.organisation_id) {
      return PermissionDenied(
          fmt::format("signing key {} belongs to another organisation", key.id));
    }
    DT_TRY(CheckXmlKey(key));
    return key;
  }
  DT_ASSIGN_OR_RETURN(auto keys, vault_->ListKeys(request.organisation_id));
  std::string why;
  for (const auto& k : keys) {
    const Status usable = CheckXmlKey(k);
    if (usable) return k;
    if (why.empty()) why = usable.error().message();
  }
  if (keys.empty()) {
    return FailedPrecondition(
        "the organisation has no signing key: create an ec-p256, ec-p384 or rsa key "
        "(POST /v1/organisations/{id}/signing-keys) and attach its certificate");
  }
  return FailedPrecondition("no signing key of the organisation can sign XML: " + why);
}

// Duplicates are global: an invoice is registered once, whoever sends it.
Result<std::optional<RegisterOutcome>> Registry::FindDuplicate(const InvoiceFacts& facts,
                                                               const std::string& original_sha256) {
  DT_ASSIGN_OR_RETURN(
      auto rs, db_.Query(fmt::format("SELECT {} FROM einvoices WHERE original_sha256 = $1 OR "
                                     "(seller = $2 AND invoice_number = $3)",
                                     kListColumns),
                         {original_sha256, facts.seller, facts.invoice_number}));
  if (rs.empty()) return std::optional<RegisterOutcome>();
  RegisterOutcome out{.status = RegisterStatus::kDuplicate};
  out.registration = FromRow(rs.rows[0]);
  out.duplicate_reason = out.registration->original_sha256 == original_sha256
                             ? "the same document is already registered"
                             : "an invoice with this seller and invoice number is already "
                               "registered";
  return std::optional<RegisterOutcome>(std::move(out));
}

Result<RegisterOutcome> Registry::Register(const RegisterRequest& request) {
  if (vault_ == nullptr) {
    return FailedPrecondition(
        "server-side signing is not configured: set DIGITRADE_KEK (32 bytes, base64)");
  }
  if (log_ == nullptr) return FailedPrecondition("the evidence log is not open");
  if (request.organisation_id.empty()) {
    return FailedPrecondition("only users of an organisation can register its invoices");
  }
  DT_ASSIGN_OR_RETURN(Report report, validator_.Validate(request.xml, request.rule_sets));
  const Verdict verdict = report.verdict();
  if (verdict == Verdict::kFatal || verdict == Verdict::kCrash) {
    return RegisterOutcome{.status = RegisterStatus::kRejected, .report = std::move(report)};
  }
  DT_ASSIGN_OR_RETURN(auto doc, XmlDocument::Parse(request.xml, validator_.limits()));
  Registration r{.organisation_id = request.organisation_id, .facts = ExtractFacts(doc)};
  if (r.facts.invoice_number.empty()) return FailedPrecondition("the invoice has no number (BT-1)");
  if (r.facts.seller.empty()) return FailedPrecondition("the invoice names no seller (BT-27)");
  r.original_sha256 = Sha256Hex(request.xml);
  DT_ASSIGN_OR_RETURN(auto dup, FindDuplicate(r.facts, r.original_sha256));
  if (dup) {
    dup->report = std::move(report);
    return std::move(*dup);
  }
  DT_ASSIGN_OR_RETURN(auto key, ChooseKey(request));
  const std::span<const std::uint8_t> content(
      reinterpret_cast<const std::uint8_t*>(request.xml.data()), request.xml.size());
  DT_ASSIGN_OR_RETURN(auto signed_bytes,
                      vault_->Sign(key.id, signing::SignatureFormat::kXml, content, false));
  const std::string signed_xml(signed_bytes.begin(), signed_bytes.end());
  DT_ASSIGN_OR_RETURN(auto id_bytes, random_.Bytes(10));
  r.id = "einv_" + crypto::ToHex(id_bytes);
  r.key_id = key.id;
  r.syntax = std::string(SyntaxName(report.syntax));
  r.customization_id = report.customization_id;
  for (const auto& rs : report.rule_sets) r.rule_sets.push_back(rs.rule_set);
  r.verdict = std::string(VerdictName(verdict));
  r.signed_sha256 = Sha256Hex(signed_xml);
  r.created_at = Now();
  DT_ASSIGN_OR_RETURN(r.record, RecordFor(r));
  auto inserted = Insert(r, request.xml, signed_xml, boost::json::serialize(ReportJson(report)));
  if (!inserted && inserted.error().code() == ErrorCode::kAlreadyExists) {
    // A concurrent registration of the same invoice won the race.
    DT_ASSIGN_OR_RETURN(dup, FindDuplicate(r.facts, r.original_sha256));
    if (dup) {
      dup->report = std::move(report);
      return std::move(*dup);
    }
  }
  DT_TRY(inserted);
  DT_TRY(RecordLogEntry(r));
  return RegisterOutcome{.status = RegisterStatus::kRegistered,
                         .report = std::move(report),
                         .registration = std::move(r)};
}

Status Registry::Insert(const Registration& r, std::string_view original_xml,
                        std::string_view signed_xml, const std::string& report_json) {
  std::string rule_sets;
  for (const auto& name : r.rule_sets) rule_sets += (rule_sets.empty() ? "" : ",") + name;
  DT_TRY(db_.Execute(
      "INSERT INTO einvoices (id, organisation_id, key_id, invoice_number, issue_date, seller, "
      "buyer, total, currency, syntax, customization_id, rule_sets, verdict, original_sha256, "
      "signed_sha256, original_xml, signed_xml, report_json, record, created_at) VALUES ($1, $2, "
      "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
      {r.id, r.organisation_id, r.key_id, r.facts.invoice_number, r.facts.issue_date,
       r.facts.seller, r.facts.buyer, r.facts.total, r.facts.currency, r.syntax,
       r.customization_id, rule_sets, r.verdict, r.original_sha256, r.signed_sha256,
       ToBytes(original_xml), ToBytes(signed_xml), report_json, r.record, r.created_at}));
  return {};
}

// Appends the record and keeps the acknowledgement. If the append fails the
// row goes again, so a retry starts afresh and no stored invoice claims a
// log entry it does not have.
Status Registry::RecordLogEntry(Registration& r) {
  auto ack = log_->Append(kRegisteredKind, r.record);
  if (!ack) {
    (void)db_.Execute("DELETE FROM einvoices WHERE id = $1", {r.id});
    return std::unexpected(ack.error().WithContext("appending to the evidence log"));
  }
  r.log = LogEntryInfo{.index = ack->index,
                       .leaf_hash = crypto::Base64Encode(ack->leaf_hash),
                       .checkpoint = ack->checkpoint};
  DT_TRY(db_.Execute(
      "UPDATE einvoices SET log_index = $1, leaf_hash = $2, checkpoint = $3 WHERE id = $4",
      {static_cast<std::int64_t>(r.log->index), r.log->leaf_hash, r.log->checkpoint, r.id}));
  return {};
}

Result<Registration> Registry::GetWhere(std::string_view column, const std::string& value) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query(fmt::format("SELECT {} FROM einvoices WHERE {} = $1",
                                                     kListColumns, column),
                                         {value}));
  if (rs.empty()) return NotFound(fmt::format("no registered e-invoice with {} {}", column, value));
  return FromRow(rs.rows[0]);
}

Result<Registration> Registry::Get(const std::string& id) { return GetWhere("id", id); }

Result<Registration> Registry::FindBySignedSha256(const std::string& sha256_hex) {
  return GetWhere("signed_sha256", sha256_hex);
}

Result<LogEvidence> Registry::Evidence(const Registration& r) {
  if (log_ == nullptr) return FailedPrecondition("the evidence log is not open");
  if (!r.log) {
    return FailedPrecondition(fmt::format("e-invoice {} has no log entry: the append did not "
                                          "complete", r.id));
  }
  DT_ASSIGN_OR_RETURN(auto entry, log_->GetEntry(r.log->index));
  if (entry.kind != kRegisteredKind || entry.data != r.record) {
    return DataLoss(fmt::format("log entry {} is not the record of {}", r.log->index, r.id));
  }
  const ledger::NoteVerifier verifier = log_->verifier();
  LogEvidence ev{.origin = log_->origin(),
                 .verifier_key = verifier.VerifierKey(),
                 .kind = entry.kind,
                 .record = entry.data};
  DT_ASSIGN_OR_RETURN(ev.checkpoint, log_->Checkpoint());
  auto cp = ledger::OpenCheckpoint(ev.checkpoint, ev.origin, std::span(&verifier, 1));
  if (!cp || cp->size <= r.log->index) {
    ev.checkpoint = r.log->checkpoint;
    cp = ledger::OpenCheckpoint(ev.checkpoint, ev.origin, std::span(&verifier, 1));
  }
  if (!cp) return std::unexpected(cp.error().WithContext("the stored checkpoint"));
  DT_ASSIGN_OR_RETURN(const std::string leaf, ledger::EncodeLeaf(entry.kind, entry.data));
  ev.proof.tree_size = cp->size;
  ev.proof.index = r.log->index;
  ev.proof.leaf_hash = log_->hasher().HashLeaf(ledger::AsBytes(leaf));
  DT_ASSIGN_OR_RETURN(ev.proof.proof, log_->InclusionProof(r.log->index, cp->size));
  return ev;
}

Result<std::string> Registry::SignedXml(const std::string& id) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT signed_xml FROM einvoices WHERE id = $1", {id}));
  if (rs.empty()) return NotFound(fmt::format("no registered e-invoice {}", id));
  const auto bytes = rs.rows[0].Blob(0);
  return std::string(bytes.begin(), bytes.end());
}

Result<std::string> Registry::ReportJsonText(const std::string& id) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT report_json FROM einvoices WHERE id = $1", {id}));
  if (rs.empty()) return NotFound(fmt::format("no registered e-invoice {}", id));
  return rs.rows[0].Text(0);
}

Result<RegistrationPage> Registry::List(const std::string& organisation_id, int limit,
                                        const std::string& after) {
  std::int64_t after_time = INT64_MAX;
  std::string after_id;
  if (!after.empty()) {
    // "<created_at>:<id>", as next_cursor makes it.
    const auto colon = after.find(':');
    const char* end = after.data() + (colon == std::string::npos ? 0 : colon);
    const auto [ptr, ec] = std::from_chars(after.data(), end, after_time);
    if (colon == std::string::npos || colon == 0 || ec != std::errc() || ptr != end) {
      return InvalidArgument("after: not a cursor from a previous page");
    }
    after_id = after.substr(colon + 1);
  }
  DT_ASSIGN_OR_RETURN(
      auto rs,
      db_.Query(fmt::format("SELECT {} FROM einvoices WHERE organisation_id = $1 AND "
                            "(created_at < $2 OR (created_at = $2 AND ($3 = '' OR id < $3))) "
                            "ORDER BY created_at DESC, id DESC LIMIT $4",
                            kListColumns),
                {organisation_id, after_time, after_id, limit + 1}));
  RegistrationPage page;
  for (const auto& row : rs.rows) page.items.push_back(FromRow(row));
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.pop_back();
    const auto& last = page.items.back();
    page.next_cursor = fmt::format("{}:{}", last.created_at, last.id);
  }
  return page;
}

}  // namespace digitrade::trade::einvoice
