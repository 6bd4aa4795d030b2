import type * as z from 'zod/mini';

/** A readable sentence per zod issue, naming the field: zod/mini ships no locale, so messages are built here. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = 'body'): string {
  return issues.map((issue) => `${fieldName(issue.path, root)} ${describe(issue)}`).join('; ');
}

function fieldName(path: readonly PropertyKey[], root: string): string {
  return path.length ? `"${path.map(String).join('.')}"` : root;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `must be at least ${String(issue.minimum)} character(s) long`
        : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${String(issue.maximum)} characters long`
        : `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return 'pattern' in issue && issue.pattern ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown key(s) ${issue.keys.join(', ')}`;
    case 'custom':
      return issue.message;
    case 'invalid_key':
      return issue.issues[0]?.message ?? 'is not a valid key';
    default:
      return 'is invalid';
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
