import { fieldProblems } from '@rl4vlm/env';
import { z } from 'zod';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string(), detail: z.string().optional() }),
});

/** The subset of the chat-completions request body `rl4vlm serve` accepts. */
export const chatRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z
      .array(
        z.object({
          role: z.enum(['system', 'user', 'assistant']),
          content: z.union([z.string(), z.array(z.union([textPart, imagePart]))]),
        }),
      )
      .min(1, { message: 'must hold at least one message' }),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    max_tokens: z.number().int().min(1).max(4096).optional(),
    max_completion_tokens: z.number().int().min(1).max(4096).optional(),
    seed: z.number().int().optional(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
    logprobs: z.boolean().optional(),
    n: z.literal(1, { message: 'only n = 1 is supported' }).optional(),
    stream: z.literal(false, { message: 'streaming is not supported' }).optional(),
  })
  .passthrough();

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** A request's zod issues as one line each: `field: problem`. */
export function describeIssues(error: z.ZodError): string {
  return fieldProblems(error)
    .map((p) => `${p.field === '(root)' ? 'body' : p.field}: ${p.message}`)
    .join('; ');
}
