// validate-trace's generic half on a toy model that knows nothing of IOMMUs: a FIFO channel of two
// slots between a sender, which sends any of two buffers it does not have in flight, and a receiver.
// The log names buffers by addresses of its own; a received buffer may be sent again under another
// address (its id is released). Also the renaming and matching rules on their own.
import { describe, expect, it } from 'vitest';
import { codec, z } from '../../explorer/index.ts';
import { compile } from '../../explorer/compile.ts';
import { defineModel, step } from '../../explorer/model.ts';
import { applyVariant, defineVariant } from '../../explorer/variant.ts';
import { spanMember, value, type LoggedEvent, type ModelTrace } from '../../explorer/trace-validate/events.ts';
import { LogNames, matchEvent } from '../../explorer/trace-validate/match.ts';
import { parseLog } from '../../explorer/trace-validate/read-log.ts';
import { Renaming } from '../../explorer/trace-validate/renaming.ts';
import { validateTrace } from '../../explorer/trace-validate/search.ts';

interface Channel {
  queue: number[];
  sent: number;
}

type ChannelEvent = { kind: 'send' | 'recv'; buf: string };

const trace: ModelTrace<Channel, Record<string, never>, ChannelEvent> = {
  format: 'the channel log',
  parse: (line) => {
    const m = /^(send|recv) (\S+)$/.exec(line);
    return m ? { event: { kind: m[1] as 'send' | 'recv', buf: m[2]! } } : { error: "expected 'send NAME' or 'recv NAME'" };
  },
  logged: (e): LoggedEvent => ({ event: e.kind, fields: { buf: { kind: 'name', sort: 'buffer', name: e.buf } } }),
  describe: (s) => `queue [${s.queue.join(' ')}]`,
};

const channel = defineModel<Channel, Record<string, never>>({
  name: 'channel',
  description: 'a FIFO channel of two slots',
  follows: 'a toy',
  params: z.record(z.string(), z.never()),
  init: () => [{ queue: [], sent: 0 }],
  codec: () => codec.record<Channel>({ queue: codec.list(2, codec.int(0, 1)), sent: codec.int(0, 4) }),
  processes: () => [
    {
      name: 'sender',
      instances: 1,
      steps: [
        step<Channel, number>({
          name: 'send',
          tracepoint: (_b, after) => ({ event: 'send', fields: { buf: { kind: 'id', sort: 'buffer', id: String(after.queue.at(-1)) } } }),
          choices: (s) => [0, 1].filter((b) => !s.queue.includes(b) && s.sent < 4),
          apply: (d, _self, b) => {
            d.queue.push(b);
            d.sent++;
          },
        }),
      ],
    },
    { name: 'receiver', instances: 1, steps: [step<Channel>({
          name: 'recv',
          tracepoint: (before) => ({ event: 'recv', fields: { buf: { kind: 'id', sort: 'buffer', id: String(before.queue[0]), release: true } } }),
          enabled: (s) => s.queue.length > 0, apply: (d) => void d.queue.shift() })] },
  ],
  invariants: [],
  trace,
});

function check(text: string) {
  const { lines } = parseLog('toy.log', text, trace as ModelTrace<unknown, unknown, ChannelEvent>);
  return validateTrace(compile(channel, {}), trace, lines);
}

