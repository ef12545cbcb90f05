package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestYandex(t *testing.T) {
	gmailCheck(t, aolReport("mailer-daemon@yandex.ru", "forward1.mail.yandex.net"), "yandex",
		[]gmailWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "Recipient address rejected"}})
}
