// PeerDirectory: the other eBL platforms we exchange with (code, base URL,
// public key or certificate, the token we present to them, the user their
// token authenticates as here), the carriers whose issuance manifests we
// accept (carrierCode -> key), and the parties on our platform that may
// receive eBLs (DCSA IdentifyingCode -> name). All in the database, managed
// by admins through the API and the CLI (docs/pint.md says why these keys
// live here and not in the trust lists).
//
// It implements the verifier's KeyResolver (our own key included) and
// LocalParties.
//
// Thread-safety: safe from many threads; `self_key` is immutable.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/keys.h"
#include "storage/database.h"
#include "trade/etr/pint/verify.h"

namespace digitrade::trade::etr::pint {

struct Peer {
  std::string code;      // eblPlatform code, 1..4 non-space characters
  std::string base_url;  // where its /v3 endpoints are
  std::string public_key_pem;
  std::optional<std::string> certificate_pem;
  std::optional<std::string> outbound_token;  // bearer token we send to it
  std::optional<std::string> user_id;         // its token authenticates as this user here
};

struct Carrier {
  std::string code;  // transportDocument.carrierCode
  std::string public_key_pem;
  std::optional<std::string> certificate_pem;
  // DCSA eBL Issuance API (issuance.h): the organisation whose users (role
  // carrier) may request issuance for this carrier code, and where the
  // carrier's system takes our IssuanceResponse (base URL of its
  // /v3/ebl-issuance-responses, and the bearer token we present there).
  std::optional<std::string> organisation_id;
  std::optional<std::string> callback_url;
  std::optional<std::string> callback_token;
};

struct LocalParty {
  IdentifyingCode code;
  std::string party_name;
};

// A public key from a PEM public key or certificate (the certificate's key
// wins when both are given). Errors: invalid_argument.
Result<crypto::PublicKey> KeyFromPem(const std::string& public_key_pem,
                                     const std::optional<std::string>& certificate_pem);

class PeerDirectory final : public KeyResolver, public LocalParties {
 public:
  // `self_code`/`self_key`: our platform, so chains that passed through us
  // verify (our own entries are in them).
  PeerDirectory(storage::Database& db, const Clock& clock, std::string self_code,
                std::optional<crypto::PublicKey> self_key)
      : db_(db), clock_(clock), self_code_(std::move(self_code)), self_key_(std::move(self_key)) {}

  // Adds or replaces a peer. Errors: invalid_argument (code, URL, key).
  Result<Peer> PutPeer(const Peer& peer);
  // Errors: not_found.
  Result<Peer> GetPeer(const std::string& code);
  Result<Peer> PeerByUser(const std::string& user_id);
  Result<std::vector<Peer>> ListPeers();
  Status DeletePeer(const std::string& code);

  // Adds or replaces a carrier. Errors: invalid_argument (code, key, URL).
  Result<Carrier> PutCarrier(const Carrier& carrier);
  Result<std::vector<Carrier>> ListCarriers();
  // Errors: not_found.
  Result<Carrier> GetCarrier(const std::string& code);

  Result<LocalParty> PutParty(const LocalParty& party);
  Result<std::vector<LocalParty>> ListParties();

  // KeyResolver
  Result<crypto::PublicKey> PlatformKey(std::string_view code) const override;
  Result<crypto::PublicKey> CarrierKey(std::string_view carrier_code) const override;
  // LocalParties
  Result<std::optional<std::string>> FindParty(const IdentifyingCode& code) const override;

  const std::string& self_code() const { return self_code_; }

  // Parties of the etr engine count as local too: {codeListProvider: our
  // code, partyCode: organisation id} names an etr party. Set once, before
  // the directory is shared (PintService::Create).
  using EtrPartyLookup =
      std::function<Result<std::optional<std::string>>(const std::string& organisation_id)>;
  void SetEtrParties(EtrPartyLookup lookup) { etr_parties_ = std::move(lookup); }

 private:
  EtrPartyLookup etr_parties_;
  storage::Database& db_;
  const Clock& clock_;
  std::string self_code_;
  std::optional<crypto::PublicKey> self_key_;
};

// Checks an eblPlatform code: 1..4 characters, none a space. Errors:
// invalid_argument.
Status CheckPlatformCode(std::string_view code);

}  // namespace digitrade::trade::etr::pint
