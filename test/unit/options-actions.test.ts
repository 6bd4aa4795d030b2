import { afterEach, describe, expect, it } from 'vitest';
import { optionsFromAttributes, optionsFromScript } from '../../src/at-load/loader/attributes.js';
import { completeStrings } from '../../src/i18n/locales.js';
import { normalizeOptions } from '../../src/at-load/core/options.js';

const base = { agentId: 'demo' };
const invalid = (options: Record<string, unknown>) => {
  try {
    normalizeOptions({ ...base, ...options } as never, 'en');
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

afterEach(() => document.querySelectorAll('script[data-agent-id]').forEach((script) => script.remove()));

describe('suggestions, launcher, agentName and avatarUrl options', () => {
  it('normalises suggestions, launcher, agentName and avatarUrl, with defaults', () => {
    const normalized = normalizeOptions({ ...base }, 'en');
    expect(normalized).toMatchObject({ suggestions: [], launcher: true });
    expect([normalized.agentName, normalized.avatarUrl]).toEqual([undefined, undefined]);
    // The default name is the panel's text: the strings are complete once the panel has arrived.
    completeStrings(normalized);
    expect(normalized.strings.agent).toBe('Assistant');
    const given = normalizeOptions(
      {
        ...base,
        suggestions: ['Where is my order?', 'Talk to sales'],
        launcher: false,
        agentName: 'Ada',
        avatarUrl: 'https://cdn.example.com/ada.png',
      },
      'en',
    );
    expect(given).toMatchObject({
      suggestions: ['Where is my order?', 'Talk to sales'],
      launcher: false,
      agentName: 'Ada',
      avatarUrl: 'https://cdn.example.com/ada.png',
    });
    // The name the widget says for the agent, to screen readers too; the panel's table leaves it on top.
    expect(given.strings.agent).toBe('Ada');
    completeStrings(given);
    expect(given.strings.agent).toBe('Ada');
  });

  it('refuses too many or too long suggestions, a launcher that is not a boolean, and an avatar that is not https', () => {
    expect(invalid({ suggestions: ['a', 'b', 'c', 'd', 'e'] })).toMatch(
      /suggestions is invalid \(got an array\); allowed: at most 4 non-empty strings of at most 120 characters/,
    );
    expect(invalid({ suggestions: ['x'.repeat(121)] })).toMatch(/suggestions is invalid/);
    expect(invalid({ suggestions: ['  '] })).toMatch(/suggestions is invalid/);
    expect(invalid({ suggestions: 'Where is my order?' })).toMatch(/suggestions is invalid/);
    expect(invalid({ suggestions: ['x'.repeat(120), 'b', 'c', 'd'] })).toBe('accepted');
    expect(invalid({ launcher: 'none' })).toMatch(/launcher is invalid \(got "none"\); allowed: true or false/);
    expect(invalid({ avatarUrl: 'http://cdn.example.com/a.png' })).toMatch(/avatarUrl is invalid.*allowed: an https URL/);
    expect(invalid({ avatarUrl: 'javascript:alert(1)' })).toMatch(/avatarUrl is invalid/);
    expect(invalid({ agentName: 42 })).toMatch(/agentName is invalid/);
  });

  it('reads data-suggestions as JSON, data-launcher="none", data-agent-name and data-avatar-url', () => {
    const script = document.createElement('script');
    script.dataset.agentId = 'demo';
    script.dataset.suggestions = '["Where is my order?","Talk to sales"]';
    script.dataset.launcher = 'none';
    script.dataset.agentName = 'Ada';
    script.dataset.avatarUrl = 'https://cdn.example.com/ada.png';
    expect(optionsFromScript(script)).toMatchObject({
      suggestions: ['Where is my order?', 'Talk to sales'],
      launcher: false,
      agentName: 'Ada',
      avatarUrl: 'https://cdn.example.com/ada.png',
    });
    const element: Record<string, string> = {
      agentId: 'demo',
      suggestions: '["Hi"]',
      launcher: 'none',
      agentName: 'Ada',
      avatarUrl: 'https://cdn.example.com/ada.png',
    };
    expect(optionsFromAttributes((name) => element[name], 'params')).toMatchObject({
      suggestions: ['Hi'],
      launcher: false,
      agentName: 'Ada',
    });
    script.dataset.suggestions = "['single quotes']";
    expect(() => optionsFromScript(script)).toThrow(/data-suggestions is not valid JSON.*data-suggestions='\["Where is my order\?"\]'/);
  });
});
