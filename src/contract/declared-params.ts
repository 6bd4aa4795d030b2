import type { DeclaredParamTypes, DeclaredParams } from './agent-definition.js';
import { AicadoError, type ParamIssue } from './errors.js';
import { normalizeParamKey, type Params } from './params.js';

// The rules of an agent's declared params, on top of the params rules every agent shares. The API
// applies all three checks below to every query; the SDK, once the definition has arrived, the first
// (keys and types), which is what catches a typo or a wrong type before anything is sent, and which
// keeps the script tag small: enum values and lengths are the API's to refuse (TypeScript refuses an
// enum value outside its union at compile time). Free of zod, for the browser.

/**
 * The issues of `params` (already valid under the shared rules) against the types an agent declares:
 * an undeclared key is `undeclared_param`, a value of another type `invalid_param_type`. An agent that
 * declares no params accepts any key.
 */
export function checkDeclaredParams(params: Params, declared: DeclaredParamTypes): ParamIssue[] {
  const names = Object.keys(declared);
  const issues: ParamIssue[] = [];
  for (const key of names.length ? Object.keys(params) : []) {
    const type = Object.hasOwn(declared, key) ? declared[key]?.type : undefined;
    const value = params[key];
    if (!type) {
      const near = names.find((name) => normalizeParamKey(name) === normalizeParamKey(key));
      issues.push({
        key,
        code: 'undeclared_param',
        message: `"${key}" is not declared${near ? ` (did you mean "${near}"?)` : ''}; declared: ${names.join(', ')}`,
      });
    } else if (typeof value !== type) {
      issues.push({ key, code: 'invalid_param_type', message: `"${key}" must be a ${type}, got ${JSON.stringify(value)}` });
    }
  }
  return issues;
}

/** Values of the declared type outside the param's `enum` or longer than its `maxLength`: `invalid_param_type`. */
export function checkDeclaredValues(params: Params, declared: DeclaredParams): ParamIssue[] {
  return Object.entries(params).flatMap(([key, value]): ParamIssue[] => {
    const param = Object.hasOwn(declared, key) ? declared[key] : undefined;
    if (!param || typeof value !== param.type) return [];
    if (param.enum && !param.enum.includes(value as string | number)) {
      return [
        {
          key,
          code: 'invalid_param_type',
          message: `"${key}" must be one of ${param.enum.map((item) => JSON.stringify(item)).join(', ')}, got ${JSON.stringify(value)}`,
        },
      ];
    }
    if (typeof value === 'string' && param.maxLength !== undefined && value.length > param.maxLength) {
      return [
        {
          key,
          code: 'invalid_param_type',
          message: `"${key}" must be a string of at most ${param.maxLength} characters, got ${value.length}`,
        },
      ];
    }
    return [];
  });
}

/**
 * The required params a query leaves out, as `invalid_param_type` issues. Only the API checks them:
 * params may be set in steps (`init`, then `setParams` or `identify`), so the SDK cannot tell when
 * they are complete, and a query without one is refused by the API.
 */
export function missingRequiredParams(params: Params, declared: DeclaredParams): ParamIssue[] {
  return Object.entries(declared)
    .filter(([name, param]) => param.required && !Object.hasOwn(params, name))
    .map(([name, param]) => ({ key: name, code: 'invalid_param_type', message: `"${name}" is required (${param.type}), got nothing` }));
}

/** Every declared-params issue of a query's params, as the API checks them. */
export const checkQueryParams = (params: Params, declared: DeclaredParams): ParamIssue[] => [
  ...checkDeclaredParams(params, declared),
  ...checkDeclaredValues(params, declared),
  ...missingRequiredParams(params, declared),
];

/**
 * The error for declared-params issues: `undeclared_param` when a key is not declared, else
 * `invalid_param_type`; `issues` lists every problem either way.
 */
export function declaredParamsError(issues: readonly ParamIssue[]): AicadoError {
  const code = issues.some((issue) => issue.code === 'undeclared_param') ? 'undeclared_param' : 'invalid_param_type';
  return new AicadoError(code, `Params do not match the agent's definition: ${issues.map((issue) => issue.message).join('; ')}`, {
    issues,
  });
}
