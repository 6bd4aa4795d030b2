import type { BackendConfig } from '../config.js';
import { createEchoModel } from './echo.js';
import type { ChatModel } from './model.js';
import { createOpenAiModel } from './openai.js';

export type { ChatModel, ModelAnswer, ModelOutput, ModelRequest } from './model.js';

/** The model named by `--model`. */
export function createModel(config: BackendConfig): ChatModel {
  if (config.model === 'openai') {
    if (!config.llm) throw new Error('--model openai needs an LLM endpoint');
    return createOpenAiModel(config.llm);
  }
  return createEchoModel({ firstTokenDelayMs: config.firstTokenDelayMs, deltaDelayMs: config.deltaDelayMs });
}
