package dsn

// famMailMarshalSMTP: not recognised yet.
var famMailMarshalSMTP = family{name: "mailmarshalsmtp"}
