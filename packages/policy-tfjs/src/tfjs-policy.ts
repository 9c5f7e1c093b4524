import { type Image, isImage, Rng } from '@rl4vlm/env';
import {
  type GenerateOptions,
  type Generation,
  type Prompt,
  rowSeeds,
  type ScoreItem,
  type ScoreOptions,
  type ScoreResult,
  type TrainablePolicy,
} from '@rl4vlm/policy';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { readCheckpointFiles, writeCheckpointFiles } from './checkpoint-files.js';
import type { CheckpointFiles } from './checkpoint-format.js';
import {
  imageTokens,
  type LoraConfig,
  type ModelConfig,
  PRESETS,
  type PresetName,
  validateConfig,
} from './config.js';
import { FusedDecodeSession } from './fused-decode.js';
import { gatherRows } from './gather-rows.js';
import { imageToInput } from './image-input.js';
import { piecesOf, type Slot, sharedPrefixLength } from './layout.js';
import { logSoftmaxWithProbs } from './log-softmax.js';
import { type FusedWeights, type LayerCache, type Piece, VlmNetwork } from './model.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { logSoftmax, sampleToken } from './sampling.js';
import { BpeTokenizer } from './tokenizer/bpe-tokenizer.js';
import { builtinCorpus } from './tokenizer/corpus.js';
import { weightSpecs } from './weights.js';

/** The `config.json` of a checkpoint. */
export const CHECKPOINT_FORMAT = 'rl4vlm-tfjs/v1';

/** Options of {@link TfjsPolicy.create}. */
export interface CreatePolicyOptions {
  /** Overrides of the preset's architecture. */
  config?: Partial<ModelConfig>;
  /** LoRA adapters; only they and the value head are then trained. */
  lora?: LoraConfig;
  /** Texts to fit the tokenizer to (default: the built-in RL4VLM-shaped corpus). */
  corpus?: string[];
  /** A ready tokenizer instead of fitting one. */
  tokenizer?: BpeTokenizer;
  /** The policy's id. Default `tfjs:<preset>`. */
  id?: string;
}

/** Generation options of this backend. */
export interface TfjsGenerateOptions extends GenerateOptions {
  /** Reuse keys and values of earlier positions (default true); false recomputes every step. */
  useKvCache?: boolean;
  /** Compute a prefix shared by every prompt once (default true). */
  sharePrefix?: boolean;
  /**
   * With the KV cache on the wasm backend, run each decode step as single WebAssembly calls
   * ({@link FusedDecodeSession}; default true); false runs it through tfjs kernels.
   */
  fusedDecode?: boolean;
}

/** Scoring options of this backend. */
export interface TfjsScoreOptions extends ScoreOptions {
  /** Compute a prompt prefix shared by every row once, at batch 1 (default true; exact either way). */
  sharePrefix?: boolean;
}

/** Shared prefixes shorter than this are not worth a separate pass. */
const MIN_SHARED_PREFIX = 4;

/**
 * A trainable LLaVA-style VLM on TensorFlow.js (see the package README for the architecture).
 *
 * @example
 * const policy = await TfjsPolicy.create('tiny');
 * const [g] = await policy.generate([{ text: 'USER: <image>\nWhich number? ASSISTANT:', images: [obs] }], { seed: 1 });
 * const { grads } = tf.variableGrads(() => lossOf(policy.score([{ prompt, responseTokenIds: g.tokenIds }])), policy.trainableVariables());
 */
export class TfjsPolicy implements TrainablePolicy<tf.Tensor, tf.Variable> {
  readonly id: string;
  readonly config: ModelConfig;
  readonly network: VlmNetwork;
  private tok: BpeTokenizer;
  private rng = new Rng(0x5eed);

  constructor(config: ModelConfig, tokenizer: BpeTokenizer, { id = 'tfjs' }: { id?: string } = {}) {
    validateConfig(config);
    if (tokenizer.vocabSize > config.vocabSize) {
      throw new RangeError(
        `The tokenizer has ${tokenizer.vocabSize} ids but config.vocabSize is ${config.vocabSize}`,
      );
    }
    this.config = config;
    this.tok = tokenizer;
    this.id = id;
    this.network = new VlmNetwork(config);
  }

