// The words of the demo marketplace: Korean nicknames, regions, what people sell and for how
// much, what they write in reports and what fraudsters write in chats.
//
// Honest prices: within a category the base prices differ by at most 1.8x and vary ±10%, so no
// honest listing ever falls under 40% of its category's median (the monitor's PRICE_TOO_GOOD) and
// none reaches 1,000,000 won (NEW_ACCOUNT_HIGH_VALUE: every demo account is new). Only the
// fraudsters' bait listings trip those rules, as they would in real life.

export const ADJECTIVES = [
  '부지런한', '느긋한', '친절한', '성실한', '꼼꼼한', '다정한', '씩씩한', '조용한', '활발한', '수줍은',
  '행복한', '명랑한', '든든한', '포근한', '상냥한', '싱그러운', '재빠른', '느릿한', '배고픈', '졸린',
] as const;

export const NOUNS = [
  '판다', '고양이', '다람쥐', '펭귄', '너구리', '수달', '참새', '토끼', '여우', '곰돌이',
  '부엉이', '고슴도치', '돌고래', '강아지', '햄스터', '거북이', '코알라', '사슴', '오리', '알파카',
] as const;

export const REGIONS = [
  '서울 마포구', '서울 강남구', '서울 송파구', '서울 관악구', '서울 노원구', '서울 영등포구', '서울 성동구', '서울 은평구',
  '부산 해운대구', '부산 부산진구', '부산 동래구', '부산 남구', '경기 성남시 분당구', '경기 수원시 영통구', '경기 고양시 일산동구',
  '인천 연수구', '대구 수성구', '대전 유성구', '광주 서구', '울산 남구',
] as const;

export const BIOS = [
  '정직하게 거래해요. 시간 약속 꼭 지킵니다.',
  '이사 준비 중이라 정리하고 있어요. 편하게 연락 주세요.',
  '육아템 위주로 올려요. 깨끗하게 사용했습니다.',
  '퇴근 후 저녁 7시 이후 거래 가능해요.',
  '안심거래존에서 만나요. 직거래 선호합니다.',
  '주말 거래 환영합니다. 네고는 정중하게 부탁드려요.',
  '물건 상태는 사진 그대로예요. 궁금한 건 물어보세요.',
  '동네 이웃과 따뜻한 거래 하고 싶어요.',
] as const;

export interface CatalogueItem {
  title: string;
  /** Whole won, before the ±10% variation. */
  price: number;
  description: string;
}

