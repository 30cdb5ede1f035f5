import { templates } from '../../src/templates.ts';
import { TEXT_KEYS, type TextOverrides } from '../../src/village-texts.ts';

/** Starts every overridden text, so a test can tell it from a default one. */
export const overrideMark = (key: string) => `«${key}»`;

/** A village's `texts:` that overrides every text: its mark, then each placeholder the default has. */
export function everyTextOverridden(): TextOverrides {
  return Object.fromEntries([...TEXT_KEYS.values()].map(({ key, path, placeholders, list }) => {
    if (!list) return [key, `${overrideMark(key)}${placeholders.map((name) => `{${name}}`).join('|')}`];
    const defaults = path.reduce<unknown>((node, name) => (node as Record<string, unknown>)[name], templates) as string[];
    return [key, defaults.map((_, i) => `${overrideMark(key)}${i}`)];
  }));
}
