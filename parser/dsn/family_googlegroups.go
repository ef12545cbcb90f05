package dsn

// famGoogleGroups: not recognised yet.
var famGoogleGroups = family{name: "googlegroups"}
