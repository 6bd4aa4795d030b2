import type { BackendConfig, ModelName } from '../config/index.js';
import { createEchoModel } from './echo.js';
import type { ChatModel } from './model.js';
import { createOpenAiModel } from './openai.js';

export type { ChatModel, ModelAnswer, ModelOutput, ModelRequest } from './model.js';

/** The model an agent names (`model` in the agents file, else `--model`). */
export function createModel(name: ModelName, config: BackendConfig): ChatModel {
  if (name === 'openai') {
    if (!config.llm) throw new Error('--model openai needs an LLM endpoint');
    return createOpenAiModel(config.llm);
  }
  return createEchoModel({ firstTokenDelayMs: config.firstTokenDelayMs, deltaDelayMs: config.deltaDelayMs });
}
