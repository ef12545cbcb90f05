package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestFML(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "loop alert",
			msg: `From: list-admin@example.com
To: list-admin@example.com
Subject: Loop Alert: Duplicated Message-ID (list ML)
X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]
Date: Mon, 23 Nov 2026 10:00:00 +0000

Duplicated Message-ID in <list@example.com>.

Original mail as follows:

   Subject: hello
`,
			want: []eventWant{
				{"list@example.com", parser.StatusBounced, 0, "", "", "Duplicated Message-ID"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "fml", exactAll, tt.want)
		})
	}
}
