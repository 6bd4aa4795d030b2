import type { DeclaredParamTypes } from '../../contract/agent-definition.js';
import { checkDeclaredParams, declaredParamsError } from '../../contract/declared-params.js';
import { mergeParams } from '../../contract/merge-params.js';
import type { Params } from '../../contract/params.js';

/**
 * The params and the signed-params token in force for an agent's next query: held to the rules every
 * agent shares when they are set, and to the agent's declared params once its definition has come.
 */
export class AgentParams {
  #declared: DeclaredParamTypes | undefined;

  constructor(
    private params: Params,
    public token: string | undefined,
  ) {}

  /** A copy of the params in force. */
  get(): Params {
    return { ...this.params };
  }

  /** The params in force, as they are (the next query copies them). */
  get current(): Params {
    return this.params;
  }

  /** Merges `patch` (a key set to undefined is removed), checked before anything changes. */
  merge(patch: Record<string, unknown>): void {
    this.params = this.checked(mergeParams(this.params, patch));
  }

  /** Puts another user's params and token in force, as they are. */
  replace(params: Params, token: string | undefined): void {
    this.params = params;
    this.token = token;
  }

  /** From now on params are checked against these declared ones too; throws when those in force break them. */
  declare(declared: DeclaredParamTypes): void {
    this.#declared = declared;
    this.checked();
  }

  /** Returns `params` when they fit the declared params (or none are known yet), else throws. */
  checked(params: Params = this.params): Params {
    const issues = this.#declared ? checkDeclaredParams(params, this.#declared) : [];
    if (issues.length) throw declaredParamsError(issues);
    return params;
  }
}
