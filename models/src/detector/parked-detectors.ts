import { AnomalyRuleEntry } from './anomaly-alarm-rule';
import { AnomalyState } from './anomaly-state';
import { DETECTOR_CONFIG } from './detector-config';
import { JointModel } from './joint-model';
import { MetricModel, type ModelStorage } from './metric-model';
import { OnlineDetector } from './online-detector';
import { REGIME_SHARED, RegimeModel } from './regime-model';
import { SlotFile } from './slot-file';

/**
 * The classes a detector is made of (with the alarm rule's state its owner keeps in it); anything
 * else in it must be one of the shared objects.
 */
const CLASSES = [
  OnlineDetector,
  MetricModel,
  JointModel,
  AnomalyRuleEntry,
  AnomalyState,
  RegimeModel,
] as const;
/**
 * By class (CLASSES' order): an instance made by its constructor, cheaply and with nothing of its
 * own to keep (no profile slot, no buffer but a shared scratch one), for a return that finds no
 * parked detector's objects to be read into; its fields are then written over. Not
 * `Object.create(prototype)`: an object made that way does not get its class's hidden class, and
 * V8 keeps one given more than 16 fields through computed keys (a metric model has 20) in
 * dictionary mode, whose every field read is a hash lookup: detectors that came back that way took
 * 6 times the detection thread's CPU a reading (ingest-vs-mosquitto, after the devices had been
 * parked).
 */
function blankMakers(): readonly (() => object)[] {
  const scratch = new ArrayBuffer(MetricModel.bytes(DETECTOR_CONFIG));
  const storage: ModelStorage = { buffer: scratch, byteOffset: 0, views: MetricModel.views(scratch) };
  return [
    () => new OnlineDetector({ metrics: [] }),
    () => new MetricModel(DETECTOR_CONFIG, storage),
    () => new JointModel(1),
    () => new AnomalyRuleEntry(new AnomalyState(), null),
    () => new AnomalyState(),
    () => new RegimeModel(),
  ];
}
const VIEWS = [Float64Array, Float32Array, Uint16Array, Uint8Array, Int32Array, Uint32Array] as const;
/** By name: a test runner's realm may make typed arrays whose buffers are not this realm's ArrayBuffer. */
const VIEW_NAMES: readonly string[] = VIEWS.map((View) => View.name);
/** The smallest slot: a five-metric detector takes ≈ 6 KB. */
const MIN_SLOT_BYTES = 4096;

/** What a value in a record is: its tag byte, then its bytes. */
const NUMBER = 0;
const STRING = 1;
const TRUE = 2;
const FALSE = 3;
const NULL = 4;
const UNDEFINED = 5;
/** u32 length, then the items */
const ARRAY = 6;
/** u8 type in VIEWS, u32 buffer (index in the record), u32 byte offset, u32 length */
const VIEW = 7;
/** u8 index in `shared` */
const SHARED = 8;
/** u8 class in CLASSES, u32 list of field names, then each field's value */
const INSTANCE = 9;

/**
 * Detectors kept after their park for the next devices of their shape to come back into (their
 * objects and buffers written over): a return then makes no garbage. At most 1,024 (the parks of a
 * sweep at 1,000 readings a second, ≈ 9 MB) or as many as the devices parked, if more: a fleet
 * that reports in one burst an interval parks all its devices in one sweep and brings them all back
 * in the next burst, and its peak holds every detector anyway.
 */
const MIN_MAX_SHELLS = 1024;
/**
 * A shape's shells no device came back into for this long are dropped (a quiet fleet keeps none):
 * longer than the longest report interval (30 s), so a fleet's burst finds its last one's shells.
 */
const SHELL_MAX_AGE_MS = 60_000;
/** Sweeps' intervals over which a shape's returns are counted: a minute at a sweep a second. */
const RETURNS_WINDOW = 60;
/** A shape's returns come in bursts when the most of an interval is over this many times their mean... */
const BURST_RATIO = 4;
/** ...and at least this many (a rare shape's one return now and then is no burst). */
const BURST_MIN_RETURNS = 20;

