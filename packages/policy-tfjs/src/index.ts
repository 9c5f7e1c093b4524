/**
 * `@rl4vlm/policy-tfjs`: a trainable LLaVA-style vision-language policy on TensorFlow.js.
 * @packageDocumentation
 */

export {
  BACKEND_ORDER,
  type BackendCandidate,
  type BackendName,
  defaultBackendCandidates,
  type InitBackendOptions,
  initBackend,
  selectBackend,
  useBackend,
} from './backend.js';
export { CHECKPOINT_FILE_NAMES, type CheckpointFiles } from './checkpoint-format.js';
export {
  countParameters,
  imageTokens,
  LORA_TARGETS,
  type LoraConfig,
  type LoraTarget,
  type ModelConfig,
  PRESETS,
  type PresetName,
  validateConfig,
} from './config.js';
export { gatherRows } from './gather-rows.js';
export { imageToInput } from './image-input.js';
export { applyRotary, attention, gelu, rmsNorm, rotaryTables, silu } from './layers.js';
export { default, default as tfjsPolicies } from './manifest.js';
export { type LayerCache, type Piece, VlmNetwork } from './model.js';
export { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.js';
export { logSoftmax, sampleToken } from './sampling.js';
export {
  CHECKPOINT_FORMAT,
  type CreatePolicyOptions,
  type TfjsGenerateOptions,
  TfjsPolicy,
  type TfjsScoreOptions,
} from './tfjs-policy.js';
export { BpeTokenizer, type FitOptions, SPECIAL_TOKENS } from './tokenizer/bpe-tokenizer.js';
export { builtinCorpus } from './tokenizer/corpus.js';
export { GemmMode, gemmMode, loadWasmGemm, type WasmGemm } from './wasm-gemm.js';
export { installWasmIdentityFix } from './wasm-identity-fix.js';
export { installWasmMatMulFix } from './wasm-matmul-fix.js';
export { installWasmSliceFix } from './wasm-slice-fix.js';
export { weightSpecs } from './weights.js';
