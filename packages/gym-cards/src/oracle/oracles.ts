import type { Env, Info, TextOptions } from '@rl4vlm/env';
import { BlackjackSolver } from '../blackjack-dp.js';
import { blackjackValue } from '../blackjack-rules.js';
import { type BlackjackKwargs, type BlackjackState, blackjackKwargsSchema } from '../envs/blackjack.js';
import { EZ_POINTS_ACTIONS } from '../envs/ez-points.js';
import type { NumberLineState } from '../envs/number-line.js';
import type { PointsState } from '../envs/points-game.js';
import { points24Actions, points24KwargsSchema } from '../envs/points24.js';
import { GYM_CARDS_IDS, type GymCardsEnvId } from '../ids.js';
import { advisePoints, type PointsRules } from '../solver.js';
import { blackjackReply } from '../text/blackjack-text.js';
import { numberLineReply } from '../text/number-line-text.js';
import { pointsReply } from '../text/points-text.js';

/** An optimal policy for one env that reads the symbolic state in `info.state`. */
export interface Oracle {
  /** The optimal action id for this state. */
  action(info: Info): number;
  /** The same choice written as a model reply in the env's format (with reasoning when `cot`), e.g. for SFT data. */
  reply(info: Info, options?: TextOptions): string;
}

/** NumberLine: step toward the target. */
export function numberLineOracleAction(state: NumberLineState): 0 | 1 {
  return state.position < state.target ? 1 : 0;
}

const EZ_RULES: PointsRules = { target: 12, operators: ['+', '*'], parentheses: false, maxFormulaLength: 5 };
const points24Rules = (target: number): PointsRules => ({
  target,
  operators: ['+', '-', '*', '/'],
  parentheses: true,
  maxFormulaLength: 20,
});

function pointsOracle(rules: (state: PointsState) => PointsRules, labels: readonly string[]): Oracle {
  const advise = (info: Info) => {
    const state = info.state as PointsState;
    return advisePoints(state.numbers, state.formula, rules(state));
  };
  return {
    action: (info) => labels.indexOf(advise(info).token),
    reply: (info, options) => pointsReply(info, advise(info), options),
  };
}

const solvers = new Map<string, BlackjackSolver>();
function blackjackSolver(rules: BlackjackKwargs): BlackjackSolver {
  const key = `${rules.natural}|${rules.sab}`;
  let solver = solvers.get(key);
  if (!solver) {
    solver = new BlackjackSolver(rules);
    solvers.set(key, solver);
  }
  return solver;
}

function blackjackOracle(kwargs: Record<string, unknown>): Oracle {
  const solver = blackjackSolver(blackjackKwargsSchema.parse({ natural: false, sab: false, ...kwargs }));
  const action = (info: Info) => {
    const state = info.state as BlackjackState;
    const q = solver.actionValues(state.player.map(blackjackValue), blackjackValue(state.dealerShowing));
    return q.hit > q.stand ? 1 : 0;
  };
  return {
    action,
    reply: (info, options = {}) => blackjackReply(info, action(info), options),
  };
}

/**
 * The optimal policy for a gym-cards env, by id and the kwargs the env was made with:
 * NumberLine steps toward the target; EZPoints and Points24 follow an exact solver's shortest
 * winning formula (and press `=` at once on an unsolvable deal); Blackjack plays the policy of
 * maximal expected return found by dynamic programming.
 */
export function createOracle(envId: GymCardsEnvId | string, kwargs: Record<string, unknown> = {}): Oracle {
  switch (envId) {
    case GYM_CARDS_IDS.numberLine:
      return {
        action: (info) => numberLineOracleAction(info.state as NumberLineState),
        reply: (info, options) =>
          numberLineReply(info, numberLineOracleAction(info.state as NumberLineState), options),
      };
    case GYM_CARDS_IDS.ezPoints:
      return pointsOracle(() => EZ_RULES, EZ_POINTS_ACTIONS);
    case GYM_CARDS_IDS.points24: {
      const { treatFaceCardsAs10 } = points24KwargsSchema.parse({
        treatFaceCardsAs10: true,
        targetPoints: 24,
        ...kwargs,
      });
      return pointsOracle((state) => points24Rules(state.target), points24Actions(treatFaceCardsAs10));
    }
    case GYM_CARDS_IDS.blackjack:
      return blackjackOracle(kwargs);
    default:
      throw new RangeError(
        `No oracle for '${envId}'; gym-cards oracles exist for: ${Object.values(GYM_CARDS_IDS).join(', ')}`,
      );
  }
}

function resolve(env: Env | string, kwargs?: Record<string, unknown>): Oracle {
  if (typeof env === 'string') return createOracle(env, kwargs);
  if (!env.spec?.id)
    throw new TypeError('oracle: pass an env id, or an env made by make() (it carries spec.id)');
  return createOracle(env.spec.id, kwargs ?? env.spec.kwargs ?? {});
}

/** The oracle's action for `info` (from `reset`/`step`) of an env given by id or made by `make`. */
export function oracleAction(env: Env | string, info: Info, kwargs?: Record<string, unknown>): number {
  return resolve(env, kwargs).action(info);
}

/** The oracle's reply text for `info`; the env's parser maps it back to {@link oracleAction}. */
export function oracleReply(
  env: Env | string,
  info: Info,
  { kwargs, ...options }: TextOptions & { kwargs?: Record<string, unknown> } = {},
): string {
  return resolve(env, kwargs).reply(info, options);
}
