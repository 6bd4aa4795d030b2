import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseFlags, resolveConfig } from '../../demo/backend/config/index.js';

describe('backend config', () => {
  it('has a default for every flag and generates secrets', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      agents: [
        {
          id: 'demo',
          name: 'demo',
          webhookUrl: 'http://127.0.0.1:3000/webhooks',
          allowedOrigins: [], // loopback origins on any port
          model: 'echo',
          params: {},
          webhookSecretGenerated: true,
        },
      ],
      allowedOrigins: [], // loopback origins on any port
      dataDir: '.data/backend',
      retrySchedule: [1000, 5000, 30_000, 120_000, 600_000],
      deliveryTimeoutMs: 15_000,
      deltaDelayMs: 20,
      rateLimit: 30,
    });
    const [agent] = config.agents;
    expect(agent!.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(agent!.signingSecret.length).toBeGreaterThanOrEqual(32);
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
    expect(resolveConfig({}, {}).agents[0]!.webhookSecret).not.toBe(agent!.webhookSecret);
  });

  it('parses every flag, repeated ones included', () => {
    const flags = parseFlags([
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--agent',
      'demo',
      '--agent=support',
      '--webhook-url',
      'http://127.0.0.1:4000/hooks',
      '--webhook-secret',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      '--signing-secret',
      'a-signing-secret-of-some-length',
      '--allowed-origin',
      'http://localhost:5173',
      '--allowed-origin',
      'http://localhost:4321',
      '--data-dir',
      'tmp/data',
      '--model',
      'echo',
      '--retry-schedule',
      '10,20,30',
      '--delivery-timeout-ms',
      '500',
      '--delivery-concurrency',
      '32',
      '--echo-delay-ms',
      '0',
      '--rate-limit',
      '5',
    ]);
    const config = resolveConfig(flags, {});
    // The one-agent flags apply to every --agent.
    const shared = {
      webhookUrl: 'http://127.0.0.1:4000/hooks',
      webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      webhookSecretGenerated: false,
      signingSecret: 'a-signing-secret-of-some-length',
      allowedOrigins: ['http://localhost:5173', 'http://localhost:4321'],
      model: 'echo',
      params: {},
    };
    expect(config).toMatchObject({
      port: 0,
      agents: [
        { id: 'demo', ...shared },
        { id: 'support', ...shared },
      ],
      allowedOrigins: ['http://localhost:5173', 'http://localhost:4321'],
      dataDir: 'tmp/data',
      retrySchedule: [10, 20, 30],
      deliveryTimeoutMs: 500,
      deliveryConcurrency: 32,
      deltaDelayMs: 0,
      rateLimit: 5,
    });
    expect(() => parseFlags(['--unknown'])).toThrow(/unknown/);
  });

  it('explains bad values, naming the option', () => {
    expect(() => resolveConfig({ port: 70_000 }, {})).toThrow(/"port"/);
    expect(() => resolveConfig(parseFlags(['--retry-schedule', '10,abc']), {})).toThrow(/retrySchedule/);
    expect(() => resolveConfig({ webhookUrl: 'not a url' }, {})).toThrow(/webhookUrl/);
    expect(() => resolveConfig({ webhookSecret: 'plain' }, {})).toThrow(/webhookSecret/);
    expect(() => resolveConfig(parseFlags(['--model', 'gpt']), {})).toThrow(/model/);
  });

  it('reads the OpenAI-compatible endpoint from the environment', () => {
    expect(() => resolveConfig({ model: 'openai' }, {})).toThrow(/AICADO_LLM_BASE_URL/);
    const config = resolveConfig(
      { model: 'openai' },
      {
        AICADO_LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
        AICADO_LLM_API_KEY: 'sk-x',
        AICADO_LLM_MODEL: 'tiny',
      },
    );
    expect(config.llm).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'sk-x', model: 'tiny' });
  });
});
