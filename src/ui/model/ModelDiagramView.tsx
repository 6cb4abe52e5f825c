import type { ExperimentSpec } from '../../engine/experiment/index.ts';
import type { ModelShape } from '../../engine/experiment/modelShapes.ts';
import { modelDiagram } from '../../share/modelDiagram.ts';

/** The shape of the model a spec trains at one sweep width. */
export function shapeOf(spec: ExperimentSpec, width: number): ModelShape {
  return {
    family: spec.model.family,
    inputShape: spec.data.inputShape,
    depth: spec.model.depth,
    width,
    classes: spec.data.classes,
    patchSize: spec.model.patchSize,
    heads: spec.model.heads,
    mlpRatio: spec.model.mlpRatio,
  };
}

const BOX_WIDTH = 64;
const GAP = 26;
const HEIGHT = 110;
/** Readable at arm's length (the names were 11 px and the sizes 9 px). */
const NAME_FONT = 13;
const SIZE_FONT = 12;
/** What fits under a box and its gap at SIZE_FONT. */
const SIZE_CHARS = 13;

/**
 * A model drawn as a row of layers, each as tall as the log of the numbers it passes on,
 * named and sized below; its parameter count in the caption. The drawing is an image with
 * the same description in words, for screen readers.
 */
export function ModelDiagramView({
  shape,
  compact = false,
  note = '',
}: {
  shape: ModelShape;
  compact?: boolean;
  /** Said before the model's name in the caption ("First of 3 widths, "). */
  note?: string;
}) {
  const diagram = modelDiagram(shape);
  const { layers } = diagram;
  const largest = Math.max(...layers.map((layer) => Math.log2(layer.values + 1)));
  const width = layers.length * (BOX_WIDTH + GAP) - GAP;
  const scale = compact ? 0.6 : 1;
  return (
    <figure className="model-diagram" data-testid="model-diagram" data-layers={layers.length}>
      <svg
        role="img"
        aria-label={diagram.description}
        viewBox={`0 0 ${width} ${HEIGHT + 38}`}
        width={width * scale}
        height={(HEIGHT + 38) * scale}
      >
        {layers.map((layer, i) => {
          const h = Math.max(8, (HEIGHT * Math.log2(layer.values + 1)) / largest);
          const x = i * (BOX_WIDTH + GAP);
          const y = (HEIGHT - h) / 2;
          const edge = i === 0 || i === layers.length - 1;
          return (
            <g key={layer.name} data-testid="diagram-layer">
              {i > 0 && (
                <line
                  x1={x - GAP}
                  x2={x}
                  y1={HEIGHT / 2}
                  y2={HEIGHT / 2}
                  stroke="currentColor"
                  markerEnd="url(#arrow)"
                />
              )}
              <rect
                x={x}
                y={y}
                width={BOX_WIDTH}
                height={h}
                rx={4}
                fill={edge ? '#ffffff' : '#56b4e9'}
                stroke="#1d3557"
                strokeDasharray={edge ? '4 3' : undefined}
              />
              <text x={x + BOX_WIDTH / 2} y={HEIGHT + 14} textAnchor="middle" fontSize={NAME_FONT}>
                {layer.name}
              </text>
              <text x={x + BOX_WIDTH / 2} y={HEIGHT + 30} textAnchor="middle" fontSize={SIZE_FONT}>
                {layer.size.length > SIZE_CHARS
                  ? `${layer.size.slice(0, SIZE_CHARS - 1)}…`
                  : layer.size}
              </text>
            </g>
          );
        })}
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 6 6"
            refX="6"
            refY="3"
            markerWidth="6"
            markerHeight="6"
            orient="auto"
          >
            <path d="M0,0 L6,3 L0,6 z" fill="currentColor" />
          </marker>
        </defs>
      </svg>
      <figcaption>
        {note}
        {diagram.title}: {diagram.parameters.toLocaleString('en-US')} parameters
      </figcaption>
    </figure>
  );
}
