#include "trade/etr/pint/signer.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/json.h"
#include "crypto/jws.h"
#include "trade/etr/pint/peers.h"
#include "trade/etr/pint/verify.h"

namespace digitrade::trade::etr::pint {

Result<PlatformSigner> MakePlatformSigner(std::string platform_code,
                                          std::string_view private_key_pem, std::string_view alg) {
  DT_TRY(CheckPlatformCode(platform_code));
  DT_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::FromPem(private_key_pem));
  crypto::SignatureAlgorithm a = crypto::DefaultAlgorithm(key.type());
  if (!alg.empty()) {
    DT_ASSIGN_OR_RETURN(a, crypto::ParseJwsAlgorithm(alg));
  }
  const auto& allowed = PintAlgorithms();
  if (std::find(allowed.begin(), allowed.end(), a) == allowed.end()) {
    return InvalidArgument(
        fmt::format("{} is not a PINT algorithm (RS256/384/512, PS256/384/512, ES256/384/512)",
                    crypto::JwsAlgorithmName(a)));
  }
  if (crypto::KeyTypeFor(a) != key.type()) {
    return InvalidArgument(fmt::format("{} does not fit a {} key", crypto::JwsAlgorithmName(a),
                                       crypto::KeyTypeName(key.type())));
  }
  return PlatformSigner{.platform_code = std::move(platform_code), .key = std::move(key), .alg = a};
}

Result<std::string> SignJson(const crypto::PrivateKey& key, crypto::SignatureAlgorithm alg,
                             const boost::json::object& payload) {
  const std::string text = json::Serialize(payload);
  crypto::JwsSigner signer{.key = &key, .alg = alg};
  signer.protected_header["kid"] = key.public_key().Thumbprint();
  return crypto::SignJwsCompact({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()},
                                signer);
}

}  // namespace digitrade::trade::etr::pint
