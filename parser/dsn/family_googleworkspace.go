package dsn

// famGoogleWorkspace: not recognised yet.
var famGoogleWorkspace = family{name: "googleworkspace"}
