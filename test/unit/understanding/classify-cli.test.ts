import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'jifen-classify-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `jifen classify` as an operator would, with no database configured; resolves with its output. */
function classify(input: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/jifen.js', 'classify', '--village-file', 'example/fangniuping.yaml', ...extra], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const KEYS = ['clarify', 'confidence', 'intent', 'items', 'text'];
const OPTIONAL_KEYS = ['needsDetail', 'options'];

describe('jifen classify', () => {
  it('prints one JSON object per non-empty line, with no database', async () => {
    const dataDir = path.join(scratch, 'data');
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
    const { code, stdout, stderr } = await classify('今天把院坝扫干净了\n\n打扫卫生\n', { ...env, DATA_DIR: dataDir });

    expect(code, stderr).toBe(0);
    // Nothing was opened or created: no embedded database, no server joined.
    expect(existsSync(dataDir)).toBe(false);

    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2); // the empty line is skipped
    const results = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const result of results) {
      const keys = Object.keys(result);
      expect(keys.filter((k) => !OPTIONAL_KEYS.includes(k)).sort()).toEqual(KEYS);
      expect(keys.every((k) => KEYS.includes(k) || OPTIONAL_KEYS.includes(k))).toBe(true);
      expect(typeof result.intent).toBe('string');
      expect(Array.isArray(result.items)).toBe(true);
      expect(result.confidence).toBeGreaterThanOrEqual(0);
      expect(result.confidence).toBeLessThanOrEqual(1);
      expect(typeof result.clarify).toBe('boolean');
    }
    expect(results[0]).toEqual({ text: '今天把院坝扫干净了', intent: 'claim', items: ['P05'], confidence: 1, clarify: false });
    expect(results[1]).toMatchObject({ text: '打扫卫生', intent: 'claim', items: [], clarify: true, options: ['P05', 'P06', 'P07'] });
    expect(results[1]!.confidence).toBeLessThan(0.8);
  }, 60_000);

  it('reads cadres\' commands with --cadre, saying when it would ask back', async () => {
    const { code, stdout, stderr } = await classify('同意 1234\n兑换 FNP-003 S01 2\n扣分 张三家\n', process.env, ['--cadre']);
    expect(code, stderr).toBe(0);
    expect(stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { text: '同意 1234', intent: 'approve', reference: 1234, clarify: false },
      { text: '兑换 FNP-003 S01 2', intent: 'redeem', household: 'FNP-003', items: ['S01'], options: [], quantity: 2, clarify: false },
      { text: '扣分 张三家', intent: 'deduct', items: [], options: [], clarify: true },
    ]);
  }, 60_000);
});
