import type { DeclaredParams } from './agent-definition.js';
import { AicadoError, type ParamIssue } from './errors.js';
import { normalizeParamKey, type Params } from './params.js';

// The rule of an agent's declared params, on top of the params rules every agent shares: one check for
// the API (on every query) and the SDK (once the definition has arrived). Free of zod, for the browser,
// and short: every byte here is paid by every host page.

/**
 * The issues of `params` (already valid under the shared rules) against the params an agent declares:
 * an undeclared key is `undeclared_param`, a value of another type, outside its `enum` or over its
 * `maxLength` is `invalid_param_type`. An agent that declares no params accepts any key.
 */
export function checkDeclaredParams(params: Params, declared: DeclaredParams): ParamIssue[] {
  const names = Object.keys(declared);
  const issues: ParamIssue[] = [];
  if (!names.length) return issues;
  for (const key of Object.keys(params)) {
    const param = Object.hasOwn(declared, key) ? declared[key] : undefined;
    const value = params[key];
    if (!param) {
      const near = names.find((name) => normalizeParamKey(name) === normalizeParamKey(key));
      issues.push({ key, code: 'undeclared_param', message: `"${key}" is not declared${near ? ` (did you mean "${near}"?)` : ''}; declared: ${names.join(', ')}` });
    } else if (typeof value !== param.type || (param.enum && !param.enum.includes(value as string)) || (value as string).length > (param.maxLength as number)) {
      const expected = param.enum ? `one of ${param.enum.map((item) => JSON.stringify(item)).join(', ')}` : `a ${param.type}`;
      const limit = param.maxLength ? ` of at most ${param.maxLength} characters` : '';
      issues.push({ key, code: 'invalid_param_type', message: `"${key}" must be ${expected}${limit}, got ${JSON.stringify(value)}` });
    }
  }
  return issues;
}

/**
 * The required params a query leaves out, as `invalid_param_type` issues. The API checks them on every
 * query; the SDK does not (params may be set in steps), so a query without one is refused by the API.
 */
export function missingRequiredParams(params: Params, declared: DeclaredParams): ParamIssue[] {
  return Object.entries(declared)
    .filter(([name, param]) => param.required && !Object.hasOwn(params, name))
    .map(([name, param]) => ({ key: name, code: 'invalid_param_type', message: `"${name}" is required (${param.type}), got nothing` }));
}

/**
 * The error for declared-params issues: `undeclared_param` when a key is not declared, else
 * `invalid_param_type`; `issues` lists every problem either way.
 */
export function declaredParamsError(issues: readonly ParamIssue[]): AicadoError {
  const code = issues.some((issue) => issue.code === 'undeclared_param') ? 'undeclared_param' : 'invalid_param_type';
  return new AicadoError(code, `Params do not match the agent's definition: ${issues.map((issue) => issue.message).join('; ')}`, { issues });
}
