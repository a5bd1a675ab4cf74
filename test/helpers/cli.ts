// Runs a `clientele` command in-process and captures what it prints.
import { main } from '../../src/cli/main.js';
import { io } from '../../src/cli/util.js';

export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const { out, err } = io;
  io.out = (text) => void (stdout += text);
  io.err = (text) => void (stderr += text);
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    io.out = out;
    io.err = err;
  }
}
