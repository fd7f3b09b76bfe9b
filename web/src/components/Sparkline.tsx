interface Props {
  values: readonly number[];
  /** Accessible description of what the line shows. */
  label: string;
  width?: number;
  height?: number;
}

/** A small inline SVG line chart; no chart library. */
export function Sparkline({ values, label, width = 480, height = 72 }: Props) {
  const pad = 5;
  const max = Math.max(1, ...values) * 1.15;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const points = values.map((v, i) => {
    const x = pad + i * step;
    const y = height - pad - (Math.max(0, v) / max) * (height - 2 * pad);
    return [Number(x.toFixed(1)), Number(y.toFixed(1))] as const;
  });
  const line = points.map(([x, y]) => `${x},${y}`).join(' ');
  const first = points[0];
  const last = points[points.length - 1];
  const area =
    first && last ? `M${first[0]},${height - pad} L${line.replace(/ /g, ' L')} L${last[0]},${height - pad} Z` : '';
  return (
    <svg
      class="sparkline"
      data-testid="sparkline"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
    >
      <title>{label}</title>
      <line class="sparkline-base" x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} />
      {area && <path class="sparkline-area" d={area} />}
      {points.length > 1 && <polyline class="sparkline-line" points={line} />}
      {last && <circle class="sparkline-dot" cx={last[0]} cy={last[1]} r={4} />}
    </svg>
  );
}
