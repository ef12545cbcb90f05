package report

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"bouncelens/classify"
	"bouncelens/classify/policy"
	"bouncelens/parser"
	"bouncelens/store"
)

// RecipientHistory is one address's whole history, what the policy made
// of each event, and the verdict: the evidence a support team asks for.
type RecipientHistory struct {
	Address string
	Verdict policy.Verdict
	Events  []HistoryEvent // oldest first
	// Stored is how many events the store counts for the address; more
	// than len(Events) when its history index kept only the newest blocks.
	Stored uint64
}

// HistoryEvent is one stored event with what the policy made of it.
type HistoryEvent struct {
	store.Record
	Effect policy.Effect
}

// ReadRecipientHistory reads addr's events (store.DB.History) through a
// policy.Tracker. It returns false if the store knows nothing of addr
// (tried as given, then in lower case).
func ReadRecipientHistory(ctx context.Context, db *store.DB, addr string, p *policy.Policy) (RecipientHistory, bool, error) {
	rec, ok, err := db.Recipient(ctx, addr)
	if err != nil || !ok {
		return RecipientHistory{}, false, err
	}
	h := RecipientHistory{Address: rec.Address, Stored: rec.Events}
	var f store.Filter
	if !rec.FirstSeen.IsZero() {
		f = store.Filter{Since: rec.FirstSeen, Until: rec.LastSeen.Add(24 * time.Hour)}
	}
	incident, err := incidentGuard(ctx, db, p, f, parser.DomainOf(rec.Address))
	if err != nil {
		return h, true, err
	}
	tr := policy.NewTracker(p, policy.MaxEvidence)
	err = db.History(ctx, rec.Address, store.Filter{}, func(r store.Record) error {
		e := tr.Add(outcomeOf(&r, incident))
		h.Events = append(h.Events, HistoryEvent{Record: r, Effect: e})
		return nil
	})
	if err != nil {
		return h, true, fmt.Errorf("reading the history of %s: %w", rec.Address, err)
	}
	h.Verdict = tr.Verdict()
	return h, true, nil
}

// WriteText writes the history for people: the verdict, then every event
// with whether it counted, the remote server, the raw diagnostic text and
// where it was read.
func (h *RecipientHistory) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	v := &h.Verdict
	field := func(name, format string, a ...any) {
		fmt.Fprintf(bw, "%-12s %s\n", name, fmt.Sprintf(format, a...))
	}
	field("address", "%s", h.Address)
	field("state", "%s", v.State)
	field("action", "%s", v.Action)
	field("why", "%s", v.Why)
	if v.NewAddress != "" {
		field("new address", "%s", v.NewAddress)
	}
	field("last", "%s", strings.Join(nonEmpty(v.LastStatus.String(), replyCode(v.LastCode), v.LastEnhanced, v.LastReason.String()), " "))
	field("counts", "%d %s: %d delivered, %d hard, %d soft, %d %s, %d %s not counted",
		v.Events, countNoun(v.Events, "event"), v.Delivered, v.Hard, v.Soft, v.Deferrals, countNoun(v.Deferrals, "deferral"),
		v.NotCounted, countNoun(v.NotCounted, "failure"))
	if v.Complaints > 0 || v.AutoReplies > 0 {
		field("", "%d %s, %d %s", v.Complaints, countNoun(v.Complaints, "complaint"), v.AutoReplies, countNoun(v.AutoReplies, "auto-reply"))
	}
	field("seen", "%s to %s", orNone(timeString(v.FirstSeen)), orNone(timeString(v.LastSeen)))
	if !v.FirstBounce.IsZero() {
		field("bounces", "first %s, last %s", timeString(v.FirstBounce), timeString(v.LastBounce))
	}
	field("delivered", "%s", orNone(timeString(v.LastDelivered)))
	if h.Stored > uint64(len(h.Events)) {
		fmt.Fprintf(bw, "\nOnly the newest %d of %d stored events are indexed for this address.\n", len(h.Events), h.Stored)
	}
	fmt.Fprintf(bw, "\nEvents, oldest first (%d):\n", len(h.Events))
	for i, e := range h.Events {
		r := &e.Record
		code, enh := r.Reply()
		what := ""
		if r.Result.Class != classify.None {
			what = "(" + r.Result.Class.String() + ", " + classify.Describe(r.Result.Reason).Side.String() + " side)"
		}
		fmt.Fprintf(bw, "\n%d  %s  %s\n", i+1, orNone(timeString(r.Time)),
			strings.Join(nonEmpty(r.Status.String(), replyCode(code), enh, r.Result.Reason.String(), what), "  "))
		counted := "no: " + e.Effect.Note
		if e.Effect.Counted {
			counted = "yes: " + e.Effect.Note
		}
		event := func(name, value string) {
			if value != "" {
				fmt.Fprintf(bw, "   %-9s %s\n", name, value)
			}
		}
		event("counted", counted)
		event("remote", r.RemoteMTA)
		event("command", r.Command)
		event("text", oneLine(r.Text))
		event("forward", r.Forward)
		event("source", sourceString(r))
		event("queue id", r.QueueID)
		event("message", r.MessageID)
	}
	return bw.Flush()
}