/** By tag: whether a value of it is read into the one it replaces (reused, or compared). */
const READ_INTO = [NUMBER, STRING, TRUE, FALSE, NULL, UNDEFINED, ARRAY, VIEW, SHARED, INSTANCE].map(
  (tag) => tag === STRING || tag === ARRAY || tag === VIEW || tag === INSTANCE,
);

/** The shells of a shape, oldest first, with the sweep and the time each was kept at. */
class Shells {
  readonly detectors: OnlineDetector[] = [];
  readonly keptAt: number[] = [];
  readonly keptAtMs: number[] = [];
  /** Returns of the shape in each of the last RETURNS_WINDOW sweeps' intervals (a ring). */
  readonly returns = new Uint32Array(RETURNS_WINDOW);
}

/** What encode cannot write, and where (filled in as it unwinds). */
class CannotPark extends Error {
  path = '';
}

/** The error, with where it was prepended to its path if it is a CannotPark (made only on the way out). */
function within(error: unknown, at: number | string): unknown {
  if (error instanceof CannotPark) error.path = (typeof at === 'number' ? `[${at}]` : `.${at}`) + error.path;
  return error;
}

/** An ArrayBuffer of this realm or another (a test runner's), not a SharedArrayBuffer. */
function isArrayBuffer(buffer: ArrayBufferLike): boolean {
  return buffer instanceof ArrayBuffer || Object.prototype.toString.call(buffer) === '[object ArrayBuffer]';
}

/** The index in CLASSES of the value's class; -1 for any other. */
function classOf(value: object): number {
  const prototype: unknown = Object.getPrototypeOf(value);
  for (let c = 0; c < CLASSES.length; c++) if (CLASSES[c].prototype === prototype) return c;
  return -1;
}

/**
 * Whole detectors of quiet devices kept in a file instead of in memory (ADR 0020). A device that
 * reports every 10 to 30 seconds holds ≈ 9 KB of detector (its metric models' buffers, its joint
 * model, their objects) that nothing reads between two of its readings; parked, it costs a row
 * here (13 bytes) and a slot of a file, and its next reading brings it back (a read of a few KB,
 * from the page cache). A detector is written as it is, field by field, its typed arrays as views
 * of the buffers they share, so it comes back bit for bit what it was, paged profile slots
 * (ProfilePages) included, which stay allocated while it is parked.
 *
 * Slots come in powers of two from 4 KB, one SlotFile each, so a slot freed by one device fits
 * the next one of its size. A parked detector's objects are not dropped: the next device of the
 * same shape to come back is read into them (see MAX_SHELLS), so parking and returns make almost
 * no garbage (without it, ≈ 500 detectors a second remade in the soak doubled the thread's heap).
 */
export class ParkedDetectors {
  private readonly files = new Map<number, SlotFile>();
  /** By index, for the parked devices' columns. */
  private readonly fileList: SlotFile[] = [];
  /**
   * A parked detector is a row of these columns (a small integer for its owner to keep: a park
   * and a return allocate no object that outlives them, so the thread's old generation does not
   * fill with the bookkeeping of devices that come and go every few seconds).
   */
  private fileOf = new Uint8Array(256);
  private slotOf = new Int32Array(256);
  private lengthOf = new Int32Array(256);
  /** The record's structure (classes, field lists, array lengths, views, buffers), hashed. */
  private shapeOf = new Int32Array(256);
  private readonly freeRows: number[] = [];
  private rows = 0;
  private parkedCount = 0;
  /** Each detector's buffers, in the order its record names them (a parked one's kept objects are read into them). */
  private readonly buffersOf = new WeakMap<OnlineDetector, ArrayBuffer[]>();
  /** The buffers of the record being written. */
  private readonly writing: ArrayBuffer[] = [];
  /**
   * The field names of the instances written, each list once (every MetricModel has the same):
   * a record holds an instance's values and the index of its names here, not the names again.
   */
  private readonly fieldNames: string[][] = [];
  /** By class: the index in fieldNames of the last instance's field names. */
  private readonly lastFields: (number | undefined)[] = [];
  /** The record being written or read, and where in it. */
  private bytes = Buffer.allocUnsafe(MIN_SLOT_BYTES * 2);
  private at = 0;
  /** The structure of the record being written, hashed (FNV-1a over its structural words). */
  private shape = 0;
  /** Detectors parked, by shape, to be read into (see MIN_MAX_SHELLS). */
  private readonly shells = new Map<number, Shells>();
  private shellCount = 0;
  /** Sweeps so far (sweepShells), and the parking clock at the last one. */
  private sweeps = 0;
  private sweptAtMs = 0;
  private returnsIntoShells = 0;
  private returnCount = 0;
  private buffersMadeCount = 0;
  /** The objects given, then the regime models' (their configuration and scratch arrays). */
  private readonly shared: readonly object[];
  /** By class: a new instance with its class's hidden class, to read a record into (blankMakers). */
  private readonly blank = blankMakers();

