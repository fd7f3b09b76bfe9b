#include "trade/etr/pint/envelope.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>

#include "common/json.h"
#include "crypto/hash.h"
#include "crypto/jcs.h"

namespace digitrade::trade::etr::pint {

namespace {

struct CodeName {
  ResponseCode code;
  std::string_view name;
  int status;
};
constexpr CodeName kCodes[] = {
    {ResponseCode::kRece, "RECE", 200}, {ResponseCode::kDupe, "DUPE", 200},
    {ResponseCode::kBsig, "BSIG", 422}, {ResponseCode::kBenv, "BENV", 422},
    {ResponseCode::kIncd, "INCD", 409}, {ResponseCode::kMdoc, "MDOC", 409},
    {ResponseCode::kDise, "DISE", 409},
};

// ---- reading: after the schema gate (Conform) these checks hold already; they
// stay as the checks of PartyFromJson's API input and as a guard, and add the
// rules the schemas leave to prose (known action codes, whole-number sizes) ----

// JSON Schema maxLength counts characters, not bytes ("MSC Gülsün").
std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::unexpected<Rejection> Benv(std::string_view path, std::string_view what) {
  return Reject(ResponseCode::kBenv, fmt::format("{}: {}", path, what));
}

Verdict<const boost::json::object*> ObjectAt(const boost::json::object& o, std::string_view key,
                                             std::string_view path, bool required) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) return Benv(fmt::format("{}.{}", path, key), "required");
    return nullptr;
  }
  if (!v->is_object()) return Benv(fmt::format("{}.{}", path, key), "expected an object");
  return &v->get_object();
}

Verdict<std::optional<std::string>> StringAt(const boost::json::object& o, std::string_view key,
                                             std::string_view path, bool required,
                                             std::size_t max_length = 0) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) return Benv(fmt::format("{}.{}", path, key), "required");
    return std::nullopt;
  }
  if (!v->is_string()) return Benv(fmt::format("{}.{}", path, key), "expected a string");
  std::string s(v->get_string());
  if (required && s.empty())
    return Benv(fmt::format("{}.{}", path, key), "minLength: must not be empty");
  if (max_length > 0 && CodePoints(s) > max_length) {
    return Benv(fmt::format("{}.{}", path, key), fmt::format("longer than {}", max_length));
  }
  return s;
}

Verdict<std::string> RequiredString(const boost::json::object& o, std::string_view key,
                                    std::string_view path, std::size_t max_length = 0) {
  auto s = StringAt(o, key, path, true, max_length);
  if (!s) return std::unexpected(s.error());
  return std::move(**s);
}

Verdict<std::string> RequiredChecksum(const boost::json::object& o, std::string_view key,
                                      std::string_view path) {
  auto s = RequiredString(o, key, path);
  if (s && !IsChecksum(*s))
    return Benv(fmt::format("{}.{}", path, key), "expected 64 lower-case hex digits");
  return s;
}

Verdict<std::optional<std::string>> OptionalChecksum(const boost::json::object& o,
                                                     std::string_view key, std::string_view path) {
  auto s = StringAt(o, key, path, false);
  if (s && *s && !IsChecksum(**s)) {
    return Benv(fmt::format("{}.{}", path, key), "expected 64 lower-case hex digits");
  }
  return s;
}

Verdict<const boost::json::array*> ArrayAt(const boost::json::object& o, std::string_view key,
                                           std::string_view path, bool required,
                                           std::size_t min_items) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) return Benv(fmt::format("{}.{}", path, key), "required");
    return nullptr;
  }
  if (!v->is_array()) return Benv(fmt::format("{}.{}", path, key), "expected an array");
  if (v->get_array().size() < min_items) {
    return Benv(fmt::format("{}.{}", path, key),
                fmt::format("needs at least {} item(s)", min_items));
  }
  return &v->get_array();
}

