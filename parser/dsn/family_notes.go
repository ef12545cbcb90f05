package dsn

// famNotes: not recognised yet.
var famNotes = family{name: "notes"}
