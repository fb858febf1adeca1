import { Command } from 'commander';
import { dataCommand, importCommand } from './data-commands.js';
import { evaluateCommand } from './evaluate-command.js';
import { modelsCommand, recommendCommand, trainCommand } from './model-commands.js';

/** The `cinerec` command line. Each command lives in its own module; this file only assembles them. */
export function buildProgram(): Command {
  const program = new Command('cinerec')
    .description('Hybrid movie recommendation engine: load MovieLens, train models, evaluate them honestly.')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  program.addCommand(dataCommand());
  program.addCommand(importCommand());
  program.addCommand(evaluateCommand());
  program.addCommand(trainCommand());
  program.addCommand(recommendCommand());
  program.addCommand(modelsCommand());
  return program;
}

/** Run the CLI; errors print one clear line (a stack trace only with CINEREC_DEBUG=1). */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cinerec: ${message}\n`);
    if (process.env.CINEREC_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  }
}
