package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestGoogleGroups(t *testing.T) {
	english := `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@example.com
X-Failed-Recipients: team@example.org
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=UTF-8

Hello alice@example.com,

We're writing to let you know that the group you tried to contact (team) may not exist, or you may not have permission to post messages to the group.

If you have questions related to this or any other Google Group, visit the Help Center at https://groups.google.com/support/.

Thanks,

Google Groups

----- Original message -----

To: team@example.org
`
	checkEvents(t, parseString(t, english), "googlegroups", exactEnhanced, []eventWant{{"team@example.org", parser.StatusBounced, 0, "", "", "may not have permission to post messages to the group"}})

	french := `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@example.com
X-Failed-Recipients: team@example.org
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=UTF-8

Bonjour alice@example.com,

Il se peut que le groupe que vous avez essayé de contacter (team) n'existe pas.

Si vous avez des questions, consultez https://groups.google.com/support/.

Google Groups
`
	checkEvents(t, parseString(t, french), "googlegroups", exactEnhanced, []eventWant{{"team@example.org", parser.StatusBounced, 0, "", "", googlegroupsMeaning}})
}
