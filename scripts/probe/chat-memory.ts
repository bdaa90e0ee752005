// Is chat leaking or warming up? (bench/RESULTS.md, "Soak with faults": chat's incarnation restarted
// 745 s into a 30-minute soak grew +2.46 MB/min over its judged window.) The soak's system, with chat
// started again fresh under the inspector and --heapsnapshot-signal (as the soak's restarted one was),
// then what that incarnation lived through: Redis and PostgreSQL restarted once each, other processes
// (the gateway too: chat's upstream subscriptions end and come back) kill -9ed every PROBE_KILL_EVERY s,
// and a chat load through the gateway: the soak's mixed load, send loops over a pool of conversations
// (a new one now and then, some texts with payment details that screening masks), the conversation
// page read back, long-lived chatMessages subscriptions and short ones opened and closed with a fresh
// token each time (all of a member's messages, or one conversation's). Records chat's memory with
// memory-recorder.ts into PROBE_OUT, heap snapshots at PROBE_SNAPSHOTS seconds and after the load.
// PROBE_MINUTES=14 node --import tsx scripts/probe/chat-memory.ts   then scripts/probe/heap-diff.ts
import { randomInt } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SoakSystem } from '../lib/soak/system.ts';
import type { Member } from '../lib/soak/load.ts';
import { ownerUrls } from '../../test/support/owners.ts';
import { startProcess } from '../../test/support/processes.ts';
import { finishProbe, killInTurn, recordMemory } from './memory-recorder.ts';
import { probeSettings, startProbeLoad } from './probe-setup.ts';

