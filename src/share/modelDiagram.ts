import {
  cnnStages,
  type ModelShape,
  parameterCount,
  vitGeometry,
} from '../engine/experiment/modelShapes.ts';
import { featureCount } from '../engine/data/types.ts';

/**
 * A model drawn as its layers, from the engine's own shape arithmetic (the same that counts
 * its parameters), so the picture cannot disagree with what trains.
 */
export interface DiagramLayer {
  /** "input", "hidden 1", "stage 2", "block 1", "output" … */
  name: string;
  /** What the layer holds: "16 units", "14×14×8", "49 patches × 32". */
  size: string;
  /** Numbers the layer passes on, for drawing its height (log-scaled by the view). */
  values: number;
}

export interface ModelDiagram {
  title: string;
  layers: DiagramLayer[];
  parameters: number;
  /** One sentence for screen readers and the text alternative. */
  description: string;
}

export function modelDiagram(shape: ModelShape): ModelDiagram {
  const inputs = featureCount(shape.inputShape);
  const input: DiagramLayer = {
    name: 'input',
    size: shape.inputShape.join('×'),
    values: inputs,
  };
  const output: DiagramLayer = {
    name: 'output',
    size: `${shape.classes} classes`,
    values: shape.classes,
  };
  let title: string;
  let middle: DiagramLayer[];
  if (shape.depth === 0) {
    title = 'linear classifier';
    middle = [];
  } else if (shape.family === 'mlp') {
    title = `MLP ${shape.depth}×${shape.width}`;
    middle = Array.from({ length: shape.depth }, (_, i) => ({
      name: `hidden ${i + 1}`,
      size: `${shape.width} units`,
      values: shape.width,
    }));
  } else if (shape.family === 'cnn') {
    title = `CNN, ${shape.depth} stage${shape.depth > 1 ? 's' : ''} from ${shape.width} channels`;
    middle = cnnStages(shape).map((stage, i) => ({
      name: `stage ${i + 1}`,
      size: `3×3 conv${stage.pooled ? ', pool' : ''} → ${stage.height}×${stage.width}×${stage.channels}`,
      values: stage.height * stage.width * stage.channels,
    }));
  } else {
    const { tokens, patchSize, heads, mlpWidth } = vitGeometry(shape);
    title = `ViT, ${shape.depth} block${shape.depth > 1 ? 's' : ''} of width ${shape.width}`;
    middle = [
      {
        name: 'patches',
        size: `${tokens} patches ${patchSize}×${patchSize} → ${shape.width}`,
        values: tokens * shape.width,
      },
      ...Array.from({ length: shape.depth }, (_, i) => ({
        name: `block ${i + 1}`,
        size: `${heads} heads, MLP ${mlpWidth}`,
        values: tokens * shape.width,
      })),
    ];
  }
  const layers = [input, ...middle, output];
  const parameters = parameterCount(shape);
  return {
    title,
    layers,
    parameters,
    description: `${title}: ${layers.map((layer) => `${layer.name} ${layer.size}`).join(', then ')}; ${parameters.toLocaleString('en-US')} parameters.`,
  };
}
