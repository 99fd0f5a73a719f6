import type { QuotaChecker } from '../quota-checker';
import { ClaudeCodeChecker } from './claude-code.checker';
import { CopilotChecker } from './copilot.checker';
import { DeepSeekChecker } from './deepseek.checker';
import { MiniMaxChecker } from './minimax.checker';
import { MoonshotChecker } from './moonshot.checker';
import { NagaChecker } from './naga.checker';
import { NanoGptChecker } from './nanogpt.checker';
import { NovitaChecker } from './novita.checker';
import { OpenAiCodexChecker } from './openai-codex.checker';
import { OpenRouterChecker } from './openrouter.checker';
import { SyntheticChecker } from './synthetic.checker';
import { ZaiChecker } from './zai.checker';

/** Every built-in checker, one per upstream type. */
export const BUILT_IN_CHECKERS: readonly QuotaChecker[] = [
  new OpenRouterChecker(),
  new DeepSeekChecker(),
  new MoonshotChecker(),
  new NovitaChecker(),
  new ZaiChecker(),
  new NanoGptChecker(),
  new NagaChecker(),
  new SyntheticChecker(),
  new MiniMaxChecker(),
  new ClaudeCodeChecker(),
  new OpenAiCodexChecker(),
  new CopilotChecker(),
];
