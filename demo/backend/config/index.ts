// The backend's configuration: its flags (`flags.ts`), the command line (`parse.ts`) and the resolved
// configuration every part of the backend receives (`resolve.ts`).
export { DEFAULTS, FLAGS, FLAG_ENTRIES, describeDefault, type Flag, type FlagKey, type FlagValues } from './flags.js';
export { parseFlags, USAGE, type FlagOptions } from './parse.js';
export { resolveConfig, type AgentConfig, type BackendConfig, type BackendOptions, type LlmConfig, type ModelName } from './resolve.js';
