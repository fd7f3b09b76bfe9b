#include "crypto/xmldsig.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include <mutex>

#include "crypto/base64.h"
#include "crypto/internal/cert_impl.h"
#include "crypto/internal/xml.h"
#include "crypto/internal/xmldsig_verify.h"

namespace digitrade::crypto {

namespace {

constexpr const char* kXadesNs = "http://uri.etsi.org/01903/v1.3.2#";

// Outside input makes xmlsec report errors; they are turned into
// sub-indications, so its default printing to stderr is switched off.
void IgnoreXmlSecError(const char*, int, const char*, const char*, const char*, int, const char*) {}

// libxml2 and xmlsec need process-wide initialisation, exactly once.
Status InitXmlSec() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    xmlInitParser();
    ok = xmlSecInit() == 0 && xmlSecCheckVersion() == 1 && xmlSecCryptoAppInit(nullptr) == 0 &&
         xmlSecCryptoInit() == 0;
    xmlSecErrorsSetCallback(IgnoreXmlSecError);
  });
  if (!ok) return Internal("xmlsec initialisation failed");
  return {};
}

struct DsigCtxFree {
  void operator()(xmlSecDSigCtx* c) const { xmlSecDSigCtxDestroy(c); }
};
using DsigCtx = std::unique_ptr<xmlSecDSigCtx, DsigCtxFree>;

Result<xmlSecTransformId> SignatureMethod(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return xmlSecTransformEcdsaSha256Id;
    case KeyType::kEcP384:
      return xmlSecTransformEcdsaSha384Id;
    case KeyType::kEcP521:
      return xmlSecTransformEcdsaSha512Id;
    case KeyType::kRsa:
      return xmlSecTransformRsaSha256Id;
    default:
      return InvalidArgument(
          fmt::format("{} keys cannot sign XML here (xmlsec 1.2.37)", KeyTypeName(type)));
  }
}

// An xmlsec key wrapping a copy of `pkey` (xmlsec takes ownership).
xmlSecKeyPtr XmlSecKey(EVP_PKEY* pkey) {
  if (pkey == nullptr) return nullptr;
  EVP_PKEY_up_ref(pkey);
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(pkey);
  if (data == nullptr) {
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  xmlSecKeyPtr key = xmlSecKeyCreate();
  if (key == nullptr || xmlSecKeySetValue(key, data) < 0) {
    xmlSecKeyDataDestroy(data);
    if (key != nullptr) xmlSecKeyDestroy(key);
    return nullptr;
  }
  return key;
}

void AddCertificates(xmlNodePtr signature, const Certificate& leaf,
                     const std::vector<Certificate>& chain) {
  xmlNodePtr info = xmlSecAddChild(signature, xmlSecNodeKeyInfo, xmlSecDSigNs);
  xmlNodePtr data = xmlSecAddChild(info, xmlSecNodeX509Data, xmlSecDSigNs);
  auto add = [&](const Certificate& c) {
    xmlNodePtr node = xmlSecAddChild(data, xmlSecNodeX509Certificate, xmlSecDSigNs);
    const std::string b64 = Base64Encode(c.ToDer());
    xmlNodeSetContent(node, reinterpret_cast<const xmlChar*>(b64.c_str()));
  };
  add(leaf);
  for (const auto& c : chain) add(c);
}

std::string Dump(xmlDoc* doc) {
  xmlChar* mem = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
  std::string out(reinterpret_cast<const char*>(mem), static_cast<std::size_t>(size));
  xmlFree(mem);
  return out;
}

std::string Content(xmlNode* node) {
  xmlChar* c = xmlNodeGetContent(node);
  std::string s = c != nullptr ? reinterpret_cast<const char*>(c) : "";
  xmlFree(c);
  std::erase_if(s, [](char ch) { return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t'; });
  return s;
}

}  // namespace

Result<std::string> SignXmlEnveloped(std::string_view xml, const PrivateKey& key,
                                     const Certificate& certificate,
                                     const std::vector<Certificate>& chain) {
  DT_TRY(InitXmlSec());
  DT_ASSIGN_OR_RETURN(auto method, SignatureMethod(key.type()));
  DT_ASSIGN_OR_RETURN(auto cert_key, certificate.public_key());
  if (!(cert_key == key.public_key()))
    return InvalidArgument("the key does not match the certificate");
  DT_ASSIGN_OR_RETURN(auto doc, internal::ParseXml(xml));
  xmlNodePtr root = xmlDocGetRootElement(doc.get());
  if (xmlSecFindNode(root, xmlSecNodeSignature, xmlSecDSigNs) != nullptr) {
    return InvalidArgument("the document is already signed");
  }
  xmlNodePtr sig = xmlSecTmplSignatureCreateNsPref(doc.get(), xmlSecTransformExclC14NId, method,
                                                   nullptr, BAD_CAST "ds");
  if (sig == nullptr) return Internal("signature template");
  xmlAddChild(root, sig);
  xmlNodePtr ref =
      xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, nullptr, BAD_CAST "", nullptr);
  if (ref == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == nullptr) {
    return Internal("signature reference template");
  }
  DsigCtx ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) return Internal("xmlSecDSigCtxCreate");
  ctx->signKey = XmlSecKey(internal::KeyAccess::Get(key));
  if (ctx->signKey == nullptr || xmlSecDSigCtxSign(ctx.get(), sig) < 0) {
    ERR_clear_error();
    return Internal("xmlsec signing failed");
  }
  AddCertificates(sig, certificate, chain);
  return Dump(doc.get());
}

