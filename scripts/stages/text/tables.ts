// Symbol tables for the text stage: TeX command names that the dumps lost their backslash from, and
// their plain-Unicode readings. Hand-written: the sets are small and closed (the TeX accent commands,
// a few special letters, the Greek alphabet and the common math operators), and the npm packages that
// carry such tables (unified-latex, bibtex parsers) would add a large dependency tree for ~200 entries.

/** Greek letter commands → Unicode. */
export const GREEK: Record<string, string> = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ϵ", varepsilon: "ε", zeta: "ζ", eta: "η",
  theta: "θ", vartheta: "ϑ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π",
  varpi: "ϖ", rho: "ρ", varrho: "ϱ", sigma: "σ", varsigma: "ς", tau: "τ", upsilon: "υ", phi: "ϕ",
  varphi: "φ", chi: "χ", psi: "ψ", omega: "ω",
  Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ", Pi: "Π", Sigma: "Σ", Upsilon: "Υ",
  Phi: "Φ", Psi: "Ψ", Omega: "Ω",
};

/** Relations and binary operators → Unicode. Relations get spaces around them in plain text when the TeX had them. */
export const RELATIONS: Record<string, string> = {
  in: "∈", notin: "∉", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", to: "→", rightarrow: "→",
  leftarrow: "←", Rightarrow: "⇒", Leftarrow: "⇐", leftrightarrow: "↔", mapsto: "↦", subset: "⊂", subseteq: "⊆",
  supset: "⊃", supseteq: "⊇", propto: "∝", approx: "≈", sim: "∼", simeq: "≃", equiv: "≡", triangleq: "≜",
  coloneqq: "≔", colon: ":", ll: "≪", gg: "≫", lesssim: "≲", gtrsim: "≳", perp: "⊥", mid: "∣",
};

export const BINARY: Record<string, string> = {
  times: "×", cdot: "·", circ: "∘", pm: "±", mp: "∓", ast: "∗", star: "⋆", otimes: "⊗", oplus: "⊕",
  cup: "∪", cap: "∩", setminus: "∖", wedge: "∧", vee: "∨", odot: "⊙", div: "÷",
};

/** Other symbols (no argument). */
export const SYMBOLS: Record<string, string> = {
  infty: "∞", partial: "∂", nabla: "∇", dots: "…", ldots: "…", cdots: "⋯", top: "⊤", ell: "ℓ",
  emptyset: "∅", forall: "∀", exists: "∃", lfloor: "⌊", rfloor: "⌋", lceil: "⌈", rceil: "⌉",
  langle: "⟨", rangle: "⟩", hbar: "ℏ", prime: "′", sum: "∑", prod: "∏", int: "∫", oint: "∮", neg: "¬",
  Vert: "‖", lVert: "‖", rVert: "‖", lvert: "|", rvert: "|", dagger: "†",
};

/** Operator names written upright (\log, \min …). */
export const FUNCTIONS = new Set([
  "log", "ln", "exp", "min", "max", "inf", "sup", "lim", "liminf", "limsup", "det", "sin", "cos", "tan",
  "arg", "argmin", "argmax", "dim", "ker", "deg", "Pr", "tanh", "sinh", "cosh",
]);

/** Delimiter sizers, dropped in plain text. */
export const SIZERS = new Set(["left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr"]);

/** Commands taking one argument (accents and fonts). */
export const ACCENT_CMDS = new Set(["widetilde", "tilde", "widehat", "hat", "bar", "overline", "vec", "dot", "ddot", "underline"]);
export const FONT_CMDS = new Set(["mathcal", "mathbb", "mathrm", "mathbf", "mathit", "mathsf", "mathfrak", "boldsymbol", "operatorname", "text", "textrm", "texttt"]);
export const STRUCT_CMDS = new Set(["frac", "sqrt"]);

/** Every command name the restorer may re-prefix with a backslash inside a math span. */
export const MATH_COMMANDS: Set<string> = new Set([
  ...Object.keys(GREEK), ...Object.keys(RELATIONS), ...Object.keys(BINARY), ...Object.keys(SYMBOLS),
  ...FUNCTIONS, ...SIZERS, ...ACCENT_CMDS, ...FONT_CMDS, ...STRUCT_CMDS,
]);
// Too short or too word-like to be restored out of a glued letter run ("Normalized" ≠ N·or·…).
for (const c of ["mid", "ll", "gg", "dot", "bar", "vec", "text", "neg", "div", "star", "Pr", "ne", "deg", "dim", "ker", "arg", "textrm", "texttt", "Vert", "lvert", "rvert", "lVert", "rVert", "nu", "xi", "pi", "mu"]) MATH_COMMANDS.delete(c);
// …but these stay available when the run is exactly the name.
export const EXACT_ONLY = new Set(["mu", "nu", "xi", "pi", "mid", "bar", "vec", "dot", "text", "neg", "star"]);