  /**
   * dir: where the files go; shared: the objects detectors refer to but do not own (their
   * configuration, the profile pages), which a parked detector refers to again when it comes back.
   */
  constructor(
    private readonly dir: string,
    shared: readonly object[],
  ) {
    this.shared = [...shared, ...REGIME_SHARED.filter((object) => !shared.includes(object))];
  }

  /** Devices parked. */
  get count(): number {
    return this.parkedCount;
  }

  /** Parked detectors' objects kept to be reused. */
  get shellsKept(): number {
    return this.shellCount;
  }

  /** Devices brought back into a parked detector's objects so far (the others were made anew). */
  get reusedShells(): number {
    return this.returnsIntoShells;
  }

  /** Devices brought back so far (into a shell or made anew). */
  get returns(): number {
    return this.returnCount;
  }

  /** ArrayBuffers made by returns so far (a return into a shell of its shape makes none). */
  get buffersMade(): number {
    return this.buffersMadeCount;
  }

  /** Bytes of the files (every slot ever handed out). */
  get fileBytes(): number {
    let bytes = 0;
    for (const file of this.files.values()) bytes += file.fileBytes;
    return bytes;
  }

  /**
   * Writes the detector out and takes it: the caller drops it, and its objects may become another
   * device's when that one comes back. Throws where it cannot be written (an object in it that is
   * neither its own nor shared, a full disk): then it stays the caller's, in memory.
   *
   * A record: u32 length of the values, the values (tagged, depth first from the detector), then
   * u32 count of buffers and each buffer's u32 length and bytes. Written in one reused buffer, so
   * a park allocates nothing but its own bookkeeping. Returns the row it is parked in, for unpark.
   */
  park(detector: OnlineDetector): number {
    const buffers = this.writing;
    buffers.length = 0;
    this.at = 4;
    this.shape = 0x011c9dc5;
    try {
      this.write(detector, buffers);
    } catch (error) {
      if (error instanceof CannotPark) throw new Error(`cannot park detector${error.path}: ${error.message}`);
      throw error;
    }
    this.bytes.writeUInt32LE(this.at - 4, 0);
    this.u32(buffers.length);
    for (const buffer of buffers) {
      this.mix(buffer.byteLength);
      this.u32(buffer.byteLength);
      this.room(buffer.byteLength);
      this.bytes.set(new Uint8Array(buffer), this.at);
      this.at += buffer.byteLength;
    }
    const length = this.at;
    const file = this.fileFor(length);
    const slot = file.allocate();
    try {
      file.write(slot, 0, this.bytes, length);
    } catch (error) {
      file.release(slot);
      throw error;
    }
    const shape = this.shape;
    const row = this.freeRows.pop() ?? this.row();
    this.fileOf[row] = this.fileList.indexOf(file);
    this.slotOf[row] = slot;
    this.lengthOf[row] = length;
    this.shapeOf[row] = shape;
    this.parkedCount++;
    const known = this.buffersOf.get(detector);
    if (!known || known.length !== buffers.length || known.some((buffer, i) => buffer !== buffers[i])) {
      this.buffersOf.set(detector, buffers.slice());
    }
    this.keepShell(shape, detector);
    return row;
  }

