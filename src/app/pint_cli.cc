#include "app/pint_cli.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/exit_codes.h"
#include "app/files.h"
#include "app/server_client.h"
#include "common/json.h"
#include "crypto/jws.h"
#include "trade/etr/pint/envelope.h"
#include "trade/etr/pint/signer.h"

namespace digitrade::app {

namespace {

namespace pint = trade::etr::pint;

struct SendArgs {
  std::string server;
  std::string token;
  std::string document;
  std::string peer;
  std::string recipient_file;
  std::string action;
  std::string ca_file;
};

Result<boost::json::object> ReadJsonObject(const std::string& path) {
  DT_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  auto o = json::ParseObject(text, {.max_bytes = 16u << 20, .max_depth = 64});
  if (!o) return std::unexpected(o.error().WithContext(path));
  return *o;
}

int Send(const SendArgs& a, bool json_out) {
  auto recipient = ReadJsonObject(a.recipient_file);
  if (!recipient) return ReportError(recipient.error());
  if (auto party = pint::PartyFromJson(*recipient); !party) {
    return ReportError(party.error().WithContext(a.recipient_file));
  }
  boost::json::object body{{"document", a.document}, {"peer", a.peer}, {"recipient", *recipient}};
  if (!a.action.empty()) body["actionCode"] = a.action;
  auto out = CallServerJson({.server = a.server, .token = a.token, .cacert = a.ca_file}, "POST",
                            "v1/pint/transfers", &body);
  if (!out) return ReportError(out.error());
  const bool accepted =
      out->contains("accepted") && out->at("accepted").is_bool() && out->at("accepted").get_bool();
  if (json_out) {
    std::cout << json::Serialize(*out) << "\n";
  } else {
    const auto* code = out->if_contains("responseCode");
    const auto* reason = out->if_contains("reason");
    std::printf("%s: %s%s%s\n", a.peer.c_str(),
                code && code->is_string() ? code->get_string().c_str() : "?",
                reason && reason->is_string() && !reason->get_string().empty() ? " - " : "",
                reason && reason->is_string() ? reason->get_string().c_str() : "");
  }
  return accepted ? kExitOk : kExitNegative;
}

struct SignArgs {
  std::string key;
  std::string document;
  std::string issue_to;
  std::string alg;
};

int SignIssuance(const SignArgs& a) {
  auto key_pem = ReadFileText(a.key);
  if (!key_pem) return ReportError(key_pem.error());
  auto td = ReadJsonObject(a.document);
  if (!td) return ReportError(td.error());
  auto issue_to_json = ReadJsonObject(a.issue_to);
  if (!issue_to_json) return ReportError(issue_to_json.error());
  auto issue_to = pint::PartyFromJson(*issue_to_json);
  if (!issue_to) return ReportError(issue_to.error().WithContext(a.issue_to));
  // The carrier signs with any PINT algorithm; the code is not used.
  auto signer = pint::MakePlatformSigner("CARR", *key_pem, a.alg);
  if (!signer) return ReportError(signer.error());
  auto td_checksum = pint::CanonicalChecksum(*td);
  auto issue_to_checksum = pint::CanonicalChecksum(pint::IssueToFromRecipient(*issue_to));
  if (!td_checksum || !issue_to_checksum)
    return ReportError(Error(ErrorCode::kInvalidArgument, "not UTF-8"));
  auto jws = pint::SignJson(
      *signer, {{"documentChecksum", *td_checksum}, {"issueToChecksum", *issue_to_checksum}});
  if (!jws) return ReportError(jws.error());
  std::printf("%s\n", jws->c_str());
  return kExitOk;
}

}  // namespace

void AddPintCommands(CLI::App& app, bool& json, int& rc) {
  auto* pint_cmd = app.add_subcommand("pint", "DCSA PINT 3.0: move eBLs between platforms")
                       ->require_subcommand(1);

  auto s = std::make_shared<SendArgs>();
  auto* send = pint_cmd->add_subcommand(
      "send", "Send an eBL the server holds to a party on a peer platform");
  send->add_option("--server", s->server,
                   "Base URL of the digitrade server, e.g. http://127.0.0.1:8080")
      ->required();
  send->add_option("--token", s->token, "Admin API token of that server")->required();
  send->add_option("--document", s->document, "Transport document reference or checksum")
      ->required();
  send->add_option("--peer", s->peer, "eblPlatform code of the receiving platform")->required();
  send->add_option("--recipient", s->recipient_file, "JSON file: the DCSA RecipientParty")
      ->required();
  send->add_option("--action", s->action, "Action code (default TRANSFER)");
  send->add_option("--ca-file", s->ca_file, "PEM CA certificates for an https:// server");
  send->callback([s, &json, &rc] { rc = Send(*s, json); });

  auto g = std::make_shared<SignArgs>();
  auto* sign = pint_cmd->add_subcommand(
      "sign-issuance", "Sign a DCSA IssuanceManifest with a carrier key (prints the JWS)");
  sign->add_option("--key", g->key, "Carrier private key (PEM: RSA, P-256, P-384 or P-521)")
      ->required();
  sign->add_option("--document", g->document, "Transport document (JSON file)")->required();
  sign->add_option("--issue-to", g->issue_to,
                   "The issueTo party (JSON file, a DCSA RecipientParty)")
      ->required();
  sign->add_option("--alg", g->alg,
                   "JWS algorithm: RS256/384/512, PS256/384/512, ES256/384/512 (default: by key)");
  sign->callback([g, &rc] { rc = SignIssuance(*g); });
}

}  // namespace digitrade::app
