/**
 * TPC-H text strings (specification clause 4.2.2.10): a text column's value is a substring, at a random
 * offset and of a random length, of one long text generated from the spec's grammar:
 *
 *   sentence             : noun-phrase verb-phrase terminator
 *                        | noun-phrase verb-phrase prepositional-phrase terminator
 *                        | noun-phrase verb-phrase noun-phrase terminator
 *                        | noun-phrase prepositional-phrase verb-phrase noun-phrase terminator
 *                        | noun-phrase prepositional-phrase verb-phrase prepositional-phrase terminator
 *   noun-phrase          : noun | adjective noun | adjective, adjective noun | adverb adjective noun
 *   verb-phrase          : verb | auxiliary verb | verb adverb | auxiliary verb adverb
 *   prepositional-phrase : preposition the noun-phrase
 *
 * Words and productions are picked with the weights below (the spec's word lists; the weights agree with
 * the word frequencies of dbgen's own SUPPLIER comments, see test/tpch/generate.test.ts). The spec's pool
 * is 300 MB; this one is TEXT_POOL_CHARS long so that every process can afford to hold it.
 */
import { RowRandom, type Seed } from './prng.ts';

type Weighted = ReadonlyArray<readonly [string, number]>;

const ones = (words: string): Array<[string, number]> => words.split('|').map((w) => [w, 1]);

export const NOUNS: Weighted = [
  ['packages', 40], ['requests', 40], ['accounts', 40], ['deposits', 40],
  ['foxes', 20], ['ideas', 20], ['theodolites', 20], ['pinto beans', 20], ['instructions', 20],
  ['dependencies', 10], ['excuses', 10], ['platelets', 10], ['asymptotes', 10],
  ['courts', 5], ['dolphins', 5],
  ...ones(
    'multipliers|sauternes|warthogs|frets|dinos|attainments|somas|Tiresias|patterns|forges|braids|frays|' +
      'warhorses|dugouts|notornis|epitaphs|pearls|tithes|waters|orbits|gifts|sheaves|depths|sentiments|' +
      'decoys|realms|pains|grouches|escapades|hockey players',
  ),
];

export const VERBS: Weighted = [
  ['sleep', 20], ['wake', 20], ['are', 20], ['cajole', 20], ['haggle', 20],
  ['nag', 10], ['use', 10], ['boost', 10],
  ['affix', 5], ['detect', 5], ['integrate', 5],
  ...ones(
    'maintain|nod|was|lose|sublate|solve|thrash|promise|engage|hinder|print|x-ray|breach|eat|grow|' +
      'impress|mold|poach|serve|run|dazzle|snooze|doze|unwind|kindle|play|hang|believe|doubt',
  ),
];

export const ADJECTIVES: Weighted = [
  ...ones(
    'furious|sly|careful|blithe|quick|fluffy|slow|quiet|ruthless|thin|close|dogged|daring|brave|stealthy|' +
      'permanent|enticing|idle|busy',
  ),
  ['regular', 50], ['final', 40], ['ironic', 40], ['even', 30],
  ['bold', 20], ['silent', 10], ['express', 20], ['special', 20], ['pending', 20], ['unusual', 20],
];

export const ADVERBS: Weighted = [
  ['sometimes', 1], ['always', 1], ['never', 1],
  ['furiously', 50], ['slyly', 50], ['carefully', 50], ['blithely', 40], ['quickly', 30], ['fluffily', 20],
  ...ones(
    'slowly|quietly|ruthlessly|thinly|closely|doggedly|daringly|bravely|stealthily|permanently|enticingly|' +
      'idly|busily|regularly|finally|ironically|evenly|boldly|silently',
  ),
];

/** "whithout" is spelled as dbgen spells it (its comments carry that word, never "without"). */
export const PREPOSITIONS: Weighted = [
  ['about', 50], ['above', 50], ['according to', 50], ['across', 50], ['after', 50],
  ['against', 40], ['along', 40], ['alongside of', 30], ['among', 30], ['around', 20], ['at', 10],
  ...ones(
    'atop|before|behind|beneath|beside|besides|between|beyond|by|despite|during|except|for|from|in place of|' +
      'inside|instead of|into|near|of|on|outside|over|past|since|through|throughout|to|toward|under|until|up|' +
      'upon|whithout|with|within',
  ),
];

export const AUXILIARIES: Weighted = ones(
  'do|may|might|shall|will|would|can|could|should|ought to|must|will have to|shall have to|could have to|' +
    'should have to|must have to|need to|try to',
);

export const TERMINATORS: Weighted = [['.', 50], [';', 1], [':', 1], ['?', 1], ['!', 1], ['--', 1]];

