import * as tf from '@tensorflow/tfjs-core';
import { imageTokens, type ModelConfig } from './config.js';
import { gatherRows } from './gather-rows.js';
import {
  attention,
  concatSliced,
  gelu,
  mergeHeads,
  rmsNorm,
  rotaryTables,
  rotateHalfMatrix,
  silu,
  splitQkv,
  swiglu,
} from './layers.js';
import { createWeights } from './weights.js';

/** A run of a row: text tokens, one image (its patch tokens), or padding (masked out). */
export type Piece =
  | { kind: 'tokens'; ids: number[] }
  | { kind: 'image'; index: number; start: number; count: number }
  | { kind: 'pad'; count: number };

/** Cached keys and values of one layer, `[B, H, T, dh]` each. */
export type LayerCache = {
  k: tf.Tensor;
  v: tf.Tensor;
};

/** What the attention of a chunk may see: for every row, which slots so far are real tokens. */
export interface ChunkMask {
  /** `real[row]` covers the cached slots followed by the chunk's slots. */
  real: boolean[][];
  /** Slots already in the cache. */
  pastLength: number;
}

const NEG = -1e9;

/**
 * Projection weights the forward pass uses concatenated, by layer prefix: `<attn>.qkv`
 * `[d, 3d]` (q's columns pre-multiplied by the attention scale `1/√dh`) and `<mlp>.gate_up`
 * `[d, 2·ffn]`. One product instead of three (two), and one gradient product each way. Built
 * from the stored weights (checkpoints keep separate q/k/v), inside the tape when training, once
 * per call when generating. Layers with LoRA adapters on those projections are left out.
 */
export type FusedWeights = Map<string, tf.Tensor2D>;

/**
 * The LLaVA-style network: ViT (patch embedding by reshape + matMul) → projector (2 linears,
 * GELU) → LLaMA-style decoder (RMSNorm, rotary, SwiGLU, causal attention) → tied or untied LM
 * head; and a value MLP on a hidden state. Pure functions of its weights; call inside `tf.tidy`.
 */
export class VlmNetwork {
  readonly config: ModelConfig;
  readonly weights: Map<string, tf.Variable>;
  private readonly loraScale: number;
  /** The constant rotate-half matrix of the rotary embedding, made on first use. */
  private rotate: tf.Tensor2D | undefined;

  constructor(config: ModelConfig) {
    this.config = config;
    this.weights = createWeights(config);
    this.loraScale = config.lora ? config.lora.alpha / config.lora.rank : 0;
  }

  w(name: string): tf.Variable {
    const v = this.weights.get(name);
    if (!v) throw new Error(`Missing weight ${name}`);
    return v;
  }

  /** `x [..., in] → [..., out]`, plus the LoRA adapter where the layer has one. */
  linear(x: tf.Tensor, name: string): tf.Tensor {
    const shape = x.shape;
    const x2 = tf.reshape(x, [-1, shape[shape.length - 1]!]) as tf.Tensor2D;
    let y = tf.matMul(x2, this.w(`${name}.weight`) as tf.Tensor2D);
    const a = this.weights.get(`${name}.lora_A`);
    if (a)
      y = tf.add(
        y,
        tf.mul(
          tf.matMul(tf.matMul(x2, a as tf.Tensor2D), this.w(`${name}.lora_B`) as tf.Tensor2D),
          this.loraScale,
        ),
      );
    return tf.reshape(y, [...shape.slice(0, -1), y.shape[1]!]);
  }