Verdict<IdentifyingCode> ParseIdentifyingCode(const boost::json::value& v,
                                              const std::string& path) {
  if (!v.is_object()) return Benv(path, "expected an object");
  const auto& o = v.get_object();
  IdentifyingCode c;
  auto provider = RequiredString(o, "codeListProvider", path, 100);
  if (!provider) return std::unexpected(provider.error());
  auto code = RequiredString(o, "partyCode", path, 150);
  if (!code) return std::unexpected(code.error());
  auto name = StringAt(o, "codeListName", path, false, 100);
  if (!name) return std::unexpected(name.error());
  c.code_list_provider = std::move(*provider);
  c.party_code = std::move(*code);
  c.code_list_name = name->value_or("");
  return c;
}

Verdict<Party> ParseParty(const boost::json::object& o, const std::string& path) {
  Party p;
  auto name = RequiredString(o, "partyName", path, 70);
  if (!name) return std::unexpected(name.error());
  auto platform = RequiredString(o, "eblPlatform", path, 4);
  if (!platform) return std::unexpected(platform.error());
  auto codes = ArrayAt(o, "identifyingCodes", path, true, 1);
  if (!codes) return std::unexpected(codes.error());
  for (std::size_t i = 0; i < (*codes)->size(); ++i) {
    auto c = ParseIdentifyingCode((**codes)[i], fmt::format("{}.identifyingCodes[{}]", path, i));
    if (!c) return std::unexpected(c.error());
    p.identifying_codes.push_back(std::move(*c));
  }
  p.party_name = std::move(*name);
  p.ebl_platform = std::move(*platform);
  p.json = o;
  return p;
}

Verdict<Transaction> ParseTransaction(const boost::json::value& v, const std::string& path) {
  if (!v.is_object()) return Benv(path, "expected an object");
  const auto& o = v.get_object();
  Transaction t;
  auto action = RequiredString(o, "actionCode", path, 50);
  if (!action) return std::unexpected(action.error());
  const auto code = ParsePintActionCode(*action);
  if (!code) {
    return Benv(path + ".actionCode",
                fmt::format("enum: \"{}\" is not a DCSA PINT 3.0 action code", *action));
  }
  t.action = *code;
  auto actor = ObjectAt(o, "actor", path, true);
  if (!actor) return std::unexpected(actor.error());
  auto actor_party = ParseParty(**actor, path + ".actor");
  if (!actor_party) return std::unexpected(actor_party.error());
  t.actor = std::move(*actor_party);
  auto recipient = ObjectAt(o, "recipient", path, false);
  if (!recipient) return std::unexpected(recipient.error());
  if (*recipient != nullptr) {
    auto r = ParseParty(**recipient, path + ".recipient");
    if (!r) return std::unexpected(r.error());
    t.recipient = std::move(*r);
  }
  auto when = RequiredString(o, "actionDateTime", path, 64);
  if (!when) return std::unexpected(when.error());
  t.action_date_time = std::move(*when);
  return t;
}

Verdict<DocumentMetadata> ParseDocumentMetadata(const boost::json::value& v,
                                                const std::string& path) {
  if (!v.is_object()) return Benv(path, "expected an object");
  const auto& o = v.get_object();
  DocumentMetadata d;
  auto name = RequiredString(o, "name", path, 1024);
  if (!name) return std::unexpected(name.error());
  auto media = RequiredString(o, "mediaType", path, 100);
  if (!media) return std::unexpected(media.error());
  auto checksum = RequiredChecksum(o, "documentChecksum", path);
  if (!checksum) return std::unexpected(checksum.error());
  const auto* size = o.if_contains("size");
  if (size == nullptr) return Benv(path + ".size", "required");
  if (size->is_int64() && size->get_int64() >= 1) {
    d.size = size->get_int64();
  } else if (size->is_uint64() && size->get_uint64() >= 1 && size->get_uint64() <= INT64_MAX) {
    d.size = static_cast<std::int64_t>(size->get_uint64());
  } else if (size->is_double() && size->get_double() >= 1 && size->get_double() < 9.0e15 &&
             size->get_double() ==
                 static_cast<double>(static_cast<std::int64_t>(size->get_double()))) {
    d.size = static_cast<std::int64_t>(size->get_double());
  } else {
    return Benv(path + ".size", "type: expected a whole number of bytes, at least 1");
  }
  d.name = std::move(*name);
  d.media_type = std::move(*media);
  d.document_checksum = std::move(*checksum);
  d.json = o;
  return d;
}

