#!/usr/bin/env node
// The operators' CLI. It runs the JavaScript compiled at install (`npm install` runs `prepare`:
// tsc to dist/); where dist/ is missing or older than a source file (a developer's edit), it runs
// the TypeScript sources through tsx instead, slower to start but never stale.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const compiled = path.join(root, 'dist/src/cli/main.js');

function newestSource() {
  let newest = 0;
  for (const folder of ['src', 'channels', 'workers']) {
    for (const file of readdirSync(path.join(root, folder), { recursive: true })) {
      if (file.endsWith('.ts')) newest = Math.max(newest, statSync(path.join(root, folder, file)).mtimeMs);
    }
  }
  return newest;
}

function isFresh() {
  try {
    return statSync(compiled).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

if (isFresh()) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
