import * as tf from '@tensorflow/tfjs-core';
import { DECODE_WASM_BASE64 } from './decode-wasm-bytes.js';
import { RMS_EPS, rotaryFrequencies, rotaryRow } from './layers.js';
import type { FusedWeights, LayerCache, VlmNetwork } from './model.js';
import type { WasmBackendLike } from './wasm-kernel-types.js';
import { instantiateOnHeap } from './wasm-on-heap.js';

/** The exports of `assembly/decode.ts` (addresses in bytes, sizes in elements). */
interface DecodeKernels {
  rmsNorm(x: number, w: number, out: number, rows: number, d: number, eps: number): void;
  product(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    bTransposed: number,
    tmp: number,
  ): void;
  rotateIntoCache(
    qkv: number,
    cos: number,
    sin: number,
    q: number,
    kCache: number,
    vCache: number,
    rows: number,
    heads: number,
    dh: number,
    slot: number,
    tmax: number,
  ): void;
  attend(
    q: number,
    kCache: number,
    vCache: number,
    real: number,
    out: number,
    scores: number,
    rows: number,
    heads: number,
    dh: number,
    len: number,
    tmax: number,
  ): void;
  addInto(x: number, y: number, n: number): void;
  swiglu(gu: number, out: number, rows: number, ffn: number): void;
  embed(table: number, ids: number, out: number, rows: number, d: number): void;
  copyStrided(src: number, dst: number, blocks: number, run: number, stride: number): void;
}

interface Loaded {
  backend: WasmBackendLike;
  memory: { buffer: ArrayBuffer };
  kernels: DecodeKernels;
}

let active: Loaded | undefined;
const instances = new WeakMap<WasmBackendLike, Promise<Record<string, unknown> | undefined>>();

/**
 * Instantiates the decode kernels on `backend`'s heap and makes {@link FusedDecodeSession} use
 * them while that backend is the active one; `undefined` (or a backend whose memory is not
 * exposed) turns the fused decode off, and generation runs every step through tfjs kernels.
 */
export async function installFusedDecode(backend: WasmBackendLike | undefined): Promise<boolean> {
  active = undefined;
  const memory = backend?.wasm.asm?.memory as { buffer: ArrayBuffer } | undefined;
  if (!backend || !memory || !backend.wasm._free) return false;
  // One instance per backend: activating the backend again reuses it.
  let loading = instances.get(backend);
  if (!loading) {
    loading = instantiateOnHeap(backend, DECODE_WASM_BASE64);
    instances.set(backend, loading);
  }
  const exports = await loading;
  if (!exports) return false;
  active = { backend, memory, kernels: exports as unknown as DecodeKernels };
  return true;
}

/** Heap offsets of one layer's weights. */
interface LayerWeights {
  inputNorm: number;
  qkv: number;
  out: number;
  postNorm: number;
  gateUp: number;
  down: number;
}

/**
 * The KV-cached decode steps of one `generate` call as single WebAssembly calls over the wasm
 * heap: the same arithmetic as {@link VlmNetwork.decode} for one new token per row (RMSNorm,
 * fused q/k/v with the scale folded in, rotary, masked attention over the cache, output
 * projection, SwiGLU, tied or untied logits) with no tfjs kernels, tensors or tape per step.
 * The cache is preallocated for the whole call, so a step writes its keys and values in place
 * instead of concatenating the cache. Summation order differs from the tfjs kernels', so logits
 * agree to float rounding (the tests hold it to the tfjs path's tolerance), not bit for bit.
 */
export class FusedDecodeSession {
  private readonly layers: LayerWeights[];
  private readonly buffers: Record<string, number>;
  private readonly base: number;
  private readonly inv: number[];
  private readonly positions: number[];
  private slot: number;

