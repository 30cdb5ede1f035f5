import { refusedPhraseIn } from './messages/sms-content.ts';
import { templates } from './templates.ts';

/**
 * A village's own wording of jifen's texts (`texts:` in the village file): each default text of
 * src/templates.ts has a key, its path in snake case (`review_request`, `weekly_sms`,
 * `checkin_attended`); an override says the text with the default's parameters as `{name}`
 * placeholders. textsOf is the one lookup every caller renders through.
 */
export type Texts = typeof templates;
export type TextOverrides = Record<string, string | string[]>;

type Leaf = string | readonly string[] | ((...args: never[]) => unknown);

/** A text's key, where it sits in the templates, and the placeholders its override may use. */
export interface TextKey {
  key: string;
  path: string[];
  placeholders: string[];
  /** A list of texts (the publicity sheet's columns): overridden by a list as long. */
  list: boolean;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A template's parameter names, read from the arrow function's own source (types are gone at run
 * time; tsc and esbuild keep the names, and esbuild may drop a lone parameter's parentheses).
 */
function parameterNames(render: (...args: never[]) => unknown): string[] {
  const head = /^\s*(?:\(([^)]*)\)|(\w+))\s*=>/.exec(render.toString());
  if (!head) throw new Error(`templates: cannot read the parameters of ${render.toString().slice(0, 40)}`);
  return (head[1] ?? head[2]!).split(',').map((part) => /^\s*(\w*)/.exec(part)![1]!).filter(Boolean);
}

function collectKeys(node: unknown, path: string[], into: Map<string, TextKey>): Map<string, TextKey> {
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
    for (const [name, value] of Object.entries(node)) collectKeys(value, [...path, name], into);
    return into;
  }
  const key = path.map(snake).join('_');
  if (into.has(key)) throw new Error(`templates: two texts have the key ${key}`);
  const placeholders = typeof node === 'function' ? parameterNames(node as (...args: never[]) => unknown) : [];
  into.set(key, { key, path, placeholders, list: Array.isArray(node) });
  return into;
}

/** Every overridable text by key. */
export const TEXT_KEYS: ReadonlyMap<string, TextKey> = collectKeys(templates, [], new Map());

const PLACEHOLDER = /\{(\w+)\}/g;

const shown = (value: unknown) => (Array.isArray(value) ? value.join('、') : value === undefined || value === null ? '' : String(value));

/** An override in place of a template function: the same parameters, said the village's way. */
function renderer(text: string, placeholders: string[]) {
  return (...args: unknown[]) => text.replace(PLACEHOLDER, (_, name: string) => shown(args[placeholders.indexOf(name)]));
}

function overridden(node: unknown, path: string[], overrides: TextOverrides): unknown {
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
    return Object.fromEntries(Object.entries(node).map(([name, value]) => [name, overridden(value, [...path, name], overrides)]));
  }
  const key = path.map(snake).join('_');
  const text = overrides[key];
  if (text === undefined) return node;
  return typeof node === 'function' ? renderer(text as string, TEXT_KEYS.get(key)!.placeholders) : text;
}

/** The texts a village speaks with: the defaults, with the village file's overrides in their place. */
export function textsOf(village: { settings: { texts?: TextOverrides } } | undefined | null): Texts {
  const overrides = village?.settings.texts;
  if (!overrides || Object.keys(overrides).length === 0) return templates;
  return overridden(templates, [], overrides) as Texts;
}

/** What is wrong with a village file's `texts:`, one line each (nothing: it can be imported). */
export function textOverrideProblems(overrides: TextOverrides): string[] {
  return Object.entries(overrides).flatMap(([key, text]): string[] => {
    const known = TEXT_KEYS.get(key);
    if (!known) return [`texts.${key}: no such text; the known keys are ${[...TEXT_KEYS.keys()].join(', ')}`];
    if (known.list !== Array.isArray(text)) return [`texts.${key}: must be ${known.list ? 'a list' : 'a text'}`];
    const parts = Array.isArray(text) ? text : [text];
    if (known.list && parts.length !== (leafAt(known.path) as readonly string[]).length) {
      return [`texts.${key}: must list ${(leafAt(known.path) as readonly string[]).length} texts`];
    }
    const problems: string[] = [];
    for (const part of parts) {
      for (const [, name] of part.matchAll(PLACEHOLDER)) {
        if (!known.placeholders.includes(name!)) {
          problems.push(`texts.${key}: unknown placeholder {${name}}; ${known.placeholders.length > 0 ? `it can use ${known.placeholders.map((p) => `{${p}}`).join(' ')}` : 'it takes none'}`);
        }
      }
      const phrase = refusedPhraseIn(part);
      if (phrase) problems.push(`texts.${key}: contains 「${phrase}」, which SMS providers refuse`);
    }
    return problems;
  });
}

function leafAt(path: string[]): Leaf {
  return path.reduce<unknown>((node, name) => (node as Record<string, unknown>)[name], templates) as Leaf;
}
