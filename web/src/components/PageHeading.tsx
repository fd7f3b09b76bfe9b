import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

interface Props {
  title: string;
  /** Small label above the title (for example "Area 1"). */
  eyebrow?: string;
  children?: ComponentChildren;
}

/**
 * A page's title. It takes the focus when the page opens, so keyboard and
 * screen-reader users land on the new content after navigating.
 */
export function PageHeading({ title, eyebrow, children }: Props) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, [title]);
  return (
    <header class="page-heading">
      {eyebrow && <p class="eyebrow">{eyebrow}</p>}
      <h1 ref={ref} tabIndex={-1}>
        {title}
      </h1>
      {children && <div class="page-intro">{children}</div>}
    </header>
  );
}