// A signed content's payload: JSON conforming to the named schema.
Verdict<boost::json::object> ParsePayloadObject(std::string_view payload, const SchemaSet& schemas,
                                                std::string_view name) {
  auto v = json::Parse(payload, {.max_bytes = 8 << 20, .max_depth = 32});
  if (!v) return Reject(ResponseCode::kBenv, fmt::format("{}: {}", name, v.error().message()));
  if (auto ok = Conform(schemas, name, *v); !ok) return std::unexpected(ok.error());
  if (!v->is_object()) {  // the PINT schemas say so; kept should one not
    return Reject(ResponseCode::kBenv, fmt::format("{}: expected a JSON object", name));
  }
  return std::move(v->get_object());
}

}  // namespace

std::string_view ResponseCodeName(ResponseCode code) {
  for (const auto& c : kCodes) {
    if (c.code == code) return c.name;
  }
  return "BENV";
}

int ResponseCodeStatus(ResponseCode code) {
  for (const auto& c : kCodes) {
    if (c.code == code) return c.status;
  }
  return 422;
}

std::optional<ActionCode> ParsePintActionCode(std::string_view name) {
  auto code = ParseActionCode(name);
  if (!code || ActionCodeName(*code) != name || *code == ActionCode::kPledge ||
      *code == ActionCode::kRelease) {
    return std::nullopt;
  }
  return *code;
}

Verdict<bool> Conform(const SchemaSet& schemas, std::string_view name,
                      const boost::json::value& doc) {
  constexpr std::size_t kMaxViolations = 5;
  auto violations = schemas.Validate(name, doc, kMaxViolations);
  if (!violations) {
    return Reject(ResponseCode::kBenv, fmt::format("{}: {}", name, violations.error().message()));
  }
  if (violations->empty()) return true;
  return Reject(ResponseCode::kBenv,
                ViolationsError(fmt::format("{} (DCSA PINT 3.0)", name), *violations).message());
}

std::string Sha256Hex(std::string_view bytes) {
  return crypto::ToHex(crypto::Sha256(bytes));
}

Result<std::string> CanonicalChecksum(const boost::json::value& value) {
  DT_ASSIGN_OR_RETURN(std::string canonical, crypto::CanonicalizeJson(value));
  return Sha256Hex(canonical);
}

bool SameParty(const Party& a, const Party& b) {
  if (a.ebl_platform != b.ebl_platform) return false;
  for (const auto& x : a.identifying_codes) {
    for (const auto& y : b.identifying_codes) {
      if (x.code_list_provider == y.code_list_provider && x.party_code == y.party_code) return true;
    }
  }
  return false;
}

bool IsCompactJws(std::string_view s) {
  int dots = 0;
  std::size_t run = 0;
  for (char c : s) {
    if (c == '.') {
      if (run == 0) return false;
      ++dots;
      run = 0;
      continue;
    }
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
    ++run;
  }
  return dots == 2 && run > 0;
}