  /** A fresh model from a preset (`tiny`, `small`) or a full config; selects the tensor backend first. */
  static async create(
    preset: PresetName | ModelConfig,
    options: CreatePolicyOptions = {},
  ): Promise<TfjsPolicy> {
    await initBackend();
    let base: ModelConfig;
    if (typeof preset === 'string') {
      if (!(preset in PRESETS))
        throw new Error(`Unknown preset '${preset}'; presets: ${Object.keys(PRESETS).join(', ')}`);
      base = PRESETS[preset];
    } else base = preset;
    const config: ModelConfig = {
      ...base,
      ...options.config,
      ...(options.lora ? { lora: options.lora } : {}),
    };
    const tokenizer =
      options.tokenizer ??
      BpeTokenizer.fit(options.corpus ?? builtinCorpus(), { vocabSize: config.vocabSize });
    config.vocabSize = Math.max(tokenizer.vocabSize, options.config?.vocabSize ?? 0);
    return new TfjsPolicy(config, tokenizer, {
      id: options.id ?? (typeof preset === 'string' ? `tfjs:${preset}` : 'tfjs'),
    });
  }

  /** Loads a checkpoint folder written by {@link TfjsPolicy.save} (Node). */
  static async fromDirectory(dir: string, { id }: { id?: string } = {}): Promise<TfjsPolicy> {
    await initBackend();
    const files = await readCheckpointFiles(dir);
    return TfjsPolicy.fromFiles(files, { id: id ?? `tfjs:${dir}`, source: dir });
  }

  /**
   * Loads a checkpoint from the contents of its three files (what a page gets when files are
   * dropped on it); works in Node and in the browser. Every problem is an error naming the file:
   * not a checkpoint, a weight of another shape, a truncated `model.safetensors`.
   * @param source how errors name where the files came from (a folder, "the dropped files")
   */
  static async fromFiles(
    files: CheckpointFiles,
    { id = 'tfjs', source = 'checkpoint' }: { id?: string; source?: string } = {},
  ): Promise<TfjsPolicy> {
    await initBackend();
    const config = parseCheckpointConfig(files.config, source);
    const policy = new TfjsPolicy(config, parseTokenizer(files.tokenizer, source), { id });
    try {
      policy.loadFiles(files, source);
    } catch (error) {
      policy.dispose();
      throw error;
    }
    return policy;
  }

