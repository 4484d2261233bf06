import { describe, expect, it } from 'vitest';
import { NAMING_DEFAULTS } from '../src/options.js';
import {
  applyCaseStyle,
  collisionKey,
  dropExporterDebris,
  hasEngineImportSuffix,
  isDeviceName,
  isSafeFileName,
  type NameInput,
  nameParts,
  parseRenameMap,
  safeFileName,
  splitWords,
  utf8Length,
} from '../src/pack/naming/index.js';
import { generalSafeFileName } from '../src/pack/naming/safe-file-name.js';

const inputs = (names: readonly string[]): NameInput[] =>
  names.map((sourceName, index) => ({ sourceName, index, id: `p${index}` }));

const HOSTILE = [
  'head',
  'Head',
  'HEAD',
  '',
  '   ',
  '\t\n',
  '.',
  '..',
  '...',
  '../../etc/passwd',
  '..\\..\\windows\\system32',
  'a/b\\c',
  'C:\\boot.ini',
  'left:arm',
  'what?*<>|"',
  'CON',
  'con',
  'con.txt',
  'Nul.glb',
  'COM1',
  'com¹',
  'LPT9',
  'aux ',
  'CONIN$',
  'trailing. ',
  '.hidden',
  'x'.repeat(300),
  '界'.repeat(300),
  '👨‍👩‍👧‍👦'.repeat(60),
  '🦊 fox',
  '👨‍👩‍👧',
  '头部',
  '左腕',
  'רגל שמאל',
  'ذراع',
  'evil\u202Etxt.exe',
  'nul\u0000byte',
  'bell\u0007\u001b[31mred',
  'del\u007f',
  'Café',
  'Cafe\u0301',
  'door-col',
  'Wall_COLONLY',
  'x$noimp',
  'rope-Loop',
  'floor_navmesh',
  'rock-convcol',
  'tree-rigid',
  'mesh-vcol',
  'wall-occ',
  'a',
  'a',
  'a_2',
  'lone\uD800surrogate',
  'zero\u200Bwidth\uFEFF',
  '\u200B',
];

/**
 * A name is usable as a URL path segment as it is: the WHATWG URL parser (what fetch and three.js use)
 * keeps it as one segment, changes no ASCII character of it, and only non-ASCII characters are
 * percent-encoded, which a server decodes back to the same name.
 */
function expectUrlSafe(name: string): void {
  expect(name).toMatch(
    /^(?:[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}._-]|\u200C|\u200D|\uFE0F)+$/u,
  );
  const url = new URL(`parts/${name}.glb`, 'https://example.com/pack/');
  expect(url.search).toBe('');
  expect(url.hash).toBe('');
  expect(decodeURIComponent(url.pathname)).toBe(`/pack/parts/${name}.glb`);
  expect(url.pathname.replace(/%[0-9A-F]{2}/g, '')).toMatch(/^[A-Za-z0-9/._-]*$/);
}

