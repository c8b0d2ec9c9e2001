// Finds a command from the bytes of its name, case-insensitively as Redis's strcasecmp, with no
// string made per lookup.
//
// HOW: every name of the table is hashed (FNV-1a over its lower-cased bytes) into a Map from hash
// to the entries with that hash; a lookup hashes the argument the same way, then compares bytes.
// WHY: the name is the first argument of every command; decoding it into a string and lower-casing
// that cost two allocations per command, about as much as running a GET.
import type { Command, CommandTable } from './command.js';

/** A command as found: what runs it, and the name errors give (`client|setname` for a subcommand). */
export interface Resolved {
  readonly command: Command;
  readonly fullName: string;
  /** For a container command (CLIENT, CONFIG): its subcommands. */
  readonly subcommands?: CommandIndex;
}

interface Entry extends Resolved {
  /** The name in lower case, one byte per char. */
  readonly name: Uint8Array;
}

/** A..Z to a..z, every other byte as it is (C's tolower in the "C" locale). */
function lower(byte: number): number {
  return byte >= 65 && byte <= 90 ? byte + 32 : byte;
}

function hash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ lower(bytes[i]!), 16777619);
  return h;
}

export class CommandIndex {
  private readonly buckets = new Map<number, Entry[]>();
  /** The longest name: a longer argument cannot be a command, and is not hashed. */
  private readonly longest: number;

  /** `prefix`: the container's name, for the full names of subcommands. Names in `table` are lower case. */
  constructor(table: CommandTable, prefix = '') {
    let longest = 0;
    for (const [name, command] of Object.entries(table)) {
      const bytes = Uint8Array.from(name, (c) => c.charCodeAt(0));
      const fullName = prefix === '' ? name : `${prefix}|${name}`;
      const entry: Entry = { name: bytes, command, fullName,
        subcommands: command.subcommands ? new CommandIndex(command.subcommands, name) : undefined };
      const h = hash(bytes);
      const bucket = this.buckets.get(h);
      if (bucket) bucket.push(entry);
      else this.buckets.set(h, [entry]);
      longest = Math.max(longest, bytes.length);
    }
    this.longest = longest;
  }

  lookup(name: Uint8Array): Resolved | undefined {
    if (name.length > this.longest) return undefined;
    const bucket = this.buckets.get(hash(name));
    if (bucket === undefined) return undefined;
    for (const entry of bucket) if (sameName(entry.name, name)) return entry;
    return undefined;
  }
}

function sameName(lowerName: Uint8Array, name: Uint8Array): boolean {
  if (lowerName.length !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (lowerName[i] !== lower(name[i]!)) return false;
  return true;
}
