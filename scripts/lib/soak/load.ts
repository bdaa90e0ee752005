// The soak's mixed load through the gateway, as members' apps would make it: sign-ups, listings and
// browsing, chats (a conversation about a listing, then messages), trades through their states
// (requested → accepted → completed or cancelled), safe payments through the sandbox provider's
// checkout and the browser's return, reports (filed, then dismissed by an ADMIN), and protected
// members checking in at a meeting spot and not checking out, so their guardians get an SMS.
// Scenarios fail while a fault lasts; the loop goes on. What each did is counted for the report.
import { randomBytes, randomInt } from 'node:crypto';
import type { SoakClient } from './client.ts';

export interface Member {
  id: string;
  email: string;
  password: string;
  token: string;
  tokenAt: number;
}

export interface ProtectedMember extends Member {
  guardianId: string;
  /** The guardian's number as the SMS vendor sees it (digits only). */
  guardianPhone: string;
}

const PASSWORD = 'soak password 1234';
/** Access tokens live 15 minutes (platform tokens.ts): long runs sign in again before that. */
const TOKEN_REFRESH_MS = 10 * 60_000;

const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`;
const CREATE_PRODUCT = `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`;
const PRODUCTS = `query { products(first: 20) { edges { node { id title price seller { nickname } } } } }`;
const START_TRADE = `mutation($id: ID!) { startTransaction(productId: $id) { id status } }`;
const MOVE_TRADE = `mutation($id: ID!, $s: TransactionStatus!) { updateTransactionStatus(id: $id, status: $s) { id status } }`;
const START_CHAT = `mutation($id: ID!) { startConversation(productId: $id) { id } }`;
const SEND = `mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) { id } }`;
const START_PAYMENT = `mutation($t: ID!) { startSafePayment(transactionId: $t) { id checkoutUrl } }`;
const FILE_REPORT = `mutation($i: FileReportInput!) { fileReport(input: $i) { id } }`;
const START_REVIEW = `mutation($id: ID!) { startReview(id: $id) { id } }`;
const PROCESS_REPORT = `mutation($id: ID!, $i: ProcessReportInput!) { processReport(id: $id, input: $i) { id } }`;
const CHECK_IN = `mutation($t: ID!) { checkInAtMeetingSpot(transactionId: $t) { id } }`;

const CHAT_LINES = ['안녕하세요, 아직 판매 중인가요?', '내일 오후 세 시에 역 앞에서 직거래 가능할까요?', '사진 몇 장 더 볼 수 있을까요?', '네, 그때 뵙겠습니다.'];
const CATEGORIES = ['DIGITAL', 'OTHER', 'KIDS'];

type Scenario = 'signup' | 'listing' | 'chat' | 'trade' | 'payment' | 'report' | 'checkIn';
const WEIGHTS: Array<[Scenario, number]> = [
  ['signup', 1],
  ['listing', 3],
  ['chat', 3],
  ['trade', 2],
  ['payment', 1],
  ['report', 1],
  ['checkIn', 1],
];

export interface ScenarioCount {
  ok: number;
  failed: number;
  /** The last few failures (operation, status, code, message), for the report. */
  lastFailures: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: T[]): T => items[randomInt(items.length)]!;
export const digits = (phone: string) => phone.replace(/\D/g, '');
const newPhone = () => `010-${String(randomInt(10_000)).padStart(4, '0')}-${String(randomInt(10_000)).padStart(4, '0')}`;

export class SoakLoad {
  readonly sellers: Member[] = [];
  readonly buyers: Member[] = [];
  readonly protectedMembers: ProtectedMember[] = [];
  /** Members others report (and nobody trades with): reports lower a grade and restrict, which would stall the other scenarios. */
  readonly suspects: Member[] = [];
  /** The sellers protected members buy from, doing nothing else: a protected member refuses a seller graded below NORMAL. */
  readonly trustedSellers: Member[] = [];
  readonly counts = Object.fromEntries(WEIGHTS.map(([name]) => [name, { ok: 0, failed: 0, lastFailures: [] as string[] }])) as Record<Scenario, ScenarioCount>;
  /** Trades a protected member checked in on and left open: each should bring their guardian an SMS. */
  readonly checkIns: Array<{ memberId: string; tradeId: string; at: number }> = [];
  private admin: Member | undefined;
  private readonly tag = randomBytes(3).toString('hex');
  private serial = 0;

  constructor(
    private readonly client: SoakClient,
    private readonly options: { concurrency: number; protectedMembers: number; sellers: number; admin: { email: string; password: string }; sms: { to(phone: string): Array<{ text: string }> } },
  ) {}

  /** Before the chaos: sellers and buyers, the ADMIN, and protected members whose guardians confirmed. */
  async setup(): Promise<void> {
    const token = (await this.client.call<{ login: { accessToken: string } }>(LOGIN, { e: this.options.admin.email, p: this.options.admin.password })).login.accessToken;
    this.admin = { id: '', email: this.options.admin.email, password: this.options.admin.password, token, tokenAt: Date.now() };
    for (let i = 0; i < this.options.sellers; i++) this.sellers.push(await this.register('판매자'));
    for (let i = 0; i < this.options.sellers; i++) this.buyers.push(await this.register('구매자'));
    for (let i = 0; i < 3; i++) this.suspects.push(await this.register('신고대상'));
    for (let i = 0; i < 3; i++) this.trustedSellers.push(await this.register('믿을판매자'));
    for (let i = 0; i < this.options.protectedMembers; i++) this.protectedMembers.push(await this.protectedMember());
  }

  /** Runs `concurrency` scenario loops until `until` (ms since epoch). */
  async run(until: number): Promise<void> {
    const total = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
    await Promise.all(
      Array.from({ length: this.options.concurrency }, async () => {
        while (Date.now() < until) {
          let roll = randomInt(total);
          const scenario = WEIGHTS.find(([, weight]) => (roll -= weight) < 0)![0];
          const count = this.counts[scenario];
          try {
            await this[scenario]();
            count.ok++;
          } catch (error) {
            count.failed++;
            count.lastFailures.push((error as Error).message.slice(0, 300));
            if (count.lastFailures.length > 5) count.lastFailures.shift();
            // A failing system is not hammered in a tight loop: what a retrying app would do.
            await sleep(500);
          }
        }
      }),
    );
  }

  async register(nickname: string, phone?: string): Promise<Member> {
    const email = `soak.${this.tag}.${++this.serial}@example.com`;
    const data = await this.client.call<{ register: { accessToken: string; user: { id: string } } }>(REGISTER, { i: { email, password: PASSWORD, nickname, ...(phone ? { phone } : {}) } });
    return { id: data.register.user.id, email, password: PASSWORD, token: data.register.accessToken, tokenAt: Date.now() };
  }

  /** The member's token, signed in again when it is near its end. */
  async tokenOf(member: Member): Promise<string> {
    if (Date.now() - member.tokenAt > TOKEN_REFRESH_MS) {
      member.token = (await this.client.call<{ login: { accessToken: string } }>(LOGIN, { e: member.email, p: member.password })).login.accessToken;
      member.tokenAt = Date.now();
    }
    return member.token;
  }

  private async protectedMember(): Promise<ProtectedMember> {
    const member = await this.register('보호회원', newPhone());
    await this.client.call(`mutation { updateProfile(input: { protectedMode: true }) { protectedMode } }`, {}, member.token);
    const phone = newPhone();
    const { addGuardian } = await this.client.call<{ addGuardian: { id: string } }>(`mutation($i: GuardianInput!) { addGuardian(input: $i) { id } }`, { i: { name: '보호자', phone, relation: '가족' } }, member.token);
    const code = await eventually('the guardian invitation SMS', async () => {
      const found = this.options.sms.to(digits(phone)).map((m) => /인증번호 (\d{6})/.exec(m.text)?.[1]).find(Boolean);
      if (!found) throw new Error('no invitation SMS yet');
      return found;
    }, 30_000);
    await this.client.call(`mutation($id: ID!, $c: String!) { confirmGuardian(guardianId: $id, code: $c) { id } }`, { id: addGuardian.id, c: code }, member.token);
    return { ...member, guardianId: addGuardian.id, guardianPhone: digits(phone) };
  }

  private async product(seller: Member, price = 10_000 + randomInt(90) * 1_000): Promise<string> {
    const { createProduct } = await this.client.call<{ createProduct: { id: string } }>(CREATE_PRODUCT, {
      i: { title: `장기 시험 상품 ${this.tag}-${++this.serial}`, description: '장기 부하 시험용 상품입니다. 직거래만 합니다.', price, category: pick(CATEGORIES) },
    }, await this.tokenOf(seller));
    return createProduct.id;
  }

  private async acceptedTrade(buyer: Member, seller: Member, price?: number): Promise<string> {
    const productId = await this.product(seller, price);
    const { startTransaction } = await this.client.call<{ startTransaction: { id: string } }>(START_TRADE, { id: productId }, await this.tokenOf(buyer));
    await this.client.call(MOVE_TRADE, { id: startTransaction.id, s: 'ACCEPTED' }, await this.tokenOf(seller));
    return startTransaction.id;
  }

  private async signup(): Promise<void> {
    const member = await this.register('새회원');
    await this.client.call(`query { me { id nickname } }`, {}, member.token);
    if (this.buyers.length < 200) this.buyers.push(member);
  }

  private async listing(): Promise<void> {
    await this.product(pick(this.sellers));
    await this.client.call(PRODUCTS, {});
  }

  private async chat(): Promise<void> {
    const seller = pick(this.sellers);
    const buyer = pick(this.buyers);
    const productId = await this.product(seller);
    // chat learns of the listing from transaction's events: it may take a moment.
    const conversationId = await eventually('chat to know the listing', async () => (await this.client.call<{ startConversation: { id: string } }>(START_CHAT, { id: productId }, await this.tokenOf(buyer))).startConversation.id);
    await this.client.call(SEND, { c: conversationId, t: pick(CHAT_LINES) }, await this.tokenOf(buyer));
    await this.client.call(SEND, { c: conversationId, t: pick(CHAT_LINES) }, await this.tokenOf(seller));
  }

  /** A buyer writes to `seller` about a new listing; returns the message's id (the seller's subscription should see it). */
  async messageTo(seller: Member): Promise<string> {
    const buyer = pick(this.buyers);
    const productId = await this.product(seller);
    const conversationId = await eventually('chat to know the listing', async () => (await this.client.call<{ startConversation: { id: string } }>(START_CHAT, { id: productId }, await this.tokenOf(buyer))).startConversation.id);
    return (await this.client.call<{ sendMessage: { id: string } }>(SEND, { c: conversationId, t: pick(CHAT_LINES) }, await this.tokenOf(buyer))).sendMessage.id;
  }

  private async trade(): Promise<void> {
    const seller = pick(this.sellers);
    const buyer = pick(this.buyers);
    const tradeId = await this.acceptedTrade(buyer, seller);
    if (randomInt(4) === 0) await this.client.call(MOVE_TRADE, { id: tradeId, s: 'CANCELLED' }, await this.tokenOf(seller));
    else await this.client.call(MOVE_TRADE, { id: tradeId, s: 'COMPLETED' }, await this.tokenOf(buyer));
  }

  private async payment(): Promise<void> {
    const seller = pick(this.sellers);
    const buyer = pick(this.buyers);
    const tradeId = await this.acceptedTrade(buyer, seller, 35_000);
    // payment learns of the accepted trade from transaction's events.
    const payment = await eventually('payment to know the accepted trade', async () => (await this.client.call<{ startSafePayment: { id: string; checkoutUrl: string } }>(START_PAYMENT, { t: tradeId }, await this.tokenOf(buyer))).startSafePayment);
    // The checkout is the provider's page (not ours); the return comes back through the gateway.
    const paid = await fetch(payment.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const back = paid.headers.get('location');
    if (!back) throw new Error(`the sandbox checkout answered ${paid.status} without a redirect`);
    await this.client.browse(back, { operation: 'paymentReturn' });
    await eventually('the money held', async () => {
      const { payment: seen } = await this.client.call<{ payment: { status: string } }>(`query($id: ID!) { payment(id: $id) { status } }`, { id: payment.id }, await this.tokenOf(buyer));
      if (seen.status !== 'HELD') throw new Error(`payment ${seen.status}`);
    });
    await this.client.call(MOVE_TRADE, { id: tradeId, s: 'COMPLETED' }, await this.tokenOf(buyer));
  }

  private async report(): Promise<void> {
    const reporter = pick(this.buyers);
    // One report per (reporter, target, type) a day is the rule: a new reporter each time.
    if (randomInt(2) === 0) this.buyers.push(await this.register('신고자'));
    const target = pick(this.suspects);
    const { fileReport } = await this.client.call<{ fileReport: { id: string } }>(FILE_REPORT, { i: { targetUserId: target.id, type: 'NO_SHOW', description: '약속 장소에 나오지 않고 연락도 받지 않았어요.' } }, await this.tokenOf(reporter));
    if (randomInt(2) === 0) return;
    const admin = await this.tokenOf(this.admin!);
    await this.client.call(START_REVIEW, { id: fileReport.id }, admin);
    await this.client.call(PROCESS_REPORT, { id: fileReport.id, i: { decision: 'DISMISS', resolution: '확인 결과 근거가 부족합니다.' } }, admin);
  }

  /** A protected member checks in at the meeting spot and never checks out: their guardian must hear of it. */
  private async checkIn(): Promise<void> {
    if (this.protectedMembers.length === 0) return;
    const member = pick(this.protectedMembers);
    const tradeId = await this.acceptedTrade(member, pick(this.trustedSellers));
    await this.client.call(CHECK_IN, { t: tradeId }, await this.tokenOf(member));
    this.checkIns.push({ memberId: member.id, tradeId, at: Date.now() });
  }
}

/** Retries `attempt` (not there yet, a fault meanwhile) until it succeeds or `timeoutMs` passes. */
export async function eventually<T>(what: string, attempt: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`);
      await sleep(300);
    }
  }
}
