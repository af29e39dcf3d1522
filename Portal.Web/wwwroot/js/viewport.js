// A scrolling pane over any number of fixed-height rows, of which the server renders only a window. Browsers cap an
// element's height (Chromium near 33.5 million px, Firefox near 18 million), so past MaxSpace the scrollbar is scaled:
// the thumb maps to the whole transcript while the wheel and keys still move row by row, and the window of rendered
// rows is placed wherever the pane is scrolled to. `pos` (a fractional row at the top) is the one source of truth.
const MaxSpace = 8_000_000;
const Margin = 5;

const states = new WeakMap();

export function init(pane, dotnet, rows, rowHeight, first, windowRows) {
  const state = { pane, dotnet, rows, rowHeight, first, windowRows, pos: 0, expected: -1, inFlight: false };
  states.set(pane, state);
  pane.addEventListener('scroll', () => onScroll(state), { passive: true });
  pane.addEventListener('wheel', event => onWheel(state, event), { passive: false });
  pane.addEventListener('keydown', event => onKey(state, event));
  new ResizeObserver(() => { place(state); request(state); }).observe(pane);
  place(state);
  request(state);
}

// After the server rendered a window or the row count grew: keep the row at the top where it is.
export function rendered(pane, rows, first, windowRows) {
  const state = states.get(pane);
  if (!state) return;
  const grew = rows !== state.rows;
  Object.assign(state, { rows, first, windowRows });
  if (grew && scaled(state)) {
    setScrollTop(state, state.pos / perPixel(state));
  }
  place(state);
  request(state);
}

export function scrollToRow(pane, row, rows) {
  const state = states.get(pane);
  if (!state) return;
  state.rows = rows;
  // A little context above the row.
  moveTo(state, row - 1 - 2);
}

const visibleRows = s => Math.max(1, Math.floor(s.pane.clientHeight / s.rowHeight));
// Fractional, so that the last row ends exactly at the bottom of the pane.
const maxPos = s => Math.max(0, s.rows - s.pane.clientHeight / s.rowHeight);
const scaled = s => s.rows * s.rowHeight > MaxSpace;
const space = s => (scaled(s) ? MaxSpace : s.rows * s.rowHeight);
const maxScroll = s => Math.max(1, space(s) - s.pane.clientHeight);
// Rows per pixel of scrollbar.
const perPixel = s => (scaled(s) ? maxPos(s) / maxScroll(s) : 1 / s.rowHeight);

function setScrollTop(state, top) {
  state.expected = Math.round(top);
  state.pane.scrollTop = top;
}

function moveTo(state, pos) {
  state.pos = Math.min(Math.max(0, pos), maxPos(state));
  setScrollTop(state, state.pos / perPixel(state));
  place(state);
  request(state);
}

function onScroll(state) {
  const top = state.pane.scrollTop;
  // Our own scrolling (wheel or keys when scaled) already set pos more finely than the scrollbar can say.
  if (Math.abs(top - state.expected) > 1) {
    state.pos = Math.min(top * perPixel(state), maxPos(state));
  }
  state.expected = -1;
  place(state);
  request(state);
}

function onWheel(state, event) {
  if (!scaled(state) || event.ctrlKey) return;
  event.preventDefault();
  const lines = event.deltaMode === 1 ? event.deltaY : event.deltaMode === 2 ? event.deltaY * visibleRows(state) : event.deltaY / state.rowHeight;
  moveTo(state, state.pos + lines);
}

function onKey(state, event) {
  if (!scaled(state)) return;
  const page = visibleRows(state) - 1;
  const by = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, ' ': event.shiftKey ? -page : page }[event.key];
  if (by !== undefined) {
    event.preventDefault();
    moveTo(state, state.pos + by);
  } else if (event.key === 'Home' || event.key === 'End') {
    event.preventDefault();
    moveTo(state, event.key === 'Home' ? 0 : maxPos(state));
  }
}

// The rendered window sits so that row `pos` is at the top of the pane (for unscaled panes that is first * rowHeight).
function place(state) {
  const win = state.pane.querySelector(':scope > .viewport-space > .viewport-window');
  if (win) {
    win.style.top = `${state.pane.scrollTop - (state.pos - state.first) * state.rowHeight}px`;
  }
}

// Asks the server for a window around pos when the pane nears the edge of the one it has; one request at a time.
async function request(state) {
  const visible = visibleRows(state);
  const last = state.first + state.windowRows;
  const covered = state.pos >= state.first + (state.first > 0 ? Margin : 0) && state.pos + visible <= last - (last < state.rows ? Margin : 0);
  if (covered || state.inFlight) return;
  const windowRows = visible * 3;
  const first = Math.max(0, Math.min(Math.floor(state.pos) - visible, state.rows - windowRows));
  state.inFlight = true;
  try {
    // Where that window must sit for pos to stay at the top, so it lands in place when the server renders it.
    await state.dotnet.invokeMethodAsync('Show', first, windowRows, state.pane.scrollTop - (state.pos - first) * state.rowHeight);
  } catch {
    return; // the circuit is gone
  } finally {
    state.inFlight = false;
  }
  // The pane may have moved on while the server rendered.
  request(state);
}
