// The sandbox's checkout page: what a buyer sees at the provider, in plain Korean, with two
// buttons that post a form (so a script completes it with one plain HTTP request:
// POST /checkout/<paymentKey> with action=pay).
import type { SandboxPayment } from './sandbox-state.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function checkoutPage(payment: SandboxPayment): string {
  const amount = payment.totalAmount.toLocaleString('ko-KR');
  const finished = payment.status !== 'READY';
  return `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>안심결제 (테스트)</title></head>
<body style="font-family: sans-serif; max-width: 28rem; margin: 2rem auto; line-height: 1.5">
<p><strong>테스트 결제창입니다.</strong> 실제 돈은 나가지 않아요.</p>
<h1 style="font-size: 1.3rem">${escape(payment.orderName)}</h1>
<p style="font-size: 1.5rem">${amount}원</p>
${
  finished
    ? '<p>이미 끝난 결제예요.</p>'
    : `<form method="post" action="/checkout/${escape(payment.paymentKey)}">
<button name="action" value="pay" style="font-size: 1.2rem; padding: .6rem 1.2rem">결제하기</button>
<button name="action" value="abort" style="font-size: 1rem; padding: .6rem 1rem">취소</button>
</form>`
}
</body></html>`;
}
