/**
 * Where a report goes: stdout, or a file given with --output. A file is written to a temporary name
 * and renamed, so a failed run never leaves a half-written report behind.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeReport(text: string, outputPath: string | undefined): Promise<void> {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (!outputPath) {
    await new Promise<void>((resolve, reject) => process.stdout.write(body, (error) => (error ? reject(error) : resolve())));
    return;
  }
  const temporary = join(dirname(outputPath), `.${basename(outputPath)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, body, { mode: 0o644 });
    await rename(temporary, outputPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
