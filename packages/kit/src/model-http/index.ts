// HTTP client and reply schemas for OpenAI-compatible model servers (vLLM, SGLang, llama.cpp, Ollama, OpenAI).
export { createModelHttpClient, MalformedReplyError, type ModelHttpClient, type ModelHttpOptions, type RetryInfo } from './client.js';
export {
  completionsReplySchema,
  chatCompletionsReplySchema,
  poolingReplySchema,
  cachedPromptTokens,
  type CompletionsReply,
  type ChatCompletionsReply,
  type PoolingReply,
} from './schemas.js';
export { RETRYABLE_STATUSES, MAX_SERVER_WAIT_MS } from './retry.js';
export { describeServer, serverLabel } from './server-label.js';
export { createPooledModelHttpClient, routingKey, type PooledClientOptions, type PooledModelHttpClient } from './pooled-client.js';
export { ServerPool, PooledServer, ROUTING_POLICIES, type PoolOptions, type RoutingPolicy } from './server-pool.js';
export { chainedBlockHashes, PrefixIndex, prefixBlockHashes, PREFIX_BLOCK_CHARS } from './prefix-index.js';
