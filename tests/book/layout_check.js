() => {
  // The layout check of tests/book/test_layout.py: runs in the page after MathJax has typeset
  // it and returns one line per problem.
  const problems = [], overflowing = [];
  const article = document.querySelector('article') || document.body;
  const describe = (el) => {
    const label = el.id ? '#' + el.id : (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
    return `<${el.tagName.toLowerCase()}${label}> "${text}"`;
  };
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = (el) => ['hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const box = article.getBoundingClientRect(), padding = getComputedStyle(article);
  const column = {right: box.right - parseFloat(padding.paddingRight), width: article.clientWidth - parseFloat(padding.paddingLeft) - parseFloat(padding.paddingRight)};
  // A cell tagged full-width may use the margin (the theme widens it and hides the page's table of
  // contents while it is in view): inside one, or around one, the column ends where that cell ends.
  const fullWidth = [...article.querySelectorAll('.tag_full-width')];
  const columnRight = (el) => Math.max(column.right, ...fullWidth.filter((f) => el.contains(f) || f.contains(el)).map((f) => f.getBoundingClientRect().right));
  for (const el of article.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display.startsWith('inline') || style.display === 'contents' || style.display === 'none' || el.clientWidth === 0) continue;
    if (el.closest('mjx-assistive-mml')) continue;  // MathML for screen readers, not shown
    if (el.tagName.startsWith('MJX-') && !(el.tagName === 'MJX-CONTAINER' && el.getAttribute('display') === 'true')) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    if (scrolls(el)) {
      // An equation scrolls only when it cannot fit: one the column has room for must not be
      // hidden behind a scrollbar (or, where scrollbars overlay, behind the box's edge).
      if (el.tagName === 'MJX-CONTAINER' && el.scrollWidth <= column.width + 1) problems.push(`scrolls though the column has room: ${describe(el)} is ${el.scrollWidth}px wide inside a ${el.clientWidth}px box, the column ${Math.round(column.width)}px`);
      continue;
    }
    // Content wider than the box, and the box does not scroll: cut off if the box clips it, or
    // if it spills past the column (over the margin, or out of the window) with no scrolling
    // ancestor to catch it.
    let ancestor = el.parentElement, caught = false;
    while (ancestor && ancestor !== article) {
      if (scrolls(ancestor)) { caught = true; break; }
      if (clips(ancestor)) break;
      ancestor = ancestor.parentElement;
    }
    if (caught) continue;
    const right = el.getBoundingClientRect().left + el.scrollWidth;
    if (clips(el)) overflowing.push([el, `clipped: ${describe(el)} is ${el.scrollWidth}px wide inside a ${el.clientWidth}px box that hides the rest`]);
    else if (right > columnRight(el) + 1) overflowing.push([el, `spills out of the column: ${describe(el)} is ${el.scrollWidth}px wide inside a ${el.clientWidth}px box, ${Math.round(right - columnRight(el))}px past the column`]);
  }
  // Name the innermost culprits, not every box around them.
  for (const [el, problem] of overflowing) {
    if (!overflowing.some(([other]) => other !== el && el.contains(other))) problems.push(problem);
  }
  for (const number of article.querySelectorAll('div.math span.eqno')) {
    const math = number.parentElement.querySelector('mjx-container');
    if (!math) continue;
    const a = number.getBoundingClientRect(), b = math.getBoundingClientRect();
    const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const vertical = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (overlap > 1 && vertical > 1) problems.push(`equation number covers the equation: ${describe(number.parentElement)}`);
  }
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth + 1) problems.push(`the page scrolls sideways: ${page.scrollWidth}px in a ${page.clientWidth}px window`);
  const figures = [...article.querySelectorAll('.cell_output img, .output img')]
    .filter((img) => img.naturalWidth)
    .map((img) => ({src: img.currentSrc || img.src, natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
                    near: describe(img.closest('.cell') || img)}));
  // Tables that fit only by scrolling sideways (checked at desktop width, where every table should fit).
  const wideTables = [];
  for (const table of article.querySelectorAll('table')) {
    let box = table.parentElement;
    while (box && box !== article && !scrolls(box)) box = box.parentElement;
    if (box && box !== article && box.scrollWidth > box.clientWidth + 1) wideTables.push(`a table scrolls sideways: ${describe(table)} is ${box.scrollWidth}px wide in a ${box.clientWidth}px box`);
  }
  // Display equations wider than the column (checked at desktop width, where every one should fit,
  // split into aligned lines if need be): the width of the typeset math, not of its scrolling box.
  const wideEquations = [];
  for (const container of article.querySelectorAll('mjx-container[display="true"]')) {
    const math = container.querySelector('mjx-math');
    const width = Math.max(container.scrollWidth, math ? math.getBoundingClientRect().width : 0);
    const room = columnRight(container) - column.right + column.width;
    if (width > room + 1) wideEquations.push(`a display equation is wider than the column: ${describe(container.closest('div.math') || container)} is ${Math.round(width)}px wide, the column ${Math.round(room)}px`);
  }
  return {problems, figures, wideTables, wideEquations};
}
