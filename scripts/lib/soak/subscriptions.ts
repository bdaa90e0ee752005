// Open subscriptions through the gateway's graphql-ws endpoint for the whole run: sellers listen to
// chatMessages (all their conversations) and myRiskAlerts, protected members to myRiskAlerts. The
// clients reconnect by themselves when the gateway or a subgraph dies; what they received is kept
// per member so that the end of the run can prove each subscription works again.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Member } from './load.ts';

const CHAT = `subscription { chatMessages { id conversationId } }`;
const ALERTS = `subscription { myRiskAlerts { id level } }`;

export class SoakSubscriptions {
  private readonly clients: Client[] = [];
  /** Member id → ids of the chat messages that arrived. */
  readonly chatMessages = new Map<string, Set<string>>();
  riskAlerts = 0;
  connects = 0;
  errors: string[] = [];
  private closed = false;

  constructor(private readonly wsUrl: string) {}

  open(member: Member, topics: { chat: boolean; alerts: boolean }): void {
    const client = createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: Number.MAX_SAFE_INTEGER,
      shouldRetry: () => true,
      retryWait: async () => new Promise((resolve) => setTimeout(resolve, 1_000)),
      // Read at each (re)connection: the load signs members in again before their token ends.
      connectionParams: () => ({ authorization: `Bearer ${member.token}` }),
    });
    client.on('connected', () => this.connects++);
    this.clients.push(client);
    const received = this.chatMessages.get(member.id) ?? new Set<string>();
    this.chatMessages.set(member.id, received);
    const keep = (query: string, onData: (data: Record<string, { id: string }>) => void) => {
      // A completed or failed subscription (the gateway went away mid-stream) is subscribed again.
      const subscribe = (): void => {
        if (this.closed) return;
        client.subscribe<Record<string, { id: string }>>(
          { query },
          {
            next: (result) => {
              if (result.data) onData(result.data);
              if (result.errors?.length) this.error(JSON.stringify(result.errors));
            },
            error: (error) => {
              this.error(String((error as Error)?.message ?? (error as { reason?: string })?.reason ?? error));
              setTimeout(subscribe, 1_000);
            },
            complete: () => setTimeout(subscribe, 1_000),
          },
        );
      };
      subscribe();
    };
    if (topics.chat) keep(CHAT, (data) => received.add(data.chatMessages!.id));
    if (topics.alerts) keep(ALERTS, () => this.riskAlerts++);
  }

  private error(message: string): void {
    this.errors.push(`${new Date().toISOString()} ${message.slice(0, 200)}`);
    if (this.errors.length > 50) this.errors.shift();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.clients.map((client) => client.dispose()));
  }
}
