/**
 * `@rl4vlm/alfworld`: ALFWorld for rl4vlm — a TypeScript household engine with ALFWorld's text
 * rules (`alfworld/Household-v0`), RL4VLM's text interface and reward, and a bridge to Python
 * ALFWorld through a JSON-lines sidecar (`alfworld/Bridge-v0`).
 * @packageDocumentation
 */
import { manifest } from './manifest.js';

export { type AlfworldBridgeInfo, AlfworldEnv } from './bridge/alfworld-env.js';
export { AlfworldSidecar } from './bridge/alfworld-sidecar.js';
export {
  type BridgeOptions,
  type BridgeOptionsInput,
  bridgeOptionsSchema,
  parseBridgeOptions,
  timeoutsSchema,
} from './bridge/bridge-options.js';
export {
  ALFWORLD_INSTALL_COMMAND,
  AlfworldNotInstalledError,
  PythonNotFoundError,
  SidecarCrashError,
  SidecarError,
  type SidecarErrorCode,
  SidecarTimeoutError,
} from './bridge/errors.js';
export * from './bridge/protocol.js';
export { defaultServerPath } from './bridge/server-path.js';
export { SidecarProcess, type SidecarProcessOptions } from './bridge/sidecar-process.js';
export { type BridgeKwargs, bridgeKwargsSchema, bridgeSpec } from './bridge-spec.js';
export * from './household/catalog.js';
export { CommandSpace, MAX_COMMAND_LENGTH } from './household/command-space.js';
export {
  type ExpertOptions,
  type ExpertStep,
  expertNextCommand,
  expertNextStep,
  expertPlan,
} from './household/expert.js';
export { feasibleTaskTypes, type GenerateOptions, generateGame } from './household/generator.js';
export { type CommandResult, type GoalProgress, Household } from './household/household.js';
export { HouseholdEnv, type HouseholdInfo } from './household/household-env.js';
export {
  type HouseholdOptions,
  type HouseholdOptionsInput,
  householdOptionsSchema,
  parseHouseholdOptions,
} from './household/household-options.js';
export { BANNER, introText, listItems, NOTHING_HAPPENS } from './household/phrases.js';
export * from './household/task-types.js';
export type { HouseholdGame, HouseObject, Receptacle, Wording } from './household/world.js';
export {
  type HouseholdKwargs,
  householdKwargsSchema,
  householdSpec,
  rewardKwargSchema,
} from './household-spec.js';
export { type AlfworldInfo, type AlfworldObservation, alfworldObservationSpace } from './observation.js';
export { HouseholdRenderer } from './render/household-renderer.js';
export { renderTextFrame } from './render/text-frame.js';
export {
  ALFWORLD_COT_LAMBDA,
  ALFWORLD_THOUGHTS,
  type AlfworldTextOptions,
  type AlfworldThought,
  alfworldText,
  alfworldThought,
} from './text/alfworld-text.js';
export { type ExpertReplyOptions, writeExpertReply } from './text/expert-reply.js';
export {
  type AlfworldHistoryEntry,
  AlfworldHistoryWrapper,
  historyKwargSchema,
} from './text/history-wrapper.js';
export {
  ACTION_TAIL_CHARS,
  NO_MATCH_POLICIES,
  type NoMatchPolicy,
  type ParseAlfworldOptions,
  parseAlfworldAction,
} from './text/parse-action.js';
export {
  type AlfworldPromptInfo,
  type AlfworldPromptOptions,
  alfworldPrompt,
  IMAGE_PLACEHOLDER,
} from './text/prompt.js';
export { pythonListRepr, pythonRepr } from './text/python-repr.js';
export {
  type AlfworldRewardOptions,
  type AlfworldRewardOptionsInput,
  type AlfworldRewardTerms,
  AlfworldRewardWrapper,
  alfworldRewardSchema,
  parseAlfworldRewardOptions,
} from './text/reward-wrapper.js';
export { manifest };

/** The env plugin manifest (`rl4vlm.env/v1`): load it with `registerManifest`. */
export default manifest;