/**
 * Command names that are not English words: seeing one glued to a letter or standing alone is enough
 * to call a token math (`nvarepsilon`, `lambdacdot`, `epsilon-stationary`). Words like "in", "big",
 * "top", "log", "Delta", "alpha" are deliberately absent.
 */
export const MATH_ONLY = new Set([
  "epsilon", "varepsilon", "varphi", "vartheta", "varrho", "varsigma", "varpi", "lambda", "kappa",
  "cdot", "cdots", "ldots", "infty", "leq", "geq", "propto", "subseteq", "supseteq", "rightarrow", "leftarrow",
  "Rightarrow", "mapsto", "triangleq", "widetilde", "widehat", "mathcal", "mathbb", "mathrm", "mathbf",
  "lfloor", "rfloor", "lceil", "rceil", "nabla", "otimes", "oplus", "setminus", "Theta", "Omega", "Sigma", "Lambda",
  "Gamma", "Phi", "Psi", "varepsilon", "notin", "approx", "lesssim", "gtrsim", "coloneqq", "colon",
]);
/** Of MATH_ONLY, those that are also fine as standalone words in prose ("the Omega benchmark"). */
export const PROSE_SAFE = new Set(["Omega", "Theta", "Sigma", "Lambda", "Gamma", "Phi", "Psi", "lambda", "kappa"]);

/** Multi-letter names that appear as words inside stripped math (`O(nnz(X))`, `B_crit`), set upright. */
export const MATH_WORDS = new Set(["nnz", "poly", "polylog", "rank", "Var", "Cov", "eff", "crit", "opt", "DP", "diag", "tr", "Tr", "KL", "TV", "sign", "softmax", "supp", "dist", "vol", "erf", "Det"]);

/** Unicode characters that appear inside math in the dumps → TeX. */
export const UNICODE_TO_TEX: Record<string, string> = Object.fromEntries([
  ...Object.entries(GREEK).map(([k, v]) => [v, "\\" + k]),
  ["∞", "\\infty"], ["≤", "\\le"], ["≥", "\\ge"], ["×", "\\times"], ["∈", "\\in"], ["→", "\\to"], ["·", "\\cdot"],
  ["−", "-"], ["≈", "\\approx"], ["∼", "\\sim"], ["ℓ", "\\ell"], ["∂", "\\partial"], ["∇", "\\nabla"],
]);

export const SUPERSCRIPT: Record<string, string> = {
  "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
  "+": "⁺", "-": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", a: "ᵃ", b: "ᵇ", c: "ᶜ", d: "ᵈ", e: "ᵉ", f: "ᶠ", g: "ᵍ",
  h: "ʰ", i: "ⁱ", j: "ʲ", k: "ᵏ", l: "ˡ", m: "ᵐ", n: "ⁿ", o: "ᵒ", p: "ᵖ", r: "ʳ", s: "ˢ", t: "ᵗ", u: "ᵘ",
  v: "ᵛ", w: "ʷ", x: "ˣ", y: "ʸ", z: "ᶻ", T: "ᵀ", "∗": "*", "*": "*", "⊤": "ᵀ",
};
export const SUBSCRIPT: Record<string, string> = {
  "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉",
  "+": "₊", "-": "₋", "=": "₌", "(": "₍", ")": "₎", a: "ₐ", e: "ₑ", h: "ₕ", i: "ᵢ", j: "ⱼ", k: "ₖ", l: "ₗ",
  m: "ₘ", n: "ₙ", o: "ₒ", p: "ₚ", r: "ᵣ", s: "ₛ", t: "ₜ", u: "ᵤ", v: "ᵥ", x: "ₓ",
};

export const BLACKBOARD: Record<string, string> = { R: "ℝ", N: "ℕ", Z: "ℤ", Q: "ℚ", C: "ℂ", E: "𝔼", P: "ℙ" };

/** TeX text-mode accent commands → Unicode combining marks (then NFC). */
export const TEXT_ACCENTS: Record<string, string> = {
  "'": "\u0301", '"': "\u0308", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
  u: "\u0306", v: "\u030C", H: "\u030B", c: "\u0327", k: "\u0328", r: "\u030A",
};

/** TeX text-mode special letters. */
export const TEXT_LETTERS: Record<string, string> = {
  L: "Ł", l: "ł", o: "ø", O: "Ø", ss: "ß", aa: "å", AA: "Å", ae: "æ", AE: "Æ", oe: "œ", OE: "Œ", i: "ı", j: "ȷ",
};

/** Latin abbreviations defined as macros in many papers. */
export const TEXT_MACROS: Record<string, string> = {
  ie: "i.e.", eg: "e.g.", etal: "et al.", cf: "cf.", wrt: "w.r.t.", vs: "vs.", etc: "etc.", iid: "i.i.d.", aka: "a.k.a.",
};
