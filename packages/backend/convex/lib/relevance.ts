/**
 * A lexical relevance model for the knowledge base: how well a passage
 * covers a question, and whether it covers it *enough* to answer from. Pure
 * (no I/O), so the search query, the local responder and the tests share it.
 *
 * - Words are reduced to their Porter stems (the `stemmer` package), so
 *   "charging", "charged" and "charges" are one term.
 * - Each question term is weighted by its inverse document frequency (IDF)
 *   over the organization's passages: a word few passages use tells them
 *   apart ("warranty"), one most use does not ("order" in a shop's help
 *   center). A term no passage uses gets the highest weight: it is what the
 *   question is about, and nothing in the knowledge base speaks of it.
 * - An acronym-like term ("2fa", "pt") also matches the content words it
 *   abbreviates ("two-factor authentication"), see `acronymCount`.
 * - Passages are ranked by Okapi BM25 (k1 = 1.2, b = 0.75) over their
 *   article title, section title and text.
 * - `coverage` is the share of the question's total IDF weight the passage
 *   contains. The agent answers only above `MIN_COVERAGE`: a passage that
 *   shares the question's common words ("cost", "return") but not its
 *   distinctive ones ("kayak") is not an answer, however well it ranks.
 */
import { stemmer } from "stemmer";

import { STOP_WORDS } from "./knowledge";

/**
 * Words a visitor's question carries that say nothing about its subject:
 * the usual English stop words plus the verbs and fillers of asking ("can
 * you tell me", "I'd like to know", "please"). Generic, not per help center.
 */
const QUESTION_FILLER: ReadonlySet<string> = new Set(
  (
    "about above after again against all also am any anyone anything around because been before being " +
    "below between both could did doing done down during each else even ever every few further get " +
    "gets getting got had has having he her here hers herself him himself his hi hello hey hmm im ive " +
    "into its itself just know let lets like may maybe might mine more most much must myself need " +
    "needs no nor not now off ok okay once only other ought ours ourselves out over own please same " +
    "she should some something such tell thanks thank then these they those through too under until " +
    "up very want wanted wants were whats whether while whom would yes yet yours yourself yourselves " +
    "question questions wondering wonder curious help anybody somebody someone thing things way really " +
    "guys there id ill youre dont cant wont doesnt isnt didnt youve theyre " +
    // The rest of "how long does it take", "how many", "is it possible to", "what happens if".
    "long take takes taking took many often soon able possible exactly actually currently usually " +
    "anyway still already ask asking go going happen happens happened ago lot lots kind sort " +
    "elsewhere somewhere anywhere everywhere twice sometimes"
  ).split(" "),
);

/** Whether a lowercase word is too common in questions to be a search term. */
export function isFiller(word: string): boolean {
  return word.length < 2 || STOP_WORDS.has(word) || QUESTION_FILLER.has(word);
}

/**
 * Common irregular English forms, by their base form, so "paid" meets "pay"
 * and "broke" meets "broken" (a stemmer only strips regular suffixes).
 * General English morphology, not vocabulary of any help center.
 */
const IRREGULAR: ReadonlyMap<string, string> = new Map(
  Object.entries({
    pay: "paid",
    buy: "bought",
    send: "sent",
    make: "made",
    take: "took taken",
    wear: "wore worn",
    break: "broke broken",
    sell: "sold",
    get: "got gotten",
    give: "gave given",
    leave: "left",
    lose: "lost",
    choose: "chose chosen",
    find: "found",
    keep: "kept",
    spend: "spent",
    build: "built",
    bring: "brought",
    think: "thought",
    tell: "told",
    say: "said",
    come: "came",
    go: "went gone",
    see: "saw seen",
    know: "knew known",
    write: "wrote written",
    begin: "began begun",
    forget: "forgot forgotten",
    hold: "held",
    meet: "met",
    run: "ran",
    steal: "stole stolen",
    tear: "tore torn",
    win: "won",
    feel: "felt",
    fall: "fell fallen",
    hide: "hid hidden",
    eat: "ate eaten",
    drive: "drove driven",
    ride: "rode ridden",
    freeze: "froze frozen",
    shake: "shook shaken",
    speak: "spoke spoken",
    wake: "woke woken",
    understand: "understood",
    withdraw: "withdrew withdrawn",
    mean: "meant",
    shut: "shut",
    child: "children",
    person: "people",
    foot: "feet",
    tooth: "teeth",
    man: "men",
    woman: "women",
  }).flatMap(([base, forms]) => forms.split(" ").map((form) => [form, base] as const)),
);

