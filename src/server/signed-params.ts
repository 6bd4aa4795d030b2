import { SignJWT, errors, jwtVerify } from 'jose';
import { SIGNED_PARAMS_LIMITS } from '../contract/protocol.js';
import { checkParams, validateParams, type Params } from '../contract/params.js';
import { AicadoError } from '../contract/errors.js';

export interface SignParamsOptions {
  /** Lifetime of the token; default one hour, at most 24 hours. Keep it short: the page can fetch a fresh one. */
  expiresInSeconds?: number;
}

export interface VerifySignedParamsOptions {
  /** Longest lifetime (`exp - iat`) accepted, in seconds; default 24 hours. */
  maxLifetimeSeconds?: number;
}

const ALGORITHM = 'HS256';
/** How far ahead of this clock the signing server's clock may be when it sets `iat`. */
const CLOCK_LEEWAY_SECONDS = 30;
const encoder = new TextEncoder();

/**
 * Signs params your server vouches for (who the user is) as a compact JWT (HS256) for
 * `init({ signedParams })`. The params rules apply inside the token too; invalid params throw AicadoError.
 */
export async function signParams(params: Params, secret: string, options: SignParamsOptions = {}): Promise<string> {
  const clean = validateParams(params);
  const key = keyOf(secret);
  const lifetime = options.expiresInSeconds ?? 3600;
  const max = SIGNED_PARAMS_LIMITS.maxLifetimeSeconds;
  if (typeof lifetime !== 'number' || !Number.isFinite(lifetime) || lifetime <= 0 || lifetime > max) {
    throw invalidOptions(`expiresInSeconds must be a positive number of seconds, at most ${max} (24 h), got ${String(lifetime)}`);
  }
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ params: clean })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + Math.ceil(lifetime))
    .sign(key);
}

/**
 * Verifies a signed-params token and returns its params. Throws AicadoError with code
 * `invalid_signed_params` when the token is too long, its signature, `iat` or expiry fails, its
 * lifetime is over the cap, or the params inside are not valid.
 */
export async function verifySignedParams(token: string, secret: string, options: VerifySignedParamsOptions = {}): Promise<Params> {
  const key = keyOf(secret);
  const maxLifetime = maxLifetimeOf(options.maxLifetimeSeconds);
  if (typeof token !== 'string') throw refused(`the token must be a string, got ${token === null ? 'null' : typeof token}`);
  if (token.length > SIGNED_PARAMS_LIMITS.maxTokenBytes) {
    throw refused(`the token is ${token.length} characters long; at most ${SIGNED_PARAMS_LIMITS.maxTokenBytes} are accepted`);
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, { algorithms: [ALGORITHM], requiredClaims: ['exp', 'iat'] }));
  } catch (cause) {
    throw refused(reasonOf(cause), cause);
  }
  const { iat, exp } = payload as { iat: number; exp: number };
  if (iat > Math.floor(Date.now() / 1000) + CLOCK_LEEWAY_SECONDS) {
    throw refused('its "iat" (issued at) is in the future; sign tokens with signParams() on a server whose clock is right');
  }
  if (exp - iat > maxLifetime) {
    throw refused(`its lifetime (exp - iat) is ${exp - iat} s; at most ${maxLifetime} s are accepted`);
  }
  const result = checkParams(payload.params);
  if (!result.ok) {
    throw new AicadoError(
      'invalid_signed_params',
      `Invalid signed params: the params inside the token break the rules (${result.issues.map((i) => i.message).join('; ')})`,
      {
        status: 401,
        issues: result.issues,
      },
    );
  }
  return result.params;
}

function reasonOf(cause: unknown): string {
  if (cause instanceof errors.JWTExpired) return 'the token has expired; fetch a fresh one from your server';
  if (cause instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not match (edited, or signed with another secret)';
  if (cause instanceof errors.JWTClaimValidationFailed && (cause.claim === 'iat' || cause.claim === 'exp')) {
    return `the token is malformed: it has no valid "${cause.claim}" claim; sign it with signParams()`;
  }
  return 'the token is malformed or not an HS256 JWT';
}

function refused(reason: string, cause?: unknown): AicadoError {
  return new AicadoError('invalid_signed_params', `Invalid signed params: ${reason}`, { status: 401, cause });
}

function invalidOptions(message: string): AicadoError {
  return new AicadoError('invalid_options', message);
}

function keyOf(secret: unknown): Uint8Array {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw invalidOptions("The signing secret must be a string of at least 16 characters (the agent's signing secret)");
  }
  return encoder.encode(secret);
}

function maxLifetimeOf(value: unknown): number {
  if (value === undefined) return SIGNED_PARAMS_LIMITS.maxLifetimeSeconds;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOptions(`maxLifetimeSeconds must be a positive number of seconds, got ${String(value)}`);
  }
  return value;
}
