import { type Image, imageToRgba } from '@rl4vlm/env';
import type { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import { fetchCheckpoint, filesOfDrop, readDroppedCheckpoint } from './checkpoint.js';
import { BACKEND_CHOICES, type BackendChoice, loadPolicy, modelReply, startBackend } from './model.js';
import { createRegistry, findOracle, playableEnvIds } from './plugins.js';
import { type Player, Session, type StepRecord, toReply } from './session.js';

/**
 * The page: settings on the left, the episode on the right. URL parameters set the starting
 * state (`env`, `seed`, `player`, `backend`, `maxNewTokens`, `temperature`) and `checkpoint`
 * preloads a checkpoint folder URL (what `rl4vlm web <run>` opens).
 */

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const registry = createRegistry();
const envIds = playableEnvIds(registry);

const ui = {
  env: $<HTMLSelectElement>('env'),
  seed: $<HTMLInputElement>('seed'),
  newEpisode: $<HTMLButtonElement>('new-episode'),
  greedy: $<HTMLInputElement>('greedy'),
  temperature: $<HTMLInputElement>('temperature'),
  maxNewTokens: $<HTMLInputElement>('max-new-tokens'),
  backend: $<HTMLSelectElement>('backend'),
  step: $<HTMLButtonElement>('step'),
  play: $<HTMLButtonElement>('play'),
  pause: $<HTMLButtonElement>('pause'),
  engine: $('engine'),
  error: $('error'),
  frame: $<HTMLCanvasElement>('frame'),
  stepCount: $('step-count'),
  totalReturn: $('return'),
  done: $('done'),
  actions: $('actions'),
  replyForm: $<HTMLFormElement>('reply-form'),
  replyInput: $<HTMLInputElement>('reply-input'),
  lastThoughts: $('last-thoughts'),
  lastReply: $('last-reply'),
  lastAction: $('last-action'),
  lastReward: $('last-reward'),
  prompt: $('prompt'),
  steps: $('steps'),
  drop: $('drop'),
  checkpointFiles: $<HTMLInputElement>('checkpoint-files'),
  checkpointFolder: $<HTMLInputElement>('checkpoint-folder'),
  checkpointStatus: $('checkpoint-status'),
};

let session: Session | undefined;
let policy: TfjsPolicy | undefined;
let playing = false;
let busy = false;
const backendChoice: BackendChoice = (BACKEND_CHOICES as readonly string[]).includes(
  params.get('backend') ?? '',
)
  ? (params.get('backend') as BackendChoice)
  : 'auto';
/** What tests and benchmarks read: timings and the replies and frames of the episode. */
const metrics = { firstFrameMs: Number.NaN, replyMs: [] as number[], backend: '' };

function player(): Player {
  return (document.querySelector<HTMLInputElement>('input[name="player"]:checked')?.value ?? 'you') as Player;
}

function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  ui.error.textContent = message;
  ui.error.hidden = false;
  console.error(error);
}

function clearError(): void {
  ui.error.hidden = true;
  ui.error.textContent = '';
}

function drawFrame(image: Image): void {
  ui.frame.width = image.width;
  ui.frame.height = image.height;
  const rgba = imageToRgba(image);
  ui.frame.getContext('2d')!.putImageData(new ImageData(rgba, image.width, image.height), 0, 0);
}

function render(): void {
  if (!session) return;
  drawFrame(session.frames.at(-1)!);
  if (Number.isNaN(metrics.firstFrameMs)) metrics.firstFrameMs = performance.now();
  ui.stepCount.textContent = String(session.steps.length);
  ui.totalReturn.textContent = formatNumber(session.totalReturn);
  ui.done.textContent = session.done ? '· episode over' : '';
  ui.prompt.textContent = session.done ? '(the episode is over)' : session.prompt().text;
  const last = session.steps.at(-1);
  ui.lastThoughts.textContent = last ? last.thoughts || '—' : '—';
  ui.lastReply.textContent = last?.reply ?? '—';
  ui.lastAction.textContent = last ? actionText(last) : '—';
  ui.lastAction.classList.toggle('bad', Boolean(last && !last.parseOk));
  ui.lastReward.textContent = last ? formatNumber(last.reward) : '—';
  ui.actions.replaceChildren(
    ...(session.done || player() !== 'you' ? [] : session.actionLabels()).map((label) => {
      const button = document.createElement('button');
      button.textContent = label;
      button.dataset.action = label;
      button.addEventListener('click', () => void act(() => toReply(label), 'you'));
      return button;
    }),
  );
  ui.replyForm.hidden = session.done || player() !== 'you';
  const canRun = !session.done && player() !== 'you' && !busy;
  ui.step.disabled = !canRun || playing;
  ui.play.disabled = !canRun || playing;
  ui.pause.disabled = !playing;
}