namespace internal {

namespace {

XmlSignatureCheck Fail(XmlSignatureCheck c, SubIndication s, std::string m) {
  c.failure = s;
  c.message = std::move(m);
  ERR_clear_error();
  return c;
}

// The certificates in KeyInfo/X509Data, leaf (the one matching nothing
// else's issuer is not assumed: the first is the signer, as we write it).
Status ReadCertificates(XPath& xp, xmlNode* sig, XmlSignatureCheck& c) {
  for (xmlNode* n : xp.Nodes("ds:KeyInfo/ds:X509Data/ds:X509Certificate", sig)) {
    auto der = Base64Decode(Content(n));
    if (!der) return InvalidArgument("X509Certificate is not base64");
    DT_ASSIGN_OR_RETURN(auto cert, Certificate::FromDer(*der));
    if (!c.signer) {
      c.signer = std::move(cert);
    } else {
      c.other_certificates.push_back(std::move(cert));
    }
  }
  return {};
}

std::string Attribute(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, BAD_CAST name);
  std::string out = v != nullptr ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

// Registers every Id attribute as an XML ID so that "#id" references
// resolve. Errors: invalid_argument for a duplicate Id (which would make a
// reference ambiguous, a signature-wrapping device).
Status RegisterIds(xmlDoc* doc, xmlNode* node) {
  for (; node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    if (xmlAttr* id = xmlHasProp(node, BAD_CAST "Id"); id != nullptr) {
      xmlChar* value = xmlNodeListGetString(doc, id->children, 1);
      const bool added = value != nullptr && xmlAddID(nullptr, doc, value, id) != nullptr;
      xmlFree(value);
      if (!added) return InvalidArgument("duplicate or empty Id attribute");
    }
    DT_TRY(RegisterIds(doc, node->children));
  }
  return {};
}

// Accepted: one ds:Signature, child of the root, with exactly one
// reference to the whole document (URI="" as SignXmlEnveloped and XAdES-B
// write it, or "#<the root's Id>" as ETSI trusted lists do) carrying the
// enveloped-signature transform; other references only within the document.
Status CheckShape(XPath& xp, xmlNode* root, xmlNode* sig) {
  if (sig->parent != root)
    return InvalidArgument("the signature is not a child of the root element");
  const std::string root_id = Attribute(root, "Id");
  xmlNode* whole = nullptr;
  for (xmlNode* r : xp.Nodes("ds:SignedInfo/ds:Reference", sig)) {
    const std::string u = Attribute(r, "URI");
    const bool is_whole = u.empty() || (!root_id.empty() && u == "#" + root_id);
    if (is_whole) {
      if (whole != nullptr) return InvalidArgument("more than one whole-document reference");
      whole = r;
    } else if (u[0] != '#') {
      return InvalidArgument("references outside the document are not accepted");
    }
  }
  if (whole == nullptr) {
    return InvalidArgument("the signature has no reference to the whole document (URI=\"\")");
  }
  if (xp.Nodes("ds:Transforms/ds:Transform[@Algorithm='http://www.w3.org/2000/09/"
               "xmldsig#enveloped-signature']",
               whole)
          .empty()) {
    return InvalidArgument("the whole-document reference lacks the enveloped-signature transform");
  }
  return {};
}

DsigCtx VerifyContext(xmlSecKeyPtr key) {
  DsigCtx ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) return ctx;
  ctx->signKey = key;
  ctx->enabledReferenceUris = static_cast<xmlSecTransformUriType>(
      xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument);
  for (xmlSecTransformId t :
       {xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId, xmlSecTransformInclC14NId,
        xmlSecTransformInclC14N11Id, xmlSecTransformEnvelopedId, xmlSecTransformSha256Id,
        xmlSecTransformSha384Id, xmlSecTransformSha512Id}) {
    xmlSecDSigCtxEnableReferenceTransform(ctx.get(), t);
  }
  for (xmlSecTransformId t :
       {xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId, xmlSecTransformInclC14NId,
        xmlSecTransformInclC14N11Id, xmlSecTransformEcdsaSha256Id, xmlSecTransformEcdsaSha384Id,
        xmlSecTransformEcdsaSha512Id, xmlSecTransformRsaSha256Id, xmlSecTransformRsaSha384Id,
        xmlSecTransformRsaSha512Id}) {
    xmlSecDSigCtxEnableSignatureTransform(ctx.get(), t);
  }
  return ctx;
}

bool ReferencesFailed(xmlSecDSigCtx* ctx) {
  const xmlSecSize n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
  for (xmlSecSize i = 0; i < n; ++i) {
    auto* ref =
        static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, i));
    if (ref != nullptr && ref->status != xmlSecDSigStatusSucceeded) return true;
  }
  return false;
}

}  // namespace

