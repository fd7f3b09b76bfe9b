#include "signing/key_vault.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

#include "common/json.h"
#include "crypto/aead.h"
#include "crypto/base64.h"
#include "crypto/cms.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "crypto/rfc3339.h"
#include "crypto/xmldsig.h"

namespace digitrade::signing {

namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Result<SigningKeyInfo> InfoFromRow(const storage::Row& row) {
  SigningKeyInfo info;
  info.id = row.Text("id");
  info.organisation_id = row.Text("organisation_id");
  DT_ASSIGN_OR_RETURN(info.type, crypto::ParseKeyType(row.Text("key_type")));
  DT_ASSIGN_OR_RETURN(auto pub, crypto::PublicKey::FromPem(row.Text("public_key_pem")));
  info.public_jwk = pub.ToJwk();
  info.thumbprint = pub.Thumbprint();
  info.certificate_pem = row.OptionalText("certificate_pem");
  info.created_at = row.Int("created_at");
  return info;
}

Result<std::string> SignJws(const crypto::PrivateKey& key, const SigningKeyInfo& info,
                            const std::vector<crypto::Certificate>& certs,
                            std::span<const std::uint8_t> content, bool detached,
                            std::int64_t now) {
  crypto::JwsSigner signer{.key = &key, .alg = crypto::DefaultAlgorithm(key.type())};
  if (certs.empty()) {
    signer.protected_header["kid"] = info.thumbprint;
  } else {
    boost::json::array x5c;
    for (const auto& c : certs) x5c.push_back(boost::json::value(crypto::Base64Encode(c.ToDer())));
    signer.protected_header["x5c"] = std::move(x5c);
  }
  signer.protected_header["sigT"] = crypto::FormatRfc3339(now);
  return crypto::SignJwsCompact(content, signer, {.detached = detached});
}

}  // namespace

Result<SignatureFormat> ParseSignatureFormat(std::string_view name) {
  if (name == "jws") return SignatureFormat::kJws;
  if (name == "cms") return SignatureFormat::kCms;
  if (name == "xml") return SignatureFormat::kXml;
  return InvalidArgument(fmt::format("unknown signature format \"{}\" (jws, cms or xml)", name));
}

Result<std::unique_ptr<KeyVault>> KeyVault::Create(storage::Database& db, const Clock& clock,
                                                   crypto::Random& random,
                                                   std::vector<std::uint8_t> kek) {
  if (kek.size() != crypto::kSealingKeyBytes) {
    return InvalidArgument("the key encryption key must be 32 bytes");
  }
  return std::unique_ptr<KeyVault>(new KeyVault(db, clock, random, std::move(kek)));
}

std::vector<storage::Migration> KeyVault::Migrations() {
  return {{.module = "signing", .version = 1, .sql = R"(
CREATE TABLE signing_keys (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL,
  key_type TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  sealed_private_key TEXT NOT NULL,
  certificate_pem TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX signing_keys_by_organisation ON signing_keys (organisation_id, id);)"}};
}

std::int64_t KeyVault::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
}

Result<SigningKeyInfo> KeyVault::CreateKey(const std::string& organisation_id,
                                           crypto::KeyType type) {
  if (organisation_id.empty()) return InvalidArgument("a signing key needs an organisation");
  DT_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::Generate(type));
  DT_ASSIGN_OR_RETURN(auto id_bytes, random_.Bytes(10));
  const std::string id = "sk_" + crypto::ToHex(id_bytes);
  auto der = key.ToDer();
  auto sealed = crypto::Seal(kek_, der, Bytes(id), random_);
  std::fill(der.begin(), der.end(), 0);  // best effort: the DER copy is not needed any more
  if (!sealed) return std::unexpected(sealed.error());
  DT_TRY(db_.Execute(
      "INSERT INTO signing_keys (id, organisation_id, key_type, public_key_pem, "
      "sealed_private_key, certificate_pem, created_at) VALUES ($1, $2, $3, $4, $5, NULL, $6)",
      {id, organisation_id, std::string(crypto::KeyTypeName(type)), key.public_key().ToPem(),
       crypto::Base64Encode(*sealed), Now()}));
  return GetKey(id);
}

