import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { experimentSpecSchema, SPEC_VERSION } from '../engine/experiment/schema.ts';

/**
 * docs/spec.md, written from the spec schema's own descriptions and bounds (zod's JSON Schema
 * output), so the schema is the one place the spec is documented. `npm run docs:spec` writes
 * it; specDoc.test.ts fails when the file is stale.
 */

/** A JSON Schema node as zod 4 writes it, as far as this page reads it. */
interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  items?: Node;
  anyOf?: Node[];
  properties?: Record<string, Node>;
  required?: string[];
}

/** The spec every reader starts from (it parses: specDoc.test.ts holds it to the schema). */
export const EXAMPLE_SPEC = {
  version: SPEC_VERSION,
  name: 'MLP on random labels',
  seed: 1,
  data: {
    source: 'gaussian',
    inputShape: [20],
    classes: 2,
    labels: 'random',
    labelNoise: 0,
    poolSize: 400,
    testSize: 0,
  },
  model: { family: 'mlp', depth: 2, activation: 'relu' },
  sweep: { widths: [4, 8, 16, 32] },
  train: {
    optimizer: 'adam',
    learningRate: 0.01,
    batchSize: 32,
    maxSteps: 20000,
    patience: 500,
    minDelta: 0.0001,
  },
  search: { precision: 0.02, seeds: 3 },
};

const number = (value: number) =>
  Number.isInteger(value) ? value.toLocaleString('en') : `${value}`;

const range = (low: string, high: string) => `${low} … ${high}`;

/** What values a field takes, in words: `"a"`, `"b"`; an integer 1 … 16; a list of 1 … 3 of those. */
function values(node: Node): string {
  if (node.anyOf) return node.anyOf.map(values).join(', or ');
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((value) => `\`${JSON.stringify(value)}\``).join(', ');
  switch (node.type) {
    case 'integer':
    case 'number': {
      const kind = node.type === 'integer' ? 'an integer' : 'a number';
      const low =
        node.exclusiveMinimum !== undefined
          ? `> ${number(node.exclusiveMinimum)}`
          : number(node.minimum ?? -Infinity);
      return `${kind} ${range(low, number(node.maximum ?? Infinity))}`;
    }
    case 'string':
      if (node.pattern) return `a string matching \`${node.pattern}\``;
      return `a string of ${range(number(node.minLength ?? 0), number(node.maxLength ?? Infinity))} characters`;
    case 'boolean':
      return '`true` or `false`';
    case 'array':
      return `a list of ${range(number(node.minItems ?? 0), number(node.maxItems ?? Infinity))} values, each ${node.items ? values(node.items) : 'any'}`;
    default:
      return node.type ?? 'any';
  }
}

/** One line per field: its name, the values it takes, its default, what it means. */
function fieldList(object: Node): string[] {
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).map(([name, node]) => {
    const fallback =
      node.default !== undefined
        ? `default \`${JSON.stringify(node.default)}\``
        : required.has(name)
          ? 'required'
          : 'optional';
    const description = node.description ? ` ${node.description}` : '';
    return `- **\`${name}\`** (${values(node)}; ${fallback}).${description}`;
  });
}

/** The markdown of docs/spec.md, formatted as the repository's Prettier settings say. */
export async function specMarkdown(): Promise<string> {
  const root = z.toJSONSchema(experimentSpecSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Node;
  const sections = Object.entries(root.properties ?? {}).filter(([, node]) => node.properties);
  const topLevel: Node = {
    properties: Object.fromEntries(
      Object.entries(root.properties ?? {}).filter(([, node]) => !node.properties),
    ),
    required: root.required,
  };
  const lines = [
    '# The experiment spec',
    '',
    "<!-- Written by `npm run docs:spec` from src/engine/experiment/schema.ts; edit the schema's descriptions, not this file. -->",
    '',
    "One versioned JSON document describes an experiment everywhere: the lab's form, share links, saved runs, the CLI and results files. Every field has bounds; an invalid spec is refused with a message naming the field, such as `train.learningRate: must be greater than 0`. Untrusted specs have one door, `readSpec()` (migrate, then validate), for links, files, saved runs, the form and the CLI.",
    '',
    '```json',
    JSON.stringify(EXAMPLE_SPEC, null, 2),
    '```',
    '',
    '## Top level',
    '',
    ...fieldList(topLevel),
  ];
  for (const [name, node] of sections) {
    lines.push('', `## \`${name}\``, '');
    if (node.description) lines.push(node.description, '');
    lines.push(...fieldList(node));
  }
  const options = await resolveConfig('docs/spec.md');
  return format(lines.join('\n'), { ...options, parser: 'markdown' });
}
