import * as z from 'zod/mini';
import { PARAMS_LIMITS, checkParamKey } from './params.js';
import { ASK_INPUTS, type AskInput, DECLARED_PARAM_TYPES, DEFINITION_LIMITS, FORM_LIMITS } from './protocol.js';

// The definition of an agent: its name and the custom params it declares. Written by the site owner (in
// the reference backend, `agents.json`), enforced by the API on every query, served to the SDK by
// `GET /v1/agents/{agentId}` (never a secret or a URL) and turned into TypeScript by `aicado-embed types`.

/** How the pre-chat form asks the visitor for a declared param. `input` defaults from the type: `checkbox` for a boolean, `select` with an `enum`, `number`, else `text`. */
export const AskSchema = z.object({
  label: z.string(),
  input: z.optional(z.enum(ASK_INPUTS)),
  placeholder: z.optional(z.string()),
});
export type Ask = z.infer<typeof AskSchema>;

/** The consent the form asks the visitor to tick; its `version` is echoed in the webhooks. */
export const ConsentDefinitionSchema = z.object({ text: z.string(), version: z.string() });
export type ConsentDefinition = z.infer<typeof ConsentDefinitionSchema>;

/** One declared param, as the API serves it; the SDK reads it with a guard held to this schema. */
export const DeclaredParamSchema = z.object({
  type: z.enum(DECLARED_PARAM_TYPES),
  description: z.string(),
  /** The only values allowed (strings or numbers, of `type`). */
  enum: z.optional(z.array(z.union([z.string(), z.number()]))),
  /** Longest string allowed (strings only). */
  maxLength: z.optional(z.number()),
  /** A query must carry it. Declared params are optional unless marked required. */
  required: z.optional(z.boolean()),
  /** Asked in the pre-chat form when the page has not set it. */
  ask: z.optional(AskSchema),
});
export type DeclaredParam = z.infer<typeof DeclaredParamSchema>;
export type DeclaredParams = Readonly<Record<string, DeclaredParam>>;

/** Body of `GET /v1/agents/{agentId}`. An agent that declares no params accepts any valid param. */
export const PublicDefinitionSchema = z.object({
  agent_id: z.string(),
  name: z.string(),
  params: z.record(z.string(), DeclaredParamSchema),
  consent: z.optional(ConsentDefinitionSchema),
});
export type PublicDefinition = z.infer<typeof PublicDefinitionSchema>;

/**
 * The part of a definition the SDK reads (each declared param's name and type), which its guard in
 * src/on-intent/transport/wire.ts is held to. Every public definition has it; one whose other fields are malformed
 * still serves to check keys and types.
 */
export const DefinitionCheckSchema = z.object({ params: z.record(z.string(), z.object({ type: DeclaredParamSchema.shape.type })) });
export type DefinitionCheck = z.infer<typeof DefinitionCheckSchema>;
/** Each declared param's type: what the SDK checks. */
export type DeclaredParamTypes = DefinitionCheck['params'];

/** Text a visitor reads in the form: not blank, and bounded. */
const formText = (max: number) =>
  z.string().check(
    z.maxLength(max),
    z.refine((text) => /\S/.test(text), { error: 'must not be blank' }),
  );

/** `ask` as its author writes it: unknown fields refused (`lable`); the input kind is checked against the param below. */
export const AskInputSchema = z.strictObject({
  label: formText(FORM_LIMITS.maxLabelLength),
  input: z.optional(z.enum(ASK_INPUTS)),
  placeholder: z.optional(z.string().check(z.maxLength(FORM_LIMITS.maxPlaceholderLength))),
});

/** `consent` as its author writes it. The version is echoed in webhooks and compared, so it is one printable word. */
export const ConsentInputSchema = z.strictObject({
  text: formText(FORM_LIMITS.maxConsentTextLength),
  version: z.string().check(
    z.minLength(1),
    z.maxLength(FORM_LIMITS.maxConsentVersionLength),
    z.refine((version) => /^[!-~]*$/.test(version), { error: 'must be printable ASCII without spaces, e.g. "2025-01" or "v2"' }),
  ),
});

/** The input kinds that can hold a param, and how to name the param in a message. */
function inputsFor(param: { type: DeclaredParam['type']; enum?: unknown[] | undefined }): { inputs: readonly AskInput[]; what: string } {
  if (param.type === 'boolean') return { inputs: ['checkbox'], what: 'a boolean param' };
  if (param.enum) return { inputs: ['select'], what: 'a param with an enum (the form offers its values)' };
  if (param.type === 'number') return { inputs: ['number'], what: 'a number param' };
  return { inputs: ['text', 'email', 'tel', 'url'], what: 'a string param' };
}