function actionText(step: StepRecord): string {
  if (!step.parseOk)
    return `could not read the reply (${step.parseError ?? 'no action'}); the env played ${step.actionLabel ?? JSON.stringify(step.action) ?? 'nothing'}`;
  return step.actionLabel ?? JSON.stringify(step.action);
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}

function appendStepRow(step: StepRecord): void {
  const row = document.createElement('tr');
  for (const text of [String(step.t), step.by, step.thoughts, actionText(step), formatNumber(step.reward)]) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  if (!step.parseOk) row.classList.add('bad');
  ui.steps.append(row);
}

async function newEpisode(): Promise<void> {
  pause();
  clearError();
  const seed = Number(ui.seed.value);
  try {
    await session?.close();
    session = undefined;
    session = await Session.start(registry, ui.env.value, seed);
    ui.steps.replaceChildren();
  } catch (error) {
    showError(error);
  }
  render();
}

/** Gets a reply (from a person, the oracle or the model) and steps the env with it. */
async function act(reply: () => Promise<string> | string, by: Player): Promise<void> {
  if (!session || session.done || busy) return;
  busy = true;
  clearError();
  try {
    const text = await reply();
    appendStepRow(await session.step(text, by));
  } catch (error) {
    pause();
    showError(error);
  } finally {
    busy = false;
    render();
  }
}

/** One step by the selected automatic player. */
async function autoStep(): Promise<void> {
  if (!session) return;
  const current = session;
  if (player() === 'oracle') {
    const oracle = findOracle(registry, current.envId);
    if (!oracle) throw new Error(`${current.envId} has no oracle`);
    await act(() => oracle(current.prompt(), current.info), 'oracle');
  } else if (player() === 'model') {
    if (!policy) {
      pause();
      showError(
        'No checkpoint loaded: drop a checkpoint folder (config.json, model.safetensors, tokenizer.json) on the page first.',
      );
      return;
    }
    const model = policy;
    await act(async () => {
      const started = performance.now();
      const text = await modelReply(model, current.prompt(), decoding(), current.seed, current.steps.length);
      metrics.replyMs.push(performance.now() - started);
      return text;
    }, 'model');
  }
}

function decoding() {
  const temperature = ui.greedy.checked ? 0 : Number(ui.temperature.value);
  const maxNewTokens = Number(ui.maxNewTokens.value);
  if (!(temperature >= 0)) throw new Error('The temperature must be a number ≥ 0');
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1)
    throw new Error('Max new tokens must be a whole number ≥ 1');
  return { temperature, maxNewTokens };
}

async function play(): Promise<void> {
  if (playing) return;
  playing = true;
  render();
  while (playing && session && !session.done) {
    await autoStep().catch(showError);
    // Let the page paint between steps.
    await new Promise((resolve) => setTimeout(resolve, player() === 'oracle' ? 250 : 0));
  }
  playing = false;
  render();
}

function pause(): void {
  playing = false;
}

async function useCheckpoint(
  load: () => Promise<Parameters<typeof loadPolicy>[0]>,
  source: string,
): Promise<void> {
  clearError();
  ui.checkpointStatus.textContent = `Loading ${source}…`;
  try {
    const files = await load();
    const next = await loadPolicy(files, source, backendChoice);
    policy?.dispose();
    policy = next;
    const c = policy.config;
    ui.checkpointStatus.textContent = `Loaded ${source}: ${c.layers} layers × ${c.dim} wide, vocabulary ${c.vocabSize}, ${c.imageSize}px images.`;
    (document.querySelector('input[name="player"][value="model"]') as HTMLInputElement).checked = true;
    document.body.dataset.checkpoint = 'loaded';
  } catch (error) {
    ui.checkpointStatus.textContent = policy
      ? `Still using ${policy.id.replace(/^tfjs:/, '')}.`
      : 'No checkpoint loaded.';
    document.body.dataset.checkpoint = 'error';
    showError(error);
  }
  await showEngine();
  render();
}

