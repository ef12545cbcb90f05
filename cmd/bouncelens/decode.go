package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
	"bouncelens/report"
)

var decodeCmd = &command{
	Name:      "decode",
	UsageLine: "decode [--format FORMAT] [-v] PATH...",
	Short:     "read bounce messages and say what each one means, without storing anything",
	Long: `Decode reads bounce messages (.eml files, Maildir folders, mbox files, or one
message on standard input as "-") and prints one record per bounced or
reported recipient: who wrote the bounce (the MTA family), the recipient, the
status, the reason, hard or soft, what to do about the recipient, the new
address when the server named one, and the catalog's meaning and fix of the
code. Auto-replies are labelled vacation and feedback-loop complaints
feedback; neither is a dead address. Nothing is stored: use scan for that.

Formats: table (default, for people), json (one array), jsonl (one object a
line, for pipes and jq), csv (for spreadsheets). The fields:

	source, index      file, and the message's number inside an mbox (1, 2, ...)
	family             who wrote the bounce: rfc3464, postfix, exim, office365, ...
	recipient          the bounced (or complaining, or auto-replying) address
	orig_recipient     the address before aliasing, when the bounce gives it
	action             failed, delayed, delivered, expired, autoreplied, complained
	status, code       enhanced status code (5.1.1) and SMTP reply code (550)
	reason, class      why (userunknown, mailboxfull, ...) and hard, soft or none
	recipient_action   suppress, retry, update-address, fix-sender-config, ...
	forward            the new address a 251/551 reply names
	feedback_type      ARF Feedback-Type of a complaint (abuse, opt-out, ...)
	remote_mta, text   the server that answered and what it said
	date               when it happened
	message_id, from, to, subject   of the returned original, when included
	meaning, fix       the catalog's one line on the code (on the reason when
	                   the bounce gives no code)

Exit status: 0 when every message was read, 3 when some were skipped
(not a bounce, unreadable MIME), 1 when an input could not be read, 2 for
usage errors.

Examples:
	bouncelens decode bounce.eml
	bouncelens decode ~/Maildir/.Bounces --format csv > bounces.csv
	bouncelens decode bounces.mbox --format jsonl | jq -r 'select(.class=="hard") | .recipient'
	formail -s cat < inbox | bouncelens decode - --format json
`,
	Setup: setupDecode,
}

type decodeOptions struct {
	format  string
	verbose bool
}

func setupDecode(fs *flag.FlagSet) runFunc {
	o := &decodeOptions{}
	fs.StringVar(&o.format, "format", "table", "output `format`: table, json, jsonl or csv")
	fs.BoolVar(&o.verbose, "v", false, "list every skipped message on stderr")
	return func(ctx context.Context, e *env, args []string) int { return runDecode(ctx, e, o, args) }
}

// decoded is one record of decode: an event, its classification and the
// catalog's words on its code.
type decoded struct {
	Source          string    `json:"source"`
	Index           int       `json:"index,omitempty"`
	Family          string    `json:"family"`
	Recipient       string    `json:"recipient"`
	OrigRecipient   string    `json:"orig_recipient,omitempty"`
	Action          string    `json:"action"`
	Status          string    `json:"status,omitempty"`
	Code            int       `json:"code,omitempty"`
	Reason          string    `json:"reason"`
	Class           string    `json:"class"`
	RecipientAction string    `json:"recipient_action"`
	Forward         string    `json:"forward,omitempty"`
	FeedbackType    string    `json:"feedback_type,omitempty"`
	RemoteMTA       string    `json:"remote_mta,omitempty"`
	Text            string    `json:"text,omitempty"`
	Date            time.Time `json:"date,omitzero"`
	MessageID       string    `json:"message_id,omitempty"`
	From            string    `json:"from,omitempty"`
	To              string    `json:"to,omitempty"`
	Subject         string    `json:"subject,omitempty"`
	Meaning         string    `json:"meaning,omitempty"`
	Fix             string    `json:"fix,omitempty"`
}

// actionWords are the DSN-style words decode prints for each status.
var actionWords = map[parser.Status]string{
	parser.StatusUnknown: "unknown", parser.StatusSent: "delivered", parser.StatusDeferred: "delayed",
	parser.StatusBounced: "failed", parser.StatusExpired: "expired", parser.StatusRejected: "rejected",
	parser.StatusAutoReplied: "autoreplied", parser.StatusComplained: "complained",
}

// newDecoded builds the record of one event; index is its message's number
// in an mbox (0 for a single message).
func newDecoded(ev *parser.Event, r classify.Result, index int) decoded {
	d := decoded{
		Source: ev.Source, Index: index, Family: ev.Family,
		Recipient: ev.Recipient, OrigRecipient: ev.OrigRecipient,
		Action: actionWords[ev.Status], Status: ev.Enhanced, Code: ev.Code,
		Reason: r.Reason.String(), Class: r.Class.String(), RecipientAction: r.Action.String(),
		Forward: ev.Forward, FeedbackType: ev.Feedback, RemoteMTA: ev.RemoteMTA, Text: ev.Text,
		Date: ev.Time, MessageID: ev.MessageID, From: ev.Sender, To: ev.OrigTo, Subject: ev.Subject,
	}
	if r.Forward != "" {
		d.Forward = r.Forward
	}
	if e, ok := report.CodeEntry(ev.Code, ev.Enhanced); ok {
		d.Meaning, d.Fix = firstSentence(e.Meaning), firstSentence(e.Fix)
	} else {
		// No code (a complaint, an auto-reply, a text-only bounce): the
		// taxonomy's words on the reason.
		info := classify.Describe(r.Reason)
		d.Meaning, d.Fix = info.Meaning, info.ActionNote
	}
	return d
}

