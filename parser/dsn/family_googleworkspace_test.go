package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"

	"github.com/emersion/go-message"
)

func TestGoogleWorkspace(t *testing.T) {
	msg := `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@example.com
X-Failed-Recipients: bob@example.net
Subject: Delivery Status Notification (Failure)
Content-Type: multipart/report; boundary="b1"; report-type=delivery-status

--b1
Content-Type: text/plain; charset="UTF-8"

** Message not delivered **

You're sending this from a different address or alias using the 'Send mail as' feature.

The response was:

Unspecified Error (SENT_SECOND_EHLO): Smtp server does not advertise AUTH capability

--b1
Content-Type: message/delivery-status


--b1--
`
	w := &walker{o: &Options{MaxHeaderBytes: DefaultMaxHeaderBytes, MaxPartBytes: DefaultMaxPartBytes}}
	h, br, err := readMessageHeader(strings.NewReader(strings.ReplaceAll(msg, "\n", "\r\n")), DefaultMaxHeaderBytes, true)
	if err != nil {
		t.Fatal(err)
	}
	w.walkMessage(message.Header{Header: h}, br, 0)
	m := w.bounce()
	if f := detect(m); f != &famGoogleWorkspace {
		t.Fatalf("detected %v, want googleworkspace", f)
	}
	evs := famGoogleWorkspace.text(m)
	if len(evs) != 1 || evs[0].Recipient != "bob@example.net" || evs[0].Status != parser.StatusBounced ||
		evs[0].Text != "Message not delivered: Unspecified Error (SENT_SECOND_EHLO): Smtp server does not advertise AUTH capability" {
		t.Fatalf("got %+v", evs)
	}
}
