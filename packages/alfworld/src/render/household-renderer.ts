import { type Image, imageFromRgba } from '@rl4vlm/env';
import { LAMP_TYPES } from '../household/catalog.js';
import type { Household } from '../household/household.js';
import type { HouseObject, Receptacle } from '../household/world.js';
import { GlyphAtlas } from './glyph-atlas.js';
import { FLOOR, ROUND_TYPES, typeColor } from './palette.js';
import { fitText } from './pixel-font.js';
import { type Canvas, type Context2D, canvasToPng, context2D, createCanvas } from './platform.js';

/** Everything is laid out on a 300×300 design grid and scaled to the requested size. */
const DESIGN = 300;
const INK = '#1d1f24';
const PAPER = '#fbfaf6';

/**
 * Draws what the agent sees in a household game: where it is (`LOC 7 - FRIDGE 1` or the middle
 * of the room with every receptacle), the receptacles at its location (doors open or closed)
 * with the objects visible in or on them, and what it holds, with hot / cool / clean / lit
 * marks. Uses only the standard Canvas 2D API (`@napi-rs/canvas` in Node, OffscreenCanvas in a browser) and a built-in pixel
 * font, so the same state gives the same pixels on every machine.
 */
export class HouseholdRenderer {
  readonly size: number;
  private readonly canvas: Canvas;
  private readonly ctx: Context2D;
  private readonly glyphs = new GlyphAtlas();

  constructor(size = DESIGN) {
    if (!Number.isInteger(size) || size < 64 || size > 2048) {
      throw new RangeError(`HouseholdRenderer size must be an integer in 64..2048, got ${size}`);
    }
    this.size = size;
    this.canvas = createCanvas(size, size);
    this.ctx = context2D(this.canvas);
  }

  /** The current frame as an RGB image. */
  render(house: Household): Image {
    const { ctx } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.scale(this.size / DESIGN, this.size / DESIGN);
    ctx.fillStyle = FLOOR[house.game.room];
    ctx.fillRect(0, 0, DESIGN, DESIGN);
    this.drawHeader(house);
    if (house.agentLoc === null) this.drawOverview(house);
    else this.drawLocation(house);
    this.drawHands(house);
    const { data } = ctx.getImageData(0, 0, this.size, this.size);
    return imageFromRgba(this.size, this.size, data);
  }

  /** The frame as a PNG file (for people: docs, reports). */
  renderPng(house: Household): Buffer {
    this.render(house);
    return canvasToPng(this.canvas);
  }

  private drawHeader(house: Household): void {
    const { ctx } = this;
    ctx.fillStyle = INK;
    ctx.fillRect(0, 0, DESIGN, 26);
    const title =
      house.agentLoc === null
        ? 'MIDDLE OF ROOM'
        : `LOC ${house.agentLoc} - ${house
            .receptaclesAt(house.agentLoc)
            .map((r) => r.name)
            .join(', ')}`;
    this.glyphs.draw(ctx, fitText(title, 23), 8, 6, PAPER, 2);
  }

