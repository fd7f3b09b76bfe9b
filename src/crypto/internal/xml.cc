#include "crypto/internal/xml.h"

#include <fmt/format.h>
#include <libxml/xpathInternals.h>

namespace digitrade::crypto::internal {

Result<XmlDoc> ParseXml(std::string_view xml) {
  if (xml.size() > kMaxXmlBytes) {
    return ResourceExhausted(fmt::format("XML of {} bytes exceeds the limit", xml.size()));
  }
  // XML_PARSE_NONET: no fetching; no XML_PARSE_NOENT / DTDLOAD / DTDATTR:
  // entities are not substituted and external subsets are not loaded. No
  // NOBLANKS either: whitespace is part of what signatures cover.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  XmlDoc doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "input.xml", nullptr, options));
  if (!doc) {
    const xmlError* err = xmlGetLastError();
    return InvalidArgument(fmt::format("XML is not well-formed{}{}", err ? ": " : "",
                                       err && err->message ? err->message : ""));
  }
  // Entities (external or billion-laughs) live in a DTD; none is accepted.
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return InvalidArgument("XML with a DOCTYPE (DTD, entities) is not accepted");
  }
  if (xmlDocGetRootElement(doc.get()) == nullptr) return InvalidArgument("XML has no root element");
  return doc;
}

XPath::XPath(xmlDoc* doc, std::initializer_list<std::pair<const char*, const char*>> namespaces)
    : ctx_(xmlXPathNewContext(doc)) {
  for (const auto& [prefix, uri] : namespaces) {
    xmlXPathRegisterNs(ctx_, reinterpret_cast<const xmlChar*>(prefix),
                       reinterpret_cast<const xmlChar*>(uri));
  }
}

XPath::~XPath() {
  xmlXPathFreeContext(ctx_);
}

std::vector<xmlNode*> XPath::Nodes(const char* expr, xmlNode* context) {
  std::vector<xmlNode*> out;
  ctx_->node = context != nullptr ? context : xmlDocGetRootElement(ctx_->doc);
  xmlXPathObject* r = xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expr), ctx_);
  if (r == nullptr) return out;
  if (r->nodesetval != nullptr) {
    for (int i = 0; i < r->nodesetval->nodeNr; ++i) out.push_back(r->nodesetval->nodeTab[i]);
  }
  xmlXPathFreeObject(r);
  return out;
}

std::string XPath::Text(const char* expr, xmlNode* context) {
  auto nodes = Nodes(expr, context);
  if (nodes.empty()) return "";
  xmlChar* content = xmlNodeGetContent(nodes[0]);
  std::string s = content != nullptr ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace digitrade::crypto::internal
