#include "trade/etr/pint/peers.h"

#include <fmt/format.h>

#include "crypto/certificate.h"

namespace digitrade::trade::etr::pint {

namespace {

int64_t Micros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
      .count();
}

Peer PeerFromRow(const storage::Row& r) {
  return Peer{.code = r.Text("code"),
              .base_url = r.Text("base_url"),
              .public_key_pem = r.Text("public_key_pem"),
              .certificate_pem = r.OptionalText("certificate_pem"),
              .outbound_token = r.OptionalText("outbound_token"),
              .user_id = r.OptionalText("user_id")};
}

constexpr std::string_view kPeerColumns =
    "code, base_url, public_key_pem, certificate_pem, outbound_token, user_id";

Status CheckKeyForPint(const crypto::PublicKey& key) {
  if (key.type() == crypto::KeyType::kEd25519 || key.type() == crypto::KeyType::kSm2) {
    return InvalidArgument(
        "PINT keys are RSA (2048 bits or more) or ECDSA P-256/P-384/P-521 (RS*, PS*, ES*)");
  }
  if (key.type() == crypto::KeyType::kRsa && key.bits() < crypto::kMinRsaBits) {
    return InvalidArgument(fmt::format("RSA keys need at least {} bits", crypto::kMinRsaBits));
  }
  return {};
}

}  // namespace

Status CheckPlatformCode(std::string_view code) {
  if (code.empty() || code.size() > 4)
    return InvalidArgument("an eblPlatform code has 1 to 4 characters");
  for (char c : code) {
    if (c <= ' ' || c == 0x7f)
      return InvalidArgument("an eblPlatform code has no spaces or control characters");
  }
  return {};
}

Result<crypto::PublicKey> KeyFromPem(const std::string& public_key_pem,
                                     const std::optional<std::string>& certificate_pem) {
  if (certificate_pem && !certificate_pem->empty()) {
    DT_ASSIGN_OR_RETURN(auto cert, crypto::Certificate::FromPem(*certificate_pem));
    DT_ASSIGN_OR_RETURN(auto key, cert.public_key());
    DT_TRY(CheckKeyForPint(key));
    return key;
  }
  DT_ASSIGN_OR_RETURN(auto key, crypto::PublicKey::FromPem(public_key_pem));
  DT_TRY(CheckKeyForPint(key));
  return key;
}

Result<Peer> PeerDirectory::PutPeer(const Peer& in) {
  DT_TRY(CheckPlatformCode(in.code));
  if (!in.base_url.starts_with("http://") && !in.base_url.starts_with("https://")) {
    return InvalidArgument("base_url must be an http:// or https:// URL");
  }
  DT_ASSIGN_OR_RETURN(auto key, KeyFromPem(in.public_key_pem, in.certificate_pem));
  Peer p = in;
  p.public_key_pem = key.ToPem();
  DT_TRY(
      db_.Execute("INSERT INTO pint_peers (code, base_url, public_key_pem, certificate_pem, "
                  "outbound_token, user_id, "
                  "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO UPDATE "
                  "SET base_url = $2, "
                  "public_key_pem = $3, certificate_pem = $4, outbound_token = $5, user_id = $6",
                  {p.code, p.base_url, p.public_key_pem, p.certificate_pem, p.outbound_token,
                   p.user_id, Micros(clock_)}));
  return p;
}

Result<Peer> PeerDirectory::GetPeer(const std::string& code) {
  DT_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query(fmt::format("SELECT {} FROM pint_peers WHERE code = $1", kPeerColumns), {code}));
  if (rows.empty()) return NotFound(fmt::format("no peer platform \"{}\"", code));
  return PeerFromRow(rows.rows.front());
}

Result<Peer> PeerDirectory::PeerByUser(const std::string& user_id) {
  DT_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query(fmt::format("SELECT {} FROM pint_peers WHERE user_id = $1", kPeerColumns),
                {user_id}));
  if (rows.empty()) return PermissionDenied("the caller is not a registered PINT peer platform");
  return PeerFromRow(rows.rows.front());
}

Result<std::vector<Peer>> PeerDirectory::ListPeers() {
  DT_ASSIGN_OR_RETURN(
      auto rows, db_.Query(fmt::format("SELECT {} FROM pint_peers ORDER BY code", kPeerColumns)));
  std::vector<Peer> out;
  for (const auto& r : rows.rows) out.push_back(PeerFromRow(r));
  return out;
}

Status PeerDirectory::DeletePeer(const std::string& code) {
  DT_ASSIGN_OR_RETURN(auto n, db_.Execute("DELETE FROM pint_peers WHERE code = $1", {code}));
  if (n == 0) return NotFound(fmt::format("no peer platform \"{}\"", code));
  return {};
}