// sourceString is "file:line", or the file for a message read whole.
func sourceString(r *store.Record) string {
	s := r.Source
	if r.Line > 0 {
		s = fmt.Sprintf("%s:%d", s, r.Line)
	}
	if r.Family != "" && !strings.HasPrefix(r.Family, "postfix/") {
		s += " (" + r.Family + " message)"
	}
	return s
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func orNone(s string) string {
	if s == "" {
		return "never"
	}
	return s
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// historyJSON is the JSON shape of a RecipientHistory.
type historyJSON struct {
	Address       string         `json:"address"`
	State         policy.State   `json:"state"`
	Action        string         `json:"action"`
	Why           string         `json:"why"`
	NewAddress    string         `json:"new_address,omitempty"`
	LastStatus    parser.Status  `json:"last_status"`
	LastCode      int            `json:"last_code,omitempty"`
	LastEnhanced  string         `json:"last_enhanced,omitempty"`
	LastReason    string         `json:"last_reason"`
	FirstSeen     string         `json:"first_seen,omitempty"`
	LastSeen      string         `json:"last_seen,omitempty"`
	FirstBounce   string         `json:"first_bounce,omitempty"`
	LastBounce    string         `json:"last_bounce,omitempty"`
	LastDelivered string         `json:"last_delivered,omitempty"`
	Counts        historyCounts  `json:"counts"`
	Evidence      []evidenceJSON `json:"evidence"`
	Stored        uint64         `json:"stored_events"`
	Events        []eventJSON    `json:"events"`
}

type historyCounts struct {
	Events      int                  `json:"events"`
	Delivered   int                  `json:"delivered"`
	Deferrals   int                  `json:"deferrals"`
	Hard        int                  `json:"hard"`
	Soft        int                  `json:"soft"`
	NotCounted  int                  `json:"not_counted"`
	Complaints  int                  `json:"complaints"`
	AutoReplies int                  `json:"auto_replies"`
	ByGroup     map[policy.Group]int `json:"by_group,omitempty"`
}

type evidenceJSON struct {
	Time     string        `json:"time,omitempty"`
	Status   parser.Status `json:"status"`
	Code     int           `json:"code,omitempty"`
	Enhanced string        `json:"enhanced,omitempty"`
	Reason   string        `json:"reason"`
	Text     string        `json:"text,omitempty"`
}

type eventJSON struct {
	Time      string        `json:"time,omitempty"`
	Status    parser.Status `json:"status"`
	Code      int           `json:"code,omitempty"`
	Enhanced  string        `json:"enhanced,omitempty"`
	Reason    string        `json:"reason"`
	Class     string        `json:"class"`
	Side      string        `json:"side"`
	MatchedBy string        `json:"matched_by,omitempty"`
	Counted   bool          `json:"counted"`
	Group     string        `json:"group,omitempty"`
	Note      string        `json:"note"`
	RemoteMTA string        `json:"remote_mta,omitempty"`
	Command   string        `json:"command,omitempty"`
	Text      string        `json:"text,omitempty"`
	Forward   string        `json:"forward,omitempty"`
	Source    string        `json:"source"`
	Line      int           `json:"line,omitempty"`
	Family    string        `json:"family,omitempty"`
	QueueID   string        `json:"queue_id,omitempty"`
	MessageID string        `json:"message_id,omitempty"`
}

// WriteJSON writes the history as one JSON object (times RFC 3339, UTC).
func (h *RecipientHistory) WriteJSON(w io.Writer) error {
	v := &h.Verdict
	out := historyJSON{
		Address: h.Address, State: v.State, Action: v.Action.String(), Why: v.Why, NewAddress: v.NewAddress,
		LastStatus: v.LastStatus, LastCode: v.LastCode, LastEnhanced: v.LastEnhanced, LastReason: v.LastReason.String(),
		FirstSeen: timeString(v.FirstSeen), LastSeen: timeString(v.LastSeen),
		FirstBounce: timeString(v.FirstBounce), LastBounce: timeString(v.LastBounce), LastDelivered: timeString(v.LastDelivered),
		Counts: historyCounts{Events: v.Events, Delivered: v.Delivered, Deferrals: v.Deferrals, Hard: v.Hard, Soft: v.Soft,
			NotCounted: v.NotCounted, Complaints: v.Complaints, AutoReplies: v.AutoReplies, ByGroup: v.ByGroup},
		Evidence: []evidenceJSON{},
		Stored:   h.Stored,
		Events:   []eventJSON{},
	}
	for _, e := range v.Evidence {
		out.Evidence = append(out.Evidence, evidenceJSON{Time: timeString(e.Time), Status: e.Status, Code: e.Code,
			Enhanced: e.Enhanced, Reason: e.Reason.String(), Text: e.Text})
	}
	for _, e := range h.Events {
		r := &e.Record
		ej := eventJSON{
			Time: timeString(r.Time), Status: r.Status,
			Reason: r.Result.Reason.String(), Class: r.Result.Class.String(),
			Side: classify.Describe(r.Result.Reason).Side.String(), MatchedBy: r.Result.MatchedBy,
			Counted: e.Effect.Counted, Note: e.Effect.Note,
			RemoteMTA: r.RemoteMTA, Command: r.Command, Text: r.Text, Forward: r.Forward,
			Source: r.Source, Line: r.Line, Family: r.Family, QueueID: r.QueueID, MessageID: r.MessageID,
		}
		ej.Code, ej.Enhanced = r.Reply()
		if e.Effect.Group != policy.GroupNone {
			ej.Group = e.Effect.Group.String()
		}
		out.Events = append(out.Events, ej)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing the history of %s: %w", h.Address, err)
	}
	return nil
}
