import { readFileSync } from 'node:fs';

export type Split = 'dev' | 'holdout';

export interface VillagerExample {
  text: string;
  intent: string;
  items: string[];
  ambiguous?: boolean;
  style?: string;
  tags?: string[];
  split: Split;
}

export interface CadreExample {
  text: string;
  intent: string;
  reference?: number;
  reason?: string;
  household?: string;
  items?: string[];
  quantity?: number;
  split: Split;
}

const fixtures = new URL('../fixtures/', import.meta.url);

export function readCorpus<T>(name: string): T[] {
  return readFileSync(new URL(`understanding/${name}.jsonl`, fixtures), 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}

export const villageFiles = {
  fangniuping: new URL('../../example/fangniuping.yaml', import.meta.url).pathname,
  shuangqiao: new URL('villages/shuangqiao.yaml', fixtures).pathname,
  qinggang: new URL('villages/qinggang.yaml', fixtures).pathname,
};
