// Safe parsing of e-invoice XML (UBL 2.1 Invoice/CreditNote, UN/CEFACT CII
// D16B) into a libxml2 DOM that the rule engine queries with XPath.
//
// Hostile input is refused before or during parsing: documents over the size
// limit, bytes that are not UTF-8, any DOCTYPE (so no entity expansion, no
// DTD, no external entities), nesting deeper than the depth limit, and roots
// that are not one of the three supported document types. Network access is
// always off.
//
// Thread-safety: XmlDocument is a move-only value; distinct instances may be
// used on distinct threads. Ownership: it owns its libxml2 document.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "common/result.h"

struct _xmlDoc;

namespace digitrade::trade::einvoice {

enum class Syntax { kUblInvoice, kUblCreditNote, kCii };

std::string_view SyntaxName(Syntax s);

struct ParseLimits {
  std::size_t max_bytes = 128u << 20;  // 128 MiB: a 100 MB invoice must still work
  int max_depth = 64;                  // UBL and CII nest about 10 deep
};

class XmlDocument {
 public:
  // Parses `bytes`. Errors (all invalid_argument unless noted):
  //  - resource_exhausted: larger than limits.max_bytes or deeper than limits.max_depth;
  //  - "not UTF-8 at byte N", "DOCTYPE not allowed", "not well-formed XML: line L: ...",
  //    "unsupported root {ns}name".
  static Result<XmlDocument> Parse(std::string_view bytes, const ParseLimits& limits = {});

  XmlDocument(XmlDocument&&) noexcept;
  XmlDocument& operator=(XmlDocument&&) noexcept;
  ~XmlDocument();

  Syntax syntax() const { return syntax_; }
  _xmlDoc* doc() const { return doc_.get(); }
  // The size of the parsed text in bytes.
  std::size_t bytes() const { return bytes_; }
  // Frees the tree now (as the destructor would), the root's children
  // shared out among `threads` threads: freeing a large tree costs a sixth
  // of parsing it. Afterwards doc() is null.
  void FreeOnThreads(int threads);

 private:
  struct Free {
    void operator()(_xmlDoc* d) const;
  };
  XmlDocument(std::unique_ptr<_xmlDoc, Free> doc, Syntax syntax, std::size_t bytes)
      : doc_(std::move(doc)), syntax_(syntax), bytes_(bytes) {}
  std::unique_ptr<_xmlDoc, Free> doc_;
  Syntax syntax_;
  std::size_t bytes_;
};

// Initializes libxml2's global state once per process (its lazily created
// global mutexes deadlock when first touched from two threads at once).
// Called by XmlDocument::Parse and Validator::Create; thread-safe.
void InitXmlLibrary();

// Returns the offset of the first byte that is not part of valid UTF-8
// (overlongs, surrogates and code points above U+10FFFF are invalid), or
// npos if all of `bytes` is valid.
std::size_t FirstInvalidUtf8(std::string_view bytes);

}  // namespace digitrade::trade::einvoice
