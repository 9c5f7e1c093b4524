/**
 * `@rl4vlm/gym-cards`: NumberLine, EZPoints, Points24 and Blackjack from RL4VLM, seeded and
 * pixel-rendered, with the text layer a VLM sees and an optimal oracle for each.
 * @packageDocumentation
 */
import { gymCardsManifest } from './manifest.js';

export { type BlackjackActionValues, BlackjackSolver } from './blackjack-dp.js';
export {
  type BlackjackRules,
  blackjackValue,
  CARD_VALUE_PROBABILITIES,
  handScore,
  handTotal,
  isBust,
  isNatural,
  settle,
  usableAce,
} from './blackjack-rules.js';
export {
  type Card,
  cardCode,
  isRed,
  parseCardCode,
  rankLabel,
  rankLetter,
  SUITS,
  type Suit,
} from './cards.js';
export {
  BLACKJACK_ACTIONS,
  BlackjackEnv,
  type BlackjackKwargs,
  type BlackjackState,
  blackjackKwargsSchema,
  type CardTuple,
} from './envs/blackjack.js';
export {
  EZ_POINTS_ACTIONS,
  EzPointsEnv,
  type EzPointsKwargs,
  ezPointsKwargsSchema,
} from './envs/ez-points.js';
export {
  NUMBER_LINE_ACTIONS,
  NumberLineEnv,
  type NumberLineKwargs,
  type NumberLineState,
  numberLineKwargsSchema,
} from './envs/number-line.js';
export { type PointsGameConfig, PointsGameEnv, type PointsState } from './envs/points-game.js';
export { Points24Env, type Points24Kwargs, points24Actions, points24KwargsSchema } from './envs/points24.js';
export { evaluateFormula, type Formula, type FormulaError, type FormulaValue } from './formula.js';
export { GYM_CARDS_IDS, type GymCardsEnvId } from './ids.js';
export { gymCardsEnvs, gymCardsManifest, registerGymCards, VERSION } from './manifest.js';
export {
  createOracle,
  numberLineOracleAction,
  type Oracle,
  oracleAction,
  oracleReply,
} from './oracle/oracles.js';
export { formatRational, type Rational, rational } from './rational.js';
export { drawCardBack, drawCardFace, FELT } from './render/card-art.js';
export {
  FRAME_SIZE,
  renderBlackjack,
  renderEzPoints,
  renderNumberLine,
  renderPoints24,
} from './render/scenes.js';
export {
  advisePoints,
  isSolvable,
  type Operator,
  type PointsAdvice,
  type PointsRules,
  solvePoints,
} from './solver.js';
export { blackjackReply, blackjackTask, blackjackText } from './text/blackjack-text.js';
export { IMAGE_PLACEHOLDER, LLAVA_SYSTEM, llavaConversation } from './text/llava.js';
export { numberLineReply, numberLineTask, numberLineText } from './text/number-line-text.js';
export { ACTION_KEY, parseActionReply } from './text/parse-action.js';
export {
  ezPointsText,
  formulaText,
  PLAN_CURSOR,
  POINTS_THOUGHTS,
  type PointsThought,
  planThought,
  points24Text,
  pointsReply,
  pointsThought,
} from './text/points-text.js';

export default gymCardsManifest;
