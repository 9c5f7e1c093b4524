import { EnvRegistry, imagesEqual, isInvalidReply, Rng, registerManifest, TextEnv } from '@rl4vlm/env';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import manifest, {
  bestMove,
  parseCellReply,
  TicTacToeEnv,
  ticTacToeOracle,
  ticTacToeText,
  winner,
} from '../src/index.js';

const registry = new EnvRegistry();
registerManifest(manifest, { registry });

async function playOracle(seed: number, opponentNoise: number) {
  const env = new TextEnv(
    registry.make('tictactoe/TicTacToe-v0', { opponentNoise }),
    ticTacToeText({ cot: true }),
  );
  const oracle = ticTacToeOracle({ cot: true });
  let { observation, info } = await env.reset({ seed });
  let total = 0;
  for (;;) {
    const reply = oracle(env.prompt(observation, info), info);
    const step = await env.step(reply);
    expect(step.info.parse).toMatchObject({ ok: true });
    total += step.reward;
    ({ observation, info } = step);
    if (step.terminated || step.truncated) return { total, outcome: step.info.outcome };
  }
}

describe('tic-tac-toe rules', () => {
  it('rewards a win with +1 and ends the episode', () => {
    const env = new TicTacToeEnv({ opponentNoise: 1 });
    // Search seeds for a game the agent wins with the top row when the opponent plays randomly elsewhere.
    for (let seed = 0; seed < 200; seed++) {
      env.reset({ seed });
      let step = env.step(0);
      if (step.terminated || env.cells[1] !== ' ' || env.cells[2] !== ' ') continue;
      step = env.step(1);
      if (step.terminated || env.cells[2] !== ' ') continue;
      step = env.step(2);
      expect(step).toMatchObject({ reward: 1, terminated: true, truncated: false });
      expect(step.info).toMatchObject({ outcome: 'win', success: true });
      return;
    }
    throw new Error('no seed produced a top-row win');
  });

  it('ends with −1 when the agent plays an occupied cell', () => {
    const env = new TicTacToeEnv();
    env.reset({ seed: 3 });
    env.step(4);
    const step = env.step(4);
    expect(step).toMatchObject({ reward: -1, terminated: true });
    expect(step.info.outcome).toBe('illegal');
  });

  it('has an opponent that blocks and wins when it is not noisy', () => {
    const env = new TicTacToeEnv({ opponentNoise: 0 });
    env.reset({ seed: 1 });
    env.step(0);
    const second = env.step(1); // threatens 0-1-2
    expect(env.cells[2]).toBe('O');
    expect(second.terminated).toBe(false);
  });

  it('lists the empty cells as legal actions', () => {
    const env = new TicTacToeEnv();
    const { info } = env.reset({ seed: 0 });
    expect(info.legalActions).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const step = env.step(4);
    expect(step.info.legalActions).toHaveLength(7);
    expect(step.info.legalActions).not.toContain('5');
  });

  it('draws each move into the picture', () => {
    const env = new TicTacToeEnv();
    const first = env.reset({ seed: 0 }).observation;
    const next = env.step(4).observation;
    expect(imagesEqual(first, next)).toBe(false);
    // The centre pixel of cell 5 is blue-ish after X is drawn there.
    const centre = (48 * 96 + 48) * 3;
    expect(next.data[centre + 2]).toBeGreaterThan(next.data[centre]! + 60);
  });
});

describe('the oracle', () => {
  it('never loses and never plays an illegal move, over many seeds and noise levels', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (seed, noise) => {
          const { total, outcome } = await playOracle(seed, noise);
          expect(total).toBeGreaterThanOrEqual(0);
          expect(['win', 'draw']).toContain(outcome);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('wins when it has two in a line and blocks the opponent otherwise', () => {
    expect(bestMove([...'XX OO    '] as never).cell).toBe(2);
    expect(bestMove([...'X  OO   X'] as never).cell).toBe(5);
  });

  it('beats a noisy opponent most of the time', async () => {
    let wins = 0;
    for (let seed = 0; seed < 100; seed++) if ((await playOracle(seed, 0.5)).outcome === 'win') wins++;
    expect(wins).toBeGreaterThan(60);
  });
});

describe('the text interface', () => {
  const info = { board: 'X   O    ', legalActions: ['2', '3', '4', '6', '7', '8', '9'] };

  it('parses the cell after "action"', () => {
    expect(parseCellReply('{"thoughts": "take 5? no, 3", "action": "3"}', info)).toBe(2);
    expect(parseCellReply('{"action": 9}', info)).toBe(8);
  });

  it('explains replies it cannot use', () => {
    const missing = parseCellReply('I pick 3', info);
    const occupied = parseCellReply('{"action": "5"}', info);
    const junk = parseCellReply('{"action": "centre"}', info);
    expect(isInvalidReply(missing) && missing.invalid).toMatch(/no "action"/);
    expect(isInvalidReply(occupied) && occupied.invalid).toMatch(/occupied/);
    expect(isInvalidReply(junk) && junk.invalid).toMatch(/cell number/);
  });

  it('shows the board and the reply format, with one image', () => {
    const env = new TicTacToeEnv();
    const obs = env.reset({ seed: 0 }).observation;
    const withCot = ticTacToeText({ cot: true }).prompt(obs, info);
    const noCot = ticTacToeText({ cot: false }).prompt(obs, info);
    expect(withCot.text).toContain('X | 2 | 3\n4 | O | 6\n7 | 8 | 9');
    expect(withCot.text).toContain('"thoughts"');
    expect(noCot.text).not.toContain('"thoughts"');
    expect(withCot.images).toHaveLength(1);
  });

  it('winner() agrees with a brute-force line check on random boards', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(' ', 'X', 'O'), { minLength: 9, maxLength: 9 }), (cells) => {
        const lines = ['012', '345', '678', '036', '147', '258', '048', '246'];
        const brute = lines
          .map((l) => [...l].map((i) => cells[Number(i)]))
          .find((v) => v[0] !== ' ' && v[0] === v[1] && v[1] === v[2]);
        if (brute) expect(['X', 'O']).toContain(winner(cells as never));
        else expect(winner(cells as never)).toBeUndefined();
      }),
    );
    expect(new Rng(1).int(0, 0)).toBe(0);
  });
});
