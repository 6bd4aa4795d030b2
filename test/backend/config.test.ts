import { describe, expect, it } from 'vitest';
import { DEFAULTS, FLAG_ENTRIES, FlagValueError, parseFlags, resolveConfig } from '../../demo/backend/config/index.js';

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

  it('explains bad values given in code, naming the option', () => {
    expect(() => resolveConfig({ port: 70_000 }, {})).toThrow(/"port"/);
    expect(() => resolveConfig({ webhookUrl: 'not a url' }, {})).toThrow(/webhookUrl/);
    expect(() => resolveConfig({ webhookSecret: 'plain' }, {})).toThrow(/webhookSecret/);
  });

  it('explains bad flag values in flag terms: the flag as typed, what it got, what is allowed, and what leaving it out does', () => {
    const refusal = (...args: string[]) => {
      try {
        parseFlags(args);
      } catch (error) {
        expect(error).toBeInstanceOf(FlagValueError);
        return (error as FlagValueError).message;
      }
      throw new Error(`${args.join(' ')} was accepted`);
    };
    expect(refusal('--webhook-secret', 'mysecret')).toBe(
      '--webhook-secret got "mysecret", allowed: whsec_ followed by base64 text (letters, digits, + and /, up to two = at the end); leave --webhook-secret out to have one generated and printed',
    );
    expect(refusal('--signing-secret', 'short')).toBe(
      '--signing-secret got "short", allowed: any text of at least 16 characters; leave --signing-secret out to have one generated and printed',
    );
    expect(refusal('--port', '70000')).toBe('--port got "70000", allowed: a whole number from 0 to 65535 (0 picks a free one)');
    expect(refusal('--port', 'abc')).toBe('--port got "abc", allowed: a whole number from 0 to 65535 (0 picks a free one)');
    expect(refusal('--retry-schedule', '10,abc')).toBe(
      '--retry-schedule got "10,abc", allowed: whole numbers of milliseconds, 0 or more, separated by commas, such as 1000,5000,30000',
    );
    expect(refusal('--model', 'gpt')).toBe('--model got "gpt", allowed: echo or openai');
    expect(refusal('--agent', 'demo', '--agent', 'a b')).toBe('--agent got "a b", allowed: 1 to 64 letters, digits, _ or -');
    expect(refusal('--webhook-url', 'not a url')).toBe(
      '--webhook-url got "not a url", allowed: an http:// or https:// URL, such as http://localhost:3000/webhooks',
    );
    expect(refusal('--echo-delay-ms=-1')).toBe('--echo-delay-ms got "-1", allowed: a whole number, 0 or more');
    expect(refusal('--delivery-concurrency', '5000')).toBe('--delivery-concurrency got "5000", allowed: a whole number from 1 to 4096');
    expect(refusal('--rate-limit', '1.5')).toBe('--rate-limit got "1.5", allowed: a whole number, 0 or more');
    expect(refusal('--heartbeat-ms', '0')).toBe('--heartbeat-ms got "0", allowed: a whole number, 1 or more');
    // Every bad flag at once, one line each, in usage order.
    expect(refusal('--model', 'gpt', '--port=-1').split('\n')).toEqual([
      '--port got "-1", allowed: a whole number from 0 to 65535 (0 picks a free one)',
      '--model got "gpt", allowed: echo or openai',
    ]);
  });

  it('words what every flag allows, with no regex and no option name', () => {
    for (const [key, entry] of FLAG_ENTRIES) {
      expect(entry.allowed).not.toMatch(/[\^$\\]|\{\d/);
      if (key !== entry.name) expect(entry.allowed).not.toContain(key);
    }
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
