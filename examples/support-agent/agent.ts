import type { AgentContext, ChatMessage, Json, ToolDefinition } from 'rehearse';
import { FakeBackend } from './backend.js';
import type { ModelTurn, ScriptedModel } from './conversation.js';
import { scriptedModel, systemPrompt } from './policy.js';
import { scriptedModelV1, systemPromptV1 } from './policy-v1.js';
import { createSupportTools, supportToolDefinitions } from './tools.js';

/** What a support conversation starts from. */
export interface SupportInput {
  message: string;
  customerId: string;
}

/** One tool call the agent made, as the output reports it. */
export interface SupportAction {
  tool: string;
  args: Json;
  ok: boolean;
  error?: string;
}

/** The agent's answer: the reply sent to the customer and what it did on the way. */
export interface SupportOutput {
  reply: string;
  actions: SupportAction[];
}

type ToolFn = (args: never) => Promise<Json>;

export interface SupportAgentOptions {
  model: ScriptedModel;
  systemPrompt: (customerId: string) => string;
  /** Tools by name; each should be `recordable` so replays can answer it. */
  tools: Record<string, ToolFn>;
  definitions?: readonly ToolDefinition[];
  /** Model calls before the agent gives up. @default 8 */
  maxSteps?: number;
  /** Sees every model call (messages in, turn out): the place to log or trace. */
  onModelCall?: (messages: readonly ChatMessage[], turn: ModelTurn) => void;
}

/**
 * Builds a support agent: a model/tool loop that runs until the model answers in text or `maxSteps` model
 * calls have been made. Tool errors are handed back to the model as `{ error: { name, message } }`, as
 * tool-calling SDKs do, so the model decides what to tell the customer.
 *
 * @example
 * const agent = createSupportAgent({ model: scriptedModel, systemPrompt, tools: createSupportTools(new FakeBackend()) });
 * const { reply } = await agent({ message: 'Where is A-1043?', customerId: 'C-200' });
 */
export function createSupportAgent(options: SupportAgentOptions): (input: SupportInput, ctx?: AgentContext) => Promise<SupportOutput> {
  const { model, tools, maxSteps = 8, onModelCall } = options;
  const definitions = options.definitions ?? supportToolDefinitions;
  return async function supportAgent(input, ctx) {
    if (typeof input?.message !== 'string' || typeof input.customerId !== 'string') {
      throw new TypeError('support agent: input must be { message: string, customerId: string }');
    }
    const messages: ChatMessage[] = [
      { role: 'system', content: options.systemPrompt(input.customerId) },
      { role: 'user', content: input.message },
    ];
    const actions: SupportAction[] = [];
    for (let step = 1; step <= maxSteps; step++) {
      ctx?.signal.throwIfAborted();
      const turn = model(messages, definitions);
      onModelCall?.(messages, turn);
      if (!turn.toolCalls?.length) return { reply: turn.text ?? '', actions };
      messages.push({ role: 'assistant', content: turn.text ?? '', toolCalls: turn.toolCalls });
      for (const request of turn.toolCalls) {
        const content = await runTool(tools, request.name, request.args, actions);
        messages.push({ role: 'tool', toolCallId: request.id, name: request.name, content });
      }
    }
    const lastTool = actions.at(-1)?.tool ?? 'none';
    throw new Error(`support agent: no reply after ${maxSteps} model calls (last tool: ${lastTool}); the model is looping`);
  };
}

async function runTool(tools: Record<string, ToolFn>, name: string, args: Json, actions: SupportAction[]): Promise<Json> {
  const tool = tools[name];
  if (!tool) {
    actions.push({ tool: name, args, ok: false, error: `unknown tool ${name}` });
    return { error: { name: 'UnknownTool', message: `no tool named ${name}` } };
  }
  try {
    const result = await tool(args as never);
    actions.push({ tool: name, args, ok: true });
    return result;
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    actions.push({ tool: name, args, ok: false, error: e.message });
    return { error: { name: e.name, message: e.message } };
  }
}

/** The services the exported agents use (one shared in-memory backend per process, like a real deployment). */
export const backend = new FakeBackend();
const tools = createSupportTools(backend);

/** The current support agent: what `rehearse.config.json` replays. */
export const supportAgent = createSupportAgent({ model: scriptedModel, systemPrompt, tools });

/** The v1 agent the cases were captured from, kept to produce the baseline (`rehearse.v1.config.json`). */
export const supportAgentV1 = createSupportAgent({ model: scriptedModelV1, systemPrompt: systemPromptV1, tools });
