/* Search results on the website: snippets without raw TeX.
 *
 * Sphinx's search shows, under each hit, text taken from the page's HTML, where math is still
 * TeX source ("\(\frac{1}{1 - p}\)") because MathJax typesets it only in the browser. This wraps
 * Sphinx's Search.htmlToText (sphinx/themes/basic/static/searchtools.js): display equations are
 * left out of the snippet and inline math is turned into plain text ("1/(1 − p)").
 */
"use strict";

const DLNOTES_TEX_SYMBOLS = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ", eta: "η",
  theta: "θ", vartheta: "ϑ", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ",
  sigma: "σ", tau: "τ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ",
  Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ", Pi: "Π", Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω",
  cdot: "·", times: "×", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈",
  sim: "∼", pm: "±", partial: "∂", nabla: "∇", sum: "Σ", prod: "Π", int: "∫", infty: "∞", to: "→",
  rightarrow: "→", leftarrow: "←", mapsto: "↦", in: "∈", subset: "⊂", cup: "∪", cap: "∩",
  ldots: "…", dots: "…", cdots: "⋯", top: "⊤", otimes: "⊗", circ: "∘", star: "⋆", ell: "ℓ",
};

/** A TeX fragment as plain text: symbols as Unicode, fractions as a/b, markup dropped. */
function dlnotesPlainTex(tex) {
  let text = tex.replace(/^\\\(|\\\)$/g, "").replace(/^\$|\$$/g, "");
  for (let i = 0; i < 5; i++) {
    text = text.replace(/([_^])\{([^{}]*)\}/g, "$1$2");
    text = text.replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, (m, a, b) =>
      `${a.length > 1 ? "(" + a + ")" : a}/${b.length > 1 ? "(" + b + ")" : b}`);
    text = text.replace(/\\sqrt\s*\{([^{}]*)\}/g, "√($1)");
    text = text.replace(/\\(?:mathrm|mathbf|mathbb|mathcal|operatorname|text|textrm|boldsymbol|bar|hat|tilde|vec|overline|widehat|widetilde|mathit)\s*\{([^{}]*)\}/g, "$1");
  }
  text = text.replace(/\\([A-Za-z]+)/g, (m, name) => DLNOTES_TEX_SYMBOLS[name] ?? "");
  text = text.replace(/\\[,;:!> ]|\\\\/g, " ").replace(/[{}]/g, "").replace(/\s+/g, " ");
  return text.trim();
}

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll("div.math").forEach((el) => el.remove());
    page.querySelectorAll("span.math").forEach((el) => el.replaceWith(dlnotesPlainTex(el.textContent)));
    return htmlToText(page.documentElement.outerHTML, anchor);
  };
});