export const CATALOGUE: Readonly<Record<string, readonly CatalogueItem[]>> = {
  DIGITAL: [
    { title: '아이패드 9세대 64GB 와이파이', price: 320_000, description: '필름 붙여서 사용했고 기스 없어요. 충전기 포함입니다.' },
    { title: '갤럭시 S22 256GB 자급제', price: 380_000, description: '배터리 효율 좋고 케이스 끼고 써서 깨끗해요.' },
    { title: '아이폰 13 128GB 미드나이트', price: 480_000, description: '배터리 성능 88%, 액정 교체 이력 없습니다.' },
    { title: '갤럭시 탭 S8 128GB', price: 420_000, description: 'S펜 포함, 북커버 같이 드려요.' },
    { title: '맥북 에어 M1 8GB 256GB', price: 540_000, description: '사이클 120회, 박스 풀구성입니다.' },
    { title: '소니 WH-1000XM5 헤드폰', price: 300_000, description: '노이즈캔슬링 잘 되고 이어패드 상태 좋아요.' },
    { title: '갤럭시 Z 플립4 256GB', price: 400_000, description: '힌지 문제 없고 외부 액정 깨끗합니다.' },
    { title: 'LG 그램 14 i5 16GB', price: 520_000, description: '사무용으로만 가볍게 썼어요. 윈도우 정품.' },
  ],
  APPLIANCES: [
    { title: '쿠쿠 전기밥솥 6인용', price: 90_000, description: '내솥 코팅 멀쩡해요. 1인 가구라 처분합니다.' },
    { title: '필립스 에어프라이어 XL', price: 80_000, description: '바스켓 세척 잘 해뒀어요.' },
    { title: '발뮤다 토스터', price: 140_000, description: '선물 받고 몇 번 안 썼어요.' },
    { title: '샤오미 공기청정기 4', price: 110_000, description: '필터 교체한 지 한 달 됐습니다.' },
    { title: '위닉스 제습기 10L', price: 130_000, description: '작년 여름에만 사용했어요.' },
    { title: '신일 서큘레이터', price: 80_000, description: '리모컨 포함, 소음 적어요.' },
  ],
  FURNITURE: [
    { title: '원목 책상 1200', price: 85_000, description: '이사 때문에 팝니다. 직접 가져가셔야 해요.' },
    { title: '이케아 말름 서랍장 4칸', price: 70_000, description: '분해해 드릴 수 있어요.' },
    { title: '시디즈 T50 의자', price: 120_000, description: '메쉬 찢어진 곳 없고 높이 조절 잘 돼요.' },
    { title: '4인용 원목 식탁 세트', price: 110_000, description: '의자 4개 포함입니다.' },
    { title: '패브릭 2인 소파', price: 100_000, description: '커버 분리 세탁 가능해요.' },
    { title: '원목 5단 책장', price: 65_000, description: '흔들림 없이 튼튼해요.' },
  ],
  KIDS: [
    { title: '레고 듀플로 대형 세트', price: 35_000, description: '소독해서 드려요.' },
    { title: '범보 의자 트레이 포함', price: 30_000, description: '아이가 커서 정리합니다.' },
    { title: '유아 책상 의자 세트', price: 50_000, description: '높이 조절 가능해요.' },
    { title: '타요 세발자전거', price: 45_000, description: '부모 손잡이 포함입니다.' },
    { title: '휴대용 유모차 절충형', price: 60_000, description: '한 손으로 접혀요. 레인커버 드려요.' },
    { title: '에르고 아기띠 옴니', price: 55_000, description: '세탁 완료했습니다.' },
  ],
  FASHION: [
    { title: '노스페이스 바람막이 95', price: 40_000, description: '두세 번 입었어요.' },
    { title: '유니클로 경량패딩 M', price: 25_000, description: '보풀 없어요.' },
    { title: '자라 트렌치코트 S', price: 35_000, description: '드라이 클리닝 했습니다.' },
    { title: '리바이스 501 청바지 30', price: 30_000, description: '기장 수선 안 했어요.' },
    { title: '나이키 후드티 L', price: 30_000, description: '색 바램 없습니다.' },
    { title: '폴로 옥스포드 셔츠 100', price: 28_000, description: '깨끗하게 입었어요.' },
  ],
  ACCESSORIES: [
    { title: '나이키 에어포스1 270', price: 80_000, description: '정품이고 몇 번 안 신었어요.' },
    { title: '코치 숄더백 블랙', price: 100_000, description: '백화점 구매, 영수증 있어요.' },
    { title: '닥터마틴 1460 8홀 UK6', price: 90_000, description: '길들여서 편해요.' },
    { title: '메종키츠네 카드지갑', price: 60_000, description: '선물 받고 보관만 했어요.' },
    { title: '뉴발란스 993 265', price: 100_000, description: '밑창 상태 좋아요.' },
    { title: '다니엘웰링턴 손목시계', price: 60_000, description: '배터리 교체했습니다.' },
  ],
  BEAUTY: [
    { title: '유닉스 헤어드라이어', price: 25_000, description: '바람 세기 좋아요.' },
    { title: '글로우 고데기 25mm', price: 30_000, description: '온도 조절 잘 됩니다.' },
    { title: '미개봉 선크림 3개 세트', price: 22_000, description: '유통기한 넉넉해요.' },
    { title: '향수 미니어처 세트', price: 25_000, description: '5ml 4종입니다.' },
    { title: '필립스 전기면도기', price: 38_000, description: '날 교체한 지 얼마 안 됐어요.' },
    { title: '이니스프리 기초 세트', price: 22_000, description: '미개봉 새상품입니다.' },
  ],
  SPORTS: [
    { title: '요넥스 배드민턴 라켓', price: 65_000, description: '줄 새로 맸어요.' },
    { title: '윌슨 테니스 라켓', price: 90_000, description: '그립 교체했습니다.' },
    { title: '캠핑 테이블 의자 세트', price: 80_000, description: '캠핑 두 번 다녀왔어요.' },
    { title: '접이식 미니벨로 자전거', price: 115_000, description: '기어 변속 잘 돼요.' },
    { title: '캘러웨이 드라이버 10.5도', price: 110_000, description: '헤드커버 포함.' },
    { title: 'K2 등산화 270', price: 70_000, description: '방수 잘 돼요.' },
  ],
  HOBBY: [
    { title: '젤다의 전설 왕국의 눈물 칩', price: 45_000, description: '케이스 포함, 한 번 엔딩 봤어요.' },
    { title: '보드게임 카탄 한글판', price: 32_000, description: '구성품 다 있어요.' },
    { title: '아이유 LP 미개봉', price: 55_000, description: '실링 그대로입니다.' },
    { title: '입문용 어쿠스틱 기타', price: 58_000, description: '케이스와 카포 드려요.' },
    { title: '레고 테크닉 포르쉐', price: 50_000, description: '조립 후 전시만 했어요.' },
    { title: '건담 MG 프라모델 미조립', price: 40_000, description: '박스 개봉만 했어요.' },
  ],
  BOOKS: [
    { title: '불편한 편의점', price: 9_000, description: '한 번 읽었어요. 밑줄 없음.' },
    { title: '미움받을 용기', price: 8_000, description: '깨끗합니다.' },
    { title: '토익 기출문제집 최신판', price: 12_000, description: '풀이 흔적 없어요.' },
    { title: '수학의 정석 기본편', price: 10_000, description: '앞부분만 조금 풀었어요.' },
    { title: '코스모스 양장본', price: 14_000, description: '소장용으로 보관했어요.' },
    { title: '사피엔스', price: 13_000, description: '책 상태 좋아요.' },
  ],
  TICKETS: [
    { title: '아웃백 상품권 5만원', price: 45_000, description: '유효기간 넉넉합니다. 바코드 전달해 드려요.' },
    { title: '롯데월드 자유이용권', price: 40_000, description: '주말에도 사용 가능해요.' },
    { title: '스타벅스 기프티콘 3만원', price: 27_000, description: '앱으로 선물해 드려요.' },
    { title: '에버랜드 종일권', price: 45_000, description: '날짜 지정 없는 티켓이에요.' },
    { title: '뮤지컬 관람권 R석 1매', price: 48_000, description: '다음 달 공연입니다.' },
    { title: '배달앱 쿠폰 3만원', price: 27_000, description: '오늘 바로 보내드려요.' },
  ],
  LIVING: [
    { title: '락앤락 밀폐용기 세트', price: 20_000, description: '새것 같아요.' },
    { title: '휘슬러 프라이팬 28cm', price: 35_000, description: '코팅 살아 있어요.' },
    { title: '코렐 식기 세트', price: 36_000, description: '이가 나간 것 없어요.' },
    { title: '극세사 이불 퀸', price: 25_000, description: '세탁해서 드려요.' },
    { title: '무인양품 수납함 3개', price: 20_000, description: '깨끗해요.' },
    { title: '북유럽 스탠드 조명', price: 30_000, description: '전구 포함입니다.' },
  ],
  PET: [
    { title: '고양이 캣타워 중형', price: 28_000, description: '스크래처 기둥 멀쩡해요.' },
    { title: '강아지 이동장 소형', price: 25_000, description: '문 잠금 잘 돼요.' },
    { title: '자동 급식기 타이머형', price: 28_000, description: '세척 완료.' },
    { title: '고양이 스크래쳐 소파', price: 16_000, description: '거의 안 썼어요.' },
    { title: '강아지 방석 L', price: 18_000, description: '커버 세탁 가능해요.' },
    { title: '하네스 리드줄 세트', price: 16_000, description: '소형견용입니다.' },
  ],
  PLANTS: [
    { title: '몬스테라 중형', price: 15_000, description: '새 잎 계속 나와요.' },
    { title: '스투키 화분', price: 11_000, description: '물 한 달에 한 번이면 돼요.' },
    { title: '금전수 대형', price: 19_000, description: '분갈이 했어요.' },
    { title: '올리브나무 묘목', price: 17_000, description: '햇빛 좋아하는 아이예요.' },
    { title: '여인초', price: 19_000, description: '키 80cm 정도예요.' },
    { title: '다육이 5종 세트', price: 11_000, description: '토분 포함입니다.' },
  ],
  OTHER: [
    { title: '기내용 캐리어 20인치', price: 35_000, description: '바퀴 잘 굴러가요.' },
    { title: '스탠리 텀블러 미개봉', price: 25_000, description: '선물용으로 좋아요.' },
    { title: '캠핑 랜턴 충전식', price: 30_000, description: '밝기 3단계.' },
    { title: '여행용 파우치 세트', price: 20_000, description: '6종 세트예요.' },
    { title: '빈티지 라디오', price: 32_000, description: '소리 잘 나와요.' },
    { title: '우쿨렐레 콘서트형', price: 36_000, description: '튜너 같이 드려요.' },
  ],
};

