import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cotLogProb, splitThoughtAction, tokenWeights } from '../src/action-split.js';
import { type PpoLossSettings, ppoLoss } from '../src/ppo-loss.js';
import { CharTokenizer } from './fixtures/char-policy.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const paper: PpoLossSettings = {
  clipRatio: 0.1,
  valueClip: 0.1,
  valueCoef: 0.5,
  entropyCoef: 0,
  klCoef: 0,
  ratioGuard: 10,
};
const tok = new CharTokenizer();
const num = (t: tf.Tensor) => t.dataSync()[0]!;

// Sample A: a reply with an "action": key; sample B: 7 tokens and no key (fallback: the last 5 are the action).
const replyA = '{"t":"x","action":"+"}';
const idsA = tok.encode(replyA).slice(-4); // '":"+"}' → we only need 4 tokens: '"+"}' all action
const splitA = { actionStart: 2, length: 4, foundKey: true };
const lpA = [-1, -2, -0.5, -0.25];
const idsB = tok.encode('so plus');
const splitB = splitThoughtAction(idsB, tok);
const lpB = new Array(7).fill(-0.1);

function batchInput(ratios: [number, number], adv: [number, number]) {
  const L = 7;
  const pad = (xs: number[]) => [...xs, ...new Array(L - xs.length).fill(0)];
  const newA = cotLogProb(lpA, splitA, 0.5); // 0.5·(−3) − 0.75 = −2.25
  const newB = cotLogProb(lpB, splitB, 0.5); // 0.5·(−0.2) − 0.5 = −0.6
  return {
    tokenLogProbs: tf.tensor2d([pad(lpA), lpB]),
    tokenWeights: tf.tensor2d([tokenWeights(splitA, 0.5, L), tokenWeights(splitB, 0.5, L)]),
    mask: tf.tensor2d([pad([1, 1, 1, 1]), new Array(7).fill(1)]),
    values: tf.tensor1d([0.5, 0]),
    oldLogProbs: tf.tensor1d([newA - Math.log(ratios[0]), newB - Math.log(ratios[1])]),
    advantages: tf.tensor1d(adv),
    returns: tf.tensor1d([1, -0.5]),
    oldValues: tf.tensor1d([0.3, 0.05]),
  };
}

describe('ppoLoss', () => {
  it('uses the fallback split for a reply with no "action": key', () => {
    expect(idsA.length).toBe(4);
    expect(splitB).toEqual({ actionStart: 2, length: 7, foundKey: false });
    expect(cotLogProb(lpB, splitB, 0.5)).toBeCloseTo(-0.6, 12);
  });

  it('matches hand-computed values (clipped ratio, clipped value loss, approx-KL, clip fraction)', () => {
    // A: r = 1.2, A = +1 → max(−1.2, −1.1) = −1.1.   B: r = 0.8, A = −2 → max(1.6, 1.8) = 1.8.
    // L_pg = (−1.1 + 1.8)/2 = 0.35.
    // A: (0.5−1)² = 0.25, V_c = 0.4 → 0.36 → 0.36.   B: (0−(−0.5))² = 0.25, V_c = 0 → 0.25.
    // L_v = 0.5·(0.36 + 0.25)/2 = 0.1525;  loss = 0.35 + 0.5·0.1525 = 0.42625.
    const out = ppoLoss(batchInput([1.2, 0.8], [1, -2]), paper);
    expect(num(out.policyLoss)).toBeCloseTo(0.35, 5);
    expect(num(out.valueLoss)).toBeCloseTo(0.1525, 5);
    expect(num(out.loss)).toBeCloseTo(0.42625, 5);
    const akl = (0.2 - Math.log(1.2) + (-0.2 - Math.log(0.8))) / 2;
    expect(num(out.approxKl)).toBeCloseTo(akl, 5);
    expect(num(out.clipFraction)).toBe(1);
    expect(num(out.guardFired)).toBe(0);
  });

  it('without value clipping uses the plain squared error', () => {
    const out = ppoLoss(batchInput([1, 1], [1, 1]), { ...paper, valueClip: null });
    expect(num(out.valueLoss)).toBeCloseTo(0.5 * ((0.25 + 0.25) / 2), 6);
    expect(num(out.policyLoss)).toBeCloseTo(-1, 6);
    expect(num(out.clipFraction)).toBe(0);
  });

  it('weights the gradient of thought tokens by λ and of action tokens by 1 (keyed and unkeyed replies)', () => {
    // At r = 1, ∂L_pg/∂ log p_i = −A·w_i / B. With A = (1, 1), B = 2: −w_i / 2.
    const input = batchInput([1, 1], [1, 1]);
    const g = tf.grad(
      (lp: tf.Tensor) => ppoLoss({ ...input, tokenLogProbs: lp }, { ...paper, valueCoef: 0 }).loss,
    )(input.tokenLogProbs);
    const rows = g.arraySync() as number[][];
    expect(rows[0]!.map((x) => x + 0)).toEqual(
      [-0.25, -0.25, -0.5, -0.5, 0, 0, 0].map((x) => expect.closeTo(x, 6)),
    );
    expect(rows[1]).toEqual([-0.25, -0.25, -0.5, -0.5, -0.5, -0.5, -0.5].map((x) => expect.closeTo(x, 6)));
  });

  it('the ratio guard switches to −clip(r)·A when any ratio exceeds it', () => {
    // A: r = 20, A = −1 → plain PPO picks max(20, 1.1) = 20; guarded: −clip·A = 1.1.  B: r = 1, A = 1 → −1 both ways.
    const guarded = ppoLoss(batchInput([20, 1], [-1, 1]), paper);
    expect(num(guarded.guardFired)).toBe(1);
    expect(num(guarded.policyLoss)).toBeCloseTo((1.1 - 1) / 2, 5);
    const plain = ppoLoss(batchInput([20, 1], [-1, 1]), { ...paper, ratioGuard: null });
    expect(num(plain.policyLoss)).toBeCloseTo((20 - 1) / 2, 4);
  });

  it('adds the entropy bonus and the k3 KL penalty when asked', () => {
    const input = batchInput([1, 1], [0, 0]);
    const entropy = tf.tensor2d([
      [1, 1, 1, 1, 9, 9, 9],
      [2, 2, 2, 2, 2, 2, 2],
    ]);
    // Mean entropy over the 11 real tokens: (4·1 + 7·2)/11.
    const ref = tf.add(input.tokenLogProbs, tf.mul(input.mask, 0.1)); // d = 0.1 on every real token
    const k3 = Math.exp(0.1) - 0.1 - 1;
    const out = ppoLoss(
      { ...input, entropy, refTokenLogProbs: ref },
      { ...paper, valueCoef: 0, entropyCoef: 0.1, klCoef: 2 },
    );
    expect(num(out.entropy)).toBeCloseTo(18 / 11, 5);
    expect(num(out.kl)).toBeCloseTo(((4 + 7) * k3) / 2, 6);
    expect(num(out.loss)).toBeCloseTo(0 - 0.1 * (18 / 11) + 2 * (((4 + 7) * k3) / 2), 5);
    expect(() => ppoLoss(input, { ...paper, klCoef: 1 })).toThrow(/needs refTokenLogProbs/);
  });
});
