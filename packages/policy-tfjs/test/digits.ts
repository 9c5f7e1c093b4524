import { createImage, type Image, Rng } from '@rl4vlm/env';

/** A 5×7 pixel font for 0–9 (our own), one string of 35 bits per digit, row by row. */
const FONT = [
  '01110100011001110101110011000101110',
  '00100011000010000100001000010001110',
  '01110100010000100010001000100011111',
  '11111000100010000010000011000101110',
  '00010001100101010010111110001000010',
  '11111100001111000001000011000101110',
  '00110010001000011110100011000101110',
  '11111000010001000100010000100001000',
  '01110100011000101110100011000101110',
  '01110100011000101111000010001001100',
];

/**
 * A 300×300 observation with `value` (0–99; one digit below 10) drawn in a pixel font with
 * 16-px cells (each digit 80×112 px, ~17×24 px after the policy downscales to 64×64), light on
 * dark, at a jittered place (±20 px) and in jittered colours, like the numbers NumberLine shows.
 */
export function drawNumber(value: number, rng: Rng): Image {
  const bg = [rng.int(0, 40), rng.int(0, 40), rng.int(0, 40)] as [number, number, number];
  const img = createImage(300, 300, bg);
  const fg = [rng.int(210, 255), rng.int(210, 255), rng.int(210, 255)];
  const cell = 16;
  const x0 = rng.int(40, 80);
  const y0 = rng.int(70, 110);
  const digits = value < 10 ? [value] : [Math.floor(value / 10), value % 10];
  digits.forEach((d, k) => {
    const bits = FONT[d]!;
    for (let row = 0; row < 7; row++) {
      for (let col = 0; col < 5; col++) {
        if (bits[row * 5 + col] !== '1') continue;
        for (let y = 0; y < cell; y++) {
          const py = y0 + row * cell + y;
          const px = x0 + (k * 6 + col) * cell;
          for (let x = 0; x < cell; x++) img.data.set(fg, 3 * (py * 300 + px + x));
        }
      }
    }
  });
  return img;
}

/** The range of numbers NumberLine shows. */
export const MAX_READ_VALUE = 20;

/** A sample of the reading task for `seed`: the prompt, the image and the expected reply. */
export function readingSample(
  seed: number,
  maxValue = MAX_READ_VALUE,
): { text: string; image: Image; answer: string } {
  const rng = new Rng(seed);
  const value = rng.int(0, maxValue);
  return {
    text: 'USER: <image>\nWhat number is shown? ASSISTANT:',
    image: drawNumber(value, rng),
    answer: String(value),
  };
}
