// Package report turns what the store holds into tables and writes them in
// one of several formats: a terminal table (tablewriter), CSV for
// spreadsheets, JSON for jq and scripts, Markdown and HTML for cron mail.
//
// Tables are plain data (Table). Build computes the sections that daily
// counts give (store.Count); Traffic folds every event of a range, in time
// order, into the sections that need events (totals with the send
// reconciliation, traffic per hour, deferral, reject and warning detail,
// senders). A Format writes any list of tables. Rows are sorted by count,
// then key, so the output of the same store is byte-for-byte stable.
// Threshold checks a --fail-if condition against Traffic's Totals.
//
// # Sections
//
// DefaultSections lists what a report shows, in order; by_day is shown
// only when asked for. Column keys (the JSON keys, CSV headers) per
// section, "#" marking a number:
//
//	totals                item, count#, pct#, what
//	summary               status, events#, share_pct#
//	traffic_by_day        day, received#, delivered#, deferred#, bounced#, expired#, rejected#
//	by_hour               hour, received#, delivered#, deferred#, bounced#, expired#, rejected#
//	by_domain             domain, events#, sent#, deferred#, bounced#, expired#, rejected#, bounce_rate_pct#
//	domains_by_deferrals  domain, sends#, delivered#, deferrals#, deferred_sends#, bounced#, expired#, bounce_rate_pct#
//	domains_by_bounces    (the columns of domains_by_deferrals)
//	by_reason             reason, side, hard#, soft#, bounced#, deferred#, expired#, rejected#, total#, action, meaning
//	by_code               code, enhanced, failures#, top_reason, title, meaning
//	deferrals             domain, deferrals#, deferred_sends#, reason, text, count#
//	rejects               reason, code, enhanced, text, rejects#, clients#
//	senders               sender, received#, sends#, bounced#, expired#, complained#, failures#, failure_rate_pct#, deferrals#
//	warnings              program, text, count#, first, last
//	by_day                day, sent#, deferred#, bounced#, expired#, rejected#, total#
//
// The totals rows, in order, by item: received, sends, delivered, bounced,
// expired, deferred-final, other-final, deferred, deferred-sends,
// rejected, complained, autoreplied, warnings, recipients, domains,
// senders, bounce-rate, defer-rate. pct is the share of sends for the send
// items, the rate for the two rates (count is then the numerator), and
// null for the others. See Traffic for what a send is and Totals for each
// number.
//
// In by_code, code and enhanced are strings ("550", "5.1.1"; "" when
// absent), as in rejects. Times (warnings first and last) are RFC 3339 in
// UTC, days are YYYY-MM-DD (UTC), hours "00" to "23" (UTC). A domain ""
// is shown as "(none)", an unknown sender is left out of senders, and "<>"
// is the null sender.
//
// # JSON
//
// The json format writes one object whose keys are the section IDs, in the
// order printed, each holding an array of row objects with the keys above,
// in that order; numbers are JSON numbers, an empty number is null, all
// else is a string. A section without rows is an empty array. New columns
// and sections may be added; keys are not renamed or removed.
//
//	{
//	  "totals": [
//	    {"item": "received", "count": 0, "pct": null, "what": "messages that entered the queue"},
//	    {"item": "sends", "count": 12, "pct": 100.0, "what": "..."}
//	  ],
//	  "summary": [{"status": "sent", "events": 12, "share_pct": 80.0}]
//	}
package report
