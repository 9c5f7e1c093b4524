import { Rng } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';
import { imageTokens, type LoraTarget, type ModelConfig } from './config.js';

/** How one weight starts. */
type Init = { kind: 'normal'; std: number } | { kind: 'zeros' } | { kind: 'ones' };

/** One named weight of the model. Linear weights are stored `[in, out]`. */
export interface WeightSpec {
  name: string;
  shape: number[];
  init: Init;
  /** True for LoRA adapters. */
  lora: boolean;
  /** True for the value head, which is always trained in full. */
  valueHead: boolean;
}

/** A linear layer's name and, when it can get a LoRA adapter, which target selects it. */
interface LinearSpec {
  name: string;
  inDim: number;
  outDim: number;
  target?: LoraTarget;
  std?: number;
}

function linears(c: ModelConfig): LinearSpec[] {
  const out: LinearSpec[] = [
    { name: 'vision.patch_embed', inDim: c.patchSize * c.patchSize * 3, outDim: c.visionDim },
  ];
  for (let l = 0; l < c.visionLayers; l++) {
    for (const p of ['q', 'k', 'v', 'o'])
      out.push({
        name: `vision.layers.${l}.attn.${p}`,
        inDim: c.visionDim,
        outDim: c.visionDim,
        target: 'vision',
      });
    out.push({
      name: `vision.layers.${l}.mlp.fc1`,
      inDim: c.visionDim,
      outDim: c.visionFfn,
      target: 'vision',
    });
    out.push({
      name: `vision.layers.${l}.mlp.fc2`,
      inDim: c.visionFfn,
      outDim: c.visionDim,
      target: 'vision',
    });
  }
  out.push({ name: 'projector.0', inDim: c.visionDim, outDim: c.dim, target: 'projector' });
  out.push({ name: 'projector.2', inDim: c.dim, outDim: c.dim, target: 'projector' });
  for (let l = 0; l < c.layers; l++) {
    for (const p of ['q', 'k', 'v', 'o'] as const)
      out.push({ name: `lm.layers.${l}.attn.${p}_proj`, inDim: c.dim, outDim: c.dim, target: p });
    out.push({ name: `lm.layers.${l}.mlp.gate_proj`, inDim: c.dim, outDim: c.ffn, target: 'gate' });
    out.push({ name: `lm.layers.${l}.mlp.up_proj`, inDim: c.dim, outDim: c.ffn, target: 'up' });
    out.push({ name: `lm.layers.${l}.mlp.down_proj`, inDim: c.ffn, outDim: c.dim, target: 'down' });
  }
  return out;
}

/** Every weight of a model with config `c`, in a fixed order (the order of the safetensors file). */
export function weightSpecs(c: ModelConfig): WeightSpec[] {
  const specs: WeightSpec[] = [];
  const add = (name: string, shape: number[], init: Init, extra: Partial<WeightSpec> = {}) =>
    specs.push({ name, shape, init, lora: false, valueHead: false, ...extra });
  const targets = new Set(c.lora ? (c.lora.targets ?? ['q', 'k', 'v', 'o', 'gate', 'up', 'down']) : []);
  for (const lin of linears(c)) {
    add(`${lin.name}.weight`, [lin.inDim, lin.outDim], {
      kind: 'normal',
      std: lin.std ?? 1 / Math.sqrt(lin.inDim),
    });
    if (c.lora && lin.target && targets.has(lin.target)) {
      add(
        `${lin.name}.lora_A`,
        [lin.inDim, c.lora.rank],
        { kind: 'normal', std: 1 / Math.sqrt(lin.inDim) },
        { lora: true },
      );
      add(`${lin.name}.lora_B`, [c.lora.rank, lin.outDim], { kind: 'zeros' }, { lora: true });
    }
  }
  add('vision.pos_embed', [imageTokens(c), c.visionDim], { kind: 'normal', std: 0.02 });
  for (let l = 0; l < c.visionLayers; l++) {
    add(`vision.layers.${l}.norm1.weight`, [c.visionDim], { kind: 'ones' });
    add(`vision.layers.${l}.norm2.weight`, [c.visionDim], { kind: 'ones' });
  }
  add('vision.norm.weight', [c.visionDim], { kind: 'ones' });
  add('lm.embed_tokens.weight', [c.vocabSize, c.dim], { kind: 'normal', std: 0.02 });
  for (let l = 0; l < c.layers; l++) {
    add(`lm.layers.${l}.input_norm.weight`, [c.dim], { kind: 'ones' });
    add(`lm.layers.${l}.post_attention_norm.weight`, [c.dim], { kind: 'ones' });
  }
  add('lm.norm.weight', [c.dim], { kind: 'ones' });
  if (!c.tieEmbeddings)
    add('lm_head.weight', [c.dim, c.vocabSize], { kind: 'normal', std: 1 / Math.sqrt(c.dim) });
  const vh = { valueHead: true };
  add('value_head.0.weight', [c.dim, c.valueHidden], { kind: 'normal', std: 1 / Math.sqrt(c.dim) }, vh);
  add('value_head.0.bias', [c.valueHidden], { kind: 'zeros' }, vh);
  add(
    'value_head.2.weight',
    [c.valueHidden, c.valueHidden / 2],
    { kind: 'normal', std: 1 / Math.sqrt(c.valueHidden) },
    vh,
  );
  add('value_head.2.bias', [c.valueHidden / 2], { kind: 'zeros' }, vh);
  add(
    'value_head.4.weight',
    [c.valueHidden / 2, 1],
    { kind: 'normal', std: 1 / Math.sqrt(c.valueHidden / 2) },
    vh,
  );
  add('value_head.4.bias', [1], { kind: 'zeros' }, vh);
  return specs;
}

/** Initial values from a seeded generator (Box–Muller), identical on every backend. */
export function initialValues(spec: WeightSpec, rng: Rng): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (spec.init.kind === 'ones') out.fill(1);
  else if (spec.init.kind === 'normal') {
    for (let i = 0; i < size; i++) {
      const u = 1 - rng.float();
      const v = rng.float();
      out[i] = spec.init.std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
  }
  return out;
}

/** Creates the model's variables. With LoRA, only adapters and the value head are trainable. */
let modelCount = 0;

export function createWeights(c: ModelConfig): Map<string, tf.Variable> {
  const rng = new Rng(c.initSeed);
  // Adapters draw from their own generator, so a LoRA model's base weights equal the plain model's.
  const loraRng = new Rng(c.initSeed + 1);
  // tfjs variable names are global to the engine: suffix them so several models can coexist.
  const suffix = `__m${modelCount++}`;
  const weights = new Map<string, tf.Variable>();
  for (const spec of weightSpecs(c)) {
    const trainable = !c.lora || spec.lora || spec.valueHead;
    const initial = tf.tensor(initialValues(spec, spec.lora ? loraRng : rng), spec.shape, 'float32');
    weights.set(spec.name, tf.variable(initial, trainable, `${spec.name}${suffix}`));
    initial.dispose();
  }
  return weights;
}