async function showEngine(): Promise<void> {
  try {
    metrics.backend = await startBackend(backendChoice);
    ui.engine.textContent = `Tensor backend: ${metrics.backend}${backendChoice === 'auto' ? ' (auto)' : ''}.`;
  } catch (error) {
    ui.engine.textContent = `Tensor backend: none (${(error as Error).message})`;
  }
}

function setUp(): void {
  for (const id of envIds) ui.env.add(new Option(id, id));
  ui.env.value = envIds.includes(params.get('env') ?? '') ? params.get('env')! : envIds[0]!;
  ui.seed.value = params.get('seed') ?? '0';
  for (const name of BACKEND_CHOICES) ui.backend.add(new Option(name, name));
  ui.backend.value = backendChoice;
  if (params.has('maxNewTokens')) ui.maxNewTokens.value = params.get('maxNewTokens')!;
  if (params.has('temperature')) {
    ui.greedy.checked = Number(params.get('temperature')) === 0;
    ui.temperature.value = params.get('temperature')!;
  }
  ui.temperature.disabled = ui.greedy.checked;
  const start = params.get('player');
  if (start)
    (document.querySelector(`input[name="player"][value="${start}"]`) as HTMLInputElement | null)?.click();

  ui.env.addEventListener('change', () => void newEpisode());
  ui.newEpisode.addEventListener('click', () => void newEpisode());
  ui.seed.addEventListener('change', () => void newEpisode());
  ui.greedy.addEventListener('change', () => {
    ui.temperature.disabled = ui.greedy.checked;
  });
  // The backend is chosen once per page: a new choice reloads with it in the URL.
  ui.backend.addEventListener('change', () => {
    params.set('backend', ui.backend.value);
    location.search = params.toString();
  });
  for (const radio of document.querySelectorAll('input[name="player"]'))
    radio.addEventListener('change', render);
  ui.step.addEventListener('click', () => void autoStep().catch(showError));
  ui.play.addEventListener('click', () => void play());
  ui.pause.addEventListener('click', pause);
  ui.replyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = ui.replyInput.value;
    if (!typed.trim()) return;
    ui.replyInput.value = '';
    void act(() => toReply(typed), 'you');
  });
  const fromInput = (input: HTMLInputElement) => () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    void useCheckpoint(
      () => readDroppedCheckpoint(files),
      files.length === 1 ? files[0]!.name : 'the chosen files',
    );
  };
  ui.checkpointFiles.addEventListener('change', fromInput(ui.checkpointFiles));
  ui.checkpointFolder.addEventListener('change', fromInput(ui.checkpointFolder));
  ui.drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    ui.drop.classList.add('over');
  });
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
  ui.drop.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.drop.classList.remove('over');
    const items = event.dataTransfer?.items;
    if (!items) return;
    const dropped = filesOfDrop(items);
    void useCheckpoint(async () => readDroppedCheckpoint(await dropped), 'the dropped files');
  });
}

/** Test and benchmark hooks: the replies, the frames (RGB, base64) and the timings. */
declare global {
  interface Window {
    playground: {
      metrics: typeof metrics;
      ready: Promise<void>;
      replies(): string[];
      frames(): { width: number; height: number; rgbBase64: string }[];
      isBusy(): boolean;
    };
  }
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function main(): Promise<void> {
  setUp();
  await newEpisode();
  const checkpoint = params.get('checkpoint');
  if (checkpoint) await useCheckpoint(() => fetchCheckpoint(checkpoint), checkpoint);
  else void showEngine();
  document.body.dataset.ready = 'true';
}

window.playground = {
  metrics,
  ready: main().catch(showError),
  replies: () => session?.steps.map((s) => s.reply) ?? [],
  frames: () =>
    (session?.frames ?? []).map((f) => ({ width: f.width, height: f.height, rgbBase64: base64(f.data) })),
  isBusy: () => busy || playing,
};
