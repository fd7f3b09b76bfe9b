#include "trade/einvoice/internal/location.h"

#include <libxml/tree.h>

#include <map>
#include <string_view>

#include "trade/einvoice/internal/engine.h"

namespace digitrade::trade::einvoice::internal {

namespace {

std::string_view Text(const xmlChar* s) {
  return s == nullptr ? std::string_view() : reinterpret_cast<const char*>(s);
}

// An XPath string literal. A namespace URI may hold "'"; one holding both
// quotes (not a URI reference, which libxml2 only warns about) gives a
// location no XPath 1.0 evaluates. A name holds neither.
std::string Quote(std::string_view s) {
  if (s.find('\'') == std::string_view::npos) return "'" + std::string(s) + "'";
  return "\"" + std::string(s) + "\"";
}

// A name test for {ns}local: "prefix:local" with a table prefix, "local"
// without a namespace, else a predicate on local-name() and namespace-uri().

std::string NameTest(const xmlNs* ns, std::string_view local) {
  if (ns == nullptr || ns->href == nullptr) return std::string(local);
  const std::string_view prefix = TablePrefix(Text(ns->href));
  if (!prefix.empty()) return std::string(prefix) + ":" + std::string(local);
  return "*[local-name()=" + Quote(local) + " and namespace-uri()=" + Quote(Text(ns->href)) + "]";
}

}  // namespace

void Locations::NumberChildren(const xmlNode* parent) {
  // Keyed by name pointer and namespace URI: libxml2's dictionary makes
  // equal names one pointer in a parsed document, and the map compares
  // the strings when they are not.
  std::map<std::pair<std::string_view, std::string_view>, std::pair<int, const xmlNode*>> seen;
  for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    const std::string_view href = c->ns != nullptr ? Text(c->ns->href) : std::string_view();
    auto& [count, first] = seen[{Text(c->name), href}];
    if (count == 0) first = c;
    ++count;
    positions_[c] = {count, count > 1};
    if (count == 2) positions_[first].second = true;
  }
}

std::string Locations::Step(const xmlNode* n) {
  if (n->type == XML_ATTRIBUTE_NODE) return "@" + NameTest(n->ns, Text(n->name));
  std::string step = NameTest(n->ns, Text(n->name));
  if (n->parent == nullptr) return step;
  auto it = positions_.find(n);
  if (it == positions_.end()) {
    NumberChildren(n->parent);
    it = positions_.find(n);
  }
  if (it != positions_.end() && it->second.second)
    step += "[" + std::to_string(it->second.first) + "]";
  return step;
}

const std::string& Locations::Of(const xmlNode* n) {
  if (auto it = paths_.find(n); it != paths_.end()) return it->second;
  std::string path;
  const bool named = n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE;
  if (named) {
    const xmlNode* up = n->parent;
    const bool top = up == nullptr || up->type == XML_DOCUMENT_NODE;
    // The parent's location first: Of() may insert (and rehash) before we do.
    path = (top ? std::string() : Of(up)) + "/" + Step(n);
  } else if (n->type == XML_DOCUMENT_NODE) {
    path = "/";
  } else {
    xmlChar* p = xmlGetNodePath(n);
    if (p != nullptr) path = reinterpret_cast<const char*>(p);
    xmlFree(p);
  }
  return paths_.emplace(n, std::move(path)).first->second;
}

}  // namespace digitrade::trade::einvoice::internal
