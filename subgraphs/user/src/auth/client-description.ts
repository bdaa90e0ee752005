// A readable name for a client from its User-Agent, for User.sessions ("Chrome 131 on Windows",
// "Anshim app on Android"): enough for a member to recognise their own devices and spot a
// stranger's. Best effort on purpose: no UA database, and an unknown agent is shown cut short.

const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\bSamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/\bWhale\/(\d+)/, 'Whale'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bFxiOS\/(\d+)/, 'Firefox'],
  [/\bCriOS\/(\d+)/, 'Chrome'],
  [/\bChrome\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
];

const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b/, 'Linux'],
];

const TOOLS: ReadonlyArray<[RegExp, string]> = [
  [/^Anshim\/([\w.]+)/i, 'Anshim app'],
  [/^curl\/([\w.]+)/, 'curl'],
  [/^node(?:-fetch)?\b|^undici\b/i, 'Node.js'],
  [/^okhttp\/([\w.]+)/, 'Android app (okhttp)'],
  [/^Dart\//, 'Dart'],
  [/^python-requests\//, 'Python'],
];

/** "Chrome 131 on Windows", "Anshim app 2.3 on Android", "curl 8.5"; null without a user agent. */
export function describeClient(userAgent: string | null | undefined): string | null {
  const ua = userAgent?.trim();
  if (!ua) return null;
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  const on = system ? ` on ${system}` : '';
  for (const [pattern, name] of TOOLS) {
    const match = pattern.exec(ua);
    if (match) return `${name}${match[1] ? ` ${match[1]}` : ''}${on}`;
  }
  for (const [pattern, name] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) return `${name} ${match[1]}${on}`;
  }
  return system ? `Browser on ${system}` : ua.slice(0, 60);
}
