import { emptyUserState } from '../codec/user-state.codec';
import { userStateDifferences } from './reference.model';

describe('userStateDifferences', () => {
  const state = () => {
    const s = emptyUserState(4, false);
    s.eventCount = 3;
    s.history = ['a', 'b'];
    s.categories.set('shoes', 1.25);
    s.priceBands[1] = 0.5;
    return s;
  };

  it('finds nothing between a state and an equal one', () => {
    expect(userStateDifferences(state(), state())).toEqual([]);
  });

  it('tolerates the float32 rounding of stored weights but not a weight applied twice', () => {
    const rounded = state();
    rounded.categories.set('shoes', Math.fround(1.25 + 1e-7));
    expect(userStateDifferences(rounded, state())).toEqual([]);
    const twice = state();
    twice.categories.set('shoes', 2.5);
    expect(userStateDifferences(twice, state())).toEqual(['categories.shoes: 2.5 != 1.25']);
  });

  it('names every field an event applied twice or lost changes', () => {
    const got = state();
    got.eventCount = 4;
    got.history = ['a'];
    got.session.cart.push(['a', 1]);
    const diff = userStateDifferences(got, state());
    expect(diff.map((d) => d.split(':')[0])).toEqual(['eventCount', 'history', 'session']);
    expect(userStateDifferences(null, state())).toEqual(['no state stored']);
  });
});
