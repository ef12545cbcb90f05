// Package store keeps classified delivery events, per-day aggregate counts
// and per-recipient state in an embedded Badger database (one directory,
// no server; see DefaultDir).
//
// A Writer ingests records (DB.Ingest is NewWriter, Add, Commit, Close).
// Ingest is idempotent: an event is identified by its Fingerprint, and
// Add skips events already stored or already added, so re-reading the
// same logs, overlapping rotated logs, or re-running after a crash changes
// no count. Queries (Counts, Recipients, Recipient, Events, History,
// Stats) read a consistent snapshot of what was committed.
//
// # Layout (keys.go, codec.go)
//
// Events are stored in blocks: the new events of one hour of one
// checkpoint, a few hundred per block part, plus one fingerprint block per
// hour and checkpoint (more if the Writer had to drop the hour's ids from
// memory meanwhile) that lists their (time, id) pairs, which is what
// dedup loads. On disk, blocks are appended to segment files
// (<dir>/segments/NNNNNN.seg, plain writes, a new file every 256 MB) and
// Badger holds small refs to them (segments.go); in memory they are Badger
// values. Counts are one key per (day, domain, status, reason,
// class, reply); recipients one key per address, with the refs of the
// blocks that hold the address's events (for History; at most 1024, the
// newest).
//
// # Checkpoints and crashes
//
// A Writer accumulates records in memory (dedup sets, count deltas,
// recipient deltas; recipient deltas past a bound go to temporary sorted
// run files, merged back at the commit: spill.go) and writes their blocks
// as they fill, in a checkpoint identified by a sequence number (seq) that
// is never reused.
// A checkpoint:
//
//  1. writes meta "next" = seq+1 (so seq is known to have started);
//  2. writes event and fingerprint blocks under seq, in several
//     transactions (no Badger transaction size limit applies);
//  3. writes every count and recipient it changed, as (seq, new, old)
//     where old is the value before the checkpoint;
//  4. fsyncs the segment files it appended to, then commits: one small
//     transaction sets meta "commit" = seq and "segend" = the end of the
//     active segment (and the caller's meta values: those of
//     Writer.CommitWith, and those queued by Writer.SetMeta, which a scan
//     uses to record how far it read each input; DB.Meta and
//     DB.MetaPrefix read them).
//
// Readers see the blocks of committed seqs only (seq <= commit and not in
// meta "aborted"), and take the new value of a count or recipient if its
// seq is committed, else the old one. So until step 4 nothing of the
// checkpoint is visible, and after it all of it is. A crash (kill -9,
// power loss with Options.SyncWrites) at any point leaves the store equal
// to its last committed checkpoint: the next read-write Open (or
// NewWriter, after a Writer closed without Commit) deletes the blocks of
// the started, uncommitted seq, adds it to "aborted" and truncates the
// segments back to "segend"; its count and
// recipient values resolve to their old halves until they are next
// written. Re-running the same input re-adds exactly what was lost.
// Without SyncWrites, a machine crash can also lose the last committed
// checkpoints (never part of one).
//
// One Writer at a time per DB (NewWriter waits for the previous one to be
// closed); one process at a time may open a store for writing: Open
// returns an error matching ErrLocked otherwise. A store written by a
// newer bouncelens is refused (ErrNewerSchema). A store of schema 1 (one
// key per event) is upgraded by a read-write Open and refused read-only
// (ErrOlderSchema).
//
// Not done here: deleting or expiring old events, and recounting after a
// classifier change (counts keep the classification they were ingested
// with; re-ingesting does not reclassify stored events).
package store
