import fc from 'fast-check';
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { decodeFromArray, encodeToArray } from '../../explorer/codec.ts';
import * as inactive from '../../model/ioasid/inactive.ts';
import {
  INVALID_IOASID,
  ioasidCodec,
  ioasid_alloc,
  ioasid_find,
  ioasid_get,
  ioasid_init,
  ioasid_put,
  type IoasidHolder,
  type IoasidState,
} from '../../model/ioasid/ioasid.ts';
import type { Ioasid } from '../../model/ids.ts';

const cfg = { nr_ids: 4, max_private: 3, max_set: 2, max_refs: 8, max_dev: 1 };
const H: IoasidHolder = { kind: 'mm' };
const id = (n: number) => n as Ioasid;
const fresh = (): IoasidState => ioasid_init(cfg);

describe('ioasid_alloc', () => {
  it('takes the lowest free id in [min, max] with refs = 1 and the private pointer', () => {
    const d = fresh();
    expect(ioasid_alloc(d, 1, 1, 3, 2, H)).toBe(1);
    expect(ioasid_alloc(d, 1, 1, 3, 0, H)).toBe(2);
    expect(d.xa[1]).toEqual({ set: 1, private: 2, refs: 1, holders: [H], active: true });
  });

  it('returns INVALID_IOASID when [min, max] is full', () => {
    const d = fresh();
    expect(ioasid_alloc(d, 1, 2, 2, 0, H)).toBe(2);
    expect(ioasid_alloc(d, 1, 2, 2, 0, H)).toBe(INVALID_IOASID);
  });

  it('can hand out id 0 when asked for it: only iommu_sva_alloc_pasid rejects min == 0', () => {
    expect(ioasid_alloc(fresh(), 1, 0, 3, 0, H)).toBe(0);
  });
});

describe('ioasid_get / ioasid_put', () => {
  it('put returns true only when the last reference goes, and the id is reusable at once', () => {
    const d = fresh();
    const a = ioasid_alloc(d, 1, 1, 3, 0, H) as Ioasid;
    ioasid_get(d, a, H);
    expect(ioasid_put(d, a, H)).toBe(false);
    expect(d.xa[a]?.refs).toBe(1);
    expect(ioasid_put(d, a, H)).toBe(true);
    expect(d.xa[a]).toBeNull();
    expect(ioasid_alloc(d, 1, 1, 3, 1, H)).toBe(a); // "an id is reusable as soon as it is freed"
    expect(d.warnings).toEqual([]);
  });

  it('get on an unknown id WARNs and changes nothing', () => {
    const d = fresh();
    ioasid_get(d, id(2), H);
    expect(d.xa[2]).toBeNull();
    expect(d.warnings).toEqual(['ioasid_get-unknown']);
  });

  it('put on an unknown (already freed) id logs "Trying to free unknown IOASID" and returns false', () => {
    const d = fresh();
    const a = ioasid_alloc(d, 1, 1, 3, 0, H) as Ioasid;
    expect(ioasid_put(d, a, H)).toBe(true);
    expect(ioasid_put(d, a, H)).toBe(false);
    expect(d.warnings).toEqual(['ioasid_put-unknown']);
  });

  it('works on an immer draft', () => {
    const s0 = fresh();
    const s1 = produce(s0, (d) => void ioasid_alloc(d, 1, 1, 3, 0, H));
    const s2 = produce(s1, (d) => ioasid_get(d, id(1), H));
    expect(s0.xa[1]).toBeNull();
    expect(s2.xa[1]?.refs).toBe(2);
  });
});

describe('ioasid_find', () => {
  it('returns -ENOENT, -EACCES, NULL when the getter refuses, else the private pointer', () => {
    const d = fresh();
    ioasid_alloc(d, 1, 1, 3, 2, H);
    expect(ioasid_find(d, 1, id(3), undefined)).toBe('-ENOENT');
    expect(ioasid_find(d, 2, id(1), undefined)).toBe('-EACCES');
    expect(ioasid_find(d, null, id(1), undefined)).toEqual({ priv: 2 });
    expect(ioasid_find(d, 1, id(1), () => false)).toBeNull();
    expect(ioasid_find(d, 1, id(1), (p) => p === 2)).toEqual({ priv: 2 });
  });
});

describe('ioasid-inactive-state proposal', () => {
  it('free marks inactive: get fails, find fails, put still reclaims at zero', () => {
    const d = fresh();
    const a = ioasid_alloc(d, 1, 1, 3, 0, H) as Ioasid;
    ioasid_get(d, a, H);
    expect(inactive.ioasid_free_proposed(d, a, H)).toBe(false);
    expect(inactive.ioasid_get_proposed(d, a, H)).toBe('-EINVAL');
    expect(inactive.ioasid_find_proposed(d, 1, a)).toBe('-ENOENT');
    expect(ioasid_put(d, a, H)).toBe(true);
    expect(inactive.ioasid_get_proposed(d, a, H)).toBe('-EINVAL');
  });

  it('get on an active id takes a reference', () => {
    const d = fresh();
    const a = ioasid_alloc(d, 1, 1, 3, 0, H) as Ioasid;
    expect(inactive.ioasid_get_proposed(d, a, H)).toBe(0);
    expect(d.xa[a]?.refs).toBe(2);
  });
});

describe('ioasid codec', () => {
  const op = fc.oneof(
    fc.record({ k: fc.constant('alloc' as const), min: fc.integer({ min: 0, max: 3 }), max: fc.integer({ min: 0, max: 3 }), priv: fc.option(fc.integer({ min: 0, max: 3 })) }),
    fc.record({ k: fc.constantFrom('get' as const, 'put' as const, 'free' as const), id: fc.integer({ min: 0, max: 3 }) }),
  );
  it('round-trips every state reachable by alloc/get/put/free, and refs never go negative', () => {
    const codec = ioasidCodec(cfg);
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        const d = fresh();
        for (const o of ops) {
          if (o.k === 'alloc') ioasid_alloc(d, 1, o.min, o.max, o.priv, H);
          else if (o.k === 'get') {
            if ((d.xa[o.id]?.refs ?? 0) < cfg.max_refs) ioasid_get(d, id(o.id), H);
          } else if (o.k === 'put') ioasid_put(d, id(o.id), H);
          else inactive.ioasid_free_proposed(d, id(o.id), H);
        }
        expect(d.xa.every((x) => x === null || x.refs > 0)).toBe(true);
        expect(decodeFromArray(codec, encodeToArray(codec, d))).toEqual(d);
      }),
    );
  });
});
