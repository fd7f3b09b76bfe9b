// Where a finding is: the XPath 1.0 location of the node a rule fired on,
// with a position in every step whose siblings share its name, e.g.
// "/ubl:Invoice/cac:InvoiceLine[3]/cbc:LineExtensionAmount". Prefixes are
// the rule tables' (ubl, cn, cac, cbc, ext, rsm, ram, udt, qdt) whatever the
// document declares; an element of another namespace is written
// "*[local-name()='x' and namespace-uri()='u']". The location selects
// exactly that node (docs/einvoice.md, Reports).
//
// Thread-safety: one Locations per document and thread. It refers to the
// nodes of one libxml2 document and must not outlive it.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>

struct _xmlNode;

namespace digitrade::trade::einvoice::internal {

class Locations {
 public:
  // The location of `n` (an element, attribute or the document node; for
  // other nodes libxml2's xmlGetNodePath). Built once per node, reusing
  // its ancestors' locations.
  const std::string& Of(const _xmlNode* n);

 private:
  std::string Step(const _xmlNode* n);
  // Numbers the element children of `parent` in one pass: per child its
  // position among the siblings of its name, and whether it has such siblings.
  void NumberChildren(const _xmlNode* parent);
  std::unordered_map<const _xmlNode*, std::string> paths_;
  std::unordered_map<const _xmlNode*, std::pair<int, bool>> positions_;
};

}  // namespace digitrade::trade::einvoice::internal
