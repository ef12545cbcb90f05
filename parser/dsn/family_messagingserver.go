package dsn

// famMessagingServer: not recognised yet.
var famMessagingServer = family{name: "messagingserver"}
