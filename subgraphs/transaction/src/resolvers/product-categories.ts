import type { QueryResolvers } from '../generated/resolvers-types.ts';
import { CATEGORIES } from '../categories.ts';

export const productCategories: QueryResolvers['productCategories'] = () => [...CATEGORIES];
