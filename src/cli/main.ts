#!/usr/bin/env node
/**
 * `k8s-netviz`: the process entry of the command line. All logic is in run.ts; this file only
 * binds it to stdout, stderr and the exit status.
 */
import { escapeText } from './escape';
import { run } from './run';
import type { Io } from './manifests';

const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
run(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // a bug: the stack helps its report, escaped like everything else (it may quote a name)
    process.stderr.write(
      escapeText(
        `k8s-netviz: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        true,
      ),
    );
    process.exitCode = 1;
  },
);
