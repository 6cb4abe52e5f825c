import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experimentSpecSchema } from '../engine/experiment/schema.ts';
import { EXAMPLE_SPEC, specMarkdown } from './specDoc.ts';

/** The fields of a section, whether its schema is an object or an object with a transform. */
function fieldsOf(schema: unknown): string[] {
  const def = (schema as { def: { shape?: object; in?: { def: { shape?: object } } } }).def;
  return Object.keys(def.shape ?? def.in?.def.shape ?? {});
}

describe('docs/spec.md', () => {
  it('is what `npm run docs:spec` writes from the schema today (rerun it after a change)', async () => {
    expect(readFileSync('docs/spec.md', 'utf8')).toBe(await specMarkdown());
  });

  it('has a section for every part of the spec and a described line for every field', async () => {
    const page = await specMarkdown();
    for (const [name, schema] of Object.entries(experimentSpecSchema.def.shape)) {
      const fields = fieldsOf(schema);
      if (fields.length === 0) {
        expect(page, name).toMatch(new RegExp(`^- \\*\\*\`${name}\`\\*\\* \\(.+\\)\\. \\S`, 'm'));
        continue;
      }
      expect(page, name).toContain(`## \`${name}\``);
      const section = page.slice(page.indexOf(`## \`${name}\``));
      for (const field of fields) {
        expect(section, `${name}.${field}`).toMatch(
          new RegExp(`^- \\*\\*\`${field}\`\\*\\* \\(.+\\)\\. \\S`, 'm'),
        );
      }
    }
  });

  it('starts from an example that is a valid spec', () => {
    expect(experimentSpecSchema.safeParse(EXAMPLE_SPEC).success).toBe(true);
  });
});
