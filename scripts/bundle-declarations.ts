// Bundles the declarations tsc emitted into dist/types/ into one self-contained file per npm entry and
// module format: dist/aicado-embed.d.ts (+ .d.cts), dist/server.d.ts (+ .d.cts), dist/server-redis.d.ts (+ .d.cts), dist/server-postgres.d.ts (+ .d.cts), dist/react.d.ts (+ .d.cts), dist/element.d.ts (+ .d.cts).
// A consumer's TypeScript then reads nothing but these files, the package's own entries and the peers'
// types: no internal file layout, and no bundled dependency (preact, zod, jose) it does not have installed.
import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import { inlineInferredTypes } from './inline-inferred-types.js';

const ROOT = resolve(import.meta.dirname, '..');
const TYPES = resolve(ROOT, 'dist/types');

/** Entry declaration (as tsc emits it) → published name, next to the entry's `.js` / `.cjs`. */
const ENTRIES = {
  'index.d.ts': 'aicado-embed',
  'server/index.d.ts': 'server',
  'server/redis/index.d.ts': 'server-redis',
  'server/postgres/index.d.ts': 'server-postgres',
  'react/index.d.ts': 'react',
  'element/index.d.ts': 'element',
  'element/react.d.ts': 'element-react',
  'element/vue.d.ts': 'element-vue',
  'element/svelte.d.ts': 'element-svelte',
} as const;

/** Imports that stay imports: the package itself (the React and element entries share the SDK's types) and the peers. */
const isExternal = (id: string) => /^(aicado-embed|react|vue|svelte)(\/|$)/.test(id);
/** Bundled at run time, so its types are expanded into plain ones (see inline-inferred-types.ts). */
const BUNDLED_SCHEMA_LIBRARY = /^zod(\/|$)/;

for (const [source, name] of Object.entries(ENTRIES)) {
  const bundle = await rollup({
    input: resolve(TYPES, source),
    external: isExternal,
    plugins: [dts()],
    onwarn(warning) {
      throw new Error(`bundling the declarations of ${source}: ${warning.message}`);
    },
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  if (output.length !== 1) throw new Error(`the declarations of ${source} split into ${output.length} files`);
  const file = resolve(ROOT, `dist/${name}.d.ts`);
  const code = inlineInferredTypes(output[0].code, file, BUNDLED_SCHEMA_LIBRARY);
  // The same declarations serve both formats: `.d.ts` beside the ESM file, `.d.cts` beside the CommonJS one.
  await writeFile(file, code);
  await writeFile(resolve(ROOT, `dist/${name}.d.cts`), code);
}
await rm(TYPES, { recursive: true, force: true });