Result<SigningKeyInfo> KeyVault::GetKey(const std::string& key_id) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT * FROM signing_keys WHERE id = $1", {key_id}));
  if (rs.empty()) return NotFound(fmt::format("no signing key {}", key_id));
  return InfoFromRow(rs.rows[0]);
}

Result<std::vector<SigningKeyInfo>> KeyVault::ListKeys(const std::string& organisation_id) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT * FROM signing_keys WHERE organisation_id = $1 "
                                         "ORDER BY id",
                                         {organisation_id}));
  std::vector<SigningKeyInfo> out;
  for (const auto& row : rs.rows) {
    DT_ASSIGN_OR_RETURN(auto info, InfoFromRow(row));
    out.push_back(std::move(info));
  }
  return out;
}

Result<SigningKeyInfo> KeyVault::SetCertificate(const std::string& key_id, std::string_view pem) {
  DT_ASSIGN_OR_RETURN(auto info, GetKey(key_id));
  DT_ASSIGN_OR_RETURN(auto certs, crypto::Certificate::ChainFromPem(pem));
  DT_ASSIGN_OR_RETURN(auto cert_key, certs.front().public_key());
  DT_ASSIGN_OR_RETURN(auto jwk_key, crypto::PublicKey::FromJwk(info.public_jwk));
  if (!(cert_key == jwk_key)) {
    return InvalidArgument("the certificate is not for this signing key");
  }
  std::string bundle;
  for (const auto& c : certs) bundle += c.ToPem();
  DT_TRY(
      db_.Execute("UPDATE signing_keys SET certificate_pem = $1 WHERE id = $2", {bundle, key_id}));
  return GetKey(key_id);
}

Result<crypto::PrivateKey> KeyVault::OpenKey(const std::string& key_id,
                                             const std::string& sealed_b64) {
  auto sealed = crypto::Base64Decode(sealed_b64);
  if (!sealed) return DataLoss("stored signing key is not base64");
  auto der = crypto::Open(kek_, *sealed, Bytes(key_id));
  if (!der) {
    return DataLoss("stored signing key does not open with this key encryption key");
  }
  auto key = crypto::PrivateKey::FromDer(*der);
  std::fill(der->begin(), der->end(), 0);
  if (!key) return DataLoss("stored signing key is corrupt");
  return key;
}

Result<std::vector<std::uint8_t>> KeyVault::Sign(const std::string& key_id, SignatureFormat format,
                                                 std::span<const std::uint8_t> content,
                                                 bool detached) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT * FROM signing_keys WHERE id = $1", {key_id}));
  if (rs.empty()) return NotFound(fmt::format("no signing key {}", key_id));
  DT_ASSIGN_OR_RETURN(auto info, InfoFromRow(rs.rows[0]));
  DT_ASSIGN_OR_RETURN(auto key, OpenKey(key_id, rs.rows[0].Text("sealed_private_key")));
  std::vector<crypto::Certificate> certs;
  if (info.certificate_pem) {
    DT_ASSIGN_OR_RETURN(certs, crypto::Certificate::ChainFromPem(*info.certificate_pem));
  }
  if (format == SignatureFormat::kJws) {
    DT_ASSIGN_OR_RETURN(auto jws, SignJws(key, info, certs, content, detached, Now()));
    return std::vector<std::uint8_t>(jws.begin(), jws.end());
  }
  if (certs.empty()) {
    return FailedPrecondition("CMS and XML signatures need a certificate for the key");
  }
  const std::vector<crypto::Certificate> chain(certs.begin() + 1, certs.end());
  if (format == SignatureFormat::kCms) {
    return crypto::SignCmsDetached(content, key, certs.front(),
                                   {.chain = chain, .signing_time = Now()});
  }
  DT_ASSIGN_OR_RETURN(
      auto xml, crypto::SignXmlEnveloped(
                    std::string_view(reinterpret_cast<const char*>(content.data()), content.size()),
                    key, certs.front(), chain));
  return std::vector<std::uint8_t>(xml.begin(), xml.end());
}

}  // namespace digitrade::signing
