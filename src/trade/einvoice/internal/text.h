// Small helpers on XML text and names shared by the engine's files
// (engine.cc: contexts and look-ups; fast_test.cc: FastTest). Stateless.
#pragma once

#include <optional>
#include <string>
#include <string_view>

struct _xmlNode;

namespace digitrade::trade::einvoice::internal {

// `s` without leading and trailing XML whitespace.
std::string Trim(std::string_view s);
// XML whitespace: space, tab, CR, LF.
bool IsXmlSpace(unsigned char c);
// XPath normalize-space().
std::string NormalizeSpace(std::string_view s);
// Appends the XPath string value of `n`: the text of an element's (or the
// document's) descendants, an attribute's value, a text node's text.
void AppendStringValue(_xmlNode* n, std::string& out);
// Is `n` in namespace `ns` ("" for none)? With the namespace's id
// (NamespaceId) a number comparison when the document index tagged it.
bool HasNamespace(const _xmlNode* n, std::string_view ns);
bool HasNamespace(const _xmlNode* n, std::string_view ns, int ns_id);
// The namespace URI of a table prefix ("cac", ...), nullopt for another.
std::optional<std::string_view> NamespaceOf(std::string_view prefix);

}  // namespace digitrade::trade::einvoice::internal
