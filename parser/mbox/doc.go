// Package mbox splits an mbox file into messages and lists the message files
// of a Maildir, for parser/dsn.
//
// Reader understands mboxo and mboxrd: a message starts at a "From " separator
// line ("From MAILER-DAEMON Mon Nov 23 10:00:01 2026") that is the first line
// of the file or follows a blank line, and that carries a time and a
// four-digit year. One '>' is removed from body lines matching "^>+From ",
// which undoes both quoting styles. Content-Length headers (mboxcl, mboxcl2)
// are ignored, and so are the sender and date of the separator. Lines may be
// of any length; a message larger than Reader.MaxMessageBytes is skipped
// with ErrMessageTooLarge.
//
// MaildirFiles lists the messages of a Maildir (cur/ and new/, never tmp/)
// and of its Maildir++ folders (.Folder/cur, .Folder/new).
//
// See the parser reference (shared/reference/dsn.md, sections 8.2 and 8.3)
// and https://www.loc.gov/preservation/digital/formats/fdd/fdd000383.shtml.
package mbox
