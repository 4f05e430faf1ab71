// `sva-check validate-trace LOG --config sva-small`: legal variations of seed 001's logs are
// behaviours of the model (exit 0); altered copies are rejected (exit 1) at the line no behaviour
// explains; a line that is not an event makes the log unreadable (exit 2, one line). The logs are
// under test/spec/traces/, each opening with a comment that says what it changes. Altered copies are
// cut after the altered line where the rest of the log would only make the search longer: the
// verdict on a line depends on the lines before it (and on the bounds the whole log raises).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.ts';

const TRACES = 'test/spec/traces';
const validate = (file: string, ...more: string[]) => cli(['validate-trace', file, '--config', 'sva-small', ...more]);

describe('validate-trace accepts legal logs', () => {
  it('three-faults.log: exit 0, each line next to the step that printed it, the raised bounds said', async () => {
    const run = await validate(`${TRACES}/legal/three-faults.log`);
    expect(run.code).toBe(0);
    const out = run.out.split('\n');
    expect(out[0]).toMatch(/^test\/spec\/traces\/legal\/three-faults\.log: accepted: its 12 lines are a behaviour of model sva at config sva-small \(\d+ steps;/);
    expect(out[1]).toBe(
      'bounds raised to what the log needs: groups 1 -> 3 (3 page request groups of 0000:00:03.0); accesses 1 -> 3 (3 pages faulted); vmas ["rw"] -> ["rw","rw","rw"] (3 pages: 3 faulted, 0 unmapped elsewhere)',
    );
    const printed = out.filter((l) => / line \d+: /.test(l));
    expect(printed).toHaveLength(12);
    // The bind seized the domain's private ASID: the bond is recorded after the seize.
    expect(printed[0]).toMatch(/driver\/arm_smmu_share_asid\/xa_erase \(no failure\)\s+line 2: smmu_bind_alloc: dev=0000:00:03.0 pasid=1$/);
    expect(printed[5]).toMatch(/priq_thread\/iommu_report_device_fault\s+line 7: dev_fault: .*addr=0x0000ffff860e8000/);
    expect(printed[11]).toMatch(/driver\/iommu_sva_free_pasid\s+line 13: smmu_unbind_free/);
    expect(out.at(-1)).toMatch(/^names \(log = model\): device 0000:00:03.0 = 0, pasid 1 = 1, .*page 1\/0xffff860e8 = 1\/\d/);
  }, 60_000);

  it.each([
    ['single-invalidate.log', 'one invalidate line for a range whose pages were never present'],
    ['range-never-faulted.log', 'a munmap of pages never faulted'],
    ['group-of-two-requests.log', 'a page request group of two requests, one response'],
    ['release-after-unbind-pasid-0.log', 'F2: a release after the unbind, printing the PASID the unbind reset to 0'],
    ['ftrace-trace-file.log', "the killed-process log as ftrace's trace file shows it: header, task-pid, cpu, flags, timestamp"],
  ])('%s: %s', async (file) => {
    const run = await validate(`${TRACES}/legal/${file}`);
    expect(run.err).toBe('');
    expect(run.out.split('\n')[0]).toContain(`${file}: accepted`);
    expect(run.code).toBe(0);
  }, 60_000);

  it('read-faults.log: read faults raise `reads`, and the device reads pages it may write', async () => {
    const run = await validate(`${TRACES}/legal/read-faults.log`, '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as { result: string; raised: { param: string }[]; steps: { step: string; shown: string }[] };
    expect(report.result).toBe('accepted');
    expect(report.raised.map((r) => r.param)).toContain('reads');
    expect(report.steps.filter((s) => s.step === 'pci_page_request').map((s) => s.shown)).toEqual(['LAST read of page 0 pasid 1', 'LAST read of page 1 pasid 1']);
  }, 60_000);
});

describe('validate-trace rejects altered logs at the altered line', () => {
  it.each([
    ['response-before-fault.log', 3, 'dev_page_response: IOMMU:0000:00:03.0 code=0 pasid=1 group=74'],
    ['two-responses.log', 5, 'dev_page_response: IOMMU:0000:00:03.0 code=0 pasid=1 group=74'],
    ['late-fault-answered-success.log', 6, 'dev_page_response: IOMMU:0000:00:03.0 code=0 pasid=1 group=75'],
    ['unbind-never-bound.log', 2, 'smmu_unbind_free: dev=0000:00:03.0 pasid=1'],
    ['release-before-bind.log', 2, 'smmu_mm_release: pasid=1'],
    ['pasid-changes.log', 5, 'dev_fault: IOMMU:0000:00:03.0 type=2 reason=0 addr=0x0000ffff860e7000 pasid=2 group=143 flags=3 prot=2'],
    ['response-failure.log', 5, 'dev_page_response: IOMMU:0000:00:03.0 code=2 pasid=1 group=74'],
    ['killed-second-success.log', 7, 'dev_page_response: IOMMU:0000:00:03.0 code=0 pasid=1 group=383'],
    ['fault-before-bind.log', 2, 'dev_fault: IOMMU:0000:00:03.0 type=2 reason=0 addr=0x0000ffff860e6000 pasid=1 group=74 flags=3 prot=2'],
    ['response-wrong-group.log', 4, 'dev_page_response: IOMMU:0000:00:03.0 code=0 pasid=1 group=999'],
    ['single-invalidate-present-page.log', 8, 'smmu_mm_invalidate: pasid=1 start=0xffff860e8000 end=0xffff860ea000'],
    ['bind-twice.log', 3, 'smmu_bind_alloc: dev=0000:00:03.0 pasid=1'],
    ['invalidate-other-pasid.log', 5, 'smmu_mm_invalidate: pasid=2 start=0xffff860e6000 end=0xffff860e8000'],
    ['release-after-unbind.log', 7, 'smmu_mm_release: pasid=1'],
  ])('%s: line %i', async (file, line, text) => {
    const run = await validate(`${TRACES}/altered/${file}`);
    expect(run.err).toBe('');
    const out = run.out.split('\n');
    expect(out[0]).toBe(`${TRACES}/altered/${file}:${line}: rejected: no behaviour of model sva at config sva-small explains this line:`);
    expect(out[1]).toBe(`  ${text}`);
    expect(run.out).toMatch(/the model can be in \d+ states/);
    expect(run.code).toBe(1);
  }, 60_000);

  it('the states before the line are shown with what they could print instead', async () => {
    const run = await validate(`${TRACES}/altered/response-failure.log`, '--json');
    const report = JSON.parse(run.out) as { result: string; line: number; states: number; summaries: { text: string; count: number }[]; offered: { text: string }[] };
    expect(report).toMatchObject({ result: 'rejected', line: 5 });
    expect(report.states).toBeGreaterThan(0);
    expect(report.summaries.reduce((n, s) => n + s.count, 0)).toBe(report.states);
    expect(report.summaries.some((s) => s.text.includes('driver 0 at '))).toBe(true);
    // The worker would answer SUCCESS (or INVALID, once the page is gone); never FAILURE.
    const offered = report.offered.map((o) => o.text);
    expect(offered).toContain('dev_page_response: dev=0000:00:03.0 code=0 pasid=1 group=74');
    expect(offered.some((o) => o.includes('code=2'))).toBe(false);
  }, 60_000);

  it('a fault after the unbind is F1: a behaviour of the baseline, none of flush-priq-waits-for-handler (its fix)', async () => {
    const file = `${TRACES}/altered/late-fault.log`;
    const baseline = await validate(file);
    expect(baseline.code).toBe(0);
    expect(baseline.out).toMatch(/driver\/iommu_sva_free_pasid\s+line 4: smmu_unbind_free[^\n]*\n\s+\d+\s+priq_thread\/iommu_report_device_fault\s+line 5: dev_fault/);
    const fixed = await validate(file, '--variant', 'flush-priq-waits-for-handler');
    expect(fixed.out.split('\n')[0]).toBe(`${file}:5: rejected: no behaviour of model sva at config sva-small, variant flush-priq-waits-for-handler explains this line:`);
    expect(fixed.code).toBe(1);
  }, 60_000);
});

describe('validate-trace on a log it cannot read', () => {
  const dir = tempDir();
  it.each([
    ['a garbage line', 'this is not an event', /:3: not a line of seed 001's SVA event log .*unknown event 'this is not an event'/],
    ['a field out of format', 'dev_page_response: IOMMU:0000:00:03.0 code=zero pasid=1 group=74', /:3: .*dev_page_response expects 'IOMMU:NAME code=N pasid=N group=N'/],
    ['an empty range', 'smmu_mm_invalidate: pasid=1 start=0xffff860e8000 end=0xffff860e6000', /:3: .*an empty range/],
  ])('%s: exit 2, one line naming the file and the line', async (_what, bad, message) => {
    const file = join(dir, 'bad.log');
    writeFileSync(file, `smmu_bind_alloc: dev=0000:00:03.0 pasid=1\n\n${bad}\n`);
    const run = await validate(file);
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    const lines = run.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('bad.log:3');
    expect(lines[0]).toMatch(message);
  });

  it('a missing file, and a model that declares no log format, exit 2', async () => {
    const missing = await validate(join(dir, 'nothing-here.log'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nothing-here\.log: cannot read the log \(no such file\)/);
    const iopf = await cli(['validate-trace', `${TRACES}/seed001-normal-job.log`, '--config', 'iopf-small']);
    expect(iopf.code).toBe(2);
    expect(iopf.err).toMatch(/model iopf declares no event log/);
  });

  it('a log needing more than the model holds exits 2 and names the bound', async () => {
    const file = join(dir, 'five-groups.log');
    const fault = (g: number) => `dev_fault: IOMMU:0000:00:03.0 type=2 reason=0 addr=0x0000ffff860e6000 pasid=1 group=${g} flags=3 prot=2`;
    writeFileSync(file, ['smmu_bind_alloc: dev=0000:00:03.0 pasid=1', ...[1, 2, 3, 4, 5].map(fault)].join('\n'));
    const run = await validate(file);
    expect(run.code).toBe(2);
    expect(run.err.trim().split('\n')).toHaveLength(1);
    expect(run.err).toMatch(/five-groups\.log needs groups 5 .*groups/);
  });
});