  /** The detector parked in the row (park's), as it was parked; the row is free again. */
  unpark(row: number): OnlineDetector {
    if (row < 0 || row >= this.rows || this.slotOf[row] < 0)
      throw new Error(`no detector parked in row ${row}`);
    const file = this.fileList[this.fileOf[row]];
    const slot = this.slotOf[row];
    this.at = 0;
    this.room(this.lengthOf[row]);
    file.read(slot, 0, this.bytes, this.lengthOf[row]);
    const shell = this.takeShell(this.shapeOf[row]);
    const shellBuffers = shell && this.buffersOf.get(shell);
    // the buffers first, each as long as it was (the shell's, written over, or new): the views are on them
    const valuesEnd = 4 + this.bytes.readUInt32LE(0);
    this.at = valuesEnd;
    const count = this.readU32();
    const buffers = shellBuffers?.length === count ? shellBuffers : new Array<ArrayBuffer>(count);
    for (let i = 0; i < count; i++) {
      const length = this.readU32();
      if (buffers[i]?.byteLength !== length) {
        buffers[i] = new ArrayBuffer(length);
        this.buffersMadeCount++;
      }
      new Uint8Array(buffers[i]).set(this.bytes.subarray(this.at, this.at + length));
      this.at += length;
    }
    this.at = 4;
    const detector = this.read(shell, buffers) as OnlineDetector;
    if (detector !== shell || buffers !== shellBuffers) this.buffersOf.set(detector, buffers);
    this.slotOf[row] = -1;
    this.parkedCount--;
    this.returnCount++;
    this.freeRows.push(row);
    file.release(slot);
    return detector;
  }

  close(): void {
    for (const file of this.files.values()) file.close();
    this.files.clear();
    this.fileList.length = 0;
    this.parkedCount = 0;
    this.freeRows.length = 0;
    this.rows = 0;
    this.dropShells();
  }

  /**
   * Before a sweep (the pool's): drops the shells no device is expected to want. A shape whose
   * devices come back spread over time (each sweep's parks meet the next seconds' returns) loses
   * the shells it kept before the last sweep: what is left is surplus, and keeping it would keep
   * every parked detector's objects. A shape whose devices come back in bursts (the most returns of
   * a sweep in the last minute over BURST_RATIO times their mean, and at least BURST_MIN_RETURNS)
   * keeps its shells up to SHELL_MAX_AGE_MS: its devices are parked after one burst and the next
   * takes them.
   */
  sweepShells(nowMs: number): void {
    const previous = this.sweeps++;
    this.sweptAtMs = nowMs;
    for (const [shape, kept] of this.shells) {
      const { detectors, keptAt, keptAtMs, returns } = kept;
      let sum = 0;
      let most = 0;
      for (const count of returns) {
        sum += count;
        most = Math.max(most, count);
      }
      // the interval starting now counts from zero
      returns[this.sweeps % RETURNS_WINDOW] = 0;
      if (detectors.length === 0) {
        if (sum === 0) this.shells.delete(shape);
        continue;
      }
      const bursts = most >= BURST_MIN_RETURNS && most * RETURNS_WINDOW > BURST_RATIO * sum;
      let drop = 0;
      if (!bursts) while (drop < keptAt.length && keptAt[drop] < previous) drop++;
      while (drop < keptAtMs.length && keptAtMs[drop] < nowMs - SHELL_MAX_AGE_MS) drop++;
      if (drop === 0) continue;
      detectors.splice(0, drop);
      keptAt.splice(0, drop);
      keptAtMs.splice(0, drop);
      this.shellCount -= drop;
    }
  }

  /** Drops every shell kept. */
  dropShells(): void {
    this.shells.clear();
    this.shellCount = 0;
  }

  /** A new row of the columns, grown as needed. */
  private row(): number {
    if (this.rows === this.slotOf.length) {
      const grow = <T extends Uint8Array | Int32Array>(column: T): T => {
        const grown = new (column.constructor as new (length: number) => T)(column.length * 2);
        grown.set(column);
        return grown;
      };
      this.fileOf = grow(this.fileOf);
      this.slotOf = grow(this.slotOf);
      this.lengthOf = grow(this.lengthOf);
      this.shapeOf = grow(this.shapeOf);
    }
    return this.rows++;
  }

