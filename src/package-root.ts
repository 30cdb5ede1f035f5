import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding jifen's package.json. Files that are not code (migrations, the example
 * village, the lexicon) are found from it, whether jifen runs its sources (tsx) or the
 * compiled JavaScript in dist/.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const packageRoot = findPackageRoot(import.meta.dirname);
