// Links in a chat to a site that is not ours, above all fake "safe payment" pages that look like ours.
import type { Rule } from './types.ts';
import { normalise } from './text.ts';

const URL_HOST = /(?:https?:\/\/|www\.)([a-z0-9.-]+\.[a-z]{2,})|(?<![@\w.-])((?:[a-z0-9-]+\.)+(?:com|net|org|kr|xyz|top|link|site|info|me|ly|io|app|shop|click|online))(?![\w-])/g;
/** Words that make a domain pretend to be a payment or our own page. */
const LOOKALIKE = /(anshim|ansim|safe-?pay|safe-?trade|secure-?pay|escrow|anjeon|payment)/;

export function linkedHosts(text: string): string[] {
  const hosts: string[] = [];
  for (const match of normalise(text).matchAll(URL_HOST)) {
    const host = (match[1] ?? match[2] ?? '').replace(/^www\./, '').replace(/\.$/, '');
    if (host) hosts.push(host);
  }
  return hosts;
}

function allowed(host: string, allowedDomains: readonly string[]): boolean {
  return allowedDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/** The hosts of a text that are neither ours nor allow-listed; lookalikes first. */
export function suspiciousHosts(text: string, allowedDomains: readonly string[]): string[] {
  const hosts = linkedHosts(text).filter((host) => !allowed(host, allowedDomains));
  return hosts.sort((a, b) => Number(LOOKALIKE.test(b)) - Number(LOOKALIKE.test(a)));
}

export const PHISHING_LINK: Rule = {
  code: 'PHISHING_LINK',
  level: 'HIGH',
  message: {
    ko: '상대방이 보낸 링크는 안심 사이트가 아니에요. 결제나 로그인 정보를 입력하지 마세요.',
    en: 'The link the other person sent is not an Anshim page. Do not enter payment or login details there.',
  },
  signalHours: 72,
  recipients: 'counterpart',
  matches: ({ activity, allowedDomains, screeningFindings }) =>
    (activity.type === 'CHAT_MESSAGE' || activity.type === 'PAYMENT_REQUEST') &&
    ((screeningFindings?.includes('LOOKALIKE_LINK') ?? false) || (Boolean(activity.text) && suspiciousHosts(activity.text!, allowedDomains).length > 0)),
};
