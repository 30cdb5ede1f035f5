import type { CatalogueItem } from '../db/schema/index.ts';

export interface RedemptionLine {
  code: string;
  quantity: number;
}

/** The most of one goods one redemption takes (the API's limit too). */
export const MAX_QUANTITY = 999;

/** A count of goods: a whole number from 1 to MAX_QUANTITY. */
const isCount = (quantity: number) => Number.isSafeInteger(quantity) && quantity >= 1 && quantity <= MAX_QUANTITY;

export interface PricedLine {
  item: CatalogueItem;
  quantity: number;
}

export type Pricing =
  | { kind: 'priced'; lines: PricedLine[]; points: number }
  | { kind: 'unknown_goods'; code: string }
  | { kind: 'bad_quantity'; quantity: number };

/**
 * What a redemption costs, from the village's goods (a pure step: src/supermarket/redeem.ts reads
 * the goods and applies it): every line must name goods of the village and a count from 1 to 999.
 */
export function priceRedemption(goods: readonly CatalogueItem[], lines: readonly RedemptionLine[]): Pricing {
  const uncounted = lines.find((line) => !isCount(line.quantity));
  if (uncounted) return { kind: 'bad_quantity', quantity: uncounted.quantity };
  const priced: PricedLine[] = [];
  for (const line of lines) {
    const item = goods.find((g) => g.code === line.code);
    if (!item) return { kind: 'unknown_goods', code: line.code };
    priced.push({ item, quantity: line.quantity });
  }
  return { kind: 'priced', lines: priced, points: priced.reduce((sum, { item, quantity }) => sum + item.points * quantity, 0) };
}
