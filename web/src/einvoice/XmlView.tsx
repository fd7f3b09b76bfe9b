// The invoice's XML, pretty-printed from the parsed document, with every
// element a finding points at marked (fatal or warning) and the selected
// finding's elements highlighted and scrolled into view.

import { useEffect, useRef } from 'preact/hooks';
import type { JSX } from 'preact';

export type Mark = 'fatal' | 'warning';

interface Props {
  doc: Document;
  /** The strongest flag of the findings located at each element. */
  marks: ReadonlyMap<Element, Mark>;
  /** Elements of the selected finding. */
  selected: readonly Element[];
  label: string;
}

/** Past this many elements the view stops (the report still lists everything). */
const MAX_ELEMENTS = 20_000;

function Attributes({ el }: { el: Element }) {
  return (
    <>
      {Array.from(el.attributes).map((a) => (
        <span key={a.name}>
          {' '}
          <span class="xml-attr">{a.name}</span>=<span class="xml-value">"{a.value}"</span>
        </span>
      ))}
    </>
  );
}

function ElementView(props: {
  el: Element;
  marks: ReadonlyMap<Element, Mark>;
  selected: readonly Element[];
  budget: { left: number };
}): JSX.Element | null {
  const { el, marks, selected, budget } = props;
  if (budget.left-- <= 0) return null;
  const children = Array.from(el.childNodes);
  const elements = children.filter((n): n is Element => n.nodeType === Node.ELEMENT_NODE);
  const text = children
    .filter((n) => n.nodeType === Node.TEXT_NODE || n.nodeType === Node.CDATA_SECTION_NODE)
    .map((n) => n.nodeValue ?? '')
    .join('')
    .trim();
  const mark = marks.get(el);
  const isSelected = selected.includes(el);
  const cls = `xml-el${mark ? ` xml-mark-${mark}` : ''}${isSelected ? ' xml-selected' : ''}`;
  const open = (
    <span class="xml-tag">
      &lt;{el.tagName}
      <Attributes el={el} />
      {elements.length === 0 && text === '' ? '/>' : '>'}
    </span>
  );
  if (elements.length === 0) {
    return (
      <div class={cls} data-xml-path={el.tagName} data-selected={isSelected ? 'true' : undefined}>
        {open}
        {text !== '' && (
          <>
            <span class="xml-text">{text}</span>
            <span class="xml-tag">&lt;/{el.tagName}&gt;</span>
          </>
        )}
      </div>
    );
  }
  return (
    <div class={cls} data-xml-path={el.tagName} data-selected={isSelected ? 'true' : undefined}>
      {open}
      {text !== '' && <div class="xml-text xml-indent">{text}</div>}
      <div class="xml-indent">
        {elements.map((c, i) => (
          <ElementView key={i} el={c} marks={marks} selected={selected} budget={budget} />
        ))}
      </div>
      <span class="xml-tag">&lt;/{el.tagName}&gt;</span>
    </div>
  );
}

export function XmlView({ doc, marks, selected, label }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = ref.current?.querySelector('[data-selected="true"]');
    first?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [selected]);
  const budget = { left: MAX_ELEMENTS };
  return (
    <div class="xml-view" ref={ref} role="region" aria-label={label} tabIndex={0} data-testid="einv-xml">
      <ElementView el={doc.documentElement} marks={marks} selected={selected} budget={budget} />
    </div>
  );
}
