package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestAOL(t *testing.T) {
	checkEvents(t, parseString(t, dsnReport("Postmaster <Postmaster@AOL.com>", "omr-m1.mx.aol.com")), "aol", exactEnhanced,
		[]eventWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "Recipient address rejected"}})
}
