import { describe, expect, it } from 'vitest';
import { createLogger, maskName, maskPhone, maskPhones } from '../../src/log.ts';
describe('phone masking', () => {
  it.each([
    ['+8613900010001', '+86139****0001'],
    ['+8613900020003', '+86139****0003'],
    ['13900010001', '139****0001'],
    ['+14155550123', '+141****0123'],
  ])('maskPhone(%s) → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('masks every phone number inside a sentence and leaves the rest alone', () => {
    expect(maskPhones('王兰英（+8613900020003）请刘芳 13900010001 审核，编号1234，FNP-003'))
      .toBe('王兰英（+86139****0003）请刘芳 139****0001 审核，编号1234，FNP-003');
    expect(maskPhones('sms from +8613900020003 to +8613900009999')).toBe('sms from +86139****0003 to +86139****9999');
  });

  it('leaves text without phone numbers unchanged', () => {
    for (const text of ['', '已入账 +2分，当前余额 2分', '待审 1234', 'claim 42, job 7', '1234567890']) expect(maskPhones(text)).toBe(text);
  });

  it('never leaves a full number behind', () => {
    const numbers = ['+8613900010001', '+8613900020023', '13911112222', '+8613900030040'];
    const masked = maskPhones(`numbers: ${numbers.join(', ')}; again ${numbers.join('/')}`);
    for (const number of numbers) expect(masked).not.toContain(number);
    expect(masked.match(/\*\*\*\*/g)).toHaveLength(8);
  });
});

describe('createLogger', () => {
  const capture = (run: (log: ReturnType<typeof createLogger>) => void) => {
    const lines: string[] = [];
    run(createLogger('info', { write: (line: string) => { lines.push(line); } }));
    return lines.join('');
  };

  it('masks phones in fields, messages and errors', () => {
    const out = capture((log) => {
      log.info({ to: '+8613900010001' }, 'sms to +8613900020003');
      log.warn({ err: new Error('Twilio refused +8613900030002') }, 'send failed');
      log.error(new Error('no member +8613900040004'));
    });
    expect(out).not.toMatch(/\+86\d{11}/);
    expect(out).toContain('+86139****0001');
    expect(out).toContain('+86139****0002');
    expect(out).toContain('+86139****0004');
  });

  it('logs objects that refer to themselves without crashing', () => {
    const request: Record<string, unknown> = { url: '/healthz' };
    request.self = request;
    expect(capture((log) => log.info({ request }, 'request'))).toContain('request');
  });
});

describe('createLogger: secrets', () => {
  const capture = (secrets: string[], run: (log: ReturnType<typeof createLogger>) => void) => {
    const lines: string[] = [];
    run(createLogger('info', { write: (line: string) => { lines.push(line); } }, secrets));
    return lines.join('');
  };

  it('replaces each configured secret in messages, fields and errors', () => {
    const out = capture(['push-token-123', 'app-secret-456'], (log) => {
      log.info({ config: { token: 'push-token-123' } }, 'using app-secret-456');
      log.error(new Error('refused push-token-123'));
    });
    expect(out).not.toMatch(/push-token-123|app-secret-456/);
    expect(out).toContain('"msg":"using [redacted]"');
  });

  it.each([
    ['/channels/aliyun/up?token=abc123', '/channels/aliyun/up?token=[redacted]'],
    ['/x?a=1&signature=f00&nonce=2', '/x?a=1&signature=[redacted]&nonce=2'],
    ['/x?msg_signature=aa&timestamp=1', '/x?msg_signature=[redacted]&timestamp=1'],
    ['https://h/p?access_token=T0K', 'https://h/p?access_token=[redacted]'],
  ])('a secret query value is censored: %s', (url, logged) => {
    expect(capture([], (log) => log.info({ url }, 'request'))).toContain(JSON.stringify(logged));
  });

  it('a request is logged by its path, its secret headers censored', () => {
    const out = capture([], (log) => log.info({
      req: { method: 'POST', url: '/channels/aliyun/up?token=abc', ip: '127.0.0.1' },
      headers: { 'x-jifen-push-token': 'abc', authorization: 'Bearer xyz', 'content-type': 'application/json' },
    }, 'incoming request'));
    expect(out).toContain('"url":"/channels/aliyun/up"');
    expect(out).not.toMatch(/abc|xyz/);
    expect(out).toContain('application/json');
  });
});

describe('maskName (public pages)', () => {
  it.each([['王兰英', '王*英'], ['王英', '王*'], ['欧阳兰英', '欧**英'], ['王', '王'], ['𠀀兰英', '𠀀*英'], [' 何世友 ', '何*友']])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});
