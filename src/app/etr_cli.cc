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
};

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

void PrintRecord(const etr::Record& r, bool json, const etr::ActionEntry* action) {
  if (json) {
    bj::object o = http::api::EtrRecordJson(r, false);
    if (action != nullptr) {
      o["action"] = bj::object{{"sequence", action->sequence},
                               {"action_code", etr::ActionCodeName(action->code)},
                               {"action_hash", action->action_hash}};
      o["log_index"] = action->log_index ? bj::value(*action->log_index) : bj::value(nullptr);
    }
    std::cout << bj::serialize(o) << "\n";
    return;
  }
  std::printf("%s  %s %s v%lld  %s  holder %s%s%s  sequence %lld\n", r.id.c_str(),
              std::string(etr::RecordTypeName(r.state.type)).c_str(), r.reference.c_str(),
              static_cast<long long>(r.version),
              std::string(etr::RecordStatusName(r.state.status)).c_str(), r.state.holder_id.c_str(),
              r.state.endorsee_id.empty() ? "" : "  endorsee ", r.state.endorsee_id.c_str(),
              static_cast<long long>(r.sequence));
  if (action != nullptr && action->log_index) {
    std::printf("%s logged at index %llu\n", std::string(etr::ActionCodeName(action->code)).c_str(),
                static_cast<unsigned long long>(*action->log_index));
  }
}

int Issue(const std::string& db, const EtrArgs& a, bool json) {
  auto text = ReadFileText(a.document_file);
  if (!text) return ReportError(text.error());
  auto doc = crypto::ParseStrictJson(*text, {.max_bytes = 2 << 20, .max_depth = 64});
  if (!doc) return ReportError(doc.error().WithContext(a.document_file));
  auto type = etr::ParseRecordType(a.type);
  if (!type) return ReportError(type.error());
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
  auto p = Open(db, a);
  if (!p) return ReportError(p.error());
  auto rec = (*p)->etr->GetRecord(a.record);
  if (!rec) return ReportError(rec.error());
  auto history = (*p)->etr->History(a.record);
  if (!history) return ReportError(history.error());
  if (json) {
    bj::object o = http::api::EtrRecordJson(*rec, false);
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
    o["history"] = std::move(steps);
    std::cout << bj::serialize(o) << "\n";
    return kExitOk;
  }
  PrintRecord(*rec, false, nullptr);
  for (const auto& h : *history) {
    std::printf("  %3lld  %-24s %s -> %s  log %s\n", static_cast<long long>(h.sequence),
                std::string(etr::ActionCodeName(h.code)).c_str(), h.actor_id.c_str(),
                h.recipient_id.empty() ? "-" : h.recipient_id.c_str(),
                h.log_index ? std::to_string(*h.log_index).c_str() : "pending");
  }
  return kExitOk;
}

int List(const std::string& db, const EtrArgs& a, bool json) {
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
  cmd->add_option("--as", a.as, "The acting organisation's id")->required();
  cmd->add_option("--key", a.key_file, "Its PEM private key (signs the action here)")->required();
}

}  // namespace

void AddEtrCommands(CLI::App& app, std::string& db, bool& json, int& rc) {
  auto a = std::make_shared<EtrArgs>();
  auto* etr_cmd =
      app.add_subcommand("etr", "Electronic transferable records (eBL, warehouse receipts)");
  etr_cmd->require_subcommand(1);
  etr_cmd->add_option("--log-key", a->log_key, "Evidence log signing key file (as for serve)");

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
  list->add_option("--org", a->as, "The organisation id")->required();
  list->callback([a, &db, &json, &rc] { rc = List(db, *a, json); });
}

}  // namespace digitrade::app
