// Private to crypto/: hardened libxml2 parsing shared by the XML parsers of
// crypto/ (ETSI trusted lists, XMLDSig). No network, no entity expansion,
// no DTD of any kind (a DOCTYPE is refused outright), bounded size.
#pragma once

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace digitrade::crypto::internal {

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocFree>;

inline constexpr std::size_t kMaxXmlBytes = 16 << 20;

// Errors: invalid_argument (not well-formed, has a DOCTYPE), resource_exhausted.
Result<XmlDoc> ParseXml(std::string_view xml);

// XPath evaluation with namespace prefixes bound ({prefix, uri} pairs).
class XPath {
 public:
  XPath(xmlDoc* doc, std::initializer_list<std::pair<const char*, const char*>> namespaces);
  ~XPath();
  XPath(const XPath&) = delete;
  XPath& operator=(const XPath&) = delete;

  // Nodes matching `expr` relative to `context` (the document if null).
  std::vector<xmlNode*> Nodes(const char* expr, xmlNode* context = nullptr);
  // Trimmed text content of the first match, "" if none.
  std::string Text(const char* expr, xmlNode* context = nullptr);

 private:
  xmlXPathContext* ctx_;
};

}  // namespace digitrade::crypto::internal