XmlSignatureCheck CheckEnvelopedSignature(std::string_view xml) {
  XmlSignatureCheck c;
  if (auto init = InitXmlSec(); !init)
    return Fail(c, SubIndication::kFormatFailure, init.error().message());
  auto doc = ParseXml(xml);
  if (!doc) return Fail(c, SubIndication::kFormatFailure, doc.error().message());
  XPath xp(doc->get(), {{"ds", "http://www.w3.org/2000/09/xmldsig#"}, {"xades", kXadesNs}});
  auto sigs = xp.Nodes("//ds:Signature");
  if (sigs.empty())
    return Fail(c, SubIndication::kFormatFailure, "no ds:Signature in the document");
  if (sigs.size() > 1) return Fail(c, SubIndication::kFormatFailure, "more than one ds:Signature");
  xmlNode* sig = sigs[0];
  c.algorithm = [&] {
    auto m = xp.Nodes("ds:SignedInfo/ds:SignatureMethod", sig);
    if (m.empty()) return std::string();
    xmlChar* a = xmlGetProp(m[0], BAD_CAST "Algorithm");
    std::string s = a != nullptr ? reinterpret_cast<const char*>(a) : "";
    xmlFree(a);
    return s;
  }();
  if (auto t = xp.Text("ds:Object//xades:SigningTime", sig); !t.empty()) {
    std::tm tm{};
    if (strptime(t.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr) c.signing_time = timegm(&tm);
  }
  if (auto ids = RegisterIds(doc->get(), xmlDocGetRootElement(doc->get())); !ids) {
    return Fail(std::move(c), SubIndication::kFormatFailure, ids.error().message());
  }
  if (auto shape = CheckShape(xp, xmlDocGetRootElement(doc->get()), sig); !shape) {
    return Fail(std::move(c), SubIndication::kFormatFailure, shape.error().message());
  }
  if (auto certs = ReadCertificates(xp, sig, c); !certs) {
    return Fail(std::move(c), SubIndication::kFormatFailure, certs.error().message());
  }
  if (!c.signer) {
    return Fail(std::move(c), SubIndication::kNoSignerCertificateFound,
                "no X509Certificate in KeyInfo");
  }
  auto public_key = c.signer->public_key();
  if (!public_key) {
    return Fail(std::move(c), SubIndication::kCryptoConstraintsFailure,
                public_key.error().message());
  }
  xmlSecKeyPtr key = XmlSecKey(KeyAccess::Get(*public_key));
  if (key == nullptr) return Fail(std::move(c), SubIndication::kFormatFailure, "xmlsec key");
  DsigCtx ctx = VerifyContext(key);
  if (!ctx) {
    xmlSecKeyDestroy(key);
    return Fail(std::move(c), SubIndication::kFormatFailure, "xmlsec context");
  }
  if (xmlSecDSigCtxVerify(ctx.get(), sig) < 0) {
    return Fail(std::move(c), SubIndication::kFormatFailure,
                "the signature cannot be processed (unsupported or disallowed algorithm or "
                "transform, or malformed)");
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    return ReferencesFailed(ctx.get())
               ? Fail(std::move(c), SubIndication::kHashFailure,
                      "the document digest does not match the signed reference")
               : Fail(std::move(c), SubIndication::kSigCryptoFailure,
                      "the signature value does not verify");
  }
  ERR_clear_error();
  return c;
}

}  // namespace internal

}  // namespace digitrade::crypto
