/**
 * Writes the built-in frameworks as files in the framework format
 * (docs/FRAMEWORKS.md) to static/frameworks/<id>.json, served at
 * /frameworks/<id>.json. `npm run frameworks` after changing
 * src/lib/domain/frameworks.ts; tests/unit/framework-file.test.ts checks the
 * files equal what this writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { BUILTIN_FRAMEWORKS } from '#lib/domain/frameworks.ts';
import { frameworkFile } from '#lib/domain/framework-file.ts';

const dir = new URL('../static/frameworks/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const framework of BUILTIN_FRAMEWORKS) {
	writeFileSync(new URL(`${framework.id}.json`, dir), `${JSON.stringify(frameworkFile(framework), null, '\t')}\n`);
	console.log(`static/frameworks/${framework.id}.json`);
}
