package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestMailFoundry(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "responded with failure",
			msg: `From: MAILER-DAEMON@mx.example.org
To: news@example.com
Subject: Message delivery has failed
Date: Mon, 23 Nov 2026 10:00:00 +0000

Unable to deliver message to: <bob@example.net>
Delivery failed for the following reason:
mx1.example.net[192.0.2.25] responded with failure: 552 mailbox bob@example.net is over quota (#5.2.2)

This has been a permanent failure.  No further delivery attempts will be made.
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 552, "5.2.2", "", "over quota"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "mailfoundry", exactAll, tt.want)
		})
	}
}
