#include "trade/einvoice/xml_document.h"

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace digitrade::trade::einvoice {

namespace {

constexpr std::string_view kUblInvoiceNs = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
constexpr std::string_view kUblCreditNoteNs =
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
constexpr std::string_view kCiiNs = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";

std::string_view View(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// Iterative so that hostile nesting cannot exhaust our own stack.
int MaxDepth(xmlNode* root) {
  int depth = 1;
  int max_depth = 1;
  xmlNode* n = root;
  while (n != nullptr) {
    if (n->children != nullptr && n->type == XML_ELEMENT_NODE) {
      n = n->children;
      max_depth = std::max(max_depth, ++depth);
      continue;
    }
    while (n != nullptr && n->next == nullptr) {
      n = n->parent;
      --depth;
      if (n == root || depth <= 0) return max_depth;
    }
    if (n != nullptr) n = n->next;
  }
  return max_depth;
}

// Silences libxml2's default error printing; errors are read from the context.
void IgnoreErrors(void* /*ctx*/, const char* /*msg*/, ...) {}

}  // namespace

std::string_view SyntaxName(Syntax s) {
  switch (s) {
    case Syntax::kUblInvoice:
      return "UBL Invoice";
    case Syntax::kUblCreditNote:
      return "UBL CreditNote";
    case Syntax::kCii:
      return "CII CrossIndustryInvoice";
  }
  return "?";
}

void InitXmlLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

std::size_t FirstInvalidUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII runs eight bytes at a time (invoices are mostly ASCII).
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, sizeof word);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    unsigned cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else
      return i;
    if (i + len > n) return i;
    for (int k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    const unsigned min_cp = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

void XmlDocument::Free::operator()(_xmlDoc* d) const {
  xmlFreeDoc(d);
}

void XmlDocument::FreeOnThreads(int threads) {
  xmlNode* root = doc_ != nullptr ? xmlDocGetRootElement(doc_.get()) : nullptr;
  if (root != nullptr && threads > 1) {
    // The root's children in `threads` runs of about equal length; each
    // run but the first is unlinked (xmlFreeNodeList frees a sibling list)
    // and freed on a thread of its own, while the document (still needed
    // for its dictionary) waits for them.
    std::size_t count = 0;
    for (xmlNode* c = root->children; c != nullptr; c = c->next) ++count;
    const std::size_t per_run = std::max<std::size_t>(1, count / threads);
    std::vector<xmlNode*> runs;
    std::size_t i = 0;
    for (xmlNode* c = root->children; c != nullptr; c = c->next, ++i) {
      if (i > 0 && i % per_run == 0 && runs.size() + 1 < static_cast<std::size_t>(threads))
        runs.push_back(c);
    }
    if (!runs.empty()) root->last = runs.front()->prev;
    for (xmlNode* run : runs) {
      run->prev->next = nullptr;
      run->prev = nullptr;
    }
    std::vector<std::thread> pool;
    for (xmlNode* run : runs) pool.emplace_back([run] { xmlFreeNodeList(run); });
    for (auto& t : pool) t.join();
  }
  doc_.reset();
}

XmlDocument::XmlDocument(XmlDocument&&) noexcept = default;
XmlDocument& XmlDocument::operator=(XmlDocument&&) noexcept = default;
XmlDocument::~XmlDocument() = default;

Result<XmlDocument> XmlDocument::Parse(std::string_view bytes, const ParseLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return ResourceExhausted(fmt::format("document of {} bytes exceeds the limit of {} bytes",
                                         bytes.size(), limits.max_bytes));
  }
  if (bytes.size() >= 2 && (static_cast<unsigned char>(bytes[0]) == 0xFE ||
                            static_cast<unsigned char>(bytes[0]) == 0xFF)) {
    return InvalidArgument("not UTF-8: UTF-16 byte order mark");
  }
  if (auto bad = FirstInvalidUtf8(bytes); bad != std::string_view::npos) {
    return InvalidArgument(fmt::format("not UTF-8 at byte {}", bad));
  }
  InitXmlLibrary();
  xmlSetGenericErrorFunc(nullptr, IgnoreErrors);
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(),
                                                                    &xmlFreeParserCtxt);
  if (!ctxt) return Internal("libxml2: out of memory");
  // No NOENT (no entity substitution), no DTDLOAD/DTDATTR, NONET; NONET also
  // keeps the external entity loader away from the network. XML_PARSE_HUGE
  // stays off so libxml2's own depth and amplification limits apply too.
  // COMPACT stores short text inside its node (less memory; the tree is
  // never modified afterwards).
  const int options =
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT;
  xmlDoc* raw = xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()),
                                  "invoice.xml", "UTF-8", options);
  std::unique_ptr<_xmlDoc, Free> doc(raw);
  if (doc == nullptr || !ctxt->wellFormed) {
    const xmlError* e = xmlCtxtGetLastError(ctxt.get());
    std::string msg = e != nullptr && e->message != nullptr ? e->message : "parse failed";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (e != nullptr && e->code == XML_ERR_INTERNAL_ERROR &&
        msg.find("depth") != std::string::npos) {
      return ResourceExhausted(fmt::format("nesting deeper than {}", limits.max_depth));
    }
    return InvalidArgument(
        fmt::format("not well-formed XML: line {}: {}", e != nullptr ? e->line : 0, msg));
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return InvalidArgument("DOCTYPE not allowed in an e-invoice");
  }
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return InvalidArgument("no root element");
  if (MaxDepth(root) > limits.max_depth) {
    return ResourceExhausted(fmt::format("nesting deeper than {}", limits.max_depth));
  }
  const std::string_view ns = root->ns != nullptr ? View(root->ns->href) : std::string_view();
  const std::string_view name = View(root->name);
  if (ns == kUblInvoiceNs && name == "Invoice")
    return XmlDocument(std::move(doc), Syntax::kUblInvoice, bytes.size());
  if (ns == kUblCreditNoteNs && name == "CreditNote") {
    return XmlDocument(std::move(doc), Syntax::kUblCreditNote, bytes.size());
  }
  if (ns == kCiiNs && name == "CrossIndustryInvoice")
    return XmlDocument(std::move(doc), Syntax::kCii, bytes.size());
  return InvalidArgument(fmt::format(
      "unsupported root {{{}}}{}: expected a UBL 2.1 Invoice or CreditNote or a CII D16B "
      "CrossIndustryInvoice",
      ns, name));
}

}  // namespace digitrade::trade::einvoice