describe('validate-trace on a toy channel', () => {
  it('a log of the channel is accepted, with the names paired as they came', () => {
    const v = check('send 0xa000\nsend 0xb000\nrecv 0xa000\nsend 0xc000\nrecv 0xb000\n');
    expect(v.kind).toBe('accepted');
    if (v.kind !== 'accepted') return;
    expect(v.steps.map((s) => `${s.process}/${s.step}${s.line === null ? '' : ` ${s.line}`}`)).toEqual([
      'sender/send 0',
      'sender/send 1',
      'receiver/recv 2',
      'sender/send 3',
      'receiver/recv 4',
    ]);
    // 0xa000 was received, its buffer 0 released and sent again as 0xc000.
    expect(v.names.map((b) => `${b.name}=${b.id}`)).toEqual(['0xa000=0', '0xb000=1', '0xc000=0']);
  });

  it('a reordered receive is rejected at its line, with the states before it and what they could print', () => {
    const v = check('send 0xa000\nsend 0xb000\nrecv 0xb000\n');
    expect(v.kind).toBe('rejected');
    if (v.kind !== 'rejected') return;
    expect(v.at).toBe(2);
    // 0xa000 may be either buffer, 0xb000 the other.
    expect(v.states).toBe(2);
    expect(v.summaries).toEqual([
      { text: 'queue [0 1]', count: 1 },
      { text: 'queue [1 0]', count: 1 },
    ]);
    expect(v.offered).toEqual([{ text: 'recv: buf=0xa000', count: 2 }]);
  });

  it('a name seen again before its release must be the same buffer: a third buffer in flight is rejected', () => {
    const v = check('send 0xa000\nsend 0xb000\nsend 0xc000\n');
    expect(v.kind === 'rejected' && v.at).toBe(2);
  });

  it('an empty log is a behaviour (of the initial state); bounds on the search make it undecided', () => {
    expect(check('# nothing\n\n').kind).toBe('accepted');
    const { lines } = parseLog('toy.log', 'send a\nrecv a\nsend b\nrecv b\nsend c\nrecv c\nsend d\nrecv d\nsend e\n', trace as ModelTrace<unknown, unknown, ChannelEvent>);
    expect(validateTrace(compile(channel, {}), trace, lines, { maxNodes: 3 }).kind).toBe('incomplete');
  });

  it("a variant's step prints what its own tracepoint says, whatever its name", () => {
    // The receiver takes a buffer under another step name; without a tracepoint it prints nothing.
    const rename = (tracepoint: boolean) =>
      defineVariant<Channel, Record<string, never>>({
        id: 'recv-renamed',
        title: 'recv under another name',
        source: 'a test',
        model: 'channel',
        expect: { violates: [] },
        steps: {
          replace: {
            'receiver/recv': step<Channel>({
              name: 'dequeue',
              ...(tracepoint ? { tracepoint: (before: Channel) => ({ event: 'recv', fields: { buf: { kind: 'id', sort: 'buffer', id: String(before.queue[0]), release: true } } }) } : {}),
              enabled: (s) => s.queue.length > 0,
              apply: (d) => void d.queue.shift(),
            }),
          },
        },
      });
    const { lines } = parseLog('toy.log', 'send 0xa000\nrecv 0xa000\n', trace as ModelTrace<unknown, unknown, ChannelEvent>);
    const printed = validateTrace(compile(applyVariant(channel, rename(true)), {}), trace, lines);
    expect(printed.kind === 'accepted' && printed.steps.map((st) => st.step)).toEqual(['send', 'dequeue']);
    expect(validateTrace(compile(applyVariant(channel, rename(false)), {}), trace, lines).kind).toBe('rejected');
  });

  it('a line the parser refuses names the file and the line', () => {
    expect(() => parseLog('toy.log', 'send a\n  \nsent b\n', trace as ModelTrace<unknown, unknown, ChannelEvent>)).toThrow(/^toy\.log:3: not a line of the channel log \(expected/);
  });
});

describe('pairing names with ids', () => {
  const names = new LogNames([]);
  const name = (n: string, owner?: string) => ({ kind: 'name' as const, sort: 'group', name: n, ...(owner ? { owner: { sort: 'device', name: owner } } : {}) });
  const id = (i: string, owner?: string, release = false) => ({ kind: 'id' as const, sort: 'group', id: i, ...(owner ? { owner: { sort: 'device', id: owner } } : {}), ...(release ? { release } : {}) });
  const ev = (f: object) => ({ event: 'e', fields: { f } }) as never;

  it('is a bijection per sort: a name stays with its id, an id with its name', () => {
    const [r] = matchEvent(ev(id('0')), ev(name('74')), Renaming.EMPTY, names);
    expect(matchEvent(ev(id('0')), ev(name('74')), r!, names)).toEqual([r]);
    expect(matchEvent(ev(id('1')), ev(name('74')), r!, names)).toEqual([]);
    expect(matchEvent(ev(id('0')), ev(name('143')), r!, names)).toEqual([]);
  });

  it('an owned sort pairs within its owner pair, and releasing the owner releases what it owns', () => {
    const [r] = matchEvent(ev(id('0', '0')), ev(name('74', 'devA')), Renaming.EMPTY, names);
    // Group 74 of another device is another group: it may be model group 0 of model device 1.
    expect(matchEvent(ev(id('0', '1')), ev(name('74', 'devB')), r!, names)).toHaveLength(1);
    expect(matchEvent(ev(id('0', '1')), ev(name('74', 'devA')), r!, names)).toEqual([]);
    const freed = r!.release('device', null, 'devA', '0');
    expect(freed.bindings).toEqual([]);
  });

  it('a released id may be paired with a new name', () => {
    const [r] = matchEvent(ev(id('0', undefined, true)), ev(name('74')), Renaming.EMPTY, names);
    expect(r!.bindings).toEqual([]);
    expect(matchEvent(ev(id('0')), ev(name('143')), r!, names)).toHaveLength(1);
  });

  it('a span offers the unpaired members the log names, and one it never names', () => {
    const log: LoggedEvent[] = [{ event: 'e', fields: { f: { kind: 'name', sort: 'page', name: spanMember(0x12) } } }];
    const span = { event: 'e', fields: { f: { kind: 'span', sort: 'page', lo: 0x10, hi: 0x14 } } } as LoggedEvent;
    const page = (i: string) => ({ event: 'e', fields: { f: { kind: 'id', sort: 'page', id: i } } }) as never;
    const options = matchEvent(page('0'), span, Renaming.EMPTY, new LogNames(log));
    expect(options.map((r) => r.bindings.map((b) => b.name))).toEqual([['0x12'], ['0x10']]);
    // A page already paired matches a span only if its name is in it.
    expect(matchEvent(page('0'), { ...span, fields: { f: { kind: 'span', sort: 'page', lo: 0x13, hi: 0x14 } } }, options[0]!, names)).toEqual([]);
    expect(matchEvent(page('0'), span, options[0]!, names)).toEqual([options[0]]);
  });

  it('values compare as they are', () => {
    expect(matchEvent(ev(value(2)), ev(value(2)), Renaming.EMPTY, names)).toEqual([Renaming.EMPTY]);
    expect(matchEvent(ev(value(2)), ev(value(1)), Renaming.EMPTY, names)).toEqual([]);
    expect(matchEvent(ev(value(0)), ev(name('0')), Renaming.EMPTY, names)).toEqual([]);
  });
});
