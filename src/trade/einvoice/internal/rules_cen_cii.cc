// EN 16931 rules for UN/CEFACT CII D16B (CEN release 1.3.16). Messages are ours.
// Coverage so far: the header mandatory fields, the monetary summation
// presence rules, BR-CO-10, BR-CO-13, BR-S-09 and CII-DT-031; the rest is
// listed in tests/einvoice/known_mismatches.
#include "trade/einvoice/internal/rules.h"

namespace digitrade::trade::einvoice::internal {

namespace {

#define TX "rsm:SupplyChainTradeTransaction/"
#define AGREEMENT TX "ram:ApplicableHeaderTradeAgreement/"

PatternDef Model() {
  PatternDef p{"EN16931-CII-Model", {}};
  auto& r = p.rules;
  r.push_back({"//ram:SpecifiedTradeSettlementHeaderMonetarySummation",
               {{"BR-12", F, "ram:LineTotalAmount", "The sum of invoice line net amounts (BT-106) is missing."},
                {"BR-13", F, "ram:TaxBasisTotalAmount", "The invoice total without VAT (BT-109) is missing."},
                {"BR-14", F, "ram:GrandTotalAmount", "The invoice total with VAT (BT-112) is missing."},
                {"BR-15", F, "ram:DuePayableAmount", "The amount due for payment (BT-115) is missing."},
                {"BR-CO-10", F, "native:cii-br-co-10", "BT-106 must equal the sum of the line net amounts (BT-131)."},
                {"BR-CO-13", F, "native:cii-br-co-13", "BT-109 must equal BT-106 - BT-107 + BT-108."}}});
  r.push_back({"//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount[@currencyID=/rsm:CrossIndustryInvoice/" TX "ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode]",
               {{"BR-CO-14", F, ". = (round(sum(/rsm:CrossIndustryInvoice/" TX "ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount) * 10 * 10) div 100)", "The total VAT amount (BT-110) must equal the sum of VAT category amounts (BT-117)."}}});
  r.push_back({"//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
               {{"BR-CO-17", F, "native:cii-br-co-17", "The category VAT amount (BT-117) must equal taxable amount x rate, rounded to 2 decimals."}}});
  r.push_back({"/rsm:CrossIndustryInvoice",
               {{"BR-01", F, "normalize-space(rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID) != ''", "The specification identifier (BT-24) is missing."},
                {"BR-02", F, "normalize-space(rsm:ExchangedDocument/ram:ID) != ''", "The invoice number (BT-1) is missing."},
                {"BR-03", F, "normalize-space(rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString[@format='102']) != ''", "The issue date (BT-2) is missing."},
                {"BR-04", F, "normalize-space(rsm:ExchangedDocument/ram:TypeCode) != ''", "The invoice type code (BT-3) is missing."},
                {"BR-05", F, "normalize-space(" TX "ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode) != ''", "The invoice currency code (BT-5) is missing."},
                {"BR-06", F, "normalize-space(" AGREEMENT "ram:SellerTradeParty/ram:Name) != ''", "The seller name (BT-27) is missing."},
                {"BR-07", F, "normalize-space(" AGREEMENT "ram:BuyerTradeParty/ram:Name) != ''", "The buyer name (BT-44) is missing."},
                {"BR-08", F, AGREEMENT "ram:SellerTradeParty/ram:PostalTradeAddress", "The seller postal address (BG-5) is missing."},
                {"BR-09", F, "normalize-space(" AGREEMENT "ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID) != ''", "The seller country code (BT-40) is missing."},
                {"BR-10", F, AGREEMENT "ram:BuyerTradeParty/ram:PostalTradeAddress", "The buyer postal address (BG-8) is missing."},
                {"BR-11", F, "normalize-space(" AGREEMENT "ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID) != ''", "The buyer country code (BT-55) is missing."},
                {"BR-16", F, "//ram:IncludedSupplyChainTradeLineItem", "An invoice needs at least one line (BG-25)."},
                {"BR-CO-15", F, "native:cii-br-co-15", "BT-112 must equal BT-109 + BT-110."}}});
  r.push_back({"//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode[.='S']",
               {{"BR-S-09", F, "native:cii-br-s-09", "The VAT amount of category S must equal taxable amount x rate."}}});
  return p;
}

PatternDef Syntax() {
  PatternDef p{"EN16931-CII-Syntax", {}};
  p.rules.push_back({"//ram:*[substring(name(), string-length(name()) - 5) = 'Amount' and not(self::ram:TaxTotalAmount)]",
                     {{"CII-DT-031", F, "not(@currencyID)", "Only the total VAT amount carries a currency identifier."}}});
  return p;
}

}  // namespace

std::vector<PatternDef> CenCiiPatterns() {
  static const auto& patterns = *new std::vector<PatternDef>{Model(), Syntax()};
  return patterns;
}

}  // namespace digitrade::trade::einvoice::internal