  private keepShell(shape: number, shell: OnlineDetector): void {
    if (this.shellCount >= Math.max(MIN_MAX_SHELLS, this.parkedCount)) return;
    let kept = this.shells.get(shape);
    if (!kept) this.shells.set(shape, (kept = new Shells()));
    kept.detectors.push(shell);
    kept.keptAt.push(this.sweeps);
    kept.keptAtMs.push(this.sweptAtMs);
    this.shellCount++;
  }

  private takeShell(shape: number): OnlineDetector | undefined {
    let kept = this.shells.get(shape);
    // a return without a shell counts too: it is what tells bursts from spread returns
    if (!kept) this.shells.set(shape, (kept = new Shells()));
    kept.returns[this.sweeps % RETURNS_WINDOW]++;
    const shell = kept.detectors.pop();
    if (shell) {
      kept.keptAt.pop();
      kept.keptAtMs.pop();
      this.shellCount--;
      this.returnsIntoShells++;
    }
    return shell;
  }

  /** Mixes a structural word of the record into its shape. */
  private mix(word: number): void {
    // 30 bits: a small integer, which V8 keeps without a heap number (a Map key, a column's value)
    this.shape = Math.imul(this.shape ^ word, 16777619) & 0x3fffffff;
  }

  private fileFor(length: number): SlotFile {
    let slotBytes = MIN_SLOT_BYTES;
    while (slotBytes < length) slotBytes *= 2;
    let file = this.files.get(slotBytes);
    if (!file) {
      file = new SlotFile(this.dir, slotBytes, 'parked');
      this.files.set(slotBytes, file);
      this.fileList.push(file);
    }
    return file;
  }

  private write(value: unknown, buffers: ArrayBuffer[]): void {
    switch (typeof value) {
      case 'number':
        this.room(9);
        this.bytes[this.at++] = NUMBER;
        this.bytes.writeDoubleLE(value, this.at);
        this.at += 8;
        return;
      case 'string': {
        const length = Buffer.byteLength(value);
        this.room(5 + length);
        this.bytes[this.at++] = STRING;
        this.bytes.writeUInt32LE(length, this.at);
        this.at += 4 + this.bytes.write(value, this.at + 4);
        return;
      }
      case 'boolean':
        this.tag(value ? TRUE : FALSE);
        return;
      case 'undefined':
        this.tag(UNDEFINED);
        return;
      case 'object':
        break;
      case 'bigint':
      case 'function':
      case 'symbol':
        throw new CannotPark(`a ${typeof value}`);
    }
    if (value === null) return this.tag(NULL);
    const shared = this.shared.indexOf(value);
    if (shared >= 0) {
      this.tag(SHARED);
      this.tag(shared);
      return;
    }
    if (Array.isArray(value)) {
      this.tag(ARRAY);
      this.mix(-1 - value.length);
      this.u32(value.length);
      for (let i = 0; i < value.length; i++) {
        try {
          this.write(value[i], buffers);
        } catch (error) {
          throw within(error, i);
        }
      }
      return;
    }
    if (ArrayBuffer.isView(value)) {
      const v = VIEW_NAMES.indexOf((value as Float64Array)[Symbol.toStringTag]);
      if (v < 0 || !isArrayBuffer(value.buffer)) {
        throw new CannotPark('a view of another kind');
      }
      let b = buffers.indexOf(value.buffer as ArrayBuffer);
      if (b < 0) b = buffers.push(value.buffer as ArrayBuffer) - 1;
      this.tag(VIEW);
      this.mix(0x10000 + v);
      this.mix(b);
      this.mix(value.byteOffset);
      this.mix((value as Float64Array).length);
      this.tag(v);
      this.u32(b);
      this.u32(value.byteOffset);
      this.u32((value as Float64Array).length);
      return;
    }
    const c = classOf(value);
    if (c < 0) throw new CannotPark('an object of neither the detector nor shared');
    const names = this.fieldsOf(value, c);
    this.mix(0x20000 + c);
    this.mix(names);
    this.tag(INSTANCE);
    this.tag(c);
    this.u32(names);
    for (const key of this.fieldNames[names]) {
      try {
        this.write((value as Record<string, unknown>)[key], buffers);
      } catch (error) {
        throw within(error, key);
      }
    }
  }

