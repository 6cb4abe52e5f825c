import { Symbols } from 'recharts';

/** What a marker shape receives from recharts (coordinates are missing off the axes). */
export interface MarkerProps {
  cx?: number;
  cy?: number;
  payload?: { model?: string; budgetLimited?: boolean };
}

export const BUDGET_LIMITED_LABEL = 'budget-limited (lower bound)';

/** A measured EMC of the current run: a filled dot. */
export function EmcDot({ cx, cy, color }: MarkerProps & { color: string }) {
  if (cx === undefined || cy === undefined) return <g />;
  return <circle className="emc-point" cx={cx} cy={cy} r={6} fill={color} />;
}

/**
 * A budget-limited EMC: a hollow triangle pointing up, since the true value lies at or
 * above it. Its title names it for screen readers and in the exported SVG, whose legend
 * (drawn in HTML) is not exported.
 */
export function BudgetLimitedMarker({ cx, cy, payload, color }: MarkerProps & { color: string }) {
  if (cx === undefined || cy === undefined) return <g />;
  const r = 7;
  const corners = [
    [cx, cy - r],
    [cx + r * 0.866, cy + r / 2],
    [cx - r * 0.866, cy + r / 2],
  ];
  return (
    <polygon
      className="emc-point budget-limited"
      data-budget-limited="true"
      points={corners.map(([x, y]) => `${x},${y}`).join(' ')}
      fill="#fff"
      stroke={color}
      strokeWidth={2}
    >
      <title>{`${payload?.model ? `${payload.model}: ` : ''}${BUDGET_LIMITED_LABEL}`}</title>
    </polygon>
  );
}

/** A pinned run's point: recharts' default symbol, or the budget-limited triangle. */
export function PinnedMarker(props: MarkerProps & { color: string }) {
  if (props.payload?.budgetLimited) return <BudgetLimitedMarker {...props} />;
  if (props.cx === undefined || props.cy === undefined) return <g />;
  return <Symbols cx={props.cx} cy={props.cy} type="circle" size={64} fill={props.color} />;
}
