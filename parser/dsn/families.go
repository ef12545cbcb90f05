package dsn

import "bouncelens/parser"

// family is one bounce producer: an MTA, a mail service or a gateway, with
// how to recognise its bounces and how to read them (dsn.md sections 5
// and 6). A family file (family_<name>.go) defines one.
type family struct {
	// name is what Event.Family says: lower case, Sisimai's module name
	// where there is one ("exim", "office365", "x1").
	name string
	// detect reports whether the message was written by this producer,
	// from its header (From, Subject, vendor fields) and the first lines
	// of its text. It must be cheap and must not match other producers'
	// bounces: families are tried in order and the first match wins.
	// Header field names are spelt canonically ("X-Ms-Exchange-...", as
	// textproto.CanonicalMIMEHeaderKey writes them): a lookup by any other
	// spelling allocates, for every message.
	detect func(m *bounce) bool
	// text reads the recipients from the text of a bounce that has no
	// delivery-status part. It sets what it finds (Recipient, Status,
	// Code, Enhanced, Text, RemoteMTA, Command, Time); finish completes
	// the rest. Nil when the producer always writes RFC 3464 reports.
	text func(m *bounce) []parser.Event
	// fix adjusts the events read from a delivery-status part with what
	// only the text says (a better diagnostic, the real reply). Nil when
	// the report is enough.
	fix func(m *bounce, evs []parser.Event) []parser.Event
}

// families is the order in which producers are tried: specific markers
// before generic ones (Office 365 before Exchange, Google Groups before
// Gmail, Amazon WorkMail before SES, MTAs that imitate Sendmail or qmail
// before them). To add a producer, write family_<name>.go and list it
// here.
var families = []*family{
	// A report with Postfix's own fields was written by Postfix, whoever
	// delivered the bounce afterwards (Office 365 marks on a relayed one).
	&famPostfixReport,
	// Services and gateways with their own markers.
	&famOffice365, &famOutlook, &famExchange2007, &famExchange2003,
	&famGoogleGroups, &famGoogleWorkspace, &famGmail,
	&famAmazonWorkMail, &famReceivingSES, &famAmazonSES,
	&famYahoo, &famAOL, &famVerizon, &famZoho, &famMailRu, &famYandex,
	&famGMX, &famEinsUndEins, &famKDDI, &famEZweb, &famBiglobe,
	&famSendGrid, &famPowerMTA, &famMessageLabs,
	&famDomino, &famNotes, &famMcAfee, &famMXLogic, &famMFilter,
	&famSurfControl, &famActiveHunter, &famInterScanMSS,
	&famMailMarshalSMTP, &famBarracuda, &famAmavis, &famBigfoot,
	&famMailFoundry, &famIMailServer, &famMessagingServer,
	&famApacheJames, &famFML, &famDragonFly,
	&famX1, &famX2, &famX3, &famX4, &famX5, &famX6,
	// General-purpose MTAs last: others imitate their wording.
	&famOpenSMTPD, &famCourier, &famExim, &famPostfix,
	&famV5Sendmail, &famSendmail, &famQmail,
}

// detect returns the first family that recognises m, or nil.
func detect(m *bounce) *family {
	for _, f := range families {
		if f.detect != nil && f.detect(m) {
			return f
		}
	}
	return nil
}
