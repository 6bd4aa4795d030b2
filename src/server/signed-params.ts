import { SignJWT, errors, jwtVerify } from 'jose';
import { checkParams, validateParams, type Params } from '../contract/params.js';
import { AicadoError } from '../contract/errors.js';

export interface SignParamsOptions {
  /** Lifetime of the token; default one hour. Keep it short: the page can fetch a fresh one. */
  expiresInSeconds?: number;
}

const ALGORITHM = 'HS256';
const encoder = new TextEncoder();

function keyOf(secret: string): Uint8Array {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new TypeError('The signing secret must be a string of at least 16 characters (the agent\'s signing secret)');
  }
  return encoder.encode(secret);
}

/**
 * Signs params your server vouches for (who the user is) as a compact JWT (HS256) for
 * `init({ signedParams })`. The params rules apply inside the token too; invalid params throw AicadoError.
 */
export async function signParams(params: Params, secret: string, options: SignParamsOptions = {}): Promise<string> {
  const clean = validateParams(params);
  const lifetime = options.expiresInSeconds ?? 3600;
  if (!Number.isFinite(lifetime) || lifetime <= 0) {
    throw new TypeError(`expiresInSeconds must be a positive number of seconds, got ${String(lifetime)}`);
  }
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ params: clean })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + Math.ceil(lifetime))
    .sign(keyOf(secret));
}

/**
 * Verifies a signed-params token and returns its params. Throws AicadoError with code
 * `invalid_signed_params` when the signature, the expiry or the params inside are not valid.
 */
export async function verifySignedParams(token: string, secret: string): Promise<Params> {
  const key = keyOf(secret);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, { algorithms: [ALGORITHM], requiredClaims: ['exp'] }));
  } catch (cause) {
    const reason =
      cause instanceof errors.JWTExpired
        ? 'the token has expired; fetch a fresh one from your server'
        : cause instanceof errors.JWSSignatureVerificationFailed
          ? 'the signature does not match (edited, or signed with another secret)'
          : 'the token is malformed or not an HS256 JWT';
    throw new AicadoError('invalid_signed_params', `Invalid signed params: ${reason}`, { status: 401, cause });
  }
  const result = checkParams(payload.params);
  if (!result.ok) {
    throw new AicadoError('invalid_signed_params', `Invalid signed params: the params inside the token break the rules (${result.issues.map((i) => i.message).join('; ')})`, {
      status: 401,
      issues: result.issues,
    });
  }
  return result.params;
}