  /** The concatenated projections of {@link FusedWeights}; call inside `tf.tidy` (or keep them). */
  fusedWeights(): FusedWeights {
    const c = this.config;
    const fused: FusedWeights = new Map();
    const plain = (names: string[]) => names.every((n) => !this.weights.has(`${n}.lora_A`));
    const qkv = (pre: string, parts: string[], headDim: number) => {
      const names = parts.map((p) => `${pre}.${p}`);
      if (!plain(names)) return;
      const [q, k, v] = names.map((n) => this.w(`${n}.weight`));
      fused.set(`${pre}.qkv`, concatSliced([tf.mul(q!, 1 / Math.sqrt(headDim)), k!, v!], 1) as tf.Tensor2D);
    };
    for (let l = 0; l < c.visionLayers; l++)
      qkv(`vision.layers.${l}.attn`, ['q', 'k', 'v'], c.visionDim / c.visionHeads);
    for (let l = 0; l < c.layers; l++) {
      qkv(`lm.layers.${l}.attn`, ['q_proj', 'k_proj', 'v_proj'], c.dim / c.heads);
      const mlp = `lm.layers.${l}.mlp`;
      if (plain([`${mlp}.gate_proj`, `${mlp}.up_proj`]))
        fused.set(
          `${mlp}.gate_up`,
          concatSliced(
            [this.w(`${mlp}.gate_proj.weight`), this.w(`${mlp}.up_proj.weight`)],
            1,
          ) as tf.Tensor2D,
        );
    }
    return fused;
  }

