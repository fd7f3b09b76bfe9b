#include "trade/einvoice/internal/location.h"

#include <gtest/gtest.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <memory>
#include <string>
#include <vector>

#include "trade/einvoice/internal/engine.h"
#include "trade/einvoice/xml_document.h"

namespace digitrade::trade::einvoice::internal {
namespace {

constexpr const char* kDoc =
    "<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'"
    " xmlns:c='urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2'"
    " xmlns:b='urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'"
    " xmlns:o=\"urn:other:it's\">"
    "<b:ID>1</b:ID><c:InvoiceLine><b:ID>1</b:ID></c:InvoiceLine><b:Note>x</b:Note>"
    "<c:InvoiceLine><b:ID>2</b:ID><b:Amount currencyID='EUR'>1</b:Amount></c:InvoiceLine>"
    "<c:InvoiceLine><b:ID>3</b:ID><o:X/><o:X/><X xmlns=''/></c:InvoiceLine></Invoice>";

void Collect(xmlNode* n, std::vector<xmlNode*>& out) {
  for (; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    out.push_back(n);
    for (xmlAttr* a = n->properties; a != nullptr; a = a->next) {
      out.push_back(reinterpret_cast<xmlNode*>(a));
    }
    Collect(n->children, out);
  }
}

TEST(Locations, NamePositionsOnlyWhereSiblingsShareTheName) {
  auto doc = XmlDocument::Parse(kDoc);
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  std::vector<xmlNode*> nodes;
  Collect(xmlDocGetRootElement(doc->doc()), nodes);
  Locations where;
  std::vector<std::string> paths;
  for (xmlNode* n : nodes) paths.push_back(where.Of(n));
  const std::vector<std::string> want = {
      "/ubl:Invoice",
      "/ubl:Invoice/cbc:ID",
      "/ubl:Invoice/cac:InvoiceLine[1]",
      "/ubl:Invoice/cac:InvoiceLine[1]/cbc:ID",
      "/ubl:Invoice/cbc:Note",
      "/ubl:Invoice/cac:InvoiceLine[2]",
      "/ubl:Invoice/cac:InvoiceLine[2]/cbc:ID",
      "/ubl:Invoice/cac:InvoiceLine[2]/cbc:Amount",
      "/ubl:Invoice/cac:InvoiceLine[2]/cbc:Amount/@currencyID",
      "/ubl:Invoice/cac:InvoiceLine[3]",
      "/ubl:Invoice/cac:InvoiceLine[3]/cbc:ID",
      "/ubl:Invoice/cac:InvoiceLine[3]/*[local-name()='X' and "
      "namespace-uri()=\"urn:other:it's\"][1]",
      "/ubl:Invoice/cac:InvoiceLine[3]/*[local-name()='X' and "
      "namespace-uri()=\"urn:other:it's\"][2]",
      "/ubl:Invoice/cac:InvoiceLine[3]/X",
  };
  EXPECT_EQ(paths, want);
  EXPECT_EQ(where.Of(reinterpret_cast<xmlNode*>(doc->doc())), "/");
}

// Every location, evaluated as XPath 1.0 with the tables' prefixes,
// selects exactly its node: what the portal relies on to highlight it.
TEST(Locations, SelectExactlyTheirNode) {
  auto doc = XmlDocument::Parse(kDoc);
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  std::unique_ptr<xmlXPathContext, void (*)(xmlXPathContext*)> xp(xmlXPathNewContext(doc->doc()),
                                                                  xmlXPathFreeContext);
  ASSERT_NE(xp, nullptr);
  SetUpXPathContext(xp.get(), nullptr);
  std::vector<xmlNode*> nodes;
  Collect(xmlDocGetRootElement(doc->doc()), nodes);
  Locations where;
  for (xmlNode* n : nodes) {
    const std::string& path = where.Of(n);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST path.c_str(), xp.get());
    ASSERT_NE(r, nullptr) << path;
    ASSERT_NE(r->nodesetval, nullptr) << path;
    EXPECT_EQ(r->nodesetval->nodeNr, 1) << path;
    if (r->nodesetval->nodeNr == 1) {
      EXPECT_EQ(r->nodesetval->nodeTab[0], n) << path;
    }
    xmlXPathFreeObject(r);
  }
}

}  // namespace
}  // namespace digitrade::trade::einvoice::internal
