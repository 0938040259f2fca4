/**
 * An in-memory stand-in for FileSystemDirectoryHandle / FileSystemFileHandle
 * FOR NODE TESTS: the subset src/io/fs uses, with the browser's error names
 * (NotFoundError, TypeMismatchError, InvalidModificationError,
 * NotReadableError for a File read after its file changed) and the
 * swap-file semantics of createWritable (nothing visible before close()).
 */

function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\')) {
    throw new TypeError(`Name is not allowed: "${name}"`);
  }
}

type WriteChunk = string | Blob | ArrayBuffer | ArrayBufferView;

async function chunkBytes(data: WriteChunk): Promise<Uint8Array> {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export class MemoryFileHandle {
  readonly kind = 'file' as const;
  /** Bumped on every commit; Files taken before fail to read (NotReadableError). */
  version = 0;
  /** Writes that fail (to test cleanup): set to an error to throw from write(). */
  failNextWrite: Error | null = null;
  constructor(readonly name: string, public bytes: Uint8Array = new Uint8Array(0)) {}

  async getFile(): Promise<File> {
    const taken = this.version;
    const file = new File([this.bytes as Uint8Array<ArrayBuffer>], this.name);
    const owner = this;
    const guard = (blob: Blob): Blob => {
      const stale = (): Promise<never> => Promise.reject(domError('NotReadableError', 'The file changed since it was taken'));
      return new Proxy(blob, {
        get(target, prop) {
          if (owner.version !== taken && (prop === 'arrayBuffer' || prop === 'text' || prop === 'bytes')) return stale;
          if (prop === 'slice') return (...args: Parameters<Blob['slice']>) => guard(target.slice(...args));
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    };
    return guard(file) as File;
  }

  async createWritable(options: { keepExistingData?: boolean } = {}): Promise<FileSystemWritableFileStream> {
    let swap: Uint8Array = options.keepExistingData ? this.bytes.slice() : new Uint8Array(0);
    let closed = false;
    const stream = {
      write: async (data: WriteChunk) => {
        if (closed) throw new TypeError('the stream is closed');
        if (this.failNextWrite) { const e = this.failNextWrite; this.failNextWrite = null; throw e; }
        const bytes = await chunkBytes(data);
        const next = new Uint8Array(swap.length + bytes.length);
        next.set(swap);
        next.set(bytes, swap.length);
        swap = next;
      },
      close: async () => {
        if (closed) throw new TypeError('the stream is closed');
        closed = true;
        this.bytes = swap;
        this.version++;
      },
      abort: async () => { closed = true; },
    };
    return stream as unknown as FileSystemWritableFileStream;
  }

  async isSameEntry(other: unknown): Promise<boolean> {
    return other === this;
  }
}

export class MemoryDirectoryHandle {
  readonly kind = 'directory' as const;
  readonly children = new Map<string, MemoryDirectoryHandle | MemoryFileHandle>();
  constructor(readonly name: string) {}

  async *values(): AsyncGenerator<MemoryDirectoryHandle | MemoryFileHandle> {
    // Like the browser: insertion order is not promised; iterate a snapshot.
    for (const entry of [...this.children.values()].reverse()) yield entry;
  }

  async *keys(): AsyncGenerator<string> {
    for await (const e of this.values()) yield e.name;
  }

  async getDirectoryHandle(name: string, options: { create?: boolean } = {}): Promise<MemoryDirectoryHandle> {
    checkName(name);
    const found = this.children.get(name);
    if (found?.kind === 'directory') return found;
    if (found) throw domError('TypeMismatchError', `${name} is a file`);
    if (!options.create) throw domError('NotFoundError', `${name} not found`);
    const dir = new MemoryDirectoryHandle(name);
    this.children.set(name, dir);
    return dir;
  }

  async getFileHandle(name: string, options: { create?: boolean } = {}): Promise<MemoryFileHandle> {
    checkName(name);
    const found = this.children.get(name);
    if (found?.kind === 'file') return found;
    if (found) throw domError('TypeMismatchError', `${name} is a folder`);
    if (!options.create) throw domError('NotFoundError', `${name} not found`);
    const file = new MemoryFileHandle(name);
    this.children.set(name, file);
    return file;
  }

  async removeEntry(name: string, options: { recursive?: boolean } = {}): Promise<void> {
    checkName(name);
    const found = this.children.get(name);
    if (!found) throw domError('NotFoundError', `${name} not found`);
    if (found.kind === 'directory' && found.children.size > 0 && !options.recursive) {
      throw domError('InvalidModificationError', `${name} is not empty`);
    }
    this.children.delete(name);
  }

  async isSameEntry(other: unknown): Promise<boolean> {
    return other === this;
  }

  /** This fake as the DOM type the code under test takes. */
  get handle(): FileSystemDirectoryHandle {
    return this as unknown as FileSystemDirectoryHandle;
  }
}

/** A fake folder holding these files (path → bytes or UTF-8 text). */
export async function memoryDirectory(files: Readonly<Record<string, Uint8Array | string>> = {}, name = 'root'): Promise<MemoryDirectoryHandle> {
  const root = new MemoryDirectoryHandle(name);
  for (const [path, data] of Object.entries(files)) {
    const parts = path.split('/');
    const fileName = parts.pop()!;
    let dir = root;
    for (const p of parts) dir = await dir.getDirectoryHandle(p, { create: true });
    const file = await dir.getFileHandle(fileName, { create: true });
    file.bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
  }
  return root;
}

/** Every file in a fake folder: path → bytes, paths sorted. */
export function treeOf(dir: MemoryDirectoryHandle, prefix = ''): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const names = [...dir.children.keys()].sort();
  for (const n of names) {
    const e = dir.children.get(n)!;
    if (e.kind === 'file') out.set(prefix + n, e.bytes);
    else for (const [p, b] of treeOf(e, `${prefix}${n}/`)) out.set(p, b);
  }
  return out;
}