/** Productions: N noun phrase, V verb phrase, P prepositional phrase, T terminator. */
export const SENTENCES: Weighted = [
  ['N V T', 3], ['N V P T', 3], ['N V N T', 3], ['N P V N T', 1], ['N P V P T', 1],
];
/** N noun, J adjective, D adverb; "J, J N" puts a comma after the first adjective. */
export const NOUN_PHRASES: Weighted = [['N', 10], ['J N', 20], ['J, J N', 10], ['D J N', 50]];
/** V verb, X auxiliary, D adverb. */
export const VERB_PHRASES: Weighted = [['V', 30], ['X V', 1], ['V D', 40], ['X V D', 1]];

/** Length of the generated text every text column draws its substrings from. */
export const TEXT_POOL_CHARS = 1 << 23;

/** A weighted choice table: pick(r) returns an entry with probability weight/total. */
class Choice {
  private readonly cumulative: number[] = [];
  private readonly total: number;
  constructor(private readonly entries: Weighted) {
    let sum = 0;
    for (const [, w] of entries) this.cumulative.push((sum += w));
    this.total = sum;
  }
  pick(rng: RowRandom): string {
    const x = rng.int(0, this.total - 1);
    let i = 0;
    while (this.cumulative[i] <= x) i++;
    return this.entries[i][0];
  }
}

const nouns = new Choice(NOUNS);
const verbs = new Choice(VERBS);
const adjectives = new Choice(ADJECTIVES);
const adverbs = new Choice(ADVERBS);
const prepositions = new Choice(PREPOSITIONS);
const auxiliaries = new Choice(AUXILIARIES);
const terminators = new Choice(TERMINATORS);
const sentences = new Choice(SENTENCES);
const nounPhrases = new Choice(NOUN_PHRASES);
const verbPhrases = new Choice(VERB_PHRASES);

function nounPhrase(rng: RowRandom, out: string[]): void {
  switch (nounPhrases.pick(rng)) {
    case 'N':
      out.push(nouns.pick(rng));
      return;
    case 'J N':
      out.push(adjectives.pick(rng), nouns.pick(rng));
      return;
    case 'J, J N':
      out.push(`${adjectives.pick(rng)},`, adjectives.pick(rng), nouns.pick(rng));
      return;
    default: // 'D J N'
      out.push(adverbs.pick(rng), adjectives.pick(rng), nouns.pick(rng));
  }
}

function verbPhrase(rng: RowRandom, out: string[]): void {
  switch (verbPhrases.pick(rng)) {
    case 'V':
      out.push(verbs.pick(rng));
      return;
    case 'X V':
      out.push(auxiliaries.pick(rng), verbs.pick(rng));
      return;
    case 'V D':
      out.push(verbs.pick(rng), adverbs.pick(rng));
      return;
    default: // 'X V D'
      out.push(auxiliaries.pick(rng), verbs.pick(rng), adverbs.pick(rng));
  }
}

function prepositionalPhrase(rng: RowRandom, out: string[]): void {
  out.push(prepositions.pick(rng), 'the');
  nounPhrase(rng, out);
}

/** One sentence of the grammar: its words joined by spaces, the terminator on the last word. */
export function sentence(rng: RowRandom): string {
  const words: string[] = [];
  for (const part of sentences.pick(rng).split(' ')) {
    if (part === 'N') nounPhrase(rng, words);
    else if (part === 'V') verbPhrase(rng, words);
    else if (part === 'P') prepositionalPhrase(rng, words);
    else words[words.length - 1] += terminators.pick(rng);
  }
  return words.join(' ');
}

/** Domain word of the pool's stream (distinct from every row stream's domain). */
const POOL_DOMAIN = 0x70006f6c;

const pools = new Map<string, string>();

/**
 * The text pool for a seed: sentences separated by single spaces, cut to TEXT_POOL_CHARS. Built once per
 * seed and process (about a quarter of a second), then shared; its size does not depend on the scale.
 */
export function textPool(seed: Seed): string {
  const id = `${seed.hi}:${seed.lo}`;
  let pool = pools.get(id);
  if (pool === undefined) {
    const rng = new RowRandom(seed, POOL_DOMAIN).reset(0);
    const parts: string[] = [];
    let length = 0;
    while (length < TEXT_POOL_CHARS) {
      const s = sentence(rng);
      parts.push(s);
      length += s.length + 1;
    }
    pool = parts.join(' ').slice(0, TEXT_POOL_CHARS);
    // One pool at a time: a process generating with many seeds must not hold one per seed.
    pools.clear();
    pools.set(id, pool);
  }
  return pool;
}