  /**
   * The index of the instance's field names in fieldNames: the list its class had last time when
   * they are the same (looked at without making an array of them), else found or added.
   */
  private fieldsOf(value: object, c: number): number {
    const last = this.lastFields[c];
    if (last !== undefined) {
      const names = this.fieldNames[last];
      let n = 0;
      let same = true;
      for (const key in value) {
        if (names[n++] !== key) {
          same = false;
          break;
        }
      }
      if (same && n === names.length) return last;
    }
    const index = this.fieldNamesIndex(Object.keys(value));
    this.lastFields[c] = index;
    return index;
  }

  private read(existing: unknown, buffers: ArrayBuffer[]): unknown {
    const bytes = this.bytes;
    switch (bytes[this.at++]) {
      case NUMBER: {
        const value = bytes.readDoubleLE(this.at);
        this.at += 8;
        return value;
      }
      case STRING: {
        const length = this.readU32();
        const value =
          typeof existing === 'string' && this.holds(existing, length)
            ? existing
            : bytes.toString('utf8', this.at, this.at + length);
        this.at += length;
        return value;
      }
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NULL:
        return null;
      case UNDEFINED:
        return undefined;
      case ARRAY: {
        const length = this.readU32();
        const reused = Array.isArray(existing) && existing.length === length;
        const items = reused ? (existing as unknown[]) : new Array<unknown>(length);
        for (let i = 0; i < length; i++) items[i] = this.read(reused ? items[i] : undefined, buffers);
        return items;
      }
      case VIEW: {
        const View = VIEWS[bytes[this.at++]];
        const buffer = buffers[this.readU32()];
        const byteOffset = this.readU32();
        const length = this.readU32();
        if (
          ArrayBuffer.isView(existing) &&
          existing.buffer === buffer &&
          existing.byteOffset === byteOffset &&
          (existing as Float64Array).length === length &&
          (existing as Float64Array)[Symbol.toStringTag] === View.name
        ) {
          return existing;
        }
        return new View(buffer, byteOffset, length);
      }
      case SHARED:
        return this.shared[bytes[this.at++]];
      case INSTANCE: {
        const c = bytes[this.at++];
        const keys = this.fieldNames[this.readU32()];
        const reused =
          typeof existing === 'object' &&
          existing !== null &&
          Object.getPrototypeOf(existing) === CLASSES[c].prototype;
        const instance = (reused ? existing : this.blank[c]()) as Record<string, unknown>;
        for (const key of keys) {
          // a number, boolean or the like is written over as it is: reading a number field out of
          // the object would box it in a heap number for nothing
          instance[key] = this.read(reused && READ_INTO[bytes[this.at]] ? instance[key] : undefined, buffers);
        }
        return instance;
      }
      default:
        throw new Error(`parked detector: unknown tag ${bytes[this.at - 1]} at ${this.at - 1}`);
    }
  }

  /** Whether the `length` bytes at `at` are `text` (ASCII, as metric names are; false otherwise). */
  private holds(text: string, length: number): boolean {
    if (text.length !== length) return false;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f || code !== this.bytes[this.at + i]) return false;
    }
    return true;
  }

  /** Room for n more bytes in the reused buffer (grown, its bytes so far kept). */
  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + n));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }

  private tag(byte: number): void {
    this.room(1);
    this.bytes[this.at++] = byte;
  }

  private u32(n: number): void {
    this.room(4);
    this.bytes.writeUInt32LE(n, this.at);
    this.at += 4;
  }

  private readU32(): number {
    const n = this.bytes.readUInt32LE(this.at);
    this.at += 4;
    return n;
  }

  private fieldNamesIndex(keys: string[]): number {
    const known = this.fieldNames.findIndex(
      (names) => names.length === keys.length && names.every((name, i) => name === keys[i]),
    );
    return known >= 0 ? known : this.fieldNames.push(keys) - 1;
  }
}
