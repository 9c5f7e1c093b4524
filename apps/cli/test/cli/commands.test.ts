import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { decodePng } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/commands/eval.js';
import { runPlay, toReply } from '../../src/commands/play.js';
import { type SftDataLine, writeSftData } from '../../src/commands/sft-data.js';
import { createPluginRegistry, findOracle } from '../../src/plugins/index.js';
import { detectImageProtocol, inlineImageSequence } from '../../src/run/terminal-image.js';
import { runCli } from '../helpers/run-cli.js';

const tmp = (p: string) => mkdtempSync(path.join(tmpdir(), p));
const TTT = 'rl4vlm-plugin-tic-tac-toe';

describe('rl4vlm demo', () => {
  it('plays every gym-cards env with its oracle and writes a GIF and a PNG strip per episode', async () => {
    const out = tmp('demo-');
    const result = await runCli(['demo', '-o', out, '-n', '2']);
    expect(result.code, result.stderr).toBe(0);
    const folders = readdirSync(out).sort();
    expect(folders).toEqual([
      'gym-cards_Blackjack-v0',
      'gym-cards_EZPoints-v0',
      'gym-cards_NumberLine-v0',
      'gym-cards_Points24-v0',
    ]);
    for (const folder of folders) {
      for (const seed of [0, 1]) {
        const gif = readFileSync(path.join(out, folder, `episode-${seed}.gif`));
        expect(gif.subarray(0, 6).toString()).toBe('GIF89a');
        const strip = decodePng(readFileSync(path.join(out, folder, `episode-${seed}.png`)));
        expect(strip.width).toBeGreaterThan(0);
        expect(readFileSync(path.join(out, folder, `episode-${seed}.txt`), 'utf8')).toMatch(
          /reply: .*"action"/s,
        );
      }
    }
    // The table: NumberLine's oracle always wins.
    expect(result.stdout).toMatch(/gym-cards\/NumberLine-v0\s+2\s+100\.0%/);
    expect(result.stdout).toMatch(/Done in [\d.]+ s/);
  });
});

describe('the example plugin through the CLI, by package name', () => {
  it('plugins list shows it', async () => {
    const result = await runCli(['plugins', 'list', '--plugin', TTT]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /rl4vlm-plugin-tic-tac-toe\s+0\.1\.0\s+env\s+config\s+tictactoe\/TicTacToe-v0/,
    );
  });

  it('render writes its episode as GIF, PNG strip, PNG frames and a transcript', async () => {
    const out = tmp('render-');
    const result = await runCli([
      'render',
      '--plugin',
      TTT,
      '--env',
      'tictactoe/TicTacToe-v0',
      '--seed',
      '4',
      '-o',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const base = path.join(out, 'tictactoe_TicTacToe-v0-seed-4');
    expect(existsSync(`${base}.gif`)).toBe(true);
    const frame = decodePng(readFileSync(path.join(base, 'frame-0.png')));
    expect([frame.width, frame.height]).toEqual([96, 96]);
    expect(readFileSync(`${base}.txt`, 'utf8')).toMatch(/return (1|0)\b/);
  });

  it('sft-data writes LLaVA-format lines whose replies parse to the oracle action', async () => {
    const out = tmp('sft-');
    const { lines, file } = await writeSftData({
      plugin: [TTT],
      env: 'tictactoe/TicTacToe-v0',
      out,
      episodes: 3,
      noise: 0,
      noiseTarget: 'noise',
      maxSteps: 10,
    });
    const data = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SftDataLine);
    expect(data).toHaveLength(lines);
    expect(lines).toBeGreaterThanOrEqual(3 * 3); // X needs at least 3 moves to win
    const registry = await createPluginRegistry({ plugins: [TTT] });
    const spec = registry.envSpec('tictactoe/TicTacToe-v0');
    for (const line of data) {
      expect(line.conversations.map((c) => c.from)).toEqual(['human', 'gpt']);
      expect(line.conversations[1]!.value).toBe(line.reply);
      expect(decodePng(readFileSync(path.join(out, line.image))).width).toBe(96);
      expect(line.prompt).toContain('<image>');
      expect(line.fromOracle).toBe(true);
    }
    // The first reply of each episode is the oracle's opening move, which parses.
    const parsed = spec.text!({ cot: true }).parse(data[0]!.reply, {
      legalActions: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    });
    expect(parsed).toBe(4);
  });
});

describe('rl4vlm sft-data with an imperfect teacher', () => {
  it('mixes random legal replies into the oracle transcripts at the given rate', async () => {
    const out = tmp('sft-noise-');
    const { file } = await writeSftData({
      env: 'gym-cards/NumberLine-v0',
      out,
      episodes: 12,
      noise: 0.5,
      noiseTarget: 'noise',
      maxSteps: 10,
    });
    const data = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SftDataLine);
    const noisy = data.filter((l) => !l.fromOracle);
    expect(noisy.length).toBeGreaterThan(0.2 * data.length);
    expect(noisy.length).toBeLessThan(0.8 * data.length);
    for (const line of noisy) expect(JSON.parse(line.reply).action).toMatch(/^[+-]$/);
  });

  it("--noise-target teacher plays the random replies but records the oracle's", async () => {
    const read = async (noiseTarget: 'noise' | 'teacher') => {
      const { file } = await writeSftData({
        env: 'gym-cards/NumberLine-v0',
        out: tmp(`sft-${noiseTarget}-`),
        episodes: 12,
        noise: 0.5,
        noiseTarget,
        maxSteps: 10,
      });
      return readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as SftDataLine);
    };
    const noise = await read('noise');
    const teacher = await read('teacher');
    // The same episodes: the env takes the random reply either way.
    expect(teacher.map((l) => l.prompt)).toEqual(noise.map((l) => l.prompt));
    expect(teacher.every((l) => l.fromOracle)).toBe(true);
    const relabelled = teacher.filter((l) => l.played !== undefined);
    expect(relabelled.map((l) => l.played)).toEqual(noise.filter((l) => !l.fromOracle).map((l) => l.reply));
    // Where the random move was the wrong one, the recorded reply names the other move.
    const actionOf = (reply: string) => JSON.parse(reply).action as string;
    expect(relabelled.some((l) => actionOf(l.reply) !== actionOf(l.played!))).toBe(true);
  });
});

