#include "app/crypto_cli.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/exit_codes.h"
#include "app/files.h"
#include "common/clock.h"
#include "crypto/base64.h"
#include "crypto/ca.h"
#include "crypto/cms.h"
#include "crypto/jws.h"
#include "crypto/rfc3339.h"
#include "crypto/signature_validator.h"
#include "crypto/trust_list.h"
#include "crypto/xmldsig.h"

namespace digitrade::app {

namespace {

using namespace crypto;  // NOLINT(google-build-using-namespace): a CLI of the facade

UnixTime Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(SystemClock().Now().time_since_epoch())
      .count();
}

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void PrintJson(const boost::json::value& v) {
  std::cout << boost::json::serialize(v) << "\n";
}

// Runs `fn` (returning Result<int>) and turns an error into its exit code.
template <typename Fn>
int Run(Fn&& fn) {
  auto r = fn();
  if (!r) return ReportError(r.error());
  return *r;
}

// ---- keygen ----

void AddKeygen(CLI::App& app, bool& json, int& rc) {
  struct Args {
    std::string type = "ec-p256";
    int bits = 3072;
    std::string out;
    std::string public_out;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("keygen", "Generate a signing key (PKCS#8 PEM, mode 0600)");
  cmd->add_option("--type", a->type, "ed25519, ec-p256, ec-p384, ec-p521, rsa or sm2")
      ->capture_default_str();
  cmd->add_option("--bits", a->bits, "RSA modulus size (2048..8192)")->capture_default_str();
  cmd->add_option("--out", a->out, "Private key file")->required();
  cmd->add_option("--public-out", a->public_out, "Also write the public key (SPKI PEM)");
  cmd->callback([a, &json, &rc] {
    rc = Run([&]() -> Result<int> {
      DT_ASSIGN_OR_RETURN(auto type, ParseKeyType(a->type));
      DT_ASSIGN_OR_RETURN(auto key, PrivateKey::Generate(type, a->bits));
      DT_TRY(WriteFileText(a->out, key.ToPem(), true));
      const auto pub = key.public_key();
      if (!a->public_out.empty()) DT_TRY(WriteFileText(a->public_out, pub.ToPem()));
      if (json) {
        PrintJson(boost::json::object{
            {"type", KeyTypeName(type)}, {"jwk", pub.ToJwk()}, {"thumbprint", pub.Thumbprint()}});
      } else {
        std::printf("%s key written to %s (thumbprint %s)\n",
                    std::string(KeyTypeName(type)).c_str(), a->out.c_str(),
                    pub.Thumbprint().c_str());
      }
      return kExitOk;
    });
  });
}

// ---- sign ----

struct SignArgs {
  std::string key;
  std::string cert;
  std::string chain;
  std::string in;
  std::string out = "-";
  std::string format = "jws";
  std::string alg;
  bool detached = false;
};

Result<std::string> SignJws(const SignArgs& a, const PrivateKey& key, const std::string& content,
                            const std::vector<Certificate>& certs) {
  JwsSigner signer{.key = &key, .alg = DefaultAlgorithm(key.type())};
  if (!a.alg.empty()) {
    DT_ASSIGN_OR_RETURN(signer.alg, ParseJwsAlgorithm(a.alg));
  }
  if (!certs.empty()) {
    boost::json::array x5c;
    for (const auto& c : certs) x5c.push_back(boost::json::value(Base64Encode(c.ToDer())));
    signer.protected_header["x5c"] = std::move(x5c);
  } else {
    signer.protected_header["kid"] = key.public_key().Thumbprint();
  }
  signer.protected_header["sigT"] = FormatRfc3339(Now());
  DT_ASSIGN_OR_RETURN(auto jws, SignJwsCompact(Bytes(content), signer, {.detached = a.detached}));
  return jws + "\n";
}

Result<int> DoSign(const SignArgs& a) {
  DT_ASSIGN_OR_RETURN(auto key_pem, ReadFileText(a.key));
  DT_ASSIGN_OR_RETURN(auto key, PrivateKey::FromPem(key_pem));
  DT_ASSIGN_OR_RETURN(auto content, ReadFileText(a.in));
  std::vector<Certificate> certs;
  if (!a.cert.empty()) {
    DT_ASSIGN_OR_RETURN(auto pem, ReadFileText(a.cert));
    DT_ASSIGN_OR_RETURN(certs, Certificate::ChainFromPem(pem));
  }
  if (!a.chain.empty()) {
    DT_ASSIGN_OR_RETURN(auto pem, ReadFileText(a.chain));
    DT_ASSIGN_OR_RETURN(auto more, Certificate::ChainFromPem(pem));
    certs.insert(certs.end(), more.begin(), more.end());
  }
  std::string out;
  if (a.format == "jws") {
    DT_ASSIGN_OR_RETURN(out, SignJws(a, key, content, certs));
  } else if (a.format == "cms" || a.format == "xml") {
    if (certs.empty()) return InvalidArgument(fmt::format("--format {} needs --cert", a.format));
    const std::vector<Certificate> chain(certs.begin() + 1, certs.end());
    if (a.format == "cms") {
      DT_ASSIGN_OR_RETURN(auto der, SignCmsDetached(Bytes(content), key, certs.front(),
                                                    {.chain = chain, .signing_time = Now()}));
      out.assign(der.begin(), der.end());
    } else {
      DT_ASSIGN_OR_RETURN(out, SignXmlEnveloped(content, key, certs.front(), chain));
    }
  } else {
    return InvalidArgument(fmt::format("unknown --format {} (jws, cms or xml)", a.format));
  }
  DT_TRY(WriteFileText(a.out, out));
  return kExitOk;
}

void AddSign(CLI::App& app, int& rc) {
  auto a = std::make_shared<SignArgs>();
  auto* cmd = app.add_subcommand("sign", "Sign a file as JWS, CAdES (CMS) or enveloped XMLDSig");
  cmd->add_option("--key", a->key, "Private key (PEM)")->required();
  cmd->add_option("--in", a->in, "File to sign")->required();
  cmd->add_option("--format", a->format, "jws, cms (detached CAdES-BES) or xml (enveloped)")
      ->capture_default_str();
  cmd->add_option("--cert", a->cert, "Signer certificate (PEM; may hold the chain after it)");
  cmd->add_option("--chain", a->chain, "Intermediate certificates (PEM)");
  cmd->add_option("--alg", a->alg, "JWS algorithm (default: by key type; SM2 keys use \"SM2\")");
  cmd->add_flag("--detached", a->detached, "JWS: leave the payload out");
  cmd->add_option("--out", a->out, "Output file (default: stdout)");
  cmd->callback([a, &rc] { rc = Run([&] { return DoSign(*a); }); });
}

// ---- verify ----

struct VerifyArgs {
  std::string in;
  std::string content;
  std::vector<std::string> trust;  // [NAME:JURISDICTION:]FILE
  std::vector<std::string> crls;
  std::int64_t at = 0;
};

Result<TrustList> ReadTrustArg(const std::string& arg) {
  std::string name, jurisdiction, path = arg;
  if (const auto c1 = arg.find(':'); c1 != std::string::npos) {
    const auto c2 = arg.find(':', c1 + 1);
    if (c2 == std::string::npos)
      return InvalidArgument("--trust is NAME:JURISDICTION:FILE or an ETSI XML FILE");
    name = arg.substr(0, c1);
    jurisdiction = arg.substr(c1 + 1, c2 - c1 - 1);
    path = arg.substr(c2 + 1);
  }
  DT_ASSIGN_OR_RETURN(auto content, ReadFileText(path));
  return LoadTrustList(content, name, jurisdiction);
}

void PrintReport(const ValidationReport& r) {
  std::printf("%s%s%s\n", std::string(IndicationName(r.indication)).c_str(),
              r.sub_indication == SubIndication::kNone ? "" : " / ",
              std::string(SubIndicationName(r.sub_indication)).c_str());
  std::printf("  format:     %s\n", r.format.c_str());
  if (!r.algorithm.empty()) std::printf("  algorithm:  %s\n", r.algorithm.c_str());
  if (!r.signer.empty()) std::printf("  signer:     %s\n", r.signer.c_str());
  if (r.signing_time) {
    std::printf("  signed at:  %s (%s)\n", FormatRfc3339(*r.signing_time).c_str(),
                r.signing_time_source.c_str());
  }
  if (r.trust_anchor) {
    std::printf("  anchor:     %s\n  trust list: %s (%s)\n", r.trust_anchor->subject.c_str(),
                r.trust_anchor->trust_list.c_str(), r.trust_anchor->jurisdiction.c_str());
  }
  for (const auto& m : r.messages) std::printf("  note:       %s\n", m.c_str());
}

Result<int> DoVerify(const VerifyArgs& a, bool json) {
  DT_ASSIGN_OR_RETURN(auto object, ReadFileText(a.in));
  TrustStore store;
  for (const auto& t : a.trust) {
    DT_ASSIGN_OR_RETURN(auto list, ReadTrustArg(t));
    store.Add(std::move(list));
  }
  ValidationInput input{.validation_time = a.at != 0 ? a.at : Now()};
  for (const auto& path : a.crls) {
    DT_ASSIGN_OR_RETURN(auto text, ReadFileText(path));
    auto crl = text.find("-----BEGIN") != std::string::npos ? Crl::FromPem(text)
                                                            : Crl::FromDer(Bytes(text));
    if (!crl) return std::unexpected(crl.error().WithContext(path));
    input.crls.push_back(*std::move(crl));
  }
  std::string content;
  if (!a.content.empty()) {
    DT_ASSIGN_OR_RETURN(content, ReadFileText(a.content));
    input.detached_content = Bytes(content);
  }
  const auto report = SignatureValidator(store).Validate(Bytes(object), input);
  if (json) {
    PrintJson(report.ToJson());
  } else {
    PrintReport(report);
  }
  return report.passed() ? kExitOk : kExitNegative;
}

void AddVerify(CLI::App& app, bool& json, int& rc) {
  auto a = std::make_shared<VerifyArgs>();
  auto* cmd = app.add_subcommand(
      "verify", "Validate a signed file (JWS, CMS/CAdES, XMLDSig) into an ETSI-style report");
  cmd->add_option("--in", a->in, "Signed file")->required();
  cmd->add_option("--content", a->content, "The signed content, for detached signatures");
  cmd->add_option("--trust", a->trust,
                  "Trust list (repeatable): an ETSI TS 119 612 XML file, or "
                  "NAME:JURISDICTION:FILE for a PEM bundle");
  cmd->add_option("--crl", a->crls, "CRL file, PEM or DER (repeatable)");
  cmd->add_option("--at", a->at, "Validation time, Unix seconds (default: now)");
  cmd->callback([a, &json, &rc] { rc = Run([&] { return DoVerify(*a, json); }); });
}

// ---- ca ----

struct CaArgs {
  std::string dir;
  std::string type = "sm2";
  std::string cn, o, ou, c, serial_number;
  int days = 365;
  std::string public_key;
  std::string profile = "organization";
  std::string out = "-";
  std::vector<std::string> revoke;
};

DistinguishedName Name(const CaArgs& a) {
  return {.country = a.c,
          .organization = a.o,
          .organizational_unit = a.ou,
          .common_name = a.cn,
          .serial_number = a.serial_number};
}

Result<CertificateAuthority> LoadCa(const std::string& dir) {
  DT_ASSIGN_OR_RETURN(auto key_pem, ReadFileText(dir + "/ca.key"));
  DT_ASSIGN_OR_RETURN(auto cert_pem, ReadFileText(dir + "/ca.pem"));
  DT_ASSIGN_OR_RETURN(auto key, PrivateKey::FromPem(key_pem));
  DT_ASSIGN_OR_RETURN(auto cert, Certificate::FromPem(cert_pem));
  return CertificateAuthority::Load(std::move(key), std::move(cert));
}

Result<CertificateProfile> ParseProfile(const std::string& p) {
  if (p == "organization") return CertificateProfile::kOrganization;
  if (p == "tsa") return CertificateProfile::kTimestampAuthority;
  if (p == "sub-ca") return CertificateProfile::kSubordinateCa;
  return InvalidArgument(fmt::format("unknown --profile {} (organization, tsa or sub-ca)", p));
}

void PrintCertificate(const Certificate& cert, bool json) {
  if (json) {
    PrintJson(boost::json::object{{"subject", cert.Subject()},
                                  {"issuer", cert.Issuer()},
                                  {"serialNumber", cert.SerialHex()},
                                  {"sha256", cert.Sha256Fingerprint()},
                                  {"notAfter", cert.NotAfter()}});
  } else {
    std::fprintf(stderr, "%s  serial %s  until %s\n", cert.Subject().c_str(),
                 cert.SerialHex().c_str(), FormatRfc3339(cert.NotAfter()).c_str());
  }
}

void AddCa(CLI::App& app, bool& json, int& rc) {
  auto* ca =
      app.add_subcommand("ca", "The built-in certification authority")->require_subcommand(1);
  auto a = std::make_shared<CaArgs>();
  auto name_options = [a](CLI::App* cmd) {
    cmd->add_option("--cn", a->cn, "Common name")->required();
    cmd->add_option("--o", a->o, "Organisation");
    cmd->add_option("--ou", a->ou, "Organisational unit");
    cmd->add_option("--c", a->c, "Country (ISO 3166 alpha-2)");
    cmd->add_option("--days", a->days, "Validity in days")->capture_default_str();
  };
  auto* init = ca->add_subcommand("init", "Create a root CA in --dir (ca.key, ca.pem)");
  init->add_option("--dir", a->dir, "CA directory")->required();
  init->add_option("--type", a->type, "Key type: sm2, ec-p256, ec-p384, rsa, ed25519")
      ->capture_default_str();
  name_options(init);
  init->callback([a, &json, &rc] {
    rc = Run([&]() -> Result<int> {
      DT_ASSIGN_OR_RETURN(auto type, ParseKeyType(a->type));
      DT_ASSIGN_OR_RETURN(auto key, PrivateKey::Generate(type));
      OsRandom random;
      const UnixTime now = Now();
      DT_ASSIGN_OR_RETURN(auto root,
                          CertificateAuthority::CreateRoot(
                              key, Name(*a), {now - 300, now + a->days * 86400LL}, random));
      std::filesystem::create_directories(a->dir);
      DT_TRY(WriteFileText(a->dir + "/ca.key", key.ToPem(), true));
      DT_TRY(WriteFileText(a->dir + "/ca.pem", root.certificate().ToPem()));
      PrintCertificate(root.certificate(), json);
      return kExitOk;
    });
  });
  auto* issue = ca->add_subcommand("issue", "Issue a certificate for a public key");
  issue->add_option("--dir", a->dir, "CA directory")->required();
  issue->add_option("--public-key", a->public_key, "Subject public key (SPKI PEM) or private key")
      ->required();
  issue->add_option("--serial-number", a->serial_number, "Subject serialNumber (USCC, LEI)");
  issue->add_option("--profile", a->profile, "organization, tsa or sub-ca")->capture_default_str();
  issue->add_option("--out", a->out, "Certificate file (default: stdout)");
  name_options(issue);
  issue->callback([a, &json, &rc] {
    rc = Run([&]() -> Result<int> {
      DT_ASSIGN_OR_RETURN(auto ca_obj, LoadCa(a->dir));
      DT_ASSIGN_OR_RETURN(auto profile, ParseProfile(a->profile));
      DT_ASSIGN_OR_RETURN(auto pem, ReadFileText(a->public_key));
      auto pub = PublicKey::FromPem(pem);
      if (!pub) {
        DT_ASSIGN_OR_RETURN(auto priv, PrivateKey::FromPem(pem));
        pub = priv.public_key();
      }
      OsRandom random;
      const UnixTime now = Now();
      DT_ASSIGN_OR_RETURN(
          auto cert,
          ca_obj.Issue(*pub, Name(*a), {now - 300, now + a->days * 86400LL}, profile, random));
      DT_TRY(WriteFileText(a->out, cert.ToPem()));
      PrintCertificate(cert, json);
      return kExitOk;
    });
  });
  auto* crl = ca->add_subcommand("crl", "Issue a CRL");
  crl->add_option("--dir", a->dir, "CA directory")->required();
  crl->add_option("--revoke", a->revoke, "Serial number (hex) to list as revoked now (repeatable)");
  crl->add_option("--days", a->days, "Days until the next update")->capture_default_str();
  crl->add_option("--out", a->out, "CRL file (default: stdout)");
  crl->callback([a, &rc] {
    rc = Run([&]() -> Result<int> {
      DT_ASSIGN_OR_RETURN(auto ca_obj, LoadCa(a->dir));
      const UnixTime now = Now();
      std::vector<RevokedEntry> revoked;
      for (const auto& s : a->revoke) revoked.push_back({s, now});
      DT_ASSIGN_OR_RETURN(auto list, ca_obj.IssueCrl(revoked, now, now + a->days * 86400LL));
      DT_TRY(WriteFileText(a->out, list.ToPem()));
      return kExitOk;
    });
  });
}

}  // namespace

void AddCryptoCommands(CLI::App& app, bool& json, int& rc) {
  AddKeygen(app, json, rc);
  AddSign(app, rc);
  AddVerify(app, json, rc);
  AddCa(app, json, rc);
}

}  // namespace digitrade::app
