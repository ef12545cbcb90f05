package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestYandex(t *testing.T) {
	checkEvents(t, parseString(t, dsnReport("mailer-daemon@yandex.ru", "forward1.mail.yandex.net")), "yandex", exactEnhanced,
		[]eventWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "Recipient address rejected"}})
}