// firstSentence returns s up to and including its first ". ", or s.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// decodeInputs decodes every input and calls emit for each record, in input
// order. It returns the skipped messages and the inputs that could not be
// read to the end.
func decodeInputs(ctx context.Context, e *env, inputs []input, emit func(decoded) error) (skipped, failed []error, err error) {
	cache := newClassifier(1 << 12)
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return skipped, failed, err
		}
		r, closer, err := openReader(in, e.stdin, nil, 0, e.now, false)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		lastLine, index := -1, 0
		for ev, err := range parser.All(r) {
			if err != nil {
				if parser.IsSkip(err) {
					skipped = append(skipped, err)
					continue
				}
				failed = append(failed, err)
				break
			}
			if ev.Family == "" { // a log line, not a message
				continue
			}
			if ev.Line != lastLine {
				lastLine = ev.Line
				index++
			}
			idx := 0
			if ev.Line > 0 {
				idx = index
			}
			if err := emit(newDecoded(&ev, cache.classify(&ev), idx)); err != nil {
				closer.Close()
				return skipped, failed, err
			}
		}
		closer.Close()
	}
	return skipped, failed, nil
}

func runDecode(ctx context.Context, e *env, o *decodeOptions, args []string) int {
	if len(args) == 0 {
		return usageError(e, "decode", "no PATH given (use - for standard input)")
	}
	var (
		emit   func(decoded) error
		finish func() error
		recs   []decoded
	)
	switch o.format {
	case "jsonl":
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		emit = func(d decoded) error { return enc.Encode(d) }
		finish = func() error { return nil }
	case "json":
		emit = func(d decoded) error { recs = append(recs, d); return nil }
		finish = func() error {
			if recs == nil {
				recs = []decoded{}
			}
			b, err := json.MarshalIndent(recs, "", "  ")
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(append(b, '\n'))
			return err
		}
	case "table", "csv":
		f, err := report.ByName(o.format)
		if err != nil {
			return usageError(e, "decode", "%v", err)
		}
		emit = func(d decoded) error { recs = append(recs, d); return nil }
		finish = func() error { return f.Write(e.stdout, []report.Table{decodedTable(recs, o.format == "csv")}) }
	default:
		return usageError(e, "decode", "unknown format %q (want table, json, jsonl or csv)", o.format)
	}
	inputs, badArgs := expandInputs(args)
	for _, err := range badArgs {
		fmt.Fprintf(e.stderr, "bouncelens decode: %v\n", err)
	}
	skipped, failed, err := decodeInputs(ctx, e, inputs, emit)
	if err == nil {
		err = finish()
	}
	for i, s := range skipped {
		if !o.verbose && i == 3 {
			fmt.Fprintf(e.stderr, "bouncelens decode: ... and %d more skipped (-v lists them)\n", len(skipped)-3)
			break
		}
		fmt.Fprintf(e.stderr, "bouncelens decode: skipped %v\n", s)
	}
	for _, f := range failed {
		fmt.Fprintf(e.stderr, "bouncelens decode: %v\n", f)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return exitInterrupted
	case err != nil:
		fmt.Fprintf(e.stderr, "bouncelens decode: %v\n", err)
		return exitError
	case len(failed) > 0 || len(badArgs) > 0:
		return exitError
	case len(skipped) > 0:
		return exitSkipped
	}
	return exitOK
}

// decodedTable lays records out for a terminal or a spreadsheet. The
// terminal table keeps the columns a person reads first; CSV has them all.
func decodedTable(recs []decoded, all bool) report.Table {
	t := report.Table{ID: "decoded", Title: "Decoded bounces"}
	if all {
		t.Columns = []report.Column{{Name: "Source"}, {Name: "Index", Numeric: true}, {Name: "Family"},
			{Name: "Recipient"}, {Name: "Orig recipient"}, {Name: "Action"}, {Name: "Status"},
			{Name: "Code"}, {Name: "Reason"}, {Name: "Class"}, {Name: "Recipient action"},
			{Name: "Forward"}, {Name: "Feedback type"}, {Name: "Remote MTA"}, {Name: "Text"},
			{Name: "Date"}, {Name: "Message-ID"}, {Name: "From"}, {Name: "To"}, {Name: "Subject"},
			{Name: "Meaning"}, {Name: "Fix"}}
		for _, d := range recs {
			t.Rows = append(t.Rows, []string{d.Source, itoaZero(d.Index), d.Family, d.Recipient,
				d.OrigRecipient, d.Action, d.Status, itoaZero(d.Code), d.Reason, d.Class,
				d.RecipientAction, d.Forward, d.FeedbackType, d.RemoteMTA, d.Text, dateString(d.Date),
				d.MessageID, d.From, d.To, d.Subject, d.Meaning, d.Fix})
		}
		return t
	}
	t.Columns = []report.Column{{Name: "Source"}, {Name: "Recipient"}, {Name: "Code"}, {Name: "Reason"},
		{Name: "Class"}, {Name: "Action"}, {Name: "Meaning and fix"}}
	for _, d := range recs {
		src := d.Source
		if d.Index > 0 {
			src += "#" + strconv.Itoa(d.Index)
		}
		src += "\n(" + d.Family + ")"
		code := strings.TrimSpace(itoaZero(d.Code) + " " + d.Status)
		action := d.RecipientAction
		if d.Forward != "" {
			action += "\n-> " + d.Forward
		}
		if d.FeedbackType != "" {
			action += "\n(" + d.FeedbackType + ")"
		}
		mf := d.Meaning
		if d.Fix != "" {
			mf += "\nFix: " + d.Fix
		}
		t.Rows = append(t.Rows, []string{src, d.Recipient, code, d.Reason, d.Class, action, mf})
	}
	if len(recs) == 0 {
		t.Note = "no bounce found"
	}
	return t
}

func itoaZero(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
