// The command line: parses options with commander, runs one command, and turns what happened into
// an exit code. 0: every checked property holds within the bounds; 1: a violation; 2: bad usage or
// bad input, said in one line without a stack trace; 3: the model broke its contract (a step threw,
// a state did not fit its codec: one line, and the trace to that state where the search has it) or
// a bug in sva-check itself.
import { Command, CommanderError, Option } from 'commander';
import { HarnessError, ModelError } from '../errors.ts';
import type { Workspace } from '../load.ts';
import { diffCommand } from './diff-command.ts';
import { exploreCommand } from './explore-command.ts';
import type { CliContext, Io } from './io.ts';
import { listCommand } from './list-command.ts';
import { newCommand } from './new-command.ts';
import { collectParam, collectVariant, positiveSeconds, wholeNumber } from './options.ts';
import { replayCommand } from './replay-command.ts';
import { renderCommand, renderFormat } from './render-command.ts';
import { renderTrace } from '../trace/render.ts';
import { simulateCommand, SHRINK_WALKS } from './simulate-command.ts';
import { stepsCommand } from './steps-command.ts';
import { footprintsCommand } from './footprints-command.ts';
import { redundancyCommand } from './redundancy-command.ts';
import { validateTraceCommand } from './validate-trace-command.ts';

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;
export const EXIT_MODEL = 3;
export const EXIT_INTERNAL = 3;

const BIG = 1_000_000_000_000;

/** The options the command line gave, not defaults: a resumed search checks them against its run's own. */
function givenOptions(cmd: Command): ReadonlySet<string> {
  return new Set(Object.keys(cmd.opts()).filter((key) => cmd.getOptionValueSource(key) === 'cli'));
}

function targetOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <name|file>', 'a config name from spec/configs, or a path to a config JSON file')
    .option('-m, --model <name|file>', 'a model name, or a path to a TypeScript module exporting a model')
    .option('-v, --variant <id|file>', 'a variant id, or a path to a TypeScript module exporting a variant (repeat to compose them, in order)', collectVariant)
    .option('-p, --param <key=value>', 'override one model parameter (repeatable)', collectParam, {});
}

function boundOptions(cmd: Command): Command {
  return cmd
    .option('--max-depth <n>', 'explore paths of at most n steps', wholeNumber('--max-depth', 0, 1_000_000))
    .option('--max-states <n>', 'stop after n distinct states', wholeNumber('--max-states', 1, BIG))
    .option('--max-seconds <s>', 'stop after s seconds', positiveSeconds('--max-seconds'))
    .option('--max-memory <MB>', 'stop cleanly above this resident memory (default: 80% of what is free)', wholeNumber('--max-memory', 64, 16_000_000))
    .option('--continue', 'keep going after a violation: one shortest counterexample per property')
    .option('--no-deadlock', 'do not report states with no enabled step')
    .option('--no-liveness', 'do not keep the state graph nor check liveness properties')
    .option('--check-symmetry', "check on every new state that the model's canonicalize is a symmetry and its encoding canonical")
    .option('--no-por', "expand the model's independent process groups interleaved with everything else (no partial-order reduction)")
    .option('--check-independence', "search without the reduction, checking on every state that the model's independent groups commute with the rest");
}

function outputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--json', 'print one JSON object instead of the text report').conflicts('render'))
    .option('-q, --quiet', 'no progress line')
    .option('--out <dir>', 'folder for counterexample files', 'counterexamples')
    .option('--no-save', 'do not write counterexample files')
    .option('--render <format>', 'print each trace as text, ftrace, mermaid, itf, html or dot', renderFormat('--render'));
}