describe('rl4vlm eval', () => {
  it("measures the Blackjack oracle's win rate with a 95% interval and writes the episodes", async () => {
    const out = tmp('eval-');
    const lines: string[] = [];
    const summary = await runEvalCommand(
      { env: 'gym-cards/Blackjack-v0', policy: 'oracle', episodes: 300, out, gallery: 2 },
      (l) => lines.push(l),
    );
    expect(summary.episodes).toBe(300);
    // The optimal Blackjack-v1 policy wins about 43% (spec); 300 episodes keep it well inside 0.3..0.56.
    expect(summary.successRate).toBeGreaterThan(0.3);
    expect(summary.successRate).toBeLessThan(0.56);
    expect(summary.formatErrorRate).toBe(0);
    expect(lines.join('\n')).toMatch(/oracle\s+300\s+\d+\.\d%/);
    const gallery = JSON.parse(readFileSync(path.join(out, 'episodes', 'gallery.json'), 'utf8'));
    expect(gallery).toHaveLength(2);
    expect(existsSync(path.join(out, 'episodes', gallery[0].steps[0].frame))).toBe(true);
  });
});

describe('rl4vlm play', () => {
  it('shows the prompt and the image path, takes typed actions, and reports the return', async () => {
    const images = tmp('play-');
    const output = new PassThrough();
    let text = '';
    output.on('data', (d) => (text += d));
    // NumberLine: '+' moves right; typing it repeatedly ends the episode (target reached or time limit).
    const input = Readable.from(`${Array(20).fill('+').join('\n')}\n`);
    const { returns } = await runPlay(
      { env: 'gym-cards/NumberLine-v0', seed: 3, images, imageProtocol: 'file', episodes: 1, maxSteps: 30 },
      { input, output },
    );
    expect(returns).toHaveLength(1);
    expect(text).toMatch(/Playing gym-cards\/NumberLine-v0\. Type an action \(-, \+\)/);
    expect(text).toMatch(/=== episode 1, seed 3, step 0 ===\n.*<image>/s);
    const shown = /\[image: (.*?\.png)\]/.exec(text)![1]!;
    expect(decodePng(readFileSync(shown)).width).toBeGreaterThan(0);
    expect(text).toMatch(/Episode over: return -?\d+/);
  });

  it("quits on 'q'", async () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (d) => (text += d));
    const { returns } = await runPlay(
      {
        env: 'gym-cards/Blackjack-v0',
        images: tmp('play-'),
        imageProtocol: 'file',
        episodes: 2,
        maxSteps: 30,
      },
      { input: Readable.from('q\n'), output },
    );
    expect(returns).toEqual([]);
    expect(text).toContain('Bye.');
  });

  it('wraps a typed label into a reply and passes a full reply through', () => {
    expect(toReply(' stand ')).toBe('{"thoughts": "typed by a person", "action": "stand"}');
    expect(toReply('{"action": "+"}')).toBe('{"action": "+"}');
  });

  it('detects inline-image terminals and writes their escape sequences', () => {
    expect(detectImageProtocol({ TERM: 'xterm-kitty' }, true)).toBe('kitty');
    expect(detectImageProtocol({ TERM_PROGRAM: 'iTerm.app' }, true)).toBe('iterm');
    expect(detectImageProtocol({ TERM: 'xterm-kitty' }, false)).toBe('file');
    expect(detectImageProtocol({ TERM: 'xterm-256color' }, true)).toBe('blocks');
    expect(detectImageProtocol({ TERM: 'dumb' }, true)).toBe('file');
    const image = { width: 2, height: 1, data: new Uint8Array([255, 0, 0, 0, 255, 0]) };
    const ESC = String.fromCharCode(27);
    const BEL = String.fromCharCode(7);
    const kitty = inlineImageSequence(image, 'kitty');
    expect(kitty.startsWith(`${ESC}_Ga=T,f=100,`)).toBe(true);
    expect(kitty).toContain(';iVBORw0KGgo'); // base64 of the PNG signature
    expect(kitty.endsWith(`${ESC}\\\n`)).toBe(true);
    const iterm = inlineImageSequence(image, 'iterm');
    expect(iterm.startsWith(`${ESC}]1337;File=inline=1;`)).toBe(true);
    expect(iterm).toContain(':iVBORw0KGgo');
    expect(iterm.endsWith(`${BEL}\n`)).toBe(true);
  });
});

describe('oracles of built-in and third-party envs', () => {
  it('finds gym-cards oracles (createOracle export), the example plugin and alfworld oracles (spec.oracle)', async () => {
    const registry = await createPluginRegistry({ plugins: [TTT] });
    // Every env has one except the bridge to Python ALFWorld, whose expert lives on the Python side.
    const withoutOracle = ['alfworld/Bridge-v0'];
    for (const id of registry.envs.ids()) {
      if (withoutOracle.includes(id)) expect(findOracle(registry, id), id).toBeUndefined();
      else expect(findOracle(registry, id), id).toBeTypeOf('function');
    }
    expect(registry.envs.ids()).toContain('alfworld/Household-v0');
  });
});
