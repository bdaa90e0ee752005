// The explorer page: GraphiQL 5 (docs, history, headers, tabs) bundled at build time, talking to
// the gateway that served it: HTTP for queries and mutations, graphql-ws for subscriptions.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { STARTER_HEADERS, STARTER_QUERY } from './starter.ts';

// Same origin whichever path served the page (/graphql or /explorer), so a proxy in front keeps working.
const endpoint = new URL('/graphql', window.location.href);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl: socket.href });

const container = document.getElementById('explorer');
if (!container) throw new Error('the explorer page has no #explorer element');
createRoot(container).render(
  createElement(GraphiQL, {
    fetcher,
    defaultQuery: STARTER_QUERY,
    defaultHeaders: STARTER_HEADERS,
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
    // Tokens expire in 15 minutes; keeping them out of localStorage is the safer default.
    shouldPersistHeaders: false,
  }),
);