Result<Carrier> PeerDirectory::PutCarrier(const Carrier& in) {
  if (in.code.empty() || in.code.size() > 4)
    return InvalidArgument("a carrierCode has 1 to 4 characters");
  if (in.callback_url && !in.callback_url->starts_with("http://") &&
      !in.callback_url->starts_with("https://")) {
    return InvalidArgument("callback_url must be an http:// or https:// URL");
  }
  DT_ASSIGN_OR_RETURN(auto key, KeyFromPem(in.public_key_pem, in.certificate_pem));
  Carrier c = in;
  c.public_key_pem = key.ToPem();
  DT_TRY(db_.Execute(
      "INSERT INTO pint_carriers (code, public_key_pem, certificate_pem, created_at, "
      "organisation_id, callback_url, callback_token) VALUES ($1, $2, $3, $4, $5, $6, $7) "
      "ON CONFLICT (code) DO UPDATE SET public_key_pem = $2, certificate_pem = $3, "
      "organisation_id = $5, callback_url = $6, callback_token = $7",
      {c.code, c.public_key_pem, c.certificate_pem, Micros(clock_), c.organisation_id,
       c.callback_url, c.callback_token}));
  return c;
}

namespace {
constexpr std::string_view kCarrierColumns =
    "code, public_key_pem, certificate_pem, organisation_id, callback_url, callback_token";

Carrier CarrierFromRow(const storage::Row& r) {
  return {.code = r.Text(0),
          .public_key_pem = r.Text(1),
          .certificate_pem = r.OptionalText(2),
          .organisation_id = r.OptionalText(3),
          .callback_url = r.OptionalText(4),
          .callback_token = r.OptionalText(5)};
}
}  // namespace

Result<std::vector<Carrier>> PeerDirectory::ListCarriers() {
  DT_ASSIGN_OR_RETURN(auto rows, db_.Query(fmt::format("SELECT {} FROM pint_carriers ORDER BY code",
                                                       kCarrierColumns)));
  std::vector<Carrier> out;
  for (const auto& r : rows.rows) out.push_back(CarrierFromRow(r));
  return out;
}

Result<Carrier> PeerDirectory::GetCarrier(const std::string& code) {
  DT_ASSIGN_OR_RETURN(auto rows,
                      db_.Query(fmt::format("SELECT {} FROM pint_carriers WHERE code = $1",
                                            kCarrierColumns),
                                {code}));
  if (rows.empty()) return NotFound(fmt::format("carrier \"{}\" is not registered here", code));
  return CarrierFromRow(rows.rows.front());
}

Result<LocalParty> PeerDirectory::PutParty(const LocalParty& in) {
  if (in.code.code_list_provider.empty() || in.code.code_list_provider.size() > 100 ||
      in.code.party_code.empty() || in.code.party_code.size() > 150) {
    return InvalidArgument("a party needs codeListProvider (1..100) and partyCode (1..150)");
  }
  if (in.party_name.empty() || in.party_name.size() > 70)
    return InvalidArgument("partyName has 1 to 70 characters");
  DT_TRY(
      db_.Execute("INSERT INTO pint_parties (code_list_provider, party_code, party_name, "
                  "created_at) VALUES ($1, $2, $3, $4) "
                  "ON CONFLICT (code_list_provider, party_code) DO UPDATE SET party_name = $3",
                  {in.code.code_list_provider, in.code.party_code, in.party_name, Micros(clock_)}));
  return in;
}

Result<std::vector<LocalParty>> PeerDirectory::ListParties() {
  DT_ASSIGN_OR_RETURN(
      auto rows, db_.Query("SELECT code_list_provider, party_code, party_name FROM pint_parties "
                           "ORDER BY code_list_provider, party_code"));
  std::vector<LocalParty> out;
  for (const auto& r : rows.rows) {
    out.push_back({.code = {.code_list_provider = r.Text(0), .party_code = r.Text(1)},
                   .party_name = r.Text(2)});
  }
  return out;
}

Result<crypto::PublicKey> PeerDirectory::PlatformKey(std::string_view code) const {
  if (code == self_code_ && self_key_) return *self_key_;
  DT_ASSIGN_OR_RETURN(
      auto rows, db_.Query("SELECT public_key_pem, certificate_pem FROM pint_peers WHERE code = $1",
                           {std::string(code)}));
  if (rows.empty()) return NotFound(fmt::format("platform \"{}\" is not a registered peer", code));
  return KeyFromPem(rows.rows.front().Text(0), rows.rows.front().OptionalText(1));
}

Result<crypto::PublicKey> PeerDirectory::CarrierKey(std::string_view code) const {
  DT_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query("SELECT public_key_pem, certificate_pem FROM pint_carriers WHERE code = $1",
                {std::string(code)}));
  if (rows.empty())
    return NotFound(fmt::format("carrier \"{}\" has no registered issuance key", code));
  return KeyFromPem(rows.rows.front().Text(0), rows.rows.front().OptionalText(1));
}

Result<std::optional<std::string>> PeerDirectory::FindParty(const IdentifyingCode& code) const {
  if (etr_parties_ && code.code_list_provider == self_code_) {
    DT_ASSIGN_OR_RETURN(auto name, etr_parties_(code.party_code));
    if (name) return name;
  }
  DT_ASSIGN_OR_RETURN(
      auto rows, db_.Query("SELECT party_name FROM pint_parties WHERE code_list_provider = $1 AND "
                           "party_code = $2",
                           {code.code_list_provider, code.party_code}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows.rows.front().Text(0));
}

}  // namespace digitrade::trade::etr::pint
