// The gateway shares a subscription's join fetch across viewers only for fields that are the same
// for everyone. A member's own safety factors and history differ from what others see (pending
// reports, risk signals), so a fetch selecting them must stay per identity.
import { describe, expect, it } from 'vitest';
import { ViewerIndependence, VIEWER_INDEPENDENT_FIELDS } from '../src/subscriptions/viewer-independent.ts';

const entities = (selection: string) => `query($representations:[_Any!]!){_entities(representations:$representations){...on User{${selection}}}}`;

describe('viewer-independent join fetches', () => {
  it('never include safety fields, whose answer depends on who asks', () => {
    const independence = new ViewerIndependence();
    expect(independence.of(entities('id nickname'))).toBe(true);
    for (const selection of ['safetyScore{value factors{code description}}', 'safetyHistory{cause reason}', 'safetyDisplay{grade}', 'id nickname safetyScore{grade}']) {
      expect(independence.of(entities(selection))).toBe(false);
    }
    expect([...VIEWER_INDEPENDENT_FIELDS].some((field) => /safety/i.test(field))).toBe(false);
  });
});
