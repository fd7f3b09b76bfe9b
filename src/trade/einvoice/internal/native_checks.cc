// Native checks: the asserts whose reference semantics need xs:decimal
// arithmetic, xs:date casts or per-rate grouping. Each mirrors the
// reference's behaviour on missing values (an empty operand makes a
// comparison false) and on bad lexical forms (a dynamic error: crash).
#include <fmt/format.h>
#include <libxml/tree.h>

#include <cmath>
#include <optional>

#include "trade/einvoice/internal/engine.h"
#include "trade/einvoice/internal/rules.h"

namespace digitrade::trade::einvoice::internal {

namespace {

using Node = _xmlNode*;

Decimal Abs(const Decimal& d) {
  return d < Decimal() ? Decimal() - d : d;
}

bool Eq(const std::optional<Decimal>& a, const Decimal& b) {
  return a && *a == b;
}

// fn:round on xs:double: half up, and a negative argument that rounds to
// zero gives -0.0.
double XPathRound(double x) {
  const double r = std::floor(x + 0.5);
  return r == 0 && std::signbit(x) ? -0.0 : r;
}

// The reference's equality of an untyped operand (converted to xs:double)
// with a number: Java's Double.compare, where -0.0 and 0.0 differ (dbl()
// gives the untyped -0.0 as the smallest negative double, see engine.cc).
bool UntypedEquals(double untyped, double number) {
  auto canon = [](double d) { return d == kUntypedNegativeZero ? -0.0 : d; };
  const double a = canon(untyped);
  const double b = canon(number);
  return a == b && std::signbit(a) == std::signbit(b);
}

#define TX_SETTLEMENT \
  "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"

#define SETTLEMENT_CII TX_SETTLEMENT

const char* kLines = "//cac:InvoiceLine | //cac:CreditNoteLine";

bool UblBrCo10(EvalContext& c, Node n) {
  Decimal sum;
  for (Node line : c.Nodes(n, kLines)) {
    for (Node a : c.Nodes(line, "cbc:LineExtensionAmount")) sum = sum + c.Dec(a);
  }
  return Eq(c.OptDec(n, "cbc:LineExtensionAmount"), sum.RoundTo2());
}

bool AllowanceTotal(EvalContext& c, Node n, const char* total, const char* selector) {
  auto t = c.OptDec(n, total);
  Decimal sum = c.DecSum(n, std::string(selector) + "/cbc:Amount");
  if (Eq(t, sum.RoundTo2())) return true;
  return !c.Bool(n, total) && !c.Bool(n, selector);
}
bool UblBrCo11(EvalContext& c, Node n) {
  return AllowanceTotal(c, n, "cbc:AllowanceTotalAmount",
                        "../cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]");
}
bool UblBrCo12(EvalContext& c, Node n) {
  return AllowanceTotal(c, n, "cbc:ChargeTotalAmount",
                        "../cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]");
}

bool UblBrCo13(EvalContext& c, Node n) {
  auto tea = c.OptDec(n, "cbc:TaxExclusiveAmount");
  auto lea = c.OptDec(n, "cbc:LineExtensionAmount");
  auto cta = c.OptDec(n, "cbc:ChargeTotalAmount");
  auto ata = c.OptDec(n, "cbc:AllowanceTotalAmount");
  if (c.crashed() || !tea || !lea) return false;
  Decimal expect = *lea;
  if (cta) expect = expect + *cta;
  if (ata) expect = expect - *ata;
  if (!cta && !ata) return *tea == *lea;
  return *tea == expect.RoundTo2();
}

bool UblBrCo16(EvalContext& c, Node n) {
  auto pa = c.OptDec(n, "cbc:PayableAmount");
  auto tia = c.OptDec(n, "cbc:TaxInclusiveAmount");
  auto pre = c.OptDec(n, "cbc:PrepaidAmount");
  auto rnd = c.OptDec(n, "cbc:PayableRoundingAmount");
  if (!pa || !tia) return false;
  Decimal due = pre ? (*tia - *pre).RoundTo2() : *tia;
  Decimal paid = rnd ? (*pa - *rnd).RoundTo2() : *pa;
  return due == paid;
}

bool UblBrCo14(EvalContext& c, Node n) {
  if (!c.Bool(n, "cac:TaxSubtotal")) return true;
  Decimal sum = c.DecSum(n, "cac:TaxSubtotal/cbc:TaxAmount");
  return Eq(c.OptDec(n, "cbc:TaxAmount"), sum.RoundTo2());
}

bool UblBrCo15(EvalContext& c, Node root) {
  for (Node cur : c.Nodes(root, "cbc:DocumentCurrencyCode")) {
    std::string code = c.String(cur, "string(.)");
    std::vector<Node> amounts;
    for (Node t : c.Nodes(root, "cac:TaxTotal/cbc:TaxAmount")) {
      if (c.String(t, "string(@currencyID)") == code) amounts.push_back(t);
    }
    if (amounts.size() != 1) return false;
    auto tia = c.OptDec(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount");
    auto tea = c.OptDec(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount");
    if (!tia || !tea) return false;
    if (!(*tia == (*tea + c.Dec(amounts[0])).RoundTo2())) return false;
  }
  return true;
}

bool UblBrCo17(EvalContext& c, Node n) {
  auto pct = c.OptDec(
      n, "cac:TaxCategory[cac:TaxScheme[normalize-space(upper-case(cbc:ID))='VAT']]/cbc:Percent");
  auto ta = c.OptDec(n, "cbc:TaxAmount");
  auto txa = c.OptDec(n, "cbc:TaxableAmount");
  if (!pct) return ta && ta->Round().IsZero();
  if (pct->Round().IsZero()) return ta && ta->Round().IsZero();
  if (!ta || !txa) return false;
  Decimal expect = (Abs(*txa) * (*pct / Decimal::FromInt(100))).RoundTo2();
  const Decimal one = Decimal::FromInt(1);
  return Abs(*ta) - one < expect && Abs(*ta) + one > expect;
}

bool UblBr53(EvalContext& c, Node root) {
  for (Node cur : c.Nodes(root, "cbc:TaxCurrencyCode")) {
    std::string code = c.String(cur, "string(.)");
    bool found = false;
    for (Node t : c.Nodes(root, "//cac:TaxTotal/cbc:TaxAmount")) {
      found = found || c.String(t, "string(@currencyID)") == code;
    }
    if (!found) return false;
  }
  return true;
}

// xs:date lexical check: YYYY-MM-DD with an optional timezone.
std::optional<std::string> DateKey(EvalContext& c, Node n) {
  std::string s = c.String(n, "normalize-space(.)");
  bool ok = s.size() >= 10 && s[4] == '-' && s[7] == '-';
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    ok = ok && s.size() > static_cast<size_t>(i) && std::isdigit(static_cast<unsigned char>(s[i]));
  if (!ok) {
    c.Crash("xs:date('" + s + "'): invalid value");
    return std::nullopt;
  }
  return s.substr(0, 10);
}

bool PeriodOrder(EvalContext& c, Node n) {
  auto start = c.Nodes(n, "cbc:StartDate");
  auto end = c.Nodes(n, "cbc:EndDate");
  if (start.empty() || end.empty()) return true;
  if (start.size() > 1 || end.size() > 1) {
    c.Crash("a sequence of more than one item is not allowed in a cast to xs:date");
    return true;
  }
  auto s = DateKey(c, start[0]);
  auto e = DateKey(c, end[0]);
  return s && e && *e >= *s;
}

bool ZeroVat(EvalContext& c, Node n) {
  return Eq(c.OptDec(n, "../cbc:TaxAmount"), Decimal());
}
bool PercentZero(EvalContext& c, Node n) {
  return Eq(c.OptDec(n, "cbc:Percent"), Decimal());
}

bool RatedVat(EvalContext& c, Node n) {
  auto ta = c.OptDec(n, "../cbc:TaxAmount");
  auto txa = c.OptDec(n, "../cbc:TaxableAmount");
  auto pct = c.OptDec(n, "cbc:Percent");
  if (!ta || !txa || !pct) return false;
  Decimal expect = (Abs(*txa) * (*pct / Decimal::FromInt(100))).RoundTo2();
  const Decimal one = Decimal::FromInt(1);
  return Abs(*ta) - one < expect && Abs(*ta) + one > expect;
}

// Does the tax category `cat` (ClassifiedTaxCategory or TaxCategory) have
// xs:decimal(cbc:Percent) = rate? More than one Percent is the reference's
// cardinality error.
bool AtRate(EvalContext& c, Node cat, const Decimal& rate) {
  auto p = c.OptDec(cat, "cbc:Percent");
  return p && *p == rate;
}

// Sum over the lines and document allowances/charges of one VAT category
// (and rate, when `rate` is set), as BR-x-08 computes it.
Decimal CategoryBase(EvalContext& c, Node cat, const std::string& code, const char* line_name,
                     const std::optional<Decimal>& rate) {
  auto rate_ok = [&](Node parent, const char* tax_category) {
    if (!rate) return true;
    bool ok = false;
    for (Node tc : c.Nodes(parent, tax_category)) ok = AtRate(c, tc, *rate) || ok;
    return ok;
  };
  const std::string pred =
      "[cac:Item/cac:ClassifiedTaxCategory[normalize-space(cbc:ID)='" + code + "']]";
  Decimal sum;
  for (Node line : c.Nodes(cat, std::string("../../../cac:") + line_name + pred)) {
    if (!rate_ok(line, "cac:Item/cac:ClassifiedTaxCategory")) continue;
    sum = sum + c.DecSum(line, "cbc:LineExtensionAmount");
  }
  const std::string ac_pred = "[cac:TaxCategory[normalize-space(cbc:ID)='" + code + "']]";
  for (Node ac :
       c.Nodes(cat, "../../../cac:AllowanceCharge[is-true(cbc:ChargeIndicator)]" + ac_pred)) {
    if (rate_ok(ac, "cac:TaxCategory")) sum = sum + c.DecSum(ac, "cbc:Amount");
  }
  for (Node ac :
       c.Nodes(cat, "../../../cac:AllowanceCharge[is-false(cbc:ChargeIndicator)]" + ac_pred)) {
    if (rate_ok(ac, "cac:TaxCategory")) sum = sum - c.DecSum(ac, "cbc:Amount");
  }
  return sum;
}

template <char C1, char C2 = 0>
bool UblTaxable(EvalContext& c, Node cat) {
  std::string code(1, C1);
  if (C2 != 0) code += C2;
  auto txa = c.OptDec(cat, "../cbc:TaxableAmount");
  const bool per_rate = code == "S" || code == "L" || code == "M";
  // every $rate in xs:decimal(cbc:Percent): with no rate, vacuously true.
  std::optional<Decimal> rate;
  if (per_rate) {
    rate = c.OptDec(cat, "cbc:Percent");
    if (!rate) return !c.crashed();
  }
  for (const char* line : {"InvoiceLine", "CreditNoteLine"}) {
    // Category S asks for a matching line or allowance instead of any line.
    if (code != "S" && !c.Bool(cat, std::string("//cac:") + line)) continue;
    if (!per_rate) {
      if (Eq(txa, CategoryBase(c, cat, code, line, std::nullopt))) return true;
      continue;
    }
    if (code == "S") {
      bool used = false;
      for (Node tc :
           c.Nodes(cat, std::string("//cac:") + line +
                            "[cac:Item/cac:ClassifiedTaxCategory[normalize-space(cbc:ID)='S']]/"
                            "cac:Item/cac:ClassifiedTaxCategory")) {
        used = AtRate(c, tc, *rate) || used;
      }
      for (Node tc : c.Nodes(cat,
                             "//cac:AllowanceCharge[cac:TaxCategory[normalize-space(cbc:ID)='S']]/"
                             "cac:TaxCategory")) {
        used = AtRate(c, tc, *rate) || used;
      }
      if (!used) continue;
    }
    if (!txa) continue;
    // ../xs:decimal(cbc:TaxableAmount - 1): double arithmetic, then compared.
    const double base = CategoryBase(c, cat, code, line, rate).ToDouble();
    const double t = txa->ToDouble();
    if (t - 1 < base && t + 1 > base) return true;
  }
  return false;
}

bool CiiBrCo10(EvalContext& c, Node n) {
  // xs:decimal(sum(...)): the sum of untyped values is xs:double, then cast.
  double sum =
      c.Number(n,
               "sum(../../ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/"
               "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount)");
  auto total = c.OptDec(n, "ram:LineTotalAmount");
  auto as_dec = Decimal::Parse(fmt::format("{:.10f}", sum));
  return total && as_dec && *total == as_dec->RoundTo2();
}

// BR-CO-14 (CII): dbl(.) = round(sum(the breakdowns' untyped VAT amounts)
// * 10 * 10) div 100, all in xs:double, compared as the reference compares
// an untyped value (a total of 0.00 against a sum of -0.00 differs).
bool CiiBrCo14(EvalContext& c, Node total) {
  double sum = 0;
  bool first = true;
  for (Node a : c.Nodes(total, TX_SETTLEMENT "ram:ApplicableTradeTax/ram:CalculatedAmount")) {
    const double v = c.Number(a, "dbl(.)");
    sum = first ? v : sum + v;
    first = false;
  }
  const double value = c.Number(total, "dbl(.)");
  if (c.crashed()) return true;
  return UntypedEquals(value, XPathRound(sum * 10 * 10) / 100);
}

bool CiiBrCo13(EvalContext& c, Node n) {
  auto first = [&](const char* path) { return c.OptDec(n, std::string(path) + "[1]"); };
  auto tba = first("ram:TaxBasisTotalAmount");
  auto lta = first("ram:LineTotalAmount");
  auto ata = first("ram:AllowanceTotalAmount");
  auto cta = first("ram:ChargeTotalAmount");
  if (!tba || !lta) return false;
  if (ata && cta && *tba == (*lta - *ata + *cta).RoundTo2()) return true;
  if (ata && !cta && *tba == (*lta - *ata).RoundTo2()) return true;
  if (!ata && cta && *tba == (*lta + *cta).RoundTo2()) return true;
  return !ata && !cta && *tba == lta->RoundTo2();
}

bool CiiBrCo16(EvalContext& c, Node n) {
  auto due = c.OptDec(n, "ram:DuePayableAmount[1]");
  auto grand = c.OptDec(n, "ram:GrandTotalAmount[1]");
  auto prepaid = c.OptDec(n, "ram:TotalPrepaidAmount[1]");
  auto rounding = c.OptDec(n, "ram:RoundingAmount[1]");
  if (!due || !grand) return false;
  if (prepaid && rounding && *due == *grand - *prepaid + *rounding) return true;
  if (!c.Bool(n, "ram:TotalPrepaidAmount") && rounding && *due == *grand + *rounding) return true;
  if (!c.Bool(n, "ram:RoundingAmount") && prepaid && *due == *grand - *prepaid) return true;
  return !c.Bool(n, "ram:TotalPrepaidAmount") && !c.Bool(n, "ram:RoundingAmount") && *due == *grand;
}

// The sums a CII breakdown's taxable amount is checked against (BR-xx-08):
// the line totals of category `code` and its header charges and allowances,
// each xs:decimal, only those `keep` accepts. The official rules select
// charges and allowances either by comparing the indicator with true() and
// false() or, for Z and O, by `cast as xs:boolean`, where a missing or
// repeated indicator is a dynamic error (a crash).
struct CiiCategorySums {
  Decimal lines, charges, allowances;
  // round(x*10*10) div 100 of each, lines + charges - allowances.
  Decimal Expected() const {
    return lines.RoundTo2() + charges.RoundTo2() - allowances.RoundTo2();
  }
};

template <typename Keep>
CiiCategorySums CiiSums(EvalContext& c, Node at, std::string_view code, bool cast_indicator,
                        Keep keep) {
  CiiCategorySums sums;
  for (Node s : c.Nodes(at, fmt::format("/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
                                        "ram:IncludedSupplyChainTradeLineItem/"
                                        "ram:SpecifiedLineTradeSettlement[ram:ApplicableTradeTax/"
                                        "ram:CategoryCode = '{}']",
                                        code))) {
    if (keep(s, "ram:ApplicableTradeTax"))
      sums.lines = sums.lines + c.DecSum(s,
                                         "ram:SpecifiedTradeSettlementLineMonetarySummation/"
                                         "ram:LineTotalAmount");
  }
  for (Node ac : c.Nodes(at, fmt::format(SETTLEMENT_CII
                                         "ram:SpecifiedTradeAllowanceCharge[ram:CategoryTradeTax/"
                                         "ram:CategoryCode='{}']",
                                         code))) {
    if (!keep(ac, "ram:CategoryTradeTax")) continue;
    if (cast_indicator && c.Nodes(ac, "ram:ChargeIndicator/udt:Indicator").size() != 1) {
      c.Crash("cast as xs:boolean: the charge indicator is not exactly one value");
      return sums;
    }
    const bool charge = c.Bool(ac, "is-true(ram:ChargeIndicator/udt:Indicator)");
    const bool allowance = c.Bool(ac, "is-false(ram:ChargeIndicator/udt:Indicator)");
    auto amount = c.OptDec(ac, "ram:ActualAmount[1]");
    if (charge && amount) sums.charges = sums.charges + *amount;
    if (allowance && amount) sums.allowances = sums.allowances + *amount;
  }
  return sums;
}

// BR-S-08 (CII): per rate, the basis equals the rounded sums of the lines,
// charges and allowances at that rate; compared as xs:double like the
// untyped ../ram:BasisAmount.
bool CiiBrS08(EvalContext& c, Node code) {
  for (Node rate_node : c.Nodes(code, "../ram:RateApplicablePercent")) {
    const Decimal rate = c.Dec(rate_node);
    // tax/xs:decimal(ram:RateApplicablePercent) = $rate, one cast per tax
    // element (several rates in one is the reference's cardinality error).
    auto at_rate = [&](Node n, const char* tax) {
      bool ok = false;
      for (Node t : c.Nodes(n, tax)) {
        auto p = c.OptDec(t, "ram:RateApplicablePercent");
        ok = (p && *p == rate) || ok;
      }
      return ok;
    };
    const CiiCategorySums sums = CiiSums(c, code, "S", false, at_rate);
    if (c.crashed()) return true;
    const double expect = sums.lines.RoundTo2().ToDouble() + sums.charges.RoundTo2().ToDouble() -
                          sums.allowances.RoundTo2().ToDouble();
    bool ok = false;
    for (Node b : c.Nodes(code, "../ram:BasisAmount"))
      ok = ok || c.Number(b, "number(.)") == expect;
    if (!ok) return false;
  }
  return true;
}

// BR-AE/E/G/IC/Z-08 (CII), on the breakdown's CategoryCode: the basis
// within 1 of the sums, `../ram:BasisAmount - 1 < x and ../ram:BasisAmount
// + 1 > x` (xs:double arithmetic on the untyped basis: none makes it false,
// several or a bad number is a crash).
template <char... Code>
bool CiiZeroTaxable(EvalContext& c, Node code) {
  static constexpr char kCode[] = {Code..., '\0'};
  constexpr bool kCast = sizeof...(Code) == 1 && kCode[0] == 'Z';
  const CiiCategorySums sums = CiiSums(c, code, kCode, kCast, [](Node, const char*) { return true; });
  const auto basis = c.Nodes(code, "../ram:BasisAmount");
  if (basis.size() > 1) c.Crash("arithmetic on more than one taxable amount");
  if (c.crashed()) return true;
  if (basis.empty()) return false;
  const double b = c.Number(basis.front(), "dbl(.)");
  const double x = sums.Expected().ToDouble();
  return b - 1 < x && b + 1 > x;
}

// BR-O-08 (CII), on the breakdown: `ram:BasisAmount = x`, a general
// comparison (any basis equal to the sums).
bool CiiBrO08(EvalContext& c, Node tax) {
  const CiiCategorySums sums = CiiSums(c, tax, "O", true, [](Node, const char*) { return true; });
  if (c.crashed()) return true;
  const double x = sums.Expected().ToDouble();
  bool ok = false;
  for (Node b : c.Nodes(tax, "ram:BasisAmount")) ok = c.Number(b, "dbl(.)") == x || ok;
  return ok;
}

bool CiiBrS09(EvalContext& c, Node n) {
  auto ca = c.OptDec(n, "../ram:CalculatedAmount");
  auto ba = c.OptDec(n, "../ram:BasisAmount");
  auto rate = c.OptDec(n, "../ram:RateApplicablePercent");
  if (!ca || !ba || !rate) return false;
  // abs(decimal) * untyped rate: xs:double arithmetic in the reference.
  const double expect = std::floor(std::fabs(ba->ToDouble()) * rate->ToDouble() + 0.5) / 100;
  const double v = std::fabs(ca->ToDouble());
  return v - 1 < expect && v + 1 > expect;
}

bool CiiBrCo15(EvalContext& c, Node root) {
  const std::string sum_path = TX_SETTLEMENT "ram:SpecifiedTradeSettlementHeaderMonetarySummation/";
  for (Node cur : c.Nodes(root, TX_SETTLEMENT "ram:InvoiceCurrencyCode")) {
    const std::string code = c.String(cur, "string(.)");
    std::vector<Node> vat;
    for (Node t : c.Nodes(root, sum_path + "ram:TaxTotalAmount")) {
      if (c.String(t, "string(@currencyID)") == code) vat.push_back(t);
    }
    auto grand = c.OptDec(root, "(" + sum_path + "ram:GrandTotalAmount)[1]");
    auto basis = c.OptDec(root, "(" + sum_path + "ram:TaxBasisTotalAmount)[1]");
    if (vat.size() == 1 && grand && basis && *grand == (*basis + c.Dec(vat[0])).RoundTo2())
      continue;
    if (grand && basis && *grand == *basis) continue;
    if (c.crashed()) return true;
    return false;
  }
  return true;
}

// BR-CO-15 as in 1.3.14.1: every xs:decimal cast is evaluated, so an empty
// or malformed total is the reference's dynamic error.
bool CiiBrCo15Pinned(EvalContext& c, Node root) {
  const std::string sum_path = TX_SETTLEMENT "ram:SpecifiedTradeSettlementHeaderMonetarySummation";
  for (Node cur : c.Nodes(root, TX_SETTLEMENT "ram:InvoiceCurrencyCode")) {
    const std::string code = c.String(cur, "string(.)");
    auto sums = c.Nodes(root, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    Decimal grand, basis, vat;
    bool has_grand = false, has_basis = false, has_vat = false;
    int count = 0;
    for (Node t : c.Nodes(root, sum_path + "/ram:TaxTotalAmount"))
      count += c.String(t, "string(@currencyID)") == code;
    for (Node s : sums) {
      for (Node g : c.Nodes(s, "ram:GrandTotalAmount")) {
        grand = c.Dec(g);
        has_grand = true;
      }
      for (Node b : c.Nodes(s, "ram:TaxBasisTotalAmount")) {
        basis = c.Dec(b);
        has_basis = true;
      }
      for (Node t : c.Nodes(s, "ram:TaxTotalAmount")) {
        if (c.String(t, "string(@currencyID)") == code) {
          vat = c.Dec(t);
          has_vat = true;
        }
      }
    }
    if (c.crashed()) return true;
    const bool sum_ok =
        count == 1 && has_grand && has_basis && has_vat && grand == (basis + vat).RoundTo2();
    if (!sum_ok && !(has_grand && has_basis && grand == basis)) return false;
  }
  return true;
}

bool CiiBrCo17(EvalContext& c, Node n) {
  auto pct = c.OptDec(
      n, "self::*[normalize-space(upper-case(ram:TypeCode))='VAT']/ram:RateApplicablePercent");
  auto ca = c.OptDec(n, "ram:CalculatedAmount");
  // The zero-rate branch decides without the taxable amount: it is cast
  // only when the rate is not zero.
  if (!pct || pct->Round().IsZero()) return ca && ca->Round().IsZero();
  auto ba = c.OptDec(n, "ram:BasisAmount");
  if (!ca || !ba) return false;
  Decimal expect = (Abs(*ba) * (*pct / Decimal::FromInt(100))).RoundTo2();
  const Decimal one = Decimal::FromInt(1);
  return Abs(*ca) - one <= expect && Abs(*ca) + one >= expect;
}

}  // namespace

const std::map<std::string_view, NativeCheck>& NativeChecks() {
  static const auto& m = *new std::map<std::string_view, NativeCheck>{
      {"ubl-br-co-10", UblBrCo10},
      {"ubl-br-co-11", UblBrCo11},
      {"ubl-br-co-12", UblBrCo12},
      {"ubl-br-co-13", UblBrCo13},
      {"ubl-br-co-14", UblBrCo14},
      {"ubl-br-co-15", UblBrCo15},
      {"ubl-br-co-16", UblBrCo16},
      {"ubl-br-co-17", UblBrCo17},
      {"ubl-br-53", UblBr53},
      {"br-period-order", PeriodOrder},
      {"ubl-zero-vat", ZeroVat},
      {"percent-zero", PercentZero},
      {"ubl-rated-vat", RatedVat},
      {"cii-br-co-10", CiiBrCo10},
      {"cii-br-co-13", CiiBrCo13},
      {"cii-br-co-14", CiiBrCo14},
      {"cii-br-s-09", CiiBrS09},
      {"cii-br-co-15", CiiBrCo15},
      {"cii-br-co-16", CiiBrCo16},
      {"cii-br-s-08", CiiBrS08},
      {"cii-br-ae-08", CiiZeroTaxable<'A', 'E'>},
      {"cii-br-e-08", CiiZeroTaxable<'E'>},
      {"cii-br-g-08", CiiZeroTaxable<'G'>},
      {"cii-br-ic-08", CiiZeroTaxable<'K'>},
      {"cii-br-z-08", CiiZeroTaxable<'Z'>},
      {"cii-br-o-08", CiiBrO08},
      {"cii-br-co-17", CiiBrCo17},
      {"cii-br-co-15-1.3.14.1", CiiBrCo15Pinned},
      {"ubl-taxable-AE", UblTaxable<'A', 'E'>},
      {"ubl-taxable-E", UblTaxable<'E'>},
      {"ubl-taxable-G", UblTaxable<'G'>},
      {"ubl-taxable-K", UblTaxable<'K'>},
      {"ubl-taxable-O", UblTaxable<'O'>},
      {"ubl-taxable-Z", UblTaxable<'Z'>},
      {"ubl-taxable-S", UblTaxable<'S'>},
      {"ubl-taxable-L", UblTaxable<'L'>},
      {"ubl-taxable-M", UblTaxable<'M'>},
  };
  return m;
}

}  // namespace digitrade::trade::einvoice::internal
