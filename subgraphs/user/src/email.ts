// Emails are compared and stored lowercased: `Kim@Example.com` and `kim@example.com` are one account.

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** `k***@example.com`: tells the owner which inbox to check without spelling out the address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  const local = email.slice(0, at);
  const visible = local.length <= 2 ? local.slice(0, 1) : local.slice(0, 2);
  return `${visible}***${email.slice(at)}`;
}