  /** At the start: a floor plan of every receptacle in the room. */
  private drawOverview(house: Household): void {
    const { ctx } = this;
    const list = house.game.receptacles;
    const columns = list.length > 20 ? 3 : 2;
    const colWidth = (DESIGN - 16) / columns;
    const rowHeight = Math.min(18, 196 / Math.ceil(list.length / columns));
    list.forEach((r, i) => {
      const x = 8 + (i % columns) * colWidth;
      const y = 34 + Math.floor(i / columns) * rowHeight;
      ctx.fillStyle = typeColor(r.type);
      ctx.fillRect(x, y, 11, 11);
      ctx.strokeStyle = INK;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, 10, 10);
      this.glyphs.draw(ctx, fitText(r.name, Math.floor((colWidth - 18) / 6)), x + 15, y + 2, INK);
    });
  }

  /** At a location: its receptacles side by side with what is visible on or in them. */
  private drawLocation(house: Household): void {
    const here = house.receptaclesAt(house.agentLoc);
    const gap = 8;
    const width = (DESIGN - 16 - gap * (here.length - 1)) / here.length;
    here.forEach((r, i) => {
      this.drawReceptacle(house, r, 8 + i * (width + gap), 34, width, 190);
    });
  }

  private drawReceptacle(house: Household, r: Receptacle, x: number, y: number, w: number, h: number): void {
    const { ctx } = this;
    ctx.fillStyle = typeColor(r.type);
    ctx.fillRect(x, y, w, h - 14);
    ctx.strokeStyle = INK;
    ctx.lineWidth = 2;
    ctx.strokeRect(x + 1, y + 1, w - 2, h - 16);
    this.glyphs.draw(ctx, fitText(r.name, Math.floor(w / 6)), x, y + h - 10, INK);
    if (r.openable && !r.isOpen) {
      // A closed door: a panel with a handle, nothing inside is visible.
      ctx.fillStyle = 'rgba(255,255,255,0.18)';
      ctx.fillRect(x + 8, y + 8, w - 16, h - 30);
      ctx.fillStyle = INK;
      ctx.fillRect(x + w - 20, y + (h - 14) / 2 - 12, 5, 24);
      this.glyphs.draw(ctx, 'CLOSED', x + 12, y + 14, INK);
      return;
    }
    // Open (or doorless): a lighter inside where the objects stand.
    ctx.fillStyle = r.openable ? '#2b2a28' : 'rgba(255,255,255,0.35)';
    ctx.fillRect(x + 6, y + 6, w - 12, h - 26);
    const label = r.openable ? PAPER : INK;
    const items = house.contents(r.name);
    const cellW = 86;
    const cols = Math.max(1, Math.floor((w - 12) / cellW));
    const cellWidth = (w - 12) / cols;
    items.forEach((o, i) => {
      const cx = x + 6 + (i % cols) * cellWidth + cellWidth / 2;
      const cy = y + 22 + Math.floor(i / cols) * 34;
      if (cy > y + h - 40) return;
      this.drawObject(o, cx, cy, 10);
      this.glyphs.draw(
        ctx,
        fitText(o.name, Math.floor(cellWidth / 6)),
        x + 8 + (i % cols) * cellWidth,
        cy + 12,
        label,
      );
    });
  }

  private drawObject(o: HouseObject, cx: number, cy: number, radius: number): void {
    const { ctx } = this;
    if (LAMP_TYPES.has(o.type) && o.isOn) {
      ctx.fillStyle = 'rgba(255, 230, 90, 0.75)';
      ctx.beginPath();
      ctx.arc(cx, cy, radius * 1.9, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.fillStyle = typeColor(o.type);
    ctx.strokeStyle = INK;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    if (ROUND_TYPES.has(o.type)) ctx.arc(cx, cy, radius, 0, Math.PI * 2);
    else ctx.rect(cx - radius, cy - radius * 0.8, radius * 2, radius * 1.6);
    ctx.fill();
    ctx.stroke();
    // State marks: a red ring when hot, a blue ring when cool, a white sparkle when clean.
    if (o.hot || o.cool) {
      ctx.strokeStyle = o.hot ? '#e0402a' : '#2a7be0';
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.arc(cx, cy, radius + 4, 0, Math.PI * 2);
      ctx.stroke();
    }
    if (o.clean) {
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(cx + radius - 1, cy - radius - 5, 2, 8);
      ctx.fillRect(cx + radius - 4, cy - radius - 2, 8, 2);
    }
  }

  /** The bottom band: what the agent holds. */
  private drawHands(house: Household): void {
    const { ctx } = this;
    ctx.fillStyle = INK;
    ctx.fillRect(0, 250, DESIGN, 50);
    const held = house.held();
    this.glyphs.draw(ctx, 'HOLDING', 8, 256, '#c9c6bd');
    if (!held) {
      this.glyphs.draw(ctx, 'NOTHING', 8, 272, PAPER, 2);
      return;
    }
    this.drawObject(held, 24, 280, 10);
    const marks = [held.hot && 'HOT', held.cool && 'COOL', held.clean && 'CLEAN'].filter(Boolean).join(' ');
    this.glyphs.draw(ctx, fitText(held.name, 19), 44, 268, PAPER, 2);
    if (marks) this.glyphs.draw(ctx, marks, 44, 286, '#f2c14e');
  }
}
