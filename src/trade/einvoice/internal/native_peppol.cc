// Native checks of the Peppol rules: xs:decimal arithmetic with u:slack,
// date comparisons and the national identifier algorithms.
#include <fmt/format.h>
#include <libxml/tree.h>

#include <cmath>
#include <optional>
#include <regex>

#include "trade/einvoice/internal/engine.h"
#include "trade/einvoice/internal/rules.h"
#include "trade/einvoice/internal/text.h"

namespace digitrade::trade::einvoice::internal {

namespace {

using Node = _xmlNode*;

// u:slack(exp, val, slack): exp - slack <= val <= exp + slack.
bool Slack(const Decimal& exp, const Decimal& val, const Decimal& slack) {
  return exp + slack >= val && exp - slack <= val;
}
const Decimal kTwoCents = *Decimal::Parse("0.02");

bool R040(EvalContext& c, Node ac) {
  if (!(c.Bool(ac, "cbc:MultiplierFactorNumeric") && c.Bool(ac, "cbc:BaseAmount"))) return true;
  auto amount = c.OptDec(ac, "cbc:Amount");
  auto base = c.OptDec(ac, "cbc:BaseAmount");
  auto factor = c.OptDec(ac, "cbc:MultiplierFactorNumeric");
  if (!base || !factor) return false;
  return Slack(amount.value_or(Decimal()), (*base * *factor) / Decimal::FromInt(100), kTwoCents);
}

bool R120(EvalContext& c, Node line) {
  const bool invoice = c.Bool(line, "/ubl:Invoice");
  const auto lea = c.OptDec(line, "cbc:LineExtensionAmount").value_or(Decimal());
  const auto qty = c.OptDec(line, invoice ? "cbc:InvoicedQuantity" : "cbc:CreditedQuantity")
                       .value_or(Decimal::FromInt(1));
  const auto price = c.OptDec(line, "cac:Price/cbc:PriceAmount").value_or(Decimal());
  Decimal base_qty = Decimal::FromInt(1);
  if (auto b = c.OptDec(line, "cac:Price/cbc:BaseQuantity"); b && !b->IsZero()) base_qty = *b;
  Decimal allowances, charges;
  for (Node a : c.Nodes(
           line, "cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator) = 'false']/cbc:Amount"))
    allowances = allowances + c.Dec(a);
  for (Node a : c.Nodes(
           line, "cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator) = 'true']/cbc:Amount"))
    charges = charges + c.Dec(a);
  if (c.crashed()) return true;
  return Slack(lea, qty * (price / base_qty) + charges.RoundTo2() - allowances.RoundTo2(),
               kTwoCents);
}

bool R121(EvalContext& c, Node line) {
  auto b = c.OptDec(line, "cac:Price/cbc:BaseQuantity");
  return !c.Bool(line, "cac:Price/cbc:BaseQuantity") || (b && *b > Decimal());
}

bool R046(EvalContext& c, Node ac) {
  if (!c.Bool(ac, "cbc:BaseAmount")) return true;
  auto price = c.OptDec(ac, "../cbc:PriceAmount");
  auto base = c.OptDec(ac, "cbc:BaseAmount");
  auto amount = c.OptDec(ac, "cbc:Amount");
  return price && base && amount && *price == *base - *amount;
}

// The sign rule on the two VAT totals (document and accounting currency).
bool R055(EvalContext& c, Node root) {
  if (!c.Bool(root, "cbc:TaxCurrencyCode")) return true;
  const char* tax =
      "cac:TaxTotal/cbc:TaxAmount[@currencyID=normalize-space(../../cbc:TaxCurrencyCode)]";
  const char* doc =
      "cac:TaxTotal/cbc:TaxAmount[@currencyID=normalize-space(../../cbc:DocumentCurrencyCode)]";
  auto cmp = [&](const char* path, const char* op) {
    return c.Bool(root, fmt::format("{} {} 0", path, op));
  };
  return (cmp(tax, "<=") && cmp(doc, "<=")) || (cmp(tax, ">=") && cmp(doc, ">="));
}

std::optional<std::string> Date(EvalContext& c, Node n) {
  const std::string s = c.String(n, "string(.)");
  if (!IsXsDate(s)) {
    c.Crash(fmt::format("xs:date('{}'): invalid value", s));
    return std::nullopt;
  }
  return s.substr(0, 10);
}

// xs:date(text()) <= or >= xs:date(<the invoice period date>): an element
// without text is the empty sequence (the comparison is false); several
// invoice period dates are a cardinality error.
bool LineInPeriod(EvalContext& c, Node line_date, const char* doc_date, bool after) {
  auto docs = c.Nodes(line_date, doc_date);
  if (docs.size() > 1) {
    c.Crash("a sequence of more than one item is not allowed in a cast to xs:date");
    return true;
  }
  if (!c.Bool(line_date, "text()") || docs.empty()) return false;
  auto mine = Date(c, line_date);
  auto doc = Date(c, docs[0]);
  return mine && doc && (after ? *mine >= *doc : *mine <= *doc);
}

bool R110(EvalContext& c, Node start) {
  return LineInPeriod(c, start, "../../../cac:InvoicePeriod/cbc:StartDate", true);
}
bool R111(EvalContext& c, Node end) {
  return LineInPeriod(c, end, "../../../cac:InvoicePeriod/cbc:EndDate", false);
}

bool IsInteger(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.erase(0, 1);
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

bool CommonR043(EvalContext& c, Node n) {
  const std::string v = c.String(n, "normalize-space()");
  static const std::regex kTen("^[0-9]{10}$");
  if (!std::regex_match(v, kTen)) return false;
  const long long check = std::stoll(v.substr(8, 2));
  const long long calc = 97 - std::stoll(v.substr(0, 8)) % 97;
  return check == calc;
}

bool Letters(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); });
}

