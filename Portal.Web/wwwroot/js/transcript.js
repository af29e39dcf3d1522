// Scrolls a virtualized transcript so that a row (1-based) is near the top; rows have a fixed height.
export function scrollToRow(container, row, rowHeight) {
  if (container) {
    container.scrollTop = Math.max(0, (row - 3) * rowHeight);
  }
}
