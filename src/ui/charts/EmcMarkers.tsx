import { Symbols } from 'recharts';

/** What a marker shape receives from recharts (coordinates are missing off the axes). */
export interface MarkerProps {
  cx?: number;
  cy?: number;
  payload?: { model?: string; budgetLimited?: boolean; unverified?: boolean };
  /** How many times the normal size: PROJECTOR_MARKER_SCALE in projector mode. */
  scale?: number;
}

/** Markers in projector mode, to be told apart from the back of a room: twice the radius. */
export const PROJECTOR_MARKER_SCALE = 2;

export const BUDGET_LIMITED_LABEL = 'budget-limited (lower bound)';

export const UNVERIFIED_LABEL = 'unverified (verdict not checked)';

export const SEED_LABEL = "each seed's EMC";

/** A measured EMC of the current run: a filled dot. */
export function EmcDot({ cx, cy, color, scale = 1 }: MarkerProps & { color: string }) {
  if (cx === undefined || cy === undefined) return <g />;
  return <circle className="emc-point" cx={cx} cy={cy} r={6 * scale} fill={color} />;
}

/**
 * A budget-limited EMC: a hollow triangle pointing up, since the true value lies at or
 * above it. Its title names it for screen readers and in the exported SVG, whose legend
 * (drawn in HTML) is not exported.
 */
export function BudgetLimitedMarker({
  cx,
  cy,
  payload,
  color,
  scale = 1,
}: MarkerProps & { color: string }) {
  if (cx === undefined || cy === undefined) return <g />;
  const r = 7 * scale;
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
      strokeWidth={2 * scale}
    >
      <title>{`${payload?.model ? `${payload.model}: ` : ''}${BUDGET_LIMITED_LABEL}`}</title>
    </polygon>
  );
}

/**
 * An unverified EMC: a hollow diamond, since its decisive "does not fit" was not trained on
 * longer to check it. Titled like the budget-limited triangle.
 */
export function UnverifiedMarker({
  cx,
  cy,
  payload,
  color,
  scale = 1,
}: MarkerProps & { color: string }) {
  if (cx === undefined || cy === undefined) return <g />;
  const r = 7 * scale;
  const corners = [
    [cx, cy - r],
    [cx + r, cy],
    [cx, cy + r],
    [cx - r, cy],
  ];
  return (
    <polygon
      className="emc-point unverified"
      data-unverified="true"
      points={corners.map(([x, y]) => `${x},${y}`).join(' ')}
      fill="#fff"
      stroke={color}
      strokeWidth={2 * scale}
      strokeDasharray={`${3 * scale} ${2 * scale}`}
    >
      <title>{`${payload?.model ? `${payload.model}: ` : ''}${UNVERIFIED_LABEL}`}</title>
    </polygon>
  );
}

/** One seed's EMC, beside its point's mean: a small hollow circle. */
export function SeedMark({ cx, cy, color, scale = 1 }: MarkerProps & { color: string }) {
  if (cx === undefined || cy === undefined) return <g />;
  return (
    <circle
      className="emc-seed"
      cx={cx}
      cy={cy}
      r={2.5 * scale}
      fill="none"
      stroke={color}
      strokeWidth={1.2 * scale}
    />
  );
}

/** A pinned run's point: recharts' default symbol, or the budget-limited triangle. */
export function PinnedMarker(props: MarkerProps & { color: string }) {
  if (props.payload?.budgetLimited) return <BudgetLimitedMarker {...props} />;
  if (props.payload?.unverified) return <UnverifiedMarker {...props} />;
  if (props.cx === undefined || props.cy === undefined) return <g />;
  // recharts sizes a symbol by its area.
  const scale = props.scale ?? 1;
  return (
    <Symbols
      cx={props.cx}
      cy={props.cy}
      type="circle"
      size={64 * scale * scale}
      fill={props.color}
    />
  );
}
