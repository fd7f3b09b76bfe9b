// EN 16931 rules for UN/CEFACT CII D16B (CEN release 1.3.16). Messages are ours.
// Every assert of the official rules except BR-CO-05..08 (true() there).
#include <fmt/format.h>

#include "trade/einvoice/internal/code_lists.h"
#include "trade/einvoice/internal/rules.h"

namespace digitrade::trade::einvoice::internal {

namespace {

#define TX "rsm:SupplyChainTradeTransaction/"
#define AGREEMENT TX "ram:ApplicableHeaderTradeAgreement/"

#define SETTLEMENT \
  "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
#define SELLER_VAT_OR_REP                                                                     \
  "(/rsm:CrossIndustryInvoice/" AGREEMENT                                                     \
  "ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'VA' or @schemeID = " \
  "'FC'] or /rsm:CrossIndustryInvoice/" AGREEMENT                                             \
  "ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'VA'])"

// Allowance/charge asserts shared by the document and line levels; the
// context is the ChargeIndicator element, as in the CII binding.
std::vector<AssertDef> AllowanceAsserts(bool charge, bool line) {
  if (line) {
    return charge
               ? std::vector<
                     AssertDef>{{"BR-43", F, "../ram:ActualAmount",
                                 "A line charge (BG-28) needs an amount (BT-141)."},
                                {"BR-44", F, "../ram:Reason or ../ram:ReasonCode",
                                 "A line charge needs a reason or a reason code."},
                                {"BR-CO-24", F, "../ram:Reason or ../ram:ReasonCode",
                                 "A line charge needs a reason, a reason code or both."},
                                {"BR-DEC-27", F,
                                 "string-length(substring-after(../ram:ActualAmount[1],'.')) <= 2",
                                 "Line charge amount: at most 2 decimals."},
                                {"BR-DEC-28", F,
                                 "string-length(substring-after(../ram:BasisAmount,'.')) <= 2",
                                 "Line charge base amount: at most 2 decimals."}}
               : std::vector<AssertDef>{
                     {"BR-41", F, "../ram:ActualAmount",
                      "A line allowance (BG-27) needs an amount (BT-136)."},
                     {"BR-42", F, "../ram:Reason or ../ram:ReasonCode",
                      "A line allowance needs a reason or a reason code."},
                     {"BR-CO-23", F, "../ram:Reason or ../ram:ReasonCode",
                      "A line allowance needs a reason, a reason code or both."},
                     {"BR-DEC-24", F,
                      "string-length(substring-after(../ram:ActualAmount[1],'.')) <= 2",
                      "Line allowance amount: at most 2 decimals."},
                     {"BR-DEC-25", F, "string-length(substring-after(../ram:BasisAmount,'.')) <= 2",
                      "Line allowance base amount: at most 2 decimals."}};
  }
  return charge
             ? std::vector<
                   AssertDef>{{"BR-36", F, "../ram:ActualAmount",
                               "A document level charge (BG-21) needs an amount (BT-99)."},
                              {"BR-37", F,
                               "../ram:CategoryTradeTax[upper-case(ram:TypeCode) = "
                               "'VAT']/ram:CategoryCode",
                               "A document level charge needs a VAT category code (BT-102)."},
                              {"BR-38", F, "../ram:Reason or ../ram:ReasonCode",
                               "A document level charge needs a reason or a reason code."},
                              {"BR-CO-22", F, "../ram:Reason or ../ram:ReasonCode",
                               "A document level charge needs a reason, a reason code or both."},
                              {"BR-DEC-05", F,
                               "string-length(substring-after(../ram:ActualAmount[1],'.')) <= 2",
                               "Document level charge amount: at most 2 decimals."},
                              {"BR-DEC-06", F,
                               "string-length(substring-after(../ram:BasisAmount,'.')) <= 2",
                               "Document level charge base amount: at most 2 decimals."}}
             : std::vector<AssertDef>{
                   {"BR-31", F, "../ram:ActualAmount",
                    "A document level allowance (BG-20) needs an amount (BT-92)."},
                   {"BR-32", F,
                    "../ram:CategoryTradeTax[upper-case(ram:TypeCode) = 'VAT']/ram:CategoryCode",
                    "A document level allowance needs a VAT category code (BT-95)."},
                   {"BR-33", F, "../ram:Reason or ../ram:ReasonCode",
                    "A document level allowance needs a reason or a reason code."},
                   {"BR-CO-21", F, "../ram:Reason or ../ram:ReasonCode",
                    "A document level allowance needs a reason, a reason code or both."},
                   {"BR-DEC-01", F,
                    "string-length(substring-after(../ram:ActualAmount[1],'.')) <= 2",
                    "Document level allowance amount: at most 2 decimals."},
                   {"BR-DEC-02", F, "string-length(substring-after(../ram:BasisAmount,'.')) <= 2",
                    "Document level allowance base amount: at most 2 decimals."}};
}

// "exactly one breakdown of `code` when it is used anywhere" (BR-Z/E/AE/IC/G-01).
const char* CategoryInBreakdown(const char* code) {
  return Keep(fmt::format(
      "(count(//ram:ApplicableHeaderTradeSettlement/"
      "ram:ApplicableTradeTax[ram:CategoryCode='{0}'])=0 and "
      "count(//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode='{0}'])=0 "
      "and count(//ram:CategoryTradeTax[ram:CategoryCode='{0}'])=0) or "
      "(count(//ram:ApplicableHeaderTradeSettlement/"
      "ram:ApplicableTradeTax[ram:CategoryCode='{0}'])=1 and "
      "(exists(//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode='{0}']) "
      "or exists(//ram:CategoryTradeTax[ram:CategoryCode='{0}'])))",
      code));
}

// BR-S/AF/AG-01: a rated category used on lines or allowances needs a breakdown.
const char* RatedCategoryInBreakdown(const char* code) {
  return Keep(fmt::format(
      "((count(//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode='{0}']) "
      "+ "
      "count(//ram:ApplicableHeaderTradeSettlement/"
      "ram:ApplicableTradeTax[ram:CategoryCode='{0}'])) >= 2 or "
      "not(//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode='{0}'])) and "
      "((count(//ram:CategoryTradeTax[ram:CategoryCode='{0}']) + "
      "count(//ram:ApplicableHeaderTradeSettlement/"
      "ram:ApplicableTradeTax[ram:CategoryCode='{0}'])) >= 2 or "
      "not(//ram:CategoryTradeTax[ram:CategoryCode='{0}']))",
      code));
}

// -02/-05 (lines), -03/-06 (allowances), -04/-07 (charges) of a rated category.
// The item rules of a VAT category family: -02 on its lines, -03 on its
// allowances, -04 on its charges (who must be identified: `who`, described
// by `who_words`), and -05..-07 on the same three (the rate: `rate`,
// described by `rate_words`).
struct ItemRules {
  const char* who;
  const char* who_words;
  const char* rate;
  const char* rate_words;
};
void AddCategoryItemRules(std::vector<RuleDef>& r, const char* fam, const char* code,
                          const ItemRules& t) {
  auto id = [fam](int n) { return Keep(fmt::format("BR-{}-{:02d}", fam, n)); };
  struct Item {
    int n;
    const char* context;
    const char* what;
  };
  static constexpr Item kItems[] = {
      {2,
       "//rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/"
       "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax",
       "A line"},
      {3,
       "//ram:SpecifiedTradeAllowanceCharge[is-false(ram:ChargeIndicator/udt:Indicator)]/"
       "ram:CategoryTradeTax",
       "An allowance"},
      {4,
       "//ram:SpecifiedTradeAllowanceCharge[is-true(ram:ChargeIndicator/udt:Indicator)]/"
       "ram:CategoryTradeTax",
       "A charge"}};
  for (const auto& item : kItems) {
    r.push_back(
        {Keep(fmt::format("{}[ram:CategoryCode = '{}'][upper-case(ram:TypeCode) = 'VAT']",
                          item.context, code)),
         {{id(item.n), F, t.who,
           Keep(fmt::format("{} in category {} needs {}.", item.what, code, t.who_words))},
          {id(item.n + 3), F, t.rate,
           Keep(fmt::format("{} in category {} needs {}.", item.what, code, t.rate_words))}}});
  }
}

void AddRatedCategoryRules(std::vector<RuleDef>& r, const char* fam, const char* code) {
  AddCategoryItemRules(r, fam, code,
                       {SELLER_VAT_OR_REP, "the seller's VAT identifier",
                        "dbl(ram:RateApplicablePercent) > 0", "a positive rate"});
}

#define ANY_SELLER_VAT                                                   \
  "(//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'VA'] or " \
  "//ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'VA'])"
#define BUYER_VAT "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'VA']"

// The families without VAT: reverse charge (AE), exempt (E), export (G),
// intra-community (IC, code K), zero rated (Z), and not subject to VAT (O),
// each with its breakdown rules (-08..-10, more for IC and O) and item rules.
void AddZeroCategoryRules(std::vector<RuleDef>& r) {
  struct Family {
    const char* fam;
    const char* code;
    const char* breakdown;  // the rule context of -08..-10: the breakdown's CategoryCode
    const char* who;        // -02..-04
    const char* who_words;
    bool exemption;  // -10: a reason is required (else: forbidden)
    const char* native_08;
  };
  static constexpr Family kFamilies[] = {
      {"AE", "AE",
       "//rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
       "ram:CategoryCode[. = 'AE'][upper-case(../ram:TypeCode) = 'VAT']",
       "(//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'VA' or @schemeID "
       "= 'FC'] or //ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration/"
       "ram:ID[@schemeID = 'VA']) and (" BUYER_VAT
       " or //ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID)",
       "the seller's VAT identifier and the buyer's VAT or legal registration identifier", true,
       "native:cii-br-ae-08"},
      {"E", "E",
       "//rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
       "ram:CategoryCode[. = 'E'][upper-case(../ram:TypeCode) = 'VAT']",
       SELLER_VAT_OR_REP, "the seller's VAT identifier", true, "native:cii-br-e-08"},
      {"G", "G",
       "//rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
       "ram:CategoryCode[. = 'G'][upper-case(../ram:TypeCode) = 'VAT']",
       ANY_SELLER_VAT, "the seller's VAT identifier", true, "native:cii-br-g-08"},
      {"IC", "K",
       "//rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
       "ram:CategoryCode[. = 'K'][upper-case(../ram:TypeCode) = 'VAT']",
       ANY_SELLER_VAT " and " BUYER_VAT, "the seller's and the buyer's VAT identifiers", true,
       "native:cii-br-ic-08"},
      {"Z", "Z", "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode[. = 'Z']",
       SELLER_VAT_OR_REP, "the seller's VAT identifier", false, "native:cii-br-z-08"}};
  for (const auto& f : kFamilies) {
    auto id = [&f](int n) { return Keep(fmt::format("BR-{}-{:02d}", f.fam, n)); };
    RuleDef breakdown{
        f.breakdown,
        {{id(8), F, f.native_08,
          Keep(fmt::format("The taxable amount of category {} must equal its lines plus charges "
                           "minus allowances (within 1).",
                           f.code))},
         {id(9), F, "dbl(../ram:CalculatedAmount) = 0",
          Keep(fmt::format("The VAT amount of category {} must be 0.", f.code))},
         {id(10), F,
          f.exemption ? "(../ram:ExemptionReason) or (../ram:ExemptionReasonCode)"
                      : "not(../ram:ExemptionReason) and not(../ram:ExemptionReasonCode)",
          Keep(f.exemption
                   ? fmt::format("Category {} needs an exemption reason or its code.", f.code)
                   : fmt::format("Category {} takes no exemption reason.", f.code))}}};
    if (std::string_view(f.code) == "K") {
      breakdown.asserts.push_back(
          {"BR-IC-11", F,
           "(/rsm:CrossIndustryInvoice/" TX
           "ram:ApplicableHeaderTradeDelivery/ram:ActualDeliverySupplyChainEvent/"
           "ram:OccurrenceDateTime/udt:DateTimeString) or "
           "(../../ram:BillingSpecifiedPeriod/ram:StartDateTime) or "
           "(../../ram:BillingSpecifiedPeriod/ram:EndDateTime)",
           "Intra-community supply: an actual delivery date (BT-72) or an invoicing period (BG-14) "
           "is required."});
      breakdown.asserts.push_back(
          {"BR-IC-12", F,
           "/rsm:CrossIndustryInvoice/" TX
           "ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:PostalTradeAddress/"
           "ram:CountryID",
           "Intra-community supply: the deliver-to country code (BT-80) is required."});
    }
    r.push_back(std::move(breakdown));
    AddCategoryItemRules(r, f.fam, f.code,
                         {f.who, f.who_words, "dbl(ram:RateApplicablePercent) = 0", "a rate of 0"});
  }
  // Not subject to VAT (O): no rate, no VAT identifiers, no other category.
  r.push_back(
      {"//rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
       "ram:ApplicableTradeTax[ram:CategoryCode = 'O'][upper-case(ram:TypeCode) = 'VAT']",
       {{"BR-O-08", F, "native:cii-br-o-08",
         "The taxable amount of category O must equal its lines plus charges minus allowances."},
        {"BR-O-09", F, "dbl(ram:CalculatedAmount) = 0", "The VAT amount of category O must be 0."},
        {"BR-O-10", F, "(ram:ExemptionReason) or (ram:ExemptionReasonCode)",
         "Category O needs an exemption reason or its code."},
        {"BR-O-11", F, "not(//ram:ApplicableTradeTax[ram:CategoryCode != 'O'])",
         "An invoice with category O has no other VAT category in its breakdown."},
        {"BR-O-12", F, "not(//ram:ApplicableTradeTax[ram:CategoryCode != 'O'])",
         "An invoice with category O has no line in another VAT category."},
        {"BR-O-13", F, "not(//ram:CategoryTradeTax[ram:CategoryCode != 'O'])",
         "An invoice with category O has no allowance in another VAT category."},
        {"BR-O-14", F, "not(//ram:CategoryTradeTax[ram:CategoryCode != 'O'])",
         "An invoice with category O has no charge in another VAT category."}}});
  AddCategoryItemRules(
      r, "O", "O",
      {"not(/rsm:CrossIndustryInvoice/" AGREEMENT
       "ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'VA']) "
       "and not(/rsm:CrossIndustryInvoice/" AGREEMENT
       "ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration/"
       "ram:ID[@schemeID = 'VA']) and not(" BUYER_VAT ")",
       "no VAT identifier of the seller, its tax representative or the buyer",
       "not(ram:RateApplicablePercent)", "no rate"});
}

PatternDef Model(CenRelease release) {
  PatternDef p{"EN16931-CII-Model", {}};
  auto& r = p.rules;
  r.push_back({"//ram:DesignatedProductClassification",
               {{"BR-65", F, "normalize-space(ram:ClassCode/@listID) != '' or not(ram:ClassCode)",
                 "The item classification (BT-158) needs a scheme identifier."}}});
  r.push_back({"//ram:AdditionalReferencedDocument",
               {{"BR-52", F, "normalize-space(ram:IssuerAssignedID) != ''",
                 "Each additional supporting document (BG-24) needs a reference (BT-122)."}}});
  r.push_back({"//ram:ApplicableTradeSettlementFinancialCard",
               {{"BR-51", F, "string-length(normalize-space(ram:ID)) <= 10",
                 "Do not send a full card number (BT-87)."}}});
  r.push_back(
      {"//ram:SpecifiedTradeSettlementPaymentMeans[ram:TypeCode='30' or "
       "ram:TypeCode='58']/ram:PayeePartyCreditorFinancialAccount",
       {{"BR-50", F,
         "normalize-space(ram:IBANID) != '' or normalize-space(ram:ProprietaryID) != ''",
         "A credit transfer needs the payment account identifier (BT-84)."},
        {"BR-61", F, "ram:IBANID or ram:ProprietaryID",
         "A credit transfer needs the payment account identifier (BT-84)."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
       "ram:ApplicableHeaderTradeDelivery",
       {{"BR-57", F,
         "(ram:ShipToTradeParty/ram:PostalTradeAddress and "
         "normalize-space(ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID) != '') or "
         "not(ram:ShipToTradeParty/ram:PostalTradeAddress)",
         "The deliver-to address (BG-15) needs a country code (BT-80)."}}});
  r.push_back(
      {"//ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeAllowanceCharge/"
       "ram:ChargeIndicator[udt:Indicator='false']",
       AllowanceAsserts(false, false)});
  r.push_back(
      {"//ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeAllowanceCharge/"
       "ram:ChargeIndicator[udt:Indicator='true']",
       AllowanceAsserts(true, false)});
  r.push_back(
      {"//ram:SpecifiedTradeSettlementHeaderMonetarySummation",
       {{"BR-12", F, "ram:LineTotalAmount",
         "The sum of invoice line net amounts (BT-106) is missing."},
        {"BR-13", F, "ram:TaxBasisTotalAmount",
         "The invoice total without VAT (BT-109) is missing."},
        {"BR-14", F, "ram:GrandTotalAmount", "The invoice total with VAT (BT-112) is missing."},
        {"BR-15", F, "ram:DuePayableAmount", "The amount due for payment (BT-115) is missing."},
        {"BR-53", F,
         "not(" SETTLEMENT "ram:TaxCurrencyCode) or (ram:TaxTotalAmount/@currencyID = " SETTLEMENT
         "ram:TaxCurrencyCode and not(" SETTLEMENT "ram:TaxCurrencyCode = " SETTLEMENT
         "ram:InvoiceCurrencyCode))",
         "With a VAT accounting currency (BT-6), the total VAT in that currency (BT-111) is "
         "required."},
        {"BR-CO-10", F, "native:cii-br-co-10",
         "BT-106 must equal the sum of the line net amounts (BT-131)."},
        {"BR-CO-11", F,
         "(not(" SETTLEMENT
         "ram:SpecifiedTradeAllowanceCharge[is-false(ram:ChargeIndicator/udt:Indicator)]) and "
         "not(ram:AllowanceTotalAmount)) or dbl(ram:AllowanceTotalAmount) = (round(sum(" SETTLEMENT
         "ram:SpecifiedTradeAllowanceCharge[is-false(ram:ChargeIndicator/udt:Indicator)]/"
         "ram:ActualAmount[1]) * 10 * 10) div 100)",
         "BT-107 must equal the sum of document level allowances (BT-92)."},
        {"BR-CO-12", F,
         "(not(" SETTLEMENT
         "ram:SpecifiedTradeAllowanceCharge[is-true(ram:ChargeIndicator/udt:Indicator)]) and "
         "not(ram:ChargeTotalAmount)) or dbl(ram:ChargeTotalAmount) = (round(sum(" SETTLEMENT
         "ram:SpecifiedTradeAllowanceCharge[is-true(ram:ChargeIndicator/udt:Indicator)]/"
         "ram:ActualAmount[1]) * 10 * 10) div 100)",
         "BT-108 must equal the sum of document level charges (BT-99)."},
        {"BR-CO-13", F, "native:cii-br-co-13", "BT-109 must equal BT-106 - BT-107 + BT-108."},
        {"BR-CO-16", F, "native:cii-br-co-16", "BT-115 must equal BT-112 - BT-113 + BT-114."},
        {"BR-DEC-09", F, "string-length(substring-after(ram:LineTotalAmount,'.')) <= 2",
         "BT-106: at most 2 decimals."},
        {"BR-DEC-10", F, "string-length(substring-after(ram:AllowanceTotalAmount,'.')) <= 2",
         "BT-107: at most 2 decimals."},
        {"BR-DEC-11", F, "string-length(substring-after(ram:ChargeTotalAmount,'.')) <= 2",
         "BT-108: at most 2 decimals."},
        {"BR-DEC-12", F, "string-length(substring-after(ram:TaxBasisTotalAmount,'.')) <= 2",
         "BT-109: at most 2 decimals."},
        {"BR-DEC-14", F, "string-length(substring-after(ram:GrandTotalAmount,'.')) <= 2",
         "BT-112: at most 2 decimals."},
        {"BR-DEC-13", F,
         "not(ram:TaxTotalAmount) or ram:TaxTotalAmount[(@currencyID = " SETTLEMENT
         "ram:InvoiceCurrencyCode and dbl(.) = round(dbl(.) * 100) div 100) or not(@currencyID "
         "= " SETTLEMENT "ram:InvoiceCurrencyCode)]",
         "BT-110: at most 2 decimals."},
        {"BR-DEC-15", F,
         "not(ram:TaxTotalAmount) or ram:TaxTotalAmount[(@currencyID = " SETTLEMENT
         "ram:TaxCurrencyCode and dbl(.) = round(dbl(.) * 100) div 100) or not(" SETTLEMENT
         "ram:TaxCurrencyCode)]",
         "BT-111: at most 2 decimals."},
        {"BR-DEC-16", F, "string-length(substring-after(ram:TotalPrepaidAmount,'.')) <= 2",
         "BT-113: at most 2 decimals."},
        {"BR-DEC-17", F, "string-length(substring-after(ram:RoundingAmount,'.')) <= 2",
         "BT-114: at most 2 decimals."},
        {"BR-DEC-18", F, "string-length(substring-after(ram:DuePayableAmount,'.')) <= 2",
         "BT-115: at most 2 decimals."}}});
  RuleDef root{
      "/rsm:CrossIndustryInvoice",
      {{"BR-01", F,
        "normalize-space(rsm:ExchangedDocumentContext/"
        "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID) != ''",
        "The specification identifier (BT-24) is missing."},
       {"BR-02", F, "normalize-space(rsm:ExchangedDocument/ram:ID) != ''",
        "The invoice number (BT-1) is missing."},
       {"BR-03", F,
        "normalize-space(rsm:ExchangedDocument/ram:IssueDateTime/"
        "udt:DateTimeString[@format='102']) != ''",
        "The issue date (BT-2) is missing."},
       {"BR-04", F, "normalize-space(rsm:ExchangedDocument/ram:TypeCode) != ''",
        "The invoice type code (BT-3) is missing."},
       {"BR-05", F,
        "normalize-space(" TX "ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode) != ''",
        "The invoice currency code (BT-5) is missing."},
       {"BR-06", F, "normalize-space(" AGREEMENT "ram:SellerTradeParty/ram:Name) != ''",
        "The seller name (BT-27) is missing."},
       {"BR-07", F, "normalize-space(" AGREEMENT "ram:BuyerTradeParty/ram:Name) != ''",
        "The buyer name (BT-44) is missing."},
       {"BR-08", F, AGREEMENT "ram:SellerTradeParty/ram:PostalTradeAddress",
        "The seller postal address (BG-5) is missing."},
       {"BR-09", F,
        "normalize-space(" AGREEMENT
        "ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID) != ''",
        "The seller country code (BT-40) is missing."},
       {"BR-10", F, AGREEMENT "ram:BuyerTradeParty/ram:PostalTradeAddress",
        "The buyer postal address (BG-8) is missing."},
       {"BR-11", F,
        "normalize-space(" AGREEMENT
        "ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID) != ''",
        "The buyer country code (BT-55) is missing."},
       {"BR-16", F, "//ram:IncludedSupplyChainTradeLineItem",
        "An invoice needs at least one line (BG-25)."},
       {"BR-62", F,
        "normalize-space(" AGREEMENT "ram:SellerTradeParty/ram:URIUniversalCommunication[1]/"
                                     "ram:URIID/@schemeID) != '' or not(" AGREEMENT
        "ram:SellerTradeParty/ram:URIUniversalCommunication)",
        "The seller electronic address (BT-34) needs a scheme identifier."},
       {"BR-63", F,
        "normalize-space(" AGREEMENT "ram:BuyerTradeParty/ram:URIUniversalCommunication[1]/"
                                     "ram:URIID/@schemeID) != '' or not(" AGREEMENT
        "ram:BuyerTradeParty/ram:URIUniversalCommunication)",
        "The buyer electronic address (BT-49) needs a scheme identifier."},
       {"BR-CO-15", F,
        release == CenRelease::k1_3_16 ? "native:cii-br-co-15" : "native:cii-br-co-15-1.3.14.1",
        "BT-112 must equal BT-109 + BT-110."},
       {"BR-S-01", F, RatedCategoryInBreakdown("S"),
        "Standard rate in use: the VAT breakdown needs an S group."}}};
  for (const auto& [fam, code] : std::initializer_list<std::pair<const char*, const char*>>{
           {"Z", "Z"}, {"E", "E"}, {"AE", "AE"}, {"IC", "K"}, {"G", "G"}}) {
    root.asserts.push_back(
        {Keep(fmt::format("BR-{}-01", fam)), F, CategoryInBreakdown(code),
         Keep(fmt::format("Category {} in use: the VAT breakdown needs exactly one {} group.", code,
                          code))});
  }
  root.asserts.push_back(
      {"BR-O-01", F,
       "not(//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode='O']) or "
       "(count(//ram:ApplicableHeaderTradeSettlement/"
       "ram:ApplicableTradeTax[ram:CategoryCode='O'])=1 and "
       "(exists(//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode='O']) "
       "or exists(//ram:CategoryTradeTax[ram:CategoryCode='O'])))",
       "Category O in use: the VAT breakdown needs exactly one O group."});
  root.asserts.push_back({"BR-AF-01", F, RatedCategoryInBreakdown("L"),
                          "Category L in use: the VAT breakdown needs an L group."});
  root.asserts.push_back({"BR-AG-01", F, RatedCategoryInBreakdown("M"),
                          "Category M in use: the VAT breakdown needs an M group."});
  root.asserts.push_back({"BR-B-01", F,
                          "(not(//ram:CountryID != 'IT') and //ram:CategoryCode = 'B') or "
                          "not(//ram:CategoryCode = 'B')",
                          "Split payment (B) is only for domestic Italian invoices."});
  root.asserts.push_back({"BR-B-02", F,
                          "(//ram:CategoryCode = 'B' and not(//ram:CategoryCode = 'S')) or "
                          "not(//ram:CategoryCode = 'B')",
                          "Split payment (B) and standard rate (S) exclude each other."});
  if (release == CenRelease::k1_3_14_1) {
    root.asserts.push_back(
        {"BR-CO-25", F,
         "(number(//ram:DuePayableAmount) > 0 and "
         "(//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime or "
         "//ram:SpecifiedTradePaymentTerms/ram:Description)) or not(number(//ram:DuePayableAmount) "
         "> 0)",
         "With a positive amount due, a due date (BT-9) or payment terms (BT-20) are required."});
    r.push_back({"//ram:SpecifiedTradeAllowanceCharge",
                 {{"BR-66", F, "ram:ChargeIndicator",
                   "An allowance or charge needs its charge indicator."}}});
  }
  r.push_back(std::move(root));
  r.push_back(
      {"//ram:IncludedSupplyChainTradeLineItem",
       {{"BR-21", F, "normalize-space(ram:AssociatedDocumentLineDocument/ram:LineID) != ''",
         "Each line (BG-25) needs an identifier (BT-126)."},
        {"BR-22", F, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
         "Each line needs a quantity (BT-129)."},
        {"BR-23", F, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode",
         "Each line needs a quantity unit code (BT-130)."},
        {"BR-24", F,
         "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/"
         "ram:LineTotalAmount",
         "Each line needs a net amount (BT-131)."},
        {"BR-25", F, "normalize-space(ram:SpecifiedTradeProduct/ram:Name) != ''",
         "Each line needs an item name (BT-153)."},
        {"BR-26", F,
         "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
         "Each line needs a net price (BT-146)."},
        {"BR-27", F,
         "dbl(ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount) >= 0",
         "The item net price (BT-146) must not be negative."},
        {"BR-28", F,
         "dbl(ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:ChargeAmount) >= "
         "0 or "
         "not(ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:ChargeAmount)",
         "The item gross price (BT-148) must not be negative."},
        {"BR-64", F,
         "normalize-space(ram:SpecifiedTradeProduct/ram:GlobalID/@schemeID) != '' or "
         "not(ram:SpecifiedTradeProduct/ram:GlobalID)",
         "The item standard identifier (BT-157) needs a scheme identifier."},
        {"BR-CO-04", F,
         "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax[upper-case(ram:TypeCode) = "
         "'VAT']/ram:CategoryCode",
         "Each line needs a VAT category code (BT-151)."},
        {"BR-CO-18", F,
         "//rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
         "ram:ApplicableTradeTax",
         "An invoice needs at least one VAT breakdown (BG-23)."},
        {"BR-DEC-23", F,
         "string-length(substring-after(ram:SpecifiedLineTradeSettlement/"
         "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount,'.')) <= 2",
         "Line net amount (BT-131): at most 2 decimals."}}});
  r.push_back(
      {"//ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/"
       "ram:ChargeIndicator[udt:Indicator = 'false']",
       AllowanceAsserts(false, true)});
  r.push_back(
      {"//ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/"
       "ram:ChargeIndicator[udt:Indicator = 'true']",
       AllowanceAsserts(true, true)});
  const char* order =
      "ram:EndDateTime/udt:DateTimeString[@format = '102'] >= "
      "ram:StartDateTime/udt:DateTimeString[@format = '102'] or not(ram:EndDateTime) or "
      "not(ram:StartDateTime)";
  r.push_back({"//ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod",
               {{"BR-30", F, order,
                 "The line period end date (BT-135) must not be before its start date (BT-134)."},
                {"BR-CO-20", F, "ram:StartDateTime or ram:EndDateTime",
                 "A line period (BG-26) needs a start or an end date."}}});
  r.push_back(
      {"//ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod",
       {{"BR-29", F, order,
         "The invoicing period end date (BT-74) must not be before its start date (BT-73)."},
        {"BR-CO-19", F, "ram:StartDateTime or ram:EndDateTime",
         "An invoicing period (BG-14) needs a start or an end date."}}});
  r.push_back({"//ram:ApplicableProductCharacteristic",
               {{"BR-54", F, "ram:Description and ram:Value",
                 "Each item attribute (BG-32) needs a name and a value."}}});
  r.push_back(
      {"//ram:PayeeTradeParty",
       {{"BR-17", F,
         "ram:Name and not(ram:Name = "
         "../../ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:Name) and not(ram:ID = "
         "../../ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:ID) and "
         "not(ram:SpecifiedLegalOrganization/ram:ID = "
         "../../ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/"
         "ram:SpecifiedLegalOrganization/ram:ID)",
         "A payee (BG-10) different from the seller needs a name (BT-59)."}}});
  r.push_back({"//ram:SpecifiedTradeSettlementPaymentMeans",
               {{"BR-49", F, "ram:TypeCode",
                 "Payment instructions (BG-16) need a payment means type code (BT-81)."}}});
  r.push_back({SETTLEMENT "ram:InvoiceReferencedDocument",
               {{"BR-55", F, "normalize-space(ram:IssuerAssignedID) != ''",
                 "Each preceding invoice reference (BG-3) needs its number (BT-25)."}}});
  r.push_back(
      {"//ram:SellerTradeParty",
       {{"BR-CO-26", F,
         "ram:ID or ram:GlobalID or ram:SpecifiedLegalOrganization/ram:ID or "
         "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
         "The seller needs an identifier, a legal registration identifier or a VAT identifier."}}});
  r.push_back(
      {"//ram:SellerTaxRepresentativeTradeParty",
       {{"BR-18", F, "normalize-space(ram:Name) != ''",
         "The tax representative (BG-11) needs a name (BT-62)."},
        {"BR-19", F, "ram:PostalTradeAddress",
         "The tax representative needs a postal address (BG-12)."},
        {"BR-20", F, "normalize-space(ram:PostalTradeAddress/ram:CountryID) != ''",
         "The tax representative postal address needs a country code (BT-69)."},
        {"BR-56", F, "normalize-space(ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']) != ''",
         "The tax representative needs a VAT identifier (BT-63)."}}});
  r.push_back(
      {"//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount[@currencyID=/"
       "rsm:CrossIndustryInvoice/" TX
       "ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode]",
       {{"BR-CO-14", F, "native:cii-br-co-14",
         "The total VAT amount (BT-110) must equal the sum of VAT category amounts (BT-117)."}}});
  r.push_back({"//ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
               {{"BR-CO-09", F,
                 "contains(' 1A AD AE AF AG AI AL AM AN AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF "
                 "BG BH BI BL BJ BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN "
                 "CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH EL ER ES ET FI FJ FK FM FO "
                 "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID "
                 "IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC "
                 "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
                 "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR "
                 "PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR ST SV "
                 "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC "
                 "VE VG VI VN VU WF WS XI YE YT ZA ZM ZW ', concat(' ', substring(., 1, 2), ' '))",
                 "A VAT identifier must start with a country prefix."}}});
  // Standard rate (S): the breakdown rules sit on the category code.
  r.push_back(
      {"//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode[.='S']",
       {{"BR-S-08", F, "native:cii-br-s-08",
         "The taxable amount of category S must equal its lines plus charges minus allowances, per "
         "rate."},
        {"BR-S-09", F, "native:cii-br-s-09",
         "The VAT amount of category S must equal taxable amount x rate."},
        {"BR-S-10", F, "not(../ram:ExemptionReason) and not(../ram:ExemptionReasonCode)",
         "Category S takes no exemption reason."}}});
  AddRatedCategoryRules(r, "S", "S");
  // IGIC (L) and IPSI (M): the breakdown rules sit on the trade tax; their
  // -08 iterates over ../ram:RateApplicablePercent, which is always empty
  // from there, so it holds, as does -09 (true() in the official rules).
  for (const auto& [fam, code] :
       std::initializer_list<std::pair<const char*, const char*>>{{"AF", "L"}, {"AG", "M"}}) {
    r.push_back(
        {Keep(fmt::format(
             "//rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
             "ram:ApplicableTradeTax[ram:CategoryCode = '{}'][upper-case(ram:TypeCode) = 'VAT']",
             code)),
         {{Keep(fmt::format("BR-{}-08", fam)), F, "true()",
           Keep(fmt::format("The taxable amount of category {} must match its lines, per rate.",
                            code))},
          {Keep(fmt::format("BR-{}-09", fam)), F, "true()",
           Keep(fmt::format("The VAT amount of category {} must match its rate.", code))},
          {Keep(fmt::format("BR-{}-10", fam)), F,
           "not(ram:ExemptionReason) and not(ram:ExemptionReasonCode)",
           Keep(fmt::format("Category {} takes no exemption reason.", code))}}});
    AddRatedCategoryRules(r, fam, code);
  }
  // Before BR-45..48: their context (every breakdown) would otherwise take
  // the O breakdowns, and the reference gives each node to its first rule.
  AddZeroCategoryRules(r);
  r.push_back(
      {"//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
       {{"BR-45", F, "ram:BasisAmount",
         "Each VAT breakdown (BG-23) needs a taxable amount (BT-116)."},
        {"BR-46", F, "ram:CalculatedAmount", "Each VAT breakdown needs a VAT amount (BT-117)."},
        {"BR-47", F, "self::*[upper-case(ram:TypeCode) = 'VAT']/ram:CategoryCode",
         "Each VAT breakdown needs a category code (BT-118)."},
        {"BR-48", F,
         "self::*[upper-case(ram:TypeCode) = 'VAT']/ram:RateApplicablePercent or "
         "self::*[upper-case(ram:TypeCode) = 'VAT']/ram:CategoryCode = 'O'",
         "Each VAT breakdown needs a rate (BT-119), except category O."},
        {"BR-CO-03", F,
         "(//ram:TaxPointDate and not(//ram:DueDateTypeCode)) or (not(//ram:TaxPointDate) and "
         "//ram:DueDateTypeCode) or (not(//ram:TaxPointDate) and not(//ram:DueDateTypeCode))",
         "The tax point date (BT-7) and its code (BT-8) exclude each other."},
        {"BR-CO-17", F, "native:cii-br-co-17",
         "The category VAT amount (BT-117) must equal taxable amount x rate, rounded to 2 "
         "decimals."},
        {"BR-DEC-19", F, "string-length(substring-after(ram:BasisAmount,'.')) <= 2",
         "Taxable amount (BT-116): at most 2 decimals."},
        {"BR-DEC-20", F, "string-length(substring-after(ram:CalculatedAmount,'.')) <= 2",
         "Category VAT amount (BT-117): at most 2 decimals."}}});
  return p;
}

// "the value of `expr` is one code of `list`", as the code-list rules test it.
const char* CiiInList(const char* list, const char* expr, const char* normalized = nullptr) {
  return Keep(fmt::format(
      "not(contains(normalize-space({0}),' ')) and contains('{1}', concat(' ', {2}, ' '))", expr,
      list, normalized != nullptr ? normalized : fmt::format("normalize-space({})", expr)));
}

// The syntax binding: the rules whose contexts we implement, in the official
// order (only the asserts listed here; the others are counted as known
// mismatches until they are written).
PatternDef Syntax(CenRelease release) {
  PatternDef p{"EN16931-CII-Syntax", {}};
  auto& r = p.rules;
  r.push_back({"//ram:SpecifiedTradeSettlementPaymentMeans",
               {{"CII-SR-464", W, "not(ram:PayerSpecifiedDebtorFinancialInstitution)",
                 "The debtor's financial institution is not used in EN 16931."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext",
       {{"CII-SR-009", F, "count(ram:GuidelineSpecifiedDocumentContextParameter) = 1",
         "Exactly one specification identifier parameter."},
        {"CII-SR-010", F, "count(ram:GuidelineSpecifiedDocumentContextParameter/ram:ID) = 1",
         "Exactly one specification identifier (BT-24)."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:ExchangedDocument",
       {{"CII-SR-014", F, "count(ram:TypeCode) = 1", "Exactly one invoice type code (BT-3)."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IncludedNote",
       {{"CII-SR-030", W, "count(ram:Content) <= 1", "At most one note content per note."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
       "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeAgreement",
       {{"CII-SR-439", F, "count(ram:NetPriceProductTradePrice/ram:ChargeAmount) = 1",
         "Exactly one item net price (BT-146)."},
        {"CII-SR-441", F, "count(ram:NetPriceProductTradePrice/ram:ChargeAmount) <= 1",
         "At most one item net price (BT-146)."},
        {"CII-SR-119", W,
         "(ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/"
         "ram:ChargeIndicator[is-false(udt:Indicator)] and "
         "ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount) or "
         "(not(ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/"
         "ram:ChargeIndicator) and "
         "not(ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount))",
         "A price discount needs its indicator (false) and amount."}}});
  r.push_back(
      {"//ram:SpecifiedTradeAllowanceCharge",
       {{"CII-SR-463", F, "ram:ChargeIndicator", "An allowance or charge needs its indicator."},
        {"CII-SR-471", F, "count(ram:RateApplicablePercent) <= 1",
         "At most one percentage per allowance or charge."},
        {"CII-SR-472", F, "count(ram:CategoryTradeTax) <= 1",
         "At most one VAT category per allowance or charge."},
        {"CII-SR-473", F, "count(ram:ActualAmount) <= 1",
         "At most one amount per allowance or charge."}}});
  r.push_back(
      {"//ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge",
       {{"CII-SR-440", F, "count(ram:ActualAmount) <= 1", "At most one price discount amount."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
       "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement",
       {{"CII-SR-454", W, "count(ram:ApplicableTradeTax) = 1",
         "Exactly one VAT category per line."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
       "ram:ApplicableHeaderTradeAgreement",
       {{"CII-SR-459", F, "count(ram:SellerTradeParty/ram:URIUniversalCommunication) <= 1",
         "At most one seller electronic address."},
        {"CII-SR-465", W,
         "not(ram:SellerTradeParty/ram:DefinedTradeContact/ram:PersonName and "
         "ram:SellerTradeParty/ram:DefinedTradeContact/ram:DepartmentName)",
         "Seller contact: a person or a department, not both."},
        {"CII-SR-466", W,
         "not(ram:BuyerTradeParty/ram:DefinedTradeContact/ram:PersonName and "
         "ram:BuyerTradeParty/ram:DefinedTradeContact/ram:DepartmentName)",
         "Buyer contact: a person or a department, not both."},
        {"CII-SR-457", W, "count(ram:AdditionalReferencedDocument[ram:TypeCode='50']) <= 1",
         "At most one tender or lot reference."},
        {"CII-SR-458", W, "count(ram:AdditionalReferencedDocument[ram:TypeCode='130']) <= 1",
         "At most one invoiced object identifier."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
       "ram:ApplicableHeaderTradeSettlement",
       {{"CII-SR-452", W, "count(ram:SpecifiedTradePaymentTerms) <= 1",
         "At most one payment terms."},
        {"CII-SR-470", F,
         "count(ram:SpecifiedTradeSettlementPaymentMeans[(normalize-space(ram:TypeCode) = '30' or "
         "normalize-space(ram:TypeCode) = '58') and "
         "not(ram:PayeePartyCreditorFinancialAccount/ram:IBANID or "
         "ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID)]) = 0",
         "A credit transfer needs the payee account."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice",
       {{"CII-SR-467", F,
         "count(//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode[normalize-space(.) != "
         "normalize-space((//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode)[1])]) = 0",
         "All payment means have the same type code."},
        {"CII-SR-468", F,
         "count(//ram:SpecifiedTradeSettlementPaymentMeans/ram:Information[normalize-space(.) != "
         "normalize-space((//ram:SpecifiedTradeSettlementPaymentMeans/ram:Information)[1])]) = 0",
         "All payment means have the same information text."},
        {"CII-SR-469", F, "count(//ram:ApplicableHeaderTradeSettlement/ram:PaymentReference) <= 1",
         "At most one remittance information."}}});
  r.push_back(
      {"//ram:*[substring(name(), string-length(name()) - 5) = 'Amount' and "
       "not(self::ram:TaxTotalAmount)]",
       {{"CII-DT-031", F, "not(@currencyID)",
         "Only the total VAT amount carries a currency identifier."}}});
  r.push_back(
      {"//ram:*[substring(name(), string-length(name()) - 7) = 'Quantity']",
       {{"CII-DT-033", F,
         "not(@unitCode) or "
         "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
         "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/"
         "@unitCode",
         "A unit code is only allowed with a billed quantity unit."},
        {"CII-DT-034", F, "not(@unitCodeListID)", "unitCodeListID is not used in EN 16931."},
        {"CII-DT-035", F, "not(@unitCodeListAgencyID)",
         "unitCodeListAgencyID is not used in EN 16931."},
        {"CII-DT-036", F, "not(@unitCodeListAgencyName)",
         "unitCodeListAgencyName is not used in EN 16931."}}});
  RuleDef trade_tax{"//ram:*[substring(name(), string-length(name()) - 7) = 'TradeTax']",
                    {{"CII-DT-037", F, "not(ram:TypeCode) or ram:TypeCode = 'VAT'",
                      "The tax type code must be VAT."}}};
  struct NotUsed {
    const char* id;
    const char* test;
  };
  static constexpr NotUsed kTradeTax[] = {
      {"CII-DT-038", "not(ram:CalculatedRate)"},
      {"CII-DT-039", "not(ram:CalculationSequenceNumeric)"},
      {"CII-DT-040", "not(ram:BasisQuantity)"},
      {"CII-DT-041", "not(ram:BasisAmount) or ancestor::ram:ApplicableHeaderTradeSettlement"},
      {"CII-DT-042", "not(ram:UnitBasisAmount)"},
      {"CII-DT-043", "not(ram:LineTotalBasisAmount)"},
      {"CII-DT-044", "not(ram:AllowanceChargeBasisAmount)"},
      {"CII-DT-049", "not(ram:CurrencyCode)"},
      {"CII-DT-050", "not(ram:Jurisdiction)"},
      {"CII-DT-051", "not(ram:CustomsDutyIndicator)"},
      {"CII-DT-052", "not(ram:ExemptionReasonCode) or self::ram:ApplicableTradeTax"},
      {"CII-DT-098", "not(ram:ExemptionReason) or self::ram:ApplicableTradeTax"},
      {"CII-DT-053", "not(ram:TaxBasisAllowanceRate)"},
      {"CII-DT-054", "not(ram:TaxPointDate) or ancestor::ram:ApplicableHeaderTradeSettlement"},
      {"CII-DT-055", "not(ram:Type)"},
      {"CII-DT-056", "not(ram:InformationAmount)"},
      {"CII-DT-057", "not(ram:CategoryName)"},
      {"CII-DT-058", "not(ram:DueDateTypeCode) or ancestor::ram:ApplicableHeaderTradeSettlement"},
      {"CII-DT-059", "not(ram:RateApplicablePercent/@format)"},
      {"CII-DT-060", "not(ram:SpecifiedTradeAccountingAccount)"},
      {"CII-DT-061", "not(ram:ServiceSupplyTradeCountry)"},
      {"CII-DT-062", "not(ram:BuyerRepayableTaxSpecifiedTradeAccountingAccount)"},
      {"CII-DT-063", "not(ram:SellerPayableTaxSpecifiedTradeAccountingAccount)"},
      {"CII-DT-064", "not(ram:SellerRefundableTaxSpecifiedTradeAccountingAccount)"},
      {"CII-DT-065", "not(ram:BuyerDeductibleTaxSpecifiedTradeAccountingAccount)"},
      {"CII-DT-066", "not(ram:BuyerNonDeductibleTaxSpecifiedTradeAccountingAccount)"},
      {"CII-DT-067", "not(ram:PlaceApplicableTradeLocation)"}};
  for (const auto& n : kTradeTax) {
    trade_tax.asserts.push_back(
        {n.id, W, n.test, Keep(fmt::format("{}: not used in EN 16931 here.", n.test))});
  }
  r.push_back(std::move(trade_tax));
  r.push_back({"//udt:DateTimeString[@format = '102']",
               {{"CII-DT-097", F,
                 "matches(., '^\\s*(\\d{4})(1[0-2]|0[1-9]){1}(3[01]|[12][0-9]|0[1-9]){1}\\s*$')",
                 "A date in format 102 is CCYYMMDD."}}});
  if (release == CenRelease::k1_3_14_1) {
    // CII-SR-463..494 came with 1.3.16; rules left without asserts did not exist.
    for (auto& rule : r) {
      std::erase_if(rule.asserts, [](const AssertDef& a) {
        const std::string_view id(a.id);
        return id.starts_with("CII-SR-4") && id >= "CII-SR-463" && id <= "CII-SR-494";
      });
    }
    std::erase_if(r, [](const RuleDef& rule) { return rule.asserts.empty(); });
  }
  return p;
}

PatternDef Codes() {
  PatternDef p{"EN16931-Codes", {}};
  auto& r = p.rules;
  r.push_back({"rsm:ExchangedDocument/ram:TypeCode",
               {{"BR-CL-01", F, CiiInList(kCiiDocumentTypeCodes, "."),
                 "The document type code (BT-3) is not in UNTDID 1001."}}});
  r.push_back({"ram:TaxTotalAmount[@currencyID]",
               {{"BR-CL-03", F, CiiInList(kCiiCurrencyCodes, "@currencyID"),
                 "The currency is not an ISO 4217 code."}}});
  r.push_back({"ram:InvoiceCurrencyCode",
               {{"BR-CL-04", F, CiiInList(kCiiCurrencyCodes, "."),
                 "The invoice currency (BT-5) is not an ISO 4217 code."}}});
  r.push_back({"ram:TaxCurrencyCode",
               {{"BR-CL-05", F, CiiInList(kCiiCurrencyCodes, "."),
                 "The VAT accounting currency (BT-6) is not an ISO 4217 code."}}});
  r.push_back({"ram:DueDateTypeCode",
               {{"BR-CL-06", F, CiiInList(" 5 29 72 ", "."),
                 "The tax point date code (BT-8) is not allowed."}}});
  r.push_back({"ram:ReferenceTypeCode",
               {{"BR-CL-07", F, CiiInList(kCiiReferenceQualifiers, "."),
                 "The object identifier scheme is not in UNTDID 1153."}}});
  r.push_back({"ram:SubjectCode",
               {{"BR-CL-08", F, CiiInList(kCiiSubjectCodes, "."),
                 "The note subject code is not in UNTDID 4451."}}});
  r.push_back(
      {"//ram:GlobalID[@schemeID][not(ancestor::ram:SpecifiedTradeProduct) and "
       "not(ancestor::ram:ShipToTradeParty)]",
       {{"BR-CL-10", F, CiiInList(kCiiGlobalIdSchemes, "@schemeID"),
         "The identifier scheme is not in ISO 6523 ICD."}}});
  r.push_back({"ram:ID[@schemeID][not(ancestor::ram:SpecifiedTaxRegistration)]",
               {{"BR-CL-11", F, CiiInList(kCiiIcdSchemes, "@schemeID"),
                 "The registration identifier scheme is not in ISO 6523 ICD."}}});
  r.push_back({"ram:ClassCode[@listID]",
               {{"BR-CL-13", F, CiiInList(kCiiItemClassificationSchemes, "@listID"),
                 "The item classification scheme is not in UNTDID 7143."}}});
  r.push_back({"ram:CountryID",
               {{"BR-CL-14", F, CiiInList(kCiiCountryCodes, "."),
                 "The country code is not ISO 3166-1 alpha-2."}}});
  r.push_back({"ram:OriginTradeCountry/ram:ID",
               {{"BR-CL-15", F, CiiInList(kCiiCountryCodes, "."),
                 "The item country of origin is not ISO 3166-1 alpha-2."}}});
  r.push_back({"ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode",
               {{"BR-CL-16", F, CiiInList(kCiiPaymentMeansCodes, "."),
                 "The payment means code is not in UNTDID 4461."}}});
  r.push_back({"ram:CategoryTradeTax/ram:CategoryCode",
               {{"BR-CL-17", F, CiiInList(" AE L M E S Z G O K B ", "."),
                 "The VAT category code is not allowed."}}});
  r.push_back({"ram:ApplicableTradeTax/ram:CategoryCode",
               {{"BR-CL-18", F, CiiInList(" AE L M E S Z G O K B ", "."),
                 "The VAT category code is not allowed."}}});
  r.push_back(
      {"ram:SpecifiedTradeAllowanceCharge[is-false(ram:ChargeIndicator/udt:Indicator)]/"
       "ram:ReasonCode",
       {{"BR-CL-19", F, CiiInList(kCiiAllowanceReasonCodes, "."),
         "The allowance reason code is not in UNTDID 5189."}}});
  r.push_back(
      {"ram:SpecifiedTradeAllowanceCharge[is-true(ram:ChargeIndicator/udt:Indicator)]/"
       "ram:ReasonCode",
       {{"BR-CL-20", F, CiiInList(kCiiChargeReasonCodes, "."),
         "The charge reason code is not in UNTDID 7161."}}});
  r.push_back({"ram:SpecifiedTradeProduct/ram:GlobalID[@schemeID]",
               {{"BR-CL-21", F, CiiInList(kCiiIcdSchemes, "@schemeID"),
                 "The item identifier scheme is not in ISO 6523 ICD."}}});
  r.push_back({"ram:ExemptionReasonCode",
               {{"BR-CL-22", F, CiiInList(kCiiVatexCodes, ".", "normalize-space(upper-case(.))"),
                 "The exemption reason code is not in the VATEX list."}}});
  r.push_back({"ram:BasisQuantity[@unitCode] | ram:BilledQuantity[@unitCode]",
               {{"BR-CL-23", F, CiiInList(kCiiUnitCodes, "@unitCode"),
                 "The unit code is not in UN/ECE Rec 20/21."}}});
  r.push_back({"ram:AttachmentBinaryObject[@mimeCode]",
               {{"BR-CL-24", F,
                 "@mimeCode = 'application/pdf' or @mimeCode = 'image/png' or @mimeCode = "
                 "'image/jpeg' or @mimeCode = 'text/csv' or @mimeCode = "
                 "'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' or @mimeCode "
                 "= 'application/vnd.oasis.opendocument.spreadsheet'",
                 "The attachment MIME code is not allowed."}}});
  r.push_back({"ram:URIUniversalCommunication/ram:URIID[@schemeID]",
               {{"BR-CL-25", F, CiiInList(kCiiEasCodes, "@schemeID"),
                 "The electronic address scheme is not in the CEF EAS list."}}});
  r.push_back({"ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:GlobalID[@schemeID]",
               {{"BR-CL-26", F, CiiInList(kCiiIcdSchemes, "@schemeID"),
                 "The delivery location scheme is not in ISO 6523 ICD."}}});
  return p;
}

}  // namespace

std::vector<PatternDef> CenCiiPatterns(CenRelease release) {
  static const auto& current = *new std::vector<PatternDef>{
      Model(CenRelease::k1_3_16), Syntax(CenRelease::k1_3_16), Codes(),
      NotUsedPattern(true, CenRelease::k1_3_16)};
  static const auto& pinned = *new std::vector<PatternDef>{
      Model(CenRelease::k1_3_14_1), Syntax(CenRelease::k1_3_14_1), Codes(),
      NotUsedPattern(true, CenRelease::k1_3_14_1)};
  return release == CenRelease::k1_3_16 ? current : pinned;
}

}  // namespace digitrade::trade::einvoice::internal
