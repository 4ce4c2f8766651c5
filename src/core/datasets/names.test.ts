import { describe, expect, it } from 'vitest';
import { checkClassName, displayName, MAX_NAME_LENGTH, normalizePath } from './names';

describe('normalizePath', () => {
  it('gives NFC, slash-separated ids', () => {
    expect(normalizePath('cafe\u0301\\1.png')).toBe('café/1.png');
    expect(normalizePath('/a/./b//c.png')).toBe('a/b/c.png');
  });
  it('refuses paths that leave the root', () => {
    expect(normalizePath('../etc/passwd')).toBeNull();
    expect(normalizePath('a/../../b.png')).toBeNull();
    expect(normalizePath('C:/x.png')).toBeNull();
    expect(normalizePath('')).toBeNull();
  });
});

describe('displayName', () => {
  it('drops control and bidi characters and collapses spaces', () => {
    expect(displayName(' a\u0000b\u202Ec \t d ')).toBe('abc d');
    expect(displayName('\u200B')).toBe('(unnamed)');
  });
  it('cuts long names by characters, not UTF-16 units', () => {
    const name = displayName('😀'.repeat(200));
    expect([...name]).toHaveLength(MAX_NAME_LENGTH);
    expect(name.endsWith('…')).toBe(true);
  });
});

describe('checkClassName', () => {
  it('refuses empty and taken names', () => {
    expect(checkClassName('  ', [])).toEqual({ ok: false, reason: 'a class name cannot be empty' });
    expect(checkClassName('Cat', ['cat']).ok).toBe(false);
    expect(checkClassName(' tabby ', ['cat'])).toEqual({ ok: true, name: 'tabby' });
  });
});
