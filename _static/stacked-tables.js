/* Tables read on a phone: each body cell is labelled with its column's header (data-label), and
 * _static/dlnotes.css stacks the rows of a labelled table at narrow width — one card per row, one
 * "header: value" line per cell — instead of a wide table of which a phone shows only the first
 * columns. Tables of three columns or fewer fit as they are and are left alone.
 */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("article table")) {
    const head = table.tHead;
    if (!head || !head.rows.length || !table.tBodies.length) continue;
    // The last header row names the columns (pandas puts the index's name in a row below).
    const labels = [];
    for (const cell of head.rows[0].cells) {
      for (let i = 0; i < cell.colSpan; i++) labels.push(cell.textContent.trim());
    }
    const last = head.rows[head.rows.length - 1];
    if (last !== head.rows[0]) {
      let column = 0;
      for (const cell of last.cells) {
        const text = cell.textContent.trim();
        for (let i = 0; i < cell.colSpan; i++, column++) if (text && !labels[column]) labels[column] = text;
      }
    }
    if (labels.length <= 3) continue;
    for (const row of table.tBodies[0].rows) {
      let column = 0;
      for (const cell of row.cells) {
        if (labels[column]) cell.dataset.label = labels[column];
        column += cell.colSpan;
      }
    }
    table.classList.add("dl-stack");
  }
});
