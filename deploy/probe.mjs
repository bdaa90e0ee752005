// Container health check without curl: `node deploy/probe.mjs http://127.0.0.1:4001/readyz`
// exits 0 when the URL answers 2xx within 3 s, 1 otherwise.
const url = process.argv[2];
if (!url) {
  console.error('usage: node deploy/probe.mjs <url>');
  process.exit(2);
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`probe ${url}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