export const TITLE_TAILS = ['', ' 팝니다', ' 상태 좋아요', ' 급처', ' 거의 새것', ' 직거래'] as const;

/** What a fraudster lists: bait far below the usual price, and expensive items from a new account. */
export const FRAUD_LISTINGS: readonly (CatalogueItem & { category: string })[] = [
  { category: 'DIGITAL', title: '아이폰 15 프로 256GB 미개봉 급처', price: 150_000, description: '해외 출장 중이라 택배거래만 돼요. 먼저 연락 주세요.' },
  { category: 'DIGITAL', title: '맥북 프로 14 M3 미개봉', price: 1_300_000, description: '선물 받은 새 제품입니다. 택배거래만 가능해요.' },
  { category: 'DIGITAL', title: '갤럭시 S24 울트라 미개봉 급처분', price: 140_000, description: '오늘만 이 가격이에요. 택배로 보내드려요.' },
  { category: 'DIGITAL', title: '아이패드 프로 12.9 M2 새상품', price: 1_100_000, description: '개봉만 했어요. 지방이라 택배거래만 합니다.' },
  { category: 'DIGITAL', title: '에어팟 맥스 미개봉 초특가', price: 120_000, description: '빨리 파는 게 목적이라 싸게 올려요.' },
  { category: 'DIGITAL', title: '플레이스테이션5 디스크 미개봉', price: 130_000, description: '당첨됐는데 필요 없어서 팔아요.' },
];

