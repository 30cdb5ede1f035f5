import { describe, expect, it } from 'vitest';
import type { CatalogueItem } from '../../src/db/schema/index.ts';
import { priceRedemption } from '../../src/supermarket/pricing.ts';

const soap = { id: 1, code: 'S01', name: '肥皂', points: 5, stock: 10 } as CatalogueItem;
const oil = { id: 2, code: 'S04', name: '菜籽油', points: 30, stock: null } as CatalogueItem;

describe('pricing a redemption', () => {
  it('adds up the goods times their counts', () => {
    expect(priceRedemption([soap, oil], [{ code: 'S01', quantity: 2 }, { code: 'S04', quantity: 1 }]))
      .toEqual({ kind: 'priced', points: 40, lines: [{ item: soap, quantity: 2 }, { item: oil, quantity: 1 }] });
  });

  it('refuses goods the village does not have', () => {
    expect(priceRedemption([soap], [{ code: 'S09', quantity: 1 }])).toEqual({ kind: 'unknown_goods', code: 'S09' });
  });

  it.each([0, -1, 1.5, 1000, Number.NaN])('refuses a count of %d before anything else', (quantity) => {
    expect(priceRedemption([soap], [{ code: 'S09', quantity: 1 }, { code: 'S01', quantity }])).toEqual({ kind: 'bad_quantity', quantity });
  });
});
