// The backend's configuration: what a flag is (`flag.ts`), the flags (`flags.ts`), their defaults
// (`defaults.ts`), the command line (`parse.ts`), free ports to suggest (`port.ts`) and the configuration every part receives (`resolve.ts`).
export { DEFAULTS } from './defaults.js';
export { describeDefault, type Flag } from './flag.js';
export { FLAGS, FLAG_ENTRIES, type FlagKey, type FlagValues } from './flags.js';
export { FlagValueError, parseFlags, USAGE, type FlagOptions } from './parse.js';
export { findFreePort, isPortFree } from './port.js';
export { resolveConfig, type AgentConfig, type BackendConfig, type BackendOptions, type LlmConfig, type ModelName } from './resolve.js';
