// What a slot carries besides its state: the task (def number, mode, encoded arguments), then its result.
//
//   writeTask    the owner, before markQueued / startOn: DEF, MODE, and the arguments (KIND, LEN, payload)
//   writeResult  the runner (or recovery), before publishDone: KIND (with KIND_ERROR for an error), LEN, payload
//   readResult   the owner or joiner, after it saw DONE
// Plain stores and loads throughout: task/slot-state.ts's transitions publish them (see its header).
// Errors are always made to fit (a message could be lost with a dying thread); a value that does
// not fit is reported as SIDE and travels by message instead.
import { decodeError, encodeError, type ErrorRecord } from '@runtime-traits/core/kit';
import { decodeValue, decodeValues, encodedLength, encodeValue, encodeValues, Kind, KIND_ERROR, type PayloadView } from './codec.js';
import { Layout, PAYLOAD_BYTES, S, type SlotMode } from './layout.js';

/** A finished slot's outcome; `side` means the value travels by message instead. */
export interface SlotResult {
  ok: boolean;
  value: unknown;
  side: boolean;
}

/**
 * Writes `def`, `mode` and, unless `args` is undefined (they travel by message), the encoded arguments.
 * Returns false when the arguments do not fit in the slot (they must then travel by message).
 */
export function writeTask(slots: Int32Array, payload: PayloadView, slot: number, def: number, mode: SlotMode, args: readonly unknown[] | undefined): boolean {
  const h = Layout.slotWord(slot);
  slots[h + S.DEF] = def;
  slots[h + S.MODE] = mode;
  slots[h + S.USE] = (slots[h + S.USE]! + 1) | 0;
  if (args === undefined) return true;
  const kind = encodeValues(payload, Layout.payloadByte(slot), PAYLOAD_BYTES, args);
  slots[h + S.KIND] = kind;
  slots[h + S.LEN] = encodedLength;
  return kind !== Kind.SIDE;
}

/** Which of its tasks the slot holds (S.USE): a result sent by message carries it. */
export function useOf(slots: Int32Array, slot: number): number {
  return slots[Layout.slotWord(slot) + S.USE]!;
}

/** The def number a slot's task names. */
export function defOf(slots: Int32Array, slot: number): number {
  return slots[Layout.slotWord(slot) + S.DEF]!;
}

/** The arguments written by writeTask (decoded: a fresh array). */
export function readArgs(slots: Int32Array, payload: PayloadView, slot: number): unknown[] {
  const h = Layout.slotWord(slot);
  return decodeValues(payload, Layout.payloadByte(slot), slots[h + S.KIND] as Kind, slots[h + S.LEN]!);
}

export function readResult(slots: Int32Array, payload: PayloadView, slot: number): SlotResult {
  const h = Layout.slotWord(slot);
  const kindBits = slots[h + S.KIND]!;
  const ok = (kindBits & KIND_ERROR) === 0;
  const kind = (kindBits & ~KIND_ERROR) as Kind;
  if (kind === Kind.SIDE) return { ok, value: undefined, side: true };
  const value = decodeValue(payload, Layout.payloadByte(slot), kind, slots[h + S.LEN]!);
  return { ok, value: ok ? value : decodeError(value as ErrorRecord), side: false };
}

/**
 * Writes a result (or an error) into a slot. Returns false when it does not fit: the caller sends it
 * by message. Does not publish: the caller stores DONE afterwards.
 * `errorBySide`: an error that does not fit goes by message too, whole (its stack, a long message, a
 * thrown value); otherwise — a writer that sends no message: a dead thread's recovery — it is cut to fit.
 */
export function writeResult(slots: Int32Array, payload: PayloadView, slot: number, ok: boolean, value: unknown, errorBySide = false): boolean {
  const h = Layout.slotWord(slot);
  const at = Layout.payloadByte(slot);
  const record = ok ? undefined : encodeError(value);
  let kind = encodeValue(payload, at, PAYLOAD_BYTES, ok ? value : record);
  if (record && kind === Kind.SIDE && !errorBySide) {
    // Until it fits: drop the stacks, then the cause and the other fields, then cut the message.
    withoutStacks(record);
    kind = encodeValue(payload, at, PAYLOAD_BYTES, record);
    if (kind === Kind.SIDE) {
      delete record.value;
      delete record.cause;
      delete record.errors;
      delete record.props;
      delete record.tasks;
      kind = encodeValue(payload, at, PAYLOAD_BYTES, record);
    }
    if (kind === Kind.SIDE) {
      record.message = record.message.slice(0, 80);
      kind = encodeValue(payload, at, PAYLOAD_BYTES, record);
    }
  }
  const length = kind === Kind.SIDE ? 0 : encodedLength;
  slots[h + S.KIND] = ok ? kind : kind | KIND_ERROR;
  slots[h + S.LEN] = length;
  return kind !== Kind.SIDE;
}

function withoutStacks(record: ErrorRecord): void {
  delete record.stack;
  if (record.cause) withoutStacks(record.cause);
  record.errors?.forEach(withoutStacks);
}
