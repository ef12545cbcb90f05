package dsn

import "strings"

// famYandex: Yandex Mail's bounces: RFC 3464 reports from
// mailer-daemon@yandex.ru (or another Yandex domain) with a Russian
// Subject ("Недоставленное сообщение") and text, Reporting-MTA
// *.mail.yandex.net. The report is read as usual; the family only names the
// producer. Recognised by the From address.
var famYandex = family{
	name:   "yandex",
	detect: yandexDetect,
}

func yandexDetect(m *bounce) bool {
	local, domain, _ := strings.Cut(m.from, "@")
	if local != "mailer-daemon" && local != "postmaster" {
		return false
	}
	for _, d := range []string{"yandex.ru", "yandex.com", "yandex.net", "yandex.ua", "yandex.by", "yandex.kz", "ya.ru"} {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}
