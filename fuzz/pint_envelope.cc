// Fuzz target: the DCSA PINT receiver's parsing and verification. Bytes are
// an EblEnvelope (POST /v3/envelopes) verified as platform BBBB against fixed
// keys (platform AAAA and carrier HMM share one P-256 key, whose seed
// envelope in corpus/pint_envelope/ verifies), and also fed to the payload
// parsers of the manifest, chain entry and issuance manifest. Nothing may
// crash or leak; a verified envelope must have the shape the checks promise.
#include <cstdint>
#include <string_view>

#include "trade/etr/pint/verify.h"

namespace {

using namespace digitrade;
using namespace digitrade::trade::etr::pint;

// Also in pint_test's DISABLED_WriteFuzzSeeds, which signs the seeds.
constexpr std::string_view kKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgEhWo7yAC5czD6lgN
8bGtR5Syuv3u9XNzH5Vxwjd8J26hRANCAARISBYwV2WRF4/gIqELFzwqzTo1/3bk
bWmjVvpuRjRH99DLkCxIeb/2dWxwjs4G6taoxELIFPkkt9nS8dJ7Wpho
-----END PRIVATE KEY-----
)";

class FixedKeys final : public KeyResolver, public LocalParties {
 public:
  FixedKeys() : key_(crypto::PrivateKey::FromPem(kKeyPem).value().public_key()) {}
  Result<crypto::PublicKey> PlatformKey(std::string_view code) const override {
    if (code == "AAAA") return key_;
    return NotFound("unknown platform");
  }
  Result<crypto::PublicKey> CarrierKey(std::string_view code) const override {
    if (code == "HMM") return key_;
    return NotFound("unknown carrier");
  }
  Result<std::optional<std::string>> FindParty(const IdentifyingCode& c) const override {
    if (c.code_list_provider == "ZZZ" && c.party_code == "CONSIGNEE")
      return std::optional<std::string>("Consignee");
    return std::optional<std::string>();
  }

 private:
  crypto::PublicKey key_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FixedKeys keys;
  static const digitrade::trade::etr::SchemaSet schemas =
      digitrade::trade::etr::SchemaSet::Dcsa(digitrade::trade::etr::kDcsaPint).value();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ReceiverContext us{.platform_code = "BBBB",
                           .keys = &keys,
                           .parties = &keys,
                           .schemas = &schemas,
                           .caller_platform = "AAAA"};
  auto v = VerifyEnvelope(text, us);
  if (v) {
    // What acceptance promises: a chain, checksums for each entry, a
    // recipient here.
    if (v->entries.empty() || v->entries.size() != v->entry_checksums.size() ||
        v->recipient.ebl_platform != "BBBB" || !IsChecksum(v->transport_document_checksum)) {
      __builtin_trap();
    }
    (void)CompareWithKnown(*v, {.entry_checksums = {v->entry_checksums.front()}});
  }
  (void)ParseManifest(text, schemas);
  (void)ParseChainEntry(text, schemas);
  (void)ParseIssuanceManifest(text, schemas);
  return 0;
}
