// Prints the Subresource Integrity hash of the single-file script-tag bundle and the CDN tag that pins
// it, so a site that loads the script from a CDN can make the browser refuse any other bytes. (The split
// build's lazy part is a dynamic import, which an integrity attribute cannot pin: pinned sites use this one.)
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const { name, version } = JSON.parse(await readFile(resolve(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const file = 'dist/aicado-embed.single.iife.js';
const integrity = `sha384-${createHash('sha384')
  .update(await readFile(resolve(ROOT, file)))
  .digest('base64')}`;

console.log(`\n${file} integrity: ${integrity}`);
console.log(
  `<script async src="https://cdn.jsdelivr.net/npm/${name}@${version}/${file}"\n        integrity="${integrity}" crossorigin="anonymous"></script>\n`,
);
