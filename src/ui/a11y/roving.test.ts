import { describe, expect, it } from 'vitest';
import { rovingIndex } from './roving';

describe('rovingIndex', () => {
  it('moves by one along its orientation and stops at the ends', () => {
    expect(rovingIndex('ArrowDown', 0, 3, 'vertical')).toBe(1);
    expect(rovingIndex('ArrowDown', 2, 3, 'vertical')).toBe(2);
    expect(rovingIndex('ArrowUp', 0, 3, 'vertical')).toBe(0);
    expect(rovingIndex('ArrowRight', 1, 3, 'horizontal')).toBe(2);
    expect(rovingIndex('ArrowLeft', 1, 3, 'horizontal')).toBe(0);
  });

  it('leaves the other orientation’s arrows alone (they step the packet)', () => {
    expect(rovingIndex('ArrowRight', 0, 3, 'vertical')).toBeNull();
    expect(rovingIndex('ArrowDown', 0, 3, 'horizontal')).toBeNull();
    expect(rovingIndex('x', 0, 3, 'both')).toBeNull();
  });

  it('goes to the ends with Home and End, and starts at the first item from nowhere', () => {
    expect(rovingIndex('Home', 2, 3, 'both')).toBe(0);
    expect(rovingIndex('End', 0, 3, 'both')).toBe(2);
    expect(rovingIndex('ArrowDown', -1, 3, 'vertical')).toBe(0);
    expect(rovingIndex('ArrowDown', 0, 0, 'vertical')).toBeNull();
  });
});
