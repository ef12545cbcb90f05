// Package store keeps classified delivery events, per-day aggregate counts
// and per-recipient state in an embedded Badger database (one directory,
// no server; see DefaultDir).
//
// Ingest is idempotent: an event's key is derived from its Fingerprint,
// and each batch of new events, the counter increments and the recipient
// updates they cause are committed in one transaction. Re-reading the same
// logs, overlapping rotated logs, or re-running after a crash changes no
// count. Queries (Counts, Recipients, Recipient, Events, History, Stats)
// read a consistent snapshot.
//
// One process at a time may open a store for writing: Open returns an
// error matching ErrLocked otherwise. A store written by a newer
// bouncelens is refused (ErrNewerSchema). keys.go and codec.go lay out
// the bytes of keys and values.
//
// Not done here: deleting or expiring old events, and recounting after a
// classifier change (counts keep the classification they were ingested
// with; re-ingesting does not reclassify stored events).
package store
