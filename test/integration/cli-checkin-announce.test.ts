import fs from 'node:fs/promises';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../support/backend.ts';
import { startCliHarness, type CliHarness } from '../support/cli.ts';
import { EXAMPLE_VILLAGE } from '../support/jifen.ts';

const LIU_FANG = '+8613900010001';

// Each test spawns CLI processes one after another: on a loaded 2-core machine that takes minutes, not a hang.
describe(`jifen checkin and jifen announce (${testBackend})`, { timeout: 300_000 }, () => {
  let cli: CliHarness;
  const jifen = (...args: string[]) => cli.jifen(...args);

  beforeAll(async () => {
    cli = await startCliHarness('jifen-cli-checkin-');
    expect((await jifen('import', EXAMPLE_VILLAGE)).code).toBe(0);
  }, 300_000);
  afterAll(() => cli.close());

  // Each CLI run starts a process (tsx): slow on a loaded machine.
  it('opens a check-in with its QR poster, and closes it', { timeout: 300_000 }, async () => {
    const pdf = path.join(cli.dataDir, 'poster.pdf');
    const opened = await jifen('checkin', 'open', '--village', 'fangniuping', '--item', 'p03', '--cadre', LIU_FANG, '--minutes', '90', '--pdf', pdf, '--json');
    expect(opened.code).toBe(0);
    const result = JSON.parse(opened.stdout) as { code: string; item: string; text: string };
    expect(result).toMatchObject({ item: 'P03', code: expect.stringMatching(/^\d{4}$/) });
    const { text } = await new PDFParse({ data: new Uint8Array(await fs.readFile(pdf)) }).getText();
    expect(text).toContain('放牛坪村签到');
    expect(text).toContain(`签到码 ${result.code}`);
    expect(text).toContain('+8613900009999');

    const closed = await jifen('checkin', 'close', result.code, '--village', 'fangniuping', '--cadre', LIU_FANG, '--json');
    expect(JSON.parse(closed.stdout)).toEqual({ code: result.code, item: '参加村民大会或院坝会', households: [] });
    expect((await jifen('checkin', 'open', '--village', 'fangniuping', '--item', 'P03', '--cadre', '+8613900010004')).code).not.toBe(0);
  });

  it('previews an announcement, refuses a refused phrase, confirms it and shows its progress', { timeout: 300_000 }, async () => {
    const preview = await jifen('announce', '--village', 'fangniuping', '明天上午9点在村委会开院坝会', '--json');
    const shown = JSON.parse(preview.stdout) as { code: string; preview: { households: number; byChannel: Record<string, number>; segmentsEach: number } };
    expect(shown.preview).toMatchObject({ households: 40, byChannel: { sms: 40 }, segmentsEach: 1 });
    const refused = await jifen('announce', '--village', 'fangniuping', '积分兑换活动开始了');
    expect(refused).toEqual({ code: 1, stdout: '通知里有短信平台不允许的词「积分兑换」，请换个说法再发\n' });
    const confirmed = await jifen('announce', '--village', 'fangniuping', '--confirm', shown.code);
    expect(confirmed.stdout).toBe('已确认，正在通知 40 户，发完后告诉您结果\n');
    const status = await jifen('announce', '--village', 'fangniuping', '--status');
    expect(status.stdout).toMatch(/^announcement \d+ sending: 0\/40 sent, 0 failed, 0 opted out, 0 pending — 明天上午9点在村委会开院坝会$/m);
    expect((await jifen('messages')).stdout).toMatch(/^announcement \d+ sending: /);
  });
});
