/** A cell: empty, the agent's X or the opponent's O. */
export type Cell = ' ' | 'X' | 'O';

/** Nine cells, row by row: index 0 is the top left, 8 the bottom right. */
export type Board = readonly Cell[];

/** The eight lines that win. */
export const LINES: readonly (readonly [number, number, number])[] = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
];

export const emptyBoard = (): Cell[] => Array<Cell>(9).fill(' ');

/** `X` or `O` when that player has three in a line, else undefined. */
export function winner(board: Board): 'X' | 'O' | undefined {
  for (const [a, b, c] of LINES) {
    const v = board[a];
    if (v !== ' ' && v === board[b] && v === board[c]) return v as 'X' | 'O';
  }
  return undefined;
}

/** The empty cells, in index order. */
export const emptyCells = (board: Board): number[] => board.flatMap((cell, i) => (cell === ' ' ? [i] : []));

/** The cell that completes a line for `player` (two of theirs and an empty one), if any. */
export function completingCell(board: Board, player: 'X' | 'O'): number | undefined {
  for (const line of LINES) {
    const mine = line.filter((i) => board[i] === player).length;
    const empty = line.filter((i) => board[i] === ' ');
    if (mine === 2 && empty.length === 1) return empty[0];
  }
  return undefined;
}

/** The board as three text rows, empty cells shown by their action number (1–9). */
export function boardText(board: Board): string {
  const show = (i: number) => (board[i] === ' ' ? String(i + 1) : board[i]);
  return [0, 3, 6].map((r) => `${show(r)} | ${show(r + 1)} | ${show(r + 2)}`).join('\n');
}
