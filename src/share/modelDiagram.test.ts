import { describe, expect, it } from 'vitest';
import { parameterCount } from '../engine/experiment/modelShapes.ts';
import { modelDiagram } from './modelDiagram.ts';

describe('modelDiagram', () => {
  it('draws an MLP as its input, every hidden layer and its output, with the exact parameter count', () => {
    const shape = { family: 'mlp' as const, inputShape: [20], depth: 2, width: 16, classes: 4 };
    const diagram = modelDiagram(shape);
    expect(diagram.layers.map((l) => [l.name, l.size])).toEqual([
      ['input', '20'],
      ['hidden 1', '16 units'],
      ['hidden 2', '16 units'],
      ['output', '4 classes'],
    ]);
    expect(diagram.parameters).toBe(parameterCount(shape));
    expect(diagram.description).toBe(
      'MLP 2×16: input 20, then hidden 1 16 units, then hidden 2 16 units, then output 4 classes; 676 parameters.',
    );
  });

  it('draws a linear classifier as input and output only', () => {
    const diagram = modelDiagram({
      family: 'mlp',
      inputShape: [4],
      depth: 0,
      width: 8,
      classes: 2,
    });
    expect(diagram.title).toBe('linear classifier');
    expect(diagram.layers).toHaveLength(2);
    expect(diagram.parameters).toBe(10);
  });

  it('draws CNN stages with their channels and sizes, and ViT patches and blocks', () => {
    const cnn = modelDiagram({
      family: 'cnn',
      inputShape: [28, 28, 1],
      depth: 2,
      width: 4,
      classes: 10,
    });
    expect(cnn.layers.map((l) => l.size)).toEqual([
      '28×28×1',
      '3×3 conv, pool → 14×14×4',
      '3×3 conv, pool → 7×7×8',
      '10 classes',
    ]);
    const vit = modelDiagram({
      family: 'vit',
      inputShape: [28, 28, 1],
      depth: 1,
      width: 8,
      classes: 10,
      patchSize: 7,
    });
    expect(vit.layers.map((l) => [l.name, l.size])).toEqual([
      ['input', '28×28×1'],
      ['patches', '16 patches 7×7 → 8'],
      ['block 1', '2 heads, MLP 16'],
      ['output', '10 classes'],
    ]);
  });
});
