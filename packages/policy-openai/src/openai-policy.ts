import type { GenerateOptions, Generation, Prompt, VlmPolicy } from '@rl4vlm/policy';
import OpenAI from 'openai';
import { mapWithConcurrency } from './concurrency.js';
import { promptToContent } from './messages.js';

/** Settings of an {@link OpenAIPolicy}. */
export interface OpenAIPolicyOptions {
  /** The model name the server knows, e.g. `gpt-4o` or `llava-v1.6`. */
  model: string;
  /** The server's base URL, e.g. `http://127.0.0.1:8000/v1`. Default: `OPENAI_BASE_URL` or OpenAI's. */
  baseURL?: string;
  /** The API key. Default: `OPENAI_API_KEY`. Never logged. */
  apiKey?: string;
  /** At most this many requests in flight. Default 8. */
  concurrency?: number;
  /** Retries after a 408/409/429/5xx or a connection error, with exponential backoff. Default 2. */
  maxRetries?: number;
  /** Per-request timeout in milliseconds. Default 60,000. */
  timeoutMs?: number;
  /** Ask the server for per-token log-probs (`logprobs: true`). Default true; servers without them return none. */
  logprobs?: boolean;
  /** Default sampling settings, overridden per `generate` call. */
  temperature?: number;
  maxTokens?: number;
  /** Custom fetch, e.g. for a proxy. */
  fetch?: typeof fetch;
}

/** A request that failed for good, with what to check; the API key is never part of the message. */
export class OpenAIPolicyError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpenAIPolicyError';
    this.status = status;
  }
}

function describeFailure(err: unknown, baseURL: string, retries: number): OpenAIPolicyError {
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new OpenAIPolicyError(
      `The server at ${baseURL} did not answer in time (after ${retries} retries)`,
      undefined,
      { cause: err },
    );
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new OpenAIPolicyError(
      `Cannot reach the server at ${baseURL} (after ${retries} retries): is it running, and is the base URL right?`,
      undefined,
      { cause: err },
    );
  }
  if (err instanceof OpenAI.APIError) {
    const hint =
      err.status === 401
        ? ' Check the API key (OPENAI_API_KEY or the apiKey option).'
        : err.status === 404
          ? ' Check the model name and the base URL (it usually ends in /v1).'
          : '';
    return new OpenAIPolicyError(
      `The server at ${baseURL} answered ${err.status}: ${err.message}.${hint}`,
      err.status,
      { cause: err },
    );
  }
  return new OpenAIPolicyError(
    `Request to ${baseURL} failed: ${(err as Error)?.message ?? String(err)}`,
    undefined,
    { cause: err },
  );
}

/**
 * A {@link VlmPolicy} over any OpenAI-compatible chat-completions endpoint with image input
 * (vLLM, llama.cpp server, Ollama, LM Studio, hosted APIs, or `rl4vlm serve`).
 * Each prompt becomes one user message; its images are sent as PNG data URLs.
 *
 * @example
 * const policy = new OpenAIPolicy({ model: 'gpt-4o', baseURL: 'https://api.openai.com/v1' });
 * const [reply] = await policy.generate([prompt], { temperature: 0, maxNewTokens: 256 });
 */
export class OpenAIPolicy implements VlmPolicy {
  readonly id: string;
  readonly options: Readonly<Omit<OpenAIPolicyOptions, 'apiKey'>>;
  private readonly client: OpenAI;
  private readonly baseURL: string;

  constructor(options: OpenAIPolicyOptions) {
    if (!options?.model) throw new TypeError("OpenAIPolicy needs a model name, e.g. { model: 'gpt-4o' }");
    const { apiKey, ...rest } = options;
    this.options = rest;
    this.id = `openai:${options.model}`;
    this.baseURL = options.baseURL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
    this.client = new OpenAI({
      // A local server usually needs no key; the client insists on one, so send a placeholder.
      apiKey: apiKey ?? process.env.OPENAI_API_KEY ?? 'no-key',
      baseURL: this.baseURL,
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeoutMs ?? 60_000,
      fetch: options.fetch,
    });
  }

  async generate(prompts: readonly Prompt[], options: GenerateOptions = {}): Promise<Generation[]> {
    const temperature = options.temperature ?? this.options.temperature ?? 1;
    const maxTokens = options.maxNewTokens ?? this.options.maxTokens ?? 256;
    const wantLogprobs = this.options.logprobs ?? true;
    return mapWithConcurrency(prompts, this.options.concurrency ?? 8, async (prompt) => {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await this.client.chat.completions.create({
          model: this.options.model,
          messages: [{ role: 'user', content: promptToContent(prompt) }],
          temperature,
          max_tokens: maxTokens,
          ...(options.topP !== undefined ? { top_p: options.topP } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.stop?.length ? { stop: options.stop } : {}),
          ...(wantLogprobs ? { logprobs: true } : {}),
        });
      } catch (err) {
        throw describeFailure(err, this.baseURL, this.options.maxRetries ?? 2);
      }
      const choice = completion.choices?.[0];
      if (!choice) throw new OpenAIPolicyError(`The server at ${this.baseURL} returned no choices`);
      const tokens = choice.logprobs?.content ?? [];
      return {
        text: choice.message?.content ?? '',
        // Remote servers do not return token ids; the per-token log-probs are still useful for analysis.
        tokenIds: [],
        logProbs: tokens.map((t) => t.logprob),
      };
    });
  }
}
