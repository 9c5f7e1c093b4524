import type { GenerateOptions, Generation, Prompt, VlmPolicy } from '@rl4vlm/policy';

/**
 * A small deterministic VLM for protocol tests: it reads the first image's first pixel and the
 * prompt's last word and answers in the gym-cards reply format. Counts its `generate` calls so
 * tests can see batching.
 */
export class PixelReaderPolicy implements VlmPolicy {
  readonly id = 'pixel-reader';
  calls: number[] = [];

  async generate(prompts: readonly Prompt[], options: GenerateOptions = {}): Promise<Generation[]> {
    this.calls.push(prompts.length);
    return prompts.map((p) => {
      const red = p.images[0]?.data[0] ?? -1;
      const word = p.text.trim().split(/\s+/).at(-1) ?? '';
      const text = `{"thoughts": "red is ${red}, last word ${word}, t=${options.temperature}", "action": "${red > 127 ? '+' : '-'}"}`;
      const tokenIds = [...text].map((c) => c.charCodeAt(0)).slice(0, options.maxNewTokens ?? 256);
      return {
        text,
        tokenIds,
        logProbs: tokenIds.map((_, i) => -0.01 * (i + 1)),
        value: red / 255,
        promptTokenIds: [1, 2, 3],
      };
    });
  }
}