export function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = new Command('sva-check')
    .description('Model checker for the Linux IOMMU Shared Virtual Addressing stack')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s.trimEnd()), writeErr: (s) => ctx.io.err(s.trimEnd()) })
    .showHelpAfterError(false);

  outputOptions(boundOptions(targetOptions(program.command('explore'))))
    .description('explore every reachable state (breadth first) and check every invariant')
    .option('--checkpoint <dir>', 'write the search to DIR every few minutes and on Ctrl-C, so that --resume DIR can go on')
    .option('--checkpoint-every <seconds>', 'seconds between two checkpoints (default 300)', wholeNumber('--checkpoint-every', 1, 86_400))
    .option('--resume <dir>', 'go on with the search a checkpoint in DIR holds, to the same result as a run never stopped')
    .option('--workers <n>', 'threads to expand states on (default: the number of cores)', wholeNumber('--workers', 1, 256))
    .action(async (opts, cmd: Command) => setExit(await exploreCommand(ctx, opts, givenOptions(cmd))));

  outputOptions(targetOptions(program.command('simulate')))
    .description('random walks checked on every state; a violating walk is shortened and saved')
    .option('--walks <n>', 'number of random walks', wholeNumber('--walks', 1, 100_000_000), 1000)
    .option('--max-length <n>', 'steps per walk', wholeNumber('--max-length', 1, 1_000_000), 100)
    .option('--seed <n>', 'seed to replay a run', wholeNumber('--seed', 0, 2 ** 31 - 1))
    .option('--path <path>', 'fast-check path printed with a failure, to replay just that walk')
    .option('--shrink-walks <n>', 'walks to try while shortening a violating walk (0: keep it as found)', wholeNumber('--shrink-walks', 0, 100_000_000), SHRINK_WALKS)
    .option('--continue', 'keep walking after a violation: the first walk of each property violated, shortened')
    .option('--no-deadlock', 'do not report states with no enabled step')
    .action(async (opts) => setExit(await simulateCommand(ctx, opts)));

  program
    .command('replay')
    .description('re-execute a saved counterexample and say whether it still violates its property')
    .argument('<file>', 'a counterexample JSON file')
    .option('--baseline', 'replay under the baseline model instead of the recorded variant')
    .addOption(new Option('--json', 'print one JSON object').conflicts('render'))
    .option('--render <format>', "print the file's trace as text, ftrace, mermaid, itf, html or dot (the outcome goes to standard error)", renderFormat('--render'))
    .option('--rebase', "re-execute the file's steps on the model as it is now and save the trace with the states it now reaches beside the file, under a new name")
    .action(async (file: string, opts) => setExit(await replayCommand(ctx, file, opts)));

  outputOptions(boundOptions(targetOptions(program.command('diff'))))
    .description('explore baseline and variant on one config and compare their verdicts')
    .action(async (opts) => setExit(await diffCommand(ctx, opts)));

  targetOptions(program.command('steps'))
    .description('every step of a model at a config: its name, pc label, the kernel code it mirrors and where')
    .option('--markdown', 'print markdown tables (model/STEPS.md is made this way)')
    .option('--json', 'print one JSON object')
    .action(async (opts) => setExit(await stepsCommand(ctx, opts)));

  targetOptions(program.command('footprints'))
    .description('what each step was seen to read and write, which steps the properties see, and the partial-order reduction that would allow')
    .option('--max-depth <n>', 'observe breadth first to this depth', wholeNumber('--max-depth', 0, 1_000), 8)
    .option('--max-states <n>', 'at most this many states in that search', wholeNumber('--max-states', 1, 10_000_000), 50_000)
    .option('--walks <n>', 'then this many random walks', wholeNumber('--walks', 0, 1_000_000), 300)
    .option('--max-length <n>', 'steps per walk', wholeNumber('--max-length', 1, 1_000_000), 400)
    .option('--seed <n>', "the walks' seed", wholeNumber('--seed', 1, 2 ** 31 - 1), 1)
    .option('--json', 'print one JSON object')
    .action(async (opts) => setExit(await footprintsCommand(ctx, opts)));

  targetOptions(program.command('redundancy'))
    .description("how much of a config's whole state space is dead data, and how much an exact reduction keeping its properties could merge")
    .option('--max-states <n>', 'refuse a config with more reachable states', wholeNumber('--max-states', 1, 10_000_000), 300_000)
    .option('--places <n>', 'measure this many places one at a time', wholeNumber('--places', 0, 1_000), 12)
    .option('--json', 'print one JSON object')
    .action(async (opts) => setExit(await redundancyCommand(ctx, opts)));

  targetOptions(program.command('validate-trace'))
    .description("is a kernel event log a behaviour of the model? (the model's log format; bounds raised to what the log needs)")
    .argument('<log>', 'an event log, one event a line')
    .option('--max-nodes <n>', 'stop, undecided, after n search nodes', wholeNumber('--max-nodes', 1, BIG))
    .option('--max-seconds <s>', 'stop, undecided, after s seconds', positiveSeconds('--max-seconds'))
    .option('--json', 'print one JSON object')
    .action(async (log: string, opts) => setExit(await validateTraceCommand(ctx, log, opts)));

  program
    .command('render')
    .description('print a saved counterexample as text, a Mermaid sequence diagram, strict ITF, a self-contained HTML page, or the state graph (DOT)')
    .argument('<file>', 'a counterexample JSON file')
    .option('--format <format>', 'text, ftrace, mermaid, itf, html or dot', renderFormat('--format'), 'text')
    .action(async (file: string, opts) => setExit(await renderCommand(ctx, file, opts)));

  program
    .command('new')
    .description('write a starting model or variant file in the current folder (never over an existing file)')
    .argument('<kind>', "'model' or 'variant'")
    .argument('<name>', 'kebab-case name; the file is NAME.ts')
    .option('--model <model>', 'for a variant: the model it edits (a name or a path)')
    .action(async (kind: string, name: string, opts) => setExit(await newCommand(ctx, kind, name, opts)));

  program
    .command('list')
    .description('models, configs, variants and invariants, each with one line')
    .option('--json', 'print one JSON object')
    .action(async (opts) => setExit(await listCommand(ctx, opts)));

  program.addOption(new Option('--debug', 'print stack traces of internal errors').hideHelp());
  return program;
}

/** Runs the command line `argv` (without node and script); returns the exit code. */
export async function runCli(argv: readonly string[], io: Io, ws: Workspace): Promise<number> {
  let code = EXIT_OK;
  const ctx: CliContext = { io, ws };
  const program = buildProgram(ctx, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version print and exit 0; anything else commander rejects is bad usage.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof HarnessError) {
      io.err(`sva-check: ${oneLine(e.message)}`);
      return EXIT_USAGE;
    }
    if (e instanceof ModelError) {
      io.err(`sva-check: model error: ${oneLine(e.message)}`);
      if (e.trace) io.out(`The path to that state (${e.trace.length - 1} steps):\n${renderTrace(e.trace, undefined)}`);
      return EXIT_MODEL;
    }
    io.err(`sva-check: internal error: ${oneLine(e instanceof Error ? e.message : String(e))}`);
    if (process.env['SVA_CHECK_DEBUG'] && e instanceof Error && e.stack) io.err(e.stack);
    return EXIT_INTERNAL;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
