import type { QueryResolvers } from '../generated/resolvers-types.ts';
import { CATEGORIES } from '../products/categories.ts';

export const productCategories: QueryResolvers['productCategories'] = () => [...CATEGORIES];
