// Package catalog is the bouncelens code catalog: every SMTP basic reply code
// (RFC 5321 and later RFCs, plus non-standard codes seen in real bounces) and
// every enhanced status code of the IANA registry (RFC 3463, RFC 5248 and
// later), with a few vendor codes outside it, each with its title, class,
// severity for a bulk sender, source, meaning, when it is seen, the fix and
// the default action.
//
// The data is codes.tsv, embedded in the binary and generated from the
// project reference smtp-codes.md by internal/gencatalog (go generate); the
// generator is not needed to build or test. Enhanced codes are mostly listed
// class-independent ("X.1.6"); Lookup resolves "5.1.6" to that entry. The
// catalog describes codes; it does not classify bounces (package classify
// does).
package catalog
