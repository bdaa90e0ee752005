// GET /dev/messages?to=<address>: what the console provider "sent" to an email or phone, newest
// first. A development convenience only: server.ts mounts it on the operations port (loopback by
// default), never in production and never on the public port.
import type { HttpApp } from '../model.ts';
import type { ConsoleDeliveryProvider } from './console-provider.ts';

export function mountDevMessagesRoute(app: HttpApp, provider: ConsoleDeliveryProvider): void {
  app.get('/dev/messages', async (req, res, next) => {
    try {
      const to = typeof req.query.to === 'string' ? req.query.to : '';
      if (!to.trim()) {
        res.status(400).json({ error: 'pass ?to=<email or phone number>' });
        return;
      }
      res.json({ to, messages: await provider.messagesTo(to) });
    } catch (error) {
      next(error);
    }
  });
}
