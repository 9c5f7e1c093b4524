import type { GenerateOptions, Generation, Prompt, VlmPolicy } from '@rl4vlm/policy';

interface Waiting {
  prompt: Prompt;
  resolve: (g: Generation) => void;
  reject: (e: unknown) => void;
}

/**
 * Collects concurrent requests for `windowMs` (or until `maxBatch`) and answers each group that
 * shares generation options with one batched `policy.generate` call: a batch of 16 costs little
 * more than one on a tfjs policy. Batches run one at a time, since the policy holds one model.
 */
export class GenerationBatcher {
  private readonly groups = new Map<
    string,
    { options: GenerateOptions; waiting: Waiting[]; pixels: number; timer?: NodeJS.Timeout }
  >();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly policy: VlmPolicy,
    private readonly windowMs = 5,
    private readonly maxBatch = 32,
    /** Most image pixels in one batch: a prompt that would cross it starts the next batch. */
    private readonly maxBatchPixels = Number.POSITIVE_INFINITY,
  ) {}

  generate(prompt: Prompt, options: GenerateOptions): Promise<Generation> {
    const key = JSON.stringify(options);
    const pixels = prompt.images.reduce((sum, im) => sum + im.width * im.height, 0);
    let group = this.groups.get(key);
    if (group && group.waiting.length > 0 && group.pixels + pixels > this.maxBatchPixels) {
      this.flush(key);
      group = undefined;
    }
    if (!group) {
      group = { options, waiting: [], pixels: 0 };
      this.groups.set(key, group);
    }
    group.pixels += pixels;
    const promise = new Promise<Generation>((resolve, reject) =>
      group!.waiting.push({ prompt, resolve, reject }),
    );
    if (group.waiting.length >= this.maxBatch) this.flush(key);
    else group.timer ??= setTimeout(() => this.flush(key), this.windowMs);
    return promise;
  }

  private flush(key: string): void {
    const group = this.groups.get(key);
    if (!group) return;
    this.groups.delete(key);
    clearTimeout(group.timer);
    const batch = group.waiting;
    this.chain = this.chain.then(async () => {
      try {
        const generations = await this.policy.generate(
          batch.map((w) => w.prompt),
          group.options,
        );
        for (const [i, w] of batch.entries()) w.resolve(generations[i]!);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    });
  }
}
