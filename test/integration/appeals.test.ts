import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { deductionEvents, deductions, households } from '../../src/db/schema/index.ts';
import { appealReport } from '../../src/deductions/report.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { testBackend } from '../support/backend.ts';
import { people, startJifen, type Harness } from '../support/jifen.ts';
import { award, say } from '../support/records.ts';

const APPROVERS = [people.liuFang, people.wangJianguo, people.zhangMing];

describe(`deductions and appeals (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });

  const balance = async (code: string) => (await householdBalance(jifen.context.db, code)).balance;
  const ledgerOk = async () => expect(await verifyLedger(jifen.context.db)).toMatchObject({ ok: true, problems: [] });
  async function deductionsOf(code: string) {
    const [household] = await jifen.context.db.select().from(households).where(eq(households.code, code));
    return jifen.context.db.select().from(deductions).where(eq(deductions.householdId, household!.id)).orderBy(asc(deductions.id));
  }
  const eventsOf = async (deductionId: number) => (await jifen.context.db.select().from(deductionEvents)
    .where(eq(deductionEvents.deductionId, deductionId)).orderBy(asc(deductionEvents.id))).map((e) => [e.fromState, e.toState, e.actor.split(':')[0], e.reason]);

  /** A cadre records a deduction; returns its reference from the answer. */
  async function deduct(code: string, item: string): Promise<number> {
    const answer = await say(jifen, people.liuFang, `扣分 ${code} ${item}`);
    return Number(/编号(\d{4})/.exec(answer)![1]);
  }

  /** The household appeals; every approver is asked to decide. */
  async function appeal(phone: string, reference: number, reason: string) {
    expect(await say(jifen, phone, `申诉 ${reference} ${reason}`)).toBe(`已收到您对扣分 ${reference} 的申诉，村干部核实后答复您`);
    for (const approver of APPROVERS) {
      await jifen.waitFor(async () => (await jifen.outbox(approver)).some((t) => t.startsWith(`【放牛坪村积分】申诉 ${reference}：`) && t.includes(reason)), `the appeal to ${approver}`);
    }
  }

  it('a deduction against a zero balance is recorded, takes nothing, and tells the household its reference', async () => {
    const reference = await deduct('FNP-030', 'N01');
    const [record] = await deductionsOf('FNP-030');
    expect(record).toMatchObject({ reference, pointsListed: 2, pointsTaken: 0, transactionId: null, state: 'recorded' });
    expect(await jifen.outbox('+8613900020030')).toEqual([`您家因乱倒垃圾、乱堆乱放 -0分（应扣2分，余额不足）（编号${reference}）被扣分，当前余额 0分。有异议请回复「申诉 编号 原因」`]);
    expect(await eventsOf(record!.id)).toEqual([[null, 'recorded', 'cadre', null]]);
    await ledgerOk();
  });

  it('an appeal upheld (维持) keeps the points taken; the household is told', async () => {
    await award(jifen.context, 'FNP-031', 10);
    const reference = await deduct('FNP-031', 'N02');
    expect(await balance('FNP-031')).toBe(7);
    await appeal('+8613900020031', reference, '我家没有烧秸秆');
    expect(await say(jifen, people.zhangMing, `维持 ${reference} 有照片`)).toBe(`扣分 ${reference} 已维持原扣分，该户余额 7分`);
    await jifen.waitFor(async () => (await jifen.outbox('+8613900020031')).at(-1) === `您家扣分 ${reference} 经村干部核实：维持原扣分。当前余额 7分`, 'the outcome');
    const [record] = await deductionsOf('FNP-031');
    expect(record!.state).toBe('upheld');
    expect(await eventsOf(record!.id)).toEqual([[null, 'recorded', 'cadre', null], ['recorded', 'appealed', 'member', '我家没有烧秸秆'], ['appealed', 'upheld', 'cadre', '有照片']]);
    expect(await say(jifen, '+8613900020031', `申诉 ${reference} 还是不服`)).toBe(`扣分 ${reference} 已处理过，不能再申诉，请联系村干部`);
    await ledgerOk();
  });

  it('an appeal revoked (撤销) gives the points back by a reversing transaction, once', async () => {
    await award(jifen.context, 'FNP-032', 10);
    const reference = await deduct('FNP-032', 'N02');
    await appeal('+8613900020032', reference, '是隔壁烧的');
    expect(await say(jifen, '+8613900020032', `申诉 ${reference} 是隔壁烧的`)).toBe(`扣分 ${reference} 已在申诉中，请等村干部答复`);
    expect(await say(jifen, people.liuFang, `撤销 ${reference} 核实不是他家`)).toBe(`扣分 ${reference} 已撤销，分数已退回，该户余额 10分`);
    expect(await balance('FNP-032')).toBe(10);
    expect(await say(jifen, people.zhangMing, `撤销 ${reference}`)).toBe(`扣分 ${reference} 已处理过了`);
    expect(await balance('FNP-032')).toBe(10);
    const [record] = await deductionsOf('FNP-032');
    expect(record!.state).toBe('revoked');
    await ledgerOk();
  });

  it('an appeal changed (改) reverses the deduction and records the new one in its place', async () => {
    await award(jifen.context, 'FNP-033', 10);
    const reference = await deduct('FNP-033', 'N03');
    expect(await balance('FNP-033')).toBe(5);
    await appeal('+8613900020033', reference, '只是堆了柴');
    const answer = await say(jifen, people.liuFang, `改 ${reference} N01`);
    expect(answer).toBe(`扣分 ${reference} 已改为「乱倒垃圾、乱堆乱放」-2分，该户余额 8分`);
    const [original, replacement] = await deductionsOf('FNP-033');
    expect(original).toMatchObject({ state: 'changed', pointsTaken: 5 });
    expect(replacement).toMatchObject({ state: 'recorded', pointsTaken: 2, replacesId: original!.id });
    await ledgerOk();
    // A change by points: the replacement can itself be changed.
    expect(await say(jifen, people.liuFang, `改 ${replacement!.reference} 1分`)).toBe(`扣分 ${replacement!.reference} 已改为「乱倒垃圾、乱堆乱放」-1分，该户余额 9分`);
    await ledgerOk();
  });

  it('a household appeals only its own deductions, by reference; a cadre never decides their own household\'s', async () => {
    const reference = (await deductionsOf('FNP-031'))[0]!.reference;
    expect(await say(jifen, '+8613900020033', `申诉 ${reference} 不对`)).toBe(`没有您家的扣分 ${reference}，请核对扣分短信里的编号`);
    expect(await say(jifen, '+8613900020033', '申诉')).toBe('请写明扣分编号，如「申诉 1234 原因」；编号在扣分短信里');
    const own = await deduct('FNP-023', 'N01');
    await appeal(people.wangZhiqiang, own, '我家没乱堆');
    expect(await say(jifen, people.wangJianguo, `撤销 ${own}`)).toBe(`扣分 ${own} 是您自家的，须由其他村干部处理`);
    expect(await say(jifen, people.ranDebing, `撤销 ${own}`)).toBe('您没有审核权限，请联系综合专干');
  });

  it('jifen appeals reports every appeal and its outcome', async () => {
    const report = await appealReport(jifen.context.db, 'fangniuping');
    expect(report.map((line) => [line.household, line.state, line.decision?.outcome ?? null, line.replacement?.pointsTaken ?? null])).toEqual([
      ['FNP-031', 'upheld', 'upheld', null],
      ['FNP-032', 'revoked', 'revoked', null],
      ['FNP-033', 'changed', 'changed', 2],
      ['FNP-023', 'appealed', null, null],
    ]);
    expect(report[1]).toMatchObject({ item: '焚烧秸秆或垃圾', pointsTaken: 3, appeal: { reason: '是隔壁烧的', by: expect.stringMatching(/^member:/) }, decision: { reason: '核实不是他家' } });
  });
});
