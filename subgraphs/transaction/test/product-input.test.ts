import { describe, expect, it } from 'vitest';
import { meetsMinimum } from '../src/model.ts';
import { CATEGORIES } from '../src/products/categories.ts';
import { createProductSchema, escapeLike, listingSchema, normalizeSearchText, searchWords } from '../src/products/product-input.ts';
import { defaultParty, protectionRefusal, holdRefusal } from '../src/trades/trade-guards.ts';

const valid = { title: '아이폰 15', description: '', price: 900_000, category: 'DIGITAL' };

describe('createProduct input', () => {
  it('accepts boundaries: 2 and 80 characters (한글 counts one each), 0 and 100,000,000 won, 10 images', () => {
    for (const title of ['가나', '가'.repeat(80), '👍🏻👍']) expect(createProductSchema.safeParse({ ...valid, title }).success).toBe(true);
    for (const price of [0, 100_000_000]) expect(createProductSchema.safeParse({ ...valid, price }).success).toBe(true);
    expect(createProductSchema.safeParse({ ...valid, imageKeys: Array.from({ length: 10 }, (_, i) => `k${i}`) }).success).toBe(true);
  });

  it.each([
    ['title', { title: ' 가 ' }, 'titleLength'],
    ['title', { title: 'a\u202Eb' }, 'titleLength'],
    ['price', { price: 1.5 }, 'priceRange'],
    ['price', { price: -1 }, 'priceRange'],
    ['category', { category: 'digital' }, 'categoryUnknown'],
    ['imageKeys', { imageKeys: ['a', 'a'] }, 'duplicateImages'],
    ['region', { region: '가'.repeat(51) }, 'regionTooLong'],
  ])('refuses a bad %s', (field, overrides, message) => {
    const result = createProductSchema.safeParse({ ...valid, ...overrides });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: [field], message });
  });

  it('every category has names in both languages and codes are unique', () => {
    expect(new Set(CATEGORIES.map((c) => c.code)).size).toBe(CATEGORIES.length);
    for (const c of CATEGORIES) expect(c.nameKo && c.nameEn).toBeTruthy();
  });
});

describe('search text', () => {
  it('normalises decomposed Hangul, case and spaces', () => {
    expect(normalizeSearchText('  아이폰\n'.normalize('NFD') + 'CASE  ')).toBe('아이폰 case');
    expect(searchWords('a b a c')).toEqual(['a', 'b', 'c']);
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });

  it('listing defaults: NEWEST, 20, no filter', () => {
    expect(listingSchema.parse({})).toMatchObject({ sort: 'NEWEST', first: 20, filter: { search: null } });
    expect(listingSchema.parse({ filter: { search: '   ' } }).filter.search).toBeNull();
  });
});

describe('who may trade', () => {
  const now = new Date();
  it('a protected buyer with no minimum refuses sellers below NORMAL; unscored sellers count as NORMAL', () => {
    const buyer = { ...defaultParty('b'), protectedMode: true };
    expect(protectionRefusal(buyer, defaultParty('s'))).toBeNull();
    expect(protectionRefusal(buyer, { ...defaultParty('s'), grade: 'CAUTION' })?.reason).toBe('SELLER_GRADE_BELOW_MINIMUM');
    expect(protectionRefusal({ ...buyer, minCounterpartGrade: 'VERY_SAFE' }, { ...defaultParty('s'), grade: 'SAFE' })?.details).toEqual({ sellerGrade: 'SAFE', minCounterpartGrade: 'VERY_SAFE' });
    expect(protectionRefusal({ ...buyer, protectedMode: false, minCounterpartGrade: 'VERY_SAFE' }, { ...defaultParty('s'), grade: 'DANGER' })).toBeNull();
    expect(meetsMinimum('VERY_SAFE', 'SAFE')).toBe(true);
  });

  it('holds and restrictions, with expiry', () => {
    const held = { ...defaultParty('x'), held: true };
    expect(holdRefusal(held, defaultParty('y'), now)?.reason).toBe('ON_HOLD');
    expect(holdRefusal(defaultParty('y'), held, now)?.reason).toBe('COUNTERPART_ON_HOLD');
    expect(holdRefusal({ ...held, holdExpiresAt: new Date(now.getTime() - 1) }, defaultParty('y'), now)).toBeNull();
    const suspended = { ...defaultParty('z'), accountStatus: 'SUSPENDED' as const, statusUntil: new Date(now.getTime() + 60_000) };
    expect(holdRefusal(defaultParty('y'), suspended, now)?.reason).toBe('ACCOUNT_RESTRICTED');
    expect(holdRefusal(defaultParty('y'), { ...suspended, statusUntil: new Date(now.getTime() - 1) }, now)).toBeNull();
  });
});
