import { Command, CommanderError } from 'commander';
import { batchCommand } from './batch-command.js';
import { dataCommand, importCommand } from './data-commands.js';
import { evaluateCommand } from './evaluate-command.js';
import { modelsCommand, recommendCommand, trainCommand } from './model-commands.js';
import { serveCommand } from './serve-command.js';

/** The `cinerec` command line. Each command lives in its own module; this file only assembles them. */
export function buildProgram(): Command {
  const program = new Command('cinerec')
    .description(
      'Hybrid movie recommendation engine: load MovieLens, train models, evaluate them honestly, serve them over HTTP.',
    )
    .version('0.1.0');
  program.addCommand(dataCommand());
  program.addCommand(importCommand());
  program.addCommand(evaluateCommand());
  program.addCommand(trainCommand());
  program.addCommand(recommendCommand());
  program.addCommand(modelsCommand());
  program.addCommand(serveCommand());
  program.addCommand(batchCommand());
  configureTree(program);
  return program;
}

/**
 * `addCommand` does not pass settings down, so every command gets them here: usage errors print
 * commander's one `error: …` line on stderr and throw instead of calling process.exit, so
 * `runCli` sets the exit code and the CLI can run in-process (tests, embedding).
 */
function configureTree(command: Command): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    outputError: (text, write) => write(text),
  });
  for (const sub of command.commands) configureTree(sub);
}

/** Run the CLI; errors print one clear line (a stack trace only with CINEREC_DEBUG=1). */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help/version asked for).
      if (error.exitCode !== 0) process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cinerec: ${message}\n`);
    if (process.env.CINEREC_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  }
}
