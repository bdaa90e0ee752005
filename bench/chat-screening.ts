// chat-screening: how long screening one chat message takes (subgraphs/chat/src/screening), over a
// realistic mix: 90% small talk (prices, times, dates, model numbers, links to real sites) and 10%
// fraud patterns (accounts and phone numbers in every spelling, split over messages, lookalike
// links, messenger requests, known fraud accounts). Each message carries 0–3 earlier messages of
// the same sender, as the chat service passes them. The registry lookup is a keyed hash (HMAC-SHA256,
// as the platform's lookupHash) and a set of 1,000 confirmed identifiers, so its cost is counted.
// Side by side, in the same process and order: a baseline that only does `text.trim()`.
//   node --import tsx bench/chat-screening.ts [messages]        (default: 50000)
// Target: p99 ≤ 2 ms per message.
import { createHmac } from 'node:crypto';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { paymentIdentifierKey } from '@anshim/contracts';
import { screenMessage, type KnownFraudLookup, type ScreeningInput } from '../subgraphs/chat/src/screening/screen.ts';

export interface ChatScreeningResult {
  messages: number;
  fraudShare: number;
  flagged: number;
  masked: number;
  /** Small talk that got a finding, and fraud patterns that got none (both should be 0). */
  falsePositives: number;
  missed: number;
  screening: { p50: number; p99: number; max: number; meanMicros: number };
  baseline: { p50: number; p99: number; max: number; meanMicros: number };
  ratio: { p50: number; p99: number; mean: number };
  loadAverage: number[];
  /** What the timed calls produced, summed: returned so no engine can skip the work. */
  checksum: number;
}

