// How a task's prompt parts become what the server is sent: one text to continue (completions), or chat messages
// whose last assistant message is continued (vLLM, SGLang) or whose user message lists the steps (OpenAI, Ollama).

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type PromptStyle = 'completions' | 'chat' | 'chat-continue';

export type Prompt =
  | { api: 'completions'; text: string }
  /** `continueFinal`: the last message is a partial assistant answer for the server to extend. */
  | { api: 'chat'; messages: ChatMessage[]; continueFinal: boolean };

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
    case 'chat-continue': {
      const messages: ChatMessage[] = [system(instruction), { role: 'user', content: problem }];
      // At the root there is no partial answer: the model starts its reply, and the stop string ends step one.
      if (steps.length === 0) return { api: 'chat', messages, continueFinal: false };
      return { api: 'chat', messages: [...messages, { role: 'assistant', content: written }], continueFinal: true };
    }
    case 'chat': {
      const sofar = steps.length === 0 ? '' : `\n\nSteps so far:\n${steps.join(delimiter)}`;
      const ask = steps.length === 0 ? parts.askFirst : parts.askNext;
      return { api: 'chat', messages: [system(instruction), { role: 'user', content: `${problem}${sofar}\n\n${ask}` }], continueFinal: false };
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