/**
 * Everyday support vocabulary that means the same, as groups whose first
 * word stands for the group: customers write "package" where the help
 * center says "parcel", "money back" for "refund". Deliberately small and
 * generic (words of online shops and software help centers in general, not
 * of any one help center): a wrong equivalence makes the agent answer what
 * was not asked, which is worse than saying it does not know. A phrase is
 * written with spaces; an optional pronoun may sit inside it ("send it back").
 */
const SYNONYMS: readonly (readonly string[])[] = [
  ["parcel", "package", "shipment"],
  ["ship", "deliver", "delivery", "dispatch"],
  ["abroad", "overseas", "international", "internationally"],
  ["refund", "reimburse", "reimbursement", "money back"],
  ["return", "send back"],
  ["cost", "price", "fee"],
  ["buy", "purchase"],
  ["exchange", "swap"],
  ["repair", "fix", "mend"],
  ["delete", "erase", "remove"],
  ["collect", "pick up"],
  ["login", "log in", "sign in", "logon"],
  ["logout", "log out", "sign out"],
  ["signup", "sign up", "register", "registration"],
  ["email", "e mail"],
  ["invoice", "receipt"],
  ["coupon", "promo code", "discount code", "voucher code"],
  ["warranty", "guarantee"],
  ["error", "bug", "glitch"],
  ["contact", "get in touch"],
  ["cancel", "cancellation", "unsubscribe"],
  ["faulty", "defective"],
  ["upgrade", "move up"],
  ["downgrade", "move down"],
];

const PRONOUN = "(?:it |them |this |that |these |those |my |your )?";

/** Multi-word synonyms, rewritten to their group's first word before tokenizing. */
const PHRASES: { pattern: RegExp; replacement: string }[] = SYNONYMS.flatMap(([head, ...rest]) =>
  rest
    .filter((member) => member.includes(" "))
    .map((phrase) => {
      const [first, ...others] = phrase.split(" ");
      // The phrase's first word in any form: "sends back", "sending back", "sent back".
      const irregular = [...IRREGULAR].filter(([, base]) => base === first).map(([form]) => form);
      const forms = [`${first}(?:s|es|ed|ing|d)?`, ...irregular].join("|");
      const body = `(?:${forms})\\s+${PRONOUN.replace(/ /g, "\\s+")}${others.join("\\s+")}`;
      return { pattern: new RegExp(`\\b${body}\\b`, "g"), replacement: head! };
    }),
);

