import { expect } from 'chai';
import { globToRegExp, isSelected, splitPatterns } from '../../helpers/framework/selection.js';

describe('focus and skip selection', () => {
  it('splits repeatable and comma-separated values', () => {
    expect(splitPatterns(['ra2.ntw.*, ra2.k8s.010', 'ra2.ch.001'])).to.deep.equal([
      'ra2.ntw.*',
      'ra2.k8s.010',
      'ra2.ch.001',
    ]);
  });

  it('treats dots literally and * as any run', () => {
    expect(globToRegExp('ra2.ntw.*').test('ra2.ntw.005')).to.equal(true);
    expect(globToRegExp('ra2.ntw.*').test('ra2xntw.005')).to.equal(false);
    expect(globToRegExp('ra2.k8s.01?').test('ra2.k8s.013')).to.equal(true);
    expect(globToRegExp('ra2.k8s.012?').test('ra2.k8s.012b')).to.equal(true);
  });

  it('runs everything without focus, only focused ids with it, never skipped ones', () => {
    expect(isSelected('ra2.ch.001', [], [])).to.equal(true);
    expect(isSelected('ra2.ch.001', ['ra2.ntw.*'], [])).to.equal(false);
    expect(isSelected('ra2.ntw.003', ['ra2.ntw.*'], ['ra2.ntw.003'])).to.equal(false);
    expect(isSelected('ra2.ntw.004', ['ra2.ntw.*'], ['ra2.ntw.003'])).to.equal(true);
  });
});