  private constructor(
    private readonly loaded: Loaded,
    private readonly network: VlmNetwork,
    private readonly rows: number,
    private readonly tmax: number,
    layers: LayerWeights[],
    private readonly table: number,
    private readonly finalNorm: number,
    private readonly projection: { at: number; transposed: boolean },
    prefill: LayerCache[],
    real: boolean[][],
  ) {
    const c = network.config;
    const { backend, kernels } = loaded;
    this.layers = layers;
    const dh = c.dim / c.heads;
    const t0 = real[0]!.length;
    this.slot = t0;
    const cacheFloats = rows * c.heads * tmax * dh;
    // One block for every buffer of the call, in floats (the mask in bytes, rounded up).
    const sizes: [string, number][] = [
      ...Array.from({ length: c.layers }, (_, l): [string, number][] => [
        [`k${l}`, cacheFloats],
        [`v${l}`, cacheFloats],
      ]).flat(),
      ['h', rows * c.dim],
      ['n', rows * c.dim],
      ['qkv', rows * 3 * c.dim],
      ['q', rows * c.dim],
      ['att', rows * c.dim],
      ['y', rows * c.dim],
      ['gu', rows * 2 * c.ffn],
      ['act', rows * c.ffn],
      ['logits', rows * c.vocabSize],
      ['cos', rows * dh],
      ['sin', rows * dh],
      ['scores', tmax],
      ['ids', rows],
      ['tmp', 8],
      ['real', Math.ceil((rows * tmax) / 4)],
    ];
    const total = sizes.reduce((n, [, s]) => n + s, 0);
    this.base = backend.wasm._malloc(total * 4);
    this.buffers = {};
    let at = this.base;
    for (const [name, s] of sizes) {
      this.buffers[name] = at;
      at += s * 4;
    }
    const offset = (t: tf.Tensor) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
    for (let l = 0; l < c.layers; l++) {
      const { k, v } = prefill[l]!;
      kernels.copyStrided(offset(k), this.buffers[`k${l}`]!, rows * c.heads, t0 * dh, tmax * dh);
      kernels.copyStrided(offset(v), this.buffers[`v${l}`]!, rows * c.heads, t0 * dh, tmax * dh);
    }
    const mask = new Uint8Array(this.loaded.memory.buffer, this.buffers.real!, rows * tmax);
    mask.fill(0);
    this.positions = real.map((row, r) => {
      row.forEach((x, s) => {
        mask[r * tmax + s] = x ? 1 : 0;
      });
      return row.filter(Boolean).length;
    });
    this.inv = rotaryFrequencies(dh, c.ropeTheta);
  }

  /**
   * A session for `generate`'s decode steps after its prefill (`present`, `real` as the prefill
   * left them; the caller may dispose `present` afterwards), or `undefined` where the fused path
   * does not apply: not the wasm backend with the kernels loaded, or a layer without fused
   * projections (LoRA adapters).
   */
  static start(
    network: VlmNetwork,
    fused: FusedWeights,
    present: LayerCache[],
    real: boolean[][],
    maxNewTokens: number,
  ): FusedDecodeSession | undefined {
    const loaded = active;
    if (!loaded || (tf.backend() as unknown) !== loaded.backend) return undefined;
    const c = network.config;
    const offset = (t: tf.Tensor) => loaded.backend.dataIdMap.get(t.dataId)?.memoryOffset;
    const layers: LayerWeights[] = [];
    for (let l = 0; l < c.layers; l++) {
      const pre = `lm.layers.${l}`;
      const qkv = fused.get(`${pre}.attn.qkv`);
      const gateUp = fused.get(`${pre}.mlp.gate_up`);
      if (!qkv || !gateUp) return undefined;
      if (
        network.weights.has(`${pre}.attn.o_proj.lora_A`) ||
        network.weights.has(`${pre}.mlp.down_proj.lora_A`)
      )
        return undefined;
      const found = [
        offset(network.w(`${pre}.input_norm.weight`)),
        offset(qkv),
        offset(network.w(`${pre}.attn.o_proj.weight`)),
        offset(network.w(`${pre}.post_attention_norm.weight`)),
        offset(gateUp),
        offset(network.w(`${pre}.mlp.down_proj.weight`)),
      ];
      if (found.some((x) => x === undefined)) return undefined;
      const [inputNorm, q, out, postNorm, gu, down] = found as number[];
      layers.push({
        inputNorm: inputNorm!,
        qkv: q!,
        out: out!,
        postNorm: postNorm!,
        gateUp: gu!,
        down: down!,
      });
    }
    const table = offset(network.w('lm.embed_tokens.weight'));
    const finalNorm = offset(network.w('lm.norm.weight'));
    const head = c.tieEmbeddings ? table : offset(network.w('lm_head.weight'));
    if (table === undefined || finalNorm === undefined || head === undefined) return undefined;
    const rows = real.length;
    const tmax = real[0]!.length + maxNewTokens;
    return new FusedDecodeSession(
      loaded,
      network,
      rows,
      tmax,
      layers,
      table,
      finalNorm,
      { at: head, transposed: c.tieEmbeddings },
      present,
      real,
    );
  }

