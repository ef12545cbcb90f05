package dsn

// famSendmail: not recognised yet.
var famSendmail = family{name: "sendmail"}
