import { BaseEnv, Discrete, type Image, ImageSpace, type ResetResult, type StepResult } from '@rl4vlm/env';
import { type Card, cardCode } from '../cards.js';
import { evaluateFormula } from '../formula.js';
import { equals, rational } from '../rational.js';
import { FRAME_SIZE } from '../render/scenes.js';
import type { Operator, PointsRules } from '../solver.js';

/** The state of a points game as data, in `info.state`. */
export interface PointsState {
  /** Card codes as in the original, e.g. `HK`, `D2`, `ST`. */
  cards: string[];
  /** The cards' values. */
  numbers: number[];
  /** Formula entries so far; `' '` marks an invalid choice. */
  formula: string[];
  /** Number tokens accepted so far. */
  usedCards: number[];
  /** The value to reach. */
  target: number;
}

/** The fixed shape of one points game. */
export interface PointsGameConfig extends PointsRules {
  /** Number tokens by action id, e.g. `'1'…'10'`. */
  numberTokens: readonly string[];
  /** Operator tokens after the numbers, in action order (`=` comes last). */
  operatorTokens: readonly string[];
  /** How many cards are dealt; `=` wins only when all were used. */
  cardCount: number;
  /** A card's value. */
  cardValue: (card: Card) => number;
}

/**
 * The shared rules of EZPoints and Points24. A step, in the original's order:
 * 1. formula longer than the limit at the start of the step → −1, truncated (the action is ignored);
 * 2. a number the cards do not (or no longer) allow → a `' '` entry, −1;
 * 3. `=` → evaluate: +10 if the formula equals the target exactly and every card was used, else −1; terminated;
 * 4. otherwise append the token, reward 0.
 */
export abstract class PointsGameEnv extends BaseEnv<Image, number> {
  readonly observationSpace = new ImageSpace(FRAME_SIZE, FRAME_SIZE);
  readonly actionSpace: Discrete;
  override metadata = { renderModes: ['rgb_array'] };
  readonly config: PointsGameConfig;
  protected cards: Card[] = [];
  private formula: string[] = [];
  private usedCards: number[] = [];
  private frame?: Image;

  constructor(config: PointsGameConfig) {
    super();
    this.config = config;
    this.actionSpace = new Discrete(config.numberTokens.length + config.operatorTokens.length + 1, {
      labels: [...config.numberTokens, ...config.operatorTokens, '='],
    });
  }

  /** Deals this episode's cards from `this.rng`. */
  protected abstract deal(): Card[];
  /** Draws the observation. */
  protected abstract draw(cards: readonly Card[], formula: readonly string[]): Image;

  /** The rules the solver needs for this game. */
  get rules(): PointsRules {
    const { target, operators, parentheses, maxFormulaLength } = this.config;
    return { target, operators: operators as Operator[], parentheses, maxFormulaLength };
  }

  /** The symbolic state (also in `info.state`). */
  get state(): PointsState {
    return {
      cards: this.cards.map(cardCode),
      numbers: this.cards.map(this.config.cardValue),
      formula: [...this.formula],
      usedCards: [...this.usedCards],
      target: this.config.target,
    };
  }

  protected resetEpisode(): ResetResult<Image> {
    this.cards = this.deal();
    this.formula = [];
    this.usedCards = [];
    return { observation: this.redraw(), info: this.info() };
  }

  protected stepEpisode(action: number): StepResult<Image> {
    const { maxFormulaLength, cardCount } = this.config;
    const result = (reward: number, terminated: boolean, truncated: boolean): StepResult<Image> => ({
      observation: this.redraw(),
      reward,
      terminated,
      truncated,
      info: this.info(),
    });
    if (this.formula.length > maxFormulaLength) return result(-1, false, true);
    const token = this.actionSpace.label(action);
    if (/^\d+$/.test(token)) {
      const n = Number(token);
      const available = this.cards.filter((c) => this.config.cardValue(c) === n).length;
      const used = this.usedCards.filter((u) => u === n).length;
      if (used >= available) {
        this.formula.push(' ');
        return result(-1, false, false);
      }
      this.usedCards.push(n);
      this.formula.push(token);
      return result(0, false, false);
    }
    if (token === '=') {
      const value = evaluateFormula(this.formula);
      const correct = value.ok && equals(value.value, rational(this.config.target));
      const reward = correct && this.usedCards.length === cardCount ? 10 : -1;
      return result(reward, true, false);
    }
    this.formula.push(token);
    return result(0, false, false);
  }

  render(): Image {
    return this.frame ?? this.redraw();
  }

  private redraw(): Image {
    this.frame = this.draw(this.cards, this.formula);
    return this.frame;
  }

  private info() {
    const state = this.state;
    return { Cards: state.cards, Numbers: state.numbers, Formula: state.formula, state };
  }
}