  /** `x [..., in] × w [in, out] → [..., out]`. */
  private product(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
    const shape = x.shape;
    const y = tf.matMul(tf.reshape(x, [-1, shape[shape.length - 1]!]) as tf.Tensor2D, w);
    return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]]);
  }

  /** `[B, T, 3·d]`: q (scaled by `1/√dh`), k and v of `x`, fused when the layer allows. */
  private qkv(x: tf.Tensor, pre: string, parts: string[], headDim: number, fused: FusedWeights): tf.Tensor {
    const w = fused.get(`${pre}.qkv`);
    if (w) return this.product(x, w);
    const [q, k, v] = parts.map((p) => this.linear(x, `${pre}.${p}`));
    return concatSliced([tf.mul(q!, 1 / Math.sqrt(headDim)), k!, v!], -1);
  }

  /** SwiGLU `silu(gate(x)) · up(x)`, the two projections fused when the layer allows. */
  private gatedUp(x: tf.Tensor, mlp: string, fused: FusedWeights): tf.Tensor {
    const w = fused.get(`${mlp}.gate_up`);
    if (!w) return tf.mul(silu(this.linear(x, `${mlp}.gate_proj`)), this.linear(x, `${mlp}.up_proj`));
    return swiglu(this.product(x, w));
  }

  /** Pixels `[N, S, S, 3]` (normalised) → image tokens in the LM's width, `[N, P, dim]`. */
  encodeImages(pixels: tf.Tensor4D, fused: FusedWeights = this.fusedWeights()): tf.Tensor3D {
    const c = this.config;
    const n = pixels.shape[0];
    const g = c.imageSize / c.patchSize;
    const p = c.patchSize;
    // Patchify by reshape + transpose: [N, g, p, g, p, 3] → [N, g, g, p, p, 3] → [N, g², p²·3].
    const patches = tf.reshape(tf.transpose(tf.reshape(pixels, [n, g, p, g, p, 3]), [0, 1, 3, 2, 4, 5]), [
      n,
      g * g,
      p * p * 3,
    ]);
    let x = tf.add(this.linear(patches, 'vision.patch_embed'), this.w('vision.pos_embed'));
    for (let l = 0; l < c.visionLayers; l++) {
      const pre = `vision.layers.${l}`;
      const h = rmsNorm(x, this.w(`${pre}.norm1.weight`));
      const [q, k, v] = splitQkv(
        this.qkv(h, `${pre}.attn`, ['q', 'k', 'v'], c.visionDim / c.visionHeads, fused),
        c.visionHeads,
      );
      x = tf.add(x, this.linear(mergeHeads(attention(q, k, v, undefined, 1)), `${pre}.attn.o`));
      const h2 = rmsNorm(x, this.w(`${pre}.norm2.weight`));
      x = tf.add(x, this.linear(gelu(this.linear(h2, `${pre}.mlp.fc1`)), `${pre}.mlp.fc2`));
    }
    x = rmsNorm(x, this.w('vision.norm.weight'));
    return this.linear(gelu(this.linear(x, 'projector.0')), 'projector.2') as tf.Tensor3D;
  }

  /**
   * The input embeddings `[B, T, dim]` of rows of pieces (all rows the same length): one row
   * gather from the token table, with the image tokens appended to it when there are images.
   * Padding slots take row 0; they are masked out of attention, so they never matter.
   */
  embedRows(rows: Piece[][], imageEmbeds: tf.Tensor3D | undefined): tf.Tensor3D {
    const d = this.config.dim;
    const vocab = this.config.vocabSize;
    const perImage = imageEmbeds?.shape[1] ?? 0;
    const t = rows[0]?.reduce((n, p) => n + (p.kind === 'tokens' ? p.ids.length : p.count), 0) ?? 0;
    const indices = new Int32Array(rows.length * t);
    let at = 0;
    rows.forEach((row, r) => {
      for (const piece of row) {
        if (piece.kind === 'tokens') for (const id of piece.ids) indices[at++] = id;
        else if (piece.kind === 'image') {
          if (!imageEmbeds) throw new Error('embedRows: an image piece but no image embeddings');
          for (let j = 0; j < piece.count; j++)
            indices[at++] = vocab + piece.index * perImage + piece.start + j;
        } else at += piece.count;
      }
      if (at !== (r + 1) * t) throw new Error(`embedRows: row ${r} has ${at - r * t} slots, expected ${t}`);
    });
    const tokens = this.w('lm.embed_tokens.weight') as tf.Tensor2D;
    const table = imageEmbeds
      ? (concatSliced([tokens, tf.reshape(imageEmbeds, [-1, d])], 0) as tf.Tensor2D)
      : tokens;
    return tf.reshape(gatherRows(table, indices), [rows.length, t, d]) as tf.Tensor3D;
  }

  /**
   * Runs the decoder over a chunk `x [B, T, dim]` that follows `past` (may be empty).
   * Returns the final-normed hidden states of the chunk's positions `outputFrom..T-1`
   * (`[B, T - outputFrom, dim]`) and the keys/values of past + chunk.
   *
   * `outputFrom` skips work no caller reads: the last layer's keys and values are needed at every
   * position, but its attention output, MLP and final norm only where a hidden state is read
   * (scoring reads the last prompt position and the reply; a prefill only the last position).
   * Exact: the skipped positions feed nothing downstream.
   */
  decode(
    x: tf.Tensor3D,
    mask: ChunkMask,
    past: LayerCache[] | undefined,
    fused: FusedWeights = this.fusedWeights(),
    { outputFrom = 0 }: { outputFrom?: number } = {},
  ): { hidden: tf.Tensor3D; present: LayerCache[] } {
    const c = this.config;
    const [b, t] = x.shape;
    if (!(Number.isInteger(outputFrom) && outputFrom >= 0 && outputFrom < t))
      throw new RangeError(`decode: outputFrom must be an integer in 0..${t - 1}, got ${outputFrom}`);
    const total = mask.pastLength + t;
    const positions: number[][] = [];
    const bias = new Float32Array(b * t * total);
    for (let r = 0; r < b; r++) {
      const real = mask.real[r]!;
      if (real.length !== total)
        throw new Error(`decode: row ${r} mask covers ${real.length} slots, expected ${total}`);
      let count = 0;
      for (let s = 0; s < mask.pastLength; s++) if (real[s]) count++;
      // The row's bias where causality allows everything; each query copies its prefix of it.
      const open = new Float32Array(total);
      for (let k = 0; k < total; k++) open[k] = real[k] ? 0 : NEG;
      const pos: number[] = [];
      for (let q = 0; q < t; q++) {
        const slot = mask.pastLength + q;
        pos.push(count);
        if (real[slot]) count++;
        const at = (r * t + q) * total;
        bias.set(open.subarray(0, slot + 1), at);
        bias.fill(NEG, at + slot + 1, at + total);
      }
      positions.push(pos);
    }
    const biasT = tf.tensor4d(bias, [b, 1, t, total]);
    const headDim = c.dim / c.heads;
    const { cos, sin } = rotaryTables(positions, headDim, c.ropeTheta, { qkv: true });
    this.rotate ??= tf.keep(rotateHalfMatrix(c.dim / c.heads));
    const rotate = this.rotate;
    const present: LayerCache[] = [];
    let h: tf.Tensor = x;
    for (let l = 0; l < c.layers; l++) {
      const pre = `lm.layers.${l}`;
      const n1 = rmsNorm(h, this.w(`${pre}.input_norm.weight`));
      // q, k and v rotated at once (v's tables are the identity).
      const qkv = this.qkv(n1, `${pre}.attn`, ['q_proj', 'k_proj', 'v_proj'], headDim, fused);
      let [q, k, v] = splitQkv(qkv, c.heads, { cos, sin, rotate });
      if (past?.[l]) {
        k = tf.concat([past[l]!.k, k], 2);
        v = tf.concat([past[l]!.v, v], 2);
      }
      present.push({ k, v });
      let bias: tf.Tensor = biasT;
      if (l === c.layers - 1 && outputFrom > 0) {
        // The last layer: queries (and everything after attention) only where output is read.
        q = tf.slice(q, [0, 0, outputFrom, 0], [-1, -1, -1, -1]);
        bias = tf.slice(biasT, [0, 0, outputFrom, 0], [-1, -1, -1, -1]);
        h = tf.slice(h, [0, outputFrom, 0], [-1, -1, -1]);
      }
      h = tf.add(h, this.linear(mergeHeads(attention(q, k, v, bias, 1)), `${pre}.attn.o_proj`));
      const n2 = rmsNorm(h, this.w(`${pre}.post_attention_norm.weight`));
      h = tf.add(h, this.linear(this.gatedUp(n2, `${pre}.mlp`, fused), `${pre}.mlp.down_proj`));
    }
    return { hidden: rmsNorm(h, this.w('lm.norm.weight')) as tf.Tensor3D, present };
  }

  /**
   * The output projection `[dim, vocab]` (the transposed token table when tied). A decode loop
   * computes it once and passes it to {@link logits}: the wasm matMul caches its packed weights
   * per tensor, so a fresh transpose every step would re-pack the whole table every step.
   */
  outputProjection(): tf.Tensor2D {
    return this.config.tieEmbeddings
      ? tf.transpose(this.w('lm.embed_tokens.weight') as tf.Tensor2D)
      : (this.w('lm_head.weight') as tf.Tensor2D);
  }

  /** Next-token logits `[n, vocab]` of hidden states `[n, dim]`. */
  logits(h: tf.Tensor2D, projection: tf.Tensor2D = this.outputProjection()): tf.Tensor2D {
    return tf.matMul(h, projection);
  }

  /** V(s) `[n]` of hidden states `[n, dim]`: `dim → h → ReLU → h/2 → ReLU → 1`. */
  value(h: tf.Tensor2D): tf.Tensor1D {
    const layer = (x: tf.Tensor2D, i: number) =>
      tf.add(
        tf.matMul(x, this.w(`value_head.${i}.weight`) as tf.Tensor2D),
        this.w(`value_head.${i}.bias`),
      ) as tf.Tensor2D;
    const out = layer(tf.relu(layer(tf.relu(layer(h, 0)), 2)), 4);
    return tf.reshape(out, [-1]) as tf.Tensor1D;
  }

  /** Image tokens per image. */
  get imageTokenCount(): number {
    return imageTokens(this.config);
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    this.rotate?.dispose();
  }
}
