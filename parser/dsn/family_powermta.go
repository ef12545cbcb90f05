package dsn

import "bytes"

// famPowerMTA: bounces of Port25 PowerMTA, the bulk-mail MTA. They are RFC
// 3464 reports (Subject "Delivery report") whose delivery-status part has
// PowerMTA's own fields: X-PowerMTA-VirtualMTA and
// X-PowerMTA-BounceCategory (bad-mailbox, inactive-mailbox, quota-issues,
// spam-related, ...). Recognised by those fields.
var famPowerMTA = family{
	name:   "powermta",
	detect: powermtaDetect,
}

func powermtaDetect(m *bounce) bool {
	for _, r := range m.reports {
		if bytes.Contains(r, []byte("X-PowerMTA-")) {
			return true
		}
	}
	return false
}
