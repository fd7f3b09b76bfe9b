// Where in an e-invoice a finding is: the report's location is an XPath 1.0
// path with positions (e.g. "/ubl:Invoice/cac:InvoiceLine[2]/cbc:ID",
// docs/einvoice.md "Reports"), resolved here against the document as the
// browser's DOMParser reads it. Prefixes are the ones the validator's
// reports use, then any the document itself declares.

const KNOWN_PREFIXES: Record<string, string> = {
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  ext: 'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2',
  ubl: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  cn: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
};

/** Parses XML; null with the parser's message when it is not well-formed. */
export function parseXml(text: string): { doc: Document | null; error: string | null } {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error) return { doc: null, error: (error.textContent ?? '').trim() };
  return { doc, error: null };
}

/**
 * The elements an XPath location selects (an attribute or text node counts as
 * its element). Empty when it selects nothing or is not an XPath the browser
 * evaluates. The validator's locations select one node; a hand-written one
 * without positions (".../cac:InvoiceLine") can select several: all are returned.
 */
export function locate(doc: Document, location: string): Element[] {
  const root = doc.documentElement;
  const resolver = (prefix: string | null): string | null =>
    (prefix && KNOWN_PREFIXES[prefix]) || (prefix ? root.lookupNamespaceURI(prefix) : null);
  let result: XPathResult;
  try {
    result = doc.evaluate(location, doc, resolver, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
  } catch {
    return [];
  }
  const found: Element[] = [];
  for (let i = 0; i < result.snapshotLength; i++) {
    const node = result.snapshotItem(i);
    let el: Element | null = null;
    if (node instanceof Element) el = node;
    else if (node instanceof Attr) el = node.ownerElement;
    else if (node instanceof Document) el = node.documentElement;
    else if (node) el = node.parentElement;
    if (el && !found.includes(el)) found.push(el);
  }
  return found;
}