bool CodiceIpa(EvalContext& c, Node n) {
  const std::string v = c.String(n, "normalize-space()");
  return v.size() == 6 && std::all_of(v.begin(), v.end(), [](char ch) {
           return std::isalnum(static_cast<unsigned char>(ch));
         });
}

bool CodiceFiscale(EvalContext& c, Node n) {
  const std::string v = c.String(n, "normalize-space()");
  if (v.size() == 11) return IsInteger(v);
  if (v.size() != 16) return false;
  return Letters(v.substr(0, 6)) && IsInteger(v.substr(6, 2)) && Letters(v.substr(8, 1)) &&
         IsInteger(v.substr(9, 2)) && IsInteger(v.substr(14, 1)) && Letters(v.substr(15, 1));
}

bool PartitaIva(EvalContext& c, Node n) {
  const std::string v = c.String(n, "normalize-space()");
  const std::string country = v.substr(0, std::min<std::size_t>(2, v.size()));
  if (country != "IT" && country != "it") return true;
  const std::string code = v.size() > 2 ? v.substr(2) : "";
  if (code.size() != 11 || !IsInteger(code)) return false;
  int sum = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const int d = code[i] - '0';
    sum += i % 2 == 1 ? std::string_view("0246813579")[d] - '0' : d;
  }
  return sum % 10 == 0;
}

bool Abn(EvalContext& c, Node n) {
  const std::string v = c.String(n, "normalize-space()");
  static const std::regex kEleven("^[0-9]{11}$");
  if (!std::regex_match(v, kEleven)) return false;
  static constexpr int kWeights[] = {10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19};
  int sum = (v[0] - '1') * kWeights[0];
  for (int i = 1; i < 11; ++i) sum += (v[i] - '0') * kWeights[i];
  return sum % 89 == 0;
}

// NO-R-001 over the party's VAT registrations selected by `vat_ids`.
bool NorwegianVat(EvalContext& c, Node party, const char* vat_ids) {
  auto ids = c.Nodes(party, vat_ids);
  bool any_no = false;
  for (Node id : ids) any_no = any_no || c.String(id, "substring(., 1, 2)") == "NO";
  if (!any_no) return true;
  if (ids.size() != 1) {
    c.Crash("a sequence of more than one item where one is expected");
    return true;
  }
  const std::string v = c.String(ids[0], "string(.)");
  static const std::regex kForm("^[0-9]{9}MVA$");
  return std::regex_search(v.substr(2), kForm) && c.Bool(ids[0], "u-mod11(substring(., 3, 9))");
}

