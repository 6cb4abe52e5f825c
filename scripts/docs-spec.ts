// npm run docs:spec: writes docs/spec.md from the spec schema's descriptions.
import { writeFileSync } from 'node:fs';
import { specMarkdown } from '../src/docs/specDoc.ts';

writeFileSync('docs/spec.md', await specMarkdown());
console.log('wrote docs/spec.md');
