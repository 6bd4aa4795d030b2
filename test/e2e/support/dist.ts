import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type * as ServerEntry from '../../../src/server/index.js';
import { ROOT } from './backend.js';

/** The built `aicado-embed/server` entry (what ships), typed by its source. */
export const shipped = (await import(pathToFileURL(join(ROOT, 'dist/server.js')).href)) as typeof ServerEntry;
