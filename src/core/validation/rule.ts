/** The shape of a structural validation rule: a check of one part (or of the whole file) that appends findings. */
import type { DecodedHeader } from "../header-decode.js";
import type { ChannelRecord, Finding, PartRecord, VersionFlags } from "../model.js";

/** What a part rule sees: the file's flags, the part's decoded header and derived record, its channels. */
export interface PartContext {
  flags: VersionFlags;
  header: DecodedHeader;
  part: PartRecord;
  channels: readonly ChannelRecord[];
  /** The location of an attribute of this part (its byte offset when present). */
  at(attribute: string): { part_index: number; attribute: string; byte_offset: number | null };
  out: Finding[];
}

export type PartRule = (ctx: PartContext) => void;

/** What a file rule sees: every part at once. */
export interface FileContext {
  flags: VersionFlags;
  headers: readonly DecodedHeader[];
  parts: readonly PartRecord[];
  channels: readonly ChannelRecord[];
  out: Finding[];
}

export type FileRule = (ctx: FileContext) => void;
