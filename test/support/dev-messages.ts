// The one way tests and the seed read what the console delivery provider "sent": GET
// /dev/messages?to=… on the user service's OPERATIONS port (never its public port, never in
// production). `operationsUrl` is the origin the process logged in its `listening` line.
export interface DevMessage {
  channel: string;
  to: string;
  text: string;
}

/** Messages recorded for an email or phone number, newest first. */
export async function devMessages(operationsUrl: string, address: string): Promise<DevMessage[]> {
  const response = await fetch(`${operationsUrl.replace(/\/+$/, '')}/dev/messages?to=${encodeURIComponent(address)}`);
  if (!response.ok) throw new Error(`dev messages: HTTP ${response.status}`);
  return ((await response.json()) as { messages: DevMessage[] }).messages;
}
