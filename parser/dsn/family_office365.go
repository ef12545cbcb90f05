package dsn

// famOffice365: not recognised yet.
var famOffice365 = family{name: "office365"}