const minutes = Number(process.env.PROBE_MINUTES ?? 14);
const { out, snapshotsAt, inspectPort, killEvery, log } = probeSettings({ out: '/tmp/chat-memory-probe', snapshots: '300,780', inspectPort: '41339' });
/** When Redis and PostgreSQL are restarted (seconds from the start), before the part that is judged. */
const redisRestartAt = Number(process.env.PROBE_REDIS_RESTART_AT ?? 100);
const postgresRestartAt = Number(process.env.PROBE_POSTGRES_RESTART_AT ?? 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const START_CHAT = `mutation($id: ID!) { startConversation(productId: $id) { id } }`;
const SEND = `mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) { id masked } }`;
const CREATE_PRODUCT = `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`;
const PAGE = `query($c: ID!) { conversation(id: $c) { id unreadCount lastMessage { id } messages(first: 20) { edges { node { id text masked warnings { code message } } } } } conversations { id } }`;
const READ = `mutation($c: ID!) { markConversationRead(conversationId: $c) { id } }`;
const TEXTS = ['안녕하세요, 아직 판매 중인가요?', '내일 오후 세 시에 역 앞에서 직거래 가능할까요?', '사진 몇 장 더 볼 수 있을까요?', '네, 그때 뵙겠습니다.'];
// Screening finds these (a phone number, a bank account, a lookalike link) and masks or warns.
const FLAGGED = ['010-2345-6789 로 문자 주세요', '국민은행 123456-01-234567 로 먼저 입금해 주세요', 'www.naver-pay-safe.com 에서 결제해 주세요'];

const system = await SoakSystem.start({ checkInAlertSeconds: 5, log });
// Chat again, fresh, on the same port (the gateway's URL stays valid), with the inspector and a heap snapshot on SIGUSR2.
const previous = system.stack.process('chat');
const chatPort = String(previous.port);
await previous.stop();
const chat = await startProcess(
  'chat',
  'subgraphs/chat/src/index.ts',
  // The send limits are not what is probed: one member sends dozens a minute here.
  { ...ownerUrls('chat', system.stack.subgraphUrls), ...system.stack.env, CHAT_PORT: chatPort, CHAT_MEMBER_RATE_LIMIT: '10000', CHAT_CONVERSATION_RATE_LIMIT: '10000', CHAT_START_LIMIT: '10000', CHAT_START_DAILY_LIMIT: '100000' },
  { nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${out}`, `--inspect=127.0.0.1:${inspectPort}`], timeoutMs: 300_000 },
);
system.stack.processes.set('chat', chat);
log(`chat pid ${chat.child.pid} ops ${chat.operationsUrl}`);

const { client, load, subs } = await startProbeLoad(system, { concurrency: 2, protectedMembers: 2 });
for (const seller of load.sellers.slice(0, 6)) subs.open(seller, { chat: true, alerts: false });
for (const buyer of load.buyers.slice(0, 4)) subs.open(buyer, { chat: true, alerts: false });

interface Conversation { id: string; buyer: Member; seller: Member }

/** A new listing of `seller` and `buyer`'s conversation about it (chat learns of the listing by event or reads it through). */
async function newConversation(buyer: Member, seller: Member): Promise<Conversation> {
  const { createProduct } = await client.call<{ createProduct: { id: string } }>(CREATE_PRODUCT, { i: { title: `채팅 메모리 시험 ${randomInt(1e9)}`, description: '메모리 시험용 상품입니다. 직거래만 합니다.', price: 10_000, category: 'OTHER' } }, await load.tokenOf(seller));
  for (let attempt = 0; ; attempt++) {
    try {
      const { startConversation } = await client.call<{ startConversation: { id: string } }>(START_CHAT, { id: createProduct.id }, await load.tokenOf(buyer));
      return { id: startConversation.id, buyer, seller };
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(500);
    }
  }
}

const pool: Conversation[] = [];
for (let i = 0; i < 16; i++) pool.push(await newConversation(load.buyers[i % load.buyers.length]!, load.sellers[(i * 3) % load.sellers.length]!));
log(`${pool.length} conversations`);

const recorder = await recordMemory({ process: chat, inspectPort, out, snapshotsAt, progress: () => client.answers.length, log });
const startedAt = recorder.startedAt;
const until = startedAt + minutes * 60_000;
let sent = 0;

/** Messages back and forth over the pool; every 25th send opens a new conversation in place of an old one, every 10th reads the page back. */
async function sendLoop(): Promise<void> {
  while (Date.now() < until) {
    try {
      if (++sent % 25 === 0) pool[randomInt(pool.length)] = await newConversation(load.buyers[randomInt(load.buyers.length)]!, load.sellers[randomInt(load.sellers.length)]!);
      const conversation = pool[randomInt(pool.length)]!;
      const sender = randomInt(2) === 0 ? conversation.buyer : conversation.seller;
      const text = randomInt(20) === 0 ? FLAGGED[randomInt(FLAGGED.length)]! : TEXTS[randomInt(TEXTS.length)]!;
      await client.call(SEND, { c: conversation.id, t: text }, await load.tokenOf(sender));
      if (sent % 10 === 0) {
        const reader = sender === conversation.buyer ? conversation.seller : conversation.buyer;
        await client.call(PAGE, { c: conversation.id }, await load.tokenOf(reader));
        await client.call(READ, { c: conversation.id }, await load.tokenOf(reader));
      }
    } catch {
      await sleep(500); // a fault is on: what an app would do
    }
  }
}

/** Short subscriptions: a fresh token, all of a member's messages and one conversation's, for a few seconds. */
async function subscriptionChurn(): Promise<void> {
  let i = 0;
  while (Date.now() < until) {
    const conversation = pool[i++ % pool.length]!;
    const member = i % 2 === 0 ? conversation.buyer : conversation.seller;
    try {
      const token = (await client.call<{ login: { accessToken: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: member.email, p: member.password })).login.accessToken;
      const c: Client = createClient({ url: system.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
      c.subscribe({ query: 'subscription { chatMessages { id } }' }, { next() {}, error() {}, complete() {} });
      c.subscribe({ query: 'subscription($c: ID) { chatMessages(conversationId: $c) { id text } }', variables: { c: conversation.id } }, { next() {}, error() {}, complete() {} });
      await sleep(3_000);
      await c.dispose();
    } catch {
      await sleep(1_000);
    }
  }
}

/** Redis and PostgreSQL once each, then kill -9 of the other processes in turn (never chat). */
async function chaos(): Promise<void> {
  await sleep(redisRestartAt * 1000 - (Date.now() - startedAt));
  log('Redis stops for 5 s');
  await system.stack.redis.stop('SIGTERM');
  await sleep(5_000);
  await system.stack.redis.start();
  log('Redis back');
  await sleep(postgresRestartAt * 1000 - (Date.now() - startedAt));
  log('PostgreSQL stops (fast) for 5 s');
  system.stack.postgres.stop('fast');
  await sleep(5_000);
  await system.stack.postgres.start();
  log('PostgreSQL back');
  await killInTurn(system, system.killable().filter((name) => name !== 'chat'), killEvery, until, log);
}

const progress = setInterval(() => log(`${Math.round((Date.now() - startedAt) / 1000)} s, ${client.answers.length} answers, ${sent} sends, ${subs.connects} subscription connects`), 60_000);
await Promise.all([load.run(until), sendLoop(), sendLoop(), subscriptionChurn(), chaos()]);
clearInterval(progress);
const failed = client.answers.filter((a) => a.status !== 200 || a.code).length;
log(`load over: ${client.answers.length} answers (${failed} failed or with an error), ${sent} sends; idle 60 s, then a last snapshot`);
await finishProbe(recorder, { client, subs, system }, log);
