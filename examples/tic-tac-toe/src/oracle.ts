import { type Board, type Cell, completingCell, emptyCells, winner } from './board.js';

const memo = new Map<string, number>();

/** The value of `board` for X with X to move (`turn`), under perfect play by both: +1 win, 0 draw, −1 loss. */
function minimax(board: Cell[], turn: 'X' | 'O'): number {
  const key = board.join('') + turn;
  const cached = memo.get(key);
  if (cached !== undefined) return cached;
  const won = winner(board);
  let value: number;
  if (won) value = won === 'X' ? 1 : -1;
  else if (emptyCells(board).length === 0) value = 0;
  else {
    const values = emptyCells(board).map((i) => {
      board[i] = turn;
      const v = minimax(board, turn === 'X' ? 'O' : 'X');
      board[i] = ' ';
      return v;
    });
    value = turn === 'X' ? Math.max(...values) : Math.min(...values);
  }
  memo.set(key, value);
  return value;
}

/** The oracle's move (0–8) and why, in words a model can learn to write. */
export function bestMove(board: Board): { cell: number; reason: string } {
  const cells = [...board];
  const empty = emptyCells(cells);
  if (empty.length === 0) throw new RangeError('bestMove: the board is full');
  const win = completingCell(cells, 'X');
  if (win !== undefined) return { cell: win, reason: `I have two in a line, so cell ${win + 1} wins.` };
  const block = completingCell(cells, 'O');
  if (block !== undefined)
    return { cell: block, reason: `O threatens to win at cell ${block + 1}, so I block it.` };
  let best = empty[0]!;
  let bestValue = -2;
  // Prefer the centre, then corners, then edges among equally good moves: the classic heuristic order.
  const order = [4, 0, 2, 6, 8, 1, 3, 5, 7].filter((i) => empty.includes(i));
  for (const i of order) {
    cells[i] = 'X';
    const v = minimax(cells, 'O');
    cells[i] = ' ';
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  const outlook = bestValue > 0 ? 'a forced win' : bestValue === 0 ? 'at least a draw' : 'the best defence';
  return { cell: best, reason: `No immediate win or threat; cell ${best + 1} gives ${outlook}.` };
}