bool NoR001(EvalContext& c, Node party) {
  return NorwegianVat(
      c, party, "cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = 'VAT']/cbc:CompanyID");
}

bool SeR005(EvalContext& c, Node n) {
  // upper-case() of the Swedish text, without locale: ä and Ä both occur.
  std::string v = c.String(n, "normalize-space(.)");
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(v[i]);
    if (ch == 0xC3 && i + 1 < v.size()) {
      unsigned char next = static_cast<unsigned char>(v[i + 1]);
      if (next >= 0xA0 && next <= 0xBE && next != 0xB7)
        next = static_cast<unsigned char>(next - 0x20);
      out += static_cast<char>(ch);
      out += static_cast<char>(next);
      ++i;
      continue;
    }
    out += static_cast<char>(std::toupper(ch));
  }
  return out == "GODK\xC3\x84ND F\xC3\x96R F-SKATT";
}

// tokenize(., '\|') of a Greek invoice number: the segments, none for "".
std::vector<std::string> GreekSegments(EvalContext& c, Node id) {
  const std::string v = c.String(id, "string(.)");
  std::vector<std::string> out;
  if (v.empty()) return out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= v.size(); ++i) {
    if (i == v.size() || v[i] == '|') {
      out.push_back(v.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string Segment(const std::vector<std::string>& s, std::size_t n) {
  return n <= s.size() ? s[n - 1] : "";
}

bool GrR0011(EvalContext& c, Node id) {
  return GreekSegments(c, id).size() == 6;
}

bool GrR0012(EvalContext& c, Node id) {
  const std::string tin = Segment(GreekSegments(c, id), 1);
  if (NormalizeSpace(tin).size() != 9) return false;
  if (!c.Bool(id, fmt::format("u-greek-tin('{}')", tin))) return false;
  for (const char* party :
       {"/*/cac:AccountingSupplierParty/cac:Party", "/*/cac:TaxRepresentativeParty"}) {
    for (Node vat : c.Nodes(
             id, fmt::format("{}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']/cbc:CompanyID",
                             party))) {
      if (c.String(vat, "substring(., 3, 9)") == tin) return true;
    }
  }
  return false;
}

bool GrR0013(EvalContext& c, Node id) {
  const std::string date = Segment(GreekSegments(c, id), 2);
  static const std::regex kDate(
      "^(0?[1-9]|[12][0-9]|3[01])[-\\\\/ ]?(0?[1-9]|1[0-2])[-\\\\/ ]?(19|20)[0-9]{2}");
  if (NormalizeSpace(date).empty() || !std::regex_search(date, kDate)) return false;
  auto split = [](const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == sep) {
        parts.push_back(s.substr(start, i - start));
        start = i + 1;
      }
    }
    return parts;
  };
  const auto d = split(date, '/');
  const auto issue = split(c.String(id, "string(/*/cbc:IssueDate)"), '-');
  return d.size() >= 3 && issue.size() >= 3 && d[0] == issue[2] && d[1] == issue[1] &&
         d[2] == issue[0];
}

bool GrR0014(EvalContext& c, Node id) {
  const std::string n = Segment(GreekSegments(c, id), 3);
  if (NormalizeSpace(n).empty() || std::isnan(c.Number(id, fmt::format("number('{}')", n))))
    return false;
  if (!IsInteger(n)) {
    c.Crash(fmt::format("xs:integer('{}'): invalid value", n));
    return true;
  }
  return n.find('-') == std::string::npos || n.find_first_not_of("-0 ") == std::string::npos;
}

bool GrR0015(EvalContext& c, Node id) {
  const std::string type = Segment(GreekSegments(c, id), 4);
  if (NormalizeSpace(type).empty()) return false;
  for (const char* t : {"1.1", "1.6", "2.1", "2.4", "5.1", "5.2"}) {
    if (type == t) return true;
  }
  return false;
}

bool GrR0016(EvalContext& c, Node id) {
  return !Segment(GreekSegments(c, id), 5).empty();
}
bool GrR0017(EvalContext& c, Node id) {
  return !Segment(GreekSegments(c, id), 6).empty();
}

// IBAN mod 97 over the account selected by `xpath` (spaces removed), as
// DE-R-019/020 compute it; only for payment means code `code`.
bool Iban(EvalContext& c, Node means, const char* code, const char* xpath) {
  if (c.String(means, "string(cbc:PaymentMeansCode)") != code) return true;
  std::string iban;
  for (char ch : c.String(means, fmt::format("string({})", xpath))) {
    if (!std::isspace(static_cast<unsigned char>(ch))) iban += ch;
  }
  static const std::regex kForm("^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}$");
  if (!std::regex_search(iban, kForm)) return false;
  std::string moved = iban.substr(4) + iban.substr(0, 4);
  int rem = 0;
  for (char ch : moved) {
    const int v = ch > 64 ? std::toupper(static_cast<unsigned char>(ch)) - 55 : ch - 48;
    const std::string digits = std::to_string(v);
    for (char dch : digits) rem = (rem * 10 + (dch - '0')) % 97;
  }
  return rem == 1;
}
bool DeR019(EvalContext& c, Node m) {
  return Iban(c, m, "58", "cac:PayeeFinancialAccount/cbc:ID");
}
bool DeR020(EvalContext& c, Node m) {
  return Iban(c, m, "59", "cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID");
}

// DE-R-018: every line of the first payment terms note that starts with '#'
// is a Skonto statement, and the text after the last #...# starts with a line break.
bool DeR018(EvalContext& c, Node root) {
  auto notes = c.Nodes(root, "cac:PaymentTerms/cbc:Note[1]");
  if (notes.empty()) return true;
  static const std::regex kSkonto(
      "#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\\.[0-9]{2})?#$");
  static const std::regex kTail("#.+#");
  static const std::regex kLineBreakFirst("^\\s*\n");
  for (Node note : notes) {
    const std::string text = c.String(note, "string(.)");
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (i == text.size() || text[i] == '\n') {
        std::string line = text.substr(start, i - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
        start = i + 1;
      }
    }
    // tokenize(., '#.+#')[last()]: what follows the last (greedy) #...# match.
    std::string last = text;
    std::smatch m;
    std::string rest = text;
    while (std::regex_search(rest, m, kTail)) {
      last = m.suffix().str();
      rest = last;
    }
    const bool tail_ok = std::regex_search(last, kLineBreakFirst);
    for (const auto& line : lines) {
      const std::string n = NormalizeSpace(line);
      if (n.empty() || n[0] != '#') continue;
      if (!std::regex_search(n, kSkonto) || !tail_ok) return false;
    }
  }
  return true;
}

bool NlR007(EvalContext& c, Node lmt) {
  auto payable = c.OptDec(lmt, "cbc:PayableAmount");
  if (c.Bool(lmt, "/ubl:Invoice") && payable && *payable <= Decimal()) return true;
  if (c.Bool(lmt, "/cn:CreditNote") && payable && *payable >= Decimal()) return true;
  return c.Bool(lmt, "//cac:PaymentMeans");
}

bool CiiR040(EvalContext& c, Node ac) {
  if (!(c.Bool(ac, "ram:CalculationPercent") && c.Bool(ac, "ram:BasisAmount"))) return true;
  auto amount = c.OptDec(ac, "ram:ActualAmount");
  auto base = c.OptDec(ac, "ram:BasisAmount");
  auto pct = c.OptDec(ac, "ram:CalculationPercent");
  if (!base || !pct) return false;
  return Slack(amount.value_or(Decimal()), (*base * *pct) / Decimal::FromInt(100), kTwoCents);
}

bool CiiR120(EvalContext& c, Node line) {
  const char* settle = "ram:SpecifiedLineTradeSettlement/";
  const auto lea =
      c.OptDec(line, std::string(settle) +
                         "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")
          .value_or(Decimal());
  const auto qty = c.OptDec(line, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
                       .value_or(Decimal::FromInt(1));
  const auto price =
      c.OptDec(line,
               "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount")
          .value_or(Decimal());
  Decimal base_qty = Decimal::FromInt(1);
  if (auto b = c.OptDec(
          line, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity");
      b && !b->IsZero())
    base_qty = *b;
  Decimal allowances, charges;
  for (Node a : c.Nodes(line, std::string(settle) +
                                  "ram:SpecifiedTradeAllowanceCharge[normalize-space(ram:"
                                  "ChargeIndicator/udt:Indicator) = 'false']/ram:ActualAmount"))
    allowances = allowances + c.Dec(a);
  for (Node a : c.Nodes(
           line, std::string(settle) + "ram:SpecifiedTradeAllowanceCharge[normalize-space(ram:"
                                       "ChargeIndicator/udt:Indicator) = 'true']/ram:ActualAmount"))
    charges = charges + c.Dec(a);
  if (c.crashed()) return true;
  return Slack(lea, qty * (price / base_qty) + charges.RoundTo2() - allowances.RoundTo2(),
               kTwoCents);
}

bool CiiR121(EvalContext& c, Node price) {
  if (!c.Bool(price, "ram:BasisQuantity")) return true;
  auto b = c.OptDec(price, "ram:BasisQuantity");
  return b && *b > Decimal();
}

bool CiiNoR001(EvalContext& c, Node party) {
  return NorwegianVat(c, party, "ram:SpecifiedTaxRegistration[ram:ID/@schemeID = 'VAT']/ram:ID");
}

bool CiiNlR007(EvalContext& c, Node sum) {
  const std::string type = c.String(
      sum, "normalize-space(/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode/text())");
  auto due = c.OptDec(sum, "ram:DuePayableAmount");
  if (type != "381" && due && *due <= Decimal()) return true;
  if (type == "381" && due && *due >= Decimal()) return true;
  return c.Bool(sum,
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
                "ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementPaymentMeans");
}

// IS-R-010: (cbc:DueDate) <= (EINDAGI/cbc:ID) compares untyped values as
// strings in XPath 2.0 (existentially over both sequences).
bool IsR010(EvalContext& c, Node root) {
  auto refs = c.Nodes(root, "cac:AdditionalDocumentReference[cbc:DocumentDescription = 'EINDAGI']");
  if (refs.empty()) return true;
  for (Node due : c.Nodes(root, "cbc:DueDate")) {
    for (Node id : c.Nodes(
             root, "cac:AdditionalDocumentReference[cbc:DocumentDescription = 'EINDAGI']/cbc:ID")) {
      if (c.String(due, "string(.)") <= c.String(id, "string(.)")) return true;
    }
  }
  return false;
}

}  // namespace

const std::map<std::string_view, NativeCheck>& PeppolNativeChecks() {
  static const auto& m = *new std::map<std::string_view, NativeCheck>{
      {"peppol-r040", R040},
      {"peppol-r046", R046},
      {"peppol-r055", R055},
      {"peppol-r110", R110},
      {"peppol-r111", R111},
      {"peppol-r120", R120},
      {"peppol-r121", R121},
      {"peppol-common-r043", CommonR043},
      {"peppol-codice-ipa", CodiceIpa},
      {"peppol-codice-fiscale", CodiceFiscale},
      {"peppol-partita-iva", PartitaIva},
      {"peppol-abn", Abn},
      {"peppol-no-r001", NoR001},
      {"peppol-se-r005", SeR005},
      {"peppol-gr-r001-1", GrR0011},
      {"peppol-gr-r001-2", GrR0012},
      {"peppol-gr-r001-3", GrR0013},
      {"peppol-gr-r001-4", GrR0014},
      {"peppol-gr-r001-5", GrR0015},
      {"peppol-gr-r001-6", GrR0016},
      {"peppol-gr-r001-7", GrR0017},
      {"peppol-de-r018", DeR018},
      {"peppol-de-r019", DeR019},
      {"peppol-de-r020", DeR020},
      {"peppol-is-r010", IsR010},
      {"peppol-nl-r007", NlR007},
      {"peppol-cii-r040", CiiR040},
      {"peppol-cii-r120", CiiR120},
      {"peppol-cii-r121", CiiR121},
      {"peppol-cii-no-r001", CiiNoR001},
      {"peppol-cii-nl-r007", CiiNlR007},
  };
  return m;
}

}  // namespace digitrade::trade::einvoice::internal