export const RATING_COMMENTS = [
  '친절하고 시간 약속도 잘 지켜주셨어요.',
  '물건 상태가 설명 그대로예요. 감사합니다!',
  '안심거래존에서 편하게 거래했어요.',
  '응답이 빠르고 매너가 좋으세요.',
  '덕분에 좋은 물건 싸게 샀어요.',
  '포장까지 꼼꼼하게 해주셨어요.',
] as const;

/** Hangul numerals (공 일 이 … 구), the spelling fraudsters use so a filter looking for digits misses the account. */
const HANGUL_DIGITS = ['공', '일', '이', '삼', '사', '오', '육', '칠', '팔', '구'];
export const inHangulNumerals = (account: string) => account.replace(/\d/g, (d) => HANGUL_DIGITS[Number(d)]!).replace(/-/g, ' ');

/**
 * What fraudsters write in the app's chat. Each message is built to trip one screening finding in
 * the buyer's copy (subgraphs/chat/src/screening): an account in Hangul numerals with a prepayment
 * request (PAYMENT_IDENTIFIER), a lookalike of a safe-payment domain (LOOKALIKE_LINK, masked), a
 * messenger ID that moves the deal off the app (OFF_APP_CONTACT), and an account an accepted fraud
 * report confirmed (KNOWN_FRAUD_IDENTIFIER, masked). Chat tells the monitor, which raises the alerts.
 */
export const FRAUD_CHAT = {
  advancePayment: (account: string, holder: string) =>
    `제가 지금 지방이라 직거래는 어렵고요, 국민 ${inHangulNumerals(account)} 예금주 ${holder} 으로 선입금 주시면 오늘 바로 택배로 보내드릴게요`,
  phishingLink: (slug: string) => `안전결제는 여기서 해주세요 https://naverpay-safe.com/pay/${slug} 결제하시면 바로 발송됩니다`,
  offApp: (messengerId: string) => `여기 말고 카톡 아이디 ${messengerId} 로 연락 주세요. 사진 더 보내드릴게요`,
  // No bank words on purpose: only the account itself can give this message away.
  knownAccount: (account: string) => `여기로 보내주시면 오늘 바로 발송할게요 ${account}`,
};

/** What a buyer writes first, before the fraudster answers. */
export const BUYER_OPENERS = ['안녕하세요, 아직 판매 중인가요?', '안녕하세요! 이 상품 아직 있나요? 직거래 가능할까요?'] as const;

/** Honest small talk between a buyer and a seller: screening finds nothing in any of it. */
export const SMALL_TALK: ReadonlyArray<ReadonlyArray<{ by: 'BUYER' | 'SELLER'; text: string }>> = [
  [
    { by: 'BUYER', text: '안녕하세요! 아직 판매 중인가요?' },
    { by: 'SELLER', text: '네, 아직 있어요. 상태 좋습니다.' },
    { by: 'BUYER', text: '내일 7시에 합정역에서 뵐게요' },
    { by: 'SELLER', text: '네 좋아요, 그때 뵐게요!' },
  ],
  [
    { by: 'BUYER', text: '사진 더 보내주실 수 있나요' },
    { by: 'SELLER', text: '저녁에 찍어서 올려드릴게요.' },
    { by: 'BUYER', text: '감사합니다. 토요일 오후에 직거래 어떠세요?' },
    { by: 'SELLER', text: '토요일 오후 괜찮아요. 안심거래존에서 만나요.' },
  ],
  [
    { by: 'BUYER', text: '혹시 조금 네고 가능할까요?' },
    { by: 'SELLER', text: '많이는 어렵고 조금 빼드릴게요.' },
    { by: 'BUYER', text: '좋아요! 내일 퇴근하고 역 앞에서 뵐게요' },
  ],
];

export const ACCOUNT_HOLDERS = ['김민준', '이서연', '박지훈', '최예린', '정우성', '강하늘', '윤서준', '장미래'] as const;

/** The messenger IDs fraudsters ask buyers to add. */
export const MESSENGER_IDS = ['fastdeal77', 'safe_trade_kr', 'minjun0909', 'deal_today', 'sale_helper', 'quick_ship88'] as const;
