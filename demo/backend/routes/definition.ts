import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { publicDefinitionOf } from '../../../src/contract/agent-definition.js';
import { DEFINITION_CACHING } from '../protocol.js';
import type { AgentConfig } from '../config/index.js';
import { sendJson } from '../http.js';
import { unknownAgent } from './queries.js';

interface ServedDefinition {
  body: string;
  etag: string;
}

/**
 * `GET /v1/agents/{agentId}`: the agent's public definition (name and declared params; never a secret
 * or a URL). It carries an ETag and asks to be revalidated on every use, so a browser's HTTP cache
 * answers a repeat visit with a 304 and the SDK sees a definition changed since at once.
 */
export function createDefinitionRoute(agents: readonly AgentConfig[]) {
  const served = new Map<string, ServedDefinition>(
    agents.map((agent) => {
      const body = JSON.stringify(publicDefinitionOf(agent));
      return [agent.id, { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }];
    }),
  );

  return function getDefinition(req: IncomingMessage, res: ServerResponse, agentId: string): void {
    const definition = served.get(agentId);
    if (!definition) throw unknownAgent(agentId, served.keys(), req);
    const headers = { [DEFINITION_CACHING.etagHeader]: definition.etag, 'cache-control': DEFINITION_CACHING.cacheControl };
    const tags = String(req.headers[DEFINITION_CACHING.ifNoneMatchHeader] ?? '')
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''));
    if (tags.includes(definition.etag) || tags.includes('*')) {
      res.writeHead(304, headers).end();
      return;
    }
    sendJson(res, 200, JSON.parse(definition.body), headers);
  };
}