/**
 * A declared param as its author writes it: every field checked, unknown fields refused (a typo such
 * as `maxlength` must not pass silently), and the fields consistent with the type, `ask.input` too.
 */
export const DeclaredParamInputSchema = z
  .strictObject({
    type: z.enum(DECLARED_PARAM_TYPES),
    description: z.string().check(z.minLength(1), z.maxLength(DEFINITION_LIMITS.maxDescriptionLength)),
    // Its values are checked against the type below, so the error can say what the type expects.
    enum: z.optional(z.array(z.custom<string | number>()).check(z.minLength(1), z.maxLength(DEFINITION_LIMITS.maxEnumValues))),
    maxLength: z.optional(z.int().check(z.gte(1), z.lte(PARAMS_LIMITS.maxStringLength))),
    required: z.optional(z.boolean()),
    ask: z.optional(AskInputSchema),
  })
  .check(
    z.superRefine((param, ctx) => {
      const problem = (path: string, message: string) => ctx.issues.push({ code: 'custom', path: path.split('.'), message, input: param });
      if (param.enum) {
        if (param.type === 'boolean') problem('enum', 'is not allowed for a boolean (true and false are its only values)');
        else if (param.enum.some((value) => typeof value !== param.type))
          problem('enum', `must hold only ${param.type} values, as the type says`);
        else if (param.enum.some((value) => typeof value === 'number' && !Number.isFinite(value))) {
          // JSON's 1e400 reads as Infinity: a value no param can carry (params are finite numbers).
          problem('enum', 'must hold finite numbers only (1e400 reads as Infinity)');
        } else if (param.enum.some((value) => typeof value === 'string' && value.length > PARAMS_LIMITS.maxStringLength)) {
          problem('enum', `has a value longer than ${PARAMS_LIMITS.maxStringLength} characters`);
        } else if (new Set(param.enum).size !== param.enum.length) problem('enum', 'must not repeat a value');
        else if (param.maxLength !== undefined && param.enum.some((value) => String(value).length > (param.maxLength ?? 0))) {
          problem('enum', `has a value longer than maxLength (${param.maxLength})`);
        }
      }
      if (param.maxLength !== undefined && param.type !== 'string') problem('maxLength', `applies to strings only, not to a ${param.type}`);
      const input = param.ask?.input;
      if (input !== undefined) {
        const { inputs, what } = inputsFor(param);
        if (!inputs.includes(input)) {
          const use = inputs.length > 1 ? `${inputs.slice(0, -1).join(', ')} or ${inputs.at(-1)}` : `${inputs[0]} (or leave input out)`;
          problem('ask.input', `cannot be "${input}" for ${what}; use ${use}`);
        }
      }
      if (param.ask?.placeholder !== undefined && param.type === 'boolean')
        problem('ask.placeholder', 'is not shown on a checkbox (a boolean)');
    }),
  );

/** The declared params of an agent: names follow the params rules (a restricted name is refused here). */
export const DeclaredParamsInputSchema = z.record(z.string(), DeclaredParamInputSchema).check(
  z.superRefine((params, ctx) => {
    const names = Object.keys(params);
    for (const name of names) {
      const issue = checkParamKey(name);
      if (issue) ctx.issues.push({ code: 'custom', path: [name], message: `cannot be declared: ${issue.message}`, input: name });
    }
    if (names.length > PARAMS_LIMITS.maxKeys) {
      ctx.issues.push({
        code: 'custom',
        path: [],
        message: `declare at most ${PARAMS_LIMITS.maxKeys} params (a query carries at most that many)`,
        input: params,
      });
    }
  }),
);

export const AgentNameSchema = z.string().check(z.minLength(1), z.maxLength(DEFINITION_LIMITS.maxNameLength));

/** What the API serves of an agent: its id, name, declared params (each `ask` as declared) and consent; nothing else of its configuration. */
export function publicDefinitionOf(agent: {
  id: string;
  name: string;
  params: DeclaredParams;
  consent?: ConsentDefinition | undefined;
}): PublicDefinition {
  const definition: PublicDefinition = { agent_id: agent.id, name: agent.name, params: agent.params };
  if (agent.consent) definition.consent = { text: agent.consent.text, version: agent.consent.version };
  return definition;
}

/**
 * `JSON.parse` that refuses a `__proto__` key anywhere: a schema's record would take it as the prototype
 * of the object it builds, so a declaration could hide behind it instead of being checked.
 */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError('the key "__proto__" is not allowed');
      return value;
    });
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}