  get tokenizer(): BpeTokenizer {
    return this.tok;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.network.weights.values()].filter((v) => v.trainable);
  }

  /**
   * `config.visionLearningRateScale` for the vision encoder and projector, 1 elsewhere, in
   * {@link trainableVariables} order (variable names start with the weight's name).
   */
  learningRateScales(): number[] {
    const vision = this.config.visionLearningRateScale ?? 1;
    return this.trainableVariables().map((v) => (/^(vision|projector)\./.test(v.name) ? vision : 1));
  }

  /** Splits a prompt into slots: its text tokens and one slot per image patch; images are appended to `images`. */
  private promptSlots(prompt: Prompt, images: Image[]): { slots: Slot[]; tokenIds: number[] } {
    const parts = prompt.text.split('<image>');
    const count = parts.length - 1;
    const given = prompt.images?.length ?? 0;
    if (count !== given) {
      throw new Error(
        `A prompt has ${count} '<image>' placeholder(s) but ${given} image(s); put one '<image>' in the text per image`,
      );
    }
    const slots: Slot[] = [];
    const tokenIds: number[] = [];
    const patches = imageTokens(this.config);
    parts.forEach((part, i) => {
      for (const id of this.tok.encode(part)) {
        slots.push({ token: id });
        tokenIds.push(id);
      }
      if (i < count) {
        const image = prompt.images[i]!;
        if (!isImage(image))
          throw new TypeError(`Prompt image ${i} is not an RGB Image {width, height, data}`);
        const index = images.push(image) - 1;
        for (let p = 0; p < patches; p++) slots.push({ image: index, patch: p });
        tokenIds.push(this.tok.imageId);
      }
    });
    if (!slots.length) throw new Error('A prompt must not be empty');
    return { slots, tokenIds };
  }

  private imageEmbeddings(images: Image[], fused: FusedWeights): tf.Tensor3D | undefined {
    if (!images.length) return undefined;
    const s = this.config.imageSize;
    const data = new Float32Array(images.length * s * s * 3);
    images.forEach((img, i) => {
      data.set(imageToInput(img, s), i * s * s * 3);
    });
    return this.network.encodeImages(tf.tensor4d(data, [images.length, s, s, 3]), fused);
  }

  async generate(prompts: readonly Prompt[], options: TfjsGenerateOptions = {}): Promise<Generation[]> {
    const {
      temperature = 1,
      topP = 1,
      maxNewTokens = 256,
      stop = [],
      useKvCache = true,
      sharePrefix = true,
      fusedDecode = true,
    } = options;
    if (!(temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
    if (!(topP > 0 && topP <= 1)) throw new RangeError(`topP must be in (0, 1], got ${topP}`);
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0)
      throw new RangeError(`maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
    const b = prompts.length;
    if (b === 0) return [];
    if (options.seeds && options.seeds.length !== b)
      throw new RangeError(`seeds has ${options.seeds.length} entries for ${b} prompts`);
    const rngs = (options.seeds ?? rowSeeds(options.seed ?? this.rng.seed(), b)).map((s) => new Rng(s));
    const images: Image[] = [];
    const encoded = prompts.map((p) => this.promptSlots(p, images));
    const rows = encoded.map((e) => e.slots);
    const generated: number[][] = prompts.map(() => []);
    const logProbs: number[][] = prompts.map(() => []);
    const texts: string[] = prompts.map(() => '');
    const done = prompts.map(() => maxNewTokens === 0);
    const vocab = this.config.vocabSize;

    // The fused projections once per call: fresh tensors every step would re-pack them.
    let fused: FusedWeights = new Map();
    tf.tidy(() => {
      fused = this.network.fusedWeights();
      for (const t of fused.values()) tf.keep(t);
    });
    const imageEmbeds = tf.tidy(() => this.imageEmbeddings(images, fused));
    if (imageEmbeds) tf.keep(imageEmbeds);
    const projection = tf.tidy(() => tf.keep(this.network.outputProjection()));
    let cache: LayerCache[] | undefined;
    let session: FusedDecodeSession | undefined;
    let real: boolean[][] = [];
    let values: Float32Array;
    let logits: Float32Array;
    try {
      // Prefill: the prompts, with a shared prefix computed once when there is one.
      const maxLen = Math.max(...rows.map((r) => r.length));
      const shared = useKvCache && sharePrefix ? sharedPrefixLength(rows, images) : 0;
      const prefix = Math.min(shared, Math.min(...rows.map((r) => r.length)) - 1);
      const prefill = tf.tidy(() => {
        let past: LayerCache[] | undefined;
        let pastReal: boolean[] = [];
        let restRows = rows;
        if (prefix >= MIN_SHARED_PREFIX) {
          const one = this.network.decode(
            this.network.embedRows([piecesOf(rows[0]!.slice(0, prefix))], imageEmbeds),
            { real: [Array(prefix).fill(true)], pastLength: 0 },
            undefined,
            fused,
            { outputFrom: prefix - 1 },
          );
          past = one.present.map(({ k, v }) => ({
            k: tf.tile(k, [b, 1, 1, 1]),
            v: tf.tile(v, [b, 1, 1, 1]),
          }));
          pastReal = Array(prefix).fill(true);
          restRows = rows.map((r) => r.slice(prefix));
        }
        const restLen = maxLen - (past ? prefix : 0);
        const pieces: Piece[][] = restRows.map((r) => [
          { kind: 'pad', count: restLen - r.length },
          ...piecesOf(r),
        ]);
        const mask: boolean[][] = restRows.map((r) => [
          ...pastReal,
          ...Array(restLen - r.length).fill(false),
          ...Array(r.length).fill(true),
        ]);
        const out = this.network.decode(
          this.network.embedRows(pieces, imageEmbeds),
          { real: mask, pastLength: pastReal.length },
          past,
          fused,
          { outputFrom: restLen - 1 },
        );
        const last = tf.reshape(out.hidden, [b, -1]) as tf.Tensor2D;
        return {
          logits: this.network.logits(last, projection),
          values: this.network.value(last),
          present: out.present,
          mask,
        };
      });
      real = prefill.mask;
      values = (await prefill.values.data()) as Float32Array;
      logits = (await prefill.logits.data()) as Float32Array;
      prefill.logits.dispose();
      prefill.values.dispose();
      if (useKvCache && fusedDecode && maxNewTokens > 1)
        session = FusedDecodeSession.start(this.network, fused, prefill.present, real, maxNewTokens);
      if (useKvCache && !session) cache = prefill.present;
      else for (const c of prefill.present) tf.dispose([c.k, c.v]);

      for (let step = 0; step < maxNewTokens && !done.every(Boolean); step++) {
        const next: number[] = [];
        for (let r = 0; r < b; r++) {
          if (done[r]) {
            next.push(this.tok.padId);
            continue;
          }
          const lp = logSoftmax(logits.subarray(r * vocab, (r + 1) * vocab), temperature);
          const token = sampleToken(lp, { temperature, topP }, rngs[r]!);
          generated[r]!.push(token);
          logProbs[r]!.push(lp[token]!);
          next.push(token);
          if (token === this.tok.eosId) done[r] = true;
          else if (stop.length) {
            // Decoding the text so far is only needed to look for stop strings.
            texts[r] = this.tok.decode(generated[r]!);
            const hit = firstStop(texts[r]!, stop);
            if (hit !== undefined) {
              texts[r] = texts[r]!.slice(0, hit);
              done[r] = true;
            }
          }
          if (generated[r]!.length >= maxNewTokens) done[r] = true;
        }
        if (done.every(Boolean)) break;
        if (session) {
          logits = session.step(next);
          continue;
        }
        real = real.map((m) => [...m, true]);
        if (useKvCache) {
          const out = tf.tidy(() => {
            const x = this.network.embedRows(
              next.map((id) => [{ kind: 'tokens', ids: [id] }]),
              undefined,
            );
            const o = this.network.decode(x, { real, pastLength: real[0]!.length - 1 }, cache, fused);
            return {
              logits: this.network.logits(tf.reshape(o.hidden, [b, -1]) as tf.Tensor2D, projection),
              present: o.present,
            };
          });
          for (const c of cache!) tf.dispose([c.k, c.v]);
          cache = out.present;
          logits = (await out.logits.data()) as Float32Array;
          out.logits.dispose();
        } else {
          const step = tf.tidy(() => {
            const len = real[0]!.length;
            const pieces: Piece[][] = rows.map((row, r) => {
              const pad = len - row.length - generated[r]!.length;
              // Rows that finished keep a pad token in the tail so every row has the same length.
              const tail = Array(len - pad - row.length).fill(this.tok.padId) as number[];
              generated[r]!.forEach((t, i) => {
                tail[i] = t;
              });
              return [
                { kind: 'pad', count: pad },
                ...piecesOf(row),
                { kind: 'tokens', ids: tail },
              ] as Piece[];
            });
            const o = this.network.decode(
              this.network.embedRows(pieces, imageEmbeds),
              { real, pastLength: 0 },
              undefined,
              fused,
              { outputFrom: len - 1 },
            );
            for (const c of o.present) tf.dispose([c.k, c.v]);
            return this.network.logits(tf.reshape(o.hidden, [b, -1]) as tf.Tensor2D, projection);
          });
          logits = (await step.data()) as Float32Array;
          step.dispose();
        }
      }
    } finally {
      session?.dispose();
      if (cache) for (const c of cache) tf.dispose([c.k, c.v]);
      imageEmbeds?.dispose();
      for (const t of fused.values()) t.dispose();
      // Untied: the projection is the weight itself, which must survive.
      if (this.config.tieEmbeddings) projection.dispose();
    }
    return prompts.map((_, r) => ({
      text:
        generated[r]!.at(-1) === this.tok.eosId || !stop.length ? this.tok.decode(generated[r]!) : texts[r]!,
      tokenIds: generated[r]!,
      logProbs: logProbs[r]!,
      value: values![r]!,
      promptTokenIds: encoded[r]!.tokenIds,
    }));
  }

  /**
   * Log-probs, entropies and values of responses (see {@link TrainablePolicy.score}). Only what
   * is read is computed: a prompt prefix every row shares runs once at batch 1 (its keys and
   * values broadcast to the rows, so its gradient is the sum of theirs), the final response
   * token is not an input (it predicts nothing scored), and the last layer's attention output
   * and MLP run only at the last prompt position and the response positions.
   */
  score(batch: readonly ScoreItem[], options: TfjsScoreOptions = {}): ScoreResult<tf.Tensor> {
    const { temperature = 1, sharePrefix = true } = options;
    if (!(temperature > 0)) throw new RangeError(`score temperature must be > 0, got ${temperature}`);
    const b = batch.length;
    if (b === 0) throw new RangeError('score needs at least one (prompt, response) pair');
    const vocab = this.config.vocabSize;
    const images: Image[] = [];
    const prompts = batch.map((item) => this.promptSlots(item.prompt, images).slots);
    const responses = batch.map((item, i) => {
      for (const id of item.responseTokenIds) {
        if (!Number.isInteger(id) || id < 0 || id >= vocab)
          throw new RangeError(`batch[${i}].responseTokenIds has ${id}, outside 0..${vocab - 1}`);
      }
      return [...item.responseTokenIds];
    });
    const rMax = Math.max(...responses.map((r) => r.length));
    const maskData = new Float32Array(b * rMax);
    const targets: number[] = [];
    responses.forEach((r, i) => {
      for (let t = 0; t < rMax; t++) {
        targets.push(t < r.length ? r[t]! : this.tok.padId);
        if (t < r.length) maskData[i * rMax + t] = 1;
      }
    });
    // A prefix all rows share, computed once; every row keeps at least one prompt slot after it.
    const shared = sharePrefix ? sharedPrefixLength(prompts, images) : 0;
    const prefix = Math.min(shared, Math.min(...prompts.map((p) => p.length)) - 1);
    const usePrefix = prefix >= MIN_SHARED_PREFIX;
    const rest = usePrefix ? prompts.map((p) => p.slice(prefix)) : prompts;
    const pMax = Math.max(...rest.map((p) => p.length));
    // Inputs: the prompt, then the response without its last token (position pMax-1+t predicts
    // response token t). Slots past a row's response are padding.
    const replySlots = Math.max(rMax - 1, 0);
    return tf.tidy(() => {
      const pieces: Piece[][] = rest.map((p, i) => {
        const reply = responses[i]!.slice(0, replySlots);
        return [
          { kind: 'pad', count: pMax - p.length },
          ...piecesOf(p),
          { kind: 'tokens', ids: [...reply, ...Array(replySlots - reply.length).fill(this.tok.padId)] },
        ];
      });
      const pastReal: boolean[] = Array(usePrefix ? prefix : 0).fill(true);
      const real = rest.map((p, i) => {
        const n = Math.min(responses[i]!.length, replySlots);
        return [
          ...pastReal,
          ...Array(pMax - p.length).fill(false),
          ...Array(p.length + n).fill(true),
          ...Array(replySlots - n).fill(false),
        ];
      });
      const fused = this.network.fusedWeights();
      const imageEmbeds = this.imageEmbeddings(images, fused);
      let past: LayerCache[] | undefined;
      if (usePrefix) {
        const one = this.network.decode(
          this.network.embedRows([piecesOf(prompts[0]!.slice(0, prefix))], imageEmbeds),
          { real: [pastReal], pastLength: 0 },
          undefined,
          fused,
          { outputFrom: prefix - 1 },
        );
        past = one.present.map(({ k, v }) => ({ k: tf.tile(k, [b, 1, 1, 1]), v: tf.tile(v, [b, 1, 1, 1]) }));
      }
      // Hidden states from the last prompt position on: `[B, max(rMax, 1), dim]`.
      const { hidden } = this.network.decode(
        this.network.embedRows(pieces, imageEmbeds),
        { real, pastLength: pastReal.length },
        past,
        fused,
        { outputFrom: pMax - 1 },
      );
      const d = this.config.dim;
      const lastPrompt = tf.reshape(tf.slice(hidden, [0, 0, 0], [b, 1, d]), [b, d]) as tf.Tensor2D;
      const values = this.network.value(lastPrompt);
      const mask = tf.tensor2d(maskData, [b, rMax]);
      if (rMax === 0) return { logProbs: tf.zeros([b, 0]), entropy: tf.zeros([b, 0]), values, mask };
      const h = tf.reshape(hidden, [b * rMax, d]) as tf.Tensor2D;
      const logits = this.network.logits(h);
      const { logProbs: lp, probs } = logSoftmaxWithProbs(
        temperature === 1 ? logits : (tf.div(logits, temperature) as tf.Tensor2D),
      );
      // Each row's target entry, picked by index (a one-hot product costs a pass over lp both ways).
      const picks = Int32Array.from(targets, (id, i) => i * vocab + id);
      const chosen = tf.reshape(gatherRows(tf.reshape(lp, [-1, 1]) as tf.Tensor2D, picks), [-1]);
      const entropy = tf.neg(tf.sum(tf.mul(probs, lp), -1));
      return {
        logProbs: tf.mul(tf.reshape(chosen, [b, rMax]), mask),
        entropy: tf.mul(tf.reshape(entropy, [b, rMax]), mask),
        values,
        mask,
      };
    });
  }

  /** The weights (or only the trainable ones) as a safetensors buffer, in {@link weightSpecs} order. */
  exportWeights({ trainableOnly = false }: { trainableOnly?: boolean } = {}): Uint8Array {
    const tensors = weightSpecs(this.config)
      .filter((spec) => !trainableOnly || this.network.w(spec.name).trainable)
      .map((spec) => ({
        name: spec.name,
        shape: spec.shape,
        data: this.network.w(spec.name).dataSync() as Float32Array,
      }));
    return encodeSafetensors(tensors, { format: 'pt', producer: '@rl4vlm/policy-tfjs' });
  }

  /** Assigns every weight a safetensors buffer names; an unknown name or another shape is an error. */
  importWeights(bytes: Uint8Array): void {
    const { tensors } = decodeSafetensors(bytes);
    const specs = new Map(weightSpecs(this.config).map((s) => [s.name, s]));
    for (const t of tensors.values()) {
      const spec = specs.get(t.name);
      if (!spec) throw new Error(`Weights buffer has '${t.name}', which this model does not have`);
      if (t.shape.join(',') !== spec.shape.join(','))
        throw new Error(`Weights buffer has ${t.name} of shape [${t.shape}], expected [${spec.shape}]`);
    }
    for (const t of tensors.values())
      tf.tidy(() => this.network.w(t.name).assign(tf.tensor(t.data, t.shape)));
  }

  /** Writes `config.json`, `model.safetensors` and `tokenizer.json` into `dir` (Node). */
  async save(dir: string): Promise<void> {
    await writeCheckpointFiles(dir, this.checkpointFiles());
  }

  /** The checkpoint's three files as text and bytes (what {@link save} writes). */
  checkpointFiles(): CheckpointFiles {
    return {
      model: this.exportWeights(),
      config: `${JSON.stringify({ format: CHECKPOINT_FORMAT, model: this.config }, null, 2)}\n`,
      tokenizer: JSON.stringify(this.tok.toJSON()),
    };
  }

  /** Loads the weights and tokenizer of a checkpoint folder of the same architecture (Node). */
  async load(dir: string): Promise<void> {
    this.loadFiles(await readCheckpointFiles(dir), dir);
  }

  /** Loads the weights and tokenizer of a checkpoint of the same architecture from its files. */
  loadFiles(files: CheckpointFiles, source = 'checkpoint'): void {
    const config = parseCheckpointConfig(files.config, source);
    // The architecture only: the init seed and the vision learning rate do not shape the weights.
    const shape = (c: ModelConfig) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(c)
            .filter(([k]) => k !== 'initSeed' && k !== 'visionLearningRateScale')
            .sort(([a], [b]) => a.localeCompare(b)),
        ),
      );
    const mine = shape(this.config);
    const theirs = shape(config);
    if (mine !== theirs)
      throw new Error(
        `Checkpoint ${source} has another architecture:\n  checkpoint: ${theirs}\n  this model: ${mine}`,
      );
    let tensors: ReturnType<typeof decodeSafetensors>['tensors'];
    try {
      ({ tensors } = decodeSafetensors(files.model));
    } catch (error) {
      throw new Error(`${source}: model.safetensors cannot be read: ${(error as Error).message}`);
    }
    const specs = weightSpecs(this.config);
    for (const spec of specs) {
      const t = tensors.get(spec.name);
      if (!t)
        throw new Error(
          `${source}: model.safetensors lacks weight ${spec.name} (it has ${tensors.size} tensors; config.json describes ${specs.length}): the weights belong to another architecture`,
        );
      if (t.shape.join(',') !== spec.shape.join(','))
        throw new Error(
          `${source}: model.safetensors weight ${spec.name} has shape [${t.shape}], but config.json needs [${spec.shape}]: the weights belong to another architecture`,
        );
    }
    for (const spec of specs) {
      const t = tensors.get(spec.name)!;
      tf.tidy(() => this.network.w(spec.name).assign(tf.tensor(t.data, t.shape)));
    }
    this.tok = parseTokenizer(files.tokenizer, source);
  }

  dispose(): void {
    this.network.dispose();
  }
}

function firstStop(text: string, stops: readonly string[]): number | undefined {
  let best: number | undefined;
  for (const s of stops) {
    const i = s ? text.indexOf(s) : -1;
    if (i >= 0 && (best === undefined || i + s.length < best)) best = i + s.length;
  }
  return best;
}

/** The model config of a checkpoint's `config.json`; an error says what the file is instead. */
function parseCheckpointConfig(text: string, source: string): ModelConfig {
  let json: { format?: string; model?: ModelConfig; architectures?: unknown; model_type?: unknown };
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: config.json is not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || json.format !== CHECKPOINT_FORMAT || !json.model) {
    const other = Array.isArray(json?.architectures)
      ? ` (it describes ${json.architectures.join(', ')})`
      : typeof json?.model_type === 'string'
        ? ` (it describes a ${json.model_type} model)`
        : typeof json?.format === 'string'
          ? ` (its format is '${json.format}')`
          : '';
    throw new Error(
      `${source}: config.json is not a ${CHECKPOINT_FORMAT} checkpoint${other}; rl4vlm train writes config.json, model.safetensors and tokenizer.json into each checkpoint's policy/ folder`,
    );
  }
  try {
    return validateConfig(json.model);
  } catch (error) {
    throw new Error(`${source}: config.json: ${(error as Error).message}`);
  }
}

function parseTokenizer(text: string, source: string): BpeTokenizer {
  try {
    return BpeTokenizer.fromJSON(JSON.parse(text));
  } catch (error) {
    throw new Error(`${source}: tokenizer.json is not an rl4vlm tokenizer (${(error as Error).message})`);
  }
}
