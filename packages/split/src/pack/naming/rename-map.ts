/**
 * Ordered rename rules from source names to new names. A `string` match is exact (after NFC);
 * a `RegExp` selects the source names it matches anywhere in, and the WHOLE name becomes the
 * rule's name, in which `$1`…`$99`, `$<group>`, `$&` and `$$` refer to the match. (A map sends
 * names to names: `"/arm/": "limb"` renames `left_arm` to `limb`, not `left_limb`; write
 * `"/^(.*)arm$/": "$1limb"` for the latter.)
 */
export type RenameMap = ReadonlyArray<{ match: string | RegExp; name: string }>;

const REGEX_KEY = /^\/(.*)\/([a-z]*)$/su;
/** `g` would make a rule stateful and `y` anchors it oddly; the rest are meaningful. */
const ALLOWED_FLAGS = /^[imsuv]*$/u;

/**
 * Parse the `--rename` JSON object: `{ "Mesh_0": "head", "/^Arm_(L|R)$/i": "arm_$1" }`.
 * Keys of the form `/pattern/flags` are regular expressions, every other key is an exact
 * source name; rules keep the object's key order. An exact key wins; otherwise the first
 * matching regex (see {@link applyRenameMap}).
 *
 * @throws Error naming the offending key when the input is not an object of strings, a regex
 * does not compile or uses a flag other than i, m, s, u, v.
 */
export function parseRenameMap(json: unknown): RenameMap {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('rename map must be a JSON object mapping source names (or "/regex/flags") to new names');
  }
  const rules: { match: string | RegExp; name: string }[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (typeof value !== 'string') {
      throw new Error(`rename map key ${JSON.stringify(key)}: the new name must be a string`);
    }
    rules.push({ match: parseKey(key), name: value });
  }
  return rules;
}

function parseKey(key: string): string | RegExp {
  const regex = REGEX_KEY.exec(key);
  if (!regex) return key.normalize('NFC');
  const [, pattern = '', flags = ''] = regex;
  if (!ALLOWED_FLAGS.test(flags)) {
    throw new Error(
      `rename map key ${JSON.stringify(key)}: unsupported regex flags "${flags}" (use i, m, s, u, v)`,
    );
  }
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`rename map key ${JSON.stringify(key)}: invalid regular expression (${reason})`);
  }
}

/**
 * The new name for `sourceName`, or `undefined` when no rule matches. An exact rule wins over
 * every regex rule; regex rules are tried in order. (Exact-first also makes JSON key order
 * irrelevant where JavaScript does not keep it: integer-like keys such as "7" always come first.)
 */
export function applyRenameMap(sourceName: string, map: RenameMap): string | undefined {
  const name = sourceName.normalize('NFC');
  for (const rule of map) {
    if (typeof rule.match === 'string' && rule.match.normalize('NFC') === name) return rule.name;
  }
  for (const rule of map) {
    if (typeof rule.match !== 'string') {
      // A fresh, non-global copy: `lastIndex` of a caller's /g or /y RegExp must not leak in.
      const match = new RegExp(rule.match.source, rule.match.flags.replace(/[gy]/gu, '')).exec(name);
      if (match) return expandReplacement(rule.name, match);
    }
  }
  return undefined;
}

/** JavaScript replacement-pattern expansion (`$1`, `$<name>`, `$&`, `$$`) against one match. */
function expandReplacement(pattern: string, match: RegExpExecArray): string {
  return pattern.replace(
    /\$(\$|&|<([^>]*)>|(\d{1,2}))/gu,
    (whole, token: string, group?: string, digits?: string) => {
      if (token === '$') return '$';
      if (token === '&') return match[0];
      if (group !== undefined) return match.groups?.[group] ?? '';
      const index = Number(digits);
      return index > 0 && index < match.length ? (match[index] ?? '') : whole;
    },
  );
}
