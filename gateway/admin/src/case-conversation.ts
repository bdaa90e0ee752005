// The conversation a report links (Report.conversations, chat's audited ADMIN read): opened only
// when the moderator asks, since every opening is recorded in the audit log; then each message as
// delivered (masked text stays masked, marked so) with the warnings the screening attached.
import { ApiError, run } from './api.ts';
import { h, replace } from './dom.ts';
import { t } from './i18n.ts';
import { formatDateTime, riskLevelLabel } from './labels.ts';
import { badge } from './queue.ts';
import { ct } from './case-i18n.ts';

interface ChatMessage {
  id: string;
  text: string;
  masked: boolean;
  sentAt: string;
  sender: { id: string; nickname: string } | null;
  warnings: Array<{ code: string; level: string; message: string }>;
}

interface LinkedConversation {
  id: string;
  createdAt: string;
  product: { id: string; title: string } | null;
  buyer: { id: string; nickname: string } | null;
  seller: { id: string; nickname: string } | null;
  messages: { edges: Array<{ node: ChatMessage }>; pageInfo: { hasNextPage: boolean } };
}

const MESSAGES = 50;
const LINKED = `query AdminLinkedConversation($id: ID!) {
  report(id: $id) {
    id
    conversations(first: 3) {
      id createdAt product { id title } buyer { id nickname } seller { id nickname }
      messages(first: ${MESSAGES}) { edges { node { id text masked sentAt sender { id nickname } warnings { code level message } } } pageInfo { hasNextPage } }
    }
  }
}`;

export function conversationCard(reportId: string, announce: (message: string) => void): HTMLElement {
  const open = h('button', { type: 'button' }, ct('openConversation'));
  const body = h('div', { class: 'conversation-body' });
  const card = h('section', { class: 'card conversation', 'aria-labelledby': 'conversation-section' },
    h('h2', { id: 'conversation-section' }, ct('conversationTitle')),
    h('p', { class: 'help' }, ct('conversationIntro')),
    open,
    body,
  );
  open.addEventListener('click', () => {
    open.disabled = true;
    open.textContent = ct('opening');
    run<{ report: { conversations: LinkedConversation[] } | null }>(LINKED, { id: reportId })
      .then(({ data, errors }) => {
        const list = data?.report?.conversations;
        if (!list) throw new ApiError(errors[0]?.message ?? t('notFound'), errors[0]?.extensions?.code);
        open.remove();
        if (list.length === 0) {
          replace(body, h('p', {}, ct('noConversation')));
          return;
        }
        replace(body, ...list.map(conversationView));
        announce(ct('conversationRecorded'));
      })
      .catch((error: ApiError) => {
        open.disabled = false;
        open.textContent = ct('openConversation');
        replace(body, h('p', { class: 'error', role: 'alert' }, t('error', { message: error.message })));
      });
  });
  return card;
}

function conversationView(conversation: LinkedConversation): HTMLElement {
  const messages = conversation.messages.edges.map((edge) => edge.node);
  return h('article', { class: 'linked-conversation', 'data-conversation-id': conversation.id },
    h('h3', {}, ct('conversationHeading', {
      product: conversation.product?.title ?? '—',
      buyer: conversation.buyer?.nickname ?? '—',
      seller: conversation.seller?.nickname ?? '—',
    })),
    conversation.messages.pageInfo.hasNextPage ? h('p', { class: 'help' }, ct('olderNotShown')) : null,
    messages.length === 0
      ? h('p', {}, ct('noMessages'))
      : h('ol', { class: 'messages', 'aria-label': ct('messagesCaption', { count: messages.length }) }, ...messages.map(messageItem)),
  );
}

function messageItem(message: ChatMessage): HTMLElement {
  return h('li', { class: `message${message.masked ? ' masked' : ''}`, 'data-message-id': message.id },
    h('p', { class: 'message-head' },
      h('strong', {}, message.sender?.nickname ?? '—'),
      ' ',
      h('time', { datetime: message.sentAt }, formatDateTime(message.sentAt)),
      message.masked ? h('span', { class: 'badge plain masked-mark' }, ct('masked')) : null,
    ),
    h('p', { class: 'message-text' }, message.text),
    message.warnings.length
      ? h('ul', { class: 'message-warnings', 'aria-label': ct('warningsLabel') }, ...message.warnings.map((warning) =>
          h('li', { 'data-code': warning.code }, badge('risk', warning.level, riskLevelLabel(warning.level)), ' ', warning.message, ' ', h('span', { class: 'code' }, warning.code))))
      : null,
  );
}
