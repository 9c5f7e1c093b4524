/** LLaVA-v1's stock system sentence (conversation mode `llava_v1`). */
export const LLAVA_SYSTEM =
  "A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.";

/** The image placeholder a VLM expands into its vision tokens. */
export const IMAGE_PLACEHOLDER = '<image>';

/** Wraps a task prompt in the `llava_v1` conversation: `<system> USER: <image>\n<task> ASSISTANT:`. */
export function llavaConversation(task: string): string {
  return `${LLAVA_SYSTEM} USER: ${IMAGE_PLACEHOLDER}\n${task} ASSISTANT:`;
}

/** Lays out a JSON-like reply skeleton: one `"key": value` per line, in order, `"action"` last. */
export function jsonSkeleton(fields: readonly (readonly [key: string, value: string])[]): string {
  return `{\n${fields.map(([k, v]) => `  "${k}": ${v}`).join(',\n')}\n}`;
}
