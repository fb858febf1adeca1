import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';

export type ProgressCallback = (done: number, total: number, label: string) => void;

/**
 * Unpacks a zip archive into `destDir`, streaming: memory stays at a chunk or two even for
 * ml-32m's 900 MB ratings.csv. Entries that would land outside `destDir` are refused.
 *
 * @throws Error naming the archive for corrupt data or unsafe entry names.
 */
export async function unpackZip(
  zipPath: string,
  destDir: string,
  onProgress?: ProgressCallback,
): Promise<void> {
  const total = statSync(zipPath).size;
  const failures: Error[] = [];
  const open = new Set<number>();
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    const target = safeTarget(destDir, file.name, zipPath);
    if (file.name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      return;
    }
    mkdirSync(dirname(target), { recursive: true });
    const fd = openSync(target, 'w');
    open.add(fd);
    file.ondata = (error, data, final) => {
      if (error) {
        failures.push(new Error(`${zipPath}: entry ${file.name}: ${error.message}`));
        return;
      }
      // Synchronous writes keep pace with fflate's synchronous callbacks without buffering.
      writeSync(fd, data);
      if (final) {
        closeSync(fd);
        open.delete(fd);
      }
    };
    file.start();
  };
  let done = 0;
  try {
    for await (const chunk of createReadStream(zipPath, {
      highWaterMark: 1 << 20,
    }) as AsyncIterable<Buffer>) {
      unzip.push(chunk);
      if (failures.length > 0) throw failures[0];
      done += chunk.length;
      onProgress?.(done, total, 'unpack');
    }
    unzip.push(new Uint8Array(0), true);
    if (failures.length > 0) throw failures[0];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.startsWith(zipPath) ? message : `${zipPath}: cannot unpack: ${message}`);
  } finally {
    for (const fd of open) closeSync(fd);
  }
  if (open.size > 0) throw new Error(`${zipPath}: archive ended inside an entry (truncated?)`);
}

/**
 * Where the dataset's files are inside an unpacked archive: GroupLens zips hold one top folder
 * (`ml-latest-small/`, or `ml-10M100K/` for ml-10m), which is stripped; macOS metadata is ignored.
 */
export function archiveRoot(unpackedDir: string): string {
  const entries = readdirSync(unpackedDir).filter((e) => e !== '__MACOSX' && e !== '.DS_Store');
  if (entries.length === 1 && statSync(join(unpackedDir, entries[0])).isDirectory()) {
    return join(unpackedDir, entries[0]);
  }
  return unpackedDir;
}

/** md5 of a file, hex, streamed. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The checksum in a `.md5` file: GroupLens writes just the hex digest, `md5sum` appends the file
 * name, BSD `md5` writes "MD5 (file) = digest"; the first 32-hex-digit word is taken.
 *
 * @throws Error naming `source` when there is none.
 */
export function parseMd5File(text: string, source: string): string {
  const match = /\b[0-9a-fA-F]{32}\b/.exec(text);
  if (match === null) throw new Error(`${source}: no md5 checksum in "${text.trim().slice(0, 80)}"`);
  return match[0].toLowerCase();
}

function safeTarget(destDir: string, name: string, zipPath: string): string {
  const relative = normalize(name.replace(/\\/g, '/'));
  if (relative.startsWith('..') || relative.startsWith(sep) || /^[a-zA-Z]:/.test(relative)) {
    throw new Error(`${zipPath}: refusing entry '${name}' that points outside the target folder`);
  }
  return join(destDir, relative);
}
