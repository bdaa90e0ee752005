// The fixed list of product categories: the only place they are defined. Codes are what clients
// send and what is stored; names are what people read.
export const CATEGORIES = [
  { code: 'DIGITAL', nameKo: '디지털기기', nameEn: 'Digital devices' },
  { code: 'APPLIANCES', nameKo: '생활가전', nameEn: 'Home appliances' },
  { code: 'FURNITURE', nameKo: '가구/인테리어', nameEn: 'Furniture and interior' },
  { code: 'KIDS', nameKo: '유아동', nameEn: 'Kids and baby' },
  { code: 'FASHION', nameKo: '의류', nameEn: 'Clothing' },
  { code: 'ACCESSORIES', nameKo: '잡화', nameEn: 'Bags, shoes and accessories' },
  { code: 'BEAUTY', nameKo: '뷰티/미용', nameEn: 'Beauty' },
  { code: 'SPORTS', nameKo: '스포츠/레저', nameEn: 'Sports and leisure' },
  { code: 'HOBBY', nameKo: '취미/게임/음반', nameEn: 'Hobbies, games and music' },
  { code: 'BOOKS', nameKo: '도서', nameEn: 'Books' },
  { code: 'TICKETS', nameKo: '티켓/교환권', nameEn: 'Tickets and vouchers' },
  { code: 'LIVING', nameKo: '생활/주방', nameEn: 'Household and kitchen' },
  { code: 'PET', nameKo: '반려동물용품', nameEn: 'Pet supplies' },
  { code: 'PLANTS', nameKo: '식물', nameEn: 'Plants' },
  { code: 'OTHER', nameKo: '기타 중고물품', nameEn: 'Other' },
] as const;

export type CategoryCode = (typeof CATEGORIES)[number]['code'];
export const CATEGORY_CODES = CATEGORIES.map((c) => c.code) as [CategoryCode, ...CategoryCode[]];

export function isCategory(value: string): value is CategoryCode {
  return (CATEGORY_CODES as string[]).includes(value);
}
