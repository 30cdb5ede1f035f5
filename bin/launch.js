// Runs one of jifen's entry points (src/server.ts, src/worker.ts, src/cli/main.ts) as the JavaScript
// compiled at install (`npm install` runs `prepare`: tsc to dist/). Where dist/ is missing or older
// than a source file (a developer's edit), it runs the TypeScript sources through tsx instead:
// slower to start (tsx transpiles every module at run time), never stale.
//
//   node bin/launch.js src/server.ts        (npm start; the rest of argv is the program's)
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');

function newestSource() {
  let newest = 0;
  for (const folder of ['src', 'channels', 'workers']) {
    for (const file of readdirSync(path.join(root, folder), { recursive: true })) {
      if (file.endsWith('.ts')) newest = Math.max(newest, statSync(path.join(root, folder, file)).mtimeMs);
    }
  }
  return newest;
}

function isFresh(compiled) {
  try {
    return statSync(compiled).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

/** Imports the entry point `source` (relative to the package root, e.g. src/server.ts), compiled if fresh. */
export async function launch(source) {
  const compiled = path.join(root, 'dist', source.replace(/\.ts$/, '.js'));
  if (isFresh(compiled)) return import(pathToFileURL(compiled).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(path.join(root, source)).href);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [source] = process.argv.splice(2, 1);
  if (!source) throw new Error('usage: node bin/launch.js <entry point, e.g. src/server.ts> [arguments]');
  await launch(source);
}