bool IsChecksum(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Verdict<EblEnvelope> ParseEnvelope(std::string_view body, const SchemaSet& schemas,
                                   const EnvelopeLimits& limits) {
  auto v = json::Parse(body, {.max_bytes = limits.max_bytes, .max_depth = 64});
  if (!v) return Reject(ResponseCode::kBenv, fmt::format("EblEnvelope: {}", v.error().message()));
  if (!v->is_object()) return Reject(ResponseCode::kBenv, "EblEnvelope: expected a JSON object");
  // The limit before the schema, so an oversized chain is not walked.
  const auto* chain = v->get_object().if_contains("envelopeTransferChain");
  if (chain != nullptr && chain->is_array() && chain->get_array().size() > limits.max_entries) {
    return Benv("$.envelopeTransferChain",
                fmt::format("maxItems: more than {} entries", limits.max_entries));
  }
  if (auto ok = Conform(schemas, "EblEnvelope", *v); !ok) return std::unexpected(ok.error());
  // The schema guarantees these shapes; checked again so that reading never
  // depends on the embedded schema text being right.
  auto& o = v->get_object();
  auto* td = o.if_contains("transportDocument");
  const auto* manifest = o.if_contains("envelopeManifestSignedContent");
  if (td == nullptr || !td->is_object() || manifest == nullptr || !manifest->is_string() ||
      chain == nullptr || !chain->is_array()) {
    return Reject(ResponseCode::kBenv, "EblEnvelope: not an EblEnvelope");
  }
  EblEnvelope e;
  e.transport_document = std::move(td->get_object());
  e.manifest_signed_content = std::string(manifest->get_string());
  for (const auto& entry : chain->get_array()) {
    if (!entry.is_string()) return Reject(ResponseCode::kBenv, "EblEnvelope: not an EblEnvelope");
    e.chain.emplace_back(entry.get_string());
  }
  return e;
}

Verdict<EnvelopeManifest> ParseManifest(std::string_view payload, const SchemaSet& schemas) {
  auto o = ParsePayloadObject(payload, schemas, "EnvelopeManifest");
  if (!o) return std::unexpected(o.error());
  // The rules the schema leaves out, reported as its violations are.
  const std::string path = "EnvelopeManifest (DCSA PINT 3.0) does not conform: $";
  EnvelopeManifest m;
  auto td = RequiredChecksum(*o, "transportDocumentChecksum", path);
  if (!td) return std::unexpected(td.error());
  auto last = RequiredChecksum(*o, "lastEnvelopeTransferChainEntrySignedContentChecksum", path);
  if (!last) return std::unexpected(last.error());
  m.transport_document_checksum = std::move(*td);
  m.last_entry_checksum = std::move(*last);
  if (const auto* vis = o->if_contains("eBLVisualisationByCarrier");
      vis != nullptr && !vis->is_null()) {
    auto d = ParseDocumentMetadata(*vis, path + ".eBLVisualisationByCarrier");
    if (!d) return std::unexpected(d.error());
    m.visualisation = std::move(*d);
  }
  auto docs = ArrayAt(*o, "supportingDocuments", path, false, 0);
  if (!docs) return std::unexpected(docs.error());
  if (*docs != nullptr) {
    for (std::size_t i = 0; i < (*docs)->size(); ++i) {
      auto d =
          ParseDocumentMetadata((**docs)[i], fmt::format("{}.supportingDocuments[{}]", path, i));
      if (!d) return std::unexpected(d.error());
      m.supporting_documents.push_back(std::move(*d));
    }
  }
  return m;
}

Verdict<ChainEntry> ParseChainEntry(std::string_view payload, const SchemaSet& schemas) {
  auto o = ParsePayloadObject(payload, schemas, "EnvelopeTransferChainEntry");
  if (!o) return std::unexpected(o.error());
  // The rules the schema leaves out, reported as its violations are.
  const std::string path = "EnvelopeTransferChainEntry (DCSA PINT 3.0) does not conform: $";
  ChainEntry e;
  auto platform = RequiredString(*o, "eblPlatform", path, 4);
  if (!platform) return std::unexpected(platform.error());
  auto td = RequiredChecksum(*o, "transportDocumentChecksum", path);
  if (!td) return std::unexpected(td.error());
  auto previous =
      OptionalChecksum(*o, "previousEnvelopeTransferChainEntrySignedContentChecksum", path);
  if (!previous) return std::unexpected(previous.error());
  auto issuance = StringAt(*o, "issuanceManifestSignedContent", path, false);
  if (!issuance) return std::unexpected(issuance.error());
  if (*issuance && !IsCompactJws(**issuance)) {
    return Benv(path + ".issuanceManifestSignedContent", "not a compact JWS");
  }
  auto ctr = StringAt(*o, "controlTrackingRegistry", path, false, 1024);
  if (!ctr) return std::unexpected(ctr.error());
  if (const auto* vis = o->if_contains("eBLVisualisationByCarrier");
      vis != nullptr && !vis->is_null()) {
    auto d = ParseDocumentMetadata(*vis, path + ".eBLVisualisationByCarrier");
    if (!d) return std::unexpected(d.error());
    e.visualisation = std::move(*d);
  }
  auto txs = ArrayAt(*o, "transactions", path, true, 1);
  if (!txs) return std::unexpected(txs.error());
  for (std::size_t i = 0; i < (*txs)->size(); ++i) {
    auto t = ParseTransaction((**txs)[i], fmt::format("{}.transactions[{}]", path, i));
    if (!t) return std::unexpected(t.error());
    e.transactions.push_back(std::move(*t));
  }
  e.ebl_platform = std::move(*platform);
  e.transport_document_checksum = std::move(*td);
  e.previous_checksum = std::move(*previous);
  e.issuance_manifest_signed_content = std::move(*issuance);
  e.control_tracking_registry = std::move(*ctr);
  return e;
}

Verdict<IssuanceManifest> ParseIssuanceManifest(std::string_view payload,
                                                const SchemaSet& schemas) {
  auto o = ParsePayloadObject(payload, schemas, "IssuanceManifest");
  if (!o) return std::unexpected(o.error());
  // The rules the schema leaves out, reported as its violations are.
  const std::string path = "IssuanceManifest (DCSA PINT 3.0) does not conform: $";
  IssuanceManifest m;
  auto doc = RequiredChecksum(*o, "documentChecksum", path);
  if (!doc) return std::unexpected(doc.error());
  auto vis = OptionalChecksum(*o, "eBLVisualisationByCarrierChecksum", path);
  if (!vis) return std::unexpected(vis.error());
  auto issue_to = RequiredChecksum(*o, "issueToChecksum", path);
  if (!issue_to) return std::unexpected(issue_to.error());
  m.document_checksum = std::move(*doc);
  m.visualisation_checksum = std::move(*vis);
  m.issue_to_checksum = std::move(*issue_to);
  return m;
}

Result<Party> PartyFromJson(const boost::json::object& o) {
  auto p = ParseParty(o, "$");
  if (!p) return InvalidArgument(p.error().reason);
  return std::move(*p);
}

boost::json::object IssueToFromRecipient(const Party& recipient) {
  boost::json::object o;
  o["partyName"] = recipient.party_name;
  o["sendToPlatform"] = recipient.ebl_platform;
  if (const auto* codes = recipient.json.if_contains("identifyingCodes"))
    o["identifyingCodes"] = *codes;
  if (const auto* tax = recipient.json.if_contains("taxLegalReferences"))
    o["taxLegalReferences"] = *tax;
  return o;
}

boost::json::object ToJson(const EnvelopeManifest& m) {
  boost::json::object o{
      {"transportDocumentChecksum", m.transport_document_checksum},
      {"lastEnvelopeTransferChainEntrySignedContentChecksum", m.last_entry_checksum}};
  if (m.visualisation) o["eBLVisualisationByCarrier"] = m.visualisation->json;
  if (!m.supporting_documents.empty()) {
    boost::json::array docs;
    for (const auto& d : m.supporting_documents) docs.push_back(d.json);
    o["supportingDocuments"] = std::move(docs);
  }
  return o;
}

Verdict<Transaction> TransactionFromJson(const boost::json::object& o) {
  return ParseTransaction(boost::json::value(o), "$");
}

boost::json::object ToJson(const Transaction& t) {
  boost::json::object o{{"actionCode", ActionCodeName(t.action)},
                        {"actor", t.actor.json},
                        {"actionDateTime", t.action_date_time}};
  if (t.recipient) o["recipient"] = t.recipient->json;
  return o;
}

boost::json::object ToJson(const ChainEntry& e) {
  boost::json::object o{{"eblPlatform", e.ebl_platform},
                        {"transportDocumentChecksum", e.transport_document_checksum}};
  if (e.previous_checksum)
    o["previousEnvelopeTransferChainEntrySignedContentChecksum"] = *e.previous_checksum;
  if (e.issuance_manifest_signed_content) {
    o["issuanceManifestSignedContent"] = *e.issuance_manifest_signed_content;
  }
  if (e.control_tracking_registry) o["controlTrackingRegistry"] = *e.control_tracking_registry;
  if (e.visualisation) o["eBLVisualisationByCarrier"] = e.visualisation->json;
  boost::json::array txs;
  for (const auto& t : e.transactions) txs.push_back(ToJson(t));
  o["transactions"] = std::move(txs);
  return o;
}

}  // namespace digitrade::trade::etr::pint
