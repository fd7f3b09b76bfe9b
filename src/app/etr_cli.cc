#include "app/etr_cli.h"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "app/exit_codes.h"
#include "app/files.h"
#include "app/http_fetcher.h"
#include "app/platform.h"
#include "app/server_client.h"
#include "common/json.h"
#include "crypto/jcs.h"
#include "crypto/jws.h"
#include "crypto/keys.h"
#include "http/api/etr_api.h"
#include "ledger/note.h"
#include "trade/etr/proof.h"

namespace digitrade::app {

namespace {

namespace etr = trade::etr;
namespace bj = boost::json;

struct EtrArgs {
  std::string log_key;
  std::string as;        // acting organisation
  std::string key_file;  // its PEM private key
  std::string record;
  std::string to;
  std::string code;
  std::string reason;
  std::string comments;
  std::string type = "ebl";
  std::string document_file;
  std::string amends;
  std::string surrender_for = "delivery";
  std::string public_key_file;
  bool carrier = false;
  bool warehouse = false;
  // verify-proof
  std::string proof_file;
  std::string log_key_text;
  std::string log_url;
  std::string cacert;
  std::string keys_file;
  // against a server (--server): the API signs nothing unless key_id names
  // a server-held key; --key signs here
  ServerOptions server;
  std::string key_id;
  bool remote() const { return !server.server.empty(); }
};

// Local commands act as --as with --key; remote ones act as the token's
// organisation, signing with --key here or --key-id on the server.
Status CheckSigner(const EtrArgs& a) {
  if (a.remote()) {
    if (a.key_file.empty() == a.key_id.empty()) {
      return InvalidArgument("with --server give either --key (sign here) or --key-id (a key the "
                             "server holds for your organisation)");
    }
    return {};
  }
  if (a.as.empty() || a.key_file.empty()) {
    return InvalidArgument("--as and --key are required (or --server with a token)");
  }
  if (!a.key_id.empty()) return InvalidArgument("--key-id needs --server");
  return {};
}

Result<std::unique_ptr<Platform>> Open(const std::string& db, const EtrArgs& a) {
  DT_ASSIGN_OR_RETURN(auto p, OpenPlatform(db));
  DT_TRY(OpenEvidenceLog(*p, {.key_file = a.log_key.empty() ? DefaultLogKeyFile(db) : a.log_key}));
  return p;
}

// A compact JWS over `payload` with the PEM key in `key_file` (kid = its
// RFC 7638 thumbprint; the key type's default algorithm).
Result<std::string> SignWithFile(const std::string& key_file, std::string_view payload) {
  DT_ASSIGN_OR_RETURN(auto pem, ReadFileText(key_file));
  auto key = crypto::PrivateKey::FromPem(pem);
  if (!key) return std::unexpected(key.error().WithContext(key_file));
  crypto::JwsSigner signer{
      &*key, crypto::DefaultAlgorithm(key->type()), {{"kid", key->public_key().Thumbprint()}}, {}};
  return crypto::SignJwsCompact(
      {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, signer);
}

std::string Text(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return {};
  return v->is_string() ? std::string(v->get_string()) : bj::serialize(*v);
}

// A record as the API serves it (EtrRecordJson), with the action that moved
// it if any: JSON, or one line of text.
void PrintRecordJson(bj::object o, bool json, const bj::object* action) {
  if (action != nullptr) {
    o["action"] = bj::object{{"sequence", action->at("sequence")},
                             {"action_code", action->at("action_code")},
                             {"action_hash", action->at("action_hash")}};
    o["log_index"] = action->at("log_index");
  }
  if (json) {
    std::cout << bj::serialize(o) << "\n";
    return;
  }
  const std::string endorsee = Text(o, "endorsee");
  fmt::print("{}  {} {} v{}  {}  holder {}{}{}  sequence {}\n", Text(o, "id"), Text(o, "type"),
             Text(o, "reference"), Text(o, "version"), Text(o, "status"), Text(o, "holder"),
             endorsee.empty() ? "" : "  endorsee ", endorsee, Text(o, "sequence"));
  if (action != nullptr && !Text(o, "log_index").empty()) {
    fmt::print("{} logged at index {}\n", Text(*action, "action_code"), Text(o, "log_index"));
  }
}

void PrintRecord(const etr::Record& r, bool json, const etr::ActionEntry* action) {
  bj::object a;
  if (action != nullptr) {
    a = bj::object{{"sequence", action->sequence},
                   {"action_code", etr::ActionCodeName(action->code)},
                   {"action_hash", action->action_hash},
                   {"log_index", action->log_index ? bj::value(*action->log_index) : nullptr}};
  }
  PrintRecordJson(http::api::EtrRecordJson(r, false), json, action != nullptr ? &a : nullptr);
}

// A chain of custody: JSON items of the history endpoint, or lines of text.
void PrintHistory(bj::object record, bj::array steps, bool json) {
  if (json) {
    record["history"] = std::move(steps);
    std::cout << bj::serialize(record) << "\n";
    return;
  }
  PrintRecordJson(std::move(record), false, nullptr);
  for (const auto& v : steps) {
    const auto& h = v.as_object();
    const std::string recipient = Text(h, "recipient");
    const std::string log = Text(h, "log_index");
    fmt::print("  {:>3}  {:<24} {} -> {}  log {}\n", Text(h, "sequence"), Text(h, "action_code"),
               Text(h, "actor"), recipient.empty() ? "-" : recipient, log.empty() ? "pending" : log);
  }
}

// ---- against a server (--server): the same commands over /v1/etr ----

Result<std::string> SignedBy(const EtrArgs& a, const bj::object& prepared, std::string_view member) {
  const auto* payload = prepared.if_contains(member);
  if (payload == nullptr || !payload->is_string()) {
    return Unavailable(fmt::format("the server's answer has no {}", member));
  }
  return SignWithFile(a.key_file, payload->get_string());
}

Result<bj::object> RemoteIssue(const EtrArgs& a, const bj::value& doc) {
  bj::object body{{"type", a.type}, {"document", doc}, {"issue_to", a.to}};
  if (!a.amends.empty()) body["amendment_of"] = a.amends;
  if (!a.comments.empty()) body["comments"] = a.comments;
  if (!a.key_id.empty()) {
    body["signing_key_id"] = a.key_id;
  } else {
    DT_ASSIGN_OR_RETURN(auto draft,
                        CallServerJson(a.server, "POST", "v1/etr/issuance/prepare", &body));
    DT_ASSIGN_OR_RETURN(auto manifest, SignedBy(a, draft, "manifest_payload"));
    DT_ASSIGN_OR_RETURN(auto action, SignedBy(a, draft, "action_payload"));
    body["issuance_manifest_signed_content"] = manifest;
    body["issue_action_signed_content"] = action;
  }
  return CallServerJson(a.server, "POST", "v1/etr/records", &body);
}

Result<bj::object> RemoteAct(const EtrArgs& a, std::string_view code) {
  const std::string base = "v1/etr/records/" + a.record;
  bj::object intent{{"action_code", code}};
  std::string to = a.to;
  if (to.empty() && (code == "SURRENDER_FOR_DELIVERY" || code == "SURRENDER_FOR_AMENDMENT")) {
    DT_ASSIGN_OR_RETURN(auto rec, CallServerJson(a.server, "GET", base, nullptr));
    to = Text(rec, "issuer");  // surrenders go to the issuer
  }
  if (!to.empty()) intent["recipient"] = to;
  if (!a.reason.empty()) intent["reason_code"] = a.reason;
  if (!a.comments.empty()) intent["comments"] = a.comments;
  bj::object body;
  if (!a.key_id.empty()) {
    body = intent;
    body["signing_key_id"] = a.key_id;
  } else {
    DT_ASSIGN_OR_RETURN(auto prepared, CallServerJson(a.server, "POST", base + "/prepare", &intent));
    DT_ASSIGN_OR_RETURN(auto jws, SignedBy(a, prepared, "payload"));
    body = bj::object{{"signed_action", jws}};
  }
  return CallServerJson(a.server, "POST", base + "/actions", &body);
}

// Prints an issued or acted-on record from the server's answer.
int PrintOutcome(const Result<bj::object>& out, bool json) {
  if (!out) return ReportError(out.error());
  const auto* action = out->if_contains("action");
  if (action == nullptr || !action->is_object()) {
    return ReportError(Error(ErrorCode::kUnavailable, "the server's answer has no action"));
  }
  bj::object record = *out;
  record.erase("action");
  PrintRecordJson(std::move(record), json, &action->get_object());
  return kExitOk;
}

int RemoteShow(const EtrArgs& a, bool json) {
  auto h = CallServerJson(a.server, "GET", "v1/etr/records/" + a.record + "/history", nullptr);
  if (!h) return ReportError(h.error());
  const auto* record = h->if_contains("record");
  const auto* items = h->if_contains("items");
  if (record == nullptr || !record->is_object() || items == nullptr || !items->is_array()) {
    return ReportError(Error(ErrorCode::kUnavailable, "the server's history has no record/items"));
  }
  PrintHistory(record->get_object(), items->get_array(), json);
  return kExitOk;
}

int RemoteList(const EtrArgs& a, bool json) {
  bj::array all;
  std::string after;
  do {  // every page
    std::string path = "v1/etr/records?limit=100";
    if (!after.empty()) path += "&after=" + after;
    auto page = CallServerJson(a.server, "GET", path, nullptr);
    if (!page) return ReportError(page.error());
    const auto* items = page->if_contains("items");
    if (items == nullptr || !items->is_array()) {
      return ReportError(Error(ErrorCode::kUnavailable, "the server's list has no items"));
    }
    for (const auto& item : items->get_array()) all.push_back(item);
    after = Text(*page, "next_cursor");
  } while (!after.empty());
  if (json) {
    std::cout << bj::serialize(all) << "\n";
    return kExitOk;
  }
  for (const auto& item : all) {
    if (item.is_object()) PrintRecordJson(item.get_object(), false, nullptr);
  }
  return kExitOk;
}

int Issue(const std::string& db, const EtrArgs& a, bool json) {
  auto text = ReadFileText(a.document_file);
  if (!text) return ReportError(text.error());
  auto doc = crypto::ParseStrictJson(*text, {.max_bytes = 2 << 20, .max_depth = 64});
  if (!doc) return ReportError(doc.error().WithContext(a.document_file));
  auto type = etr::ParseRecordType(a.type);
  if (!type) return ReportError(type.error());
  if (auto ok = CheckSigner(a); !ok) return ReportError(ok.error());
  if (a.remote()) return PrintOutcome(RemoteIssue(a, *doc), json);
  auto p = Open(db, a);
  if (!p) return ReportError(p.error());
  etr::Registry& reg = *(*p)->etr;
  const etr::IssueInput in{*type, *doc, a.as, a.to, a.amends, a.comments};
  auto draft = reg.PrepareIssue(in);
  if (!draft) return ReportError(draft.error());
  auto manifest = SignWithFile(a.key_file, draft->manifest_payload);
  if (!manifest) return ReportError(manifest.error());
  auto action = SignWithFile(a.key_file, draft->action_payload);
  if (!action) return ReportError(action.error());
  auto out = reg.Issue({in, *manifest, *action}, a.as);
  if (!out) return ReportError(out.error());
  PrintRecord(out->record, json, &out->action);
  return kExitOk;
}

int Act(const std::string& db, const EtrArgs& a, bool json, std::string_view code_name) {
  auto code = etr::ParseActionCode(code_name);
  if (!code) return ReportError(code.error());
  if (auto ok = CheckSigner(a); !ok) return ReportError(ok.error());
  if (a.remote()) return PrintOutcome(RemoteAct(a, etr::ActionCodeName(*code)), json);
  auto p = Open(db, a);
  if (!p) return ReportError(p.error());
  etr::Registry& reg = *(*p)->etr;
  std::string to = a.to;
  if (to.empty() && (*code == etr::ActionCode::kSurrenderForDelivery ||
                     *code == etr::ActionCode::kSurrenderForAmendment)) {
    auto rec = reg.GetRecord(a.record);
    if (!rec) return ReportError(rec.error());
    to = rec->state.issuer_id;  // surrenders go to the issuer
  }
  auto prepared = reg.PrepareAction(a.record, {*code, a.as, to, a.reason}, a.comments);
  if (!prepared) return ReportError(prepared.error());
  auto jws = SignWithFile(a.key_file, prepared->payload);
  if (!jws) return ReportError(jws.error());
  auto out = reg.Act(a.record, *jws, a.as);
  if (!out) return ReportError(out.error());
  PrintRecord(out->record, json, &out->action);
  return kExitOk;
}

int Show(const std::string& db, const EtrArgs& a, bool json) {
  if (a.remote()) return RemoteShow(a, json);
  auto p = Open(db, a);
  if (!p) return ReportError(p.error());
  auto rec = (*p)->etr->GetRecord(a.record);
  if (!rec) return ReportError(rec.error());
  auto history = (*p)->etr->History(a.record);
  if (!history) return ReportError(history.error());
  bj::array steps;
  for (const auto& h : *history) {
    steps.push_back(
        bj::object{{"sequence", h.sequence},
                   {"action_code", etr::ActionCodeName(h.code)},
                   {"actor", h.actor_id},
                   {"recipient", h.recipient_id},
                   {"action_hash", h.action_hash},
                   {"log_index", h.log_index ? bj::value(*h.log_index) : bj::value(nullptr)}});
  }
  PrintHistory(http::api::EtrRecordJson(*rec, false), std::move(steps), json);
  return kExitOk;
}

int List(const std::string& db, const EtrArgs& a, bool json) {
  if (a.remote()) return RemoteList(a, json);
  if (a.as.empty()) return ReportError(Error(ErrorCode::kInvalidArgument, "--org is required (or --server with a token)"));
  auto p = Open(db, a);
  if (!p) return ReportError(p.error());
  auto records = (*p)->etr->ListRecords(a.as, 500, "");
  if (!records) return ReportError(records.error());
  bj::array items;
  for (const auto& r : *records) {
    if (json) {
      items.push_back(http::api::EtrRecordJson(r, false));
    } else {
      PrintRecord(r, false, nullptr);
    }
  }
  if (json) std::cout << bj::serialize(items) << "\n";
  return kExitOk;
}

int Party(const std::string& db, const EtrArgs& a, bool json) {
  auto p = Open(db, a);
  if (!p) return ReportError(p.error());
  auto org = (*p)->directory->GetOrganisation(a.as);
  if (!org) return ReportError(org.error());
  auto party = (*p)->etr->PutParty({org->id, org->name, a.carrier, a.warehouse});
  if (!party) return ReportError(party.error());
  if (!a.public_key_file.empty()) {
    auto pem = ReadFileText(a.public_key_file);
    if (!pem) return ReportError(pem.error());
    auto pub = crypto::PublicKey::FromPem(*pem);
    if (!pub) return ReportError(pub.error().WithContext(a.public_key_file));
    auto key = (*p)->etr->RegisterKey(org->id, pub->ToJwk(), "jwk");
    if (!key) return ReportError(key.error());
  }
  if (json) {
    std::cout << bj::serialize(bj::object{{"organisation_id", party->organisation_id},
                                          {"name", party->name},
                                          {"carrier", party->carrier},
                                          {"warehouse", party->warehouse}})
              << "\n";
  } else {
    std::printf("%s %s%s%s\n", party->organisation_id.c_str(), party->name.c_str(),
                party->carrier ? " (carrier)" : "", party->warehouse ? " (warehouse)" : "");
  }
  return kExitOk;
}

// Public keys by party, from {"items": [{"organisation_id", "public_jwk"}...]}
// (what GET /v1/etr/parties/{id}/keys serves, items concatenated) or
// {"org_...": [jwk, ...]}.
Result<std::map<std::string, std::vector<crypto::PublicKey>>> ReadKeys(const std::string& file) {
  DT_ASSIGN_OR_RETURN(auto text, ReadFileText(file));
  auto parsed = digitrade::json::ParseObject(text, {.max_bytes = 4 << 20});
  if (!parsed) return std::unexpected(parsed.error().WithContext(file));
  std::map<std::string, std::vector<crypto::PublicKey>> out;
  auto add = [&](const std::string& org, const bj::value& jwk) -> Status {
    if (!jwk.is_object()) return InvalidArgument(file + ": a JWK must be an object");
    auto key = crypto::PublicKey::FromJwk(jwk.get_object());
    if (!key) return std::unexpected(key.error().WithContext(file));
    out[org].push_back(*key);
    return {};
  };
  if (const auto* items = parsed->if_contains("items"); items != nullptr && items->is_array()) {
    for (const auto& item : items->get_array()) {
      const auto* org =
          item.is_object() ? item.get_object().if_contains("organisation_id") : nullptr;
      const auto* jwk = item.is_object() ? item.get_object().if_contains("public_jwk") : nullptr;
      if (org == nullptr || jwk == nullptr || !org->is_string()) {
        return InvalidArgument(file + ": items need organisation_id and public_jwk");
      }
      DT_TRY(add(std::string(org->get_string()), *jwk));
    }
    return out;
  }
  for (const auto& [org, jwks] : *parsed) {
    if (!jwks.is_array()) return InvalidArgument(file + ": each party maps to an array of JWKs");
    for (const auto& jwk : jwks.get_array()) DT_TRY(add(std::string(org), jwk));
  }
  return out;
}

// Checks a proof of control with public material only (docs/etr.md): exit
// 0 verified, 1 a check failed, 2 unusable input, 3 the log unreachable.
int VerifyProof(const EtrArgs& a, bool json) {
  auto text = ReadFileText(a.proof_file);
  if (!text) return ReportError(text.error());
  auto proof = trade::etr::ParseControlProofJson(*text);
  if (!proof) return ReportError(proof.error().WithContext(a.proof_file));
  auto keys = ReadKeys(a.keys_file);
  if (!keys) return ReportError(keys.error());
  auto log_key = ledger::NoteVerifier::FromVerifierKey(a.log_key_text);
  if (!log_key) return ReportError(log_key.error().WithContext("--verifier-key"));
  auto fetcher = HttpFetcher::Create(a.log_url, a.cacert);
  if (!fetcher) return ReportError(fetcher.error());
  auto schemas = trade::etr::SchemaSet::Dcsa(trade::etr::kDcsaPint);
  if (!schemas) return ReportError(schemas.error());
  trade::etr::ProofVerifier v;
  v.log_key = &*log_key;
  v.origin = log_key->name();
  v.pint = &*schemas;
  v.keys = [&](const std::string& party) -> Result<std::vector<crypto::PublicKey>> {
    const auto it = keys->find(party);
    if (it == keys->end())
      return NotFound(fmt::format("no public key of {} in {}", party, a.keys_file));
    return it->second;
  };
  v.entry = trade::etr::EntriesFromTiles(**fetcher, proof->checkpoint_size);
  auto report = trade::etr::VerifyControlProof(*proof, v);
  if (!report) {
    if (report.error().code() == ErrorCode::kUnavailable) return ReportError(report.error());
    if (json) {
      std::cout << bj::serialize(
                       bj::object{{"verified", false}, {"reason", report.error().message()}})
                << "\n";
    } else {
      std::printf("NOT VERIFIED: %s\n", report.error().message().c_str());
    }
    return kExitNegative;
  }
  if (json) {
    std::cout << bj::serialize(bj::object{{"verified", true},
                                          {"record", proof->record.id},
                                          {"holder", report->holder_id},
                                          {"steps", report->steps.size()},
                                          {"checkpoint_size", report->checkpoint_size},
                                          {"entries_scanned", report->entries_scanned}})
              << "\n";
  } else {
    std::printf(
        "VERIFIED: %s is controlled by %s (%zu signed steps, all in the log; no later entry for it "
        "among the %llu entries up to the checkpoint of size %llu)\n",
        proof->record.id.c_str(), report->holder_id.c_str(), report->steps.size(),
        static_cast<unsigned long long>(report->entries_scanned),
        static_cast<unsigned long long>(report->checkpoint_size));
  }
  return kExitOk;
}

void Signer(CLI::App* cmd, EtrArgs& a) {
  cmd->add_option("--as", a.as, "The acting organisation's id (local database; with --server the "
                               "token's organisation acts)");
  cmd->add_option("--key", a.key_file, "Its PEM private key (signs the action here)");
  cmd->add_option("--key-id", a.key_id, "With --server: a key the server holds for the organisation");
}

}  // namespace

void AddEtrCommands(CLI::App& app, std::string& db, bool& json, int& rc) {
  auto a = std::make_shared<EtrArgs>();
  auto* etr_cmd =
      app.add_subcommand("etr", "Electronic transferable records (eBL, warehouse receipts)");
  etr_cmd->require_subcommand(1);
  etr_cmd->add_option("--log-key", a->log_key, "Evidence log signing key file (as for serve)");
  AddServerOptions(etr_cmd, a->server, "", /*server_from_env=*/false);

  auto* party =
      etr_cmd->add_subcommand("party", "Register an organisation as a party, and optionally a key");
  party->add_option("--org", a->as, "The organisation id")->required();
  party->add_flag("--carrier", a->carrier, "May issue eBLs");
  party->add_flag("--warehouse", a->warehouse, "May issue warehouse receipts");
  party->add_option("--public-key", a->public_key_file,
                    "Register this SPKI PEM public key for the party");
  party->callback([a, &db, &json, &rc] { rc = Party(db, *a, json); });

  auto* issue = etr_cmd->add_subcommand("issue", "Issue an eBL or a warehouse receipt");
  Signer(issue, *a);
  issue->add_option("--type", a->type, "ebl or ewr")->capture_default_str();
  issue->add_option("--document", a->document_file, "The DCSA transport document or receipt (JSON)")
      ->required();
  issue->add_option("--issue-to", a->to, "The first holder's organisation id")->required();
  issue->add_option("--amends", a->amends, "The record this one amends");
  issue->callback([a, &db, &json, &rc] { rc = Issue(db, *a, json); });

  auto* transfer = etr_cmd->add_subcommand("transfer", "Transfer possession to another party");
  transfer->add_option("record", a->record, "Record id")->required();
  Signer(transfer, *a);
  transfer->add_option("--to", a->to, "The new holder's organisation id")->required();
  transfer->callback([a, &db, &json, &rc] { rc = Act(db, *a, json, "TRANSFER"); });

  auto* surrender = etr_cmd->add_subcommand("surrender", "Request surrender to the issuer");
  surrender->add_option("record", a->record, "Record id")->required();
  Signer(surrender, *a);
  surrender->add_option("--for", a->surrender_for, "delivery or amendment")
      ->check(CLI::IsMember({"delivery", "amendment"}))
      ->capture_default_str();
  surrender->add_option("--reason", a->reason,
                        "DCSA reason code (amendment; SWTP switches to paper)");
  surrender->callback([a, &db, &json, &rc] {
    rc = Act(db, *a, json,
             a->surrender_for == "delivery" ? "SURRENDER_FOR_DELIVERY" : "SURRENDER_FOR_AMENDMENT");
  });

  auto* act = etr_cmd->add_subcommand(
      "act", "Any action: ENDORSE, ENDORSE_TO_ORDER, BLANK_ENDORSE, SIGN, SACC, ...");
  act->add_option("record", a->record, "Record id")->required();
  Signer(act, *a);
  act->add_option("--code", a->code, "DCSA action code")->required();
  act->add_option("--to", a->to, "Recipient organisation id");
  act->add_option("--reason", a->reason, "DCSA reason code");
  act->add_option("--comments", a->comments, "Comments for the recipient");
  act->callback([a, &db, &json, &rc] { rc = Act(db, *a, json, a->code); });

  auto* show = etr_cmd->add_subcommand("show", "A record and its chain of custody");
  show->add_option("record", a->record, "Record id")->required();
  show->callback([a, &db, &json, &rc] { rc = Show(db, *a, json); });

  auto* verify = etr_cmd->add_subcommand(
      "verify-proof",
      "Check a proof of control (GET /v1/etr/records/{id}/proof) with public material only");
  verify->add_option("--proof", a->proof_file, "The proof JSON")->required();
  verify
      ->add_option("--verifier-key", a->log_key_text,
                   "The evidence log's verifier key (serve prints it)")
      ->required();
  verify->add_option("--log", a->log_url, "The log's public URL, e.g. https://host/log/evidence")
      ->required();
  verify->add_option("--cacert", a->cacert, "PEM CAs to trust for https (default: the system's)");
  verify
      ->add_option(
          "--keys", a->keys_file,
          "Parties' public keys: {\"items\": [{organisation_id, public_jwk}]} or {org: [jwk]}")
      ->required();
  verify->callback([a, &json, &rc] { rc = VerifyProof(*a, json); });

  auto* list = etr_cmd->add_subcommand(
      "list", "Records an organisation issued, holds or is endorsee/pledgee of");
  list->add_option("--org", a->as, "The organisation id (local database)");
  list->callback([a, &db, &json, &rc] { rc = List(db, *a, json); });
}

}  // namespace digitrade::app
