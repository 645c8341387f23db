import type { ModelCallEvent, TimelineEvent, ToolCallEvent } from '../../model/case.js';

/** A recorded model call as capture writes it (the request mapped from an OpenAI/Anthropic body). */
export function modelEvent(
  model: string,
  messages: ModelCallEvent['request']['messages'],
  response: ModelCallEvent['response'],
  extra: Partial<ModelCallEvent> = {},
): ModelCallEvent {
  return { type: 'model', provider: 'openai', model, request: { messages }, response, ...extra };
}

export function toolEvent(name: string, args: ToolCallEvent['args'], result: ToolCallEvent['result']): ToolCallEvent {
  return { type: 'tool', name, args, result };
}

/** A small support-agent recording: the model asks for a tool, gets its result, then answers. */
export function refundTimeline(model = 'gpt-4o-mini'): TimelineEvent[] {
  return [
    modelEvent(model, [{ role: 'user', content: 'Refund order 42' }], {
      toolCalls: [{ id: 'call_1', name: 'lookup_order', args: { id: 42 } }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 40, totalTokens: 120 },
    }),
    toolEvent('lookup_order', { id: 42 }, { status: 'shipped' }),
    modelEvent(
      model,
      [
        { role: 'user', content: 'Refund order 42' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'lookup_order', args: { id: 42 } }] },
        { role: 'tool', content: '{"status":"shipped"}', toolCallId: 'call_1' },
      ],
      { text: 'Order 42 has shipped, so it cannot be refunded yet.', finishReason: 'stop', usage: { inputTokens: 150, outputTokens: 12, totalTokens: 162 } },
    ),
  ];
}