  /** One decode step: appends token `ids[r]` to every row; returns the next-token logits `[rows, vocab]`. */
  step(ids: readonly number[]): Float32Array {
    const { kernels, memory } = this.loaded;
    const c = this.network.config;
    const b = this.buffers;
    const rows = this.rows;
    const dh = c.dim / c.heads;
    const slot = this.slot;
    if (slot >= this.tmax)
      throw new RangeError(`fused decode: more steps than the ${this.tmax} slots allocated`);
    new Int32Array(memory.buffer, b.ids!, rows).set(ids);
    const cos = new Float32Array(memory.buffer, b.cos!, rows * dh);
    const sin = new Float32Array(memory.buffer, b.sin!, rows * dh);
    for (let r = 0; r < rows; r++) rotaryRow(this.positions[r]!++, this.inv, cos, sin, r * dh);
    const mask = new Uint8Array(memory.buffer, b.real!, rows * this.tmax);
    for (let r = 0; r < rows; r++) mask[r * this.tmax + slot] = 1;
    kernels.embed(this.table, b.ids!, b.h!, rows, c.dim);
    this.layers.forEach((w, l) => {
      kernels.rmsNorm(b.h!, w.inputNorm, b.n!, rows, c.dim, RMS_EPS);
      kernels.product(b.n!, w.qkv, b.qkv!, rows, 3 * c.dim, c.dim, 0, b.tmp!);
      kernels.rotateIntoCache(
        b.qkv!,
        b.cos!,
        b.sin!,
        b.q!,
        b[`k${l}`]!,
        b[`v${l}`]!,
        rows,
        c.heads,
        dh,
        slot,
        this.tmax,
      );
      kernels.attend(
        b.q!,
        b[`k${l}`]!,
        b[`v${l}`]!,
        b.real!,
        b.att!,
        b.scores!,
        rows,
        c.heads,
        dh,
        slot + 1,
        this.tmax,
      );
      kernels.product(b.att!, w.out, b.y!, rows, c.dim, c.dim, 0, b.tmp!);
      kernels.addInto(b.h!, b.y!, rows * c.dim);
      kernels.rmsNorm(b.h!, w.postNorm, b.n!, rows, c.dim, RMS_EPS);
      kernels.product(b.n!, w.gateUp, b.gu!, rows, 2 * c.ffn, c.dim, 0, b.tmp!);
      kernels.swiglu(b.gu!, b.act!, rows, c.ffn);
      kernels.product(b.act!, w.down, b.y!, rows, c.dim, c.ffn, 0, b.tmp!);
      kernels.addInto(b.h!, b.y!, rows * c.dim);
    });
    kernels.rmsNorm(b.h!, this.finalNorm, b.n!, rows, c.dim, RMS_EPS);
    kernels.product(
      b.n!,
      this.projection.at,
      b.logits!,
      rows,
      c.vocabSize,
      c.dim,
      this.projection.transposed ? 1 : 0,
      b.tmp!,
    );
    this.slot++;
    return new Float32Array(memory.buffer, b.logits!, rows * c.vocabSize).slice();
  }

  /** Frees the call's buffers. */
  dispose(): void {
    this.loaded.backend.wasm._free!(this.base);
  }
}
