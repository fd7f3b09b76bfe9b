#!/usr/bin/env python3
"""Base invoices for the VAT category families in CII: our clean CII sample
(tests/einvoice/data/clean-invoice-cii.xml) rewritten to use one category
for every line, allowance, charge and breakdown, with what that category
needs to be clean under the official CEN rules (rate 0 or none, VAT amount 0,
an exemption reason, the buyer's VAT identifier, the deliver-to country, ...).
mutate.py then mutates each base; reference.py gives Saxon's verdicts.

usage: categories.py CLEAN-CII.xml OUTDIR
Writes OUTDIR/cat-<family>.xml for AE, E, G, IC (K), O and Z, and the
EXTRAS below as OUTDIR/cat-<name>.xml."""
import os, re, sys

# family: (category code, exemption reason?, buyer VAT id?, intra-community delivery?)
FAMILIES = {
    'ae': ('AE', True, True, False),
    'e': ('E', True, False, False),
    'g': ('G', True, False, False),
    'ic': ('K', True, True, True),
    'o': ('O', True, False, False),
    'z': ('Z', False, False, False),
}


def build(base, code, exemption, buyer_vat, intra):
    x = base.replace('<ram:CategoryCode>S</ram:CategoryCode>',
                     '<ram:CategoryCode>%s</ram:CategoryCode>' % code)
    rate = '' if code == 'O' else '<ram:RateApplicablePercent>0</ram:RateApplicablePercent>'
    x = x.replace('<ram:RateApplicablePercent>19</ram:RateApplicablePercent>', rate)
    x = x.replace('<ram:CalculatedAmount>20.71</ram:CalculatedAmount>',
                  '<ram:CalculatedAmount>0.00</ram:CalculatedAmount>')
    x = x.replace('<ram:TaxTotalAmount currencyID="EUR">20.71</ram:TaxTotalAmount>',
                  '<ram:TaxTotalAmount currencyID="EUR">0.00</ram:TaxTotalAmount>')
    x = x.replace('129.71', '109.00')
    if exemption:  # the breakdown's exemption reason (BT-120), after its TypeCode
        x = re.sub(r'(<ram:ApplicableTradeTax><ram:CalculatedAmount>0.00</ram:CalculatedAmount>'
                   r'<ram:TypeCode>VAT</ram:TypeCode>)',
                   r'\1<ram:ExemptionReason>Exempt under the VAT directive</ram:ExemptionReason>', x)
    if buyer_vat:
        x = x.replace('<ram:PostalTradeAddress><ram:CountryID>NL</ram:CountryID></ram:PostalTradeAddress>\n'
                      '      </ram:BuyerTradeParty>',
                      '<ram:PostalTradeAddress><ram:CountryID>NL</ram:CountryID></ram:PostalTradeAddress>'
                      '<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">NL123456789B01</ram:ID>'
                      '</ram:SpecifiedTaxRegistration>\n      </ram:BuyerTradeParty>')
    if intra:
        x = x.replace('<ram:ApplicableHeaderTradeDelivery/>',
                      '<ram:ApplicableHeaderTradeDelivery><ram:ShipToTradeParty><ram:PostalTradeAddress>'
                      '<ram:CountryID>NL</ram:CountryID></ram:PostalTradeAddress></ram:ShipToTradeParty>'
                      '<ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>'
                      '<udt:DateTimeString format="102">20261127</udt:DateTimeString>'
                      '</ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>'
                      '</ram:ApplicableHeaderTradeDelivery>')
    if code == 'O':  # no VAT identifiers at all; the seller keeps an identifier (BR-CO-26)
        x = x.replace('<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID>'
                      '</ram:SpecifiedTaxRegistration>\n', '')
        x = x.replace('<ram:SellerTradeParty>\n        <ram:Name>',
                      '<ram:SellerTradeParty>\n        <ram:ID>TPT-0001</ram:ID>\n        <ram:Name>')
    x = x.replace('DT-2026-0003', 'DT-2026-CAT-' + code)
    return x


# Cases element mutations cannot reach (they delete, duplicate and change
# values, never add): VAT identifiers or rates where category O forbids
# them, an exemption reason where Z forbids it.
EXTRAS = {
    'o-seller-vat': ('o', '<ram:ID>TPT-0001</ram:ID>',
                     '<ram:ID>TPT-0001</ram:ID><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">'
                     'DE123456789</ram:ID></ram:SpecifiedTaxRegistration>'),
    'o-buyer-vat': ('o', '<ram:CountryID>NL</ram:CountryID></ram:PostalTradeAddress>\n      </ram:BuyerTradeParty>',
                    '<ram:CountryID>NL</ram:CountryID></ram:PostalTradeAddress><ram:SpecifiedTaxRegistration>'
                    '<ram:ID schemeID="VA">NL123456789B01</ram:ID></ram:SpecifiedTaxRegistration>\n'
                    '      </ram:BuyerTradeParty>'),
    'o-rates': ('o', '<ram:CategoryCode>O</ram:CategoryCode></ram:',
                '<ram:CategoryCode>O</ram:CategoryCode><ram:RateApplicablePercent>0</ram:RateApplicablePercent></ram:'),
    'z-exemption': ('z', '<ram:CalculatedAmount>0.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>',
                    '<ram:CalculatedAmount>0.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>'
                    '<ram:ExemptionReasonCode>VATEX-EU-O</ram:ExemptionReasonCode>'),
}


def main(argv):
    base = open(argv[0], encoding='utf-8').read()
    os.makedirs(argv[1], exist_ok=True)
    built = {fam: build(base, *spec) for fam, spec in FAMILIES.items()}
    for fam, text in built.items():
        with open(os.path.join(argv[1], 'cat-%s.xml' % fam), 'w', encoding='utf-8') as f:
            f.write(text)
    for name, (fam, old, new) in EXTRAS.items():
        assert old in built[fam], name
        with open(os.path.join(argv[1], 'cat-%s.xml' % name), 'w', encoding='utf-8') as f:
            f.write(built[fam].replace(old, new))


if __name__ == '__main__':
    main(sys.argv[1:])