/** The invariants every final name must satisfy, whatever came in. */
function expectSafeAndUnique(names: readonly string[], maxLength = NAMING_DEFAULTS.maxLength): void {
  const keys = new Set<string>();
  for (const name of names) {
    expect(name.length).toBeGreaterThan(0);
    expect(name).toBe(name.normalize('NFC'));
    expect(utf8Length(name)).toBeLessThanOrEqual(maxLength);
    expect(name).not.toMatch(/[<>:"/\\|?*\p{Cc}\u00AD\u200B\u200E\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u);
    expect(name).not.toMatch(/^[\s.-]|[\s.]$/u);
    expectUrlSafe(name);
    expect(name).not.toBe('.');
    expect(name).not.toBe('..');
    expect(isDeviceName(name)).toBe(false);
    expect(hasEngineImportSuffix(name)).toBe(false);
    // Well-formed UTF-16: a lone surrogate round-trips through UTF-8 as U+FFFD.
    expect(new TextDecoder().decode(new TextEncoder().encode(name))).toBe(name);
    // Independent of the implementation's key: what case-insensitive file systems compare.
    keys.add(name.normalize('NFC').toLowerCase());
    expect(collisionKey(name)).toBe(name.toUpperCase().toLowerCase());
  }
  expect(keys.size).toBe(names.length);
}

describe('nameParts', () => {
  it('keeps plain names exactly as they are', () => {
    expect(
      nameParts(inputs(['head', 'left_arm', 'Torso', 'wheel', 'collar', '头部', '🦊_fox', 'v1.2-b'])),
    ).toEqual(['head', 'left_arm', 'Torso', 'wheel', 'collar', '头部', '🦊_fox', 'v1.2-b']);
  });

  it('makes every hostile name safe, bounded and unique', () => {
    const names = nameParts(inputs(HOSTILE));
    expect(names).toHaveLength(HOSTILE.length);
    expectSafeAndUnique(names);
    for (const style of ['snake', 'kebab', 'camel', 'pascal'] as const) {
      expectSafeAndUnique(nameParts(inputs(HOSTILE), { case: style }));
    }
    expectSafeAndUnique(nameParts(inputs(HOSTILE), { maxLength: 16 }), 16);
    expectSafeAndUnique(nameParts(inputs(HOSTILE), { template: '{model}-{index}-{name}', model: 'CON' }));
  });

  it('keeps every invariant on random hostile names (seeded, reproducible)', () => {
    // Pieces that combine into the nastiest cases: separators, dots, devices, suffixes, controls,
    // invisible and combining characters, surrogates, emoji sequences, CJK and RTL text.
    const alphabet = [
      'a',
      'Z',
      '.',
      '..',
      '/',
      '\\',
      ' ',
      '\t',
      ':',
      '*',
      '?',
      '"',
      '<',
      '|',
      'CON',
      'com1',
      'lpt9',
      '-col',
      '_NoImp',
      '$loop',
      '\u0000',
      '\u001f',
      '\u007f',
      '\u200B',
      '\u202E',
      '\uFEFF',
      '\u0301',
      'é',
      'e\u0301',
      '\uD83D',
      '\uDE00',
      '😀',
      '👨‍👩‍👧',
      '🏳️‍🌈',
      '头',
      'ا',
      'ש',
      'ß',
      'İ',
      '_2',
      '_',
      '-',
    ];
    let seed = 0x2f6b1d3;
    const random = () => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
      return ((seed ^ (seed >>> 13)) >>> 0) / 4294967296;
    };
    for (let round = 0; round < 40; round++) {
      const names = Array.from({ length: 25 }, () =>
        Array.from(
          { length: Math.floor(random() * 12) },
          () => alphabet[Math.floor(random() * alphabet.length)],
        ).join(''),
      );
      const maxLength = 16 + Math.floor(random() * 100);
      const style = (['keep', 'snake', 'kebab', 'camel', 'pascal'] as const)[round % 5]!;
      expectSafeAndUnique(nameParts(inputs(names), { maxLength, case: style }), maxLength);
    }
  });

  it('removes separators and parent references instead of keeping a path', () => {
    const [a, b, c, d] = nameParts(inputs(['../../etc/passwd', '..\\..\\win', 'a/b\\c', '/']));
    expect(a).toBe('etc_passwd');
    expect(b).toBe('win');
    expect(c).toBe('a_b_c');
    expect(d).toBe('part');
  });

  it('escapes Windows device names with or without an extension, in any case', () => {
    expect(nameParts(inputs(['CON', 'con.txt', 'COM1', 'LPT9', 'nul', 'Aux.dat', 'console']))).toEqual([
      'CON_',
      'con_.txt',
      'COM1_',
      'LPT9_',
      'nul_',
      'Aux_.dat',
      'console',
    ]);
  });

  it('deduplicates case-insensitively and across NFC/NFD spellings', () => {
    expect(nameParts(inputs(['head', 'Head', 'HEAD']))).toEqual(['head', 'Head_2', 'HEAD_3']);
    const [nfc, nfd] = nameParts(inputs(['Café', 'Cafe\u0301']));
    expect(nfc).toBe('Café');
    expect(nfd).toBe('Café_2');
  });

  it('never lets a dedup suffix collide with a name already in the list', () => {
    expect(nameParts(inputs(['a', 'a', 'a_2']))).toEqual(['a', 'a_3', 'a_2']);
    expect(nameParts(inputs(['a_2', 'a', 'a', 'a']))).toEqual(['a_2', 'a', 'a_3', 'a_4']);
  });

  it('names parts without a name by their index, padded so that they sort as they come', () => {
    expect(nameParts(inputs(['', '  ', '\t', '...']))).toEqual(['part_0', 'part_1', 'part_2', 'part_3']);
    const twelve = nameParts(inputs(['wheel', ...Array.from({ length: 11 }, () => '')]));
    expect(twelve).toEqual([
      'wheel',
      ...Array.from({ length: 11 }, (_, i) => `part_${String(i + 1).padStart(2, '0')}`),
    ]);
    expect([...twelve.slice(1)].sort()).toEqual(twelve.slice(1));
  });

  it('bounds length in UTF-8 bytes without cutting a grapheme cluster', () => {
    const family = '👨‍👩‍👧‍👦';
    const [long, emoji, cjk] = nameParts(inputs(['x'.repeat(300), family.repeat(60), '界'.repeat(300)]));
    expect(long).toBe('x'.repeat(100));
    expect(utf8Length(emoji!)).toBeLessThanOrEqual(100);
    // Only whole family clusters: the name is made of repetitions of the full sequence.
    expect(emoji!.replaceAll(family, '')).toBe('');
    expect(emoji!.length).toBeGreaterThan(0);
    expect(cjk).toBe('界'.repeat(33)); // 3 bytes each, 99 of 100 bytes
  });

  it('keeps the dedup suffix inside the byte budget', () => {
    const names = nameParts(inputs(['y'.repeat(300), 'y'.repeat(300)]), { maxLength: 20 });
    expect(names).toEqual(['y'.repeat(20), `${'y'.repeat(18)}_2`]);
  });

  it('guards Godot node import suffixes with -, _ or $ in any case', () => {
    expect(
      nameParts(
        inputs(['door-col', 'Wall_COLONLY', 'x$noimp', 'floor_navmesh', 'front_wheel', 'rock-convcol']),
      ),
    ).toEqual([
      'door-col_part',
      'Wall_COLONLY_part',
      'x_noimp_part',
      'floor_navmesh_part',
      'front_wheel_part',
      'rock-convcol_part',
    ]);
    // Godot reads through trailing digits, spaces and `_` (Blender's .001 becomes _001 there).
    expect(nameParts(inputs(['front_wheel_2', 'door-col 3', 'lid-occ__7']))).toEqual([
      'front_wheel_2_part',
      'door-col_3_part',
      'lid-occ__7_part',
    ]);
    // Words that merely end in those letters are not hints.
    expect(nameParts(inputs(['protocol', 'pool', 'rigidity', 'col']))).toEqual([
      'protocol',
      'pool',
      'rigidity',
      'col',
    ]);
  });

  it('leaves animation and material suffixes alone: they are not node names', () => {
    // -loop/-cycle act on animation names, -vcol/-alpha on material names; a part names a node.
    expect(
      nameParts(inputs(['mesh with LINE_LOOP', 'rope-Loop', 'walk_cycle', 'mesh-vcol', 'glass_alpha'])),
    ).toEqual(['mesh_with_LINE_LOOP', 'rope-Loop', 'walk_cycle', 'mesh-vcol', 'glass_alpha']);
  });

  it('keeps a guarded name guarded when deduplication cuts it', () => {
    const names = nameParts(inputs([`${'z'.repeat(10)}_col_xx`, `${'z'.repeat(10)}_col_xx`]), {
      maxLength: 16,
    });
    expect(names[0]).toBe(`${'z'.repeat(10)}_col_x`);
    expect(hasEngineImportSuffix(names[1]!)).toBe(false);
    expect(names[1]).toMatch(/_part_2$/);
  });

  it('makes names URL-safe: no #, %, ?, &, +, spaces, quotes or leading - and .', () => {
    expect(
      nameParts(
        inputs([
          'sides#1_5_2_4_3',
          '50% scale',
          'a%20b',
          '-leading',
          'q?x=1&y=2',
          'c++',
          'it\'s "quoted"',
          'semi;colon',
          '~home',
          'ロボット (final)',
          'Ärmel—links',
        ]),
      ),
    ).toEqual([
      'sides_1_5_2_4_3',
      '50_scale',
      'a_20b',
      'leading',
      'q_x_1_y_2',
      'c',
      'it_s_quoted',
      'semi_colon',
      'home',
      'ロボット_final',
      'Ärmel_links',
    ]);
  });

  it('keeps names unique when URL folding makes two of them equal', () => {
    expect(nameParts(inputs(['a#b', 'a b', 'a?b', 'a_b']))).toEqual(['a_b', 'a_b_2', 'a_b_3', 'a_b_4']);
  });

  it('drops exporter debris from names but never from sourceName', () => {
    expect(
      nameParts(inputs(['barrel_1.obj_3', 'Cube.001', 'Cube', 'Cube.002', 'wheel.FBX', '.001'])),
    ).toEqual(['barrel_1_3', 'Cube', 'Cube_2', 'Cube_3', 'wheel', '001']);
    expect(dropExporterDebris('model.gltf.001')).toBe('model');
    expect(dropExporterDebris('objection.objx')).toBe('objection.objx');
    expect(dropExporterDebris('v1.25')).toBe('v1.25');
    // A rename rule's value is the user's: kept as written (then made safe).
    expect(nameParts(inputs(['x']), { rename: parseRenameMap({ x: 'Cube.001' }) })).toEqual(['Cube.001']);
  });

  it('guards a suffix that only appears after case conversion or truncation', () => {
    expect(nameParts(inputs(['DoorCol']), { case: 'snake' })).toEqual(['door_col_part']);
    const cut = nameParts(inputs([`${'z'.repeat(12)}-col-and-more`]), { maxLength: 16 });
    expect(cut[0]).toBe(`${'z'.repeat(11)}_part`);
    expect(hasEngineImportSuffix(cut[0]!)).toBe(false);
  });

  it('replaces control characters and removes invisible ones', () => {
    expect(nameParts(inputs(['evil\u202Etxt.exe', 'nul\u0000byte', 'tab\there']))).toEqual([
      'eviltxt.exe',
      'nul_byte',
      'tab_here',
    ]);
    // Look-alikes made with zero-width characters are the same name, so they are deduplicated.
    expect(nameParts(inputs(['head', 'he\u200Bad', '\uFEFFhead\u00AD']))).toEqual([
      'head',
      'head_2',
      'head_3',
    ]);
    // Removing an invisible character between a letter and its accent still yields NFC.
    expect(nameParts(inputs(['Cafe\u200B\u0301']))).toEqual(['Café']);
    // Joiners that emoji need are kept.
    expect(nameParts(inputs(['👩\u200D🚀']))).toEqual(['👩\u200D🚀']);
  });

  it('fills templates, zero-pads the index to the count, and applies the case style last', () => {
    const parts = inputs(Array.from({ length: 12 }, (_, i) => (i === 3 ? 'Left Arm' : `n${i}`)));
    const names = nameParts(parts, { template: '{model}_{index}_{name}', model: 'Robot', case: 'snake' });
    expect(names[0]).toBe('robot_00_n_0');
    expect(names[3]).toBe('robot_03_left_arm');
    expect(names[11]).toBe('robot_11_n_11');
    expect(nameParts(inputs(['a']), { template: '{id}' })).toEqual(['p0']);
  });

  it('rejects unknown template placeholders, case styles and byte budgets', () => {
    expect(() => nameParts(inputs(['a']), { template: '{nmae}' })).toThrow(/unknown placeholder \{nmae\}/);
    expect(() => nameParts(inputs(['a']), { case: 'upper' as never })).toThrow(/unknown case style/);
    expect(() => nameParts(inputs(['a']), { maxLength: 4 })).toThrow(RangeError);
  });

  it('applies the first matching rename rule, exact or regex, before the template', () => {
    const rename = parseRenameMap({ Mesh_0: 'head', '/^Arm_(L|R)$/i': 'arm_$1', '/^arm/': 'never' });
    expect(
      nameParts(inputs(['Mesh_0', 'ARM_L', 'arm_R', 'Mesh_01', 'armchair']), { rename, template: '{name}' }),
    ).toEqual(['head', 'arm_L', 'arm_R', 'Mesh_01', 'never']);
    // Named groups, $& and $$ expand against the match; the whole source name is replaced.
    const named = parseRenameMap({ '/(?<side>left|right)_(?<limb>\\w+)/': '$<limb>-$<side> $$ [$&]' });
    expect(nameParts(inputs(['the_left_leg']), { rename: named })).toEqual(['leg-left_left_leg']);
    // An exact key wins over an earlier regex (and JSON key order does not matter for "7").
    const mixed = parseRenameMap({ '/.*/': 'any', '7': 'seven', head: 'Head' });
    expect(nameParts(inputs(['7', 'head', 'other']), { rename: mixed })).toEqual(['seven', 'Head', 'any']);
    // A rename result is still made safe.
    expect(nameParts(inputs(['x']), { rename: parseRenameMap({ x: '../CON' }) })).toEqual(['CON_']);
    expect(nameParts(inputs(['x']), { rename: parseRenameMap({ x: 'left arm #2' }) })).toEqual([
      'left_arm_2',
    ]);
  });
});

describe('parseRenameMap', () => {
  it('keeps the key order and compiles regex keys with flags', () => {
    const map = parseRenameMap({ b: '1', '/a+/i': '2' });
    expect(map).toHaveLength(2);
    expect(map[0]).toEqual({ match: 'b', name: '1' });
    expect(map[1]!.match).toBeInstanceOf(RegExp);
    expect((map[1]!.match as RegExp).flags).toBe('i');
  });

  it('throws a clear error naming the bad key', () => {
    expect(() => parseRenameMap({ '/(/': 'x' })).toThrow(/"\/\(\/".*invalid regular expression/);
    expect(() => parseRenameMap({ '/a/g': 'x' })).toThrow(/"\/a\/g".*unsupported regex flags/);
    expect(() => parseRenameMap({ head: 3 })).toThrow(/"head".*must be a string/);
    expect(() => parseRenameMap(['a'])).toThrow(/JSON object/);
    expect(() => parseRenameMap(null)).toThrow(/JSON object/);
  });
});

describe('safeFileName', () => {
  it('leaves safe names untouched and never returns an empty name', () => {
    expect(safeFileName('left_arm')).toBe('left_arm');
    expect(safeFileName('left arm')).toBe('left_arm');
    expect(safeFileName('')).toBe('part');
    expect(safeFileName('..')).toBe('part');
    expect(safeFileName(' .hidden. ')).toBe('hidden');
    expect(safeFileName('My Robot #2 (final)')).toBe('My_Robot_2_final');
  });

  it('tells a name that is already safe from one that is not', () => {
    expect(isSafeFileName('thumbnail.png')).toBe(true);
    expect(isSafeFileName('头部.png')).toBe(true);
    for (const bad of ['', '.hidden', '-x', 'a b', 'a#b', '..', 'CON', 'x'.repeat(241)]) {
      expect(isSafeFileName(bad), bad).toBe(false);
    }
  });

  it('escapes a device name that a cut would create', () => {
    expect(safeFileName(`CON.${'x'.repeat(30)}`, 16)).toBe(`CON_.${'x'.repeat(11)}`);
  });

  it('gives plain ASCII names (its shortcut) what the general rules give them', () => {
    // Seeded: every run checks the same 20,000 names, weighted towards the edges the shortcut must
    // leave to the general rules (leading `.`/`-`, trailing `.`, device stems, length at the budget).
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = 'aZ09_-.. -#%ÄcOoNnUuLlXxPpRrMm1234';
    const pieces = ['CON', 'nul', 'Com1', 'LPT9', 'aux', 'prn', '.', '-', '..'];
    for (let i = 0; i < 20_000; i++) {
      let name = random() < 0.3 ? pieces[Math.floor(random() * pieces.length)]! : '';
      const length = Math.floor(random() * 24);
      for (let c = 0; c < length; c++) name += alphabet[Math.floor(random() * alphabet.length)]!;
      if (random() < 0.2) name += pieces[Math.floor(random() * pieces.length)]!;
      const budget = random() < 0.5 ? 16 : 100;
      expect(safeFileName(name, budget), JSON.stringify(name)).toBe(generalSafeFileName(name, budget));
    }
  });
});

describe('case styles', () => {
  it('split camelCase, acronyms, separators and Unicode words', () => {
    expect(splitWords('leftArmIK2 HTTPServer 头部-👨‍👩‍👧 Ärger_öl')).toEqual([
      'left',
      'Arm',
      'IK',
      '2',
      'HTTP',
      'Server',
      '头部',
      '👨‍👩‍👧',
      'Ärger',
      'öl',
    ]);
  });

  it('convert to each style', () => {
    const source = 'Left Arm-upperIK';
    expect(applyCaseStyle(source, 'keep')).toBe(source);
    expect(applyCaseStyle(source, 'snake')).toBe('left_arm_upper_ik');
    expect(applyCaseStyle(source, 'kebab')).toBe('left-arm-upper-ik');
    expect(applyCaseStyle(source, 'camel')).toBe('leftArmUpperIk');
    expect(applyCaseStyle(source, 'pascal')).toBe('LeftArmUpperIk');
  });
});
