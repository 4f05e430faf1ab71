// HTTU (param `httu`): the writeback's page_mkclean_one against the device's writes through the
// SMMU's cached translations. At sva-httu the baseline holds no-lost-dirty and reaches the race's
// window; httu-writeback-no-sync, whose invalidate_range does not wait for its CMD_SYNC, loses a write.
import { describe, expect, it } from 'vitest';
import { expectedVerdict } from '../../explorer/verdict.ts';
import type { State } from '../../model/state.ts';
import { initialState } from '../../model/layout.ts';
import { writebackOwner } from '../../model/sva/config.ts';
import sva from '../../spec/sva.ts';
import httuConfig from '../../spec/configs/sva-httu.json' with { type: 'json' };
import httuMunmapConfig from '../../spec/configs/sva-httu-munmap.json' with { type: 'json' };
import httuWritebackNoSync from '../../spec/variants/sva/httu-writeback-no-sync.ts';
import zapDelayRmap from '../../spec/variants/sva/zap-delay-rmap.ts';
import { exploreSva, svaSmall, svaVariant, svaVerdict } from './sva-helpers.ts';

const httu = sva.params.parse(httuConfig.params);
const known = httuConfig.expect.findings.map((f) => f.property);
const recorded = httuConfig.expect.violates;
const httuMunmap = sva.params.parse(httuMunmapConfig.params);
const munmapKnown = httuMunmapConfig.expect.findings.map((f) => f.property);

describe('HTTU at sva-httu', () => {
  it('the baseline holds no-lost-dirty and reaches a cleaned PTE with its writable translation still cached', () => {
    expect(svaVerdict(sva, httu, known, recorded)).toEqual({ violates: [], fixes: [] });
    const r = exploreSva(sva, httu);
    const violated = r.kind === 'violation' ? r.violations.map((v) => v.property) : [];
    expect(violated).not.toContain('no-lost-dirty');
    expect(violated).not.toContain('writeback-races-cached-write');
  });

  it(`httu-writeback-no-sync → ${httuWritebackNoSync.expect.violates.join(', ')}`, () => {
    expect(httuWritebackNoSync.expect.config).toBe('sva-httu');
    expect(svaVerdict(svaVariant(httuWritebackNoSync), httu, known, recorded)).toEqual(expectedVerdict(httuWritebackNoSync.expect, known));
  });

  it('the lost write goes through a translation cached before the clean, after clear_page_dirty_for_io, while the TLBI or ATC_INV is still queued', () => {
    const r = exploreSva(svaVariant(httuWritebackNoSync), httu);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-lost-dirty') : undefined;
    expect(v?.length).toBe(33);
    const steps = v!.trace.map((t) => t.move?.step);
    const at = (name: string) => steps.indexOf(name);
    expect(at('page_mkclean_one')).toBeGreaterThan(at('iopf_handle_single/handle_mm_fault'));
    expect(at('arm_smmu_mm_invalidate_range')).toBeGreaterThan(at('page_mkclean_one'));
    expect(at('clear_page_dirty_for_io')).toBeGreaterThan(at('mmu_notifier_invalidate_range_done'));
    expect(['dma_translated', 'dma_untranslated']).toContain(steps.at(-1));
    const last = v!.trace.at(-1)!.state as State;
    expect(last.mms[0]!.pages[0]!.pte).toBe('clean');
    expect(last.httu!.pg_dirty[0]![0]).toBe(false);
    expect(last.arm_smmu.cmdq).toContainEqual({ op: 'CMD_SYNC', owner: writebackOwner(httu, 0) });
  });

  it('configs without httu keep their layout: no httu slice in the state', () => {
    expect('httu' in initialState(svaSmall)).toBe(false);
    expect(initialState(httu).httu?.pg_dirty).toEqual([[false]]);
  });
});

describe('F6 at sva-httu-munmap: munmap and the writeback', () => {
  it('the baseline loses a write: the writeback cleans a page munmap zapped before its invalidate_range completed', () => {
    const r = exploreSva(sva, httuMunmap);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'no-lost-dirty') : undefined;
    expect(v?.length).toBe(httuMunmapConfig.expect.findings[0]!.length);
    const steps = v!.trace.map((t) => `${t.move?.process}/${t.move?.step}`);
    const at = (name: string) => steps.indexOf(name);
    // zap (PG_dirty set, page out of the rmap), then page_mkclean finds the page unmapped and the
    // writeback clears PG_dirty before the munmap's invalidate_range has even been issued.
    expect(at('process/munmap')).toBeGreaterThan(at('process/handle_mm_fault'));
    expect(at('writeback/page_mkclean_one')).toBeGreaterThan(at('process/munmap'));
    expect(at('writeback/arm_smmu_mm_invalidate_range')).toBe(-1);
    expect(at('writeback/clear_page_dirty_for_io')).toBeGreaterThan(at('writeback/page_mkclean_one'));
    expect(at('process/arm_smmu_mm_invalidate_range')).toBe(-1);
    const last = v!.trace.at(-1)!.state as State;
    expect(last.mms[0]!.pages[0]!.pte).toBe('zapped');
    expect(last.httu!.pg_dirty[0]![0]).toBe(false);
  });

  it(`zap-delay-rmap (5df397dec7c4) fixes it: → fixes ${zapDelayRmap.expect.fixes?.join(', ')}`, () => {
    expect(zapDelayRmap.expect.config).toBe('sva-httu-munmap');
    expect(svaVerdict(svaVariant(zapDelayRmap), httuMunmap, munmapKnown, httuMunmapConfig.expect.violates)).toEqual(
      expectedVerdict(zapDelayRmap.expect, munmapKnown),
    );
  });

  it('zap-delay-rmap changes nothing without munmap', () => {
    expect(svaVerdict(svaVariant(zapDelayRmap), httu, known, recorded)).toEqual({ violates: [], fixes: [] });
  });
});
