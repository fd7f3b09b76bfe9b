// Peppol BIS Billing 3.0 rules (release 3.0.19) for UBL, written from the
// official rule descriptions; messages are ours. The document-level
// variables of the official rules ($profile, $supplierCountry, ...) are
// computed in BindPeppolUblVariables.
#include <fmt/format.h>
#include <libxml/tree.h>

#include <regex>

#include "trade/einvoice/internal/code_lists.h"
#include "trade/einvoice/internal/engine.h"
#include "trade/einvoice/internal/rules.h"

namespace digitrade::trade::einvoice::internal {

namespace {

// "value is one of the space-separated codes", as Peppol's `some $code in ... satisfies`.
const char* OneOf(const char* list, const char* value) {
  return Keep(fmt::format("contains('{}', concat(' ', {}, ' '))", list, value));
}

#define ROOT "ubl:Invoice | cn:CreditNote"
#define SUPPLIER "/*/cac:AccountingSupplierParty/cac:Party"
#define CUSTOMER "/*/cac:AccountingCustomerParty/cac:Party"

// PEPPOL-COMMON-R040..R050: identifier check digits by ISO 6523 scheme.
// `ids` is the syntax's selector of identifiers with a given scheme
// ("{0}" stands for the scheme) and `endpoint` its electronic address element.
void AddIdentifierRules(std::vector<RuleDef>& r, const char* ids_format, const char* endpoint,
                        bool with_9906) {
  auto ids = [ids_format](const char* scheme) {
    return Keep(fmt::format(fmt::runtime(ids_format), scheme));
  };
  r.push_back({ids("0088"),
               {{"PEPPOL-COMMON-R040", F, "u-gln(normalize-space())",
                 "A GLN must have a valid check digit."}}});
  r.push_back({ids("0192"),
               {{"PEPPOL-COMMON-R041", F,
                 "string-length(normalize-space()) = 9 and u-mod11(normalize-space())",
                 "A Norwegian organisation number must be 9 digits with a valid check digit."}}});
  r.push_back({ids("0184"),
               {{"PEPPOL-COMMON-R042", F,
                 "(string-length(string()) = 10 and substring(string(), 1, 2) = 'DK' and "
                 "string-length(translate(substring(string(), 3, 8), '1234567890', '')) = 0) or "
                 "(string-length(string()) = 8 and string-length(translate(substring(string(), 1, "
                 "8), '1234567890', '')) = 0)",
                 "A Danish CVR number must be 8 digits, optionally prefixed DK."}}});
  r.push_back({ids("0208"),
               {{"PEPPOL-COMMON-R043", F, "native:peppol-common-r043",
                 "A Belgian enterprise number must be 10 digits with a valid mod 97 check."}}});
  r.push_back({ids("0201"),
               {{"PEPPOL-COMMON-R044", W, "native:peppol-codice-ipa",
                 "An Italian IPA code must be 6 alphanumeric characters."}}});
  r.push_back({ids("0210"),
               {{"PEPPOL-COMMON-R045", W, "native:peppol-codice-fiscale",
                 "An Italian tax code must be valid."}}});
  r.push_back({Keep(fmt::format("{}[@schemeID = '9907']", endpoint)),
               {{"PEPPOL-COMMON-R046", W, "native:peppol-codice-fiscale",
                 "An Italian tax code must be valid."}}});
  r.push_back({ids("0211"),
               {{"PEPPOL-COMMON-R047", W, "native:peppol-partita-iva",
                 "An Italian VAT number must be valid."}}});
  if (with_9906) {
    r.push_back({Keep(fmt::format("{}[@schemeID = '9906']", endpoint)),
                 {{"PEPPOL-COMMON-R048", W, "native:peppol-partita-iva",
                   "An Italian VAT number must be valid."}}});
  }
  r.push_back({ids("0007"),
               {{"PEPPOL-COMMON-R049", F,
                 "string-length(normalize-space()) = 10 and string(number(normalize-space())) != "
                 "'NaN' and u-se-orgnr(normalize-space())",
                 "A Swedish organisation number must be 10 digits with a valid check digit."}}});
  r.push_back(
      {ids("0151"),
       {{"PEPPOL-COMMON-R050", F, "native:peppol-abn", "An Australian ABN must be valid."}}});
}

PatternDef EmptyElements() {
  return {
      "empty-elements",
      {{"//*[not(*) and not(normalize-space())]",
        {{"PEPPOL-EN16931-R008", F, "false()", "A document must not contain empty elements."}}}}};
}

PatternDef CreditNote() {
  return {"credit-note",
          {{"cn:CreditNote",
            {{"PEPPOL-EN16931-R080", F,
              "count(cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']) <= 1",
              "At most one project reference (document type 50)."}}}}};
}

PatternDef Main() {
  PatternDef p{"peppol-main", {}};
  auto& r = p.rules;
  r.push_back(
      {ROOT,
       {{"PEPPOL-EN16931-R001", F, "cbc:ProfileID", "A business process (ProfileID) is required."},
        {"PEPPOL-EN16931-R007", F, "$profile != 'Unknown'",
         "The business process must be urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0."},
        {"PEPPOL-EN16931-R002", F,
         "count(cbc:Note) <= 1 or ($supplierCountryIsDE and $customerCountryIsDE)",
         "At most one invoice note, except between German parties."},
        {"PEPPOL-EN16931-R003", F, "cbc:BuyerReference or cac:OrderReference/cbc:ID",
         "A buyer reference or a purchase order reference is required."},
        {"PEPPOL-EN16931-R004", F,
         "starts-with(normalize-space(cbc:CustomizationID/text()), "
         "'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0')",
         "The specification identifier must be Peppol BIS Billing 3.0."},
        {"PEPPOL-EN16931-R053", F, "count(cac:TaxTotal[cac:TaxSubtotal]) = 1",
         "Exactly one tax total with a VAT breakdown."},
        {"PEPPOL-EN16931-R054", F,
         "(cbc:TaxCurrencyCode and count(cac:TaxTotal[not(cac:TaxSubtotal)]) = 1) or "
         "(not(cbc:TaxCurrencyCode) and count(cac:TaxTotal[not(cac:TaxSubtotal)]) = 0)",
         "A tax total without breakdown exactly when there is a VAT accounting currency."},
        {"PEPPOL-EN16931-R055", F, "native:peppol-r055",
         "Both total VAT amounts must have the same sign."}}});
  r.push_back(
      {"cbc:TaxCurrencyCode",
       {{"PEPPOL-EN16931-R005", F,
         "not(normalize-space(text()) = normalize-space(../cbc:DocumentCurrencyCode/text()))",
         "The VAT accounting currency must differ from the invoice currency."}}});
  r.push_back({"cac:AccountingCustomerParty/cac:Party",
               {{"PEPPOL-EN16931-R010", F, "cbc:EndpointID",
                 "The buyer electronic address is required."}}});
  r.push_back({"cac:AccountingSupplierParty/cac:Party",
               {{"PEPPOL-EN16931-R020", F, "cbc:EndpointID",
                 "The seller electronic address is required."}}});
  const char* kAc =
      "ubl:Invoice/cac:AllowanceCharge{0} | ubl:Invoice/cac:InvoiceLine/cac:AllowanceCharge{0} | "
      "cn:CreditNote/cac:AllowanceCharge{0} | "
      "cn:CreditNote/cac:CreditNoteLine/cac:AllowanceCharge{0}";
  r.push_back({Keep(fmt::format(fmt::runtime(kAc),
                                "[cbc:MultiplierFactorNumeric and not(cbc:BaseAmount)]")),
               {{"PEPPOL-EN16931-R041", F, "false()",
                 "A percentage allowance or charge needs its base amount."}}});
  r.push_back({Keep(fmt::format(fmt::runtime(kAc),
                                "[not(cbc:MultiplierFactorNumeric) and cbc:BaseAmount]")),
               {{"PEPPOL-EN16931-R042", F, "false()", "A base amount needs the percentage."}}});
  r.push_back({Keep(fmt::format(fmt::runtime(kAc), "")),
               {{"PEPPOL-EN16931-R040", F, "native:peppol-r040",
                 "Amount must equal base amount x percentage / 100."},
                {"PEPPOL-EN16931-R043", F,
                 "normalize-space(cbc:ChargeIndicator/text()) = 'true' or "
                 "normalize-space(cbc:ChargeIndicator/text()) = 'false'",
                 "The charge indicator must be true or false."}}});
  r.push_back(
      {"cac:PaymentMeans[normalize-space(cbc:PaymentMeansCode) = '49' or "
       "normalize-space(cbc:PaymentMeansCode) = '59']",
       {{"PEPPOL-EN16931-R061", F, "cac:PaymentMandate/cbc:ID",
         "A direct debit needs the mandate reference."}}});
  r.push_back(
      {"cbc:Amount | cbc:BaseAmount | cbc:PriceAmount | "
       "cac:TaxTotal[cac:TaxSubtotal]/cbc:TaxAmount | cac:TaxSubtotal/cbc:TaxAmount | "
       "cbc:TaxableAmount | cbc:LineExtensionAmount | cbc:TaxExclusiveAmount | "
       "cbc:TaxInclusiveAmount | cbc:AllowanceTotalAmount | cbc:ChargeTotalAmount | "
       "cbc:PrepaidAmount | cbc:PayableRoundingAmount | cbc:PayableAmount",
       {{"PEPPOL-EN16931-R051", F, "@currencyID = $documentCurrencyCode",
         "All amounts must be in the invoice currency."}}});
  r.push_back(
      {"ubl:Invoice[cac:InvoicePeriod/cbc:StartDate]/cac:InvoiceLine/cac:InvoicePeriod/"
       "cbc:StartDate | "
       "cn:CreditNote[cac:InvoicePeriod/cbc:StartDate]/cac:CreditNoteLine/cac:InvoicePeriod/"
       "cbc:StartDate",
       {{"PEPPOL-EN16931-R110", F, "native:peppol-r110",
         "A line period must start within the invoice period."}}});
  r.push_back(
      {"ubl:Invoice[cac:InvoicePeriod/cbc:EndDate]/cac:InvoiceLine/cac:InvoicePeriod/cbc:EndDate | "
       "cn:CreditNote[cac:InvoicePeriod/cbc:EndDate]/cac:CreditNoteLine/cac:InvoicePeriod/"
       "cbc:EndDate",
       {{"PEPPOL-EN16931-R111", F, "native:peppol-r111",
         "A line period must end within the invoice period."}}});
  r.push_back(
      {"cac:InvoiceLine | cac:CreditNoteLine",
       {{"PEPPOL-EN16931-R120", F, "native:peppol-r120",
         "Line net amount must equal quantity x (price / base quantity) + charges - allowances."},
        {"PEPPOL-EN16931-R121", F, "native:peppol-r121", "The base quantity must be positive."},
        {"PEPPOL-EN16931-R100", F, "count(cac:DocumentReference) <= 1",
         "At most one line object identifier."},
        {"PEPPOL-EN16931-R101", F,
         "not(cac:DocumentReference) or cac:DocumentReference/cbc:DocumentTypeCode='130'",
         "A line document reference must be an invoiced object identifier (130)."}}});
  r.push_back({"cac:Price/cac:AllowanceCharge",
               {{"PEPPOL-EN16931-R044", F, "normalize-space(cbc:ChargeIndicator) = 'false'",
                 "A price may only carry a discount."},
                {"PEPPOL-EN16931-R046", F, "native:peppol-r046",
                 "Net price must equal gross price minus discount."}}});
  r.push_back(
      {"cac:Price/cbc:BaseQuantity[@unitCode]",
       {{"PEPPOL-EN16931-R130", F,
         "not(../../cbc:InvoicedQuantity or ../../cbc:CreditedQuantity) or @unitCode = "
         "../../cbc:InvoicedQuantity/@unitCode or @unitCode = ../../cbc:CreditedQuantity/@unitCode",
         "The base quantity unit must be the invoiced quantity unit."}}});
  AddIdentifierRules(r,
                     "cbc:EndpointID[@schemeID = '{0}'] | cac:PartyIdentification/cbc:ID[@schemeID "
                     "= '{0}'] | cbc:CompanyID[@schemeID = '{0}']",
                     "cbc:EndpointID", false);
  return p;
}

PatternDef Norway() {
  return {"norway",
          {{"cac:AccountingSupplierParty/cac:Party[$supplierCountry = 'NO']",
            {{"NO-R-002", W,
              "normalize-space(cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = "
              "'TAX']/cbc:CompanyID) = 'Foretaksregisteret'",
              "A Norwegian seller should state 'Foretaksregisteret'."},
             {"NO-R-001", F, "native:peppol-no-r001",
              "A Norwegian VAT number must be NO + 9 digits + MVA with a valid check digit."}}}}};
}

PatternDef Denmark() {
  PatternDef p{"denmark", {}};
  auto& r = p.rules;
  r.push_back({"cn:CreditNote[$DKSupplierCountry = 'DK'] | ubl:Invoice[$DKSupplierCountry = 'DK']",
               {{"DK-R-002", F,
                 "normalize-space(cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/"
                 "cbc:CompanyID/text()) != ''",
                 "A Danish seller needs its legal registration identifier."},
                {"DK-R-014", F,
                 "not(cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID and "
                 "normalize-space(cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/"
                 "cbc:CompanyID/@schemeID) != '0184')",
                 "A Danish seller's registration identifier uses scheme 0184."},
                {"DK-R-016", F,
                 "not(/cn:CreditNote and $DKCustomerCountry = 'DK' and "
                 "number(cac:LegalMonetaryTotal/cbc:PayableAmount/text()) < 0)",
                 "A Danish credit note must not have a negative amount due."}}});
  const char* both = "[$DKSupplierCountry = 'DK' and $DKCustomerCountry = 'DK']";
  r.push_back(
      {Keep(fmt::format(
           "cn:CreditNote{0}/cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification | "
           "cn:CreditNote{0}/cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification | "
           "ubl:Invoice{0}/cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification | "
           "ubl:Invoice{0}/cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification",
           both)),
       {{"DK-R-013", F, "not(cbc:ID and normalize-space(cbc:ID/@schemeID) = '')",
         "A party identifier needs a scheme."}}});
  r.push_back(
      {Keep(fmt::format("ubl:Invoice{0}/cac:PaymentMeans", both)),
       {{"DK-R-005", F,
         "contains(' 1 10 31 42 48 49 50 58 59 93 97 ', concat(' ', cbc:PaymentMeansCode, ' '))",
         "The payment means code is not allowed in Denmark."},
        {"DK-R-006", F,
         "not((cbc:PaymentMeansCode = '31' or cbc:PaymentMeansCode = '42') and "
         "not(normalize-space(cac:PayeeFinancialAccount/cbc:ID/text()) != '' and "
         "normalize-space(cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID/text()) "
         "!= ''))",
         "A bank transfer needs the account and the bank identifier."},
        {"DK-R-007", F,
         "not(cbc:PaymentMeansCode = '49' and "
         "not(normalize-space(cac:PaymentMandate/cbc:ID/text()) != '' and "
         "normalize-space(cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID/text()) != ''))",
         "A direct debit needs the mandate and the payer account."},
        {"DK-R-008", F,
         "not(cbc:PaymentMeansCode = '50' and not((substring(cbc:PaymentID, 1, 3) = '01#' or "
         "substring(cbc:PaymentID, 1, 3) = '04#' or substring(cbc:PaymentID, 1, 3) = '15#') and "
         "matches(cac:PayeeFinancialAccount/cbc:ID, '^[0-9]{7,8}$')))",
         "A Giro payment needs a valid payment id and account."},
        {"DK-R-009", F,
         "not(cbc:PaymentMeansCode = '50' and (substring(cbc:PaymentID, 1, 3) = '04#' or "
         "substring(cbc:PaymentID, 1, 3) = '15#') and not(string-length(cbc:PaymentID) = 19))",
         "Giro payment ids 04# and 15# are 19 characters."},
        {"DK-R-010", F,
         "not(cbc:PaymentMeansCode = '93' and not((substring(cbc:PaymentID, 1, 3) = '71#' or "
         "substring(cbc:PaymentID, 1, 3) = '73#' or substring(cbc:PaymentID, 1, 3) = '75#') and "
         "string-length(cac:PayeeFinancialAccount/cbc:ID/text()) = 8))",
         "An FIK payment needs a valid payment id and an 8-digit creditor."},
        {"DK-R-011", F,
         "not(cbc:PaymentMeansCode = '93' and (substring(cbc:PaymentID, 1, 3) = '71#' or "
         "substring(cbc:PaymentID, 1, 3) = '75#') and not(string-length(cbc:PaymentID) = 18 or "
         "string-length(cbc:PaymentID) = 19))",
         "FIK payment ids 71# and 75# are 18 or 19 characters."}}});
  r.push_back(
      {Keep(fmt::format("cn:CreditNote{0}/cac:CreditNoteLine | ubl:Invoice{0}/cac:InvoiceLine",
                        both)),
       {{"DK-R-003", W,
         "not(cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listID = 'TST' and "
         "not(cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listVersionID = "
         "'19.05.01' or "
         "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listVersionID = "
         "'19.0501' or "
         "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listVersionID = "
         "'26.08.01' or "
         "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listVersionID = "
         "'26.0801'))",
         "A UNSPSC (TST) classification needs a supported version."}}});
  r.push_back({"cac:AllowanceCharge[$DKSupplierCountry = 'DK' and $DKCustomerCountry = 'DK']",
               {{"DK-R-004", F,
                 "not(cbc:AllowanceChargeReasonCode = 'ZZZ' and "
                 "not((string-length(normalize-space(cbc:AllowanceChargeReason/text())) = 4 and "
                 "number(cbc:AllowanceChargeReason) >= 0 and number(cbc:AllowanceChargeReason) <= "
                 "9999) or (cbc:AllowanceChargeReason and contains(cbc:AllowanceChargeReason, '#') "
                 "and not(starts-with(cbc:AllowanceChargeReason, '#')) and "
                 "not(substring(cbc:AllowanceChargeReason, "
                 "string-length(cbc:AllowanceChargeReason)) = '#'))))",
                 "Reason code ZZZ needs a 4-digit or #-separated reason."}}});
  return p;
}

PatternDef Italy() {
  return {
      "italy",
      {{"cac:AccountingSupplierParty/cac:Party[$supplierCountry = "
        "'IT']/cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) != 'VAT']",
        {{"IT-R-001", F, "matches(normalize-space(cbc:CompanyID), '^[A-Z0-9]{11,16}$')",
          "An Italian tax registration must be 11 to 16 letters or digits."}}},
       {"cac:AccountingSupplierParty/cac:Party[$supplierCountry = 'IT']",
        {{"IT-R-002", F, "cac:PostalAddress/cbc:StreetName", "An Italian seller needs a street."},
         {"IT-R-003", F, "cac:PostalAddress/cbc:CityName", "An Italian seller needs a city."},
         {"IT-R-004", F, "cac:PostalAddress/cbc:PostalZone",
          "An Italian seller needs a post code."}}}}};
}

PatternDef Sweden() {
  PatternDef p{"sweden", {}};
  auto& r = p.rules;
  const char* se_vat =
      "cac:PostalAddress/cac:Country/cbc:IdentificationCode = 'SE' and "
      "substring(cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']/cbc:CompanyID, 1, 2) = 'SE'";
  r.push_back({Keep(fmt::format("//cac:AccountingSupplierParty/cac:Party[{}]", se_vat)),
               {{"SE-R-001", F,
                 "string-length(normalize-space(cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = "
                 "'VAT']/cbc:CompanyID)) = 14",
                 "A Swedish VAT number is 14 characters."},
                {"SE-R-002", F,
                 "string(number(substring(cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = "
                 "'VAT']/cbc:CompanyID, 3, 12))) != 'NaN'",
                 "A Swedish VAT number has 12 digits after SE."}}});
  r.push_back(
      {"//cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity[../cac:PostalAddress/"
       "cac:Country/cbc:IdentificationCode = 'SE' and cbc:CompanyID]",
       {{"SE-R-003", F, "string(number(cbc:CompanyID)) != 'NaN'",
         "A Swedish organisation number is numeric."},
        {"SE-R-004", F, "string-length(normalize-space(cbc:CompanyID)) = 10",
         "A Swedish organisation number is 10 digits."},
        {"SE-R-013", F, "u-se-orgnr(normalize-space(cbc:CompanyID))",
         "A Swedish organisation number must have a valid check digit."}}});
  r.push_back(
      {"//cac:AccountingSupplierParty/cac:Party[cac:PostalAddress/cac:Country/"
       "cbc:IdentificationCode = 'SE' and "
       "exists(cac:PartyLegalEntity/cbc:CompanyID)]/"
       "cac:PartyTaxScheme[normalize-space(upper-case(cac:TaxScheme/cbc:ID)) != "
       "'VAT']/cbc:CompanyID",
       {{"SE-R-005", F, "native:peppol-se-r005",
         "A Swedish seller's tax registration must read 'Godkänd för F-skatt'."}}});
  const std::string se_supplier =
      fmt::format("//cac:AccountingSupplierParty/cac:Party[{}]", se_vat);
  r.push_back({Keep(fmt::format("//cac:TaxCategory[{0} and cbc:ID = 'S'] | "
                                "//cac:ClassifiedTaxCategory[{0} and cbc:ID = 'S']",
                                se_supplier)),
               {{"SE-R-006", F,
                 "number(cbc:Percent) = 25 or number(cbc:Percent) = 12 or number(cbc:Percent) = 6",
                 "Swedish standard rates are 25, 12 or 6 %."}}});
  const char* se =
      "//cac:AccountingSupplierParty/cac:Party[cac:PostalAddress/cac:Country/"
      "cbc:IdentificationCode = 'SE']";
  r.push_back(
      {Keep(
           fmt::format("//cac:PaymentMeans[{} and normalize-space(cbc:PaymentMeansCode) = '30' and "
                       "normalize-space(cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/"
                       "cbc:ID) = 'SE:PLUSGIRO']/cac:PayeeFinancialAccount/cbc:ID",
                       se)),
       {{"SE-R-007", W, "string(number(normalize-space(.))) != 'NaN'",
         "A Plusgiro number is numeric."},
        {"SE-R-010", W,
         "string-length(normalize-space(.)) >= 2 and string-length(normalize-space(.)) <= 8",
         "A Plusgiro number has 2 to 8 digits."}}});
  r.push_back({Keep(fmt::format(
                   "//cac:PaymentMeans[{} and normalize-space(cbc:PaymentMeansCode) = '30' and "
                   "normalize-space(cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/"
                   "cbc:ID) = 'SE:BANKGIRO']/cac:PayeeFinancialAccount/cbc:ID",
                   se)),
               {{"SE-R-008", W, "string(number(normalize-space(.))) != 'NaN'",
                 "A Bankgiro number is numeric."},
                {"SE-R-009", W,
                 "string-length(normalize-space(.)) = 7 or string-length(normalize-space(.)) = 8",
                 "A Bankgiro number has 7 or 8 digits."}}});
  r.push_back(
      {Keep(fmt::format("//cac:PaymentMeans[{} and (cbc:PaymentMeansCode = '50' or "
                        "cbc:PaymentMeansCode = '56')]",
                        se)),
       {{"SE-R-011", W, "false()", "Use code 30 for Bankgiro and Plusgiro payments in Sweden."}}});
  r.push_back(
      {Keep(fmt::format("//cac:PaymentMeans[{} and "
                        "//cac:AccountingCustomerParty/cac:Party[cac:PostalAddress/cac:Country/"
                        "cbc:IdentificationCode = 'SE'] and cbc:PaymentMeansCode = '31']",
                        se)),
       {{"SE-R-012", W, "false()", "Domestic Swedish payments should not use code 31."}}});
  return p;
}

PatternDef Greece() {
  PatternDef p{"greece", {}};
  auto& r = p.rules;
  r.push_back({"/ubl:Invoice/cbc:ID[$isGreekSender] | /cn:CreditNote/cbc:ID[$isGreekSender]",
               {{"GR-R-001-1", F, "native:peppol-gr-r001-1",
                 "A Greek invoice number has six |-separated segments."},
                {"GR-R-001-2", F, "native:peppol-gr-r001-2",
                 "Segment 1 of a Greek invoice number is the seller's valid TIN."},
                {"GR-R-001-3", F, "native:peppol-gr-r001-3",
                 "Segment 2 of a Greek invoice number is the issue date (DD/MM/YYYY)."},
                {"GR-R-001-4", F, "native:peppol-gr-r001-4",
                 "Segment 3 of a Greek invoice number is a non-negative integer."},
                {"GR-R-001-5", F, "native:peppol-gr-r001-5",
                 "Segment 4 of a Greek invoice number is a valid document type."},
                {"GR-R-001-6", F, "native:peppol-gr-r001-6",
                 "Segment 5 of a Greek invoice number must not be empty."},
                {"GR-R-001-7", F, "native:peppol-gr-r001-7",
                 "Segment 6 of a Greek invoice number must not be empty."}}});
  r.push_back(
      {"cac:AccountingSupplierParty[$isGreekSender]/cac:Party",
       {{"GR-R-002", F, "string-length(cac:PartyName/cbc:Name) > 0",
         "A Greek seller needs a trading name."},
        {"GR-S-011", W,
         "count(cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = 'VAT']/cbc:CompanyID) = "
         "1 and substring(cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = "
         "'VAT']/cbc:CompanyID, 1, 2) = 'EL' and "
         "u-greek-tin(substring(cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = "
         "'VAT']/cbc:CompanyID, 3))",
         "A Greek seller needs one valid EL VAT number."}}});
  r.push_back(
      {"cac:AccountingSupplierParty[$isGreekSender]/cac:Party/"
       "cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = 'VAT']/cbc:CompanyID",
       {{"GR-R-003", F, "substring(., 1, 2) = 'EL' and u-greek-tin(substring(., 3))",
         "A Greek VAT number is EL and a valid TIN."}}});
  const char* gr_doc =
      "[$isGreekSender and "
      "/*/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/"
      "cbc:IdentificationCode = 'GR']";
  r.push_back(
      {Keep(fmt::format("/ubl:Invoice{0} | /cn:CreditNote{0}", gr_doc)),
       {{"GR-R-004-1", F,
         "count(cac:AdditionalDocumentReference[cbc:DocumentDescription = '##M.AR.K##']) = 1",
         "A Greek invoice needs exactly one MARK reference."},
        {"GR-S-008-1", W,
         "count(cac:AdditionalDocumentReference[cbc:DocumentDescription = '##INVOICE|URL##']) = 1",
         "A Greek invoice should give its invoice URL."},
        {"GR-R-008-2", F,
         "count(cac:AdditionalDocumentReference[cbc:DocumentDescription = '##INVOICE|URL##']) <= 1",
         "At most one invoice URL."}}});
  r.push_back(
      {"cac:AdditionalDocumentReference[$isGreekSender and "
       "/*/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/"
       "cbc:IdentificationCode = 'GR' and cbc:DocumentDescription = '##M.AR.K##']/cbc:ID",
       {{"GR-R-004-2", F, "matches(., '^[1-9]([0-9]*)')", "A MARK is a positive integer."}}});
  r.push_back(
      {"cac:AdditionalDocumentReference[$isGreekSender and cbc:DocumentDescription = "
       "'##INVOICE|URL##']",
       {{"GR-R-008-3", F,
         "string-length(normalize-space(cac:Attachment/cac:ExternalReference/cbc:URI)) > 0",
         "The invoice URL reference needs a URI."}}});
  r.push_back({"cac:AccountingCustomerParty[$isGreekSender]/cac:Party",
               {{"GR-R-005", F, "string-length(cac:PartyName/cbc:Name) > 0",
                 "A buyer of a Greek seller needs a trading name."}}});
  r.push_back(
      {"cac:AccountingSupplierParty/cac:Party[$accountingSupplierCountry = 'GR' or "
       "$accountingSupplierCountry = 'EL']/cbc:EndpointID",
       {{"GR-R-009", F, "@schemeID = '9933' and u-greek-tin(.)",
         "A Greek seller's electronic address is its TIN (9933)."}}});
  return p;
}

PatternDef GreekReceivers() {
  return {
      "greece-both",
      {{"cac:AccountingCustomerParty[$isGreekSenderandReceiver]/cac:Party",
        {{"GR-R-006", F,
          "count(cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = 'VAT']/cbc:CompanyID) "
          "= 1 and substring(cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = "
          "'VAT']/cbc:CompanyID, 1, 2) = 'EL' and "
          "u-greek-tin(substring(cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = "
          "'VAT']/cbc:CompanyID, 3))",
          "A Greek buyer needs one valid EL VAT number."}}},
       {"cac:AccountingCustomerParty[$isGreekSenderandReceiver]/cac:Party/cbc:EndpointID",
        {{"GR-R-010", F, "@schemeID = '9933' and u-greek-tin(.)",
          "A Greek buyer's electronic address is its TIN (9933)."}}}}};
}

PatternDef Iceland() {
  const char* eindagi = "cac:AdditionalDocumentReference[cbc:DocumentDescription = 'EINDAGI']";
  return {
      "iceland",
      {{"cn:CreditNote[$SupplierCountry = 'IS'] | ubl:Invoice[$SupplierCountry = 'IS']",
        {{"IS-R-001", W,
          "(not(contains(normalize-space(cbc:InvoiceTypeCode), ' ')) and contains(' 380 381 ', "
          "concat(' ', normalize-space(cbc:InvoiceTypeCode), ' '))) or "
          "(not(contains(normalize-space(cbc:CreditNoteTypeCode), ' ')) and contains(' 380 381 ', "
          "concat(' ', normalize-space(cbc:CreditNoteTypeCode), ' ')))",
          "An Icelandic invoice should be type 380 or 381."},
         {"IS-R-002", F,
          "exists(cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID) and "
          "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID/@schemeID = "
          "'0196'",
          "An Icelandic seller needs its kennitala (scheme 0196)."},
         {"IS-R-003", F,
          "exists(cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:StreetName) and "
          "exists(cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:PostalZone)",
          "An Icelandic seller needs a street and a post code."},
         {"IS-R-006", F,
          "(exists(cac:PaymentMeans[cbc:PaymentMeansCode = '9']/cac:PayeeFinancialAccount/cbc:ID) "
          "and string-length(normalize-space(cac:PaymentMeans[cbc:PaymentMeansCode = "
          "'9']/cac:PayeeFinancialAccount/cbc:ID)) = 12) or "
          "not(exists(cac:PaymentMeans[cbc:PaymentMeansCode = '9']))",
          "An Icelandic national account number has 12 digits."},
         {"IS-R-007", F,
          "(exists(cac:PaymentMeans[cbc:PaymentMeansCode = '42']/cac:PayeeFinancialAccount/cbc:ID) "
          "and string-length(normalize-space(cac:PaymentMeans[cbc:PaymentMeansCode = "
          "'42']/cac:PayeeFinancialAccount/cbc:ID)) = 12) or "
          "not(exists(cac:PaymentMeans[cbc:PaymentMeansCode = '42']))",
          "An Icelandic bank account number has 12 digits."},
         {"IS-R-008", F,
          Keep(fmt::format("(exists({0}) and string-length({0}/cbc:ID) = 10 and "
                           "castable-as-date(string({0}/cbc:ID))) or not(exists({0}))",
                           eindagi)),
          "The EINDAGI date is YYYY-MM-DD."},
         {"IS-R-009", F,
          Keep(fmt::format("(exists({0}) and exists(cbc:DueDate)) or not(exists({0}))", eindagi)),
          "With an EINDAGI date, a due date is required."},
         {"IS-R-010", F, "native:peppol-is-r010",
          "The due date must not be after the EINDAGI date."}}},
       {"cn:CreditNote[$SupplierCountry = 'IS' and $CustomerCountry = "
        "'IS']/cac:AccountingCustomerParty | ubl:Invoice[$SupplierCountry = 'IS' and "
        "$CustomerCountry = 'IS']/cac:AccountingCustomerParty",
        {{"IS-R-004", F,
          "exists(cac:Party/cac:PartyLegalEntity/cbc:CompanyID) and "
          "cac:Party/cac:PartyLegalEntity/cbc:CompanyID/@schemeID = '0196'",
          "An Icelandic buyer needs its kennitala (scheme 0196)."},
         {"IS-R-005", F,
          "exists(cac:Party/cac:PostalAddress/cbc:StreetName) and "
          "exists(cac:Party/cac:PostalAddress/cbc:PostalZone)",
          "An Icelandic buyer needs a street and a post code."}}}}};
}

PatternDef Netherlands() {
  PatternDef p{"netherlands", {}};
  auto& r = p.rules;
  const char* addr = "cbc:StreetName and cbc:CityName and cbc:PostalZone";
  const char* kvk = "(@schemeID = '0106' or @schemeID = '0190') and normalize-space(.) != ''";
  r.push_back({"cbc:CreditNoteTypeCode[$supplierCountryIsNL]",
               {{"NL-R-001", F, "/*/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
                 "A Dutch credit note must reference the invoice."}}});
  r.push_back({"cac:AccountingSupplierParty/cac:Party/cac:PostalAddress[$supplierCountryIsNL]",
               {{"NL-R-002", F, addr, "A Dutch seller needs street, city and post code."}}});
  r.push_back(
      {"cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/"
       "cbc:CompanyID[$supplierCountryIsNL]",
       {{"NL-R-003", F, kvk,
         "A Dutch seller's registration is a KvK (0106) or OIN (0190) number."}}});
  r.push_back(
      {"cac:AccountingCustomerParty/cac:Party/cac:PostalAddress[$supplierCountryIsNL and "
       "$customerCountryIsNL]",
       {{"NL-R-004", F, addr, "A Dutch buyer needs street, city and post code."}}});
  r.push_back(
      {"cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/"
       "cbc:CompanyID[$supplierCountryIsNL and $customerCountryIsNL]",
       {{"NL-R-005", F, kvk,
         "A Dutch buyer's registration is a KvK (0106) or OIN (0190) number."}}});
  r.push_back(
      {"cac:TaxRepresentativeParty/cac:PostalAddress[$supplierCountryIsNL and "
       "$taxRepresentativeCountryIsNL]",
       {{"NL-R-006", F, addr, "A Dutch tax representative needs street, city and post code."}}});
  r.push_back({"cac:LegalMonetaryTotal[$supplierCountryIsNL]",
               {{"NL-R-007", F, "native:peppol-nl-r007",
                 "A Dutch invoice with an amount due needs payment instructions."}}});
  r.push_back(
      {"cac:PaymentMeans[$supplierCountryIsNL and $customerCountryIsNL]",
       {{"NL-R-008", F,
         "normalize-space(cbc:PaymentMeansCode) = '30' or normalize-space(cbc:PaymentMeansCode) = "
         "'48' or normalize-space(cbc:PaymentMeansCode) = '49' or "
         "normalize-space(cbc:PaymentMeansCode) = '57' or normalize-space(cbc:PaymentMeansCode) = "
         "'58' or normalize-space(cbc:PaymentMeansCode) = '59'",
         "The payment means code is not allowed between Dutch parties."}}});
  r.push_back({"cac:OrderLineReference/cbc:LineID[$supplierCountryIsNL]",
               {{"NL-R-009", F, "/*/cac:OrderReference/cbc:ID",
                 "An order line reference needs the order reference."}}});
  return p;
}

PatternDef Germany() {
  PatternDef p{"german-rules", {}};
  auto& r = p.rules;
  const char* de = "[$supplierCountryIsDE and $customerCountryIsDE]";
  auto both = [de](const char* inv_path, const char* cn_path) {
    return Keep(fmt::format("/ubl:Invoice{0}{2} | /cn:CreditNote{1}{2}", inv_path, cn_path, de));
  };
  const char* codes =
      "[. = 'S' or . = 'Z' or . = 'E' or . = 'AE' or . = 'K' or . = 'G' or . = 'L' or . = 'M']";
  r.push_back(
      {both("", ""),
       {{"DE-R-001", F, "cac:PaymentMeans", "Payment instructions (BG-16) are required."},
        {"DE-R-015", F, "cbc:BuyerReference[boolean(normalize-space(.))]",
         "The buyer reference (BT-10) is required."},
        {"DE-R-016", F,
         Keep(
             fmt::format("not(cac:AllowanceCharge/cac:TaxCategory/cbc:ID[../../cbc:ChargeIndicator "
                         "= 'false' and following-sibling::cac:TaxScheme/cbc:ID = 'VAT']{0} or "
                         "cac:AllowanceCharge/cac:TaxCategory/cbc:ID[ancestor::cac:AllowanceCharge/"
                         "cbc:ChargeIndicator = 'false']{0} or "
                         "cac:AllowanceCharge/cac:TaxCategory/cbc:ID[ancestor::cac:AllowanceCharge/"
                         "cbc:ChargeIndicator = 'true']{0} or (cac:InvoiceLine | "
                         "cac:CreditNoteLine)/cac:Item/cac:ClassifiedTaxCategory/cbc:ID{0}) or "
                         "cac:TaxRepresentativeParty or "
                         "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/"
                         "cbc:CompanyID[boolean(normalize-space(.))]",
                         codes)),
         "With VAT codes S, Z, E, AE, K, G, L or M the seller's VAT or tax registration or a tax "
         "representative is required."},
        {"DE-R-017", W,
         "cbc:InvoiceTypeCode = '326' or cbc:InvoiceTypeCode = '380' or cbc:InvoiceTypeCode = "
         "'384' or cbc:InvoiceTypeCode = '389' or cbc:InvoiceTypeCode = '381' or "
         "cbc:InvoiceTypeCode = '875' or cbc:InvoiceTypeCode = '876' or cbc:InvoiceTypeCode = "
         "'877' or cbc:CreditNoteTypeCode = '326' or cbc:CreditNoteTypeCode = '380' or "
         "cbc:CreditNoteTypeCode = '384' or cbc:CreditNoteTypeCode = '389' or "
         "cbc:CreditNoteTypeCode = '381' or cbc:CreditNoteTypeCode = '875' or "
         "cbc:CreditNoteTypeCode = '876' or cbc:CreditNoteTypeCode = '877'",
         "The invoice type code should be 326, 380, 384, 389, 381, 875, 876 or 877."},
        {"DE-R-018", F, "native:peppol-de-r018",
         "Cash discount (Skonto) terms must follow #SKONTO#TAGE=n#PROZENT=n.nn# lines."},
        {"DE-R-022", F,
         "count(cac:AdditionalDocumentReference) = "
         "count(cac:AdditionalDocumentReference[not(cac:Attachment/"
         "cbc:EmbeddedDocumentBinaryObject/@filename = "
         "preceding-sibling::cac:AdditionalDocumentReference/cac:Attachment/"
         "cbc:EmbeddedDocumentBinaryObject/@filename)])",
         "Attachment file names must be unique."},
        {"DE-R-026", W,
         "not(cbc:InvoiceTypeCode = 384 or cbc:CreditNoteTypeCode = 384) or "
         "cac:BillingReference/cac:InvoiceDocumentReference",
         "A corrected invoice (384) should reference the preceding invoice."},
        {"DE-R-030", F,
         "not(cac:PaymentMeans/cac:PaymentMandate) or "
         "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID[@schemeID='SEPA'] | "
         "cac:PayeeParty/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']",
         "A direct debit needs the creditor identifier (SEPA)."},
        {"DE-R-031", F,
         "not(cac:PaymentMeans/cac:PaymentMandate) or "
         "cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID",
         "A direct debit needs the debited account."}}});
  r.push_back(
      {both("/cac:AccountingSupplierParty", "/cac:AccountingSupplierParty"),
       {{"DE-R-002", F, "cac:Party/cac:Contact", "The seller contact (BG-6) is required."}}});
  r.push_back({both("/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress",
                    "/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress"),
               {{"DE-R-003", F, "cbc:CityName[boolean(normalize-space(.))]",
                 "The seller city (BT-37) is required."},
                {"DE-R-004", F, "cbc:PostalZone[boolean(normalize-space(.))]",
                 "The seller post code (BT-38) is required."}}});
  r.push_back({both("/cac:AccountingSupplierParty/cac:Party/cac:Contact",
                    "/cac:AccountingSupplierParty/cac:Party/cac:Contact"),
               {{"DE-R-005", F, "cbc:Name[boolean(normalize-space(.))]",
                 "The seller contact point (BT-41) is required."},
                {"DE-R-006", F, "cbc:Telephone[boolean(normalize-space(.))]",
                 "The seller contact telephone (BT-42) is required."},
                {"DE-R-007", F, "cbc:ElectronicMail[boolean(normalize-space(.))]",
                 "The seller contact e-mail (BT-43) is required."},
                {"DE-R-027", W, "matches(normalize-space(cbc:Telephone), '.*([0-9].*){3,}.*')",
                 "The telephone number should contain at least three digits."},
                {"DE-R-028", W,
                 "matches(normalize-space(cbc:ElectronicMail), "
                 "'^[a-zA-Z0-9!#$%&\"*+/=?^_`{|}~-]+(\\.[a-zA-Z0-9!#$%&\"*+/"
                 "=?^_`{|}~-]+)*@([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\\.)+[a-zA-Z0-9]([a-zA-Z0-"
                 "9-]*[a-zA-Z0-9])?$')",
                 "The e-mail address should be valid."}}});
  r.push_back({both("/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress",
                    "/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress"),
               {{"DE-R-008", F, "cbc:CityName[boolean(normalize-space(.))]",
                 "The buyer city (BT-52) is required."},
                {"DE-R-009", F, "cbc:PostalZone[boolean(normalize-space(.))]",
                 "The buyer post code (BT-53) is required."}}});
  r.push_back({both("/cac:Delivery/cac:DeliveryLocation/cac:Address",
                    "/cac:Delivery/cac:DeliveryLocation/cac:Address"),
               {{"DE-R-010", F, "cbc:CityName[boolean(normalize-space(.))]",
                 "The deliver-to city (BT-77) is required."},
                {"DE-R-011", F, "cbc:PostalZone[boolean(normalize-space(.))]",
                 "The deliver-to post code (BT-78) is required."}}});
  r.push_back({both("/cac:PaymentMeans[cbc:PaymentMeansCode = 30 or cbc:PaymentMeansCode = 58]",
                    "/cac:PaymentMeans[cbc:PaymentMeansCode = 30 or cbc:PaymentMeansCode = 58]"),
               {{"DE-R-019", W, "native:peppol-de-r019", "The IBAN should be valid."},
                {"DE-R-023-1", F, "cac:PayeeFinancialAccount",
                 "A credit transfer needs the payee account (BG-17)."},
                {"DE-R-023-2", F, "not(cac:CardAccount) and not(cac:PaymentMandate)",
                 "A credit transfer has no card or mandate."}}});
  r.push_back({both("/cac:PaymentMeans[cbc:PaymentMeansCode = 48 or cbc:PaymentMeansCode = 54 or "
                    "cbc:PaymentMeansCode = 55]",
                    "/cac:PaymentMeans[cbc:PaymentMeansCode = 48 or cbc:PaymentMeansCode = 54 or "
                    "cbc:PaymentMeansCode = 55]"),
               {{"DE-R-024-1", F, "cac:CardAccount", "A card payment needs the card (BG-18)."},
                {"DE-R-024-2", F, "not(cac:PayeeFinancialAccount) and not(cac:PaymentMandate)",
                 "A card payment has no account or mandate."}}});
  r.push_back(
      {both("/cac:PaymentMeans[cbc:PaymentMeansCode = 59]",
            "/cac:PaymentMeans[cbc:PaymentMeansCode = 59]"),
       {{"DE-R-020", W, "native:peppol-de-r020", "The debited IBAN should be valid."},
        {"DE-R-025-1", F, "cac:PaymentMandate", "A direct debit needs the mandate (BG-19)."},
        {"DE-R-025-2", F, "not(cac:PayeeFinancialAccount) and not(cac:CardAccount)",
         "A direct debit has no payee account or card."}}});
  r.push_back({both("/cac:TaxTotal/cac:TaxSubtotal", "/cac:TaxTotal/cac:TaxSubtotal"),
               {{"DE-R-014", F, "cac:TaxCategory/cbc:Percent[boolean(normalize-space(.))]",
                 "Each VAT breakdown needs a rate (BT-119)."}}});
  return p;
}

PatternDef Codes() {
  PatternDef p{"peppol-codes", {}};
  auto& r = p.rules;
  r.push_back({"cbc:EmbeddedDocumentBinaryObject[@mimeCode]",
               {{"PEPPOL-EN16931-CL001", F,
                 "@mimeCode = 'application/pdf' or @mimeCode = 'image/png' or @mimeCode = "
                 "'image/jpeg' or @mimeCode = 'text/csv' or @mimeCode = "
                 "'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' or @mimeCode "
                 "= 'application/vnd.oasis.opendocument.spreadsheet'",
                 "The attachment MIME code is not allowed."}}});
  r.push_back(
      {"cac:AllowanceCharge[cbc:ChargeIndicator = 'false']/cbc:AllowanceChargeReasonCode",
       {{"PEPPOL-EN16931-CL002", F, OneOf(kPeppolAllowanceReasonCodes, "normalize-space(text())"),
         "The allowance reason code is not in UNCL 5189."}}});
  r.push_back(
      {"cac:AllowanceCharge[cbc:ChargeIndicator = 'true']/cbc:AllowanceChargeReasonCode",
       {{"PEPPOL-EN16931-CL003", F, OneOf(kPeppolChargeReasonCodes, "normalize-space(text())"),
         "The charge reason code is not in UNCL 7161."}}});
  r.push_back({"cac:InvoicePeriod/cbc:DescriptionCode",
               {{"PEPPOL-EN16931-CL006", F, OneOf(" 3 35 432 ", "normalize-space(text())"),
                 "The tax point date code is not in UNCL 2005."}}});
  r.push_back(
      {"cbc:Amount | cbc:BaseAmount | cbc:PriceAmount | cbc:TaxAmount | cbc:TaxableAmount | "
       "cbc:LineExtensionAmount | cbc:TaxExclusiveAmount | cbc:TaxInclusiveAmount | "
       "cbc:AllowanceTotalAmount | cbc:ChargeTotalAmount | cbc:PrepaidAmount | "
       "cbc:PayableRoundingAmount | cbc:PayableAmount",
       {{"PEPPOL-EN16931-CL007", F,
         Keep(fmt::format("@currencyID and {}", OneOf(kPeppolCurrencyCodes, "@currencyID"))),
         "The currency is not an ISO 4217 code."}}});
  r.push_back({"cbc:InvoiceTypeCode",
               {{"PEPPOL-EN16931-P0100", F,
                 Keep(fmt::format("$profile != '01' or {}",
                                  OneOf(" 71 80 82 84 102 218 219 326 331 380 382 383 384 386 388 "
                                        "393 395 553 575 623 780 817 870 875 876 877 ",
                                        "normalize-space(text())"))),
                 "The invoice type code is not allowed in the billing process."},
                {"PEPPOL-EN16931-P0112", F,
                 "not(normalize-space(.) = '326' or normalize-space(.) = '384') or "
                 "($supplierCountryIsDE and $customerCountryIsDE)",
                 "Type codes 326 and 384 are only for German domestic invoices."}}});
  r.push_back({"cbc:CreditNoteTypeCode",
               {{"PEPPOL-EN16931-P0101", F,
                 Keep(fmt::format("$profile != '01' or {}",
                                  OneOf(" 381 396 81 83 532 ", "normalize-space(text())"))),
                 "The credit note type code is not allowed in the billing process."}}});
  r.push_back(
      {"cbc:IssueDate | cbc:DueDate | cbc:TaxPointDate | cbc:StartDate | cbc:EndDate | "
       "cbc:ActualDeliveryDate",
       {{"PEPPOL-EN16931-F001", F, "string-length(text()) = 10 and castable-as-date(string(.))",
         "A date must be YYYY-MM-DD."}}});
  r.push_back({"cbc:EndpointID[@schemeID]",
               {{"PEPPOL-EN16931-CL008", F, OneOf(kPeppolEasCodes, "@schemeID"),
                 "The electronic address scheme is not in the EAS list."}}});
  struct Vatex {
    const char* id;
    const char* code;
    const char* cat;
  };
  static constexpr Vatex kVatex[] = {
      {"PEPPOL-EN16931-P0104", "VATEX-EU-G", "G"},  {"PEPPOL-EN16931-P0105", "VATEX-EU-O", "O"},
      {"PEPPOL-EN16931-P0106", "VATEX-EU-IC", "K"}, {"PEPPOL-EN16931-P0107", "VATEX-EU-AE", "AE"},
      {"PEPPOL-EN16931-P0108", "VATEX-EU-D", "E"},  {"PEPPOL-EN16931-P0109", "VATEX-EU-F", "E"},
      {"PEPPOL-EN16931-P0110", "VATEX-EU-I", "E"},  {"PEPPOL-EN16931-P0111", "VATEX-EU-J", "E"}};
  for (const auto& v : kVatex) {
    r.push_back(
        {Keep(
             fmt::format("cac:TaxCategory[upper-case(cbc:TaxExemptionReasonCode) = '{}']", v.code)),
         {{v.id, F, Keep(fmt::format("normalize-space(cbc:ID) = '{}'", v.cat)),
           Keep(fmt::format("Exemption reason {} requires category {}.", v.code, v.cat))}}});
  }
  return p;
}

// ---- CII ----

#define SELLER_CII                                                                                \
  "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/" \
  "ram:SellerTradeParty"
#define BUYER_CII                                                                                 \
  "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/" \
  "ram:BuyerTradeParty"
#define TX_CII "rsm:SupplyChainTradeTransaction/"

PatternDef CiiMain() {
  PatternDef p{"peppol-cii-main", {}};
  auto& r = p.rules;
  r.push_back(
      {"rsm:ExchangedDocumentContext",
       {{"PEPPOL-EN16931-R001", F, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
         "A business process is required."},
        {"PEPPOL-EN16931-R007", F, "$profile != 'Unknown'",
         "The business process must be urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0."},
        {"PEPPOL-EN16931-R004", F,
         "starts-with(normalize-space(ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/"
         "text()), 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0')",
         "The specification identifier must be Peppol BIS Billing 3.0."}}});
  r.push_back({"ram:ApplicableHeaderTradeAgreement",
               {{"PEPPOL-EN16931-R003", F,
                 "ram:BuyerReference or ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
                 "A buyer reference or a purchase order reference is required."},
                {"PEPPOL-EN16931-R006", F,
                 "count(ram:AdditionalReferencedDocument[ram:TypeCode='130']) <= 1",
                 "At most one invoiced object identifier."},
                {"PEPPOL-EN16931-R080", F,
                 "count(ram:AdditionalReferencedDocument[ram:TypeCode='50']) <= 1",
                 "At most one project reference."}}});
  r.push_back(
      {"ram:ApplicableHeaderTradeSettlement",
       {{"PEPPOL-EN16931-R005", F,
         "not(ram:TaxCurrencyCode) or normalize-space(ram:TaxCurrencyCode/text()) != "
         "normalize-space(ram:InvoiceCurrencyCode/text())",
         "The VAT accounting currency must differ from the invoice currency."},
        {"PEPPOL-EN16931-R053", F,
         "count(ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount[@currencyID "
         "= $documentCurrencyCode]) = 1",
         "Exactly one total VAT amount in the invoice currency."},
        {"PEPPOL-EN16931-R054", F,
         "(ram:TaxCurrencyCode and "
         "count(ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount[@currencyID "
         "!= $documentCurrencyCode]) = 1) or (not(ram:TaxCurrencyCode) and "
         "count(ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount[@currencyID "
         "!= $documentCurrencyCode]) = 0)",
         "A total VAT amount in another currency exactly when there is a VAT accounting currency."},
        {"PEPPOL-EN16931-R055", F,
         "not(/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
         "ram:ApplicableHeaderTradeSettlement/ram:TaxCurrencyCode) or "
         "(ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount[@currencyID = "
         "$taxCurrencyCode] < 0 and "
         "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount[@currencyID = "
         "$documentCurrencyCode] < 0) or "
         "(ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount[@currencyID = "
         "$taxCurrencyCode] >= 0 and "
         "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount[@currencyID = "
         "$documentCurrencyCode] >= 0)",
         "Both total VAT amounts must have the same sign."}}});
  r.push_back({"rsm:ExchangedDocument",
               {{"PEPPOL-EN16931-R002", F,
                 "count(ram:IncludedNote) <= 1 and not(ram:IncludedNote/ram:SubjectCode)",
                 "At most one note, without subject code."}}});
  r.push_back({"ram:BuyerTradeParty",
               {{"PEPPOL-EN16931-R010", F, "ram:URIUniversalCommunication/ram:URIID",
                 "The buyer electronic address is required."}}});
  r.push_back({"ram:SellerTradeParty",
               {{"PEPPOL-EN16931-R020", F, "ram:URIUniversalCommunication/ram:URIID",
                 "The seller electronic address is required."}}});
  r.push_back({"ram:SpecifiedTradeAllowanceCharge[ram:CalculationPercent and not(ram:BasisAmount)]",
               {{"PEPPOL-EN16931-R041", F, "false()",
                 "A percentage allowance or charge needs its base amount."}}});
  r.push_back({"ram:SpecifiedTradeAllowanceCharge[not(ram:CalculationPercent) and ram:BasisAmount]",
               {{"PEPPOL-EN16931-R042", F, "false()", "A base amount needs the percentage."}}});
  const char* indicator =
      "normalize-space(ram:ChargeIndicator/udt:Indicator/text()) = 'true' or "
      "normalize-space(ram:ChargeIndicator/udt:Indicator/text()) = 'false'";
  r.push_back(
      {"ram:SpecifiedTradeAllowanceCharge",
       {{"PEPPOL-EN16931-R040", F, "native:peppol-cii-r040",
         "Amount must equal base amount x percentage / 100."},
        {"PEPPOL-EN16931-R043", F, indicator, "The charge indicator must be true or false."}}});
  r.push_back(
      {"ram:AppliedTradeAllowanceCharge",
       {{"PEPPOL-EN16931-R043", F, indicator, "The charge indicator must be true or false."}}});
  r.push_back(
      {"ram:SpecifiedTradeSettlementPaymentMeans[normalize-space(ram:TypeCode) = '49' or "
       "normalize-space(ram:TypeCode) = '59']",
       {{"PEPPOL-EN16931-R061", F, "../ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID",
         "A direct debit needs the mandate reference."}}});
  r.push_back(
      {"rsm:SupplyChainTradeTransaction[ram:ApplicableHeaderTradeSettlement/"
       "ram:BillingSpecifiedPeriod/ram:StartDateTime]/ram:IncludedSupplyChainTradeLineItem/"
       "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/ram:StartDateTime",
       {{"PEPPOL-EN16931-R110", F,
         "udt:DateTimeString >= "
         "../../../../ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod/"
         "ram:StartDateTime/udt:DateTimeString",
         "A line period must start within the invoice period."}}});
  r.push_back(
      {"rsm:SupplyChainTradeTransaction[ram:ApplicableHeaderTradeSettlement/"
       "ram:BillingSpecifiedPeriod/ram:EndDateTime]/ram:IncludedSupplyChainTradeLineItem/"
       "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/ram:EndDateTime",
       {{"PEPPOL-EN16931-R111", F,
         "udt:DateTimeString <= "
         "../../../../ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod/"
         "ram:EndDateTime/udt:DateTimeString",
         "A line period must end within the invoice period."}}});
  r.push_back(
      {"ram:IncludedSupplyChainTradeLineItem",
       {{"PEPPOL-EN16931-R120", F, "native:peppol-cii-r120",
         "Line net amount must equal quantity x (price / base quantity) + charges - allowances."},
        {"PEPPOL-EN16931-R100", F,
         "count(ram:SpecifiedLineTradeSettlement/"
         "ram:AdditionalReferencedDocument[ram:TypeCode='130']) <= 1",
         "At most one line object identifier."},
        {"PEPPOL-EN16931-R101", F,
         "not(ram:SpecifiedLineTradeSettlement/ram:AdditionalReferencedDocument) or "
         "ram:SpecifiedLineTradeSettlement/ram:AdditionalReferencedDocument/ram:TypeCode='130'",
         "A line document reference must be an invoiced object identifier (130)."}}});
  r.push_back({"ram:NetPriceProductTradePrice | ram:GrossPriceProductTradePrice",
               {{"PEPPOL-EN16931-R121", F, "native:peppol-cii-r121",
                 "The base quantity must be positive."}}});
  r.push_back(
      {"ram:NetPriceProductTradePrice/ram:BasisQuantity[@unitCode] | "
       "ram:GrossPriceProductTradePrice/ram:BasisQuantity[@unitCode]",
       {{"PEPPOL-EN16931-R130", F,
         "@unitCode = ../../../ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode",
         "The base quantity unit must be the invoiced quantity unit."}}});
  AddIdentifierRules(
      r,
      "ram:URIID[@schemeID = '{0}'] | ram:ID[@schemeID = '{0}'] | ram:GlobalID[@schemeID = '{0}']",
      "ram:URIID", true);
  return p;
}

PatternDef CiiNorway() {
  return {"norway",
          {{"ram:SellerTradeParty[$supplierCountry = 'NO']",
            {{"NO-R-002", W,
              "ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'FC'][normalize-space(text()) = "
              "'Foretaksregisteret']",
              "A Norwegian seller should state 'Foretaksregisteret'."},
             {"NO-R-001", F, "native:peppol-cii-no-r001",
              "A Norwegian VAT number must be NO + 9 digits + MVA with a valid check digit."}}}}};
}

PatternDef CiiDenmark() {
  PatternDef p{"denmark", {}};
  auto& r = p.rules;
  const char* ac = TX_CII "ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeAllowanceCharge";
  r.push_back(
      {"rsm:CrossIndustryInvoice[$DKSupplierCountry = 'DK']",
       {{"DK-R-002", F,
         "normalize-space(" TX_CII "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/"
                                   "ram:SpecifiedLegalOrganization/ram:ID/text()) != ''",
         "A Danish seller needs its legal registration identifier."},
        {"DK-R-004", F,
         Keep(fmt::format(
             "not(($DKCustomerCountry = 'DK' and {0}/ram:ReasonCode = 'ZZZ') and "
             "not((string-length(normalize-space({0}/ram:Reason/text())) = 4 and "
             "number({0}/ram:Reason) >= 0 and number({0}/ram:Reason <= 9999)) or ({0}/ram:Reason "
             "and contains({0}/ram:Reason, '#') and not(starts-with({0}/ram:Reason, '#')) and "
             "not(substring({0}/ram:Reason, string-length({0}/ram:Reason)) = '#'))))",
             ac)),
         "Reason code ZZZ needs a 4-digit or #-separated reason."},
        {"DK-R-013", F,
         "not($DKCustomerCountry = 'DK' and ((" TX_CII
         "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:GlobalID and "
         "normalize-space(" TX_CII "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/"
                                   "ram:GlobalID/@schemeID) = '') or (" TX_CII
         "ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty/ram:GlobalID and "
         "normalize-space(" TX_CII
         "ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty/ram:GlobalID/@schemeID) = '')))",
         "A party identifier needs a scheme."},
        {"DK-R-014", F,
         "not(" TX_CII "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/"
                       "ram:SpecifiedLegalOrganization/ram:ID and normalize-space(" TX_CII
         "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/"
         "ram:ID/@schemeID) != '0184')",
         "A Danish seller's registration identifier uses scheme 0184."},
        {"DK-R-016", F,
         "not($DKCustomerCountry = 'DK' and "
         "normalize-space(rsm:ExchangedDocument/ram:TypeCode/text()) = '381' and number(" TX_CII
         "ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
         "ram:DuePayableAmount/text()) < 0)",
         "A Danish credit note must not have a negative amount due."}}});
  r.push_back(
      {"rsm:CrossIndustryInvoice[$DKSupplierCountry = 'DK' and $DKCustomerCountry = 'DK']/" TX_CII
       "ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementPaymentMeans",
       {{"DK-R-005", F,
         "contains(' 1 10 31 42 48 49 50 58 59 93 97 ', concat(' ', ram:TypeCode, ' '))",
         "The payment means code is not allowed in Denmark."},
        {"DK-R-006", F,
         "not((ram:TypeCode = '31' or ram:TypeCode = '42') and "
         "not(normalize-space(ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()) != '' and "
         "normalize-space(ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID/text()) != ''))",
         "A bank transfer needs the account and the bank identifier."},
        {"DK-R-007", F,
         "not(ram:TypeCode = '49' and not(normalize-space(../ram:CreditorReferenceID/text()) != '' "
         "and normalize-space(ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID/text()) != "
         "''))",
         "A direct debit needs the creditor reference and the mandate."},
        {"DK-R-008", F,
         "not(ram:TypeCode = '50' and not((substring(../ram:PaymentReference, 0, 4) = '01#' or "
         "substring(../ram:PaymentReference, 0, 4) = '04#' or substring(../ram:PaymentReference, "
         "0, 4) = '15#') and "
         "string-length(ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()) = 7))",
         "A Giro payment needs a valid payment id and account."},
        {"DK-R-009", F,
         "not(ram:TypeCode = '50' and (substring(../ram:PaymentReference, 0, 4) = '04#' or "
         "substring(../ram:PaymentReference, 0, 4) = '15#') and "
         "not(string-length(../ram:PaymentReference) = 19))",
         "Giro payment ids 04# and 15# are 19 characters."},
        {"DK-R-010", F,
         "not(ram:TypeCode = '93' and not((substring(../ram:PaymentReference, 0, 4) = '71#' or "
         "substring(../ram:PaymentReference, 0, 4) = '73#' or substring(../ram:PaymentReference, "
         "0, 4) = '75#') and "
         "string-length(ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()) = 8))",
         "An FIK payment needs a valid payment id and an 8-digit creditor."},
        {"DK-R-011", F,
         "not(ram:TypeCode = '93' and (substring(../ram:PaymentReference, 0, 4) = '71#' or "
         "substring(../ram:PaymentReference, 0, 4) = '75#') and "
         "not(string-length(../ram:PaymentReference) = 18 or "
         "string-length(../ram:PaymentReference) = 19))",
         "FIK payment ids 71# and 75# are 18 or 19 characters."}}});
  r.push_back(
      {"rsm:CrossIndustryInvoice[$DKSupplierCountry = 'DK' and $DKCustomerCountry = 'DK']/" TX_CII
       "ram:IncludedSupplyChainTradeLineItem",
       {{"DK-R-003", W,
         "not(ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode/@listID "
         "= 'TST' and "
         "not(ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode/"
         "@listVersionID = '19.05.01' or "
         "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode/"
         "@listVersionID = '19.0501' or "
         "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode/"
         "@listVersionID = '26.08.01' or "
         "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode/"
         "@listVersionID = '26.0801'))",
         "A UNSPSC (TST) classification needs a supported version."}}});
  return p;
}

PatternDef CiiItaly() {
  return {
      "italy",
      {{"ram:SellerTradeParty[$supplierCountry = 'IT']/ram:SpecifiedTaxRegistration",
        {{"IT-R-001", F,
          "ram:ID[normalize-space(@schemeID) != 'FC'] or "
          "matches(normalize-space(ram:ID[normalize-space(@schemeID) = 'FC']), "
          "'^[A-Z0-9]{11,16}$')",
          "An Italian tax registration must be 11 to 16 letters or digits."}}},
       {"ram:SellerTradeParty[$supplierCountry = 'IT']",
        {{"IT-R-002", F, "ram:PostalTradeAddress/ram:LineOne",
          "An Italian seller needs an address line."},
         {"IT-R-003", F, "ram:PostalTradeAddress/ram:CityName", "An Italian seller needs a city."},
         {"IT-R-004", F, "ram:PostalTradeAddress/ram:PostcodeCode",
          "An Italian seller needs a post code."}}}}};
}

PatternDef CiiSweden() {
  PatternDef p{"sweden", {}};
  auto& r = p.rules;
  r.push_back({SELLER_CII
               "[ram:PostalTradeAddress/ram:CountryID = 'SE' and "
               "ram:SpecifiedTaxRegistration[substring(ram:ID[@schemeID = 'VAT'], 1, 2) = 'SE']]",
               {{"SE-R-001", F,
                 "string-length(normalize-space(ram:SpecifiedTaxRegistration/ram:ID[@schemeID = "
                 "'VAT'])) = 14",
                 "A Swedish VAT number is 14 characters."},
                {"SE-R-002", F,
                 "string(number(substring(ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'VAT'], "
                 "3, 12))) != 'NaN'",
                 "A Swedish VAT number has 12 digits after SE."}}});
  r.push_back(
      {SELLER_CII
       "/ram:SpecifiedLegalOrganization[../ram:PostalTradeAddress/ram:CountryID = 'SE' and ram:ID]",
       {{"SE-R-003", F, "string(number(ram:ID)) != 'NaN'",
         "A Swedish organisation number is numeric."},
        {"SE-R-004", F, "string-length(normalize-space(ram:ID)) = 10",
         "A Swedish organisation number is 10 digits."},
        {"SE-R-013", F, "u-se-orgnr(normalize-space(ram:ID))",
         "A Swedish organisation number must have a valid check digit."}}});
  r.push_back({SELLER_CII "[ram:PostalTradeAddress/ram:CountryID = 'SE' and "
                          "ram:SpecifiedLegalOrganization/ram:ID]/ram:SpecifiedTaxRegistration/"
                          "ram:ID[@schemeID = 'FC']",
               {{"SE-R-005", F, "native:peppol-se-r005",
                 "A Swedish seller's tax registration must read 'Godkänd för F-skatt'."}}});
  const char* se_vat =
      "[/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
      "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty[ram:PostalTradeAddress/"
      "ram:CountryID = 'SE']/ram:SpecifiedTaxRegistration[substring(ram:ID[@schemeID = 'VAT'], 1, "
      "2) = 'SE']]";
  r.push_back({Keep(fmt::format("//ram:ApplicableTradeTax{0} | //ram:CategoryTradeTax{0}", se_vat)),
               {{"SE-R-006", F,
                 "number(ram:RateApplicablePercent) = 25 or number(ram:RateApplicablePercent) = 12 "
                 "or number(ram:RateApplicablePercent) = 6",
                 "Swedish standard rates are 25, 12 or 6 %."}}});
  const char* means =
      "/rsm:CrossIndustryInvoice/"
      "rsm:SupplyChainTradeTransaction[ram:ApplicableHeaderTradeAgreement/"
      "ram:SellerTradeParty[ram:PostalTradeAddress/ram:CountryID = "
      "'SE']]/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementPaymentMeans";
  r.push_back(
      {Keep(fmt::format("{}[normalize-space(ram:TypeCode) = '30' and "
                        "normalize-space(ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID) "
                        "= 'SE:PLUSGIRO']/ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID",
                        means)),
       {{"SE-R-007", W, "string(number(normalize-space(.))) != 'NaN'",
         "A Plusgiro number is numeric."},
        {"SE-R-010", W,
         "string-length(normalize-space(.)) >= 2 and string-length(normalize-space(.)) <= 8",
         "A Plusgiro number has 2 to 8 digits."}}});
  r.push_back(
      {Keep(fmt::format("{}[normalize-space(ram:TypeCode) = '30' and "
                        "normalize-space(ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID) "
                        "= 'SE:BANKGIRO']/ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID",
                        means)),
       {{"SE-R-008", W, "string(number(normalize-space(.))) != 'NaN'",
         "A Bankgiro number is numeric."},
        {"SE-R-009", W,
         "string-length(normalize-space(.)) = 7 or string-length(normalize-space(.)) = 8",
         "A Bankgiro number has 7 or 8 digits."}}});
  r.push_back(
      {Keep(fmt::format(
           "{}[normalize-space(ram:TypeCode) = '50' or normalize-space(ram:TypeCode) = '56']",
           means)),
       {{"SE-R-011", W, "false()", "Use code 30 for Bankgiro and Plusgiro payments in Sweden."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/"
       "rsm:SupplyChainTradeTransaction[ram:ApplicableHeaderTradeAgreement/"
       "ram:SellerTradeParty[ram:PostalTradeAddress/ram:CountryID = 'SE'] and "
       "ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty[ram:PostalTradeAddress/"
       "ram:CountryID = "
       "'SE']]/ram:ApplicableHeaderTradeSettlement/"
       "ram:SpecifiedTradeSettlementPaymentMeans[normalize-space(ram:TypeCode) = '31']",
       {{"SE-R-012", W, "false()", "Domestic Swedish payments should not use code 31."}}});
  return p;
}

PatternDef CiiNetherlands() {
  PatternDef p{"netherlands", {}};
  auto& r = p.rules;
  const char* addr = "ram:LineOne and ram:CityName and ram:PostcodeCode";
  const char* kvk = "(@schemeID = '0106' or @schemeID = '0190') and normalize-space(.) != ''";
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:ExchangedDocument[contains(' 81 83 381 396 532 ', concat(' "
       "', normalize-space(ram:TypeCode), ' '))][$supplierCountryIsNL]",
       {{"NL-R-001", F,
         "//ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
         "A Dutch credit note must reference the invoice."}}});
  r.push_back({SELLER_CII "/ram:PostalTradeAddress[$supplierCountryIsNL]",
               {{"NL-R-002", F, addr, "A Dutch seller needs street, city and post code."}}});
  r.push_back({SELLER_CII "/ram:SpecifiedLegalOrganization/ram:ID[$supplierCountryIsNL]",
               {{"NL-R-003", F, kvk,
                 "A Dutch seller's registration is a KvK (0106) or OIN (0190) number."}}});
  r.push_back({BUYER_CII "/ram:PostalTradeAddress[$supplierCountryIsNL and $customerCountryIsNL]",
               {{"NL-R-004", F, addr, "A Dutch buyer needs street, city and post code."}}});
  r.push_back(
      {BUYER_CII
       "/ram:SpecifiedLegalOrganization/ram:ID[$supplierCountryIsNL and $customerCountryIsNL]",
       {{"NL-R-005", F, kvk,
         "A Dutch buyer's registration is a KvK (0106) or OIN (0190) number."}}});
  r.push_back(
      {"rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
       "ram:ApplicableHeaderTradeAgreement/ram:SellerTaxRepresentativeTradeParty/"
       "ram:PostalTradeAddress[$supplierCountryIsNL and $taxRepresentativeCountryIsNL]",
       {{"NL-R-006", F, addr, "A Dutch tax representative needs street, city and post code."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
       "ram:ApplicableHeaderTradeSettlement/"
       "ram:SpecifiedTradeSettlementHeaderMonetarySummation[$supplierCountryIsNL]",
       {{"NL-R-007", F, "native:peppol-cii-nl-r007",
         "A Dutch invoice with an amount due needs payment instructions."}}});
  r.push_back(
      {"/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
       "ram:ApplicableHeaderTradeSettlement/"
       "ram:SpecifiedTradeSettlementPaymentMeans[$supplierCountryIsNL and $customerCountryIsNL]",
       {{"NL-R-008", F,
         "normalize-space(ram:TypeCode) = '30' or normalize-space(ram:TypeCode) = '48' or "
         "normalize-space(ram:TypeCode) = '49' or normalize-space(ram:TypeCode) = '57' or "
         "normalize-space(ram:TypeCode) = '58' or normalize-space(ram:TypeCode) = '59'",
         "The payment means code is not allowed between Dutch parties."}}});
  r.push_back(
      {"rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
       "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeAgreement/"
       "ram:BuyerOrderReferencedDocument/ram:LineID[$supplierCountryIsNL]",
       {{"NL-R-009", F,
         "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
         "ram:ApplicableHeaderTradeAgreement/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
         "An order line reference needs the order reference."}}});
  return p;
}

PatternDef CiiCodes() {
  PatternDef p{"peppol-cii-codes", {}};
  auto& r = p.rules;
  r.push_back({"ram:AttachmentBinaryObject[@mimeCode]",
               {{"PEPPOL-EN16931-CL001", F,
                 "@mimeCode = 'application/pdf' or @mimeCode = 'image/png' or @mimeCode = "
                 "'image/jpeg' or @mimeCode = 'text/csv' or @mimeCode = "
                 "'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' or @mimeCode "
                 "= 'application/vnd.oasis.opendocument.spreadsheet'",
                 "The attachment MIME code is not allowed."}}});
  r.push_back(
      {"ram:SpecifiedTradeAllowanceCharge[normalize-space(ram:ChargeIndicator/udt:Indicator) = "
       "'false']/ram:ReasonCode",
       {{"PEPPOL-EN16931-CL002", F, OneOf(kPeppolAllowanceReasonCodes, "normalize-space(text())"),
         "The allowance reason code is not in UNCL 5189."}}});
  r.push_back(
      {"ram:SpecifiedTradeAllowanceCharge[normalize-space(ram:ChargeIndicator/udt:Indicator) = "
       "'true']/ram:ReasonCode",
       {{"PEPPOL-EN16931-CL003", F, OneOf(kPeppolChargeReasonCodes, "normalize-space(text())"),
         "The charge reason code is not in UNCL 7161."}}});
  r.push_back({"ram:TaxTotalAmount[@currencyID]",
               {{"PEPPOL-EN16931-CL007", F, OneOf(kPeppolCurrencyCodes, "@currencyID"),
                 "The currency is not an ISO 4217 code."}}});
  r.push_back(
      {"ram:ExchangedDocument/ram:TypeCode",
       {{"PEPPOL-EN16931-P0100", F,
         Keep(fmt::format("$profile != '01' or {}",
                          OneOf(" 71 102 218 219 326 331 382 553 817 870 875 876 877 380 383 384 "
                                "386 388 393 82 80 84 395 575 623 780 381 396 81 83 532 ",
                                "normalize-space(text())"))),
         "The document type code is not allowed in the billing process."}}});
  r.push_back({"udt:DateTimeString",
               {{"PEPPOL-EN16931-F001", F,
                 "normalize-space(@format) = '102' and string-length(text()) = 8 and "
                 "matches(normalize-space(text()), '20[0-9]{6}')",
                 "A date must be format 102 (CCYYMMDD)."}}});
  r.push_back(
      {"ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID | "
       "ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID",
       {{"PEPPOL-EN16931-CL008", F, OneOf(kPeppolEasCodes, "@schemeID"),
         "The electronic address scheme is not in the EAS list."}}});
  return p;
}

// $profile: the process number NN of urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0
// (the 7th ':'-separated token), or 'Unknown'.
std::string ProfileOf(const std::string& profile_id, bool present) {
  static const std::regex kProfile("urn:fdc:peppol.eu:2017:poacc:billing:([0-9]{2}):1.0");
  if (!present || !std::regex_search(profile_id, kProfile)) return "Unknown";
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= profile_id.size(); ++i) {
    if (i == profile_id.size() || profile_id[i] == ':') {
      parts.push_back(profile_id.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts.size() >= 7 ? parts[6] : "";
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

// The first two characters of the first VAT registration of `party`, if non-empty.
std::string VatPrefix(EvalContext& c, _xmlNode* doc, const char* party) {
  return c.String(
      doc, fmt::format(
               "substring({}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']/cbc:CompanyID, 1, 2)",
               party));
}

}  // namespace

void BindPeppolUblVariables(EvalContext& c, _xmlNode* doc) {
  const std::string profile_id = c.String(doc, "normalize-space(/*/cbc:ProfileID)");
  c.SetString("profile", ProfileOf(profile_id, true));
  std::string supplier = VatPrefix(c, doc, SUPPLIER);
  if (supplier.empty()) supplier = VatPrefix(c, doc, "/*/cac:TaxRepresentativeParty");
  const std::string supplier_address = c.String(
      doc, "normalize-space(" SUPPLIER "/cac:PostalAddress/cac:Country/cbc:IdentificationCode)");
  if (supplier.empty())
    supplier = c.Bool(doc, SUPPLIER "/cac:PostalAddress/cac:Country/cbc:IdentificationCode")
                   ? supplier_address
                   : "XX";
  c.SetString("supplierCountry", Upper(supplier));
  std::string accounting_supplier = VatPrefix(c, doc, SUPPLIER);
  if (accounting_supplier.empty())
    accounting_supplier =
        c.Bool(doc, SUPPLIER "/cac:PostalAddress/cac:Country/cbc:IdentificationCode")
            ? supplier_address
            : "XX";
  c.SetString("accountingSupplierCountry", Upper(accounting_supplier));
  std::string customer = VatPrefix(c, doc, CUSTOMER);
  const std::string customer_address = c.String(
      doc, "normalize-space(" CUSTOMER "/cac:PostalAddress/cac:Country/cbc:IdentificationCode)");
  if (customer.empty())
    customer = c.Bool(doc, CUSTOMER "/cac:PostalAddress/cac:Country/cbc:IdentificationCode")
                   ? customer_address
                   : "XX";
  c.SetString("customerCountry", Upper(customer));
  c.SetBool("supplierCountryIsDE", Upper(supplier_address) == "DE");
  c.SetBool("customerCountryIsDE", Upper(customer_address) == "DE");
  c.SetBool("supplierCountryIsNL", Upper(supplier_address) == "NL");
  c.SetBool("customerCountryIsNL", Upper(customer_address) == "NL");
  c.SetBool("taxRepresentativeCountryIsNL",
            Upper(c.String(doc,
                           "normalize-space(/*/cac:TaxRepresentativeParty/cac:PostalAddress/"
                           "cac:Country/cbc:IdentificationCode)")) == "NL");
  c.SetNodes("documentCurrencyCode", doc, "/*/cbc:DocumentCurrencyCode");
  c.SetString("DKSupplierCountry",
              c.String(doc,
                       "concat(cn:CreditNote/cac:AccountingSupplierParty/cac:Party/"
                       "cac:PostalAddress/cac:Country/cbc:IdentificationCode, "
                       "ubl:Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/"
                       "cac:Country/cbc:IdentificationCode)"));
  c.SetString("DKCustomerCountry",
              c.String(doc,
                       "concat(cn:CreditNote/cac:AccountingCustomerParty/cac:Party/"
                       "cac:PostalAddress/cac:Country/cbc:IdentificationCode, "
                       "ubl:Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/"
                       "cac:Country/cbc:IdentificationCode)"));
  c.SetString("SupplierCountry",
              c.String(doc,
                       "concat(cn:CreditNote/cac:AccountingSupplierParty/cac:Party/"
                       "cac:PostalAddress/cac:Country/cbc:IdentificationCode, "
                       "ubl:Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/"
                       "cac:Country/cbc:IdentificationCode)"));
  c.SetString("CustomerCountry",
              c.String(doc,
                       "concat(cn:CreditNote/cac:AccountingCustomerParty/cac:Party/"
                       "cac:PostalAddress/cac:Country/cbc:IdentificationCode, "
                       "ubl:Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/"
                       "cac:Country/cbc:IdentificationCode)"));
  const bool greek_sender = Upper(supplier) == "GR" || Upper(supplier) == "EL";
  const bool greek_receiver = Upper(customer) == "GR" || Upper(customer) == "EL";
  c.SetBool("isGreekSender", greek_sender);
  c.SetBool("isGreekReceiver", greek_receiver);
  c.SetBool("isGreekSenderandReceiver", greek_sender && greek_receiver);
}

void BindPeppolCiiVariables(EvalContext& c, _xmlNode* doc) {
  const char* bp =
      "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/"
      "ram:BusinessProcessSpecifiedDocumentContextParameter";
  const std::string profile_id = c.String(doc, fmt::format("normalize-space({}/ram:ID)", bp));
  c.SetString("profile", ProfileOf(profile_id, c.Bool(doc, bp)));
  std::string supplier =
      c.String(doc,
               "substring(/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction[1]/"
               "ram:ApplicableHeaderTradeAgreement[1]/ram:SellerTradeParty[1]/"
               "ram:SpecifiedTaxRegistration[ram:ID/@schemeID = 'VAT']/ram:ID, 1, 2)");
  if (supplier.empty())
    supplier = c.String(doc,
                        "substring(/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
                        "ram:ApplicableHeaderTradeAgreement/ram:SellerTaxRepresentativeTradeParty/"
                        "ram:SpecifiedTaxRegistration[ram:ID/@schemeID = 'VAT']/ram:ID, 1, 2)");
  if (supplier.empty())
    supplier =
        c.Bool(doc, SELLER_CII "/ram:PostalTradeAddress/ram:CountryID")
            ? c.String(doc, "normalize-space(" SELLER_CII "/ram:PostalTradeAddress/ram:CountryID)")
            : "XX";
  c.SetString("supplierCountry", Upper(supplier));
  c.SetNodes("documentCurrencyCode", doc,
             "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
             "ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode");
  c.SetNodes("taxCurrencyCode", doc,
             "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
             "ram:ApplicableHeaderTradeSettlement/ram:TaxCurrencyCode");
  c.SetNodes("DKSupplierCountry", doc, SELLER_CII "/ram:PostalTradeAddress/ram:CountryID");
  c.SetNodes("DKCustomerCountry", doc, BUYER_CII "/ram:PostalTradeAddress/ram:CountryID");
  auto is_nl = [&](const char* path) {
    return Upper(c.String(doc, fmt::format("normalize-space({})", path))) == "NL";
  };
  c.SetBool("supplierCountryIsNL", is_nl(SELLER_CII "/ram:PostalTradeAddress/ram:CountryID"));
  c.SetBool("customerCountryIsNL", is_nl(BUYER_CII "/ram:PostalTradeAddress/ram:CountryID"));
  c.SetBool("taxRepresentativeCountryIsNL",
            is_nl("/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
                  "ram:ApplicableHeaderTradeAgreement/ram:SellerTaxRepresentativeTradeParty/"
                  "ram:PostalTradeAddress/ram:CountryID"));
}

std::vector<PatternDef> PeppolUblPatterns() {
  // Built once: the tables point into strings kept for the process' life.
  static const auto& patterns = *new std::vector<PatternDef>{
      EmptyElements(), CreditNote(),     Main(),    Norway(),      Denmark(), Italy(), Sweden(),
      Greece(),        GreekReceivers(), Iceland(), Netherlands(), Germany(), Codes()};
  return patterns;
}

std::vector<PatternDef> PeppolCiiPatterns() {
  static const auto& patterns = *new std::vector<PatternDef>{
      CiiMain(), CiiNorway(), CiiDenmark(), CiiItaly(), CiiSweden(), CiiNetherlands(), CiiCodes()};
  return patterns;
}

}  // namespace digitrade::trade::einvoice::internal
