import { EVENT_STREAM_TYPE, JSON_TYPE } from '../../../src/contract/protocol.js';
import { readServerSentEvents } from '../../../src/on-intent/transport/sse.js';
import type { LlmConfig } from '../config/index.js';
import type { ChatModel, ModelRequest } from './model.js';

/** A model backed by any OpenAI-compatible `/chat/completions` endpoint, streamed. */
export function createOpenAiModel(llm: LlmConfig): ChatModel {
  const endpoint = `${llm.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    name: 'openai',
    async generate(request, out, signal) {
      const response = await fetch(endpoint, {
        method: 'POST',
        signal,
        headers: {
          'content-type': JSON_TYPE,
          accept: EVENT_STREAM_TYPE,
          ...(llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: llm.model, stream: true, messages: messagesFor(request) }),
      });
      if (!response.ok || !response.body) {
        const detail = (await response.text().catch(() => '')).slice(0, 300);
        throw new Error(`LLM endpoint answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
      }
      let output = '';
      for await (const { data } of readServerSentEvents(response.body)) {
        if (data === '[DONE]') break;
        const text = deltaText(data);
        if (text) {
          output += text;
          out.delta(text);
        }
      }
      return { output };
    },
  };
}

function messagesFor(request: ModelRequest): { role: 'system' | 'user'; content: string }[] {
  const params = Object.keys(request.params).length
    ? `The website passed these parameters about the visitor (JSON): ${JSON.stringify(request.params)}.`
    : 'The website passed no parameters about the visitor.';
  return [
    { role: 'system', content: `You are the "${request.agentId}" assistant embedded on a website. ${params}` },
    { role: 'user', content: request.input },
  ];
}

function deltaText(data: string): string {
  try {
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[] };
    const content = chunk.choices?.[0]?.delta?.content;
    return typeof content === 'string' ? content : '';
  } catch {
    return '';
  }
}
