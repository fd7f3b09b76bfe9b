// EN 16931 rules for UBL 2.1 (CEN release 1.3.16), written from the
// official rule descriptions as XPath 1.0 tests plus native checks for the
// xs:decimal arithmetic. Messages are ours.
#include <fmt/format.h>

#include <span>

#include "trade/einvoice/internal/code_lists.h"
#include "trade/einvoice/internal/not_used_generated.h"
#include "trade/einvoice/internal/rules.h"

namespace digitrade::trade::einvoice::internal {

namespace {

// A VAT scheme predicate, as the UBL binding filters tax categories.
#define VAT "[cac:TaxScheme[normalize-space(upper-case(cbc:ID))='VAT']]"
// The other form of the filter, cac:TaxScheme/(normalize-space(upper-case(cbc:ID)) = 'VAT'):
// a sequence of booleans, so two tax schemes are the reference's FORG0006 error.
#define VAT_EBV "[vat-scheme(cac:TaxScheme)]"
#define SELLER_VAT \
  "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme" VAT_EBV "/cbc:CompanyID"
// ISO 3166-1 alpha-2 codes plus EL (Greece), XI (Northern Ireland) and 1A (Kosovo).
#define kCountryPrefixes                                                                          \
  "' 1A AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "  \
  "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM " \
  "DO DZ EC EE EG EH EL ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS " \
  "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP " \
  "KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS " \
  "MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS " \
  "PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC " \
  "TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XI " \
  "YE YT ZA ZM ZW '"
#define TAXREP_VAT "//cac:TaxRepresentativeParty/cac:PartyTaxScheme" VAT_EBV "/cbc:CompanyID"

PatternDef Model(CenRelease release) {
  PatternDef p{"UBL-model", {}};
  auto& r = p.rules;
  r.push_back({"cac:AdditionalDocumentReference",
               {{"BR-52", F, "normalize-space(cbc:ID) != ''",
                 "Each additional supporting document (BG-24) needs a reference (BT-122)."}}});
  r.push_back({"cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
               {{"BR-63", F, "exists(@schemeID)",
                 "The buyer electronic address (BT-49) needs a scheme identifier."}}});
  r.push_back({"cac:AccountingCustomerParty/cac:Party/cac:PostalAddress",
               {{"BR-11", F, "normalize-space(cac:Country/cbc:IdentificationCode) != ''",
                 "The buyer postal address needs a country code (BT-55)."}}});
  r.push_back(
      {"cac:PaymentMeans/cac:CardAccount/cbc:PrimaryAccountNumberID",
       {{"BR-51", W, "string-length(normalize-space(.)) <= 10",
         "Do not send a full card number (BT-87): at most the first 6 and last 4 digits."}}});
  r.push_back({"cac:Delivery/cac:DeliveryLocation/cac:Address",
               {{"BR-57", F, "exists(cac:Country/cbc:IdentificationCode)",
                 "The deliver-to address (BG-15) needs a country code (BT-80)."}}});
  r.push_back(
      {"/ubl:Invoice/cac:AllowanceCharge[is-false(cbc:ChargeIndicator)] | "
       "/cn:CreditNote/cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]",
       {{"BR-31", F, "exists(cbc:Amount)",
         "A document level allowance (BG-20) needs an amount (BT-92)."},
        {"BR-32", F, "exists(cac:TaxCategory" VAT "/cbc:ID)",
         "A document level allowance (BG-20) needs a VAT category code (BT-95)."},
        {"BR-33", F, "exists(cbc:AllowanceChargeReason) or exists(cbc:AllowanceChargeReasonCode)",
         "A document level allowance (BG-20) needs a reason (BT-97) or reason code (BT-98)."},
        {"BR-CO-21", F,
         "exists(cbc:AllowanceChargeReason) or exists(cbc:AllowanceChargeReasonCode)",
         "A document level allowance (BG-20) needs a reason (BT-97), a reason code (BT-98) or "
         "both."},
        {"BR-DEC-01", F, "string-length(substring-after(cbc:Amount,'.')) <= 2",
         "Document level allowance amount (BT-92): at most 2 decimals."},
        {"BR-DEC-02", F, "string-length(substring-after(cbc:BaseAmount,'.')) <= 2",
         "Document level allowance base amount (BT-93): at most 2 decimals."}}});
  r.push_back(
      {"/ubl:Invoice/cac:AllowanceCharge[is-true(cbc:ChargeIndicator)] | "
       "/cn:CreditNote/cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]",
       {{"BR-36", F, "exists(cbc:Amount)",
         "A document level charge (BG-21) needs an amount (BT-99)."},
        {"BR-37", F, "exists(cac:TaxCategory" VAT "/cbc:ID)",
         "A document level charge (BG-21) needs a VAT category code (BT-102)."},
        {"BR-38", F, "exists(cbc:AllowanceChargeReason) or exists(cbc:AllowanceChargeReasonCode)",
         "A document level charge (BG-21) needs a reason (BT-104) or reason code (BT-105)."},
        {"BR-CO-22", F,
         "exists(cbc:AllowanceChargeReason) or exists(cbc:AllowanceChargeReasonCode)",
         "A document level charge (BG-21) needs a reason (BT-104), a reason code (BT-105) or "
         "both."},
        {"BR-DEC-05", F, "string-length(substring-after(cbc:Amount,'.')) <= 2",
         "Document level charge amount (BT-99): at most 2 decimals."},
        {"BR-DEC-06", F, "string-length(substring-after(cbc:BaseAmount,'.')) <= 2",
         "Document level charge base amount (BT-100): at most 2 decimals."}}});
  r.push_back(
      {"cac:LegalMonetaryTotal",
       {{"BR-12", F, "exists(cbc:LineExtensionAmount)",
         "The sum of invoice line net amounts (BT-106) is missing."},
        {"BR-13", F, "exists(cbc:TaxExclusiveAmount)",
         "The invoice total without VAT (BT-109) is missing."},
        {"BR-14", F, "exists(cbc:TaxInclusiveAmount)",
         "The invoice total with VAT (BT-112) is missing."},
        {"BR-15", F, "exists(cbc:PayableAmount)",
         "The amount due for payment (BT-115) is missing."},
        {"BR-CO-10", F, "native:ubl-br-co-10",
         "BT-106 must equal the sum of the line net amounts (BT-131)."},
        {"BR-CO-11", F, "native:ubl-br-co-11",
         "BT-107 must equal the sum of document level allowances (BT-92)."},
        {"BR-CO-12", F, "native:ubl-br-co-12",
         "BT-108 must equal the sum of document level charges (BT-99)."},
        {"BR-CO-13", F, "native:ubl-br-co-13", "BT-109 must equal BT-106 - BT-107 + BT-108."},
        {"BR-CO-16", F, "native:ubl-br-co-16", "BT-115 must equal BT-112 - BT-113 + BT-114."},
        {"BR-DEC-09", F, "string-length(substring-after(cbc:LineExtensionAmount,'.')) <= 2",
         "BT-106: at most 2 decimals."},
        {"BR-DEC-10", F, "string-length(substring-after(cbc:AllowanceTotalAmount,'.')) <= 2",
         "BT-107: at most 2 decimals."},
        {"BR-DEC-11", F, "string-length(substring-after(cbc:ChargeTotalAmount,'.')) <= 2",
         "BT-108: at most 2 decimals."},
        {"BR-DEC-12", F, "string-length(substring-after(cbc:TaxExclusiveAmount,'.')) <= 2",
         "BT-109: at most 2 decimals."},
        {"BR-DEC-14", F, "string-length(substring-after(cbc:TaxInclusiveAmount,'.')) <= 2",
         "BT-112: at most 2 decimals."},
        {"BR-DEC-16", F, "string-length(substring-after(cbc:PrepaidAmount,'.')) <= 2",
         "BT-113: at most 2 decimals."},
        {"BR-DEC-17", F, "string-length(substring-after(cbc:PayableRoundingAmount,'.')) <= 2",
         "BT-114: at most 2 decimals."},
        {"BR-DEC-18", F, "string-length(substring-after(cbc:PayableAmount,'.')) <= 2",
         "BT-115: at most 2 decimals."}}});
  RuleDef root{
      "/ubl:Invoice | /cn:CreditNote",
      {{"BR-01", F, "normalize-space(cbc:CustomizationID) != ''",
        "The specification identifier (BT-24) is missing."},
       {"BR-02", F, "normalize-space(cbc:ID) != ''", "The invoice number (BT-1) is missing."},
       {"BR-03", F, "normalize-space(cbc:IssueDate) != ''", "The issue date (BT-2) is missing."},
       {"BR-04", F,
        "normalize-space(cbc:InvoiceTypeCode) != '' or normalize-space(cbc:CreditNoteTypeCode) != "
        "''",
        "The invoice type code (BT-3) is missing."},
       {"BR-05", F, "normalize-space(cbc:DocumentCurrencyCode) != ''",
        "The invoice currency code (BT-5) is missing."},
       {"BR-06", F,
        "normalize-space(cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/"
        "cbc:RegistrationName) != ''",
        "The seller name (BT-27) is missing."},
       {"BR-07", F,
        "normalize-space(cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/"
        "cbc:RegistrationName) != ''",
        "The buyer name (BT-44) is missing."},
       {"BR-08", F, "exists(cac:AccountingSupplierParty/cac:Party/cac:PostalAddress)",
        "The seller postal address (BG-5) is missing."},
       {"BR-10", F, "exists(cac:AccountingCustomerParty/cac:Party/cac:PostalAddress)",
        "The buyer postal address (BG-8) is missing."},
       {"BR-16", F, "exists(cac:InvoiceLine) or exists(cac:CreditNoteLine)",
        "An invoice needs at least one line (BG-25)."},
       {"BR-53", F, "native:ubl-br-53",
        "With a VAT accounting currency (BT-6), the total VAT in that currency (BT-111) is "
        "required."},
       {"BR-CO-03", F, "not(cbc:TaxPointDate and cac:InvoicePeriod/cbc:DescriptionCode)",
        "The tax point date (BT-7) and its code (BT-8) exclude each other."},
       {"BR-CO-15", F, "native:ubl-br-co-15", "BT-112 must equal BT-109 + BT-110."},
       {"BR-CO-18", F, "exists(cac:TaxTotal/cac:TaxSubtotal)",
        "An invoice needs at least one VAT breakdown (BG-23)."},
       {"BR-DEC-13", F,
        "not(//cac:TaxTotal/cbc:TaxAmount[@currencyID = cbc:DocumentCurrencyCode]) or "
        "string-length(substring-after(//cac:TaxTotal/cbc:TaxAmount[@currencyID = "
        "cbc:DocumentCurrencyCode],'.')) <= 2",
        "Total VAT amount (BT-110): at most 2 decimals."},
       {"BR-DEC-15", F,
        "not(//cac:TaxTotal/cbc:TaxAmount[@currencyID = cbc:TaxCurrencyCode]) or "
        "string-length(substring-after(//cac:TaxTotal/cbc:TaxAmount[@currencyID = "
        "cbc:TaxCurrencyCode],'.')) <= 2",
        "Total VAT amount in accounting currency (BT-111): at most 2 decimals."}}};
  // VAT category families: presence in the breakdown (-01) and the seller's
  // or tax representative's VAT identifier (-02..-04).
  struct Cat {
    const char* fam;
    const char* code;
    bool seller_vat_filtered;  // -02..-04 require the seller's VAT scheme id
    bool buyer_vat;            // -02 also requires the buyer's VAT id
  };
  static constexpr Cat kCats[] = {{"AE", "AE", false, false}, {"E", "E", false, false},
                                  {"G", "G", true, false},    {"IC", "K", true, false},
                                  {"Z", "Z", false, false},   {"AF", "L", false, false},
                                  {"AG", "M", false, false}};
  for (const auto& c : kCats) {
    const std::string cat = fmt::format("[normalize-space(cbc:ID)='{}']" VAT, c.code);
    const std::string code(c.code);
    const bool ic = code == "K";
    const bool ae = code == "AE";
    const std::string seller =
        c.seller_vat_filtered
            ? "//" SELLER_VAT
            : "//cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID";
    std::string who = fmt::format("(exists({}) or exists(" TAXREP_VAT "))", seller);
    if (ic)
      who += " and exists(//cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme" VAT_EBV
             "/cbc:CompanyID)";
    if (ae)
      who += " and (exists(//cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme" VAT_EBV
             "/cbc:CompanyID) or "
             "exists(//cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID))";
    const bool two_way = code == "L" || code == "M";
    const std::string test01 =
        two_way ? fmt::format(
                      "(count(//cac:AllowanceCharge/cac:TaxCategory{0}) + "
                      "count(//cac:ClassifiedTaxCategory{0}) > 0 and "
                      "count(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID='{1}']) > 0) or "
                      "(count(//cac:AllowanceCharge/cac:TaxCategory{0}) + "
                      "count(//cac:ClassifiedTaxCategory{0}) = 0 and "
                      "count(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory{0}) = 0)",
                      cat, c.code)
                : fmt::format("not(//cac:TaxCategory" VAT
                              "/cbc:ID[normalize-space(.)='{0}'] | //cac:ClassifiedTaxCategory" VAT
                              "/cbc:ID[normalize-space(.)='{0}']) or "
                              "count(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory" VAT
                              "/cbc:ID[normalize-space(.)='{0}']) = 1",
                              c.code);
    root.asserts.push_back(
        {Keep(fmt::format("BR-{}-01", c.fam)), F, Keep(test01),
         Keep(fmt::format("Category {} in use: the VAT breakdown needs it.", c.code))});
    // -02 lines, -03 allowances, -04 charges: (used and identified) or not used.
    // The official "used" and "not used" selectors differ in places (G: no
    // VAT filter on allowances/charges when used; L: cbc:ID not normalized
    // in -04's "not used"); we keep those differences.
    const std::string plain = fmt::format("[normalize-space(cbc:ID)='{}']", c.code);
    struct Where {
      int n;
      const char* sel;
    };
    static constexpr Where kWhere[] = {
        {2, "//cac:ClassifiedTaxCategory"},
        {3, "//cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]/cac:TaxCategory"},
        {4, "//cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]/cac:TaxCategory"}};
    for (const auto& w : kWhere) {
      const std::string used = std::string(w.sel) + (code == "G" && w.n > 2 ? plain : cat);
      const std::string unused =
          std::string(w.sel) + (code == "L" && w.n == 4 ? "[cbc:ID='L']" VAT : cat);
      root.asserts.push_back(
          {Keep(fmt::format("BR-{}-{:02d}", c.fam, w.n)), F,
           Keep(fmt::format("(exists({}) and {}) or not(exists({}))", used, who, unused)),
           Keep(fmt::format("Category {} in use: the seller's VAT identifier is required.",
                            c.code))});
    }
  }
  // Not subject to VAT (O): the parties must have no VAT identifiers.
  const char* no_vat_ids =
      "not(//" SELLER_VAT ") and not(" TAXREP_VAT
      ") and not(//cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme" VAT_EBV
      "/cbc:CompanyID)";
  const std::string o_cat = "[normalize-space(cbc:ID)='O']" VAT;
  for (const auto& [n, sel] : std::initializer_list<std::pair<int, const char*>>{
           {2, "//cac:ClassifiedTaxCategory"},
           {3,
            "(/ubl:Invoice | "
            "/cn:CreditNote)/cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]/cac:TaxCategory"},
           {4,
            "(/ubl:Invoice | "
            "/cn:CreditNote)/cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]/cac:TaxCategory"}}) {
    root.asserts.push_back({Keep(fmt::format("BR-O-{:02d}", n)), F,
                            Keep(fmt::format("(exists({0}{1}) and {2}) or not(exists({0}{1}))", sel,
                                             o_cat, no_vat_ids)),
                            "Not subject to VAT: no VAT identifiers for the seller, its "
                            "representative or the buyer."});
  }
  const char* o_breakdown =
      "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory" VAT "/cbc:ID[normalize-space(.) = 'O']";
  for (const auto& [n, others] : std::initializer_list<std::pair<int, const char*>>{
           {11, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"},
           {12, "//cac:ClassifiedTaxCategory"},
           {13, "//cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]/cac:TaxCategory"},
           {14, "//cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]/cac:TaxCategory"}}) {
    root.asserts.push_back(
        {Keep(fmt::format("BR-O-{}", n)), F,
         Keep(fmt::format("(exists({0}) and count({1}[normalize-space(cbc:ID) != 'O']" VAT
                          ") = 0) or not({0})",
                          o_breakdown, others)),
         "An invoice with category O has no other VAT category."});
  }
  root.asserts.push_back(
      {"BR-IC-11", F,
       "not(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory" VAT
       "/cbc:ID[normalize-space(.)='K']) or string-length(cac:Delivery/cbc:ActualDeliveryDate) > 1 "
       "or cac:InvoicePeriod/*",
       "Intra-community supply: an actual delivery date (BT-72) or an invoicing period (BG-14) is "
       "required."});
  root.asserts.push_back(
      {"BR-IC-12", F,
       "not(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory" VAT
       "/cbc:ID[normalize-space(.)='K']) or "
       "string-length(cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/"
       "cbc:IdentificationCode) > 1",
       "Intra-community supply: the deliver-to country code (BT-80) is required."});
  root.asserts.push_back(
      {"BR-O-01", F,
       "not(//cac:TaxCategory" VAT
       "/cbc:ID[normalize-space(.)='O'] | //cac:ClassifiedTaxCategory" VAT
       "/cbc:ID[normalize-space(.)='O']) or count(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory" VAT
       "/cbc:ID[normalize-space(.)='O']) = 1",
       "Category O in use: the VAT breakdown needs exactly one O group."});
  root.asserts.push_back(
      {"BR-S-01", F,
       "((count(//cac:AllowanceCharge/cac:TaxCategory[normalize-space(cbc:ID)='S']) + "
       "count(//cac:ClassifiedTaxCategory[normalize-space(cbc:ID)='S'])) > 0) = "
       "(count(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[normalize-space(cbc:ID)='S']) > 0)",
       "Standard rate in use: the VAT breakdown needs an S group."});
  root.asserts.push_back(
      {"BR-S-02", F,
       "not(//cac:ClassifiedTaxCategory[normalize-space(cbc:ID)='S']) or "
       "(//cac:ClassifiedTaxCategory[normalize-space(cbc:ID)='S']" VAT
       " and (exists(//cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID) or "
       "exists(" TAXREP_VAT ")))",
       "A standard rated line needs the seller's VAT identifier."});
  root.asserts.push_back(
      {"BR-S-03", F,
       "not(//cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]/"
       "cac:TaxCategory[normalize-space(cbc:ID)='S']" VAT
       ") or exists(//cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID) or "
       "exists(" TAXREP_VAT ")",
       "A standard rated allowance needs the seller's VAT identifier."});
  root.asserts.push_back(
      {"BR-S-04", F,
       "not(//cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]/"
       "cac:TaxCategory[normalize-space(cbc:ID)='S']" VAT
       ") or exists(//cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID) or "
       "exists(" TAXREP_VAT ")",
       "A standard rated charge needs the seller's VAT identifier."});
  // Split payment (B): Italian domestic invoices only, never beside S.
  root.asserts.push_back(
      {"BR-B-01", F,
       "not(//cac:TaxCategory/cbc:ID = 'B' or //cac:ClassifiedTaxCategory/cbc:ID = 'B') or "
       "not(//cbc:IdentificationCode != 'IT')",
       "Split payment (B) is only for domestic Italian invoices."});
  // 1.3.14.1 looks for S in cac:TaxSubtotal/cbc:ID (no TaxCategory step),
  // which a valid invoice never has: there only allowances, charges and
  // lines with S count.
  root.asserts.push_back(
      {"BR-B-02", F,
       release == CenRelease::k1_3_14_1
           ? "not(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID = 'B' or "
             "cac:AllowanceCharge/cac:TaxCategory/cbc:ID = 'B' or "
             "//cac:ClassifiedTaxCategory/cbc:ID = 'B') or "
             "not(cac:TaxTotal/cac:TaxSubtotal/cbc:ID = 'S' or "
             "cac:AllowanceCharge/cac:TaxCategory/cbc:ID = 'S' or "
             "//cac:ClassifiedTaxCategory/cbc:ID = 'S')"
           : "not(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID = 'B' or "
             "cac:AllowanceCharge/cac:TaxCategory/cbc:ID = 'B' or "
             "//cac:ClassifiedTaxCategory/cbc:ID = 'B') or "
             "not(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID = 'S' or "
             "cac:AllowanceCharge/cac:TaxCategory/cbc:ID = 'S' or "
             "//cac:ClassifiedTaxCategory/cbc:ID = 'S')",
       "Split payment (B) and standard rate (S) exclude each other."});
  if (release == CenRelease::k1_3_14_1) {
    root.asserts.push_back({"BR-66", F, "count(cac:PaymentMeans/cac:CardAccount) <= 1",
                            "At most one payment card (BG-18)."});
    root.asserts.push_back({"BR-67", F, "count(cac:PaymentMeans/cac:PaymentMandate) <= 1",
                            "At most one direct debit (BG-19)."});
    r.push_back(
        {"/ubl:Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
         {{"BR-CO-25", F,
           "(. > 0 and (exists(//cbc:DueDate) or exists(//cac:PaymentTerms/cbc:Note))) or . <= 0",
           "With a positive amount due, a due date (BT-9) or payment terms (BT-20) are "
           "required."}}});
  }
  r.push_back(std::move(root));
  r.push_back(
      {"cac:InvoiceLine | cac:CreditNoteLine",
       {{"BR-21", F, "normalize-space(cbc:ID) != ''",
         "Each line (BG-25) needs an identifier (BT-126)."},
        {"BR-22", F, "exists(cbc:InvoicedQuantity) or exists(cbc:CreditedQuantity)",
         "Each line needs a quantity (BT-129)."},
        {"BR-23", F,
         "exists(cbc:InvoicedQuantity/@unitCode) or exists(cbc:CreditedQuantity/@unitCode)",
         "Each line needs a quantity unit code (BT-130)."},
        {"BR-24", F, "exists(cbc:LineExtensionAmount)", "Each line needs a net amount (BT-131)."},
        {"BR-25", F, "normalize-space(cac:Item/cbc:Name) != ''",
         "Each line needs an item name (BT-153)."},
        {"BR-26", F, "exists(cac:Price/cbc:PriceAmount)", "Each line needs a net price (BT-146)."},
        {"BR-27", F, "dbl(cac:Price/cbc:PriceAmount) >= 0",
         "The item net price (BT-146) must not be negative."},
        {"BR-28", F,
         "dbl(cac:Price/cac:AllowanceCharge/cbc:BaseAmount) >= 0 or "
         "not(exists(cac:Price/cac:AllowanceCharge/cbc:BaseAmount))",
         "The item gross price (BT-148) must not be negative."},
        {"BR-CO-04", F, "cac:Item/cac:ClassifiedTaxCategory" VAT_EBV "/cbc:ID",
         "Each line needs a VAT category code (BT-151)."},
        {"BR-DEC-23", F, "string-length(substring-after(cbc:LineExtensionAmount,'.')) <= 2",
         "Line net amount (BT-131): at most 2 decimals."}}});
  r.push_back(
      {"//cac:InvoiceLine/cac:AllowanceCharge[is-false(cbc:ChargeIndicator)] | "
       "//cac:CreditNoteLine/cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]",
       {{"BR-41", F, "exists(cbc:Amount)", "A line allowance (BG-27) needs an amount (BT-136)."},
        {"BR-42", F, "exists(cbc:AllowanceChargeReason) or exists(cbc:AllowanceChargeReasonCode)",
         "A line allowance needs a reason (BT-139) or reason code (BT-140)."},
        {"BR-CO-23", F,
         "exists(cbc:AllowanceChargeReason) or exists(cbc:AllowanceChargeReasonCode)",
         "A line allowance needs a reason, a reason code or both."},
        {"BR-DEC-24", F, "string-length(substring-after(cbc:Amount,'.')) <= 2",
         "Line allowance amount (BT-136): at most 2 decimals."},
        {"BR-DEC-25", F, "string-length(substring-after(cbc:BaseAmount,'.')) <= 2",
         "Line allowance base amount (BT-137): at most 2 decimals."}}});
  r.push_back(
      {"//cac:InvoiceLine/cac:AllowanceCharge[is-true(cbc:ChargeIndicator)] | "
       "//cac:CreditNoteLine/cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]",
       {{"BR-43", F, "exists(cbc:Amount)", "A line charge (BG-28) needs an amount (BT-141)."},
        {"BR-44", F, "exists(cbc:AllowanceChargeReason) or exists(cbc:AllowanceChargeReasonCode)",
         "A line charge needs a reason (BT-144) or reason code (BT-145)."},
        {"BR-CO-24", F,
         "exists(cbc:AllowanceChargeReason) or exists(cbc:AllowanceChargeReasonCode)",
         "A line charge needs a reason, a reason code or both."},
        {"BR-DEC-27", F, "string-length(substring-after(cbc:Amount,'.')) <= 2",
         "Line charge amount (BT-141): at most 2 decimals."},
        {"BR-DEC-28", F, "string-length(substring-after(cbc:BaseAmount,'.')) <= 2",
         "Line charge base amount (BT-142): at most 2 decimals."}}});
  r.push_back({"cac:InvoiceLine/cac:InvoicePeriod | cac:CreditNoteLine/cac:InvoicePeriod",
               {{"BR-30", F, "native:br-period-order",
                 "The line period end date (BT-135) must not be before its start date (BT-134)."},
                {"BR-CO-20", F, "exists(cbc:StartDate) or exists(cbc:EndDate)",
                 "A line period (BG-26) needs a start or an end date."}}});
  r.push_back(
      {"cac:InvoicePeriod",
       {{"BR-29", F, "native:br-period-order",
         "The invoicing period end date (BT-74) must not be before its start date (BT-73)."},
        {"BR-CO-19", F,
         "exists(cbc:StartDate) or exists(cbc:EndDate) or exists(cbc:DescriptionCode)",
         "An invoicing period (BG-14) needs a start date, an end date or a code."}}});
  r.push_back({"//cac:AdditionalItemProperty",
               {{"BR-54", F, "exists(cbc:Name) and exists(cbc:Value)",
                 "Each item attribute (BG-32) needs a name (BT-160) and a value (BT-161)."}}});
  r.push_back(
      {"cac:InvoiceLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode | "
       "cac:CreditNoteLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
       {{"BR-65", F, "exists(@listID)",
         "The item classification (BT-158) needs a scheme identifier."}}});
  r.push_back(
      {"cac:InvoiceLine/cac:Item/cac:StandardItemIdentification/cbc:ID | "
       "cac:CreditNoteLine/cac:Item/cac:StandardItemIdentification/cbc:ID",
       {{"BR-64", F, "exists(@schemeID)",
         "The item standard identifier (BT-157) needs a scheme identifier."}}});
  r.push_back(
      {"/ubl:Invoice/cbc:Note | /cn:CreditNote/cbc:Note",
       {{"BR-CL-08", F,
         Keep(fmt::format(
             "(contains(.,'#') and string-length(substring-before(substring-after(.,'#'),'#')) = 3 "
             "and contains('{}', substring-before(substring-after(.,'#'),'#'))) or "
             "not(contains(.,'#')) or "
             "not(string-length(substring-before(substring-after(.,'#'),'#')) = 3)",
             kSubjectCodes)),
         "The note subject code is not in UNTDID 4451."}}});
  r.push_back({"cac:PayeeParty",
               {{"BR-17", F,
                 "exists(cac:PartyName/cbc:Name) and not(cac:PartyName/cbc:Name = "
                 "../cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name) and "
                 "not(cac:PartyIdentification/cbc:ID = "
                 "../cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID)",
                 "A payee (BG-10) different from the seller needs a name (BT-59)."}}});
  r.push_back(
      {"cac:PaymentMeans[cbc:PaymentMeansCode='30' or "
       "cbc:PaymentMeansCode='58']/cac:PayeeFinancialAccount",
       {{"BR-50", F, "normalize-space(cbc:ID) != ''",
         "A credit transfer needs the payment account identifier (BT-84)."}}});
  r.push_back(
      {"cac:PaymentMeans",
       {{"BR-49", F, "exists(cbc:PaymentMeansCode)",
         "Payment instructions (BG-16) need a payment means type code (BT-81)."},
        {"BR-61", F,
         "(exists(cac:PayeeFinancialAccount/cbc:ID) and "
         "(normalize-space(cbc:PaymentMeansCode)='30' or "
         "normalize-space(cbc:PaymentMeansCode)='58')) or (normalize-space(cbc:PaymentMeansCode) "
         "!= '30' and normalize-space(cbc:PaymentMeansCode) != '58')",
         "A credit transfer needs the payment account identifier (BT-84)."}}});
  r.push_back({"cac:BillingReference",
               {{"BR-55", F, "exists(cac:InvoiceDocumentReference/cbc:ID)",
                 "Each preceding invoice reference (BG-3) needs its number (BT-25)."}}});
  r.push_back({"cac:AccountingSupplierParty",
               {{"BR-CO-26", F,
                 release == CenRelease::k1_3_14_1
                     ? "exists(cac:Party/cac:PartyTaxScheme" VAT
                       "/cbc:CompanyID) or exists(cac:Party/cac:PartyIdentification/cbc:ID) or "
                       "exists(cac:Party/cac:PartyLegalEntity/cbc:CompanyID)"
                     : "exists(cac:Party/cac:PartyTaxScheme" VAT
                       "/cbc:CompanyID) or "
                       "exists(cac:Party/cac:PartyIdentification/cbc:ID[not(@schemeID='SEPA')]) or "
                       "exists(cac:Party/cac:PartyLegalEntity/cbc:CompanyID)",
                 "The seller needs an identifier (BT-29), a legal registration identifier (BT-30) "
                 "or a VAT identifier (BT-31)."}}});
  r.push_back({"cac:AccountingSupplierParty/cac:Party/cbc:EndpointID",
               {{"BR-62", F, "exists(@schemeID)",
                 "The seller electronic address (BT-34) needs a scheme identifier."}}});
  r.push_back({"cac:AccountingSupplierParty/cac:Party/cac:PostalAddress",
               {{"BR-09", F, "normalize-space(cac:Country/cbc:IdentificationCode) != ''",
                 "The seller postal address needs a country code (BT-40)."}}});
  r.push_back({"cac:TaxRepresentativeParty",
               {{"BR-18", F, "normalize-space(cac:PartyName/cbc:Name) != ''",
                 "The tax representative (BG-11) needs a name (BT-62)."},
                {"BR-19", F, "exists(cac:PostalAddress)",
                 "The tax representative needs a postal address (BG-12)."},
                {"BR-56", F, "exists(cac:PartyTaxScheme" VAT_EBV "/cbc:CompanyID)",
                 "The tax representative needs a VAT identifier (BT-63)."}}});
  r.push_back({"cac:TaxRepresentativeParty/cac:PostalAddress",
               {{"BR-20", F, "normalize-space(cac:Country/cbc:IdentificationCode) != ''",
                 "The tax representative postal address needs a country code (BT-69)."}}});
  r.push_back(
      {"/ubl:Invoice/cac:TaxTotal | /cn:CreditNote/cac:TaxTotal",
       {{"BR-CO-14", F, "native:ubl-br-co-14",
         "The total VAT amount (BT-110) must equal the sum of VAT category amounts (BT-117)."}}});
  r.push_back(
      {"cac:TaxTotal/cac:TaxSubtotal",
       {{"BR-45", F, "exists(cbc:TaxableAmount)",
         "Each VAT breakdown (BG-23) needs a taxable amount (BT-116)."},
        {"BR-46", F, "exists(cbc:TaxAmount)", "Each VAT breakdown needs a VAT amount (BT-117)."},
        {"BR-47", F, "exists(cac:TaxCategory" VAT "/cbc:ID)",
         "Each VAT breakdown needs a category code (BT-118)."},
        {"BR-48", F,
         "exists(cac:TaxCategory" VAT "/cbc:Percent) or cac:TaxCategory" VAT
         "[normalize-space(cbc:ID)='O']",
         "Each VAT breakdown needs a rate (BT-119), except category O."},
        {"BR-CO-17", F, "native:ubl-br-co-17",
         "The category VAT amount (BT-117) must equal taxable amount x rate, rounded to 2 "
         "decimals."},
        {"BR-DEC-19", F, "string-length(substring-after(cbc:TaxableAmount,'.')) <= 2",
         "Taxable amount (BT-116): at most 2 decimals."},
        {"BR-DEC-20", F, "string-length(substring-after(cbc:TaxAmount,'.')) <= 2",
         "Category VAT amount (BT-117): at most 2 decimals."}}});
  r.push_back({"//cac:PartyTaxScheme" VAT,
               {{"BR-CO-09", F, "contains(" kCountryPrefixes ", substring(cbc:CompanyID,1,2))",
                 "A VAT identifier must start with an ISO 3166-1 alpha-2 country prefix (EL for "
                 "Greece)."}}});
  // Per-category breakdown rules.
  for (const char* code : {"AE", "E", "G", "K", "O", "Z", "S", "L", "M"}) {
    const std::string fam = std::string(code) == "K"   ? "IC"
                            : std::string(code) == "L" ? "AF"
                            : std::string(code) == "M" ? "AG"
                                                       : code;
    const std::string cat = fmt::format("[normalize-space(cbc:ID)='{}']" VAT, code);
    const bool rated = fam == "S" || fam == "AF" || fam == "AG";
    RuleDef bd{Keep("/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory" + cat), {}};
    bd.asserts.push_back({Keep("BR-" + fam + "-08"), F,
                          Keep(fmt::format("native:ubl-taxable-{}", code)),
                          Keep(fmt::format("The taxable amount of category {} must equal its lines "
                                           "plus charges minus allowances.",
                                           code))});
    if (rated) {
      bd.asserts.push_back(
          {Keep("BR-" + fam + "-09"), F, "native:ubl-rated-vat",
           Keep(fmt::format("The VAT amount of category {} must equal taxable amount x rate.",
                            code))});
      bd.asserts.push_back({Keep("BR-" + fam + "-10"), F,
                            "not(cbc:TaxExemptionReason) and not(cbc:TaxExemptionReasonCode)",
                            Keep(fmt::format("Category {} takes no exemption reason.", code))});
    } else {
      bd.asserts.push_back({Keep("BR-" + fam + "-09"), F, "native:ubl-zero-vat",
                            Keep(fmt::format("The VAT amount of category {} must be 0.", code))});
      bd.asserts.push_back(
          {Keep("BR-" + fam + "-10"), F,
           fam == "Z" ? "not(cbc:TaxExemptionReason or cbc:TaxExemptionReasonCode)"
                      : "exists(cbc:TaxExemptionReason) or exists(cbc:TaxExemptionReasonCode)",
           Keep(fmt::format("Exemption reason rule of category {}.", code))});
    }
    r.push_back(std::move(bd));
    const char* rate_test = fam == "O"   ? "not(cbc:Percent)"
                            : fam == "S" ? "dbl(cbc:Percent) > 0"
                            : rated      ? "dbl(cbc:Percent) >= 0"
                                         : "native:percent-zero";
    r.push_back({Keep("cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]/cac:TaxCategory" + cat),
                 {{Keep("BR-" + fam + "-06"), F, rate_test,
                   Keep(fmt::format("Allowance VAT rate rule of category {}.", code))}}});
    r.push_back({Keep("cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]/cac:TaxCategory" + cat),
                 {{Keep("BR-" + fam + "-07"), F, rate_test,
                   Keep(fmt::format("Charge VAT rate rule of category {}.", code))}}});
    r.push_back({Keep("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory" + cat +
                      " | cac:CreditNoteLine/cac:Item/cac:ClassifiedTaxCategory" + cat),
                 {{Keep("BR-" + fam + "-05"), F, rate_test,
                   Keep(fmt::format("Line VAT rate rule of category {}.", code))}}});
  }
  return p;
}

// "the value of `expr` is one code of `list`", as the code-list rules test it.
const char* InList(const char* list, const char* expr) {
  return Keep(
      fmt::format("not(contains(normalize-space({0}),' ')) and contains('{1}', concat(' ', "
                  "normalize-space({0}), ' '))",
                  expr, list));
}

PatternDef Syntax(CenRelease release) {
  PatternDef p{"UBL-syntax", {}};
  auto& r = p.rules;
  r.push_back({"//cac:PostalAddress | //cac:Address",
               {{"UBL-SR-51", F, "count(cac:AddressLine) <= 1",
                 "At most one address line (cac:AddressLine) per address."}}});
  r.push_back({"cac:AccountingSupplierParty/cac:Party",
               {{"UBL-SR-42", F, "count(cac:PartyTaxScheme) <= 2",
                 "The seller has at most two tax registrations."}}});
  r.push_back(
      {"cac:AdditionalDocumentReference",
       {{"UBL-SR-33", F, "count(cbc:DocumentDescription) <= 1",
         "At most one supporting document description."},
        {"UBL-SR-43", F,
         "cbc:DocumentTypeCode='130' or (local-name(/*) = 'CreditNote' and "
         "cbc:DocumentTypeCode='50') or (not(cbc:ID/@schemeID) and not(cbc:DocumentTypeCode))",
         "A scheme identifier on a document reference is only allowed for an invoiced object "
         "identifier (code 130)."}}});
  r.push_back(
      {"//*[substring(name(), string-length(name()) - 5) = 'Amount' and not(substring(name(), "
       "string-length(name()) - 10) = 'PriceAmount') and "
       "not(ancestor::cac:Price/cac:AllowanceCharge)]",
       {{"UBL-DT-01", F, "string-length(substring-after(.,'.')) <= 2",
         "Amounts have at most 2 decimals."}}});
  r.push_back({"//*[substring(name(), string-length(name()) - 11) = 'BinaryObject']",
               {{"UBL-DT-06", F, "@mimeCode", "An attached binary object needs a MIME code."},
                {"UBL-DT-07", F, "@filename", "An attached binary object needs a file name."}}});
  r.push_back({"cac:Delivery",
               {{"UBL-SR-25", F, "count(cac:DeliveryParty/cac:PartyName/cbc:Name) <= 1",
                 "At most one deliver-to party name."}}});
  r.push_back({"cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]",
               {{"UBL-SR-30", F, "count(cbc:AllowanceChargeReason) <= 1",
                 "At most one allowance reason."}}});
  r.push_back(
      {"cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]",
       {{"UBL-SR-31", F, "count(cbc:AllowanceChargeReason) <= 1", "At most one charge reason."}}});
  r.push_back({"cac:PartyTaxScheme",
               {{"UBL-SR-53", F, "exists(cac:TaxScheme/cbc:ID) and exists(cbc:CompanyID)",
                 "A tax registration needs a scheme and a company identifier."}}});
  RuleDef root{"/ubl:Invoice | /cn:CreditNote", {}};
  struct Absent {
    const char* id;
    const char* attr;
  };
  static constexpr Absent kAttrs[] = {{"UBL-DT-08", "schemeName"},
                                      {"UBL-DT-09", "schemeAgencyName"},
                                      {"UBL-DT-10", "schemeDataURI"},
                                      {"UBL-DT-11", "schemeURI"},
                                      {"UBL-DT-12", "format"},
                                      {"UBL-DT-13", "unitCodeListIdentifier"},
                                      {"UBL-DT-14", "unitCodeListAgencyIdentifier"},
                                      {"UBL-DT-15", "unitCodeListAgencyName"},
                                      {"UBL-DT-16", "listAgencyName"},
                                      {"UBL-DT-17", "listName"},
                                      {"UBL-DT-19", "languageID"},
                                      {"UBL-DT-20", "listURI"},
                                      {"UBL-DT-21", "listSchemeURI"},
                                      {"UBL-DT-22", "languageLocaleID"},
                                      {"UBL-DT-23", "uri"},
                                      {"UBL-DT-24", "currencyCodeListVersionID"},
                                      {"UBL-DT-25", "characterSetCode"},
                                      {"UBL-DT-26", "encodingCode"},
                                      {"UBL-DT-27", "schemeAgencyID"},
                                      {"UBL-DT-28", "listAgencyID"}};
  for (const auto& a : kAttrs) {
    root.asserts.push_back(
        {a.id, W, Keep(fmt::format("not(//@{})", a.attr)),
         Keep(fmt::format("The attribute {} is not used in EN 16931.", a.attr))});
  }
  root.asserts.push_back({"UBL-DT-18", W,
                          "count(//@name) - count(//cbc:PaymentMeansCode/@name) <= 0",
                          "The attribute name is only used on the payment means code."});
  struct AtMostOne {
    const char* id;
    const char* path;
  };
  static constexpr AtMostOne kOnce[] = {
      {"UBL-SR-01", "cac:ContractDocumentReference/cbc:ID"},
      {"UBL-SR-02", "cac:ReceiptDocumentReference/cbc:ID"},
      {"UBL-SR-03", "cac:DespatchDocumentReference/cbc:ID"},
      {"UBL-SR-04", "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID"},
      {"UBL-SR-05", "cac:PaymentTerms/cbc:Note"},
      {"UBL-SR-08", "cac:InvoicePeriod"},
      {"UBL-SR-09",
       "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"},
      {"UBL-SR-10", "cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name"},
      {"UBL-SR-11", "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"},
      {"UBL-SR-12",
       "cac:AccountingSupplierParty/cac:Party/"
       "cac:PartyTaxScheme[cac:TaxScheme[upper-case(cbc:ID)='VAT']]/cbc:CompanyID"},
      {"UBL-SR-13",
       "cac:AccountingSupplierParty/cac:Party/"
       "cac:PartyTaxScheme[cac:TaxScheme[upper-case(cbc:ID)!='VAT']]/cbc:CompanyID"},
      {"UBL-SR-14",
       "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm"},
      {"UBL-SR-15",
       "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"},
      {"UBL-SR-16", "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID"},
      {"UBL-SR-17", "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"},
      {"UBL-SR-18",
       "cac:AccountingCustomerParty/cac:Party/"
       "cac:PartyTaxScheme[cac:TaxScheme[upper-case(cbc:ID)='VAT']]/cbc:CompanyID"},
      {"UBL-SR-24", "cac:Delivery"},
      {"UBL-SR-29", "//cac:PartyIdentification/cbc:ID[upper-case(@schemeID)='SEPA']"},
      {"UBL-SR-39", "cac:ProjectReference/cbc:ID"},
      {"UBL-SR-40", "cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name"},
      {"UBL-SR-44", "//cbc:PaymentID[not(preceding::cbc:PaymentID = .)]"},
      {"UBL-SR-45", "cac:PaymentMeans/cbc:PaymentDueDate"},
      {"UBL-SR-46", "cac:PaymentMeans/cbc:PaymentMeansCode/@name"},
      {"UBL-SR-47", "//cbc:PaymentMeansCode[not(preceding::cbc:PaymentMeansCode = .)]"},
      {"UBL-SR-49", "cac:InvoicePeriod/cbc:DescriptionCode"},
      {"UBL-SR-54", "cac:PaymentMeans/cac:CardAccount"},
      {"UBL-SR-55", "cac:PaymentMeans/cac:PaymentMandate"},
      {"UBL-SR-56", "cac:OriginatorDocumentReference/cbc:ID"}};
  for (const auto& o : kOnce) {
    const std::string_view id(o.id);
    if (release == CenRelease::k1_3_14_1 &&
        (id == "UBL-SR-54" || id == "UBL-SR-55" || id == "UBL-SR-56"))
      continue;
    root.asserts.push_back({o.id, F, Keep(fmt::format("count({}) <= 1", o.path)),
                            Keep(fmt::format("At most one {}.", o.path))});
  }
  struct NotUsed {
    const char* id;
    const char* path;
  };
  static constexpr NotUsed kNotUsed[] = {
      {"UBL-CR-185",
       "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cac:RegistrationAddress"},
      {"UBL-CR-249",
       "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cac:RegistrationAddress"},
      {"UBL-CR-302", "cac:TaxRepresentativeParty/cac:PartyIdentification"},
      {"UBL-CR-652", "//cac:PartyTaxScheme/cbc:CompanyID/@schemeID"},
      {"UBL-CR-660", "//cac:Country/cbc:IdentificationCode/@listID"},
      {"UBL-CR-665",
       "//cac:AdditionalDocumentReference[cbc:DocumentTypeCode != '130' or "
       "not(cbc:DocumentTypeCode)]/cbc:ID/@schemeID"},
      {"UBL-CR-678", "//cac:TaxCategory/cbc:ID/@schemeID"},
      {"UBL-CR-679", "//cac:ClassifiedTaxCategory/cbc:ID/@schemeID"},
      {"UBL-CR-411", "cac:PaymentMeans/cbc:ID"},
      {"UBL-CR-635",
       "(cac:InvoiceLine | "
       "cac:CreditNoteLine)/cac:Price/cac:AllowanceCharge/cbc:MultiplierFactorNumeric"},
      {"UBL-CR-671", "//cac:Price/cac:AllowanceCharge/cbc:MultiplierFactorNumeric"}};
  for (const auto& n : kNotUsed) {
    root.asserts.push_back({n.id, W, Keep(fmt::format("not({})", n.path)),
                            Keep(fmt::format("{} is not used in EN 16931.", n.path))});
  }
  if (release == CenRelease::k1_3_14_1) {
    root.asserts.push_back(
        {"UBL-CR-631", W,
         "not((cac:InvoiceLine | cac:CreditNoteLine)/cac:Price/cbc:OrderableUnitFactorRate)",
         "The orderable unit factor rate is not used in EN 16931."});
  }
  r.push_back(std::move(root));
  r.push_back({"cac:PaymentMeans",
               {{"UBL-SR-26", F, "count(cbc:PaymentID) <= 1",
                 "At most one remittance information (BT-83) per payment means."},
                {"UBL-SR-27", F, "count(cbc:PaymentMeansCode) <= 1",
                 "At most one payment means code per payment means."},
                {"UBL-SR-28", F, "count(cac:PaymentMandate/cbc:ID) <= 1",
                 "At most one mandate reference."}}});
  r.push_back({"cac:BillingReference",
               {{"UBL-SR-06", F, "count(cac:InvoiceDocumentReference) <= 1",
                 "At most one preceding invoice per billing reference."},
                {"UBL-SR-07", F, "cac:InvoiceDocumentReference/cbc:ID",
                 "A preceding invoice reference needs the invoice number."}}});
  r.push_back({"cac:TaxRepresentativeParty",
               {{"UBL-SR-22", F, "count(cac:PartyName/cbc:Name) <= 1",
                 "At most one tax representative name."},
                {"UBL-SR-23", F, "count(cac:PartyTaxScheme/cbc:CompanyID) <= 1",
                 "At most one tax representative VAT identifier."}}});
  r.push_back({"cac:TaxSubtotal",
               {{"UBL-SR-32", F, "count(cac:TaxCategory/cbc:TaxExemptionReason) <= 1",
                 "At most one exemption reason per VAT breakdown."}}});
  r.push_back(
      {"cac:InvoiceLine | cac:CreditNoteLine",
       {{"UBL-SR-34", F, "count(cbc:Note) <= 1", "At most one line note."},
        {"UBL-SR-35", F, "count(cac:OrderLineReference/cbc:LineID) <= 1",
         "At most one referenced purchase order line."},
        {"UBL-SR-36", F, "count(cac:InvoicePeriod) <= 1", "At most one line period."},
        {"UBL-SR-37", F, "count(cac:Price/cac:AllowanceCharge/cbc:Amount) <= 1",
         "At most one price discount."},
        {"UBL-SR-48", F, "count(cac:Item/cac:ClassifiedTaxCategory) = 1",
         "Exactly one VAT category per line."},
        {"UBL-SR-50", F, "count(cac:Item/cbc:Description) <= 1", "At most one item description."},
        {"UBL-SR-52", F, "count(cac:DocumentReference) <= 1",
         "At most one line document reference."}}});
  r.push_back(
      {"cac:PayeeParty",
       {{"UBL-SR-19", F,
         "count(cac:PartyName/cbc:Name) <= 1 and cac:PartyName/cbc:Name != "
         "../cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
         "One payee name, different from the seller's."},
        {"UBL-SR-20", F,
         "count(cac:PartyIdentification/cbc:ID[upper-case(@schemeID) != 'SEPA']) <= 1 and "
         "cac:PartyName/cbc:Name != "
         "../cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
         "One payee identifier, for a payee different from the seller."},
        {"UBL-SR-21", F,
         "count(cac:PartyLegalEntity/cbc:CompanyID) <= 1 and cac:PartyName/cbc:Name != "
         "../cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
         "One payee legal registration identifier, for a payee different from the seller."}}});
  return p;
}

PatternDef Codes() {
  PatternDef p{"Codesmodel", {}};
  auto& r = p.rules;
  r.push_back({"cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode",
               {{"BR-CL-01", F,
                 Keep(fmt::format(
                     "(self::cbc:InvoiceTypeCode and {}) or (self::cbc:CreditNoteTypeCode and {})",
                     InList(kInvoiceTypeCodes, "."),
                     InList(" 81 83 261 262 296 308 381 396 420 458 502 503 532 ", "."))),
                 "The document type code (BT-3) is not in UNTDID 1001."}}});
  r.push_back(
      {"cbc:Amount | cbc:BaseAmount | cbc:PriceAmount | cbc:TaxAmount | cbc:TaxableAmount | "
       "cbc:LineExtensionAmount | cbc:TaxExclusiveAmount | cbc:TaxInclusiveAmount | "
       "cbc:AllowanceTotalAmount | cbc:ChargeTotalAmount | cbc:PrepaidAmount | "
       "cbc:PayableRoundingAmount | cbc:PayableAmount",
       {{"BR-CL-03", F, InList(kCurrencyCodes, "@currencyID"),
         "The currency of an amount is not an ISO 4217 code."}}});
  r.push_back({"cbc:DocumentCurrencyCode",
               {{"BR-CL-04", F, InList(kCurrencyCodes, "."),
                 "The invoice currency (BT-5) is not an ISO 4217 code."}}});
  r.push_back({"cbc:TaxCurrencyCode",
               {{"BR-CL-05", F, InList(kCurrencyCodes, "."),
                 "The VAT accounting currency (BT-6) is not an ISO 4217 code."}}});
  r.push_back({"cac:InvoicePeriod/cbc:DescriptionCode",
               {{"BR-CL-06", F, InList(" 3 35 432 ", "."),
                 "The tax point date code (BT-8) is not in UNTDID 2005 subset."}}});
  r.push_back(
      {"cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID] | "
       "cac:DocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID]",
       {{"BR-CL-07", F, InList(kReferenceQualifiers, "@schemeID"),
         "The object identifier scheme is not in UNTDID 1153."}}});
  r.push_back(
      {"cac:PartyIdentification/cbc:ID[@schemeID]",
       {{"BR-CL-10", F,
         Keep(fmt::format(
             "({}) or ({} and (ancestor::cac:AccountingSupplierParty or ancestor::cac:PayeeParty))",
             InList(kIcdSchemes, "@schemeID"), InList(" SEPA ", "@schemeID"))),
         "The identifier scheme is not in ISO 6523 ICD (SEPA only for the seller or payee)."}}});
  r.push_back({"cac:PartyLegalEntity/cbc:CompanyID[@schemeID]",
               {{"BR-CL-11", F, InList(kIcdSchemes, "@schemeID"),
                 "The registration identifier scheme is not in ISO 6523 ICD."}}});
  r.push_back({"cac:CommodityClassification/cbc:ItemClassificationCode[@listID]",
               {{"BR-CL-13", F, InList(kItemClassificationSchemes, "@listID"),
                 "The item classification scheme is not in UNTDID 7143."}}});
  r.push_back({"cac:Country/cbc:IdentificationCode",
               {{"BR-CL-14", F, InList(kCountryCodes, "."),
                 "The country code is not ISO 3166-1 alpha-2."}}});
  r.push_back({"cac:OriginCountry/cbc:IdentificationCode",
               {{"BR-CL-15", F, InList(kCountryCodes, "."),
                 "The item country of origin is not ISO 3166-1 alpha-2."}}});
  r.push_back({"cac:PaymentMeans/cbc:PaymentMeansCode",
               {{"BR-CL-16", F, InList(kPaymentMeansCodes, "."),
                 "The payment means code is not in UNTDID 4461."}}});
  r.push_back({"cac:TaxCategory/cbc:ID",
               {{"BR-CL-17", F, InList(" AE L M E S Z G O K B ", "."),
                 "The VAT category code is not in UNTDID 5305 subset."}}});
  r.push_back({"cac:ClassifiedTaxCategory/cbc:ID",
               {{"BR-CL-18", F, InList(" AE L M E S Z G O K B ", "."),
                 "The line VAT category code is not in UNTDID 5305 subset."}}});
  r.push_back({"cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]/cbc:AllowanceChargeReasonCode",
               {{"BR-CL-19", F, InList(kAllowanceReasonCodes, "."),
                 "The allowance reason code is not in UNTDID 5189."}}});
  r.push_back({"cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]/cbc:AllowanceChargeReasonCode",
               {{"BR-CL-20", F, InList(kChargeReasonCodes, "."),
                 "The charge reason code is not in UNTDID 7161."}}});
  r.push_back({"cac:StandardItemIdentification/cbc:ID[@schemeID]",
               {{"BR-CL-21", F, InList(kIcdSchemes, "@schemeID"),
                 "The item identifier scheme is not in ISO 6523 ICD."}}});
  r.push_back({"cbc:TaxExemptionReasonCode",
               {{"BR-CL-22", F,
                 Keep(fmt::format("not(contains(normalize-space(.),' ')) and contains('{}', "
                                  "concat(' ', normalize-space(upper-case(.)), ' '))",
                                  kVatexCodes)),
                 "The exemption reason code is not in the VATEX list."}}});
  r.push_back(
      {"cbc:InvoicedQuantity[@unitCode] | cbc:BaseQuantity[@unitCode] | "
       "cbc:CreditedQuantity[@unitCode]",
       {{"BR-CL-23", F, InList(kUnitCodes, "@unitCode"),
         "The unit code is not in UN/ECE Rec 20/21."}}});
  r.push_back({"cbc:EmbeddedDocumentBinaryObject[@mimeCode]",
               {{"BR-CL-24", F,
                 "@mimeCode = 'application/pdf' or @mimeCode = 'image/png' or @mimeCode = "
                 "'image/jpeg' or @mimeCode = 'text/csv' or @mimeCode = "
                 "'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' or @mimeCode "
                 "= 'application/vnd.oasis.opendocument.spreadsheet'",
                 "The attachment MIME code is not allowed."}}});
  r.push_back({"cbc:EndpointID[@schemeID]",
               {{"BR-CL-25", F, InList(kEasCodes, "@schemeID"),
                 "The electronic address scheme is not in the CEF EAS list."}}});
  r.push_back({"cac:DeliveryLocation/cbc:ID[@schemeID]",
               {{"BR-CL-26", F, InList(kIcdSchemes, "@schemeID"),
                 "The delivery location scheme is not in ISO 6523 ICD."}}});
  return p;
}

}  // namespace

PatternDef NotUsedPattern(bool cii, CenRelease release) {
  const bool current = release == CenRelease::k1_3_16;
  const std::span<const GeneratedRule> rules =
      cii ? (current ? std::span<const GeneratedRule>(kCii16Rules) : kCii14Rules)
          : (current ? std::span<const GeneratedRule>(kUbl16Rules) : kUbl14Rules);
  const AssertDef* asserts =
      cii ? (current ? kCii16Asserts : kCii14Asserts) : (current ? kUbl16Asserts : kUbl14Asserts);
  PatternDef p{cii ? "EN16931-CII-Syntax (not used)" : "UBL-syntax (not used)", {}};
  for (const auto& gr : rules) {
    RuleDef r{gr.context, {}};
    for (std::size_t k = gr.first; k < gr.first + gr.count; ++k) {
      AssertDef a = asserts[k];
      std::string_view test(a.test);
      if (test.starts_with("unused:")) {
        std::string paths(test.substr(7));
        for (std::size_t bar; (bar = paths.find('|')) != std::string::npos;)
          paths.replace(bar, 1, " or ");
        a.message = Keep(fmt::format("Not used in EN 16931: {}.", paths));
      } else {
        a.message = Keep(fmt::format("Not allowed by the EN 16931 syntax binding ({}).", a.id));
      }
      r.asserts.push_back(a);
    }
    // Rules without asserts stay: they claim their nodes as the official ones do.
    p.rules.push_back(std::move(r));
  }
  return p;
}

std::vector<PatternDef> CenUblPatterns(CenRelease release) {
  // Built once per release: the tables point into strings kept for the process' life.
  static const auto& current = *new std::vector<PatternDef>{
      Model(CenRelease::k1_3_16), Syntax(CenRelease::k1_3_16), Codes(),
      NotUsedPattern(false, CenRelease::k1_3_16)};
  static const auto& pinned = *new std::vector<PatternDef>{
      Model(CenRelease::k1_3_14_1), Syntax(CenRelease::k1_3_14_1), Codes(),
      NotUsedPattern(false, CenRelease::k1_3_14_1)};
  return release == CenRelease::k1_3_16 ? current : pinned;
}

}  // namespace digitrade::trade::einvoice::internal
