// Input rules for products and listings (pure): createProduct, prices, filters and paging.
import { charLength } from '@anshim/platform';
import { z } from 'zod';
import { SAFETY_GRADES } from '../model.ts';
import { CATEGORY_CODES } from './categories.ts';
import { PRODUCT_SORTS } from './cursor.ts';

export const MAX_PRICE = 100_000_000;
export const MAX_IMAGES = 10;
export const MAX_PAGE = 100;
export const MAX_POPULAR = 50;

export const priceSchema = z.int('priceRange').min(0, 'priceRange').max(MAX_PRICE, 'priceRange');

/** Control characters and bidi overrides let a title impersonate another listing. */
const clean = (v: string) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v.replace(/[\n\r\t]/g, ' '));

export const createProductSchema = z.object({
  title: z
    .string('titleLength')
    .trim()
    .refine((v) => charLength(v) >= 2 && charLength(v) <= 80, 'titleLength')
    .refine((v) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v), 'titleLength'),
  description: z.string().trim().refine((v) => charLength(v) <= 5_000, 'descriptionTooLong').refine(clean, 'descriptionTooLong'),
  price: priceSchema,
  category: z.enum(CATEGORY_CODES, 'categoryUnknown'),
  region: z
    .string()
    .nullish()
    .transform((v) => (v == null || v.trim() === '' ? null : v.trim()))
    .refine((v) => v === null || charLength(v) <= 50, 'regionTooLong'),
  imageKeys: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? [])
    .refine((v) => v.length <= MAX_IMAGES, 'tooManyImages')
    .refine((v) => new Set(v).size === v.length, 'duplicateImages'),
});
export type CreateProductInput = z.output<typeof createProductSchema>;

/** NFC (macOS sends decomposed 한글), lower case, single spaces: what search compares. */
export function normalizeSearchText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

const filterSchema = z.object({
  search: z
    .string()
    .nullish()
    .transform((v) => (v == null ? null : normalizeSearchText(v) || null))
    .refine((v) => v === null || charLength(v) <= 100, 'searchTooLong'),
  category: z.enum(CATEGORY_CODES, 'categoryUnknown').nullish(),
  minPrice: priceSchema.nullish(),
  maxPrice: priceSchema.nullish(),
  minSellerGrade: z.enum(SAFETY_GRADES).nullish(),
  sellerId: z.string().nullish(),
});
type ListingFilterOut = z.output<typeof filterSchema>;

export const listingSchema = z.object({
  filter: filterSchema
    .nullish()
    .transform((v): ListingFilterOut => v ?? { search: null })
    .refine((f) => f.minPrice == null || f.maxPrice == null || f.minPrice <= f.maxPrice, { message: 'priceFilterOrder', path: ['minPrice'] }),
  sort: z.enum(PRODUCT_SORTS).nullish().transform((v) => v ?? 'NEWEST'),
  first: z.int('firstRange').min(1, 'firstRange').max(MAX_PAGE, 'firstRange').nullish().transform((v) => v ?? 20),
  after: z.string().nullish(),
});
export type ListingInput = unknown;
export type ListingQuery = z.output<typeof listingSchema>;

/** The words of a search: each must appear (AND); LIKE wildcards are escaped. */
export function searchWords(search: string): string[] {
  return [...new Set(search.split(' ').filter(Boolean))].slice(0, 8);
}

export function escapeLike(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`);
}
