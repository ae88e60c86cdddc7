// How a task's prompt parts become what the server is sent: one text to continue (completions), or chat messages
// whose last assistant message is continued (vLLM, SGLang) or whose user message lists the steps (OpenAI, Ollama).

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * 'chat-continue-open': as 'chat-continue', but the partial answer ends before a whitespace delimiter, which a
 * chat template that trims the message would cut anyway; the model writes it first (see ARBOR_POLICY_CHAT_PREFIX).
 */
export type PromptStyle = 'completions' | 'chat' | 'chat-continue' | 'chat-continue-open';

export type Prompt =
  | { api: 'completions'; text: string }
  /**
   * `continueFinal`: the last message is a partial assistant answer for the server to extend. `open`: it ends
   * before the delimiter, so the model's first token is the delimiter, which must not count as a stop.
   */
  | { api: 'chat'; messages: ChatMessage[]; continueFinal: boolean; open: boolean };

export interface PromptParts {
  /** What to do and in which form; the system message in chat. */
  instruction: string;
  /** The problem as shown right before the steps, e.g. "Question: ...". */
  problem: string;
  steps: readonly string[];
  /** Separates steps (and the problem from the first step); also where generation stops. */
  delimiter: string;
  /** Chat without continuation: what the user asks for, at the root and later on. */
  askFirst: string;
  askNext: string;
}

export function renderPrompt(parts: PromptParts, style: PromptStyle): Prompt {
  const { instruction, problem, steps, delimiter } = parts;
  // Every step ends with the delimiter, so the model's next token starts the next step rather than ending this one.
  const written = steps.map((step) => `${step}${delimiter}`).join('');
  switch (style) {
    case 'completions':
      return { api: 'completions', text: `${instruction}\n\n${problem}${delimiter}${written}` };
    case 'chat-continue':
    case 'chat-continue-open': {
      const messages: ChatMessage[] = [system(instruction), { role: 'user', content: problem }];
      // At the root there is no partial answer: the model starts its reply, and the stop string ends step one.
      if (steps.length === 0) return { api: 'chat', messages, continueFinal: false, open: false };
      // Only a whitespace delimiter is trimmed; any other stays in the message as written.
      const open = style === 'chat-continue-open' && delimiter.trim() === '';
      const content = open ? steps.join(delimiter) : written;
      return { api: 'chat', messages: [...messages, { role: 'assistant', content }], continueFinal: true, open };
    }
    case 'chat': {
      const sofar = steps.length === 0 ? '' : `\n\nSteps so far:\n${steps.join(delimiter)}`;
      const ask = steps.length === 0 ? parts.askFirst : parts.askNext;
      return { api: 'chat', messages: [system(instruction), { role: 'user', content: `${problem}${sofar}\n\n${ask}` }], continueFinal: false, open: false };
    }
  }
}

/** The prompt as one text, to estimate input tokens when a server reports no usage. */
export function promptText(prompt: Prompt): string {
  return prompt.api === 'completions' ? prompt.text : prompt.messages.map((m) => m.content).join('\n');
}

function system(content: string): ChatMessage {
  return { role: 'system', content };
}
