// JWS interoperability with independent implementations, both directions:
// Node's `jose` package (every JOSE algorithm it has) and the `sm-crypto`
// package (SM2 with SM3). The peers are tests/interop/*.mjs; install them
// with scripts/install-deps.sh (npm ci in tests/interop/).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/json.h"
#include "crypto/base64.h"
#include "crypto/ecdsa_encoding.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "crypto/test_util.h"

namespace digitrade::crypto {
namespace {

using testing::AsBytes;

const std::string kPayload = "{\"consignment\":\"UCR-2026-000042\",\"weight\":\"1200.5kg\"}";

struct Form {
  const char* name;  // jose_peer.mjs "form"
  JwsOptions options;
  bool compact;
};

const Form kForms[] = {
    {"compact", {}, true},
    {"compact", {.detached = true}, true},
    {"flattened", {}, false},
    {"general", {.flattened = false}, false},
    {"flattened", {.detached = true, .b64 = false}, false},
};

boost::json::array RunJose(const boost::json::array& requests) {
  auto r = testing::RunNodePeer("jose_peer.mjs", json::Serialize(requests));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto v = json::Parse(r.output, {.max_bytes = 64 << 20});
  if (!v || !v->is_array()) {
    ADD_FAILURE() << "jose peer answered: " << r.output;
    return {};
  }
  return v->as_array();
}

std::vector<SignatureAlgorithm> JoseAlgorithms() {
  std::vector<SignatureAlgorithm> algs;
  for (auto alg : testing::kAllAlgorithms) {
    if (alg != SignatureAlgorithm::kSm2Sm3) algs.push_back(alg);
  }
  return algs;
}

TEST(JwsInterop, JoseVerifiesOurs) {
  boost::json::array requests;
  std::vector<std::string> labels;
  for (auto alg : JoseAlgorithms()) {
    const auto& key = testing::TestKeyFor(alg);
    for (const auto& form : kForms) {
      const JwsSigner signer{.key = &key, .alg = alg};
      auto jws = form.compact ? SignJwsCompact(AsBytes(kPayload), signer, form.options)
                              : SignJwsJson(AsBytes(kPayload), std::span(&signer, 1), form.options);
      ASSERT_TRUE(jws) << jws.error().ToString();
      boost::json::object req{{"op", "verify"}, {"jwk", key.public_key().ToJwk()}, {"jws", *jws}};
      if (form.options.detached) req["payload"] = Base64UrlEncode(kPayload);
      requests.push_back(req);
      labels.push_back(fmt::format("{} {} detached={} b64={}", JwsAlgorithmName(alg), form.name,
                                   form.options.detached, form.options.b64));
      // The same JWS with its signature's last byte changed must fail there too.
      if (form.compact && !form.options.detached) {
        auto sig = Base64UrlDecode(jws->substr(jws->rfind('.') + 1)).value();
        sig.back() ^= 0x01;
        req["jws"] = jws->substr(0, jws->rfind('.') + 1) + Base64UrlEncode(sig);
        req["expect_failure"] = true;
        requests.push_back(req);
        labels.push_back(std::string(JwsAlgorithmName(alg)) + " tampered");
      }
    }
  }
  const auto answers = RunJose(requests);
  ASSERT_EQ(answers.size(), requests.size());
  for (std::size_t i = 0; i < answers.size(); ++i) {
    SCOPED_TRACE(labels[i]);
    const auto& a = answers[i].as_object();
    if (requests[i].as_object().contains("expect_failure")) {
      EXPECT_TRUE(a.contains("error")) << json::Serialize(a);
      continue;
    }
    ASSERT_FALSE(a.contains("error")) << json::Serialize(a);
    EXPECT_EQ(a.at("payload").as_string(), Base64UrlEncode(kPayload));
  }
}

TEST(JwsInterop, WeVerifyJoses) {
  boost::json::array requests;
  std::vector<std::pair<SignatureAlgorithm, const Form*>> cases;
  for (auto alg : JoseAlgorithms()) {
    const auto& key = testing::TestKeyFor(alg);
    for (const auto& form : kForms) {
      requests.push_back(boost::json::object{{"op", "sign"},
                                             {"jwk", key.ToJwk()},
                                             {"alg", JwsAlgorithmName(alg)},
                                             {"payload", Base64UrlEncode(kPayload)},
                                             {"form", form.name},
                                             {"detached", form.options.detached},
                                             {"b64", form.options.b64}});
      cases.emplace_back(alg, &form);
    }
  }
  const auto answers = RunJose(requests);
  ASSERT_EQ(answers.size(), requests.size());
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const auto [alg, form] = cases[i];
    SCOPED_TRACE(fmt::format("{} {} detached={}", JwsAlgorithmName(alg), form->name,
                             form->options.detached));
    const auto& a = answers[i].as_object();
    ASSERT_TRUE(a.contains("jws")) << json::Serialize(a);
    const std::string jws(a.at("jws").as_string());
    JwsVerifyOptions opts{.allowed = {alg}};
    if (form->options.detached) opts.detached_payload = AsBytes(kPayload);
    auto v = VerifyJws(jws, testing::TestKeyFor(alg).public_key(), opts);
    ASSERT_TRUE(v) << v.error().ToString() << "\n" << jws;
    EXPECT_EQ(testing::AsString(v->payload), kPayload);
    // Their signature over other content must not verify here.
    if (form->options.detached) {
      const std::string other = kPayload + "x";
      opts.detached_payload = AsBytes(other);
      auto bad = VerifyJws(jws, testing::TestKeyFor(alg).public_key(), opts);
      ASSERT_FALSE(bad);
      EXPECT_EQ(bad.error().code(), ErrorCode::kUnauthenticated);
    }
  }
}

// ---- SM2 with sm-crypto ----

boost::json::object Sm2Coordinates(const PrivateKey& key) {
  const auto jwk = key.ToJwk();
  auto hex = [&](const char* m) {
    return ToHex(Base64UrlDecode(std::string(jwk.at(m).as_string())).value());
  };
  return {{"d", hex("d")}, {"x", hex("x")}, {"y", hex("y")}};
}

boost::json::object RunSm2(boost::json::object req, int want_exit = 0) {
  auto r = testing::RunNodePeer("sm2_peer.mjs", json::Serialize(req));
  EXPECT_EQ(r.exit_code, want_exit) << r.output;
  auto v = json::ParseObject(r.output);
  if (!v) {
    ADD_FAILURE() << "sm2 peer answered: " << r.output;
    return {};
  }
  return *v;
}

TEST(Sm2Interop, SmCryptoVerifiesOurSignatures) {
  const auto& key = testing::TestKey(KeyType::kSm2);
  for (const std::string& msg : {std::string(), std::string("abc"), kPayload}) {
    auto der = key.Sign(SignatureAlgorithm::kSm2Sm3, msg).value();
    auto req = Sm2Coordinates(key);
    req["op"] = "verify";
    req["message"] = Base64UrlEncode(msg);
    req["signature"] = ToHex(der);
    req["der"] = true;
    RunSm2(req);
    req["signature"] = ToHex(EcdsaDerToRaw(der, 32).value());
    req["der"] = false;
    RunSm2(req);
    req["message"] = Base64UrlEncode(msg + "!");
    RunSm2(req, 1);
  }
}

TEST(Sm2Interop, WeVerifySmCryptoSignatures) {
  const auto& key = testing::TestKey(KeyType::kSm2);
  const auto pub = key.public_key();
  for (const std::string& msg : {std::string(), std::string("abc"), kPayload}) {
    auto req = Sm2Coordinates(key);
    req["op"] = "sign";
    req["message"] = Base64UrlEncode(msg);
    req["der"] = true;
    auto der = FromHex(std::string(RunSm2(req).at("signature").as_string())).value();
    EXPECT_TRUE(pub.Verify(SignatureAlgorithm::kSm2Sm3, AsBytes(msg), der));
    req["der"] = false;
    auto raw = FromHex(std::string(RunSm2(req).at("signature").as_string())).value();
    ASSERT_EQ(raw.size(), 64u);
    auto as_der = EcdsaRawToDer(raw, 32).value();
    EXPECT_TRUE(pub.Verify(SignatureAlgorithm::kSm2Sm3, AsBytes(msg), as_der));
    auto wrong = pub.Verify(SignatureAlgorithm::kSm2Sm3, AsBytes(msg + "!"), as_der);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
    // Another user ID gives another Z: sm-crypto's default-ID signature
    // must not verify under a different ID.
    EXPECT_FALSE(
        pub.Verify(SignatureAlgorithm::kSm2Sm3, AsBytes(msg), as_der, "ALICE123@YAHOO.COM"));
  }
}

TEST(Sm2Interop, JwsBothDirections) {
  const auto& key = testing::TestKey(KeyType::kSm2);
  const JwsSigner signer{.key = &key, .alg = SignatureAlgorithm::kSm2Sm3};
  auto ours = SignJwsCompact(AsBytes(kPayload), signer).value();
  auto req = Sm2Coordinates(key);
  req["op"] = "verify-jws";
  req["jws"] = ours;
  EXPECT_EQ(RunSm2(req).at("payload").as_string(), Base64UrlEncode(kPayload));
  req["jws"] = ours.substr(0, ours.find('.') + 1) + Base64UrlEncode(kPayload + " ") +
               ours.substr(ours.rfind('.'));
  RunSm2(req, 1);

  req["op"] = "sign-jws";
  req["payload"] = Base64UrlEncode(kPayload);
  const std::string theirs(RunSm2(req).at("jws").as_string());
  auto v = VerifyJws(theirs, key.public_key(), {.allowed = {SignatureAlgorithm::kSm2Sm3}});
  ASSERT_TRUE(v) << v.error().ToString() << "\n" << theirs;
  EXPECT_EQ(testing::AsString(v->payload), kPayload);
}

}  // namespace
}  // namespace digitrade::crypto