/** Lowercase words of a text, apostrophes dropped ("don't" → "dont"), synonym phrases joined. */
export function tokenize(text: string): string[] {
  let lower = text.toLowerCase().replace(/['’]/g, "");
  for (const { pattern, replacement } of PHRASES) lower = lower.replace(pattern, replacement);
  return lower.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function porter(word: string): string {
  return stemmer(IRREGULAR.get(word) ?? word);
}

/** Each single-word synonym's stem → its group's stem; and each group's words, for searching. */
const CANONICAL = new Map<string, string>();
const GROUP_WORDS = new Map<string, string[]>();
for (const [head, ...rest] of SYNONYMS) {
  const canonical = porter(head!);
  const words = [head!];
  for (const member of rest) {
    if (member.includes(" ")) words.push(member.split(" ")[0]!);
    else {
      CANONICAL.set(porter(member), canonical);
      words.push(member);
    }
  }
  GROUP_WORDS.set(canonical, words);
}

/**
 * The term a word counts as: its Porter stem, or its synonym group's
 * (numbers and non-Latin words as they are).
 */
export function stem(word: string): string {
  if (!/^[a-z]+$/.test(word)) return word;
  const stemmed = porter(word);
  return CANONICAL.get(stemmed) ?? stemmed;
}

/** Shortest stem that matches longer stems it begins (see `hasTerm`). */
const MIN_PREFIX_MATCH = 5;

/**
 * Whether a passage's stems contain `term`. Besides the same stem, a stem
 * of five letters or more matches a longer one it begins, either way round:
 * Porter leaves "deliver" as "deliv" but "delivery" as "deliveri", and
 * "europ" should find "european".
 */
export function hasTerm(documentStems: ReadonlySet<string>, term: string): boolean {
  if (documentStems.has(term)) return true;
  for (const other of documentStems) {
    const [short, long] = other.length < term.length ? [other, term] : [term, other];
    if (short.length >= MIN_PREFIX_MATCH && long.startsWith(short)) return true;
  }
  return false;
}

/** The initial each digit stands for when spoken ("2FA" is "two-factor authentication"). */
const DIGIT_INITIALS = "zottffssen";

/**
 * The initials an acronym-like term spells, or null: two to five letters
 * and digits with a digit or no vowel ("2fa", "pt", "sms"), digits read as
 * their English names' first letters. Ordinary short words have vowels.
 */
function acronymInitials(term: string): string | null {
  if (!/^[a-z0-9]{2,5}$/.test(term) || !/[a-z]/.test(term)) return null;
  if (!/\d/.test(term) && /[aeiouy]/.test(term)) return null;
  return term.replace(/\d/g, (digit) => DIGIT_INITIALS[Number(digit)]!);
}

/**
 * How many times `term`, read as an acronym, is spelled out by consecutive
 * words of `orderedStems` ("2fa" by "two factor authent"): every word of
 * the run must be a content word, so "tfa" is not "to a few".
 */
export function acronymCount(orderedStems: readonly string[], term: string): number {
  const initials = acronymInitials(term);
  if (!initials) return 0;
  let count = 0;
  for (let start = 0; start + initials.length <= orderedStems.length; start++) {
    let spelled = true;
    for (let offset = 0; offset < initials.length && spelled; offset++) {
      const word = orderedStems[start + offset]!;
      spelled = word[0] === initials[offset] && word.length > 1 && !isFiller(word);
    }
    if (spelled) count++;
  }
  return count;
}

/** Whether a text's stems contain `term`: `hasTerm`, or spelled out as an acronym. */
function containsTerm(ordered: readonly string[], distinct: ReadonlySet<string>, term: string) {
  return hasTerm(distinct, term) || acronymCount(ordered, term) > 0;
}

/** Stems of a text's words, fillers included (for term frequencies and lengths). */
export function stems(text: string): string[] {
  return tokenize(text).map(stem);
}

/**
 * The prefix to give Convex full-text search for a term. Convex treats the
 * last (here, only) term of a search as a prefix, so the stem "charg" finds
 * "charge", "charged" and "charging"; a stem that ends in the "i" Porter
 * puts for "y" ("polici") is cut before it, to find "policy" as well. A
 * stem shorter than three letters is searched as the word itself. Matches
 * are checked against the stem afterwards, so a wider prefix only costs reads.
 */
export function searchPrefix(term: string, word: string): string {
  const prefix = term.length > 3 && term.endsWith("i") ? term.slice(0, -1) : term;
  return prefix.length >= 3 && word.startsWith(prefix.slice(0, 3)) ? prefix : word;
}

export type QueryTerm = {
  /** The stem. */
  term: string;
  /** What to search for (see `searchPrefix`): the word's prefix, first. */
  prefix: string;
  /** Prefixes of the term's synonyms, searched too. */
  synonyms: string[];
};

/** Search prefixes of a term's synonyms other than `prefix`. */
function synonymPrefixes(term: string, prefix: string): string[] {
  const words = GROUP_WORDS.get(term) ?? [];
  const prefixes = words.map((word) => searchPrefix(porter(word), word));
  return [...new Set(prefixes)].filter((p) => p !== prefix && !isFiller(p));
}

/**
 * The distinct terms of a question worth weighing, in the question's order,
 * at most `max` (Convex reads at most 16 terms of a search; each term is one
 * search here, so this also bounds the reads). When there are more, the
 * longest words are kept: the cheap stand-in for rarity before IDF is known.
 */
export function queryTerms(question: string, max = 16): QueryTerm[] {
  const seen = new Map<string, QueryTerm & { length: number; index: number }>();
  for (const word of tokenize(question)) {
    // An irregular form of a filler is a filler too: "taken", "gone", "known".
    if (isFiller(word) || isFiller(IRREGULAR.get(word) ?? word)) continue;
    const term = stem(word);
    if (term.length < 2 || seen.has(term)) continue;
    const prefix = GROUP_WORDS.has(term)
      ? searchPrefix(porter(word), word)
      : searchPrefix(term, word);
    seen.set(term, {
      term,
      prefix,
      synonyms: synonymPrefixes(term, prefix),
      length: word.length,
      index: seen.size,
    });
  }
  const all = [...seen.values()];
  const kept =
    all.length <= max
      ? all
      : [...all]
          .sort((a, b) => b.length - a.length || a.index - b.index)
          .slice(0, max)
          .sort((a, b) => a.index - b.index);
  return kept.map(({ term, prefix, synonyms }) => ({ term, prefix, synonyms }));
}

/**
 * Robertson–Spärck Jones IDF as BM25 uses it, kept positive:
 * ln(1 + (N − df + 0.5) / (df + 0.5)). A term in no passage weighs the most.
 */
export function idf(passageCount: number, documentFrequency: number): number {
  const n = Math.max(passageCount, documentFrequency, 1);
  return Math.log(1 + (n - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * A query term's weight: its IDF, but at least `MIN_WEIGHT`. In a small
 * help center (a few passages) IDF alone would make a term every passage
 * shares worth almost nothing next to one none has, so any stray word
 * would outweigh the subject; the floor keeps the subject counting.
 */
export function termWeight(passageCount: number, documentFrequency: number): number {
  return Math.max(idf(passageCount, documentFrequency), MIN_WEIGHT);
}

const MIN_WEIGHT = 0.5;

export type WeightedTerm = { term: string; weight: number };

export type Relevance = {
  /** Okapi BM25 of the passage for the question. */
  score: number;
  /** Share (0–1) of the question's IDF weight the passage contains. */
  coverage: number;
  /** The question's terms the passage contains. */
  matched: string[];
};

const K1 = 1.2;
const B = 0.75;

/**
 * Below this coverage the agent does not answer from a passage. With the
 * IDF weights above, a passage must hold the question's distinctive terms,
 * not only its common ones: "do you sell kayaks and what do they cost"
 * against a shipping article that mentions costs covers well under half.
 * Calibrated on bench/answer-quality's development help center; the
 * held-out one checks it was not fitted to those questions.
 */
export const MIN_COVERAGE = 0.65;

/**
 * Score one passage. `documentStems` are the stems of its title, section
 * and text; `averageLength` the mean passage length in stems.
 */
export function scorePassage(
  terms: WeightedTerm[],
  documentStems: string[],
  averageLength: number,
): Relevance {
  const frequency = new Map<string, number>();
  for (const s of documentStems) frequency.set(s, (frequency.get(s) ?? 0) + 1);
  const distinct = new Set(frequency.keys());
  /** Occurrences of the term, counting the longer stems `hasTerm` accepts. */
  const count = (term: string) => {
    let n = frequency.get(term) ?? 0;
    if (n === 0 && hasTerm(distinct, term)) {
      for (const [other, times] of frequency) if (hasTerm(new Set([other]), term)) n += times;
    }
    return n > 0 ? n : acronymCount(documentStems, term);
  };
  const norm = 1 - B + (B * documentStems.length) / Math.max(averageLength, 1);
  let score = 0;
  let covered = 0;
  let total = 0;
  const matched: string[] = [];
  for (const { term, weight } of terms) {
    total += weight;
    const tf = count(term);
    if (tf === 0) continue;
    matched.push(term);
    covered += weight;
    score += (weight * tf * (K1 + 1)) / (tf + K1 * norm);
  }
  return { score, coverage: total > 0 ? covered / total : 0, matched };
}

/** A passage's sentences; Markdown headings are not sentences. */
function splitSentences(passage: string): string[] {
  return passage
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !/^#{1,6}\s/.test(line))
    .flatMap(
      (line) =>
        line
          // A stop followed by a non-space ("1.9 kg", "acme.com") does not end a sentence.
          .match(/(?:[^.!?]|[.!?](?=[^\s.!?"')\]]))+(?:[.!?]+["')\]]*|$)/g)
          ?.map((s) => s.trim())
          .filter(Boolean) ?? [line],
    );
}

/**
 * The most question terms one sentence of the passage holds, its article
 * and section titles counting as part of every sentence. Terms scattered
 * over unrelated sentences ("sell" in one, "cost" in another) are weak
 * evidence that the passage answers; two in one sentence ("swap a size")
 * are strong.
 */
export function sentenceSupport(passage: string, context: string, terms: WeightedTerm[]): number {
  const shared = stems(context);
  let best = 0;
  for (const sentence of splitSentences(passage)) {
    const ordered = [...shared, ...stems(sentence)];
    const found = new Set(ordered);
    best = Math.max(best, terms.filter(({ term }) => containsTerm(ordered, found, term)).length);
  }
  return best;
}

/**
 * With this coverage, a passage whose best sentence holds two or more of
 * the question's terms answers it: the unmatched rest is then usually a
 * detail of the visitor's case ("my boots", "ten minutes ago") rather than
 * the subject.
 */
export const MIN_FOCUSED_COVERAGE = 0.35;

/** Whether a passage answers a question, from its coverage and `sentenceSupport`. */
export function answers(coverage: number, support: number): boolean {
  return coverage >= MIN_COVERAGE || (coverage >= MIN_FOCUSED_COVERAGE && support >= 2);
}

/**
 * The sentences of a passage that answer the question, in their original
 * order: greedily, the sentence adding the most not-yet-covered IDF weight,
 * until no sentence adds any or `max` are taken. Falls back to the
 * passage's first sentence.
 */
export function bestSentences(passage: string, terms: WeightedTerm[], max = 3): string {
  const sentences = splitSentences(passage);
  if (sentences.length === 0) return passage.trim();
  const weights = new Map(terms.map(({ term, weight }) => [term, weight]));
  const sentenceTerms = sentences.map((sentence) => {
    const ordered = stems(sentence);
    const found = new Set(ordered);
    return terms.filter(({ term }) => containsTerm(ordered, found, term)).map(({ term }) => term);
  });
  const chosen = new Set<number>();
  const covered = new Set<string>();
  while (chosen.size < max) {
    let best = -1;
    let bestGain = 0;
    for (const [index, found] of sentenceTerms.entries()) {
      if (chosen.has(index)) continue;
      let gain = 0;
      for (const term of found) if (!covered.has(term)) gain += weights.get(term) ?? 0;
      if (gain > bestGain) {
        best = index;
        bestGain = gain;
      }
    }
    if (best < 0) break;
    chosen.add(best);
    for (const term of sentenceTerms[best]!) covered.add(term);
  }
  if (chosen.size === 0) return sentences[0]!;
  return [...chosen]
    .sort((a, b) => a - b)
    .map((index) => sentences[index])
    .join(" ");
}

/**
 * The last Markdown heading (`#`–`######`) at or before each passage of a
 * source, so a passage can be named by its section ("Returns › Exchanges"
 * reads better than the whole article). Undefined before the first heading.
 */
export function sectionTitles(passages: string[]): (string | undefined)[] {
  let current: string | undefined;
  return passages.map((passage) => {
    const headings = [...passage.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)];
    const first = passage.match(/^#{1,6}\s+(.+?)\s*#*\s*$/m);
    // A passage that starts with a heading is in that section; otherwise in the one before it.
    const section = first && passage.trimStart().startsWith("#") ? first[1] : current;
    if (headings.length > 0) current = headings.at(-1)![1];
    return section;
  });
}

/**
 * One key for a question and its rephrasings: its terms, stemmed, sorted
 * and deduplicated ("How do I cancel my orders?" and "cancel order" agree).
 * Empty for a question of fillers only.
 */
export function normalizeQuestion(question: string): string {
  return [...new Set(queryTerms(question, 32).map(({ term }) => term))]
    .sort()
    .join(" ")
    .slice(0, 200);
}

/**
 * Whether two questions, given as their `normalizedQuestion` keys, ask the
 * same thing in other words: most of the shorter one's terms are in the
 * longer one (overlap coefficient ≥ 2/3, terms matched as `hasTerm` does, so
 * "deliveri" meets "deliv"). "Kayaks?" and "Do you sell kayaks?" are
 * similar (one term of one); "pay by bitcoin" and "pay by card" share one
 * of two: not. Keys without terms are never similar.
 */
export function similarQuestions(a: string, b: string): boolean {
  const [short, long] = [a, b]
    .map((key) => key.split(" ").filter(Boolean))
    .sort((x, y) => x.length - y.length) as [string[], string[]];
  if (short.length === 0) return false;
  const longStems = new Set(long);
  const shared = short.filter((term) => hasTerm(longStems, term)).length;
  return shared / short.length >= MIN_QUESTION_OVERLAP;
}

const MIN_QUESTION_OVERLAP = 2 / 3;