/** Deterministic, so every run screens the same messages. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const HANGUL = ['공', '일', '이', '삼', '사', '오', '육', '칠', '팔', '구'];
const FULL_WIDTH = ['０', '１', '２', '３', '４', '５', '６', '７', '８', '９'];

export function messageMix(count: number, seed: number): { inputs: ScreeningInput[]; fraudulent: boolean[]; knownAccounts: string[] } {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const int = (from: number, to: number) => from + Math.floor(next() * (to - from + 1));
  const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join('');
  const knownAccounts = Array.from({ length: 1_000 }, () => digits(int(11, 14)));

  const smallTalk = (): string =>
    pick([
      () => `내일 ${int(1, 11)}시에 ${pick(['합정역', '강남역', '홍대입구역', '잠실역'])}에서 뵐게요`,
      () => `${int(1, 30)}만원에 가능할까요?`,
      () => `택배비 포함 ${int(10, 99)},${pick(['000', '500'])}원이에요`,
      () => '사진 더 보내주실 수 있나요',
      () => `아이폰 ${int(11, 15)} ${pick(['128', '256', '512'])}GB 배터리 ${int(80, 100)}%예요`,
      () => `갤럭시 S${int(20, 24)} ${pick(['울트라', '플러스', ''])} 상태 좋아요`,
      () => `${int(2025, 2026)}.${int(1, 12)}.${int(1, 28)} ${int(10, 20)}:${pick(['00', '30'])} 가능하세요?`,
      () => `네고 가능할까요? ${int(2, 9)}만 ${int(1, 9)}천원이면 바로 살게요`,
      () => `운송장번호 ${digits(4)} ${digits(4)} ${digits(4)} 입니다`,
      () => `https://m.bunjang.co.kr/products/${digits(9)} 이 상품 아직 있나요?`,
      () => '안녕하세요! 아직 판매 중인가요? 직거래 원해요. 토요일 오후 어떠세요?',
      () => 'Hi, is this still available? Could we meet at 7:30 tomorrow?',
      () => `사이즈 ${pick(['95', '100', '105'])} 있나요? 박스랑 충전기 다 있어요. 실사용 ${int(1, 12)}개월이에요. `.repeat(int(1, 4)),
    ])();

  const spell = (value: string) =>
    pick([
      () => value.replace(/(\d{3,4})(?=\d)/g, '$1-'),
      () => value.replace(/(\d{2,4})(?=\d)/g, '$1 '),
      () => [...value].map((d) => HANGUL[Number(d)]).join('').replace(/(.{4})(?=.)/g, '$1 '),
      () => [...value].map((d) => FULL_WIDTH[Number(d)]).join(''),
      () => value.replace(/(\d{3})(?=\d)/g, '$1.'),
    ])();

  const fraud = (): { text: string; recent: string[] } =>
    pick([
      () => ({ text: `${pick(['국민', 'KB', '신한', '우리', '하나', '농협', '카카오뱅크', '토스뱅크'])} ${spell(digits(int(11, 14)))} 으로 선입금 주세요`, recent: [] }),
      () => ({ text: `send the deposit to KB ${spell(pick(knownAccounts))} first`, recent: [] }),
      () => ({ text: `${spell(`010${digits(8)}`)} 로 문자주세요`, recent: [] }),
      () => ({ text: digits(6), recent: ['선입금 부탁드려요', `국민 ${digits(6)}`, digits(2)] }),
      () => ({ text: `${pick(['naverpay-safe.com', 'kakaopay.co/pay', 'bunjang-safe.shop', 'toss-pay.net', 'xn--nver-53d.com'])} 에서 안전결제 하세요`, recent: [] }),
      () => ({ text: pick(['카톡 아이디 알려드릴게요', '오픈채팅으로 오세요', 'add me on telegram @deal_fast', '텔레그램 @fast_deal']), recent: [] }),
    ])();

  const inputs: ScreeningInput[] = [];
  const fraudulent: boolean[] = [];
  for (let i = 0; i < count; i++) {
    fraudulent.push(next() < 0.1);
    if (fraudulent[i]) {
      const { text, recent } = fraud();
      inputs.push({ text, recentTexts: recent });
    } else {
      inputs.push({ text: smallTalk(), recentTexts: Array.from({ length: int(0, 3) }, smallTalk) });
    }
  }
  return { inputs, fraudulent, knownAccounts };
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

function summarise(ms: Float64Array) {
  const sorted = Float64Array.from(ms).sort();
  const mean = ms.reduce((sum, value) => sum + value, 0) / ms.length;
  return { p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), max: round(sorted[sorted.length - 1]!), meanMicros: round(mean * 1000, 2) };
}

export async function run(messages = 50_000): Promise<ChatScreeningResult> {
  const { inputs, fraudulent, knownAccounts } = messageMix(messages, 18);
  const secret = 'bench-data-encryption-key';
  const confirmed = new Set(knownAccounts.map((value) => createHmac('sha256', secret).update(paymentIdentifierKey({ type: 'BANK_ACCOUNT', value })).digest('base64url')));
  const knownFraud: KnownFraudLookup = (_kind, key) => confirmed.has(createHmac('sha256', secret).update(key).digest('base64url'));

  // Warm-up: let V8 optimise both paths before anything is timed.
  let sink = 0;
  for (const input of inputs.slice(0, 2_000)) sink += screenMessage(input, knownFraud).findings.length + input.text.trim().length;

  const screening = new Float64Array(inputs.length);
  const baseline = new Float64Array(inputs.length);
  let flagged = 0;
  let masked = 0;
  let falsePositives = 0;
  let missed = 0;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    let started = performance.now();
    sink += input.text.trim().length;
    baseline[i] = performance.now() - started;
    started = performance.now();
    const result = screenMessage(input, knownFraud);
    screening[i] = performance.now() - started;
    if (result.findings.length) flagged++;
    if (result.masked) masked++;
    if (fraudulent[i] && !result.findings.length) missed++;
    if (!fraudulent[i] && result.findings.length) falsePositives++;
  }
  const screened = summarise(screening);
  const trimmed = summarise(baseline);
  const result: ChatScreeningResult = {
    messages,
    fraudShare: 0.1,
    flagged,
    masked,
    falsePositives,
    missed,
    screening: screened,
    baseline: trimmed,
    ratio: {
      p50: round(screened.p50 / Math.max(trimmed.p50, 1e-6), 1),
      p99: round(screened.p99 / Math.max(trimmed.p99, 1e-6), 1),
      mean: round(screened.meanMicros / Math.max(trimmed.meanMicros, 1e-6), 1),
    },
    loadAverage: loadavg().map((value) => round(value, 1)),
    checksum: sink,
  };
  console.log(
    `chat-screening ${messages} messages (10% fraud patterns; ${flagged} flagged, ${masked} masked, ${falsePositives} small talk flagged, ${missed} fraud missed): ` +
      `screening p50 ${screened.p50} ms, p99 ${screened.p99} ms, max ${screened.max} ms, mean ${screened.meanMicros} µs; ` +
      `baseline text.trim() p50 ${trimmed.p50} ms, p99 ${trimmed.p99} ms, mean ${trimmed.meanMicros} µs; ` +
      `ratio p50 ${result.ratio.p50}×, p99 ${result.ratio.p99}×, mean ${result.ratio.mean}×; ` +
      `target p99 ≤ 2 ms ${screened.p99 <= 2 ? 'met' : 'NOT met'}; load average ${result.loadAverage.join(' / ')}`,
  );
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2]);
  run(Number.isInteger(count) && count > 0 ? count : undefined).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
